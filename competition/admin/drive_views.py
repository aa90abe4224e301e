"""The drive and its rules: settings, phases, blocks, criteria, targets, publishing.

Every change that can move a score is first shown as a preview of how many
units' totals and ranks it would change (`services.score_impact`); the admin
saves by confirming. Saving bumps the standings version and audits from→to.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from competition import audit, drive_copy, imports, standings
from competition.accounts.access import admin_required, unit_admin_required
from competition.admin import bp, services
from competition.admin.forms import (
    MEASURE_NAMES,
    BlockForm,
    CopyDriveForm,
    CriterionForm,
    DriveForm,
    PasteForm,
    PhaseForm,
)
from competition.admin.scope import AdminScope, admin_scope
from competition.extensions import db
from competition.hierarchy import HierarchyError, check_organiser, is_scoped
from competition.models import Block, Criterion, Drive, Entry, Phase, Unit, User
from competition.problems import InvalidData
from competition.security import optional_id

DRIVE_FIELDS = (
    "code", "title", "issuer", "place", "issued_on", "starts_on", "ends_on", "election_day",
    "freeze_at", "submissions_close_at", "appeal_days", "report_deadline_day",
    "threshold_excellent", "threshold_good", "threshold_passed",
    "rank_by", "signer_title", "signer_name", "archive_note",
)
# Settings that change live points or classifications (the freeze only changes the public cut).
DRIVE_SCORING_FIELDS = {
    "starts_on", "ends_on", "report_deadline_day",
    "threshold_excellent", "threshold_good", "threshold_passed", "rank_by",
}
CRITERION_FIELDS = (
    "code", "name", "group", "measure", "unit_label", "max_points", "default_target", "cap",
    "penalty_per_item", "is_propaganda", "rollup",
)
CRITERION_SCORING_FIELDS = {
    "measure", "max_points", "default_target", "cap", "penalty_per_item", "rollup",
}
# Fields that move no score but what the kept pages say (a criterion's code and name in each
# row's list, its unit label) or which sums are kept (the propaganda ones).
CRITERION_SHOWN_FIELDS = {"code", "name", "unit_label", "is_propaganda"}
PHASE_FIELDS = ("code", "name", "description", "starts_on", "ends_on")


def _status() -> int:
    return 400 if request.method == "POST" else 200


def _values(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _differences(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {k for k in after if before.get(k) != after.get(k)}


def active_drive_or_404() -> Drive:
    drive = standings.active_drive()
    if drive is None:
        abort(404)
    return drive


def preview_or_apply(drive: Drive, apply: Callable[[], None], moves_scores: bool):
    """The impact to show when an unconfirmed change moves scores; else apply it (caller commits).

    `apply` records its own audit event, so a preview leaves no trace at all.
    """
    if moves_scores and not request.form.get("confirm"):
        return services.score_impact(drive, apply)
    apply()
    if moves_scores:
        standings.bump_version(drive.id)
    return None


def _move_in_order(items: list, item: Any, direction: str) -> None:
    """Swap an item with its neighbour and renumber positions 0..n-1."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position


# --- Overview and drives --------------------------------------------------


@bp.route("/")
@unit_admin_required
def index():
    if is_scoped(current_user):
        # A district's admin has no drive settings: its work starts with its own units.
        return redirect(url_for("admin.units"))
    drive = standings.active_drive()
    counts = {
        "units": db.session.scalar(select(func.count()).select_from(Unit)),
        "blocks": db.session.scalar(select(func.count()).select_from(Block)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "criteria": len(standings.scored_criteria(drive)) if drive else 0,
    }
    drives = db.session.scalars(select(Drive).order_by(Drive.id.desc())).all()
    return render_template("admin/index.html", drive=drive, drives=drives, counts=counts)


@bp.route("/dot-thi-dua/moi", methods=["GET", "POST"])
@admin_required
def drive_new():
    form = DriveForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Drive.id).where(Drive.code == form.code.data.strip())):
            form.code.errors.append(_("Mã này đã được dùng cho một đợt thi đua khác."))
        else:
            drive = Drive(**{name: form[name].data for name in DRIVE_FIELDS})
            drive.code = drive.code.strip()
            for other in db.session.scalars(select(Drive).where(Drive.is_active.is_(True))):
                other.is_active = False
            drive.is_active = True
            db.session.add(drive)
            db.session.flush()
            audit.record("drive.create", drive, after=_values(drive, DRIVE_FIELDS))
            db.session.commit()
            flash(_("Đã tạo đợt thi đua. Tiếp theo: thêm đợt tuyên truyền, khối và tiêu chí."),
                  "success")
            return redirect(url_for("admin.drive_settings"))
    return render_template("admin/drive_form.html", form=form, drive=None,
                           missing_members=[]), _status()


