"""The judges' work that is not an entry transition: the queue's facets and the assessments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from competition import audit, standings
from competition.clock import now
from competition.extensions import db
from competition.hierarchy import council_where, subtree_ids, user_council
from competition.models import (
    Assessment,
    Block,
    Criterion,
    Drive,
    Entry,
    EntryStatus,
    Phase,
    Unit,
    User,
)
from competition.permissions import can_judge, is_full_admin, refusal_reason
from competition.results import calendar
from competition.scoring import Measure
from competition.security import optional_id

# The queue's filters: the request argument, the column it filters, how a value is named.
FACETS = {
    "block": (Unit.block_id, lambda ids: _names(Block, ids, lambda b: b.name)),
    "unit": (Entry.unit_id, lambda ids: _names(Unit, ids, lambda u: u.name)),
    "criterion": (Entry.criterion_id, lambda ids: _names(Criterion, ids,
                                                         lambda c: f"{c.code} · {c.name}")),
    "phase": (Entry.phase_id, lambda ids: _names(Phase, ids, lambda p: p.name)),
}


def _names(model: Any, ids: list[int], label: Any) -> dict[int, str]:
    rows = db.session.scalars(select(model).where(model.id.in_(ids))).all() if ids else []
    return {row.id: label(row) for row in rows}


def queue_query(drive: Drive, judge: User | None = None, below: bool = False) -> Select:
    """Entries waiting for a decision: those `judge`'s council verifies, or with `below`
    those of the units under it that lower councils verify (shown read-only).

    A full admin's queue holds every entry; without a judge, the whole drive's.
    """
    query = (
        select(Entry)
        .join(Unit, Entry.unit_id == Unit.id)
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Entry.status == EntryStatus.SUBMITTED, Criterion.drive_id == drive.id)
    )
    if judge is None or (is_full_admin(judge) and not below):
        return query
    council = user_council(judge)
    ranked_here = Unit.block_id.in_(select(Block.id).where(council_where(council)))
    if not below:
        return query.where(ranked_here)
    query = query.where(~ranked_here | Unit.block_id.is_(None))
    if council is not None:
        query = query.where(Unit.id.in_(subtree_ids(council, include_self=False)))
    return query


def _filtered(query: Select, chosen: Mapping[str, int | None], skip: str = "") -> Select:
    for name, (column, _label) in FACETS.items():
        if name != skip and chosen.get(name):
            query = query.where(column == chosen[name])
    return query


@dataclass(frozen=True)
class FacetValue:
    value: int
    label: str
    count: int


def queue(
    drive: Drive, chosen: Mapping[str, int | None], judge: User | None = None, below: bool = False
) -> tuple[Select, dict[str, list]]:
    """The filtered queue (oldest submission first) and, for every filter, its values with
    how many entries each would show given the other filters."""
    base = queue_query(drive, judge, below)
    facets: dict[str, list[FacetValue]] = {}
    for name, (column, label) in FACETS.items():
        counts = db.session.execute(
            _filtered(base, chosen, skip=name).with_only_columns(column, func.count())
            .group_by(column)
        ).all()
        counts = [(value, n) for value, n in counts if value is not None]
        names = label([value for value, _n in counts])
        facets[name] = sorted(
            (FacetValue(value, names.get(value, str(value)), n) for value, n in counts),
            key=lambda f: f.label,
        )
    ordered = _filtered(base, chosen).order_by(Entry.submitted_at, Entry.id)
    return ordered, facets


# --- Judged criteria -------------------------------------------------------------


class GridError(Exception):
    """A refused assessment grid; `cells` maps a cell name to its message, `status` the HTTP one."""

    def __init__(self, cells: dict[str, str], status: int = 400) -> None:
        super().__init__("grid")
        self.cells = cells
        self.status = status


def judged_criteria(drive: Drive) -> list[Criterion]:
    return [c for c in standings.scored_criteria(drive) if c.measure == Measure.JUDGED]


def parse_points(raw: str) -> Decimal | None:
    """Points as typed in Vietnamese or English style (7,5 or 7.5); None if not a number."""
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def assessments_of(criteria: list[Criterion], units: list[Unit]) -> dict[tuple[int, int], list]:
    """Every judge's assessment per (unit, criterion) of the grid."""
    found: dict[tuple[int, int], list[Assessment]] = {}
    if not criteria or not units:
        return found
    rows = db.session.scalars(
        select(Assessment).where(
            Assessment.criterion_id.in_([c.id for c in criteria]),
            Assessment.unit_id.in_([u.id for u in units]),
        )
    )
    for row in rows:
        found.setdefault((row.unit_id, row.criterion_id), []).append(row)
    return found


