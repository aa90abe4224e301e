"""Chart data for `static/js/charts.js`, built from the same rows the tables beside them show.

Each function returns a plain dict (serialised into a `<script
type="application/json">` block): labels, datasets and, for time axes, the
propaganda phase windows and election day as positions on the axis. Colours,
patterns and number formats are the renderer's business.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from babel.dates import format_date

from competition import scoring
from competition.formatting import _locale
from competition.history import Series
from competition.models import Drive


def short_day(day: date) -> str:
    return format_date(day, "dd/MM", locale=_locale())


def _chart(kind: str, labels: Sequence[str], datasets: list[dict], **options) -> dict:
    return {"type": kind, "labels": list(labels), "datasets": datasets, "options": options}


def totals_chart(rows: Iterable[scoring.Standing], label: str) -> dict:
    """A horizontal bar per unit: its total points."""
    rows = list(rows)
    return _chart(
        "bar", [r.unit.name for r in rows],
        [{"label": label, "data": [float(r.total) for r in rows]}],
        horizontal=True,
    )


def series_chart(series: Series, units: Sequence[scoring.UnitFacts]) -> dict:
    """A line per unit: its total at the end of each week."""
    return _chart(
        "line", [short_day(d) for d in series.days],
        [{"label": u.name, "data": [float(v) for v in series.of(u.code)]} for u in units],
    )


def channel_chart(totals: Sequence, names: dict[str, str], label: str) -> dict:
    return _chart(
        "bar", [names[t.channel] for t in totals],
        [{"label": label, "data": [t.activities for t in totals]}],
        horizontal=True,
    )


def week_starts(drive: Drive) -> list[date]:
    """Mondays from the drive's first week to its last."""
    first = drive.starts_on - timedelta(days=drive.starts_on.weekday())
    weeks = []
    while first <= drive.ends_on:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def weekly_counts(
    weeks: Sequence[date], rows: Iterable[tuple[date, str, int]], codes: Sequence[str]
) -> dict[str, list[int]]:
    """Activities per criterion code in each week of `weeks`."""
    counts = {code: [0] * len(weeks) for code in codes}
    for day, code, n in rows:
        index = (day - weeks[0]).days // 7
        if 0 <= index < len(weeks):
            counts.setdefault(code, [0] * len(weeks))[index] += n
    return counts


def _position(weeks: Sequence[date], day: date) -> float:
    """Where a day falls on a category axis of weeks (week i spans i - 0.5 .. i + 0.5)."""
    return (day - weeks[0]).days / 7 - 0.5


def weekly_chart(drive: Drive, weeks: Sequence[date], counts: dict[str, list[int]],
                 names: dict[str, str], election_label: str) -> dict:
    """Activities per week by criterion, with the phase windows and election day marked."""
    last = len(weeks) - 0.5
    bands = [
        {
            "label": phase.name,
            "from": max(-0.5, _position(weeks, phase.starts_on)),
            "to": min(last, _position(weeks, phase.ends_on + timedelta(days=1))),
        }
        for phase in drive.phases
        if phase.ends_on >= weeks[0] and phase.starts_on <= drive.ends_on
    ]
    lines = []
    if drive.election_day and weeks[0] <= drive.election_day <= drive.ends_on:
        lines.append({"label": election_label,
                      "at": _position(weeks, drive.election_day) + 1 / 14})
    return _chart(
        "bar", [short_day(w) for w in weeks],
        [{"label": names.get(code, code), "data": data} for code, data in counts.items()],
        stacked=True, marks={"bands": bands, "lines": lines},
    )
