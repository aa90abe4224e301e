"""Appeals (khiếu nại) between the freeze and the publication, in one place.

    open → upheld | amended

During the appeal window (`appeal_days` after the freeze) a unit's reporter
appeals one decision on the unit's own data: a rejected entry, a verified
entry whose quantity a judge adjusted, a returned entry the unit could no
longer answer, or a judge's score. Another judge — never the one who made the
decision, never one conflicted with the unit — upholds it or amends it, with a
reason. An amendment counts in the official result as if made before the
freeze (`standings.counted_by`). Each step checks who may act, writes the
audit event (whose public facts feed the change log, without anyone's name)
and keeps the tallies in step, in the caller's transaction.
"""

from __future__ import annotations

import enum
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select

from competition import audit, clock, standings
from competition.extensions import db
from competition.lifecycle import Forbidden, TransitionError
from competition.models import (
    Appeal,
    AppealStatus,
    Assessment,
    Entry,
    EntryStatus,
    User,
)
from competition.notifications import triggers as notify
from competition.permissions import can_judge, can_report_for
from competition.results import calendar
from competition.scoring import Measure

MAX_REASON = 4000


class AppealKind(enum.StrEnum):
    REJECTED = "rejected"  # the entry was not recognised
    ADJUSTED = "adjusted"  # verified with a quantity lower or higher than reported
    RETURNED = "returned"  # returned for revision and left unanswered at the freeze
    SCORE = "score"  # a judge's points on a judged criterion


def entry_kind(entry: Entry) -> AppealKind | None:
    """What an appeal of this entry would be about; None when there is nothing to appeal."""
    if entry.status == EntryStatus.REJECTED:
        return AppealKind.REJECTED
    if entry.status == EntryStatus.RETURNED:
        return AppealKind.RETURNED
    if entry.status == EntryStatus.VERIFIED and entry.verified_quantity is not None:
        return AppealKind.ADJUSTED
    return None


