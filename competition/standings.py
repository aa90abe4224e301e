"""The standings service: gathers the facts from the database and asks `scoring` to rank.

Views and the API call only this module for points. Live standings read the
per-unit tallies (`CriterionTally`) kept in step with each verification, so a
board costs a handful of small queries whatever the history; the freeze
cut-off and the full rebuild read the entries themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from flask import abort, g, has_request_context, request
from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import aliased

from competition import scoring
from competition.cache import cached
from competition.clock import now
from competition.extensions import db
from competition.models import (
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

Board = dict[str, list[scoring.Standing]]
T = TypeVar("T")


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


def _per_request(key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per GET request (a read sees one set of facts); every time elsewhere.

    Forms that change criteria or targets and preview the board in the same
    request must see their own change, so only safe requests reuse a value.
    """
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return compute()
    memo = g.setdefault("thidua_facts", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def active_drive_select() -> Select:
    """The query of the drive the site is about: the newest active one."""
    return select(Drive).where(Drive.is_active.is_(True)).order_by(Drive.id.desc()).limit(1)


def active_drive() -> Drive | None:
    return db.session.scalars(active_drive_select()).first()


def require_active_drive() -> Drive:
    """The active drive for a page that cannot work without one (404 otherwise)."""
    drive = active_drive()
    if drive is None:
        abort(404)
    return drive


def current_version(drive_id: int) -> int:
    """The committed standings version, read fresh (never from the session's identity map)."""
    return db.session.execute(
        select(Drive.standings_version).where(Drive.id == drive_id)
    ).scalar_one()


def request_version(drive_id: int) -> int:
    """The standings version, read once per web request (fresh outside one).

    Every cache key a page builds then names the same version, and a page
    made of several cached parts costs one version read, not one per part.
    """
    if not has_request_context():
        return current_version(drive_id)
    seen = g.setdefault("thidua_versions", {})
    if drive_id not in seen:
        seen[drive_id] = current_version(drive_id)
    return seen[drive_id]


def note_version(drive: Drive) -> None:
    """The drive row was just read from the database: its version is this request's version.

    Saves the public pages a query: one read gives the drive and the version
    every cache key of the request names (`request_version`).
    """
    g.setdefault("thidua_versions", {})[drive.id] = drive.standings_version


def bump_version(drive_id: int) -> None:
    """Mark every cached board of the drive stale, in the caller's transaction."""
    db.session.execute(
        update(Drive)
        .where(Drive.id == drive_id)
        .values(standings_version=Drive.standings_version + 1)
        .execution_options(synchronize_session=False)
    )


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
    )


def scored_criteria(drive: Drive) -> list[Criterion]:
    return _per_request(f"criteria:{drive.id}", lambda: db.session.scalars(
        select(Criterion)
        .where(Criterion.drive_id == drive.id, Criterion.retired.is_(False))
        .order_by(Criterion.position, Criterion.id)
    ).all())


