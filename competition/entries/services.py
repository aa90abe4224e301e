"""The work behind the entry pages, shared with the judges' penalty page.

Saving an entry is one transaction: the fields, the evidence rows, the audit
events and (when asked) the submission commit together, and the evidence
files are placed on disk only after that commit (`competition.uploads`).
Everything is checked before anything is written, so a refused form leaves
neither a row nor a file behind.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from competition import audit, lifecycle, scoring, standings, uploads
from competition.clock import now
from competition.entries import form_tokens
from competition.entries.forms import EntryForm
from competition.entry_rules import CHANNEL_NAMES, entry_problems
from competition.extensions import db
from competition.formatting import moment
from competition.models import Criterion, Drive, Entry, EntryStatus, Evidence, Unit, User
from competition.results import lock
from competition.security import database_id, optional_id
from competition.standings.pages import live_board

EDITABLE = (EntryStatus.DRAFT, EntryStatus.RETURNED)


def editable_by_unit(entry: Entry) -> bool:
    """Whether the unit's reporter may still change the entry (never a staff-only one)."""
    return entry.status in EDITABLE and not entry.criterion.entered_by_staff

TRANSITION_MESSAGES = {
    "wrong_state": _l("Kết quả không ở trạng thái cho phép thao tác này."),
    "reason_required": _l("Hãy nhập lý do."),
    "negative_quantity": _l("Số lượng xác nhận không được âm."),
    "conflict_of_interest": _l("Bạn không được thẩm định kết quả của đơn vị mình hoặc đơn vị "
                               "cấp dưới."),
    "forbidden": _l("Bạn không có quyền thực hiện thao tác này."),
    "out_of_council": _l("Đơn vị này do hội đồng thi đua cấp khác thẩm định; bạn chỉ được xem."),
    "staff_only": _l("Kết quả này thuộc tiêu chí do tổ thẩm định ghi nhận (trừ điểm); đơn vị "
                     "không được sửa, xóa hay gửi lại."),
    "results_published": lock.MESSAGE,
    "submissions_closed": _l("Đã hết hạn gửi kết quả của đợt thi đua: đơn vị chỉ còn trả lời các "
                             "kết quả bị trả lại, trước thời điểm chốt."),
    "decided_before_freeze": _l("Bảng xếp hạng đã chốt: quyết định đưa ra trước thời điểm chốt "
                                "chỉ thay đổi được qua khiếu nại."),
}


def transition_message(error: lifecycle.TransitionError) -> str:
    """The reader's words for a refused transition (conflicts have their own, with who and when)."""
    if isinstance(error, lifecycle.Conflict):
        return str(_l("Kết quả này vừa được %(who)s cập nhật lúc %(when)s (trạng thái hiện tại: "
                      "%(status)s). Trang đã được tải lại với dữ liệu mới nhất; không có gì bị "
                      "ghi đè.", who=error.who or "?", when=moment(error.when),
                      status=STATUS_NAMES.get(error.status_now, error.status_now)))
    return str(TRANSITION_MESSAGES.get(error.message, error.message))


STATUS_NAMES = {
    EntryStatus.DRAFT: _l("Nháp"),
    EntryStatus.SUBMITTED: _l("Chờ thẩm định"),
    EntryStatus.VERIFIED: _l("Đã xác nhận"),
    EntryStatus.RETURNED: _l("Trả lại để bổ sung"),
    EntryStatus.REJECTED: _l("Không được công nhận"),
}


def parse_version(raw: str | None) -> int:
    """The version a form was drawn from; a form without one is refused as stale."""
    version = optional_id(raw)
    return -1 if version is None else version


def parse_selection(values: Sequence[str]) -> dict[int, int]:
    """Bulk forms send `id:version` per ticked entry, so a bulk action never acts on stale rows."""
    chosen: dict[int, int] = {}
    for value in values:
        entry_id, _sep, version = value.partition(":")
        try:
            chosen[database_id(entry_id)] = parse_version(version)
        except ValueError:
            continue  # not an id any entry can have: ignored like an unticked box
    return chosen


