"""The appeal pages: a unit's appeals and what it may still appeal; a judge's decision."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competition import standings
from competition.accounts.access import roles_required
from competition.appeals import bp
from competition.extensions import db
from competition.lifecycle import TransitionError
from competition.models import Appeal, Assessment, Entry, User
from competition.permissions import can_see_entry
from competition.results import appeals, calendar
from competition.results.forms import AppealDecisionForm, AppealForm
from competition.results.messages import refusal
from competition.security import database_id


def _id(raw: str | None) -> int | None:
    try:
        return database_id(raw or "")
    except ValueError:
        return None


def _me() -> User:
    return current_user._get_current_object()


def _index_page(form: AppealForm | None = None, message: str = "", status: int = 200):
    drive = standings.require_active_drive()
    me = _me()
    unit_id = me.unit_id if me.is_reporter else None
    entries, assessments = appeals.appealable(drive.id, unit_id) if unit_id else ([], [])
    return render_template(
        "appeals/index.html", drive=drive, appeals=appeals.open_first(drive.id, unit_id),
        entries=entries, assessments=assessments, form=form or AppealForm(), message=message,
        window_open=calendar.in_appeal_window(drive), deadline=calendar.appeal_deadline(drive),
        kind_of=appeals.entry_kind,
    ), status


@bp.route("/")
@roles_required("unit", "judge", "admin")
def index():
    return _index_page()


@bp.route("/moi", methods=["POST"])
@roles_required("unit")
def create():
    form = AppealForm()
    if not form.validate_on_submit():
        return _index_page(form, _("Biểu mẫu không hợp lệ; hãy kiểm tra lại."), 400)
    entry_id, assessment_id = _id(form.entry_id.data), _id(form.assessment_id.data)
    entry = db.session.get(Entry, entry_id) if entry_id else None
    assessment = db.session.get(Assessment, assessment_id) if assessment_id and not entry else None
    if entry is None and assessment is None:
        abort(404)
    try:
        appeals.file_appeal(_me(), form.reason.data, entry=entry, assessment=assessment,
                            evidence_url=form.evidence_url.data)
    except TransitionError as error:
        db.session.rollback()
        status = 400 if error.message in ("reason_required", "bad_evidence_url",
                                          "reason_too_long") else error.status
        return _index_page(form, refusal(error.message), status)
    db.session.commit()
    flash(_("Đã gửi khiếu nại. Một thành viên tổ thẩm định khác sẽ giải quyết."), "success")
    return redirect(url_for("appeals.index"))


def _appeal(appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    me = _me()
    if appeal is None or (me.is_reporter and appeal.unit_id != me.unit_id):
        abort(404)
    return appeal


@bp.route("/<int:appeal_id>", methods=["GET", "POST"])
@roles_required("unit", "judge", "admin")
def show(appeal_id: int):
    appeal = _appeal(appeal_id)
    me = _me()
    form = AppealDecisionForm()
    message, status = "", 200
    if form.is_submitted():
        if not me.is_staff:
            abort(403)
        if form.validate():
            try:
                appeals.decide(appeal, me, form.outcome.data, form.reason.data,
                               form.amended_value.data)
            except TransitionError as error:
                db.session.rollback()
                message = refusal(error.message)
                status = 400 if error.message in ("reason_required", "bad_amended_value",
                                                  "bad_outcome", "reason_too_long") else error.status
            else:
                db.session.commit()
                flash(_("Đã giải quyết khiếu nại."), "success")
                return redirect(url_for("appeals.index"))
        else:
            message, status = _("Biểu mẫu không hợp lệ; hãy kiểm tra lại."), 400
    entry = appeal.entry
    return render_template(
        "appeals/show.html", appeal=appeal, form=form, message=message,
        refusal=refusal(appeals.may_decide(me, appeal) or "") if me.is_staff else "",
        entry=entry if entry is not None and can_see_entry(me, entry) else None,
    ), status