@bp.route("/dot-thi-dua/sao-chep", methods=["GET", "POST"])
@admin_required
def drive_copy_page():
    """A new drive from an old one's criteria, targets and award rules (no entries)."""
    form = CopyDriveForm()
    drives = db.session.scalars(select(Drive).order_by(Drive.starts_on.desc())).all()
    form.source.choices = [(d.id, f"{d.code} – {d.title[:80]}") for d in drives]
    if request.method == "GET":
        active = standings.active_drive()
        if active is not None:
            form.source.data = active.id
            form.issuer.data, form.place.data = active.issuer, active.place
    if form.validate_on_submit():
        source = db.get_or_404(Drive, form.source.data)
        # The new drive's own dates come from the form; its moments (freeze, close) are set later.
        settings = {name: form[name].data if name in form else getattr(source, name)
                    for name in DRIVE_FIELDS if name not in ("freeze_at", "submissions_close_at")}
        settings["code"] = settings["code"].strip()
        try:
            drive = drive_copy.copy_drive(source, settings, actor=current_user._get_current_object())
        except InvalidData:
            db.session.rollback()
            form.code.errors.append(_("Mã này đã được dùng cho một đợt thi đua khác."))
        else:
            db.session.commit()
            flash(_("Đã tạo đợt thi đua «%(code)s» từ «%(source)s»: %(criteria)s tiêu chí, "
                    "%(awards)s hình thức khen thưởng. Đây là đợt đang chạy; hãy thêm các đợt "
                    "tuyên truyền và sửa những gì khác.", code=drive.code, source=source.code,
                    criteria=len(drive.criteria), awards=len(drive.award_rules)), "success")
            return redirect(url_for("admin.drive_settings"))
    return render_template("admin/drive_copy.html", form=form), _status()


@bp.route("/dot-thi-dua/<int:drive_id>/kich-hoat", methods=["POST"])
@admin_required
def drive_activate(drive_id: int):
    drive = db.get_or_404(Drive, drive_id)
    for other in db.session.scalars(select(Drive).where(Drive.id != drive.id)):
        other.is_active = False
    drive.is_active = True
    audit.record("drive.activate", drive, after={"code": drive.code})
    standings.bump_version(drive.id)
    db.session.commit()
    flash(_("Đợt thi đua «%(code)s» là đợt đang chạy.", code=drive.code), "success")
    return redirect(url_for("admin.index"))


@bp.route("/dot-thi-dua", methods=["GET", "POST"])
@admin_required
def drive_settings():
    drive = standings.active_drive()
    if drive is None:
        return redirect(url_for("admin.drive_new"))
    form = DriveForm(obj=drive)
    impact = None
    if form.validate_on_submit():
        taken = db.session.scalar(
            select(Drive.id).where(Drive.code == form.code.data.strip(), Drive.id != drive.id)
        )
        if taken:
            form.code.errors.append(_("Mã này đã được dùng cho một đợt thi đua khác."))
        else:
            before = _values(drive, DRIVE_FIELDS)
            proposed = {name: form[name].data for name in DRIVE_FIELDS}
            proposed["code"] = proposed["code"].strip()
            changed = _differences(before, proposed)

            def apply() -> None:
                for name in changed:
                    setattr(drive, name, proposed[name])
                audit.record("drive.update", drive,
                             before={k: before[k] for k in changed},
                             after={k: proposed[k] for k in changed})

            if not changed:
                flash(_("Không có thay đổi nào."), "info")
                return redirect(url_for("admin.drive_settings"))
            impact = preview_or_apply(drive, apply, bool(changed & DRIVE_SCORING_FIELDS))
            if impact is None:
                db.session.commit()
                flash(_("Đã lưu thiết lập đợt thi đua."), "success")
                return redirect(url_for("admin.drive_settings"))
            db.session.refresh(drive)
    status = 200 if impact is not None else _status()
    return render_template("admin/drive_form.html", form=form, drive=drive, impact=impact,
                           missing_members=services.units_missing_members(drive)), status


