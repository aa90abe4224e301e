"""The facts `scoring` needs, read from the database (once per GET request where possible).

Live standings read the per-unit tallies (`CriterionTally`) kept in step with
each verification, so a board costs a handful of small queries whatever the
history; the freeze cut-off sums the verified entries as of that moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import aliased

from competition import clock, scoring
from competition.clock import now
from competition.extensions import db
from competition.memo import per_request
from competition.models import (
    Appeal,
    AppealStatus,
    Assessment,
    Block,
    Criterion,
    CriterionTally,
    Drive,
    Entry,
    EntryStatus,
    MonthlyReport,
    Target,
    Unit,
)

# Verified before any clock existed (old imports without a verification time).
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Only:
    """Some of the units: those of one block (ranks never cross blocks), or a few by code.

    The entries are filtered by the database (`where`); the small per-unit
    facts (units, assessments, reports) are read whole once per request and
    filtered here (`keeps`), so a page that scores several sets of units reads
    them once.
    """

    block: str | None = None
    codes: tuple[str, ...] = ()

    def where(self) -> ColumnElement[bool]:
        if self.block is not None:
            return Unit.block_id.in_(select(Block.id).where(Block.code == self.block))
        return Unit.code.in_(self.codes)

    def keeps(self, unit: scoring.UnitFacts) -> bool:
        return unit.block == self.block if self.block is not None else unit.code in self.codes


def rules(drive: Drive) -> list[scoring.CriterionRule]:
    return [rule_of(c) for c in scored_criteria(drive)]


def rule_of(criterion: Criterion) -> scoring.CriterionRule:
    """What the scoring rules need to know of one criterion."""
    c = criterion
    return scoring.CriterionRule(
        code=c.code,
        measure=scoring.Measure(c.measure),
        max_points=Decimal(c.max_points),
        default_target=Decimal(c.default_target) if c.default_target is not None else None,
        cap=Decimal(c.cap),
        penalty_per_item=Decimal(c.penalty_per_item) if c.penalty_per_item is not None else None,
        rollup=bool(c.rollup),
    )


def scored_criteria(drive: Drive) -> list[Criterion]:
    return per_request(f"criteria:{drive.id}", lambda: db.session.scalars(
        select(Criterion)
        .where(Criterion.drive_id == drive.id, Criterion.retired.is_(False))
        .order_by(Criterion.position, Criterion.id)
    ).all())


def blocks() -> list[Block]:
    return per_request("blocks", lambda: db.session.scalars(
        select(Block).order_by(Block.position, Block.id)).all())


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as the board and the public pages name it, with its parent."""

    code: str
    slug: str
    name: str
    block: str | None
    member_count: int | None
    active: bool
    parent_code: str | None
    parent_name: str | None


def unit_rows() -> list[UnitRow]:
    """Every unit, with its block and parent, in one query (once per GET request)."""

    def read() -> list[UnitRow]:
        parent = aliased(Unit)
        rows = db.session.execute(
            select(Unit.code, Unit.slug, Unit.name, Block.code, Unit.member_count, Unit.active,
                   parent.code, parent.name)
            .outerjoin(Block, Unit.block_id == Block.id)
            .outerjoin(parent, Unit.parent_id == parent.id)
        )
        return [UnitRow(*row) for row in rows]

    return per_request("unit_rows", read)


def unit_facts(only: Only | None = None) -> list[scoring.UnitFacts]:
    """The ranked units (active, in a block), all or `only` some."""

    def ranked() -> list[scoring.UnitFacts]:
        return [scoring.UnitFacts(u.code, u.name, u.block, u.member_count)
                for u in unit_rows() if u.active and u.block is not None]

    units = per_request("units", ranked)
    return units if only is None else [u for u in units if only.keeps(u)]


def targets_of(drive: Drive) -> scoring.Targets:
    return per_request(f"targets:{drive.id}", lambda: _read_targets(drive))


