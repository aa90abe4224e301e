"""The official result: where the drive stands (close, freeze, appeals), publish, withdraw."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competition.accounts.access import admin_required
from competition.admin import bp
from competition.admin.drive_views import active_drive_or_404
from competition.extensions import db
from competition.lifecycle import TransitionError
from competition.results import calendar, current_snapshot, publication, snapshots
from competition.results.forms import WithdrawForm
from competition.results.messages import STAGE_NAMES, refusal


def _page(form: WithdrawForm | None = None, message: str = "", status: int = 200):
    drive = active_drive_or_404()
    history = snapshots(drive)
    changes = publication.differences(history[1].payload, history[0].payload) \
        if len(history) > 1 else []
    state = publication.readiness(drive)
    return render_template(
        "admin/results.html", drive=drive, state=state,
        close=calendar.submissions_close(drive), snapshots=history, changes=changes,
        current=current_snapshot(drive), form=form or WithdrawForm(), message=message,
        stage_names=STAGE_NAMES,
        waiting_reason=refusal(state.refusal) if state.refusal else "",
    ), status


@bp.route("/ket-qua-chinh-thuc")
@admin_required
def results():
    return _page()


@bp.route("/ket-qua-chinh-thuc/cong-bo", methods=["POST"])
@admin_required
def results_publish():
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _page(form, _("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400)
    drive = active_drive_or_404()
    try:
        snapshot = publication.publish(drive, current_user._get_current_object())
    except TransitionError as error:
        db.session.rollback()
        return _page(form, refusal(error.message), error.status)
    db.session.commit()
    flash(_("Đã công bố kết quả chính thức (bản số %(n)s).", n=snapshot.number), "success")
    return redirect(url_for("admin.results"))


@bp.route("/ket-qua-chinh-thuc/rut-lai", methods=["POST"])
@admin_required
def results_withdraw():
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _page(form, _("Biểu mẫu không hợp lệ; hãy kiểm tra lại."), 400)
    drive = active_drive_or_404()
    try:
        snapshot = publication.withdraw(drive, current_user._get_current_object(), form.reason.data)
    except TransitionError as error:
        db.session.rollback()
        status = 400 if error.message == "reason_required" else error.status
        return _page(form, refusal(error.message), status)
    db.session.commit()
    flash(_("Đã rút lại bản công bố số %(n)s. Lý do được công khai.", n=snapshot.number), "success")
    return redirect(url_for("admin.results"))
