"""The write side: per-unit tallies kept in step with each verification, and the full rebuild."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, select

from competition import scoring
from competition.extensions import db
from competition.models import (
    Criterion,
    CriterionTally,
    Drive,
    Entry,
    EntryStatus,
    Target,
    Unit,
)
from competition.standings.facts import rule_of
from competition.standings.versions import bump_version


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
