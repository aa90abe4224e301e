"""The reporter's pages: the unit's dashboard, its entries, and evidence downloads."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import extract, select
from werkzeug.wrappers import Response

from competition import lifecycle, standings, uploads
from competition.accounts.access import reporter_required
from competition.entries import bp, form_tokens
from competition.entries import services as svc
from competition.entries.forms import EntryForm, VersionForm
from competition.extensions import db
from competition.models import Criterion, Entry, EntryStatus, Evidence, Unit, User
from competition.permissions import can_see_entry
from competition.security import database_id

bp.before_request(uploads.limit_request_size)


def _me() -> User:
    return current_user._get_current_object()


def _my_unit() -> Unit:
    unit = current_user.unit
    if unit is None:
        abort(403)
    return unit


def _my_entry(entry_id: int) -> Entry:
    entry = svc.entry_of_unit(entry_id, _my_unit())
    if entry is None:
        abort(404)
    return entry


@bp.route("/")
@reporter_required
def dashboard():
    drive = standings.require_active_drive()
    unit = _my_unit()
    return render_template("entries/dashboard.html", drive=drive, unit=unit,
                           **svc.dashboard(drive, unit))


@bp.route("/ket-qua")
@reporter_required
def index():
    drive = standings.require_active_drive()
    unit = _my_unit()
    query = select(Entry).join(Criterion).where(Entry.unit_id == unit.id,
                                                Criterion.drive_id == drive.id)
    chosen = {
        "criterion": request.args.get("criterion", type=database_id),
        "phase": request.args.get("phase", type=database_id),
        "status": request.args.get("status", ""),
        "month": request.args.get("month", ""),
    }
    if chosen["criterion"]:
        query = query.where(Entry.criterion_id == chosen["criterion"])
    if chosen["phase"]:
        query = query.where(Entry.phase_id == chosen["phase"])
    if chosen["status"] in set(EntryStatus):
        query = query.where(Entry.status == chosen["status"])
    month = _month(chosen["month"])
    if month:
        query = query.where(extract("year", Entry.activity_date) == month.year,
                            extract("month", Entry.activity_date) == month.month)
    page = db.paginate(
        query.order_by(Entry.activity_date.desc(), Entry.id.desc()),
        page=request.args.get("page", 1, type=database_id),
        per_page=current_app.config["ENTRIES_PER_PAGE"], error_out=False,
    )
    return render_template(
        "entries/index.html", drive=drive, unit=unit, page=page, chosen=chosen,
        criteria=standings.scored_criteria(drive), months=svc.month_choices(drive),
        statuses=svc.STATUS_NAMES, bulk=VersionForm(), editable=svc.editable_by_unit,
    )


def _month(value: str) -> date | None:
    try:
        return date.fromisoformat(value + "-01") if value else None
    except ValueError:
        return None


def _render_form(form: EntryForm, drive, entry: Entry | None, status: int = 200):
    return render_template("entries/form.html", entry=entry,
                           **svc.form_context(form, drive)), status


@bp.route("/ket-qua/moi", methods=["GET", "POST"])
@reporter_required
def create():
    drive = standings.require_active_drive()
    unit = _my_unit()
    form = EntryForm()
    svc.prepare(form, drive, svc.reportable_criteria(drive))
    if request.method == "GET":
        form.criterion.data = request.args.get("criterion", type=database_id)
        form.form_token.data = form_tokens.new_token()
        return _render_form(form, drive, None)
    token = form_tokens.valid(form.form_token.data)
    entry = Entry(unit=unit)
    submit = request.form.get("action") == "submit"
    try:
        form_tokens.refuse_if_used(token, _me())
        checked = svc.form_is_valid(form, drive)
        if checked.status != 200:
            return _render_form(form, drive, None, checked.status)
        svc.save_entry(entry, form, checked, _me(), submit=submit, form_token=token)
    except form_tokens.FormAlreadyUsed as used:
        return form_tokens.second_submission(
            url_for("entries.show", entry_id=used.entry_id) if used.entry_id
            else url_for("entries.index"))
    except lifecycle.TransitionError as error:
        _refuse(error)
    except uploads.UploadRejected as refused:
        abort(refused.status, str(refused.message))
    flash(_("Đã gửi kết quả để thẩm định.") if submit else _("Đã lưu nháp."), "success")
    return redirect(url_for("entries.show", entry_id=entry.id))


@bp.route("/ket-qua/<int:entry_id>")
@reporter_required
def show(entry_id: int):
    entry = _my_entry(entry_id)
    return render_template("entries/show.html", entry=entry, action_form=VersionForm(),
                           editable=svc.editable_by_unit(entry),
                           statuses=svc.STATUS_NAMES, history=svc.history(entry))


@bp.route("/ket-qua/<int:entry_id>/sua", methods=["GET", "POST"])
@reporter_required
def edit(entry_id: int):
    drive = standings.require_active_drive()
    entry = _my_entry(entry_id)
    try:
        lifecycle.require_staff_for_staff_entries(entry, _me())
    except lifecycle.TransitionError as error:
        _refuse(error)
    if entry.status not in svc.EDITABLE:
        abort(409, _("Kết quả đã gửi, đã xác nhận hoặc không được công nhận thì không sửa được."))
    form = EntryForm()
    svc.prepare(form, drive, svc.reportable_criteria(drive))
    if request.method == "GET":
        svc.form_from_entry(form, entry)
        return _render_form(form, drive, entry)
    checked = svc.form_is_valid(form, drive, already_files=len(entry.evidence))
    if checked.status != 200:
        return _render_form(form, drive, entry, checked.status)
    submit = request.form.get("action") == "submit"
    try:
        svc.save_entry(entry, form, checked, _me(), submit=submit,
                       expected_version=svc.parse_version(form.version.data))
    except lifecycle.TransitionError as error:
        _refuse(error)
    except uploads.UploadRejected as refused:
        abort(refused.status, str(refused.message))
    flash(_("Đã gửi lại kết quả để thẩm định.") if submit else _("Đã lưu thay đổi."), "success")
    return redirect(url_for("entries.show", entry_id=entry_id))


def _refuse(error: lifecycle.TransitionError):
    """A refused action: the error page with its reason (who acted first, for a conflict)."""
    abort(error.status, svc.transition_message(error))


@bp.route("/ket-qua/<int:entry_id>/xoa", methods=["POST"])
@reporter_required
def delete(entry_id: int):
    entry = _my_entry(entry_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    try:
        svc.delete_draft(entry, _me(), svc.parse_version(form.version.data))
    except lifecycle.TransitionError as error:
        _refuse(error)
    flash(_("Đã xóa bản nháp."), "success")
    return redirect(url_for("entries.index"))


@bp.route("/ket-qua/<int:entry_id>/gui", methods=["POST"])
@reporter_required
def submit(entry_id: int):
    entry = _my_entry(entry_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    try:
        lifecycle.submit(entry, _me(), svc.parse_version(form.version.data))
        lifecycle.commit_transition(entry)
    except lifecycle.TransitionError as error:
        _refuse(error)
    flash(_("Đã gửi kết quả để thẩm định."), "success")
    return redirect(url_for("entries.show", entry_id=entry_id))


@bp.route("/ket-qua/gui", methods=["POST"])
@reporter_required
def submit_many():
    """Submit a selection at once: all of them or, if one cannot go, none."""
    form = VersionForm()
    if not form.validate():
        abort(400)
    chosen = svc.parse_selection(request.form.getlist("entries"))
    if not chosen:
        flash(_("Chưa chọn kết quả nào."), "warning")
        return redirect(url_for("entries.index"), 303)
    entries = [_my_entry(entry_id) for entry_id in chosen]
    try:
        svc.act_on_all(entries, lambda entry: lifecycle.submit(entry, _me(), chosen[entry.id]))
    except lifecycle.TransitionError as error:
        abort(error.status, _("Chưa gửi kết quả nào: %(why)s", why=svc.transition_message(error)))
    flash(_("Đã gửi %(n)s kết quả để thẩm định.", n=len(entries)), "success")
    return redirect(url_for("entries.index"))


@bp.route("/minh-chung/<int:evidence_id>")
def evidence(evidence_id: int) -> Response:
    """A stored file: the unit's reporters and staff always; anyone once public and verified."""
    item = db.session.get(Evidence, evidence_id)
    if item is None or not item.is_file:
        abort(404)
    entry = item.entry
    # Public once verified, and from the freeze only if it counts as of the freeze.
    public = item.is_public and standings.is_counted(
        entry, standings.public_cutoff(entry.criterion.drive))
    if not public and not can_see_entry(current_user, entry):
        abort(404)
    try:
        return uploads.serve(item)
    except FileNotFoundError:
        abort(404)
