"""Monthly reports (unit and province), their downloads, and the CSV/XLSX exports.

Every figure comes from `reports.services`; every document from
`reports.documents` rendered by `reports.docx` / `reports.xlsx` or the
printable template. Views only check who asks, read the form and answer.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from competition import clock, hierarchy, standings, tables
from competition.accounts.access import (
    admin_required,
    province_staff_required,
    reporter_required,
    roles_required,
    staff_required,
)
from competition.clock import now, today
from competition.extensions import db
from competition.hierarchy import is_scoped
from competition.models import Drive, MonthlyReport, Unit, UnitKind
from competition.permissions import can_report_for
from competition.reports import bp, documents, exports, services
from competition.reports.docx import DOCX_TYPE, docx_bytes
from competition.reports.forms import EntryFilterForm, MonthlyReportForm, ReopenForm
from competition.reports.xlsx import xlsx_bytes
from competition.scoring import Measure, report_deadline

MESSAGES = {
    "bad_month": _l("Tháng không hợp lệ; hãy chọn tháng theo dạng NNNN-TT, ví dụ 2021-04."),
    "month_outside_drive": _l("Tháng này nằm ngoài thời gian của đợt thi đua."),
    "month_not_started": _l("Tháng này chưa bắt đầu nên chưa thể lập báo cáo."),
    "not_your_unit": _l("Bạn chỉ được lập và nộp báo cáo của đơn vị mình."),
    "already_filed": _l("Báo cáo tháng này đã được nộp; chỉ quản trị viên mới có thể mở lại."),
    "concurrent_change": _l("Báo cáo vừa được lưu từ một phiên khác; vui lòng tải lại trang."),
    "admin_only": _l("Chỉ quản trị viên mới được mở lại báo cáo đã nộp."),
    "reason_required": _l("Hãy ghi lý do mở lại báo cáo."),
    "not_filed": _l("Báo cáo này chưa được nộp nên không cần mở lại."),
}
FORMATS = ("docx", "xlsx")
EXPORT_FORMATS = ("csv", "xlsx")


@bp.context_processor
def labels() -> dict:
    return {"status_labels": documents.STATUS_LABELS}


def _month(drive: Drive, text: str) -> date:
    try:
        return services.parse_month(drive, text)
    except services.ReportError as error:
        abort(error.status, str(MESSAGES[error.reason]))


def _readable_unit(slug: str) -> Unit:
    unit = db.session.scalars(select(Unit).where(Unit.slug == slug)).first()
    if unit is None:
        abort(404)
    if not services.can_read_reports_of(current_user, unit):
        abort(403, _("Bạn chỉ xem được báo cáo của đơn vị mình."))
    return unit


def _current_month(drive: Drive) -> date:
    """The latest month of the drive that has begun: the one a reporter is working on."""
    months = [m for m in services.drive_months(drive) if m <= today()]
    return months[-1] if months else services.drive_months(drive)[0]


@bp.route("/")
@reporter_required
def index():
    """The reporter's months: each with its filing status, deadline and a link to the report."""
    drive = standings.require_active_drive()
    unit = current_user.unit
    if unit is None:
        abort(403)
    months = [
        (month, services.find_report(drive, unit, month)) for month in services.drive_months(drive)
    ]
    rows = [
        (month, report, services.filing_status(drive, month, report),
         services.deadline(drive, month), month <= today())
        for month, report in months
    ]
    return render_template("reports/index.html", drive=drive, unit=unit, rows=rows)


def _form_for(report: MonthlyReport | None, unit: Unit) -> MonthlyReportForm:
    form = MonthlyReportForm(obj=report)
    if request.method == "GET" and report is None:
        form.number.data = f"/{documents.number_symbol(unit)}"
        form.signer_title.data = _("TM. BAN THƯỜNG VỤ\nCHỦ TỊCH")
    return form


def _monthly_page(drive: Drive, unit: Unit, month: date, form: MonthlyReportForm,
                  status: int = 200):
    figures = services.unit_month(drive, unit, month)
    return render_template(
        "reports/monthly.html", drive=drive, unit=unit, month=month, figures=figures,
        form=form, reopen_form=ReopenForm(), can_edit=(
            can_report_for(current_user, unit) and not figures.is_filed
            and month <= today()
        ),
    ), status


@bp.route("/<slug>/<month_text>", methods=["GET", "POST"])
@roles_required("unit", "judge", "admin")
def monthly(slug: str, month_text: str):
    """The unit's report for a month: its figures, and for the reporter the narrative form."""
    drive = standings.require_active_drive()
    unit = _readable_unit(slug)
    month = _month(drive, month_text)
    form = _form_for(services.find_report(drive, unit, month), unit)
    if request.method == "POST":
        return _save(drive, unit, month, form, file=False)
    return _monthly_page(drive, unit, month, form)


