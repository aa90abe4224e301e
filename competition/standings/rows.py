"""The write side of the standing rows: one unit's row scored when it changes, a block's rebuilt whole.

A verification (or an assessment, or a monthly report) rewrites the rows of
the units it moved, in its own transaction: each scored by `scoring` from that
unit's facts alone (`facts.unit_scoring_input`), so its cost does not grow
with the block or the history. A block's rows are rebuilt whole only when
something drive-wide changed (its scope lost its `as_of`) or a new Vietnam
day began (monthly reports fall due with the calendar): by the first reader
of the block that day, or ahead of the readers by `flask standings refresh`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import OperationalError

from competition import clock, scoring
from competition.database import dialect_insert
from competition.extensions import db
from competition.hierarchy import ancestor_ids
from competition.imports import slugify
from competition.memo import not_shared
from competition.models import Block, Drive, StandingsScope, Unit, UnitStanding
from competition.standings.facts import rank_by_of, unit_scoring_input
from competition.standings.versions import block_scope, bump_parts

# "No verified activity" sorts after every date.
NO_ACTIVITY = date.max
# Units scored at once when a block is rebuilt whole.
REBUILD_BATCH = 500


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def scores_json(scores: Sequence[scoring.CriterionScore]) -> list[dict]:
    """A standing's criterion scores as the row keeps them (exact decimals as strings)."""
    return [
        {"code": s.code, "achieved": _decimal(s.achieved), "target": _decimal(s.target),
         "target_source": s.target_source.value if s.target_source else None,
         "ratio": _decimal(s.ratio), "points": str(s.points), "max_points": str(s.max_points),
         "applicable": s.applicable, "at_target": s.at_target, "from_below": str(s.from_below)}
        for s in scores
    ]


