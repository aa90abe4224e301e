"""Numbers and dates the way readers expect them: `1.234,5` and `dd/mm/yyyy` in Vietnamese.

Babel does the work for the chosen language; templates use these filters
and never format by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale

from competition import clock

DATE_PATTERN = {"vi": "dd/MM/yyyy", "en": "dd/MM/yyyy"}


def _locale() -> str:
    try:
        return str(get_locale() or "vi")
    except RuntimeError:  # outside a request: CLI, exports
        return "vi"


@lru_cache(maxsize=8192)
def _formatted(value: Decimal | float | int, pattern: str, locale: str) -> str:
    """Babel's formatting, remembered: a board page shows the same few hundred values
    (0, 10, 2,5 …) thousands of times, and parsing the pattern costs more than a page's SQL."""
    return format_decimal(value, format=pattern, locale=locale)


def number(value: Decimal | float | int | None, places: int = 2) -> str:
    """A number with at most `places` decimals, grouped: 1.234,5."""
    if value is None:
        return "–"
    return _formatted(value, "#,##0" + ("." + "#" * places if places else ""), _locale())


def fixed(value: Decimal | float | int | None, places: int = 2) -> str:
    """A number with exactly `places` decimals: 12,50."""
    if value is None:
        return "–"
    return _formatted(value, "#,##0" + ("." + "0" * places if places else ""), _locale())


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local_day(value)
    return format_date(value, DATE_PATTERN.get(_locale(), "dd/MM/yyyy"), locale=_locale())


def parse_day(text: str) -> date:
    """A date typed as dd/mm/yyyy (the way readers write it) or yyyy-mm-dd (links, scripts)."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    """A moment on the federation's clock (Vietnam time), whatever the server's zone."""
    return format_datetime(clock.local(value), "dd/MM/yyyy HH:mm", locale=_locale())


def signed(value: Decimal | float | int) -> str:
    """A change with its sign: +3,5 or −2."""
    text = number(abs(value))
    return ("+" if value >= 0 else "−") + text


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        number=number, fixed=fixed, day=day, moment=moment, signed=signed
    )
    app.jinja_env.globals["current_locale"] = _locale