def assess(
    judge: User,
    drive: Drive,
    units: Mapping[int, Unit],
    criteria: Mapping[int, Criterion],
    form: Mapping[str, str],
) -> int:
    """Upsert the judge's points from the grid's cells, in the caller's transaction.

    Every cell is checked first; one bad cell or one unit the judge may not
    judge refuses the whole grid. Returns how many assessments changed.
    """
    wanted: list[tuple[Unit, Criterion, Decimal, str]] = []
    errors: dict[str, str] = {}
    for key, raw in form.items():
        if not key.startswith("points-") or not raw.strip():
            continue
        _prefix, unit_id, criterion_id = (key.split("-") + ["", ""])[:3]
        unit = units.get(optional_id(unit_id))
        criterion = criteria.get(optional_id(criterion_id))
        if unit is None or criterion is None:
            errors[key] = str(_l("Ô chấm điểm không hợp lệ."))
            continue
        if not can_judge(judge, unit):
            refused = (_l("Đơn vị này do hội đồng thi đua cấp khác chấm điểm.")
                       if refusal_reason(judge, unit) == "out_of_council"
                       else _l("Bạn không được chấm điểm đơn vị mình hoặc đơn vị cấp dưới."))
            raise GridError({key: str(refused)}, 403)
        points = parse_points(raw)
        comment = form.get(f"comment-{unit.id}-{criterion.id}", "").strip()
        if points is None or not 0 <= points <= criterion.max_points or points != round(points, 2):
            errors[key] = str(_l("Điểm phải là số từ 0 đến %(max)s (tối đa 2 chữ số thập phân).",
                                 max=f"{criterion.max_points:g}".replace(".", ",")))
        elif len(comment) > 2000:
            errors[key] = str(_l("Nhận xét tối đa 2.000 ký tự."))
        else:
            wanted.append((unit, criterion, points, comment))
    if errors:
        raise GridError(errors)
    changed, moved = 0, set()
    for unit, criterion, points, comment in wanted:
        mine = db.session.scalars(
            select(Assessment).where(Assessment.unit_id == unit.id,
                                     Assessment.criterion_id == criterion.id,
                                     Assessment.judge_id == judge.id)
        ).first()
        before = {"points": mine.points, "comment": mine.comment} if mine else None
        if mine and Decimal(mine.points) == points and mine.comment == comment:
            continue
        if mine and calendar.is_past_freeze(drive) and mine.assessed_at <= drive.freeze_at:
            # The score of record at the freeze changes only through an appeal.
            raise GridError({f"points-{unit.id}-{criterion.id}": str(_l(
                "Bảng xếp hạng đã chốt: điểm chấm trước thời điểm chốt chỉ thay đổi được qua "
                "khiếu nại."))}, 409)
        if mine is None:
            mine = Assessment(unit=unit, criterion=criterion, judge=judge)
            db.session.add(mine)
        mine.points, mine.comment, mine.assessed_at = points, comment, now()
        db.session.flush()
        audit.record("assessment.save", mine, unit_id=unit.id, before=before,
                     after={"criterion": criterion.code, "points": points, "comment": comment},
                     actor=judge)
        changed += 1
        moved.add(unit.id)
    standings.keep_units(drive, moved)
    return changed
