"""What each public page is made of: the parts of the standings its cached copy depends on.

`conditional(depends=…)` names a page's copy after the versions of exactly
these scopes (and the drive-wide rules), so a verification in one block
leaves every other block's pages, and the propaganda pages if it was not
propaganda, cached. A page that names no scopes changes with any change.
Each function reads the request's address; an address that names nothing
ranked falls back to "anything", and the view answers it (usually 404).
"""

from __future__ import annotations

from flask import g, request
from sqlalchemy import select

from competition import cache, hierarchy, standings
from competition.extensions import db
from competition.models import Block, Unit

Scopes = list[str] | None


def _board_blocks() -> tuple[list[str], list[str]]:
    lower = hierarchy.lower_block_ids()
    ids = {b.code: b.id for b in standings.blocks()}
    ranked = standings.ranked_blocks()
    return ranked, [code for code in ranked if ids[code] not in lower]


def board_blocks() -> tuple[list[str], list[str]]:
    """The codes of the blocks with ranked units, and of the province's own among them.

    Blocks, units and councils change only with the drive's rules version, so
    the answer is cached per that version: naming a page's blocks costs the one
    version read the page needs anyway.
    """
    drive_id = g.thidua_drive.id
    return cache.cached(f"board-blocks:{drive_id}", standings.version_stamp(drive_id, []),
                        _board_blocks)


def top_block_codes() -> list[str]:
    """The province's own boards (its blocks with ranked units): the leaderboard's tabs.

    A district's or sector's board is reached from its unit page and from the
    list of lower boards, so a national tree of a thousand blocks keeps its tabs short.
    """
    return board_blocks()[1]


def _blocks(codes: list[str | None]) -> Scopes:
    """The scopes of these blocks (an unknown code has its own, never bumped: the view
    answers 404 anyway)."""
    if not codes or None in codes:
        return None
    return [standings.block_scope(code) for code in codes]


def home() -> Scopes:
    """The top of each top block, and the propaganda sums and latest activities."""
    return [*(_blocks(top_block_codes()) or []), standings.PROPAGANDA]


def leaderboard() -> Scopes:
    """A block's board page (the first top block when none is named)."""
    ranked, top = board_blocks()
    code = (request.view_args or {}).get("block_code") or next(iter(top or ranked), None)
    return _blocks([code])


def unit_page() -> Scopes:
    """A unit's page: its place in its block (every unit of the block moves it)."""
    view_args = request.view_args or {}
    where = Unit.slug == view_args["slug"] if "slug" in view_args else Unit.code == view_args.get(
        "code")
    return _blocks([db.session.scalar(
        select(Block.code).join(Unit, Unit.block_id == Block.id).where(where))])


def propaganda() -> Scopes:
    return [standings.PROPAGANDA]


def api_board() -> Scopes:
    """The API's board: `?block=` alone, or every ranked block."""
    chosen = request.args.get("block", "").strip()
    return _blocks([chosen] if chosen else board_blocks()[0])


def export() -> Scopes:
    return _blocks([(request.view_args or {}).get("block_code")])
