"""The application's notion of now.

The 2021 drive lies in the past, so demos and tests pin "today" with
`COMPETITION_TODAY` (YYYY-MM-DD): the date is pinned, the time of day runs,
so timestamps taken in a demo still order correctly.
"""

from __future__ import annotations

import os
from datetime import date, datetime


def _pinned_day() -> date | None:
    value = os.environ.get("COMPETITION_TODAY", "").strip()
    return date.fromisoformat(value) if value else None


def now() -> datetime:
    """The current moment (naive, local time of the federation)."""
    moment = datetime.now()
    day = _pinned_day()
    return datetime.combine(day, moment.time()) if day else moment


def today() -> date:
    return now().date()