# --- Phases ---------------------------------------------------------------


def _phase_form(drive: Drive, phase: Phase | None):
    form = PhaseForm(obj=phase)
    if form.validate_on_submit():
        code = form.code.data.strip()
        clash = next((p for p in drive.phases if p.code == code and p is not phase), None)
        if clash:
            form.code.errors.append(_("Mã đợt đã có trong đợt thi đua này."))
        else:
            before = _values(phase, PHASE_FIELDS) if phase else {}
            if phase is None:
                phase = Phase(drive=drive, position=len(drive.phases))
                db.session.add(phase)
            for name in PHASE_FIELDS:
                setattr(phase, name, form[name].data)
            phase.code = code
            db.session.flush()
            after = _values(phase, PHASE_FIELDS)
            old, new = audit.changes(before, after)
            audit.record("phase.update" if before else "phase.create", phase, before=old, after=new)
            db.session.commit()
            flash(_("Đã lưu đợt tuyên truyền."), "success")
            return redirect(url_for("admin.drive_settings") + "#phases")
    return render_template("admin/phase_form.html", form=form, phase=phase), _status()


@bp.route("/dot-tuyen-truyen/moi", methods=["GET", "POST"])
@admin_required
def phase_new():
    return _phase_form(active_drive_or_404(), None)


@bp.route("/dot-tuyen-truyen/<int:phase_id>", methods=["GET", "POST"])
@admin_required
def phase_edit(phase_id: int):
    phase = db.get_or_404(Phase, phase_id)
    return _phase_form(phase.drive, phase)


@bp.route("/dot-tuyen-truyen/<int:phase_id>/xoa", methods=["POST"])
@admin_required
def phase_delete(phase_id: int):
    phase = db.get_or_404(Phase, phase_id)
    if db.session.scalar(select(func.count()).where(Entry.phase_id == phase.id)):
        abort(409, _("Đợt tuyên truyền đã có kết quả gắn với nó nên không xóa được."))
    audit.record("phase.delete", phase, before=_values(phase, PHASE_FIELDS))
    db.session.delete(phase)
    db.session.commit()
    flash(_("Đã xóa đợt tuyên truyền."), "success")
    return redirect(url_for("admin.drive_settings") + "#phases")


# --- Blocks ---------------------------------------------------------------


def _ordered_blocks() -> list[Block]:
    return list(standings.blocks())


def _block_form(block: Block | None) -> BlockForm:
    form = BlockForm(obj=block)
    form.organiser_id.choices = [(0, _("— Cấp tỉnh (khối cấp cao nhất) —"))] + \
        services.unit_choices()
    if form.organiser_id.data is None:
        form.organiser_id.data = 0
    return form


def _organiser_error(form: BlockForm, block: Block) -> bool:
    """The organiser must sit above every unit of the block (nothing is changed otherwise)."""
    organiser = db.session.get(Unit, form.organiser_id.data) if form.organiser_id.data else None
    try:
        check_organiser(block, organiser)
    except HierarchyError as refused:
        form.organiser_id.errors.append(refused.message)
        return True
    return False


@bp.route("/khoi", methods=["GET", "POST"])
@admin_required
def blocks():
    form = _block_form(None)
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Block.id).where(Block.code == code)):
            form.code.errors.append(_("Mã khối đã có."))
        else:
            block = Block(code=code, name=form.name.data.strip(), position=len(_ordered_blocks()),
                          organiser_id=form.organiser_id.data or None)
            db.session.add(block)
            db.session.flush()
            audit.record("block.create", block, after={"code": block.code, "name": block.name,
                                                        "organiser_id": block.organiser_id})
            db.session.commit()
            flash(_("Đã thêm khối «%(name)s».", name=block.name), "success")
            return redirect(url_for("admin.blocks"))
    sizes = dict(db.session.execute(
        select(Unit.block_id, func.count()).where(Unit.active.is_(True)).group_by(Unit.block_id)
    ).all())
    return render_template("admin/blocks.html", form=form, blocks=_ordered_blocks(),
                           sizes=sizes), _status()