def act_on_all(entries: Sequence[Entry], act: Callable[[Entry], None]) -> None:
    """One transition for every entry of a bulk form, in one transaction: all of them go, or
    the first refusal (a `TransitionError`, re-raised) leaves every one as it was."""
    try:
        for entry in entries:
            act(entry)
        lifecycle.commit_transition(entries[0])
    except lifecycle.TransitionError:
        db.session.rollback()
        raise


# --- The entry form ----------------------------------------------------------


def reportable_criteria(drive: Drive, *, staff: bool = False) -> list[Criterion]:
    """What a reporter may enter (counts, percents, yes/no); staff enter the penalties."""
    wanted = (lambda c: c.entered_by_staff) if staff else (lambda c: c.reported_by_units)
    return [c for c in standings.scored_criteria(drive) if wanted(c)]


def prepare(form: EntryForm, drive: Drive, criteria: Sequence[Criterion]) -> None:
    """Fill the choices of the form's selects from the drive."""
    form.criterion.choices = [(None, str(_l("— Chọn tiêu chí —")))] + [
        (c.id, f"{c.code} · {c.name}") for c in criteria
    ]
    form.phase.choices = [(None, str(_l("— Không áp dụng —")))] + [
        (p.id, f"{p.name} ({p.starts_on:%d/%m} – {p.ends_on:%d/%m/%Y})") for p in drive.phases
    ]
    form.channel.choices = [("", str(_l("— Không áp dụng —")))] + [
        (code.value, name) for code, name in CHANNEL_NAMES.items()
    ]
    form.criterion_info = {c.id: c for c in criteria}


def form_context(form: EntryForm, drive: Drive) -> dict[str, Any]:
    """What the entry form template needs besides the entry (shared with the penalty page)."""
    return {
        "form": form, "drive": drive,
        "criteria_json": {str(c.id): {"propaganda": c.is_propaganda}
                          for c in form.criterion_info.values()},
        "max_mb": current_app.config["MAX_UPLOAD_MB"], "max_files": uploads.max_files(),
    }


@dataclass
class CheckedUploads:
    files: list[tuple[uploads.CheckedFile, bool]]
    status: int = 200


def check_uploads(form: EntryForm, already: int = 0) -> CheckedUploads:
    """Check every chosen file (all of them, so every problem is shown at once).

    `public_files` carries the positions of the files the reporter marked public.
    """
    public = set(request.form.getlist("public_files"))
    chosen = [f for f in (form.files.data or []) if isinstance(f, FileStorage) and f.filename]
    result = CheckedUploads([])
    if already + len(chosen) + len(form.link_list()) > uploads.max_files():
        form.files.errors.append(_l("Mỗi kết quả có tối đa %(n)s minh chứng.", n=uploads.max_files()))
        result.status = 400
        return result
    for position, storage in enumerate(chosen):
        try:
            data = uploads.read_limited(storage.stream)
            result.files.append((uploads.check(data, storage.filename), str(position) in public))
        except uploads.UploadRejected as refused:
            form.files.errors.append(refused.message)
            result.status = max(result.status, refused.status)
    return result


def rule_problems(form: EntryForm, drive: Drive) -> bool:
    """Put the shared entry rules' complaints at their fields; True when there are none."""
    criterion = form.criterion_info.get(form.criterion.data)
    if criterion is None:
        form.criterion.errors.append(_l("Tiêu chí không hợp lệ."))
        return False
    phase = next((p for p in drive.phases if p.id == form.phase.data), None)
    problems = entry_problems(drive, criterion, form.activity_date.data, form.quantity.data,
                              phase, form.channel.data or None)
    for name, message in problems:
        getattr(form, name).errors.append(message)
    return not problems


def form_is_valid(form: EntryForm, drive: Drive, already_files: int = 0) -> CheckedUploads:
    """WTForms checks, the shared rules and the files; status 200 when all pass."""
    valid = form.validate()
    checked = check_uploads(form, already_files)
    if valid:
        valid = rule_problems(form, drive)
    if not valid and checked.status == 200:
        checked.status = 400
    return checked


def _assign(entry: Entry, form: EntryForm) -> None:
    criterion: Criterion = form.criterion_info[form.criterion.data]
    entry.criterion = criterion
    entry.activity_date = form.activity_date.data
    entry.quantity = form.quantity.data
    entry.title = form.title.data.strip()
    entry.description = (form.description.data or "").strip()
    if criterion.is_propaganda:
        entry.phase_id = form.phase.data
        entry.channel = form.channel.data
        entry.people_reached = form.people_reached.data
    else:
        entry.phase_id, entry.channel, entry.people_reached = None, None, None


