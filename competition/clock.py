"""The application's notion of time: Vietnam time for people, UTC in the database.

The federation lives in `TIMEZONE` (default Asia/Ho_Chi_Minh): "today", every
deadline ("by the end of day 5"), the freeze and every time shown are read on
that clock, whatever zone the server itself runs in. Moments are handled as
timezone-aware UTC datetimes and stored as UTC (`UTCDateTime`).

The 2021 drive lies in the past, so demos and tests pin "today" with
`COMPETITION_TODAY` (YYYY-MM-DD, a Vietnam date): the date is pinned, the
Vietnam time of day runs, so timestamps taken in a demo still order correctly.
`COMPETITION_NOW` (YYYY-MM-DDTHH:MM:SS, Vietnam time) pins the moment itself,
for tests at a boundary such as the freeze or a deadline's last second.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def zone_name() -> str:
    """The federation's time zone: the app's TIMEZONE setting, else the environment's."""
    try:
        from flask import current_app

        return current_app.config.get("TIMEZONE") or DEFAULT_ZONE
    except RuntimeError:  # outside an application context (pure code, scripts)
        return os.environ.get("TIMEZONE", "").strip() or DEFAULT_ZONE


def zone() -> tzinfo:
    return ZoneInfo(zone_name())


def _pinned_day() -> date | None:
    value = os.environ.get("COMPETITION_TODAY", "").strip()
    return date.fromisoformat(value) if value else None


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    pinned = os.environ.get("COMPETITION_NOW", "").strip()
    if pinned:
        return from_local(datetime.fromisoformat(pinned))
    moment = datetime.now(UTC)
    day = _pinned_day()
    if day is None:
        return moment
    wall = moment.astimezone(zone())
    return datetime.combine(day, wall.timetz()).replace(tzinfo=wall.tzinfo).astimezone(UTC)


def today() -> date:
    """Today's date in Vietnam time (the day a reporter's calendar shows)."""
    return local(now()).date()


def as_utc(moment: datetime) -> datetime:
    """An aware UTC moment; a naive value is taken to be UTC already (how the database keeps it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local(moment: datetime) -> datetime:
    """The moment on the federation's wall clock (aware, in `zone()`), for display."""
    return as_utc(moment).astimezone(zone())


def local_day(moment: datetime) -> date:
    """The Vietnam date on which `moment` fell."""
    return local(moment).date()


def from_local(wall: datetime) -> datetime:
    """A wall-clock time a person typed (Vietnam time, naive) as an aware UTC moment."""
    if wall.tzinfo is not None:
        return wall.astimezone(UTC)
    return wall.replace(tzinfo=zone()).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """The first moment of a Vietnam day, in UTC."""
    return from_local(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """The last moment of a Vietnam day, in UTC: "by the end of day N" means up to this."""
    return from_local(datetime.combine(day, time.max))


class UTCDateTime(TypeDecorator):
    """A moment stored as UTC (naive in the column) and read back timezone-aware.

    Aware values of any zone are converted to UTC on the way in; a naive value
    is taken to be UTC. The column type stays a plain DateTime on SQLite and
    PostgreSQL alike, so comparisons in SQL compare UTC with UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or not isinstance(value, datetime):
            return value
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