@bp.route("/khoi/<int:block_id>", methods=["GET", "POST"])
@admin_required
def block_edit(block_id: int):
    block = db.get_or_404(Block, block_id)
    form = _block_form(block)
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Block.id).where(Block.code == code, Block.id != block.id)):
            form.code.errors.append(_("Mã khối đã có."))
        elif _organiser_error(form, block):
            pass
        else:
            fields = ("code", "name", "organiser_id")
            before = _values(block, fields)
            block.code, block.name = code, form.name.data.strip()
            block.organiser_id = form.organiser_id.data or None
            old, new = audit.changes(before, _values(block, fields))
            audit.record("block.update", block, before=old, after=new)
            _bump_active()
            db.session.commit()
            flash(_("Đã lưu khối."), "success")
            return redirect(url_for("admin.blocks"))
    return render_template("admin/block_form.html", form=form, block=block), _status()


@bp.route("/khoi/<int:block_id>/thu-tu", methods=["POST"])
@admin_required
def block_move(block_id: int):
    block = db.get_or_404(Block, block_id)
    _move_in_order(_ordered_blocks(), block, request.form.get("direction", ""))
    audit.record("block.move", block, after={"position": block.position})
    _bump_active()
    db.session.commit()
    return redirect(url_for("admin.blocks"))


def _bump_active() -> None:
    drive = standings.active_drive()
    if drive is not None:
        standings.bump_version(drive.id)


# --- Criteria -------------------------------------------------------------


@bp.route("/tieu-chi")
@admin_required
def criteria():
    drive = standings.active_drive()
    if drive is None:
        return redirect(url_for("admin.drive_new"))
    used = set(db.session.scalars(select(Entry.criterion_id).distinct()))
    total = sum((c.max_points for c in drive.criteria if not c.retired), Decimal(0))
    return render_template("admin/criteria.html", drive=drive, criteria=drive.criteria,
                           used=used, total=total, measure_names=MEASURE_NAMES)


def _criterion_form(drive: Drive, criterion: Criterion | None):
    form = CriterionForm(obj=criterion)
    impact = None
    if form.validate_on_submit():
        code = form.code.data.strip()
        clash = next((c for c in drive.criteria if c.code == code and c is not criterion), None)
        if clash:
            form.code.errors.append(_("Mã tiêu chí đã có trong đợt thi đua này."))
        else:
            before = _values(criterion, CRITERION_FIELDS) if criterion else {}
            proposed = {name: form[name].data for name in CRITERION_FIELDS}
            proposed["code"] = code
            changed = _differences(before, proposed)
            if not changed:
                flash(_("Không có thay đổi nào."), "info")
                return redirect(url_for("admin.criteria"))

            def apply() -> None:
                target = criterion
                if target is None:
                    position = 1 + max((c.position for c in drive.criteria), default=-1)
                    target = Criterion(drive=drive, position=position)
                    db.session.add(target)
                for name in changed:
                    setattr(target, name, proposed[name])
                db.session.flush()
                audit.record("criterion.update" if criterion else "criterion.create", target,
                             before={k: before[k] for k in changed} if before else None,
                             after={k: proposed[k] for k in changed})

            moves = criterion is None or bool(changed & CRITERION_SCORING_FIELDS)
            if criterion is not None and criterion.retired:
                moves = False  # a retired criterion is not scored
            impact = preview_or_apply(drive, apply, moves)
            if impact is None:
                if changed & CRITERION_SHOWN_FIELDS:
                    standings.bump_version(drive.id)
                if "is_propaganda" in changed:
                    standings.rebuild_propaganda(drive)
                db.session.commit()
                flash(_("Đã lưu tiêu chí «%(code)s».", code=code), "success")
                return redirect(url_for("admin.criteria"))
            if criterion is not None:
                db.session.refresh(criterion)
    status = 200 if impact is not None else _status()
    return render_template("admin/criterion_form.html", form=form, criterion=criterion,
                           impact=impact), status


@bp.route("/tieu-chi/moi", methods=["GET", "POST"])
@admin_required
def criterion_new():
    return _criterion_form(active_drive_or_404(), None)


@bp.route("/tieu-chi/<int:criterion_id>", methods=["GET", "POST"])
@admin_required
def criterion_edit(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)
    return _criterion_form(criterion.drive, criterion)


