"""The end of a drive on the Vietnam clock: submission close, freeze, appeal window, publication.

Pure reading of the drive's dates; the rules that act on them (who may still
submit, appeal or publish) ask here, so every screen and the CLI agree on
what stage a drive is in.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from competition import clock
from competition.models import Drive


class Stage(enum.StrEnum):
    OPEN = "open"  # units enter and submit
    CLOSED = "closed"  # after the submission close: units only answer returned entries
    APPEALS = "appeals"  # frozen, inside the appeal window
    AWAITING = "awaiting"  # frozen, appeal window over, not yet published
    PUBLISHED = "published"  # an official result is in force


def submissions_close(drive: Drive) -> datetime:
    """The moment after which units no longer create or submit entries (default: end of the last day)."""
    return drive.submissions_close_at or clock.end_of_day(drive.ends_on)


def appeal_deadline(drive: Drive) -> datetime | None:
    """The end of the appeal window: `appeal_days` days after the freeze (None without a freeze)."""
    if drive.freeze_at is None:
        return None
    return drive.freeze_at + timedelta(days=drive.appeal_days)


def is_past_freeze(drive: Drive, moment: datetime | None = None) -> bool:
    """The freeze moment has come (the freeze itself included)."""
    moment = moment or clock.now()
    return drive.freeze_at is not None and moment >= drive.freeze_at


def in_appeal_window(drive: Drive, moment: datetime | None = None) -> bool:
    """From the freeze to its deadline, both ends included."""
    moment = moment or clock.now()
    deadline = appeal_deadline(drive)
    return deadline is not None and drive.freeze_at <= moment <= deadline


def stage(drive: Drive, moment: datetime | None = None) -> Stage:
    moment = moment or clock.now()
    if drive.published_at is not None:
        return Stage.PUBLISHED
    if is_past_freeze(drive, moment):
        return Stage.APPEALS if in_appeal_window(drive, moment) else Stage.AWAITING
    if moment > submissions_close(drive):
        return Stage.CLOSED
    return Stage.OPEN