def _read_targets(
    drive: Drive, unit_ids: list[int] | None = None, block_ids: set[int] | None = None
) -> scoring.Targets:
    """Every target of the drive, or only those that can apply to some units (theirs and
    their blocks')."""
    query = (
        select(Criterion.code, Block.code, Unit.code, Target.value)
        .join(Criterion, Target.criterion_id == Criterion.id)
        .outerjoin(Block, Target.block_id == Block.id)
        .outerjoin(Unit, Target.unit_id == Unit.id)
        .where(Criterion.drive_id == drive.id)
    )
    if unit_ids is not None:
        query = query.where(or_(Target.unit_id.in_(unit_ids),
                                Target.unit_id.is_(None) & Target.block_id.in_(block_ids or ())))
    rows = db.session.execute(query).all()
    by_block, by_unit = {}, {}
    for criterion, block, unit, value in rows:
        if unit is not None:
            by_unit[(unit, criterion)] = Decimal(value)
        elif block is not None:
            by_block[(block, criterion)] = Decimal(value)
    return scoring.Targets(by_block=by_block, by_unit=by_unit)


Tallies = dict[tuple[str, str], scoring.Tally]


def _live_tallies(drive: Drive, only: Only | None = None) -> tuple[Tallies, Tallies]:
    """Each unit's own verified tallies, and what the units under it verified (kept on the
    same row by each verification, so a rolled-up board reads no unit outside it)."""
    query = (
        select(
            Unit.code,
            Criterion.code,
            CriterionTally.quantity,
            CriterionTally.items,
            CriterionTally.latest_activity,
            CriterionTally.below_quantity,
            CriterionTally.below_items,
        )
        .join(Unit, CriterionTally.unit_id == Unit.id)
        .join(Criterion, CriterionTally.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id,
               or_(CriterionTally.items > 0, CriterionTally.below_items > 0))
    )
    rows = db.session.execute(query if only is None else query.where(only.where()))
    own: Tallies = {}
    below: Tallies = {}
    for u, c, q, n, latest, below_q, below_n in rows:
        if n:
            own[(u, c)] = scoring.Tally(Decimal(q), n, latest)
        if below_n:
            below[(u, c)] = scoring.Tally(Decimal(below_q), below_n)
    return own, below


def parents_by_code(codes: Iterable[str] | None = None) -> dict[str, str | None]:
    """Each unit's parent, by code: every unit's (from the per-request unit rows), or only
    those of `codes` (one narrow query)."""
    if codes is None:
        return {row.code: row.parent_code for row in unit_rows()}
    parent = aliased(Unit)
    return dict(db.session.execute(
        select(Unit.code, parent.code).outerjoin(parent, Unit.parent_id == parent.id)
        .where(Unit.code.in_(list(codes)))).all())


def descendants_of(codes: Iterable[str]) -> set[str]:
    """The codes of every unit under any of `codes`, at any depth (not `codes` themselves).

    One recursive query from those units down, so a chart of a few units reads
    their subtrees only, never the country's list of units.
    """
    wanted = list(codes)
    down = select(Unit.id, Unit.code).where(Unit.code.in_(wanted)).cte("down", recursive=True)
    child = aliased(Unit)
    down = down.union_all(select(child.id, child.code).join(down, child.parent_id == down.c.id))
    return set(db.session.scalars(select(down.c.code))) - set(wanted)


def rolled_up_codes(drive: Drive) -> set[str]:
    return {rule.code for rule in rules(drive) if rule.rollup}


def _below_until(drive: Drive, cutoff: datetime, only: Only | None) -> Tallies:
    """What the units under each unit had verified by `cutoff` (for rolled-up criteria).

    A cut-off board is rare and cached, so this rolls the whole drive's tallies at
    the cut-off up the tree in memory (`scoring.roll_up`), the rule the kept sums follow.
    """
    wanted = rolled_up_codes(drive)
    if not wanted:
        return {}
    everything = {key: t for key, t in _tallies_until(drive, cutoff).items() if key[1] in wanted}
    below = scoring.roll_up(everything, parents_by_code())
    if only is None:
        return below
    kept = {unit.code for unit in unit_facts(only)}
    return {key: t for key, t in below.items() if key[0] in kept}