@bp.route("/tieu-chi/<int:criterion_id>/thu-tu", methods=["POST"])
@admin_required
def criterion_move(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)
    items = sorted(criterion.drive.criteria, key=lambda c: (c.position, c.id))
    _move_in_order(items, criterion, request.form.get("direction", ""))
    audit.record("criterion.move", criterion, after={"position": criterion.position})
    db.session.commit()
    return redirect(url_for("admin.criteria"))


@bp.route("/tieu-chi/<int:criterion_id>/ngung", methods=["POST"])
@admin_required
def criterion_retire(criterion_id: int):
    """Retire a criterion (or bring it back): kept with its entries, no longer scored."""
    criterion = db.get_or_404(Criterion, criterion_id)
    retire = not criterion.retired

    def apply() -> None:
        criterion.retired = retire
        audit.record("criterion.retire" if retire else "criterion.restore", criterion,
                     before={"retired": not retire}, after={"retired": retire})

    impact = preview_or_apply(criterion.drive, apply, True)
    if impact is not None:
        db.session.refresh(criterion)
        return render_template("admin/criterion_retire.html", criterion=criterion,
                               retire=retire, impact=impact)
    db.session.commit()
    flash(_("Đã ngừng tiêu chí «%(code)s»; các kết quả đã nhập được giữ nguyên.",
            code=criterion.code) if retire else
          _("Đã dùng lại tiêu chí «%(code)s».", code=criterion.code), "success")
    return redirect(url_for("admin.criteria"))


@bp.route("/tieu-chi/<int:criterion_id>/xoa", methods=["POST"])
@admin_required
def criterion_delete(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)
    if services.criterion_in_use(criterion):
        abort(409, _("Tiêu chí đã có kết quả hoặc điểm chấm nên không xóa được; hãy ngừng sử dụng."))
    drive = criterion.drive
    audit.record("criterion.delete", criterion, before=_values(criterion, CRITERION_FIELDS))
    db.session.delete(criterion)
    standings.bump_version(drive.id)
    db.session.commit()
    flash(_("Đã xóa tiêu chí."), "success")
    return redirect(url_for("admin.criteria"))


# --- Targets --------------------------------------------------------------


def _block_filter() -> int | None:
    return optional_id(request.values.get("block"))


def _scope() -> AdminScope:
    return admin_scope(current_user._get_current_object())


def _grid_page(drive: Drive, *, status: int = 200, **context):
    block_id = _block_filter()
    scope = _scope()
    paste = context.pop("paste", None) or PasteForm()
    paste.criterion_id.choices = [(c.id, f"{c.code} – {c.name}")
                                  for c in services.targeted_criteria(drive)]
    return render_template(
        "admin/targets.html", drive=drive, block_id=block_id, blocks=scope.blocks(),
        rows=services.target_grid(drive, block_id, scope),
        criteria=services.targeted_criteria(drive),
        block_targets=services.block_overrides(drive), paste=paste, plain=services.plain_number,
        typed=context.pop("typed", {}), errors=context.pop("errors", {}), **context,
    ), status


@bp.route("/chi-tieu", methods=["GET"])
@unit_admin_required
def targets():
    drive = standings.active_drive()
    if drive is None:
        return redirect(url_for("admin.drive_new"))
    return _grid_page(drive)


