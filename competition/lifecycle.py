"""The entry life cycle of DESIGN.md section 6, in one place.

    draft → submitted → verified | returned | rejected
    returned → submitted (after an edit)
    verified → submitted (reopened by a judge or admin, with a reason)

Each transition checks who may make it, records the audit event, keeps the
unit's tally in step, bumps the standings version and tells the people
concerned (`notifications.triggers`), all in the caller's transaction. The
caller commits; a concurrent change to the same entry surfaces as `Conflict`
(the entry's version column), never as a lost update.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from competition import audit, faults, standings
from competition.clock import now
from competition.extensions import db
from competition.models import Criterion, Entry, EntryStatus, User
from competition.notifications import triggers as notify
from competition.permissions import can_judge, can_report_for, refusal_reason
from competition.results import calendar

S = EntryStatus


class TransitionError(Exception):
    """An action that cannot be done; `status` is the HTTP status it deserves."""

    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Forbidden(TransitionError):
    status = 403


class Conflict(TransitionError):
    """Someone else changed the entry first; says who and when so nothing is lost silently."""

    who: str
    when: datetime | None
    status_now: str

    def __init__(self, entry: Entry) -> None:
        db.session.rollback()
        fresh = db.session.get(Entry, entry.id)
        who = fresh.decided_by.username if fresh and fresh.decided_by else ""
        if fresh and fresh.status in (S.DRAFT, S.SUBMITTED) and fresh.created_by:
            who = fresh.created_by.username
        self.who = who
        self.when = (fresh.decided_at or fresh.updated_at) if fresh else None
        self.status_now = fresh.status if fresh else ""
        super().__init__("conflict")


def check_version(entry: Entry, expected_version: int | None) -> None:
    """A form carries the version it was drawn from; a different one means someone acted first."""
    if expected_version is not None and expected_version != entry.version:
        raise Conflict(entry)


def _require_state(entry: Entry, *allowed: str) -> None:
    if entry.status not in allowed:
        raise TransitionError("wrong_state")


def _require_judge(entry: Entry, actor: User, criterion: Criterion | None = None) -> None:
    _require_unpublished(entry, criterion)
    if not can_judge(actor, entry.unit):
        raise Forbidden(refusal_reason(actor, entry.unit))


def require_staff_for_staff_entries(
    entry: Entry, actor: User, criterion: Criterion | None = None
) -> None:
    """Staff-only entries stay staff-only in every state, through every route.

    An entry on a criterion only staff record (a penalty) — or one about to be
    moved onto such a criterion — is written only by someone who may judge its
    unit, whether it is a draft, returned or anything else. Every route that
    writes an entry (edit, delete, submit, bulk submit) calls this first.
    """
    if not any(c is not None and c.entered_by_staff for c in (entry.criterion, criterion)):
        return
    if not actor.is_staff:
        raise Forbidden("staff_only")
    _require_judge(entry, actor, criterion)


def _require_reporter(entry: Entry, actor: User) -> None:
    # Staff record penalty entries for a unit, so they may submit those too; the unit never.
    if entry.criterion.entered_by_staff:
        require_staff_for_staff_entries(entry, actor)
    elif not can_report_for(actor, entry.unit):
        raise Forbidden("forbidden")


def _require_unpublished(entry: Entry, criterion: Criterion | None = None) -> None:
    """Nothing of a drive whose official result is published changes (the lock's own guard
    catches every other route; this says it before any work is done). A new entry has
    no criterion yet: the one its form chose names the drive."""
    # Imported here: the lock's exception is a TransitionError defined in this module.
    from competition.results import lock

    lock.ensure_open((entry.criterion or criterion).drive)


def require_submissions_open(entry: Entry) -> None:
    """Units create and submit until the drive's submission close; after it they only
    answer returned entries, and only until the freeze. Staff-entered penalties are
    not the unit's reporting and stay open until the freeze."""
    drive = entry.criterion.drive
    moment = now()
    if calendar.is_past_freeze(drive, moment):
        raise TransitionError("submissions_closed")
    if entry.criterion.entered_by_staff or moment <= calendar.submissions_close(drive):
        return
    if entry.status != S.RETURNED:
        raise TransitionError("submissions_closed")