def amended_by_appeal():
    """The ids of entries an appeal amended: they count as if decided before the freeze."""
    return select(Appeal.entry_id).where(
        Appeal.status == AppealStatus.AMENDED, Appeal.entry_id.is_not(None))


def counted_by(cutoff: datetime) -> ColumnElement[bool]:
    """A verified entry counts at `cutoff` if verified by then or amended through an appeal.

    The verification time decides, not the activity date: the one rule of "as of
    the freeze" that the board, the unit pages, the feed and the API all share.
    """
    return (Entry.status == EntryStatus.VERIFIED) & or_(
        Entry.verified_at.is_(None), Entry.verified_at <= cutoff, Entry.id.in_(amended_by_appeal()))


def is_counted(entry: Entry, cutoff: datetime | None) -> bool:
    """`counted_by` for one entry already loaded (the evidence of a public entry)."""
    if entry.status != EntryStatus.VERIFIED:
        return False
    if cutoff is None or entry.verified_at is None or entry.verified_at <= cutoff:
        return True
    return db.session.scalar(
        select(func.count()).where(Appeal.entry_id == entry.id,
                                   Appeal.status == AppealStatus.AMENDED)) > 0


def _tallies_until(drive: Drive, cutoff: datetime, only: Only | None = None) -> Tallies:
    """The tallies as they stood at `cutoff`: one GROUP BY over the verified entries.

    Same rule as `scoring.tally` over `verified_items` (an entry counts if it was
    verified by the cut-off), but summed by the database, so a frozen board
    never pulls every verified entry into the worker's memory.
    """
    conditions = [
        counted_by(cutoff),
        Entry.criterion_id.in_(select(Criterion.id).where(Criterion.drive_id == drive.id)),
    ]
    if only is not None:
        conditions.append(Entry.unit_id.in_(select(Unit.id).where(only.where())))
    sums = (
        select(
            Entry.unit_id,
            Entry.criterion_id,
            func.sum(func.coalesce(Entry.verified_quantity, Entry.quantity)).label("quantity"),
            func.count().label("verified"),
            func.max(Entry.activity_date).label("latest"),
        )
        .where(*conditions)
        .group_by(Entry.unit_id, Entry.criterion_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Unit.code, Criterion.code, sums.c.quantity, sums.c.verified, sums.c.latest)
        .join(Unit, Unit.id == sums.c.unit_id)
        .join(Criterion, Criterion.id == sums.c.criterion_id)
    ).all()
    return {(u, c): scoring.Tally(Decimal(q), n, latest) for u, c, q, n, latest in rows}


