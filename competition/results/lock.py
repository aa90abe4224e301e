"""The lock of a published drive: one server-side guard for every route that writes.

Once an official result is in force (`Drive.published_at` set by publishing,
cleared only by a withdrawal), no entry, evidence, assessment, target,
criterion, phase, monthly report, appeal, unit membership or scoring setting
of that drive may change. The check runs in the session's `before_flush`, so
forms, bulk actions, imports, the API, the CLI and anything written later are
refused alike, without each having to remember; the restore, which writes
with plain SQL, asks `ensure_nothing_published` itself.

A refused write is rolled back by the caller, then written to the audit log
(`record_refusals`, after the request) so the attempt is on record.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from competition.extensions import db
from competition.lifecycle import TransitionError
from competition.models import (
    Appeal,
    Assessment,
    Criterion,
    Drive,
    Entry,
    Evidence,
    MonthlyReport,
    Phase,
    Target,
    Unit,
)

MESSAGE = _l("Kết quả chính thức của đợt thi đua đã được công bố: không thể thay đổi dữ liệu của "
             "đợt này. Nếu cần sửa, quản trị viên phải rút lại công bố (có lý do công khai) trước.")

# The drive settings an official result depends on; its title, activity flag
# and publication stamps may still change.
LOCKED_DRIVE_FIELDS = frozenset({
    "code", "starts_on", "ends_on", "freeze_at", "submissions_close_at", "appeal_days",
    "report_deadline_day", "threshold_excellent", "threshold_good", "threshold_passed", "rank_by",
})
# A unit's place in the ranking: its block, its parent (roll-up), whether it is ranked, its members.
LOCKED_UNIT_FIELDS = frozenset({"block_id", "parent_id", "active", "member_count"})


class ResultsLocked(TransitionError):
    """A write to a drive whose official result is published; 409 with the Vietnamese message."""

    def __init__(self, what: str = "") -> None:
        super().__init__("results_published")
        self.what = what


def published_drive_ids(session: Session | None = None) -> set[int]:
    session = session or db.session
    with session.no_autoflush:
        return set(session.scalars(select(Drive.id).where(Drive.published_at.is_not(None))))


def ensure_open(drive: Drive) -> None:
    """Refuse early, with the clear message, when the drive's result is published."""
    if drive.published_at is not None:
        _refuse(f"drive:{drive.id}")


def ensure_nothing_published() -> None:
    """For the whole-database restore: refused while any drive has an official result in force."""
    if published_drive_ids():
        _refuse("restore")


def _refuse(what: str) -> None:
    if has_request_context():
        g.setdefault("thidua_locked_refusals", []).append(what)
    raise ResultsLocked(what)


def _changed(obj: Any, fields: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(
        state.attrs[name].history.has_changes() for name in fields if name in state.attrs
    )


def _criterion_drive(session: Session, criterion_id: int | None) -> int | None:
    if criterion_id is None:
        return None
    criterion = session.get(Criterion, criterion_id)
    return criterion.drive_id if criterion is not None else None


def _drive_of(session: Session, obj: Any) -> int | None:
    """The drive an object's change would touch (None: not a drive's data)."""
    if isinstance(obj, Criterion | Phase | MonthlyReport | Appeal):
        return obj.drive_id or (obj.drive.id if getattr(obj, "drive", None) else None)
    if isinstance(obj, Entry | Assessment | Target):
        if obj.criterion is not None:
            return obj.criterion.drive_id
        return _criterion_drive(session, obj.criterion_id)
    if isinstance(obj, Evidence):
        entry = obj.entry or session.get(Entry, obj.entry_id)
        return _drive_of(session, entry) if entry is not None else None
    return None


def _touches_locked(session: Session, obj: Any, published: set[int], active: int | None) -> bool:
    if isinstance(obj, Drive):
        return obj.id in published and _changed(obj, LOCKED_DRIVE_FIELDS)
    if isinstance(obj, Unit):
        # Units are shared; their place in the ranking belongs to the drive being run.
        return active in published and (
            obj in session.new or obj in session.deleted or _changed(obj, LOCKED_UNIT_FIELDS))
    return _drive_of(session, obj) in published


def _guard(session: Session, _context: Any, _instances: Any) -> None:
    candidates = [o for o in session.new] + [o for o in session.deleted] + [
        o for o in session.dirty if session.is_modified(o)]
    watched = (Drive, Unit, Criterion, Phase, MonthlyReport, Appeal, Entry, Assessment, Target,
               Evidence)
    candidates = [o for o in candidates if isinstance(o, watched)]
    if not candidates:
        return
    published = published_drive_ids(session)
    if not published:
        return
    with session.no_autoflush:
        active = session.scalar(
            select(Drive.id).where(Drive.is_active.is_(True)).order_by(Drive.id.desc()).limit(1))
        for obj in candidates:
            if _touches_locked(session, obj, published, active):
                _refuse(f"{type(obj).__name__.lower()}:{getattr(obj, 'id', '') or 'new'}")


def record_refusals(response):
    """After a request whose write was refused by the lock: the attempt goes to the audit log."""
    refused = g.pop("thidua_locked_refusals", None)
    if refused:
        from competition import audit

        db.session.rollback()
        audit.record("results.locked_refusal", None, after={"refused": sorted(set(refused))})
        db.session.commit()
    return response


def handle_locked(error: ResultsLocked):
    """A refusal no view caught itself: 409 with the message (JSON under /api/)."""
    from competition.errors import render_error

    db.session.rollback()
    return render_error(409, str(MESSAGE))


def init_app(app: Flask) -> None:
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)
    app.after_request(record_refusals)
    app.register_error_handler(ResultsLocked, handle_locked)
