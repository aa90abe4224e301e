"""The read side of a block's board: pages, the top, one unit's place, a whole download.

Two boards answer the same questions. The live board (`KeptBoard`) reads the
standing rows in ranking order through their index, so a page costs a read of
its own rows plus one count for the rank of its first row, whatever the
block's size or history. The board as of the freeze (`ComputedBoard`) is
scored from the facts at that moment once per rules version (it no longer
moves with verifications) and sliced in memory; so is a live block whose
rows could not be built yet (`live_board`).

Ranks are the whole block's in both: equal units share a rank and the next
is skipped (1, 2, 2, 4), exactly as `scoring.rank` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import aliased

from competition import scoring
from competition.cache import cached
from competition.extensions import db
from competition.imports import slugify
from competition.models import Block, Drive, Unit, UnitStanding
from competition.standings.boards import standings
from competition.standings.facts import UnitRow, unit_rows
from competition.standings.rows import ensure_block, scores_of
from competition.standings.versions import version_stamp

# Rows read per round trip when a whole block is streamed (downloads, exports).
STREAM_BATCH = 1000


@dataclass(frozen=True)
class BoardPage:
    """Some ranked rows of a block, and the units they name (for links)."""

    rows: list[scoring.Standing]
    units: dict[str, UnitRow]


def _with_rank(row: scoring.Standing, rank: int) -> scoring.Standing:
    return replace(row, rank=rank)


class KeptBoard:
    """The live board of one block, read from the standing rows."""

    def __init__(self, drive: Drive, block: Block) -> None:
        self.drive = drive
        self.block = block
        self._size: int | None = None

    # What a page reads of each row: plain columns, not ORM objects (fifty to a page).
    _COLUMNS = (UnitStanding.unit_id, UnitStanding.total, UnitStanding.max_total,
                UnitStanding.percent, UnitStanding.classification,
                UnitStanding.criteria_at_target, UnitStanding.latest_activity,
                UnitStanding.order_first, UnitStanding.order_targets,
                UnitStanding.order_activity, UnitStanding.scores)

    def _rows(self) -> Select:
        parent = aliased(Unit)
        return (
            select(*self._COLUMNS, Unit.code, Unit.slug, Unit.name, Unit.member_count,
                   parent.code, parent.name)
            .join(Unit, UnitStanding.unit_id == Unit.id)
            .outerjoin(parent, Unit.parent_id == parent.id)
            .where(UnitStanding.drive_id == self.drive.id, UnitStanding.block_id == self.block.id)
        )

    @staticmethod
    def _order() -> tuple:
        return (UnitStanding.order_first, UnitStanding.order_targets,
                UnitStanding.order_activity, UnitStanding.order_name, UnitStanding.unit_id)

    def _filtered(self, query: Select, parent: str = "", needle: str = "") -> Select:
        if parent:
            query = query.where(Unit.parent_id.in_(select(Unit.id).where(Unit.code == parent)))
        if needle:
            query = query.where(UnitStanding.search_key.contains(needle, autoescape=True))
        return query

    def _read(self, query: Select) -> tuple[list, list[scoring.Standing], dict[str, UnitRow]]:
        """The rows of `query`: as read (for their ranking keys), as standings, and their units."""
        kept, standings, units = [], [], {}
        for row in db.session.execute(query):
            (_unit_id, total, max_total, percent, classification, at_target, latest,
             *_keys, scores, code, slug, name, members, parent_code, parent_name) = row
            kept.append(row)
            standings.append(scoring.Standing(
                unit=scoring.UnitFacts(code, name, self.block.code, members),
                scores=scores_of(scores), total=Decimal(total), max_total=Decimal(max_total),
                percent=Decimal(percent), classification=scoring.Classification(classification),
                criteria_at_target=at_target, latest_activity=latest,
            ))
            units[code] = UnitRow(code, slug, name, self.block.code, members, True,
                                  parent_code, parent_name)
        return kept, standings, units

    def _better_than(self, row) -> int:
        """How many units of the block rank strictly before `row` (its rank is one more)."""
        return db.session.scalar(
            select(func.count()).select_from(UnitStanding).where(
                UnitStanding.drive_id == self.drive.id,
                UnitStanding.block_id == self.block.id,
                tuple_(UnitStanding.order_first, UnitStanding.order_targets,
                       UnitStanding.order_activity)
                < tuple_(row.order_first, row.order_targets, row.order_activity),
            ))

    def count(self, parent: str = "", needle: str = "") -> int:
        """How many units of the block pass the filter (all of them without one)."""
        if not parent and not needle:
            return self.size()
        return db.session.scalar(select(func.count()).select_from(
            self._filtered(self._rows(), parent, needle).subquery()))

    def page(self, offset: int, limit: int, parent: str = "", needle: str = "") -> BoardPage:
        """Rows `offset` to `offset + limit` of the block (or of those passing the filter)."""
        query = self._filtered(self._rows(), parent, needle).order_by(*self._order())
        kept, rows, units = self._read(query.offset(offset).limit(limit))
        if not kept:
            return BoardPage([], units)
        if parent or needle:
            # Not consecutive in the block: each row's rank is counted for itself.
            ranked = [_with_rank(row, self._better_than(k) + 1) for k, row in zip(kept, rows,
                                                                                 strict=True)]
            return BoardPage(ranked, units)
        return BoardPage(self._rank_consecutive(kept, rows, offset), units)

    def _rank_consecutive(self, kept: list, rows: list[scoring.Standing],
                          offset: int) -> list[scoring.Standing]:
        first = self._better_than(kept[0]) + 1
        ranked: list[scoring.Standing] = []
        previous = None
        for position, (row, standing) in enumerate(zip(kept, rows, strict=True), start=offset + 1):
            key = (row.order_first, row.order_targets, row.order_activity)
            if previous is None:
                place = first
            elif key == previous[0]:
                place = previous[1]
            else:
                place = position
            ranked.append(_with_rank(standing, place))
            previous = (key, place)
        return ranked

    def top(self, count: int) -> BoardPage:
        return self.page(0, count)

    def size(self) -> int:
        """The number of ranked units in the block (counted once per board)."""
        if self._size is None:
            self._size = db.session.scalar(select(func.count()).select_from(UnitStanding).where(
                UnitStanding.drive_id == self.drive.id, UnitStanding.block_id == self.block.id))
        return self._size

    def standing(self, unit_id: int) -> scoring.Standing | None:
        """One unit's standing with its rank in the block (None if it is not ranked there)."""
        kept, rows, _units = self._read(self._rows().where(UnitStanding.unit_id == unit_id))
        if not kept:
            return None
        return _with_rank(rows[0], self._better_than(kept[0]) + 1)

    def written_at(self, rows: list[scoring.Standing]) -> dict[str, str]:
        """When each of these units' rows was last written (by unit code): what is drawn from
        a row alone (its chart's past, its criteria's progress) moves with nothing else."""
        return {code: at.isoformat() for code, at in db.session.execute(
            select(Unit.code, UnitStanding.written_at)
            .join(Unit, UnitStanding.unit_id == Unit.id)
            .where(UnitStanding.drive_id == self.drive.id,
                   Unit.code.in_([row.unit.code for row in rows])))}

    def written(self, rows: list[scoring.Standing]) -> str | None:
        """`written_at` of these rows in one stamp."""
        found = self.written_at(rows)
        return ",".join(f"{row.unit.code}@{found[row.unit.code]}" for row in rows
                        if row.unit.code in found)

    def parents(self) -> list[tuple[str, str]]:
        """The units above the block's units (code, name), by name: the board's filter.

        Units move only with the drive's rules version, so the list is cached per it.
        """

        def read() -> list[tuple[str, str]]:
            parent = aliased(Unit)
            rows = db.session.execute(
                select(parent.code, parent.name).distinct()
                .join(Unit, Unit.parent_id == parent.id)
                .where(Unit.block_id == self.block.id, Unit.active.is_(True))
            ).all()
            return sorted(((code, name) for code, name in rows), key=lambda p: p[1] or "")

        return cached(f"parents:{self.drive.id}:{self.block.code}",
                      version_stamp(self.drive.id, []), read)

    def every(self) -> Iterator[tuple[scoring.Standing, UnitRow]]:
        """The whole block in ranking order, read in batches (a download, an export)."""
        offset = 0
        while True:
            page = self.page(offset, STREAM_BATCH)
            yield from ((row, page.units[row.unit.code]) for row in page.rows)
            if len(page.rows) < STREAM_BATCH:
                return
            offset += STREAM_BATCH