def _text(value: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TransitionError(code)
    if len(value) > MAX_REASON:
        raise TransitionError("reason_too_long")
    return value


def _evidence_url(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    if not url.lower().startswith(("http://", "https://")) or len(url) > 1000 or " " in url:
        raise TransitionError("bad_evidence_url")
    return url


def _already(entry: Entry | None, assessment: Assessment | None) -> bool:
    target = Appeal.entry_id == entry.id if entry is not None else Appeal.assessment_id == assessment.id
    return db.session.scalar(select(Appeal.id).where(target).limit(1)) is not None


def _public_facts(appeal: Appeal) -> dict:
    """What the change log may show of an appeal: the criterion and the values, no person."""
    criterion = appeal.entry.criterion if appeal.entry else appeal.assessment.criterion
    return {
        "kind": appeal.kind, "criterion_code": criterion.code, "criterion_name": criterion.name,
        "original": appeal.original_value,
        "amended": str(appeal.amended_value) if appeal.amended_value is not None else None,
        "status": appeal.status,
    }


def file_appeal(
    actor: User,
    reason: str,
    *,
    entry: Entry | None = None,
    assessment: Assessment | None = None,
    evidence_url: str | None = None,
) -> Appeal:
    """A unit's reporter appeals one decision on the unit's own data, inside the window."""
    target_unit = entry.unit if entry is not None else assessment.unit
    criterion = entry.criterion if entry is not None else assessment.criterion
    if not can_report_for(actor, target_unit):
        raise Forbidden("forbidden")
    drive = criterion.drive
    if not calendar.in_appeal_window(drive):
        raise TransitionError("appeal_window_closed")
    if entry is not None:
        kind = entry_kind(entry)
        if kind is None:
            raise TransitionError("not_appealable")
        original = str(entry.counted_quantity if kind == AppealKind.ADJUSTED else entry.quantity)
        decider = entry.decided_by_id
    else:
        if criterion.measure != Measure.JUDGED:
            raise TransitionError("not_appealable")
        kind, original, decider = AppealKind.SCORE, str(assessment.points), assessment.judge_id
    if _already(entry, assessment):
        raise TransitionError("already_appealed")
    appeal = Appeal(
        drive_id=drive.id, unit_id=target_unit.id, entry=entry, assessment=assessment, kind=kind,
        reason=_text(reason, "reason_required"), evidence_url=_evidence_url(evidence_url),
        status=AppealStatus.OPEN, original_value=original, original_decider_id=decider,
        created_by_id=actor.id, created_at=clock.now(),
    )
    db.session.add(appeal)
    db.session.flush()
    audit.record("appeal.file", appeal, unit_id=target_unit.id, actor=actor,
                 reason=appeal.reason, after=_public_facts(appeal))
    notify.appeal_opened(appeal)
    return appeal


def may_decide(actor: User, appeal: Appeal) -> str | None:
    """Why `actor` may not decide this appeal (a refusal code), or None when they may."""
    if not (actor.is_authenticated and actor.is_staff):
        return "forbidden"
    if actor.id in (appeal.original_decider_id, getattr(appeal.assessment, "judge_id", None)):
        return "own_decision"
    if not can_judge(actor, appeal.unit):
        return "conflict_of_interest"
    return None


def _amount(appeal: Appeal, raw: str | None) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise TransitionError("bad_amended_value") from None
    if not value.is_finite() or value < 0:
        raise TransitionError("bad_amended_value")
    if appeal.kind == AppealKind.SCORE:
        if value > appeal.assessment.criterion.max_points or value != round(value, 2):
            raise TransitionError("bad_amended_value")
    elif value != value.to_integral_value():
        raise TransitionError("bad_amended_value")
    return value


def _amend_entry(appeal: Appeal, actor: User, quantity: int, reason: str) -> None:
    """The entry becomes verified with the amended quantity and counts from the freeze."""
    entry = appeal.entry
    before = audit.entry_snapshot(entry)
    if entry.status == EntryStatus.VERIFIED:
        standings.count_entry(entry, counted=False)
    moment = clock.now()
    entry.status = EntryStatus.VERIFIED
    entry.verified_quantity = quantity if quantity != entry.quantity else None
    entry.verified_at = entry.verified_at if entry.verified_at else moment
    entry.decided_at, entry.decided_by_id, entry.decision_reason = moment, actor.id, reason
    entry.updated_at = moment
    db.session.flush()
    standings.count_entry(entry, counted=True)
    audit.record("entry.amend", entry, unit_id=entry.unit_id, actor=actor, reason=reason,
                 before=before, after={**audit.entry_snapshot(entry), "appeal_id": appeal.id})


def decide(
    appeal: Appeal, actor: User, outcome: str, reason: str, amended_value: str | None = None
) -> None:
    """Uphold or amend an open appeal; an amendment changes the entry or the score it names."""
    refusal = may_decide(actor, appeal)
    if refusal:
        raise Forbidden(refusal)
    if appeal.status != AppealStatus.OPEN:
        raise TransitionError("appeal_decided")
    if outcome not in ("uphold", "amend"):
        raise TransitionError("bad_outcome")
    reason = _text(reason, "reason_required")
    moment = clock.now()
    if outcome == "amend":
        value = _amount(appeal, amended_value)
        if appeal.kind == AppealKind.SCORE:
            assessment = appeal.assessment
            before = {"points": str(assessment.points)}
            # The score of record keeps its time: it counts as if given before the freeze.
            assessment.points = value
            audit.record("assessment.amend", assessment, unit_id=appeal.unit_id, actor=actor,
                         reason=reason, before=before,
                         after={"points": str(value), "appeal_id": appeal.id})
        else:
            _amend_entry(appeal, actor, int(value), reason)
        appeal.amended_value = value
        appeal.status = AppealStatus.AMENDED
    else:
        appeal.status = AppealStatus.UPHELD
    appeal.decided_by_id, appeal.decision_reason, appeal.decided_at = actor.id, reason, moment
    standings.bump_version(appeal.drive_id)
    db.session.flush()
    audit.record(f"appeal.{outcome}", appeal, unit_id=appeal.unit_id, actor=actor, reason=reason,
                 before={"status": AppealStatus.OPEN}, after=_public_facts(appeal))
    notify.appeal_answered(appeal)


def open_first(drive_id: int, unit_id: int | None = None) -> list[Appeal]:
    """Appeals of a drive (or of one unit): open ones first, oldest first among them."""
    query = select(Appeal).where(Appeal.drive_id == drive_id)
    if unit_id is not None:
        query = query.where(Appeal.unit_id == unit_id)
    order = (Appeal.status != AppealStatus.OPEN, Appeal.created_at, Appeal.id)
    return list(db.session.scalars(query.order_by(*order)))


def appealable(drive_id: int, unit_id: int) -> tuple[list[Entry], list[Assessment]]:
    """The unit's decisions it may still appeal (none appealed yet), for the unit's page."""
    appealed = select(Appeal.entry_id).where(Appeal.entry_id.is_not(None))
    entries = db.session.scalars(
        select(Entry).join(Entry.criterion)
        .where(Entry.unit_id == unit_id, Entry.criterion.has(drive_id=drive_id))
        .where(or_(Entry.status.in_([EntryStatus.REJECTED, EntryStatus.RETURNED]),
                   (Entry.status == EntryStatus.VERIFIED) & Entry.verified_quantity.is_not(None)))
        .where(Entry.id.not_in(appealed))
        .order_by(Entry.activity_date, Entry.id)
    ).all()
    scored = select(Appeal.assessment_id).where(Appeal.assessment_id.is_not(None))
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.unit_id == unit_id, Assessment.id.not_in(scored))
        .where(Assessment.criterion.has(drive_id=drive_id))
        .order_by(Assessment.id)
    ).all()
    return list(entries), list(assessments)