def verified_items(
    drive: Drive, unit_id: int | None = None, only: Only | None = None,
    moments: Sequence[datetime] = (),
) -> list[scoring.VerifiedItem]:
    """Every verified entry of the drive (or of some units) as plain data, for rebuilds and cut-offs.

    With `moments` (ascending), summed by the database instead: one item per
    unit, criterion and moment, holding what was first counted by that moment
    (its quantities added, its latest activity), dated the moment itself, and
    nothing counted after the last one. `scoring.tally` at any of the moments
    then gives the same points as over every entry (only the number of items
    collapses, and the rules look at that only for "any at all"), so a chart
    of a busy unit reads a few dozen rows, not its whole history.
    """
    # An amended entry counts from the freeze on (as if decided before it).
    counted_from = type_coerce(case(
        (Entry.id.in_(amended_by_appeal()), literal(drive.freeze_at, clock.UTCDateTime())),
        else_=Entry.verified_at,
    ), clock.UTCDateTime()) if drive.freeze_at is not None else Entry.verified_at
    quantity = func.coalesce(Entry.verified_quantity, Entry.quantity)
    if moments:
        # The first moment by which the entry counted (one verified before any clock: the first).
        by = case((counted_from.is_(None), 0),
                  *[(counted_from <= literal(moment, clock.UTCDateTime()), index)
                    for index, moment in enumerate(moments)])
        columns = (Unit.code, Criterion.code, func.sum(quantity), func.max(Entry.activity_date),
                   by.label("by"))
    else:
        columns = (Unit.code, Criterion.code, quantity, Entry.activity_date, counted_from)
    query = (
        select(*columns)
        .join(Unit, Entry.unit_id == Unit.id)
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, Entry.status == EntryStatus.VERIFIED)
    )
    if unit_id is not None:
        query = query.where(Entry.unit_id == unit_id)
    if only is not None:
        query = query.where(only.where())
    if moments:
        return [
            scoring.VerifiedItem(u, c, Decimal(q), day, moments[index])
            for u, c, q, day, index in db.session.execute(
                query.group_by(Unit.code, Criterion.code, by))
            if index is not None
        ]
    return [
        scoring.VerifiedItem(u, c, Decimal(q), day, at or EARLIEST)
        for u, c, q, day, at in db.session.execute(query)
    ]


Assessed = tuple[str, str, Decimal, datetime]


def assessed_of(drive: Drive, unit_ids: list[int] | None = None) -> list[Assessed]:
    """(unit, criterion, points, assessed at) of every assessment of the drive (read once per
    request), or of a few units only."""

    def read() -> list[Assessed]:
        query = (
            select(Unit.code, Criterion.code, Assessment.points, Assessment.assessed_at)
            .join(Unit, Assessment.unit_id == Unit.id)
            .join(Criterion, Assessment.criterion_id == Criterion.id)
            .where(Criterion.drive_id == drive.id)
        )
        if unit_ids is not None:
            query = query.where(Assessment.unit_id.in_(unit_ids))
        return [(u, c, Decimal(points), at) for u, c, points, at in db.session.execute(query)]

    return read() if unit_ids is not None else per_request(f"assessed:{drive.id}", read)


def assessments_at(
    assessed: list[Assessed], units: list[scoring.UnitFacts], cutoff: datetime | None
) -> dict[tuple[str, str], list[Decimal]]:
    """The assessments of `units` made by `cutoff` (all of them for None), per unit and criterion."""
    codes = {unit.code for unit in units}
    found: dict[tuple[str, str], list[Decimal]] = {}
    for unit, criterion, points, at in assessed:
        if unit in codes and (cutoff is None or at <= cutoff):
            found.setdefault((unit, criterion), []).append(points)
    return found


Filed = dict[str, dict[date, datetime]]


def filed_of(drive: Drive, unit_ids: list[int] | None = None) -> Filed:
    """When each unit filed each month's report (every filed report, read once per request),
    or a few units only."""

    def read() -> Filed:
        filed: Filed = {}
        query = (
            select(Unit.code, MonthlyReport.month, MonthlyReport.filed_at)
            .join(Unit, MonthlyReport.unit_id == Unit.id)
            .where(MonthlyReport.drive_id == drive.id, MonthlyReport.filed_at.is_not(None))
        )
        if unit_ids is not None:
            query = query.where(MonthlyReport.unit_id.in_(unit_ids))
        for unit, month, filed_at in db.session.execute(query):
            filed.setdefault(unit, {})[month] = filed_at
        return filed

    return read() if unit_ids is not None else per_request(f"filed:{drive.id}", read)


def reports_at(
    drive: Drive, units: list[scoring.UnitFacts], filed: Filed, moment: datetime
) -> dict[str, scoring.ReportRecord]:
    last = min(drive.ends_on, clock.local_day(moment))
    return {
        unit.code: scoring.report_record(
            drive.starts_on,
            last,
            drive.report_deadline_day,
            {month: at for month, at in filed.get(unit.code, {}).items() if at <= moment},
            moment,
            clock.zone(),
        )
        for unit in units
    }