def blocks() -> list[Block]:
    return _per_request("blocks", lambda: db.session.scalars(
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

    return _per_request("unit_rows", read)


def _units(only: Only | None = None) -> list[scoring.UnitFacts]:
    """The ranked units (active, in a block), all or `only` some."""

    def ranked() -> list[scoring.UnitFacts]:
        return [scoring.UnitFacts(u.code, u.name, u.block, u.member_count)
                for u in unit_rows() if u.active and u.block is not None]

    units = _per_request("units", ranked)
    return units if only is None else [u for u in units if only.keeps(u)]


def _targets(drive: Drive) -> scoring.Targets:
    return _per_request(f"targets:{drive.id}", lambda: _read_targets(drive))


def _read_targets(drive: Drive) -> scoring.Targets:
    rows = db.session.execute(
        select(Criterion.code, Block.code, Unit.code, Target.value)
        .join(Criterion, Target.criterion_id == Criterion.id)
        .outerjoin(Block, Target.block_id == Block.id)
        .outerjoin(Unit, Target.unit_id == Unit.id)
        .where(Criterion.drive_id == drive.id)
    ).all()
    by_block, by_unit = {}, {}
    for criterion, block, unit, value in rows:
        if unit is not None:
            by_unit[(unit, criterion)] = Decimal(value)
        elif block is not None:
            by_block[(block, criterion)] = Decimal(value)
    return scoring.Targets(by_block=by_block, by_unit=by_unit)


def _live_tallies(drive: Drive, only: Only | None = None) -> dict[tuple[str, str], scoring.Tally]:
    query = (
        select(
            Unit.code,
            Criterion.code,
            CriterionTally.quantity,
            CriterionTally.items,
            CriterionTally.latest_activity,
        )
        .join(Unit, CriterionTally.unit_id == Unit.id)
        .join(Criterion, CriterionTally.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, CriterionTally.items > 0)
    )
    rows = db.session.execute(query if only is None else query.where(only.where()))
    return {(u, c): scoring.Tally(Decimal(q), n, latest) for u, c, q, n, latest in rows}


def _tallies_until(
    drive: Drive, cutoff: datetime, only: Only | None = None
) -> dict[tuple[str, str], scoring.Tally]:
    """The tallies as they stood at `cutoff`: one GROUP BY over the verified entries.

    Same rule as `scoring.tally` over `verified_items` (an entry counts if it was
    verified by the cut-off), but summed by the database, so a frozen board
    never pulls every verified entry into the worker's memory.
    """
    conditions = [
        Entry.status == EntryStatus.VERIFIED,
        Entry.criterion_id.in_(select(Criterion.id).where(Criterion.drive_id == drive.id)),
        or_(Entry.verified_at.is_(None), Entry.verified_at <= cutoff),
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
    drive: Drive, unit_id: int | None = None, only: Only | None = None
) -> list[scoring.VerifiedItem]:
    """Every verified entry of the drive (or of some units) as plain data, for rebuilds and cut-offs."""
    query = (
        select(
            Unit.code,
            Criterion.code,
            func.coalesce(Entry.verified_quantity, Entry.quantity),
            Entry.activity_date,
            Entry.verified_at,
        )
        .join(Unit, Entry.unit_id == Unit.id)
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, Entry.status == EntryStatus.VERIFIED)
    )
    if unit_id is not None:
        query = query.where(Entry.unit_id == unit_id)
    if only is not None:
        query = query.where(only.where())
    return [
        scoring.VerifiedItem(u, c, Decimal(q), day, at or datetime.min)
        for u, c, q, day, at in db.session.execute(query)
    ]


Assessed = tuple[str, str, Decimal, datetime]


def _assessed(drive: Drive) -> list[Assessed]:
    """(unit, criterion, points, assessed at) of every assessment of the drive, read once per request."""

    def read() -> list[Assessed]:
        rows = db.session.execute(
            select(Unit.code, Criterion.code, Assessment.points, Assessment.assessed_at)
            .join(Unit, Assessment.unit_id == Unit.id)
            .join(Criterion, Assessment.criterion_id == Criterion.id)
            .where(Criterion.drive_id == drive.id)
        )
        return [(u, c, Decimal(points), at) for u, c, points, at in rows]

    return _per_request(f"assessed:{drive.id}", read)


def _assessments_at(
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


def _filed(drive: Drive) -> Filed:
    """When each unit filed each month's report (every filed report), read once per request."""

    def read() -> Filed:
        filed: Filed = {}
        rows = db.session.execute(
            select(Unit.code, MonthlyReport.month, MonthlyReport.filed_at)
            .join(Unit, MonthlyReport.unit_id == Unit.id)
            .where(MonthlyReport.drive_id == drive.id, MonthlyReport.filed_at.is_not(None))
        )
        for unit, month, filed_at in rows:
            filed.setdefault(unit, {})[month] = filed_at
        return filed

    return _per_request(f"filed:{drive.id}", read)


def _reports_at(
    drive: Drive, units: list[scoring.UnitFacts], filed: Filed, moment: datetime
) -> dict[str, scoring.ReportRecord]:
    last = min(drive.ends_on, moment.date())
    return {
        unit.code: scoring.report_record(
            drive.starts_on,
            last,
            drive.report_deadline_day,
            {month: at for month, at in filed.get(unit.code, {}).items() if at <= moment},
            moment,
        )
        for unit in units
    }


def _thresholds(drive: Drive) -> scoring.Thresholds:
    return scoring.Thresholds(
        Decimal(drive.threshold_excellent),
        Decimal(drive.threshold_good),
        Decimal(drive.threshold_passed),
    )


def scoring_input(
    drive: Drive, cutoff: datetime | None = None, only: Only | None = None
) -> scoring.ScoringInput:
    """The facts of the drive as of now, or as of `cutoff` (the freeze), for every unit or `only` some."""
    moment = cutoff or now()
    tallies = _live_tallies(drive, only) if cutoff is None else _tallies_until(drive, cutoff, only)
    units = _units(only)
    return scoring.ScoringInput(
        criteria=rules(drive),
        units=units,
        tallies=tallies,
        assessments=_assessments_at(_assessed(drive), units, cutoff),
        reports=_reports_at(drive, units, _filed(drive), moment),
        targets=_targets(drive),
        thresholds=_thresholds(drive),
        rank_by=scoring.RankBy(drive.rank_by or scoring.RankBy.TOTAL),
    )


@dataclass(frozen=True)
class UnitsHistory:
    """Everything that moves a few units' scores, read once, to score them at any past moment.

    For charts of points over time: the entries, assessments and reports of
    only the charted units are read (four small queries), then each weekly
    cut-off is tallied in memory by the same rules as the board.
    """

    drive: Drive
    facts: scoring.ScoringInput
    items: list[scoring.VerifiedItem]
    assessed: list[Assessed]
    filed: Filed

    def at(self, moment: datetime) -> scoring.ScoringInput:
        """The scoring input of these units as the board stood at `moment`."""
        return replace(
            self.facts,
            tallies=scoring.tally(self.items, moment),
            assessments=_assessments_at(self.assessed, list(self.facts.units), moment),
            reports=_reports_at(self.drive, list(self.facts.units), self.filed, moment),
        )


def units_history(drive: Drive, unit_codes: list[str]) -> UnitsHistory:
    """The history of `unit_codes` (see `UnitsHistory`)."""
    only = Only(codes=tuple(unit_codes))
    return UnitsHistory(
        drive=drive,
        facts=scoring.ScoringInput(
            criteria=rules(drive),
            units=_units(only),
            targets=_targets(drive),
            thresholds=_thresholds(drive),
            rank_by=scoring.RankBy(drive.rank_by or scoring.RankBy.TOTAL),
        ),
        items=verified_items(drive, only=only),
        assessed=_assessed(drive),
        filed=_filed(drive),
    )


def _ordered(board: Board) -> Board:
    order = [b.code for b in blocks()]
    return {code: board[code] for code in order if code in board}


def compute_board(
    drive: Drive, cutoff: datetime | None = None, only: Only | None = None
) -> Board:
    """Ranked standings per block (in block order), computed now; `standings` caches it."""
    return _ordered(scoring.compute_standings(scoring_input(drive, cutoff, only)))


def standings(drive: Drive, cutoff: datetime | None = None, block: str | None = None) -> Board:
    """Ranked standings per block (in block order), cached per standings version and day.

    With `block`, only that block (ranks never cross blocks): a block's page
    then scores its own units, not the whole nation's.
    """
    version = request_version(drive.id)
    moment = cutoff.isoformat() if cutoff else "live"
    key = f"standings:{drive.id}:{version}:{moment}:{now().date()}:{block or '*'}"
    return cached(key, lambda: compute_board(drive, cutoff, Only(block=block) if block else None))


def ranked_units() -> list[scoring.UnitFacts]:
    """The units every board ranks (active, in a block), without scoring them."""
    return _units()


def ranked_blocks() -> list[str]:
    """The codes of the blocks a board has (those with ranked units), in block order."""
    present = {unit.block for unit in _units()}
    return [block.code for block in blocks() if block.code in present]


def public_cutoff(drive: Drive) -> datetime | None:
    """While the drive is frozen and unpublished, the public sees the board as of the freeze."""
    return drive.freeze_at if drive.is_frozen() else None


def public_standings(drive: Drive, block: str | None = None) -> Board:
    return standings(drive, public_cutoff(drive), block)


def standing_of(board: Board, unit_code: str) -> scoring.Standing | None:
    for rows in board.values():
        for row in rows:
            if row.unit.code == unit_code:
                return row
    return None


def projected_standing(drive: Drive, unit: Unit) -> scoring.Standing:
    """A unit's own score if its submitted (pending) entries were verified as reported.

    Shown only to the unit itself, marked as projected; never in public.
    """
    data = scoring_input(drive)
    pending = db.session.execute(
        select(Criterion.code, func.sum(Entry.quantity), func.count(), func.max(Entry.activity_date))
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Entry.unit_id == unit.id, Entry.status == EntryStatus.SUBMITTED)
        .where(Criterion.drive_id == drive.id)
        .group_by(Criterion.code)
    ).all()
    tallies = dict(data.tallies)
    for criterion, quantity, items, latest in pending:
        base = tallies.get((unit.code, criterion), scoring.Tally())
        tallies[(unit.code, criterion)] = scoring.Tally(
            base.quantity + Decimal(quantity),
            base.items + items,
            max(d for d in (base.latest_activity, latest) if d is not None),
        )
    facts = next(u for u in data.units if u.code == unit.code)
    return scoring.score_unit(facts, replace(data, tallies=tallies))


def criterion_points(unit: Unit, criterion: Criterion, tally: scoring.Tally) -> Decimal:
    """A unit's points on one criterion for a given tally, without scoring the whole board.

    Used to say in the audit log (and the public change log) how many points a
    verification moved. Reads only the two targets that can apply (the unit's
    and its block's), so its cost does not grow with the number of units.
    """
    facts = scoring.UnitFacts(
        unit.code, unit.name, unit.block.code if unit.block else "", unit.member_count
    )
    overrides = db.session.execute(
        select(Target.unit_id, Target.value).where(
            Target.criterion_id == criterion.id,
            or_(
                Target.unit_id == unit.id,
                (Target.unit_id.is_(None)) & (Target.block_id == unit.block_id),
            ),
        )
    ).all()
    by_block, by_unit = {}, {}
    for unit_id, value in overrides:
        if unit_id is None:
            by_block[(facts.block, criterion.code)] = Decimal(value)
        else:
            by_unit[(unit.code, criterion.code)] = Decimal(value)
    targets = scoring.Targets(by_block=by_block, by_unit=by_unit)
    return scoring.score_criterion(rule_of(criterion), facts, tally, targets).points


def _locked_tally(unit_id: int, criterion_id: int) -> CriterionTally:
    """The tally row of one unit and criterion, created if missing and locked for this transaction.

    FOR UPDATE on PostgreSQL; SQLite writers already hold the database lock. So
    two verifications for the same unit cannot both write a sum that misses the other.
    """
    _ensure_tally_row(unit_id, criterion_id)
    return db.session.scalars(
        select(CriterionTally)
        .where(CriterionTally.unit_id == unit_id, CriterionTally.criterion_id == criterion_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _as_tally(row: CriterionTally) -> scoring.Tally:
    return scoring.Tally(Decimal(row.quantity), row.items, row.latest_activity)


def _latest_verified_activity(unit_id: int, criterion_id: int):
    return db.session.scalar(
        select(func.max(Entry.activity_date)).where(
            Entry.unit_id == unit_id,
            Entry.criterion_id == criterion_id,
            Entry.status == EntryStatus.VERIFIED,
        )
    )


def refresh_tally(unit_id: int, criterion_id: int) -> tuple[scoring.Tally, scoring.Tally]:
    """Recompute one unit's tally on one criterion from its entries, in the caller's transaction.

    For imports and repairs, where many entries of a unit change at once; a
    single verification uses `count_entry`, whose cost does not grow with the
    unit's history. Returns the tally before and after.
    """
    row = _locked_tally(unit_id, criterion_id)
    quantity, items, latest = db.session.execute(
        select(
            func.coalesce(func.sum(func.coalesce(Entry.verified_quantity, Entry.quantity)), 0),
            func.count(),
            func.max(Entry.activity_date),
        ).where(
            Entry.unit_id == unit_id,
            Entry.criterion_id == criterion_id,
            Entry.status == EntryStatus.VERIFIED,
        )
    ).one()
    before = _as_tally(row)
    row.quantity, row.items, row.latest_activity = int(quantity), items, latest
    return before, _as_tally(row)


def count_entry(entry: Entry, counted: bool) -> tuple[scoring.Tally, scoring.Tally]:
    """Add one entry to its unit's tally (it was just verified) or take it away (reopened).

    A delta on the locked tally row, so verifying costs the same whether the
    unit has ten entries or a hundred thousand. Taking away the entry that held
    the latest activity date looks the new latest up (one indexed query); an
    entry's counted quantity cannot change while it is verified, so the
    quantity taken away is the one that was added. Returns the tally before and after.
    """
    row = _locked_tally(entry.unit_id, entry.criterion_id)
    before = _as_tally(row)
    day = entry.activity_date
    if counted:
        row.quantity += entry.counted_quantity
        row.items += 1
        row.latest_activity = day if row.latest_activity is None else max(row.latest_activity, day)
    else:
        row.quantity -= entry.counted_quantity
        row.items -= 1
        if row.items == 0:
            row.latest_activity = None
        elif row.latest_activity is None or day >= row.latest_activity:
            row.latest_activity = _latest_verified_activity(entry.unit_id, entry.criterion_id)
    return before, _as_tally(row)


def _ensure_tally_row(unit_id: int, criterion_id: int) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(CriterionTally)
        .values(unit_id=unit_id, criterion_id=criterion_id, quantity=0, items=0)
        .on_conflict_do_nothing()
    )


def rebuild(drive: Drive) -> int:
    """Recompute every tally of the drive from its entries (repair); returns rows written.

    One INSERT … SELECT … GROUP BY, so the database does the whole job in a
    single scan of the entries and nothing passes through Python.
    """
    criterion_ids = select(Criterion.id).where(Criterion.drive_id == drive.id)
    db.session.execute(
        CriterionTally.__table__.delete().where(CriterionTally.criterion_id.in_(criterion_ids))
    )
    sums = (
        select(
            Entry.unit_id,
            Entry.criterion_id,
            func.sum(func.coalesce(Entry.verified_quantity, Entry.quantity)),
            func.count(),
            func.max(Entry.activity_date),
        )
        .where(Entry.status == EntryStatus.VERIFIED, Entry.criterion_id.in_(criterion_ids))
        .group_by(Entry.unit_id, Entry.criterion_id)
    )
    db.session.execute(
        CriterionTally.__table__.insert().from_select(
            ["unit_id", "criterion_id", "quantity", "items", "latest_activity"], sums
        )
    )
    bump_version(drive.id)
    # Counted afterwards: not every driver reports the rows an INSERT … SELECT wrote.
    return db.session.scalar(
        select(func.count())
        .select_from(CriterionTally)
        .where(CriterionTally.criterion_id.in_(criterion_ids))
    )
