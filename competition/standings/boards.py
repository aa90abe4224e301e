"""The read side: ranked boards per block, cached per standings version and day."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select

from competition import clock, scoring
from competition.cache import cached
from competition.clock import now
from competition.extensions import db
from competition.memo import per_request
from competition.models import (
    Block,
    Criterion,
    Drive,
    Entry,
    EntryStatus,
    Unit,
)
from competition.standings.facts import (
    Only,
    blocks,
    counted_by,
    scoring_input,
    unit_facts,
)
from competition.standings.versions import request_version, stamp_for

Board = dict[str, list[scoring.Standing]]


def _ordered(board: Board) -> Board:
    order = [b.code for b in blocks()]
    return {code: board[code] for code in order if code in board}


def compute_board(
    drive: Drive, cutoff: datetime | None = None, only: Only | None = None
) -> Board:
    """Ranked standings per block (in block order), computed now; `standings` caches it."""
    return _ordered(scoring.compute_standings(scoring_input(drive, cutoff, only)))


def standings(drive: Drive, cutoff: datetime | None = None, block: str | None = None) -> Board:
    """Ranked standings per block (in block order), computed from the facts and cached.

    The board as of the freeze (the public pages from then on), and the live
    board of the judges' and admin's pages. The public live pages read the
    standing rows instead (`pages.KeptBoard`). With `block`, only that block
    (ranks never cross blocks).
    """
    moment = cutoff.isoformat() if cutoff else "live"
    # As of the freeze, only drive-wide changes move it; live, any change does.
    stamp = (stamp_for(drive.id, cutoff, []) if cutoff
             else f"{request_version(drive.id)};{clock.today()}")
    return cached(f"standings:{drive.id}:{moment}:{block or '*'}", stamp,
                  lambda: compute_board(drive, cutoff, Only(block=block) if block else None))


def ranked_units() -> list[scoring.UnitFacts]:
    """The units every board ranks (active, in a block), without scoring them."""
    return unit_facts()


def ranked_blocks() -> list[str]:
    """The codes of the blocks a board has (those with ranked units), in block order.

    Asked of the database (a block's active units), so a page that names the
    blocks does not read every unit of the country.
    """
    present = per_request("ranked_blocks", lambda: set(db.session.scalars(
        select(Block.code).join(Unit, Unit.block_id == Block.id)
        .where(Unit.active.is_(True)).distinct())))
    return [block.code for block in blocks() if block.code in present]


def ranked_unit_count() -> int:
    """How many units the boards rank (active, in a block), counted by the database."""
    return db.session.scalar(select(func.count()).select_from(Unit).where(
        Unit.active.is_(True), Unit.block_id.is_not(None)))


def public_cutoff(drive: Drive) -> datetime | None:
    """From the freeze on, the public sees the board as of the freeze (plus appeal amendments).

    After publication that board is the published snapshot itself: the drive is
    locked, so nothing it is made of can change.
    """
    if drive.freeze_at is not None and now() >= drive.freeze_at:
        return drive.freeze_at
    return None


def public_standings(drive: Drive, block: str | None = None) -> Board:
    return standings(drive, public_cutoff(drive), block)


def standing_of(board: Board, unit_code: str) -> scoring.Standing | None:
    for rows in board.values():
        for row in rows:
            if row.unit.code == unit_code:
                return row
    return None


def pending_at(cutoff: datetime | None) -> ColumnElement[bool]:
    """Entries waiting for a judge now, or (with `cutoff`) at that moment."""
    if cutoff is None:
        return Entry.status == EntryStatus.SUBMITTED
    return (
        (Entry.submitted_at <= cutoff)
        & or_(Entry.status == EntryStatus.SUBMITTED, Entry.decided_at > cutoff)
        & ~counted_by(cutoff)
    )


def projected_standing(
    drive: Drive, unit: Unit, cutoff: datetime | None = None
) -> scoring.Standing:
    """A unit's score if its submitted (pending) entries were verified as reported.

    The "declared" figure of the unit page; with `cutoff` (the freeze) both the
    verified part and the pending part are as they stood at that moment.
    """
    data = scoring_input(drive, cutoff, Only(codes=(unit.code,)))
    pending = db.session.execute(
        select(Criterion.code, func.sum(Entry.quantity), func.count(), func.max(Entry.activity_date))
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Entry.unit_id == unit.id, pending_at(cutoff))
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