def evidence_facts(evidence: Evidence) -> dict[str, Any]:
    return {
        "entry_id": evidence.entry_id, "url": evidence.url, "name": evidence.original_name,
        "content_type": evidence.content_type, "size": evidence.size, "sha256": evidence.sha256,
        "is_public": evidence.is_public,
    }


def save_entry(
    entry: Entry,
    form: EntryForm,
    checked: CheckedUploads,
    actor: User,
    *,
    submit: bool,
    expected_version: int | None = None,
    form_token: str | None = None,
) -> None:
    """Write the entry, its evidence and audit events, optionally submit, commit, place files.

    Raises `lifecycle.TransitionError` (a stale form is a `Conflict`) or
    `form_tokens.FormAlreadyUsed` (a new-entry form sent twice), with nothing
    written and no file left behind.
    """
    creating = entry.id is None
    with uploads.staging() as staged:
        try:
            lifecycle.require_staff_for_staff_entries(
                entry, actor, form.criterion_info.get(form.criterion.data))
            if not creating:
                lifecycle.check_version(entry, expected_version)
                if entry.status not in EDITABLE:
                    raise lifecycle.TransitionError("wrong_state")
            use = form_tokens.claim(form_token, actor) if creating else None
            before = None if creating else audit.entry_snapshot(entry)
            _assign(entry, form)
            lifecycle.require_submissions_open(entry)
            entry.updated_at = now()
            if creating:
                entry.created_by = actor
                db.session.add(entry)
            db.session.flush()
            form_tokens.record(use, entry)
            after = audit.entry_snapshot(entry)
            if creating:
                audit.record("entry.create", entry, unit_id=entry.unit_id, after=after, actor=actor)
            else:
                old, new = audit.changes(before or {}, after)
                if new:
                    audit.record("entry.edit", entry, unit_id=entry.unit_id, before=old, after=new,
                                 actor=actor)
            _change_evidence(entry, form, checked, staged, actor, creating)
            if submit:
                lifecycle.submit(entry, actor)
            lifecycle.commit_transition(entry)
        except BaseException:
            if db.session.is_active:
                db.session.rollback()
            raise
    staged.place()


def _change_evidence(
    entry: Entry,
    form: EntryForm,
    checked: CheckedUploads,
    staged: uploads.Staging,
    actor: User,
    creating: bool,
) -> None:
    added: list[Evidence] = []
    if not creating:
        public = {optional_id(v) for v in request.form.getlist("public_evidence")} - {None}
        removed = {optional_id(v) for v in request.form.getlist("remove_evidence")} - {None}
        for evidence in list(entry.evidence):
            if evidence.id in removed:
                audit.record("evidence.remove", evidence, unit_id=entry.unit_id,
                             before=evidence_facts(evidence), actor=actor)
                staged.remove(evidence)
                entry.evidence.remove(evidence)
            elif evidence.is_public != (evidence.id in public):
                before = evidence_facts(evidence)
                evidence.is_public = evidence.id in public
                audit.record("evidence.update", evidence, unit_id=entry.unit_id,
                             before={"is_public": before["is_public"]},
                             after={"is_public": evidence.is_public}, actor=actor)
    for url in form.link_list():
        added.append(Evidence(url=url))
    for file, is_public in checked.files:
        added.append(staged.add(file, is_public=is_public))
    for evidence in added:
        entry.evidence.append(evidence)
    db.session.flush()
    for evidence in added:
        audit.record("evidence.add", evidence, unit_id=entry.unit_id,
                     after=evidence_facts(evidence), actor=actor)


def delete_draft(entry: Entry, actor: User, expected_version: int | None) -> None:
    """A draft (never seen by a judge) may go, with its files, after the commit."""
    with uploads.staging() as staged:
        lifecycle.require_staff_for_staff_entries(entry, actor)
        lifecycle.check_version(entry, expected_version)
        if entry.status != EntryStatus.DRAFT:
            raise lifecycle.TransitionError("wrong_state")
        for evidence in entry.evidence:
            staged.remove(evidence)
        audit.record("entry.delete", entry, unit_id=entry.unit_id,
                     before=audit.entry_snapshot(entry), actor=actor)
        db.session.delete(entry)
        lifecycle.commit_transition(entry)
    staged.place()


