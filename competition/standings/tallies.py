"""The write side: per-unit tallies and propaganda sums kept in step with each verification,
and the full rebuild."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import bindparam, func, or_, select

from competition import scoring
from competition.database import dialect_insert
from competition.extensions import db
from competition.hierarchy import ancestor_ids
from competition.models import (
    Criterion,
    CriterionTally,
    Drive,
    Entry,
    EntryStatus,
    PropagandaTally,
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
    _ensure_tally_rows([unit_id], criterion_id)
    return db.session.scalars(
        select(CriterionTally)
        .where(CriterionTally.unit_id == unit_id, CriterionTally.criterion_id == criterion_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _as_tally(row: CriterionTally, rollup: bool = False) -> scoring.Tally:
    """The row as the unit's score counts it: its own, plus what units under it verified
    when the criterion rolls up."""
    own = scoring.Tally(Decimal(row.quantity), row.items, row.latest_activity)
    return own.plus(scoring.Tally(Decimal(row.below_quantity), row.below_items)) if rollup else own


def _pass_up(unit_id: int, criterion_id: int, quantity: int, items: int) -> None:
    """Add a change of a unit's own tally to the `below` sums of every unit above it.

    One recursive query finds the ancestors, one INSERT makes any missing rows,
    one UPDATE adds the change: the cost follows the depth of the tree, never the
    size of a subtree. Kept for every criterion, so turning roll-up on needs no rebuild.
    """
    if not quantity and not items:
        return
    ancestors = ancestor_ids(unit_id)
    if not ancestors:
        return
    _ensure_tally_rows(ancestors, criterion_id)
    table = CriterionTally.__table__
    db.session.execute(
        table.update()
        .where(table.c.criterion_id == criterion_id, table.c.unit_id.in_(ancestors))
        .values(below_quantity=table.c.below_quantity + quantity,
                below_items=table.c.below_items + items)
    )


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
    _pass_up(unit_id, criterion_id, row.quantity - int(before.quantity), row.items - before.items)
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
    if entry.criterion.is_propaganda:
        _count_propaganda(entry, 1 if counted else -1)
    rollup = bool(entry.criterion.rollup)
    before = _as_tally(row, rollup)
    day = entry.activity_date
    sign = 1 if counted else -1
    _pass_up(entry.unit_id, entry.criterion_id, sign * entry.counted_quantity, sign)
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
    return before, _as_tally(row, rollup)


def _count_propaganda(entry: Entry, sign: int) -> None:
    """Add one propaganda activity to (or take it from) its criterion's sums for its phase,
    channel and day: one INSERT … ON CONFLICT that adds to the row."""
    table = PropagandaTally.__table__
    change = {"activities": sign, "quantity": sign * entry.counted_quantity,
              "people": sign * (entry.people_reached or 0)}
    db.session.execute(
        dialect_insert(PropagandaTally)
        .values(criterion_id=entry.criterion_id, phase_id=entry.phase_id or 0,
                channel=entry.channel or "", day=entry.activity_date, **change)
        .on_conflict_do_update(
            index_elements=["criterion_id", "phase_id", "channel", "day"],
            set_={name: table.c[name] + value for name, value in change.items()},
        )
    )


def rebuild_propaganda(drive: Drive) -> None:
    """The propaganda sums of the drive afresh (a criterion became, or stopped being, propaganda)."""
    _rebuild_propaganda(select(Criterion.id).where(Criterion.drive_id == drive.id))
    bump_version(drive.id)


def _rebuild_propaganda(criterion_ids) -> None:
    """The propaganda sums from the verified entries: one INSERT … SELECT … GROUP BY."""
    table = PropagandaTally.__table__
    db.session.execute(table.delete().where(table.c.criterion_id.in_(criterion_ids)))
    propaganda = select(Criterion.id).where(
        Criterion.id.in_(criterion_ids), Criterion.is_propaganda.is_(True))
    phase = func.coalesce(Entry.phase_id, 0)
    channel = func.coalesce(Entry.channel, "")
    sums = (
        select(
            Entry.criterion_id, phase, channel, Entry.activity_date, func.count(),
            func.sum(func.coalesce(Entry.verified_quantity, Entry.quantity)),
            func.sum(func.coalesce(Entry.people_reached, 0)),
        )
        .where(Entry.status == EntryStatus.VERIFIED, Entry.criterion_id.in_(propaganda))
        .group_by(Entry.criterion_id, phase, channel, Entry.activity_date)
    )
    db.session.execute(table.insert().from_select(
        ["criterion_id", "phase_id", "channel", "day", "activities", "quantity", "people"], sums))


def _ensure_tally_rows(unit_ids: list[int], criterion_id: int) -> None:
    """Make the tally rows of these units on one criterion exist (one INSERT, existing rows kept)."""
    db.session.execute(
        dialect_insert(CriterionTally)
        .values([{"unit_id": unit_id, "criterion_id": criterion_id, "quantity": 0, "items": 0,
                  "below_quantity": 0, "below_items": 0} for unit_id in unit_ids])
        .on_conflict_do_nothing()
    )


def _rebuild_below(criterion_ids) -> None:
    """Recompute every `below` sum from the own tallies just rebuilt (`scoring.roll_up`)."""
    table = CriterionTally.__table__
    own = {
        (unit_id, criterion_id): scoring.Tally(Decimal(q), n)
        for unit_id, criterion_id, q, n in db.session.execute(
            select(table.c.unit_id, table.c.criterion_id, table.c.quantity, table.c["items"])
            .where(table.c.criterion_id.in_(criterion_ids))
        )
    }
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    below = scoring.roll_up(own, parents)
    missing = [
        {"unit_id": u, "criterion_id": c, "quantity": 0, "items": 0,
         "below_quantity": int(t.quantity), "below_items": t.items}
        for (u, c), t in below.items() if (u, c) not in own
    ]
    if missing:
        db.session.execute(table.insert(), missing)
    present = [
        {"u": u, "c": c, "q": int(t.quantity), "n": t.items}
        for (u, c), t in below.items() if (u, c) in own
    ]
    if present:
        db.session.execute(
            table.update()
            .where(table.c.unit_id == bindparam("u"), table.c.criterion_id == bindparam("c"))
            .values(below_quantity=bindparam("q"), below_items=bindparam("n")),
            present,
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
    _rebuild_below(criterion_ids)
    _rebuild_propaganda(criterion_ids)
    bump_version(drive.id)
    # Counted afterwards: not every driver reports the rows an INSERT … SELECT wrote.
    return db.session.scalar(
        select(func.count())
        .select_from(CriterionTally)
        .where(CriterionTally.criterion_id.in_(criterion_ids))
    )
