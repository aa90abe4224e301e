"""Imports with a dry run, the whole-database backup and restore, and the audit log.

An import is uploaded once: the file stays on the server under a random
name bound to the admin's session (`services.stage_upload`), the preview
lists every row with its problem or its effect, and the commit re-plans the
very same bytes and writes all rows in one transaction, or nothing.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competition import audit, audit_words, backup, clock, imports, standings
from competition.accounts.access import admin_required
from competition.admin import bp, services
from competition.admin.forms import IMPORT_KINDS, ImportForm, RestoreForm
from competition.extensions import db
from competition.formatting import parse_day
from competition.models import AuditEvent, Role, Unit
from competition.problems import InvalidData, Problem
from competition.security import optional_id, page_number
from competition.tables import download

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_BACKUP_BYTES = 200 * 1024 * 1024
COLUMNS = {
    "units": imports.UNIT_COLUMNS,
    "users": (*imports.USER_COLUMNS, "password"),
    "targets": imports.TARGET_COLUMNS,
    "entries": imports.ENTRY_COLUMNS,
}


def _plan(kind: str, name: str, data: bytes) -> imports.ImportPlan:
    """The dry run of one file; the same planners as the command line."""
    try:
        rows = imports.read_rows(data, name)
    except InvalidData as error:
        return imports.ImportPlan(name, [], error.problems, lambda: 0)
    if kind in ("targets", "entries"):
        drive = standings.active_drive()
        if drive is None:
            problem = Problem(name, None, "", _("Chưa có đợt thi đua nào đang chạy."))
            return imports.ImportPlan(name, [], [problem], lambda: 0)
        planner = imports.plan_targets if kind == "targets" else imports.plan_entries
        return planner(rows, name, drive)
    return (imports.plan_units if kind == "units" else imports.plan_users)(rows, name)


def _import_impact(kind: str, plan: imports.ImportPlan) -> services.Impact | None:
    """How writing a valid file would move the standings (units, targets and entries can;
    accounts cannot), computed in a savepoint and rolled back like a target edit's preview."""
    drive = standings.active_drive()
    if not plan.ok or kind == "users" or drive is None:
        return None
    return services.score_impact(drive, plan.apply)


def _read_upload(storage, limit: int) -> bytes:
    data = storage.read(limit + 1)
    if len(data) > limit:
        abort(413)
    return data


