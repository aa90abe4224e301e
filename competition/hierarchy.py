"""The union's tree and who answers for which part of it (DESIGN: the union's hierarchy).

Units form a tree; each block has an organiser, the unit whose emulation
council ranks it. The province's council organises the top blocks (also when
a block names no organiser, or names the top of the tree). Councils and
scoped admins are keyed the same way, so one comparison says whether an
account's council is the one that ranks a unit.

The tree is read with recursive queries, so finding a unit's ancestors costs
one round trip whatever its depth, and a subtree one query whatever its size.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competition.extensions import db
from competition.memo import per_request
from competition.models import Block, Entry, EntryStatus, Unit, User


class HierarchyError(Exception):
    """A change that would break the tree's rules; `message` is shown to the person."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


def ancestor_ids(unit_id: int) -> list[int]:
    """The units above `unit_id`, nearest first (one recursive query)."""
    up = select(Unit.parent_id.label("id"), db.literal(1).label("depth")).where(
        Unit.id == unit_id
    ).cte("up", recursive=True)
    up = up.union_all(
        select(Unit.parent_id, up.c.depth + 1).join(up, Unit.id == up.c.id)
        .where(up.c.depth < 64)  # a cycle cannot exist (the admin refuses it); guard anyway
    )
    rows = db.session.execute(
        select(up.c.id).where(up.c.id.is_not(None)).order_by(up.c.depth)
    ).scalars()
    return list(rows)


def subtree_ids(unit_id: int, include_self: bool = True) -> set[int]:
    """Every unit under `unit_id` at any depth (and itself), in one recursive query."""
    down = select(Unit.id).where(Unit.id == unit_id).cte("down", recursive=True)
    down = down.union_all(select(Unit.id).join(down, Unit.parent_id == down.c.id))
    found = set(db.session.execute(select(down.c.id)).scalars())
    if not include_self:
        found.discard(unit_id)
    return found


def council_key(organiser: Unit | None) -> int | None:
    """The council an organiser stands for: None for the province (no organiser or the tree's top)."""
    if organiser is None or organiser.parent_id is None:
        return None
    return organiser.id


def block_council(block: Block | None) -> int | None:
    return council_key(block.organiser) if block is not None else None


def unit_council(unit: Unit) -> int | None:
    """The council whose judges verify `unit`'s entries: its block's organiser's."""
    return block_council(unit.block)


def user_council(user: User) -> int | None:
    """The council an account sits on (judges) or manages (admins); None is the province's."""
    return council_key(user.council)


def is_scoped(user: User) -> bool:
    """A scoped account works for one district's or sector's council, not the province's."""
    return user_council(user) is not None


def is_under(unit: Unit, ancestor_id: int, include_self: bool = True) -> bool:
    chain = unit.lineage()
    return any(u.id == ancestor_id for u in (chain if include_self else chain[1:]))


def council_where(council: int | None):
    """SQL: the block of the unit being filtered is organised by `council`."""
    if council is not None:
        return Block.organiser_id == council
    roots = select(Unit.id).where(Unit.parent_id.is_(None))
    return Block.organiser_id.is_(None) | Block.organiser_id.in_(roots)


def lower_block_ids() -> set[int]:
    """Blocks a district or sector union organises (not the province's), in one query
    (once per GET request: a page asks for them from several places)."""
    roots = select(Unit.id).where(Unit.parent_id.is_(None))
    return per_request("lower_blocks", lambda: set(db.session.scalars(select(Block.id).where(
        Block.organiser_id.is_not(None), Block.organiser_id.not_in(roots)))))


def organised_blocks(council: int | None) -> list[Block]:
    """The blocks a council ranks, in block order."""
    return list(db.session.scalars(
        select(Block).where(council_where(council)).order_by(Block.position, Block.id)
    ))


def blocks_of(organiser: Unit) -> list[Block]:
    """The blocks a unit organises itself (a district's block of its grassroots unions)."""
    return list(db.session.scalars(
        select(Block).where(Block.organiser_id == organiser.id).order_by(Block.position, Block.id)
    ))


def lower_organisers() -> list[Unit]:
    """Districts and sector unions that organise a block of their own, by name."""
    return list(db.session.scalars(
        select(Unit).where(Unit.id.in_(select(Block.organiser_id)), Unit.parent_id.is_not(None))
        .order_by(Unit.name)
    ))


# --- Rules of the tree ------------------------------------------------------------


def check_organiser(block: Block, organiser: Unit | None) -> None:
    """Every unit of the block must sit under its organiser (or the organiser is the top)."""
    if organiser is None:
        return
    for unit in block.units:
        if unit.id == organiser.id or not is_under(unit, organiser.id):
            raise HierarchyError(_l(
                "Đơn vị tổ chức «%(organiser)s» không phải là cấp trên của «%(unit)s» trong khối.",
                organiser=organiser.name, unit=unit.name), "organiser_id")


def check_placement(unit: Unit, parent: Unit | None, block: Block | None) -> None:
    """Where a unit may sit: its block's organiser above it, no ancestor in its block,
    and no move to another council while its entries wait for the old one's judges.

    Called before the unit is changed, with the parent and block it is to get.
    """
    chain = ([] if parent is None else parent.lineage())
    if unit.id is not None and any(u.id == unit.id for u in chain):
        raise HierarchyError(
            _l("Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."), "parent_id")
    if block_council(block) is not None and not any(u.id == block.organiser_id for u in chain):
        raise HierarchyError(_l(
            "Khối «%(block)s» do «%(organiser)s» tổ chức: đơn vị phải trực thuộc «%(organiser)s».",
            block=block.name, organiser=block.organiser.name), "block_id")
    if block is not None and any(u.block_id == block.id for u in chain):
        raise HierarchyError(_l(
            "Đơn vị không được cùng khối với đơn vị cấp trên của nó (kết quả sẽ bị tính hai lần)."),
            "block_id")
    if block is not None and unit.id is not None and block.units:
        below = subtree_ids(unit.id, include_self=False)
        if any(other.id in below for other in block.units):
            raise HierarchyError(_l(
                "Đơn vị không được cùng khối với đơn vị cấp dưới của nó (kết quả sẽ bị tính hai lần)."),
                "block_id")
    if unit.id is None:
        return
    moved = (parent.id if parent else None) != unit.parent_id
    new_council = block_council(block)
    if (moved or new_council != unit_council(unit)) and has_pending_entries(unit):
        raise HierarchyError(_l(
            "Đơn vị còn kết quả đang chờ thẩm định ở cấp hiện tại: hãy thẩm định xong (hoặc trả "
            "lại) trước khi chuyển đơn vị."), "parent_id")


def has_pending_entries(unit: Unit) -> bool:
    return db.session.scalar(
        select(Entry.id).where(Entry.unit_id == unit.id, Entry.status == EntryStatus.SUBMITTED)
        .limit(1)
    ) is not None


def check_council(user_council_unit: Unit | None, role: str) -> None:
    """Only judges and admins sit on a council."""
    if user_council_unit is not None and role not in ("judge", "admin"):
        raise HierarchyError(_l("Chỉ thành viên Hội đồng (thẩm định) hoặc quản trị mới có hội "
                                "đồng cấp tổ chức."), "council_id")
