"""The events that tell someone something, called by the code that makes the change.

Each function is one line in the transition that causes it (lifecycle.py; the
appeals service calls `appeal_opened` / `appeal_answered`): it adds the
notifications and emails to the same transaction, so a rolled-back decision
tells nobody anything.
"""

from __future__ import annotations

from competition.models import Appeal, AppealStatus, Entry, EntryStatus
from competition.notifications import recipients
from competition.notifications.messages import vi_number
from competition.notifications.models import Notification
from competition.notifications.services import notify, path_for


def _entry_link(entry: Entry) -> str:
    return path_for("entries.show", entry_id=entry.id)


def entry_returned(entry: Entry) -> list[Notification]:
    """A judge returned the entry: its reporters must add what is missing. A returned penalty
    is staff work the unit may not touch, so it asks nothing of the unit."""
    if entry.criterion.entered_by_staff:
        return []
    return notify(recipients.reporters_of(entry.unit), "entry_returned", _entry_link(entry),
           title=entry.title, reason=entry.decision_reason)


def entry_rejected(entry: Entry) -> list[Notification]:
    return notify(recipients.reporters_of(entry.unit), "entry_rejected", _entry_link(entry),
           title=entry.title, reason=entry.decision_reason)


def entry_verified(entry: Entry) -> list[Notification]:
    """Only a verification with an adjusted quantity is news; one as reported needs no message."""
    if entry.verified_quantity is None:
        return []
    return notify(recipients.reporters_of(entry.unit), "entry_adjusted", _entry_link(entry),
           title=entry.title, verified=vi_number(entry.verified_quantity),
           reported=vi_number(entry.quantity), reason=entry.decision_reason)


def entry_decided_earlier(entry: Entry) -> None:
    """What the reporters were told when a decision loaded as history (the demo) was made."""
    tell = {EntryStatus.RETURNED: entry_returned, EntryStatus.REJECTED: entry_rejected,
            EntryStatus.VERIFIED: entry_verified}.get(entry.status)
    if tell is None or entry.decided_at is None:
        return
    for notification in tell(entry) or []:
        notification.created_at = entry.decided_at


def entry_reopened(entry: Entry) -> list[Notification]:
    return notify(recipients.reporters_of(entry.unit), "entry_reopened", _entry_link(entry),
           title=entry.title, reason=entry.decision_reason)


def _appeal_subject(appeal: Appeal) -> str:
    """What the appeal is about, as people name it: the entry's title or the judged criterion."""
    if appeal.entry is not None:
        return appeal.entry.title
    return f"điểm chấm tiêu chí {appeal.assessment.criterion.code}"


def _appeal_outcome(appeal: Appeal) -> str:
    if appeal.status == AppealStatus.AMENDED and appeal.amended_value is not None:
        return f"sửa thành {vi_number(appeal.amended_value)}"
    return "giữ nguyên quyết định" if appeal.status == AppealStatus.UPHELD else "sửa quyết định"


def appeal_opened(appeal: Appeal) -> None:
    """A unit appealed: the judges who may answer it (in scope, not conflicted, not the
    judge whose decision is appealed) are told."""
    notify(recipients.judges_in_scope(appeal.unit, excluding=appeal.original_decider),
           "appeal_opened", path_for("appeals.show", appeal_id=appeal.id),
           unit=appeal.unit.name, title=_appeal_subject(appeal))


def appeal_answered(appeal: Appeal) -> None:
    """A judge upheld or amended an appeal: the unit's reporters read the outcome."""
    notify(recipients.reporters_of(appeal.unit), "appeal_answered",
           path_for("appeals.show", appeal_id=appeal.id),
           title=_appeal_subject(appeal), outcome=_appeal_outcome(appeal),
           reason=appeal.decision_reason)