@bp.route("/<slug>/<month_text>/nop", methods=["POST"])
@reporter_required
def file(slug: str, month_text: str):
    """File the report: the narrative as sent, and the moment that decides on-time or late."""
    drive = standings.require_active_drive()
    unit = _readable_unit(slug)
    month = _month(drive, month_text)
    return _save(drive, unit, month, MonthlyReportForm(), file=True)


def _when_on_time_counts(drive: Drive, month: date) -> str | None:
    """After filing on time: when the on-time criterion (BT) will count this month.

    A month counts once its deadline has passed (only then is it "due"), so a
    report filed early leaves the score unchanged until the day after the deadline.
    """
    deadline = report_deadline(month, drive.report_deadline_day, clock.zone())
    criterion = next((c for c in standings.scored_criteria(drive)
                      if c.measure == Measure.ON_TIME), None)
    if criterion is None or now() > deadline:
        return None
    return _("Báo cáo nộp đúng hạn. Tiêu chí «%(criterion)s» (%(code)s) tính tháng %(month)s từ "
             "ngày %(day)s, khi hạn nộp (hết ngày %(deadline)s) đã qua; đến lúc đó điểm của tiêu "
             "chí này chưa đổi.", criterion=criterion.name, code=criterion.code,
             month=f"{month:%m/%Y}", day=(deadline + timedelta(days=1)).strftime("%d/%m/%Y"),
             deadline=deadline.strftime("%d/%m/%Y"))


def _save(drive: Drive, unit: Unit, month: date, form: MonthlyReportForm, file: bool):
    if not can_report_for(current_user, unit):
        abort(403, str(MESSAGES["not_your_unit"]))
    if not form.validate_on_submit():
        return _monthly_page(drive, unit, month, form, 400)
    narrative = {name: form[name].data for name in services.NARRATIVE_FIELDS}
    try:
        services.save_report(drive, unit, month, current_user._get_current_object(), narrative,
                             file=file)
    except services.ReportError as error:
        if error.status == 409:
            flash(str(MESSAGES[error.reason]), "danger")
            return _monthly_page(drive, unit, month, form, 409)
        abort(error.status, str(MESSAGES[error.reason]))
    if file:
        flash(_("Đã nộp báo cáo tháng %(month)s.", month=f"{month:%m/%Y}"), "success")
        counting = _when_on_time_counts(drive, month)
        if counting:
            flash(counting, "info")
    else:
        flash(_("Đã lưu nháp báo cáo."), "success")
    return redirect(url_for("reports.monthly", slug=unit.slug, month_text=f"{month:%Y-%m}"))


@bp.route("/<slug>/<month_text>/mo-lai", methods=["POST"])
@admin_required
def reopen(slug: str, month_text: str):
    """An admin gives a filed report back to its unit, with a reason (audited)."""
    drive = standings.require_active_drive()
    unit = _readable_unit(slug)
    month = _month(drive, month_text)
    report = services.find_report(drive, unit, month)
    form = ReopenForm()
    if report is None:
        abort(409, str(MESSAGES["not_filed"]))
    if not form.validate_on_submit():
        flash(form.reason.errors[0] if form.reason.errors else str(MESSAGES["reason_required"]),
              "danger")
        return _monthly_page(drive, unit, month, _form_for(report, unit), 400)
    try:
        services.reopen_report(report, current_user._get_current_object(), form.reason.data)
    except services.ReportError as error:
        abort(error.status, str(MESSAGES[error.reason]))
    flash(_("Đã mở lại báo cáo; đơn vị có thể sửa và nộp lại."), "success")
    return redirect(url_for("reports.monthly", slug=unit.slug, month_text=f"{month:%Y-%m}"))


def _unit_document(drive: Drive, unit: Unit, month: date) -> documents.OfficialDocument:
    figures = services.unit_month(drive, unit, month)
    day = clock.local_day(figures.report.filed_at) if figures.is_filed else today()
    return documents.unit_document(figures, day)


@bp.route("/<slug>/<month_text>/in")
@roles_required("unit", "judge", "admin")
def printable(slug: str, month_text: str):
    """The report as a printable page (the browser's print keeps only the document)."""
    drive = standings.require_active_drive()
    unit = _readable_unit(slug)
    month = _month(drive, month_text)
    return render_template("reports/document.html", doc=_unit_document(drive, unit, month),
                           back=url_for("reports.monthly", slug=slug, month_text=month_text))