def _maybe(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def scores_of(kept: list[dict]) -> tuple[scoring.CriterionScore, ...]:
    """The criterion scores back from a row, exactly as `scoring` made them."""
    return tuple(
        scoring.CriterionScore(
            code=s["code"], achieved=_maybe(s["achieved"]), target=_maybe(s["target"]),
            target_source=scoring.TargetSource(s["target_source"]) if s["target_source"] else None,
            ratio=_maybe(s["ratio"]), points=Decimal(s["points"]),
            max_points=Decimal(s["max_points"]), applicable=s["applicable"],
            at_target=s["at_target"], from_below=Decimal(s["from_below"]),
        )
        for s in kept
    )


def _row(drive: Drive, unit_id: int, block_id: int, standing: scoring.Standing,
         day: date) -> dict:
    first = standing.percent if rank_by_of(drive) is scoring.RankBy.PERCENT else standing.total
    return {
        "drive_id": drive.id, "unit_id": unit_id, "block_id": block_id,
        "total": standing.total, "max_total": standing.max_total, "percent": standing.percent,
        "classification": standing.classification.value,
        "criteria_at_target": standing.criteria_at_target,
        "latest_activity": standing.latest_activity,
        "order_first": -first, "order_targets": -standing.criteria_at_target,
        "order_activity": standing.latest_activity or NO_ACTIVITY,
        "order_name": standing.unit.name.casefold()[:200],
        "search_key": slugify(standing.unit.name)[:200],
        "scores": scores_json(standing.scores), "as_of": day, "written_at": clock.now(),
    }


def _write(drive: Drive, placed: Iterable[tuple[int, int, scoring.Standing]]) -> None:
    """Insert the rows of these (unit id, block id, standing)s; the caller deleted the old ones."""
    day = clock.today()
    rows = [_row(drive, unit_id, block_id, standing, day)
            for unit_id, block_id, standing in placed]
    if rows:
        db.session.execute(UnitStanding.__table__.insert(), rows)


def _scored(drive: Drive, unit_ids: list[int]) -> list[tuple[int, int, scoring.Standing]]:
    """(unit id, block id, standing) of the ranked ones among these units, from their facts alone."""
    data, placed = unit_scoring_input(drive, unit_ids)
    by_code = {facts.code: facts for facts in data.units}
    return [(unit_id, block_id, scoring.score_unit(by_code[code], data))
            for unit_id, block_id, code in placed]


def keep_units(drive: Drive, unit_ids: Iterable[int], propaganda: bool = False) -> None:
    """These units' facts changed: rewrite their rows and bump their blocks' versions.

    Units that are not ranked (inactive, or in no block) lose their row; the
    blocks they were in are bumped too.
    """
    wanted = sorted(set(unit_ids))
    if not wanted:
        return
    scored = _scored(drive, wanted)
    was_in = set(db.session.scalars(
        select(Block.code).join(UnitStanding, UnitStanding.block_id == Block.id)
        .where(UnitStanding.drive_id == drive.id, UnitStanding.unit_id.in_(wanted))))
    # The versions first, the rows after: the order a block's rebuild takes its locks in
    # (its scope, then its rows), so the two never wait for each other in a circle.
    bump_parts(drive.id, was_in | {standing.unit.block for _u, _b, standing in scored},
               propaganda)
    db.session.execute(delete(UnitStanding).where(
        UnitStanding.drive_id == drive.id, UnitStanding.unit_id.in_(wanted)))
    _write(drive, scored)


def units_moved_by(entry_unit_id: int, rolls_up: bool) -> list[int]:
    """The units whose score a change to one unit's tally moves: itself, and its ancestors
    when the criterion rolls up."""
    return [entry_unit_id, *ancestor_ids(entry_unit_id)] if rolls_up else [entry_unit_id]


def rebuild_block(drive: Drive, block: Block) -> int:
    """Score every ranked unit of the block afresh and replace its rows; returns rows written.

    A few hundred units at a time, each batch's facts read narrowed by the
    database (`unit_scoring_input`), so rebuilding a block of ten thousand
    units never holds more than a batch in memory.
    """
    db.session.execute(delete(UnitStanding).where(
        UnitStanding.drive_id == drive.id, UnitStanding.block_id == block.id))
    ids = list(db.session.scalars(select(Unit.id).where(
        Unit.block_id == block.id, Unit.active.is_(True)).order_by(Unit.id)))
    for start in range(0, len(ids), REBUILD_BATCH):
        batch = ids[start:start + REBUILD_BATCH]
        # A unit moved here from another block still has its row there until that one rebuilds.
        db.session.execute(delete(UnitStanding).where(
            UnitStanding.drive_id == drive.id, UnitStanding.unit_id.in_(batch)))
        _write(drive, _scored(drive, batch))
    return len(ids)


def _claim(drive: Drive, block: Block, day: date) -> bool:
    """Take the block's daily rebuild for this transaction, if nobody has done it today.

    The scope row is created if missing, then marked as of today only where it
    was not: exactly one transaction wins. On PostgreSQL a reader that finds
    another one rebuilding does not wait for it (SKIP LOCKED): it reads the
    rows as they are, with their own "as of" day.
    """
    scope = block_scope(block.code)
    db.session.execute(dialect_insert(StandingsScope).values(
        drive_id=drive.id, scope=scope, version=1, as_of=None).on_conflict_do_nothing())
    stale = (StandingsScope.drive_id == drive.id) & (StandingsScope.scope == scope) & or_(
        StandingsScope.as_of.is_(None), StandingsScope.as_of != day)
    if db.session.get_bind().dialect.name == "postgresql":
        found = db.session.scalar(
            select(StandingsScope.scope).where(stale).with_for_update(skip_locked=True))
        if found is None:
            return False
    claimed = db.session.execute(
        update(StandingsScope).where(stale).values(as_of=day)
        .execution_options(synchronize_session=False)).rowcount
    return claimed == 1


def block_is_current(drive: Drive, block: Block) -> bool:
    """Whether the block's rows were rebuilt today and nothing drive-wide changed since."""
    as_of = db.session.scalar(select(StandingsScope.as_of).where(
        StandingsScope.drive_id == drive.id, StandingsScope.scope == block_scope(block.code)))
    return as_of == clock.today()


def ensure_block(drive: Drive, block: Block) -> bool:
    """Make the block's rows current if they are not, once; True when they can be read.

    Whoever claims the rebuild does it and commits. Meanwhile the others read
    the rows as they stand (the previous day's, or those before a drive-wide
    change) instead of waiting. The read transaction ends first, so the claim
    is the first statement of a write; if the database is busy with another
    writer (SQLite), the reader gives up at once and a later one rebuilds.
    False only when the block has no rows at all to read yet: the caller then
    scores it in memory for this request.
    """
    if block_is_current(drive, block):
        return True
    db.session.commit()
    try:
        claimed = _claim(drive, block, clock.today())
        if claimed:
            rebuild_block(drive, block)
        db.session.commit()
        if claimed:
            return True
    except OperationalError:
        db.session.rollback()
    if block_is_current(drive, block):
        return True
    # The rows as they stand, while another reader rebuilds them: right for this moment only,
    # so the page made from them is not kept for the next readers.
    not_shared()
    return db.session.scalar(
        select(UnitStanding.unit_id).where(UnitStanding.drive_id == drive.id,
                                           UnitStanding.block_id == block.id).limit(1)
    ) is not None


def refresh(drive: Drive) -> int:
    """Rebuild the rows of every block that is not current (the nightly job); returns blocks rebuilt."""
    rebuilt = 0
    for block in db.session.scalars(select(Block).order_by(Block.position, Block.id)).all():
        if not block_is_current(drive, block) and _claim(drive, block, clock.today()):
            rebuild_block(drive, block)
            rebuilt += 1
        db.session.commit()
    return rebuilt