def form_from_entry(form: EntryForm, entry: Entry) -> None:
    """Draw an edit form from the entry (on GET), with the version it was drawn from."""
    form.criterion.data = entry.criterion_id
    form.activity_date.data = entry.activity_date
    form.quantity.data = entry.quantity
    form.title.data = entry.title
    form.description.data = entry.description
    form.phase.data = entry.phase_id
    form.channel.data = entry.channel or ""
    form.people_reached.data = entry.people_reached
    form.version.data = str(entry.version)


# --- Queries -------------------------------------------------------------------


def entry_of_unit(entry_id: int, unit: Unit | None) -> Entry | None:
    """The entry only if it belongs to `unit`: another unit's id looks like no entry at all."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or unit is None or entry.unit_id != unit.id:
        return None
    return entry


def history(entry: Entry) -> list[Entry]:
    """The unit's other entries on the same criterion, newest activity first."""
    return db.session.scalars(
        select(Entry)
        .where(Entry.unit_id == entry.unit_id, Entry.criterion_id == entry.criterion_id,
               Entry.id != entry.id)
        .order_by(Entry.activity_date.desc(), Entry.id.desc())
    ).all()


def month_choices(drive: Drive) -> list[date]:
    return scoring.month_starts(drive.starts_on, drive.ends_on)


# --- The dashboard ---------------------------------------------------------------


@dataclass(frozen=True)
class CriterionLine:
    """One row of a unit's dashboard: where it stands now and with its pending entries."""

    criterion: Criterion
    now: scoring.CriterionScore
    projected: scoring.CriterionScore
    pending_quantity: int
    pending_items: int
    missing: Decimal | None

    @property
    def verified_quantity(self) -> Decimal | None:
        return self.now.achieved


def missing_to_target(criterion: Criterion, score: scoring.CriterionScore,
                      members: int | None) -> Decimal | None:
    """How much more (in the criterion's own items or people) reaches the target; None if n/a."""
    if not score.applicable or score.at_target or score.target is None:
        return None
    if criterion.measure == scoring.Measure.COUNT:
        return max(Decimal(0), score.target - (score.achieved or 0))
    if criterion.measure == scoring.Measure.PERCENT and members:
        gap = (score.target - (score.achieved or 0)) * members / 100
        return Decimal(max(0, math.ceil(gap)))
    if criterion.measure == scoring.Measure.YES_NO:
        return Decimal(1)
    return None


def dashboard(drive: Drive, unit: Unit) -> dict[str, Any]:
    """The live standing, the projected one (with pending entries), and a line per criterion."""
    board = live_board(drive, unit.block) if unit.block is not None and unit.active else None
    live = board.standing(unit.id) if board is not None else None
    projected = standings.projected_standing(drive, unit) if unit.block else None
    pending = {
        criterion_id: (int(quantity), items)
        for criterion_id, quantity, items in db.session.execute(
            select(Entry.criterion_id, func.sum(Entry.quantity), func.count())
            .where(Entry.unit_id == unit.id, Entry.status == EntryStatus.SUBMITTED)
            .group_by(Entry.criterion_id)
        )
    }
    lines = []
    if live is not None and projected is not None:
        for criterion in standings.scored_criteria(drive):
            now_score = live.score(criterion.code)
            quantity, items = pending.get(criterion.id, (0, 0))
            lines.append(CriterionLine(
                criterion, now_score, projected.score(criterion.code), quantity, items,
                missing_to_target(criterion, now_score, unit.member_count),
            ))
    block_size = board.size() if board is not None else 0
    returned = [entry for entry in db.session.scalars(
        select(Entry).where(Entry.unit_id == unit.id, Entry.status == EntryStatus.RETURNED)
        .order_by(Entry.decided_at.desc())
    ) if not entry.criterion.entered_by_staff]  # staff answer their own returned penalties
    return {"live": live, "projected": projected, "lines": lines, "block_size": block_size,
            "returned": returned}