@bp.route("/nhap-du-lieu", methods=["GET", "POST"])
@admin_required
def import_upload():
    form = ImportForm()
    if request.method == "GET" and request.args.get("kind") in IMPORT_KINDS:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        name = form.file.data.filename or "du-lieu.csv"
        data = _read_upload(form.file.data, MAX_IMPORT_BYTES)
        if not name.lower().endswith((".csv", ".xlsx")):
            form.file.errors.append(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        else:
            plan = _plan(form.kind.data, name, data)
            impact = _import_impact(form.kind.data, plan)
            db.session.rollback()  # a dry run writes nothing
            token = services.stage_upload(form.kind.data, name, data) if plan.ok else None
            return render_template(
                "admin/import_preview.html", plan=plan, kind=form.kind.data, token=token,
                kind_name=IMPORT_KINDS[form.kind.data], impact=impact,
            ), (200 if plan.ok else 400)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/import_form.html", form=form, columns=COLUMNS), status


@bp.route("/nhap-du-lieu/ghi", methods=["POST"])
@admin_required
def import_commit():
    kind = request.form.get("kind", "")
    staged = services.staged_upload(request.form.get("token", ""), kind)
    if staged is None:
        abort(409, _("Không tìm thấy tệp đã xem trước (có thể đã được ghi hoặc đã hết hạn); "
                     "vui lòng tải tệp lên lại."))
    plan = _plan(kind, staged.name, staged.data)
    if not plan.ok:
        # The data changed since the preview: show the new problems, write nothing.
        db.session.rollback()
        return render_template("admin/import_preview.html", plan=plan, kind=kind, token=None,
                               kind_name=IMPORT_KINDS[kind]), 409
    count = plan.apply()
    db.session.commit()
    services.discard_upload(staged.token)
    if plan.issued:
        response = make_response(render_template(
            "admin/import_done.html", count=count, kind_name=IMPORT_KINDS[kind], issued=plan.issued
        ))
        response.headers["Cache-Control"] = "no-store"
        return response
    flash(_("Đã ghi %(n)s dòng (%(kind)s).", n=count, kind=IMPORT_KINDS[kind]), "success")
    return redirect(url_for("admin.import_upload"))


# --- Backup and restore ---------------------------------------------------


@bp.route("/sao-luu")
@admin_required
def backup_page():
    return render_template("admin/backup.html", form=RestoreForm())


@bp.route("/sao-luu/tai-ve")
@admin_required
def backup_download():
    content = backup.dumps().encode("utf-8")
    audit.record("backup.export", None, after={"bytes": len(content)})
    db.session.commit()
    stamp = clock.local(clock.now()).strftime("%Y%m%d-%H%M")
    response = download(content, f"thidua-sao-luu-{stamp}.json")
    response.mimetype = "application/json"
    return response


@bp.route("/sao-luu/khoi-phuc", methods=["POST"])
@admin_required
def restore_upload():
    form = RestoreForm()
    if not form.validate_on_submit():
        return render_template("admin/backup.html", form=form), 400
    data = _read_upload(form.file.data, MAX_BACKUP_BYTES)
    try:
        parsed = backup.parse(data)
        _check_keeps_me(parsed)
    except backup.RestoreError as error:
        form.file.errors.append(str(error))
        return render_template("admin/backup.html", form=form), 400
    token = services.stage_upload("restore", form.file.data.filename or "sao-luu.json", data)
    return render_template("admin/restore_preview.html", counts=backup.summary(parsed),
                           created_at=parsed.get("created_at"), drive=parsed.get("drive"),
                           token=token)


def _check_keeps_me(parsed: dict) -> None:
    """Restoring from the pages must leave the restoring admin able to sign in."""
    me = current_user.username
    found = [u for u in parsed["tables"].get("user", []) if u.get("username") == me]
    if not found or found[0].get("role") != Role.ADMIN or not found[0].get("active", True):
        raise backup.RestoreError(_(
            "Bản sao lưu không có tài khoản quản trị «%(name)s» đang hoạt động; "
            "khôi phục bằng dòng lệnh (flask restore) thay vì trên trang.", name=me))


@bp.route("/sao-luu/khoi-phuc/xac-nhan", methods=["POST"])
@admin_required
def restore_commit():
    staged = services.staged_upload(request.form.get("token", ""), "restore")
    if staged is None:
        abort(409, _("Không tìm thấy tệp đã xem trước; vui lòng tải tệp lên lại."))
    me = current_user._get_current_object()
    try:
        parsed = backup.parse(staged.data)
        _check_keeps_me(parsed)
        counts = backup.restore(parsed, replace=True, keep=me)
    except backup.RestoreError as error:
        db.session.rollback()
        abort(409, str(error))
    db.session.commit()
    services.discard_upload(staged.token)
    flash(_("Đã khôi phục %(n)s dòng dữ liệu. Các tài khoản khác cần được đặt lại mật khẩu.",
            n=sum(counts.values())), "success")
    return redirect(url_for("accounts.login"))


# --- Audit log ------------------------------------------------------------


def _day(name: str) -> date | None:
    try:
        return parse_day(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/nhat-ky")
@admin_required
def audit_log():
    """The audit log, filtered and paginated; read-only (no route changes or deletes events)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    filters = {
        "actor": request.args.get("actor", "").strip(),
        "action": request.args.get("action", "").strip(),
        "unit": request.args.get("unit", "").strip(),
        "since": _day("since"),
        "until": _day("until"),
    }
    if filters["actor"]:
        query = query.where(AuditEvent.actor_name.ilike(f"%{filters['actor']}%"))
    if filters["action"]:
        query = query.where(AuditEvent.action == filters["action"])
    if optional_id(filters["unit"]):
        query = query.where(AuditEvent.unit_id == optional_id(filters["unit"]))
    if filters["since"]:
        query = query.where(AuditEvent.at >= clock.start_of_day(filters["since"]))
    if filters["until"]:
        query = query.where(AuditEvent.at <= clock.end_of_day(filters["until"]))
    page = db.paginate(query, page=page_number(),
                       per_page=current_app.config.get("AUDIT_PER_PAGE", 50),
                       error_out=False)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    units = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()
    arguments = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v}
    return render_template("admin/audit.html", page=page, filters=filters, arguments=arguments,
                           actions=list(actions), units=units, words=audit_words,
                           lookups=audit_words.Lookups.for_events(page.items))
