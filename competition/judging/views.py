"""The judges' pages: the queue, one entry and its decision, the grid, penalty entries."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competition import lifecycle, standings, uploads
from competition.accounts.access import staff_required
from competition.entries import form_tokens
from competition.entries import services as entry_services
from competition.entries.forms import PenaltyForm, VersionForm
from competition.extensions import db
from competition.judging import bp
from competition.judging import services as svc
from competition.judging.forms import DecisionForm, GridForm
from competition.models import AppealStatus, Block, Entry, Unit, User
from competition.permissions import can_judge, can_see_unit, council_blocks, refusal_reason
from competition.results import appeals
from competition.security import database_id, optional_id

ACTIONS = {
    "xac-nhan": "verify",
    "tra-lai": "return",
    "tu-choi": "reject",
    "mo-lai": "reopen",
}
# Missing or bad input in the decision form is a 400; the other refusals keep their own status.
FIELD_ERRORS = {"reason_required": "reason", "negative_quantity": "quantity"}


bp.before_request(uploads.limit_request_size)


def _me() -> User:
    return current_user._get_current_object()


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/")
@staff_required
def queue():
    drive = standings.require_active_drive()
    chosen = {name: request.args.get(name, type=database_id) for name in svc.FACETS}
    below = request.args.get("cap-duoi") == "1"
    query, facets = svc.queue(drive, chosen, _me(), below)
    page = db.paginate(query, page=request.args.get("page", 1, type=database_id),
                       per_page=current_app.config["ENTRIES_PER_PAGE"], error_out=False)
    allowed = {entry.id: can_judge(current_user, entry.unit) for entry in page.items}
    waiting = [a for a in appeals.open_first(drive.id) if a.status == AppealStatus.OPEN]
    return render_template("judging/queue.html", page=page, facets=facets, chosen=chosen,
                           allowed=allowed, bulk=VersionForm(), appeals=waiting, below=below)


def _render_entry(entry: Entry, forms: dict[str, DecisionForm] | None = None,
                  message: str = "", status: int = 200):
    forms = forms or {}
    for action in ACTIONS.values():
        forms.setdefault(action, DecisionForm(formdata=None))
        forms[action].version.data = str(entry.version)
    return render_template(
        "judging/entry.html", entry=entry, forms=forms, message=message,
        can_act=can_judge(current_user, entry.unit), history=entry_services.history(entry),
    ), status


@bp.route("/ket-qua/<int:entry_id>")
@staff_required
def entry(entry_id: int):
    found = _entry(entry_id)
    if not can_see_unit(current_user, found.unit):
        abort(403, _("Kết quả này thuộc đơn vị ngoài phạm vi hội đồng của bạn."))
    return _render_entry(found)


@bp.route("/ket-qua/<int:entry_id>/<action>", methods=["POST"])
@staff_required
def decide(entry_id: int, action: str):
    """Verify, return, reject or reopen; a stale page gets 409 and who acted first."""
    entry = _entry(entry_id)
    if action not in ACTIONS:
        abort(404)
    kind = ACTIONS[action]
    form = DecisionForm()
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        return _render_entry(entry, {kind: form}, _("Vui lòng sửa các mục được đánh dấu."), 400)
    version = entry_services.parse_version(form.version.data)
    reason = form.reason.data or ""
    judge = _me()
    try:
        if kind == "verify":
            lifecycle.verify(entry, judge, form.quantity.data, reason, version)
        elif kind == "return":
            lifecycle.return_for_revision(entry, judge, reason, version)
        elif kind == "reject":
            lifecycle.reject(entry, judge, reason, version)
        else:
            lifecycle.reopen(entry, judge, reason, version)
        lifecycle.commit_transition(entry)
    except lifecycle.Forbidden as error:
        db.session.rollback()
        abort(403, entry_services.transition_message(error))
    except lifecycle.TransitionError as error:
        db.session.rollback()
        fresh = _entry(entry_id)
        message = entry_services.transition_message(error)
        if error.message in FIELD_ERRORS:
            getattr(form, FIELD_ERRORS[error.message]).errors.append(message)
            return _render_entry(fresh, {kind: form}, message, 400)
        # Keep what the judge typed, on the freshly loaded entry, so nothing is lost.
        return _render_entry(fresh, {kind: form}, message, error.status)
    flash({
        "verify": _("Đã xác nhận kết quả."), "return": _("Đã trả lại kết quả cho đơn vị."),
        "reject": _("Đã từ chối công nhận kết quả."), "reopen": _("Đã mở lại kết quả."),
    }[kind], "success")
    return redirect(url_for("judging.queue") if kind != "reopen"
                    else url_for("judging.entry", entry_id=entry_id))


@bp.route("/xac-nhan-nhieu", methods=["POST"])
@staff_required
def verify_many():
    """Verify a selection as reported: all of them, or none if one cannot be verified."""
    form = VersionForm()
    if not form.validate():
        abort(400)
    chosen = entry_services.parse_selection(request.form.getlist("entries"))
    if not chosen:
        flash(_("Chưa chọn kết quả nào."), "warning")
        return redirect(url_for("judging.queue"), 303)
    entries = [_entry(entry_id) for entry_id in chosen]
    judge = _me()
    try:
        entry_services.act_on_all(
            entries, lambda item: lifecycle.verify(item, judge, expected_version=chosen[item.id])
        )
    except lifecycle.TransitionError as error:
        abort(error.status, _("Chưa xác nhận kết quả nào: %(why)s",
                              why=entry_services.transition_message(error)))
    flash(_("Đã xác nhận %(n)s kết quả.", n=len(entries)), "success")
    return redirect(url_for("judging.queue"))


@bp.route("/cham-diem", methods=["GET", "POST"])
@staff_required
def assessments():
    """The unit × judged-criterion grid of one block; each judge edits only their own points."""
    drive = standings.require_active_drive()
    blocks = council_blocks(_me())
    block_code = request.args.get("block") or (blocks[0].code if blocks else "")
    block = next((b for b in blocks if b.code == block_code), None)
    criteria = svc.judged_criteria(drive)
    units = db.session.scalars(
        select(Unit).join(Block, Unit.block_id == Block.id)
        .where(Block.code == block_code, Unit.active.is_(True)).order_by(Unit.name)
    ).all() if block else []
    form = GridForm()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            changed = svc.assess(_me(), drive, {u.id: u for u in units},
                                 {c.id: c for c in criteria}, request.form)
            db.session.commit()
        except svc.GridError as refused:
            db.session.rollback()
            if refused.status == 403:
                abort(403, next(iter(refused.cells.values())))
            errors, status = refused.cells, refused.status
        else:
            flash(_("Đã lưu %(n)s điểm chấm.", n=changed), "success")
            return redirect(url_for("judging.assessments", block=block_code))
    found = svc.assessments_of(criteria, units)
    scores = {}
    board = standings.standings(drive)
    for unit in units:
        row = standings.standing_of(board, unit.code)
        for criterion in criteria:
            scores[(unit.id, criterion.id)] = row.score(criterion.code) if row else None
    return render_template(
        "judging/assessments.html", drive=drive, blocks=blocks, block=block, units=units,
        criteria=criteria, found=found, scores=scores, form=form, errors=errors,
        typed=request.form if errors else {}, judge=_me(),
        allowed={u.id: can_judge(current_user, u) for u in units},
    ), status


@bp.route("/vi-pham/moi", methods=["GET", "POST"])
@staff_required
def penalty():
    """A penalty item for a unit, recorded by staff and submitted straight to the queue."""
    drive = standings.require_active_drive()
    form = PenaltyForm()
    entry_services.prepare(form, drive, entry_services.reportable_criteria(drive, staff=True))
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)).all()
    judge = _me()
    form.unit.choices = [(None, _("— Chọn đơn vị —"))] + [
        (u.id, u.name) for u in units if can_judge(judge, u)
    ]

    def page(status: int = 200):
        return render_template(
            "entries/form.html", entry=None, heading=_("Ghi nhận vi phạm (tiêu chí trừ điểm)"),
            submit_only=True, cancel_url=url_for("judging.queue"),
            **entry_services.form_context(form, drive)), status

    if request.method == "GET":
        form.form_token.data = form_tokens.new_token()
        return page()
    token = form_tokens.valid(form.form_token.data)
    try:
        form_tokens.refuse_if_used(token, judge)
    except form_tokens.FormAlreadyUsed as used:
        return _penalty_sent_twice(used)
    checked = entry_services.form_is_valid(form, drive)
    unit_id = optional_id(str(form.unit.data)) if form.unit.data else None
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is not None and not can_judge(judge, unit):
        abort(403, entry_services.TRANSITION_MESSAGES[refusal_reason(judge, unit)])
    if checked.status != 200:
        return page(checked.status)
    new = Entry(unit=unit)
    try:
        entry_services.save_entry(new, form, checked, judge, submit=True, form_token=token)
    except form_tokens.FormAlreadyUsed as used:
        return _penalty_sent_twice(used)
    except lifecycle.TransitionError as error:
        abort(error.status, entry_services.transition_message(error))
    except uploads.UploadRejected as refused:
        abort(refused.status, str(refused.message))
    flash(_("Đã ghi nhận vi phạm; kết quả đang chờ xác nhận."), "success")
    return redirect(url_for("judging.entry", entry_id=new.id))


def _penalty_sent_twice(used: form_tokens.FormAlreadyUsed):
    return form_tokens.second_submission(
        url_for("judging.entry", entry_id=used.entry_id) if used.entry_id
        else url_for("judging.queue"))