def _document_download(doc: documents.OfficialDocument, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    filename = f"{doc.filename}.{fmt}"
    if fmt == "docx":
        response = tables.download(docx_bytes(doc), filename)
        response.mimetype = DOCX_TYPE
        return response
    return tables.download(xlsx_bytes(doc), filename)


@bp.route("/<slug>/<month_text>/tai-ve.<fmt>")
@roles_required("unit", "judge", "admin")
def download(slug: str, month_text: str, fmt: str):
    drive = standings.require_active_drive()
    unit = _readable_unit(slug)
    month = _month(drive, month_text)
    return _document_download(_unit_document(drive, unit, month), fmt)


# --- Province summary ---------------------------------------------------------


def _summary_organiser() -> Unit | None:
    """Whose summary: a scoped account's own organiser; the province's staff may name one
    (`?to-chuc=<unit code>`, a district's summary, read-only), else the whole province."""
    me = current_user._get_current_object()
    council = me.council if is_scoped(me) else None
    code = request.args.get("to-chuc", "")
    if not code:
        return council
    organiser = db.session.scalars(select(Unit).where(Unit.code == code)).first()
    if organiser is None:
        abort(404)
    if council is not None and organiser.id != council.id:
        abort(403, _("Bạn chỉ xem được báo cáo tổng hợp của đơn vị mình tổ chức."))
    return organiser


def _summary_document(drive: Drive, month: date, organiser: Unit | None):
    author = organiser or db.session.scalars(
        select(Unit).where(Unit.kind == UnitKind.LDLD_TINH, Unit.parent_id.is_(None))
    ).first()
    summary = services.province_month(drive, month, organiser)
    board = standings.standings(drive)
    names = {block.code: block.name for block in standings.blocks()}
    own = {part.block.code for part in summary.blocks}
    return documents.summary_document(
        summary, author, today(),
        [(names[code], rows) for code, rows in board.items() if code in own],
    )


def _organiser_args(organiser: Unit | None) -> dict:
    return {"to-chuc": organiser.code} if organiser is not None else {}


@bp.route("/tong-hop")
@staff_required
def summary():
    """Every unit's filing for a month, completeness per block, totals, and who to remind."""
    drive = standings.require_active_drive()
    organiser = _summary_organiser()
    month = _month(drive, request.args.get("thang") or f"{_current_month(drive):%Y-%m}")
    return render_template(
        "reports/summary.html", drive=drive, month=month, organiser=organiser,
        scope=_organiser_args(organiser), months=services.drive_months(drive),
        summary=services.province_month(drive, month, organiser),
        organisers=hierarchy.lower_organisers(), can_choose=not is_scoped(current_user),
    )


@bp.route("/tong-hop/<month_text>/in")
@staff_required
def summary_printable(month_text: str):
    drive = standings.require_active_drive()
    organiser = _summary_organiser()
    month = _month(drive, month_text)
    return render_template("reports/document.html",
                           doc=_summary_document(drive, month, organiser),
                           back=url_for("reports.summary", thang=month_text,
                                        **_organiser_args(organiser)))


@bp.route("/tong-hop/<month_text>/tai-ve.<fmt>")
@staff_required
def summary_download(month_text: str, fmt: str):
    drive = standings.require_active_drive()
    organiser = _summary_organiser()
    return _document_download(
        _summary_document(drive, _month(drive, month_text), organiser), fmt)


# --- Exports -----------------------------------------------------------------


@bp.route("/xuat")
@province_staff_required
def exports_page():
    drive = standings.require_active_drive()
    form = exports.filter_form(drive, EntryFilterForm(request.args))
    return render_template("reports/exports.html", drive=drive, form=form)


def _export_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        abort(404)
    return fmt


@bp.route("/xuat/ket-qua.<fmt>")
@province_staff_required
def export_entries(fmt: str):
    """Entries as CSV or XLSX, filtered by criterion, status, unit, block and month."""
    drive = standings.require_active_drive()
    form = exports.filter_form(drive, EntryFilterForm(request.args))
    if not form.validate():
        abort(400, _("Bộ lọc không hợp lệ: %(fields)s.",
                     fields=", ".join(str(form[name].label.text) for name in form.errors)))
    header, rows = exports.entry_rows(drive, form)
    return tables.table_download(f"ket-qua-{today():%Y%m%d}.{_export_format(fmt)}", header, rows,
                                 _("Kết quả"))


@bp.route("/xuat/xep-hang.<fmt>")
@province_staff_required
def export_standings(fmt: str):
    """Live standings of every block (staff see live standings, as DESIGN.md § 5 says)."""
    drive = standings.require_active_drive()
    fmt = _export_format(fmt)
    filename = f"xep-hang-{today():%Y%m%d}.{fmt}"
    sheets = exports.standing_sheets(drive)
    if fmt == "xlsx":
        return tables.download(tables.xlsx_bytes(sheets), filename)
    header, rows = exports.standing_rows(drive)
    return tables.table_download(filename, header, rows)


@bp.route("/xuat/nhat-ky.<fmt>")
@admin_required
def export_audit(fmt: str):
    header, rows = exports.audit_rows()
    return tables.table_download(f"nhat-ky-{today():%Y%m%d}.{_export_format(fmt)}", header, rows,
                                 _("Nhật ký"))
