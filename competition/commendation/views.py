"""The admin's commendation pages: award rules, the proposed lists, the decision, the papers.

Thin: every change goes through `services` (which checks, audits and
refuses with a Vietnamese message); a refusal is flashed (409) or shown on
the form (400) and nothing is saved.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competition import standings, tables
from competition.accounts.access import admin_required
from competition.commendation import bp, certificates, documents, services
from competition.commendation.forms import AddUnitForm, AwardRuleForm, DecisionForm, ReasonForm
from competition.extensions import db
from competition.models import AwardRule, Block, CommendationItem, Drive, Unit
from competition.reports.docx import DOCX_TYPE, docx_bytes
from competition.reports.pdf import PdfUnavailable, docx_to_pdf
from competition.results import current_snapshot

FORMATS = ("docx", "pdf")


def _drive() -> Drive:
    return standings.require_active_drive()


def _actor():
    return current_user._get_current_object()


def _refused(error: services.CommendationError):
    """The page again with the refusal on top, and the refusal's status; nothing saved."""
    db.session.rollback()
    flash(error.message, "danger")
    return _page(), error.status


def _block_choices() -> list[tuple[str, str]]:
    blocks = db.session.scalars(select(Block).order_by(Block.position)).all()
    return [("", _("Tất cả các khối (mỗi khối riêng)"))] + [(b.code, b.name) for b in blocks]


@bp.route("/")
@admin_required
def index():
    return _page()


def _page() -> str:
    drive = _drive()
    commendation = services.latest(drive)
    snapshot = current_snapshot(drive)
    add_form = AddUnitForm()
    decision_form = DecisionForm(obj=commendation) if commendation else DecisionForm()
    if commendation is not None:
        decision_form.signer_title.data = (commendation.signer_title
                                           or services.DEFAULT_SIGNER_TITLE)
        add_form.award.choices = [(r.id, r.name) for r in drive.award_rules]
        listed = {i.unit.code for i in commendation.items if i.on_list}
        add_form.unit.choices = [
            (row["unit_code"], f"{row['unit_name']} – {block['name']}, "
                               + _("hạng %(rank)s", rank=row["rank"]))
            for block in commendation.snapshot.payload["blocks"] for row in block["standings"]
            if row["unit_code"] not in listed
        ]
    return render_template(
        "commendation/index.html", drive=drive, snapshot=snapshot, commendation=commendation,
        lists=_lists(commendation), removed=[i for i in commendation.items
                                             if i.status == "removed"] if commendation else [],
        reason_form=ReasonForm(), add_form=add_form, decision_form=decision_form,
        block_names={b.code: b.name for b in db.session.scalars(select(Block))},
        stale=commendation is not None and snapshot is not None
        and commendation.snapshot_id != snapshot.id,
    )


def _lists(commendation) -> list[tuple[AwardRule, list[CommendationItem]]]:
    """Each award with its lines still in play (proposed, tied, added), in list order."""
    if commendation is None:
        return []
    rules = sorted({i.award_rule for i in commendation.items}, key=lambda r: r.position)
    return [(rule, [i for i in commendation.items if i.award_rule is rule and i.status != "removed"])
            for rule in rules]


# --- Award rules ------------------------------------------------------------