@bp.route("/chi-tieu", methods=["POST"])
@unit_admin_required
def targets_save():
    """Save the grid's edited cells: u-<unit>-<criterion> and b-<block>-<criterion> inputs.

    A scoped admin's grid holds its own blocks and units only; a cell of anything
    else is refused as a whole (403), nothing saved.
    """
    drive = active_drive_or_404()
    scope = _scope()
    criteria = {c.id: c for c in services.targeted_criteria(drive)}
    current = services.target_grid(drive, None, scope)
    unit_overrides = {(row.unit.id, cell.criterion.id): cell.override
                      for row in current for cell in row.cells}
    units = {row.unit.id: row.unit for row in current}
    blocks_by_id = {b.id: b for b in scope.blocks()}
    block_overrides = services.block_overrides(drive)
    typed, errors, changes = {}, {}, []
    for name, raw in request.form.items():
        parts = name.split("-")
        if len(parts) != 3 or parts[0] not in ("u", "b"):
            continue
        kind, owner_id, criterion_id = parts[0], optional_id(parts[1]), optional_id(parts[2])
        criterion = criteria.get(criterion_id)
        owner = (units if kind == "u" else blocks_by_id).get(owner_id)
        if owner is None and not scope.is_full:
            scope.require(False)
        if criterion is None or owner is None:
            abort(400)
        typed[name] = raw
        try:
            value = imports.parse_decimal(raw)
        except ValueError:
            errors[name] = _("«%(value)s» không phải là số không âm.", value=raw)
            continue
        old = (unit_overrides if kind == "u" else block_overrides).get((owner_id, criterion_id))
        if old != value:
            changes.append((kind, owner, criterion, old, value))
    if errors:
        return _grid_page(drive, status=400, typed=typed, errors=errors)
    if not changes:
        flash(_("Không có thay đổi nào."), "info")
        return redirect(url_for("admin.targets", block=_block_filter() or None))

    def apply() -> None:
        for kind, owner, criterion, _old, value in changes:
            imports.set_target(criterion, value, **{"unit" if kind == "u" else "block": owner})
        audit.record(
            "targets.update", drive,
            before={_target_key(k, o, c): old for k, o, c, old, _v in changes},
            after={_target_key(k, o, c): value for k, o, c, _o, value in changes},
        )

    impact = preview_or_apply(drive, apply, True)
    if impact is not None:
        return _grid_page(drive, typed=typed, impact=impact, changes=changes)
    db.session.commit()
    flash(_("Đã lưu %(n)s chỉ tiêu.", n=len(changes)), "success")
    return redirect(url_for("admin.targets", block=_block_filter() or None))


def _target_key(kind: str, owner: Unit | Block, criterion: Criterion) -> str:
    return f"{criterion.code}@{'unit' if kind == 'u' else 'block'}:{owner.code}"


@bp.route("/chi-tieu/dan-cot", methods=["POST"])
@unit_admin_required
def targets_paste():
    """Paste a spreadsheet column: one value per line, applied down the grid's unit order."""
    drive = active_drive_or_404()
    form = PasteForm()
    form.criterion_id.choices = [(c.id, c.code) for c in services.targeted_criteria(drive)]
    if not form.validate_on_submit():
        return _grid_page(drive, status=400, paste=form)
    criterion = db.session.get(Criterion, form.criterion_id.data)
    scope = _scope()
    units = services.grid_units(_block_filter(), scope)
    lines = form.values.data.replace("\r\n", "\n").rstrip("\n").split("\n")
    problems, planned = [], []
    if len(lines) > len(units):
        problems.append(_("Có %(lines)s dòng nhưng bảng chỉ có %(units)s đơn vị.",
                          lines=len(lines), units=len(units)))
    current = {row.unit.id: row for row in services.target_grid(drive, _block_filter(), scope)}
    index = [i for i, c in enumerate(services.targeted_criteria(drive)) if c.id == criterion.id][0]
    for number, (line, unit) in enumerate(zip(lines, units, strict=False), start=1):
        if not line.strip():
            continue  # an empty cell leaves the unit as it is
        try:
            value = imports.parse_decimal(line)
        except ValueError:
            problems.append(_("Dòng %(n)s (%(unit)s): «%(value)s» không phải là số không âm.",
                              n=number, unit=unit.name, value=line.strip()))
            continue
        cell = current[unit.id].cells[index]
        if cell.override != value:
            planned.append((unit, cell, value))
    if problems:
        for problem in problems:
            form.values.errors.append(problem)
        return _grid_page(drive, status=400, paste=form)
    if not planned:
        flash(_("Các giá trị dán vào trùng với chỉ tiêu hiện có; không có gì thay đổi."), "info")
        return redirect(url_for("admin.targets", block=_block_filter() or None))

    def apply() -> None:
        for unit, _cell, value in planned:
            imports.set_target(criterion, value, unit=unit)
        audit.record(
            "targets.paste", criterion,
            before={unit.code: cell.override for unit, cell, _v in planned},
            after={unit.code: value for unit, _c, value in planned},
        )

    impact = preview_or_apply(drive, apply, True)
    if impact is not None:
        return _grid_page(drive, paste=form, impact=impact, pasted=planned,
                          pasted_criterion=criterion)
    db.session.commit()
    flash(_("Đã dán %(n)s chỉ tiêu cho tiêu chí %(code)s.", n=len(planned), code=criterion.code),
          "success")
    return redirect(url_for("admin.targets", block=_block_filter() or None))
