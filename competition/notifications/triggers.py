"""The events that tell someone something, called by the code that makes the change.

Each function is one line in the transition that causes it (lifecycle.py,
appeals): it adds the notifications and emails to the same transaction, so a
rolled-back decision tells nobody anything.
"""

from __future__ import annotations

from competition.models import Entry, Unit, User
from competition.notifications import recipients
from competition.notifications.messages import vi_number
from competition.notifications.services import notify, path_for


def _entry_link(entry: Entry) -> str:
    return path_for("entries.show", entry_id=entry.id)


def entry_returned(entry: Entry) -> None:
    """A judge returned the entry: its reporters must add what is missing."""
    notify(recipients.reporters_of(entry.unit), "entry_returned", _entry_link(entry),
           title=entry.title, reason=entry.decision_reason)


def entry_rejected(entry: Entry) -> None:
    notify(recipients.reporters_of(entry.unit), "entry_rejected", _entry_link(entry),
           title=entry.title, reason=entry.decision_reason)


def entry_verified(entry: Entry) -> None:
    """Only a verification with an adjusted quantity is news; one as reported needs no message."""
    if entry.verified_quantity is None:
        return
    notify(recipients.reporters_of(entry.unit), "entry_adjusted", _entry_link(entry),
           title=entry.title, verified=vi_number(entry.verified_quantity),
           reported=vi_number(entry.quantity), reason=entry.decision_reason)


def entry_reopened(entry: Entry) -> None:
    notify(recipients.reporters_of(entry.unit), "entry_reopened", _entry_link(entry),
           title=entry.title, reason=entry.decision_reason)


def appeal_opened(unit: Unit, title: str, link: str, decided_by: User | None) -> None:
    """A unit appealed: the judges who may answer it (in scope, not conflicted, not the
    judge whose decision is appealed) are told."""
    notify(recipients.judges_in_scope(unit, excluding=decided_by), "appeal_opened", link,
           unit=unit.name, title=title)


def appeal_answered(unit: Unit, title: str, link: str, outcome: str, reason: str) -> None:
    """A judge upheld or amended an appeal: the unit's reporters read the outcome."""
    notify(recipients.reporters_of(unit), "appeal_answered", link,
           title=title, outcome=outcome, reason=reason)