def _rule_form(rule: AwardRule | None):
    drive = _drive()
    form = AwardRuleForm(obj=rule)
    form.block.choices = _block_choices()
    if request.method == "GET" and rule is not None:
        form.block.data = rule.block.code if rule.block else ""
    if form.validate_on_submit():
        values = {
            "code": form.code.data.strip(), "name": form.name.data.strip(),
            "level": (form.level.data or "").strip(), "block": form.block.data or None,
            "max_units": form.max_units.data, "min_classification": form.min_classification.data,
            "min_percent": form.min_percent.data,
        }
        problems = services.rule_values_problems(drive, rule, values)
        for field, message in problems:
            form[field].errors.append(message)
        if not problems:
            try:
                services.save_rule(drive, rule, values, _actor())
            except services.CommendationError as error:
                return _refused(error)
            db.session.commit()
            flash(_("Đã lưu hình thức khen thưởng."), "success")
            return redirect(url_for("commendation.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("commendation/rule_form.html", form=form, rule=rule), status


@bp.route("/hinh-thuc/moi", methods=["GET", "POST"])
@admin_required
def rule_new():
    return _rule_form(None)


def _rule(rule_id: int) -> AwardRule:
    rule = db.get_or_404(AwardRule, rule_id)
    if rule.drive_id != _drive().id:
        abort(404)
    return rule


@bp.route("/hinh-thuc/<int:rule_id>", methods=["GET", "POST"])
@admin_required
def rule_edit(rule_id: int):
    return _rule_form(_rule(rule_id))


@bp.route("/hinh-thuc/<int:rule_id>/xoa", methods=["POST"])
@admin_required
def rule_delete(rule_id: int):
    try:
        services.delete_rule(_rule(rule_id), _actor())
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Đã xóa hình thức khen thưởng."), "success")
    return redirect(url_for("commendation.index"))


@bp.route("/hinh-thuc/<int:rule_id>/thu-tu", methods=["POST"])
@admin_required
def rule_move(rule_id: int):
    try:
        services.move_rule(_rule(rule_id), request.form.get("direction", "up"), _actor())
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    return redirect(url_for("commendation.index"))


# --- The list ---------------------------------------------------------------


@bp.route("/de-xuat", methods=["POST"])
@admin_required
def propose():
    try:
        commendation = services.propose(_drive(), _actor())
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    tied = sum(1 for i in commendation.items if i.status == "tied")
    flash(_("Đã lập danh sách đề nghị khen thưởng từ kết quả công bố lần %(n)s.",
            n=commendation.snapshot.number), "success")
    if tied:
        flash(_("Có %(n)s đơn vị đồng hạng ở vị trí cuối của một danh sách: hãy quyết định "
                "giữ hoặc bỏ từng đơn vị, kèm lý do.", n=tied), "warning")
    return redirect(url_for("commendation.index"))


def _commendation():
    commendation = services.latest(_drive())
    if commendation is None:
        abort(404)
    return commendation


@bp.route("/dong/<int:item_id>/bo", methods=["POST"])
@admin_required
def remove(item_id: int):
    commendation = _commendation()
    item = next((i for i in commendation.items if i.id == item_id), None)
    if item is None:
        abort(404)
    try:
        services.remove_unit(commendation, item, request.form.get("reason", ""), _actor())
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Đã bỏ %(unit)s khỏi danh sách.", unit=item.unit.name), "success")
    return redirect(url_for("commendation.index"))


@bp.route("/dong/<int:item_id>/giu", methods=["POST"])
@admin_required
def keep(item_id: int):
    """Settle a tie for the unit: it stays on its award's list."""
    commendation = _commendation()
    item = next((i for i in commendation.items if i.id == item_id and i.status == "tied"), None)
    if item is None:
        abort(404)
    try:
        services.add_unit(commendation, item.award_rule, item.unit,
                          request.form.get("reason", ""), _actor(),
                          commendation.snapshot.payload)
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Đã giữ %(unit)s trong danh sách.", unit=item.unit.name), "success")
    return redirect(url_for("commendation.index"))


@bp.route("/them", methods=["POST"])
@admin_required
def add():
    commendation = _commendation()
    rule = db.session.get(AwardRule, request.form.get("award", type=int) or 0)
    unit = db.session.scalars(select(Unit).where(Unit.code == request.form.get("unit", ""))).first()
    if rule is None or unit is None:
        return _refused(services.CommendationError(
            _("Hãy chọn đơn vị và hình thức khen thưởng."), 400))
    try:
        services.add_unit(commendation, rule, unit, request.form.get("reason", ""), _actor(),
                          commendation.snapshot.payload)
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Đã thêm %(unit)s vào danh sách «%(award)s».", unit=unit.name, award=rule.name),
          "success")
    return redirect(url_for("commendation.index"))


@bp.route("/quyet-dinh", methods=["POST"])
@admin_required
def decide():
    """Save the papers' details; with `issue`, issue the decision and lock the list."""
    commendation = _commendation()
    form = DecisionForm()
    values = services.DecisionInput(
        number=form.decision_number.data or "", day=form.decision_date.data,
        signer_title=form.signer_title.data or "", signer_name=form.signer_name.data or "",
        proposal_number=form.proposal_number.data or "",
    )
    try:
        if request.form.get("issue"):
            if not form.validate():
                raise services.CommendationError(
                    " ".join(e for errors in form.errors.values() for e in errors), 400)
            services.issue_decision(commendation, values, _actor())
            message = _("Đã ban hành Quyết định số %(number)s; danh sách đã khóa.",
                        number=commendation.decision_number)
        else:
            services.save_details(commendation, values, _actor())
            message = _("Đã lưu thông tin văn bản.")
    except services.CommendationError as error:
        return _refused(error)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("commendation.index"))


# --- The papers -------------------------------------------------------------


def _send(content: bytes, filename: str, fmt: str):
    if fmt == "pdf":
        try:
            content = docx_to_pdf(content, filename)
        except PdfUnavailable:
            abort(503, _("Máy chủ chưa cài LibreOffice nên chưa tạo được PDF; hãy tải bản DOCX."))
    response = tables.download(content, f"{filename}.{fmt}")
    response.mimetype = "application/pdf" if fmt == "pdf" else DOCX_TYPE
    return response


def _send_paper(build, fmt: str):
    """One of the commendation's papers, built from the current list, as DOCX or PDF."""
    if fmt not in FORMATS:
        abort(404)
    doc = build(_commendation())
    return _send(docx_bytes(doc), doc.filename, fmt)


@bp.route("/to-trinh.<fmt>")
@admin_required
def proposal_file(fmt: str):
    return _send_paper(documents.proposal_document, fmt)


@bp.route("/quyet-dinh.<fmt>")
@admin_required
def decision_file(fmt: str):
    return _send_paper(documents.decision_document, fmt)


@bp.route("/giay-khen.<fmt>")
@bp.route("/giay-khen/<unit_code>.<fmt>")
@admin_required
def certificate_file(fmt: str, unit_code: str | None = None):
    """Every certificate of the decision, or one unit's; only once the decision is issued."""
    commendation = _commendation()
    if fmt not in FORMATS:
        abort(404)
    if not commendation.locked:
        abort(409, _("Giấy khen chỉ in được sau khi ban hành quyết định."))
    items = [i for listed in services.awarded(commendation).values() for i in listed
             if unit_code is None or i.unit.code == unit_code]
    if not items:
        abort(404)
    name = f"giay-khen-{commendation.drive.slug}" + (f"-{unit_code}" if unit_code else "")
    return _send(certificates.certificates_docx(commendation, items), name, fmt)