def _require_not_decided_before_freeze(entry: Entry) -> None:
    """After the freeze a decision of record (verified by the freeze) changes only by appeal,
    so the board the public sees as of the freeze cannot move underneath it."""
    drive = entry.criterion.drive
    if (calendar.is_past_freeze(drive) and entry.verified_at is not None
            and entry.verified_at <= drive.freeze_at):
        raise TransitionError("decided_before_freeze")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("reason_required")
    return reason


def _move(
    entry: Entry,
    actor: User,
    action: str,
    status: str,
    *,
    reason: str = "",
    verified_quantity: int | None = None,
    decided: bool = True,
) -> None:
    before = audit.entry_snapshot(entry)
    was_verified = entry.status == S.VERIFIED
    moment = now()
    entry.status = status
    entry.updated_at = moment
    if status == S.SUBMITTED:
        entry.submitted_at = moment
    if decided:
        entry.decided_at = moment
        entry.decided_by_id = actor.id
        entry.decision_reason = reason
    if status == S.VERIFIED:
        entry.verified_quantity = verified_quantity
        entry.verified_at = moment
    elif was_verified:
        entry.verified_at = None
    after = audit.entry_snapshot(entry)
    try:
        # Written now, whatever the move: a later query (tallies, notifications) must not be
        # the one to find that another transaction changed the entry since our read.
        db.session.flush()
    except StaleDataError:
        raise Conflict(entry) from None
    if was_verified or status == S.VERIFIED:
        old, new = standings.count_entry(entry, counted=status == S.VERIFIED)
        criterion = entry.criterion
        standings.keep_units(criterion.drive, standings.units_moved_by(
            entry.unit_id, bool(criterion.rollup)), propaganda=criterion.is_propaganda)
        after["points_delta"] = str(
            standings.criterion_points(entry.unit, entry.criterion, new)
            - standings.criterion_points(entry.unit, entry.criterion, old)
        )
    audit.record(
        action, entry, unit_id=entry.unit_id, before=before, after=after,
        reason=reason, actor=actor,
    )


def submit(entry: Entry, actor: User, expected_version: int | None = None) -> None:
    _require_unpublished(entry)
    _require_reporter(entry, actor)
    check_version(entry, expected_version)
    _require_state(entry, S.DRAFT, S.RETURNED)
    require_submissions_open(entry)
    _move(entry, actor, "entry.submit", S.SUBMITTED, decided=False)


def verify(
    entry: Entry,
    actor: User,
    quantity: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    """Verify, optionally with an adjusted quantity; the reported quantity is kept."""
    _require_judge(entry, actor)
    check_version(entry, expected_version)
    _require_state(entry, S.SUBMITTED)
    adjusted = quantity if quantity is not None and quantity != entry.quantity else None
    if adjusted is not None:
        if adjusted < 0:
            raise TransitionError("negative_quantity")
        reason = _require_reason(reason)
    _move(entry, actor, "entry.verify", S.VERIFIED, reason=reason.strip(),
          verified_quantity=adjusted)
    notify.entry_verified(entry)
    faults.pause("verify")  # a no-op unless a durability test asks the worker to stop here


def return_for_revision(
    entry: Entry, actor: User, reason: str, expected_version: int | None = None
) -> None:
    _require_judge(entry, actor)
    check_version(entry, expected_version)
    _require_state(entry, S.SUBMITTED)
    _move(entry, actor, "entry.return", S.RETURNED, reason=_require_reason(reason))
    notify.entry_returned(entry)


def reject(entry: Entry, actor: User, reason: str, expected_version: int | None = None) -> None:
    _require_judge(entry, actor)
    check_version(entry, expected_version)
    _require_state(entry, S.SUBMITTED)
    _move(entry, actor, "entry.reject", S.REJECTED, reason=_require_reason(reason))
    notify.entry_rejected(entry)


def reopen(entry: Entry, actor: User, reason: str, expected_version: int | None = None) -> None:
    """Take a verified entry back to the queue; its points leave the standings until re-verified."""
    _require_judge(entry, actor)
    check_version(entry, expected_version)
    _require_state(entry, S.VERIFIED)
    _require_not_decided_before_freeze(entry)
    _move(entry, actor, "entry.reopen", S.SUBMITTED, reason=_require_reason(reason))
    notify.entry_reopened(entry)


def commit_transition(entry: Entry) -> None:
    """Commit the transition; a concurrent change to the same entry becomes a `Conflict`."""
    try:
        db.session.commit()
    except StaleDataError:
        raise Conflict(entry) from None