class ComputedBoard:
    """A block's board already scored in memory (as of the freeze), with the same questions."""

    def __init__(self, block: Block, rows: list[scoring.Standing]) -> None:
        self.block = block
        self._rows = rows
        self._units = {row.code: row for row in unit_rows()}

    def _shown(self, parent: str, needle: str) -> list[scoring.Standing]:
        return [row for row in self._rows
                if (not parent or self._units[row.unit.code].parent_code == parent)
                and (not needle or needle in slugify(row.unit.name))]

    def count(self, parent: str = "", needle: str = "") -> int:
        return len(self._shown(parent, needle))

    def page(self, offset: int, limit: int, parent: str = "", needle: str = "") -> BoardPage:
        rows = self._shown(parent, needle)[offset:offset + limit]
        return BoardPage(rows, {row.unit.code: self._units[row.unit.code] for row in rows})

    def top(self, count: int) -> BoardPage:
        return self.page(0, count)

    def size(self) -> int:
        return len(self._rows)

    def standing(self, unit_id: int) -> scoring.Standing | None:
        code = db.session.scalar(select(Unit.code).where(Unit.id == unit_id))
        return next((row for row in self._rows if row.unit.code == code), None)

    def written_at(self, rows: list[scoring.Standing]) -> dict[str, str]:
        """Nothing: what is drawn from a board scored in memory is made afresh."""
        return {}

    def written(self, rows: list[scoring.Standing]) -> str | None:
        """None: a board scored in memory names its charts by the versions of its block."""
        return None

    def parents(self) -> list[tuple[str, str]]:
        found = {(self._units[row.unit.code].parent_code, self._units[row.unit.code].parent_name)
                 for row in self._rows if self._units[row.unit.code].parent_code}
        return sorted(found, key=lambda p: p[1] or "")

    def every(self) -> Iterator[tuple[scoring.Standing, UnitRow]]:
        return ((row, self._units[row.unit.code]) for row in self._rows)


def live_board(drive: Drive, block: Block) -> KeptBoard | ComputedBoard:
    """The block's live board: its standing rows once they are current (rebuilt now if they
    must be), else, when the database could not take the rebuild, scored in memory."""
    if ensure_block(drive, block):
        return KeptBoard(drive, block)
    return ComputedBoard(block, standings(drive, None, block.code).get(block.code, []))