def thresholds_of(drive: Drive) -> scoring.Thresholds:
    return scoring.Thresholds(
        Decimal(drive.threshold_excellent),
        Decimal(drive.threshold_good),
        Decimal(drive.threshold_passed),
    )


def rank_by_of(drive: Drive) -> scoring.RankBy:
    """What the drive's boards rank on first (total points unless the drive says percent)."""
    return scoring.RankBy(drive.rank_by or scoring.RankBy.TOTAL)


def scoring_input(
    drive: Drive, cutoff: datetime | None = None, only: Only | None = None
) -> scoring.ScoringInput:
    """The facts of the drive as of now, or as of `cutoff` (the freeze), for every unit or `only` some.

    Live facts of a few units by code are read narrowed by the database
    (`unit_scoring_input`): a unit page reads nothing of the other units.
    """
    if cutoff is None and only is not None and only.block is None:
        # A unit page asks twice (its explanations, its declared total): read once.
        return per_request(f"unit-facts:{drive.id}:{only.codes}", lambda: unit_scoring_input(
            drive, list(db.session.scalars(select(Unit.id).where(Unit.code.in_(only.codes)))))[0])
    moment = cutoff or now()
    if cutoff is None:
        tallies, below = _live_tallies(drive, only)
    else:
        tallies, below = _tallies_until(drive, cutoff, only), _below_until(drive, cutoff, only)
    units = unit_facts(only)
    return scoring.ScoringInput(
        criteria=rules(drive),
        units=units,
        tallies=tallies,
        below=below,
        assessments=assessments_at(assessed_of(drive), units, cutoff),
        reports=reports_at(drive, units, filed_of(drive), moment),
        targets=targets_of(drive),
        thresholds=thresholds_of(drive),
        rank_by=rank_by_of(drive),
    )


def unit_scoring_input(
    drive: Drive, unit_ids: list[int]
) -> tuple[scoring.ScoringInput, list[tuple[int, int, str]]]:
    """The live facts of a few units only, each read narrowed by the database.

    For the write side, which scores the units a change moved: no read here
    grows with the number of units or entries of the drive. Returns the input
    and the ranked ones among them as (unit id, block id, code).
    """
    rules_only, placed = unit_rules_input(drive, unit_ids)
    units = rules_only.units
    codes = tuple(unit.code for unit in units)
    tallies, below = _live_tallies(drive, Only(codes=codes)) if codes else ({}, {})
    data = replace(
        rules_only,
        tallies=tallies,
        below=below,
        assessments=assessments_at(assessed_of(drive, unit_ids), units, None),
        reports=reports_at(drive, units, filed_of(drive, unit_ids), now()),
    )
    return data, placed


def unit_rules_input(
    drive: Drive, unit_ids: list[int]
) -> tuple[scoring.ScoringInput, list[tuple[int, int, str]]]:
    """The rules as they apply to a few units (criteria, the units, their targets,
    thresholds), without any facts; and the ranked ones as (unit id, block id, code)."""
    rows = db.session.execute(
        select(Unit.id, Unit.block_id, Unit.code, Unit.name, Block.code, Unit.member_count)
        .join(Block, Unit.block_id == Block.id)
        .where(Unit.id.in_(unit_ids), Unit.active.is_(True))
    ).all()
    data = scoring.ScoringInput(
        criteria=rules(drive),
        units=[scoring.UnitFacts(code, name, block, members)
               for _id, _block_id, code, name, block, members in rows],
        targets=_read_targets(drive, unit_ids, {block_id for _i, block_id, *_ in rows}),
        thresholds=thresholds_of(drive),
        rank_by=rank_by_of(drive),
    )
    return data, [(unit_id, block_id, code) for unit_id, block_id, code, *_ in rows]
