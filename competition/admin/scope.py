"""What one admin account reaches: all of the drive, or one organiser's part of the tree.

A district's admin (an admin whose council is the district) manages the
district's own grassroots units, their accounts, the targets of the blocks
the district organises and the judges of its council; nothing outside. The
views ask here before showing or changing anything, so the rule lives once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l

from competition import standings
from competition.hierarchy import HierarchyError, council_key, organised_blocks, subtree_ids
from competition.models import Block, Role, Unit, User


@dataclass(frozen=True)
class AdminScope:
    """The reach of one admin; `council` None means the whole drive."""

    council: Unit | None
    unit_ids: frozenset[int] | None  # units it manages; None: every unit

    @property
    def is_full(self) -> bool:
        return self.council is None

    def manages(self, unit: Unit | None) -> bool:
        return self.unit_ids is None or (unit is not None and unit.id in self.unit_ids)

    def may_parent(self, parent: Unit | None) -> bool:
        """A scoped admin adds units under its organiser or under one of its units."""
        return self.is_full or (parent is not None and (
            parent.id == self.council.id or parent.id in self.unit_ids))

    def blocks(self) -> list[Block]:
        """The blocks whose targets and membership it manages."""
        if self.is_full:
            return list(standings.blocks())
        return organised_blocks(self.council.id)

    def manages_block(self, block: Block | None) -> bool:
        return self.is_full or (block is not None and block.organiser_id == self.council.id)

    def manages_user(self, user: User) -> bool:
        """Its units' reporters and its council's judges (never another admin)."""
        if self.is_full:
            return True
        if user.role == Role.ADMIN:
            return False
        if user.role == Role.JUDGE:
            return user.council_id == self.council.id
        return user.unit_id is not None and user.unit_id in self.unit_ids

    def check_unit(self, parent: Unit | None, block: Block | None) -> None:
        """A unit it creates or moves stays in its part of the tree and in its blocks."""
        if not self.may_parent(parent):
            raise HierarchyError(_l("Bạn chỉ quản lý được các đơn vị thuộc «%(organiser)s».",
                                    organiser=self.council.name), "parent_id")
        if block is not None and not self.manages_block(block):
            raise HierarchyError(_l("Bạn chỉ xếp được đơn vị vào khối do «%(organiser)s» tổ "
                                    "chức.", organiser=self.council.name), "block_id")

    def require(self, allowed: bool) -> None:
        """403 for anything outside its reach (a crafted URL or form)."""
        if not allowed:
            abort(403, _l("Việc này nằm ngoài phạm vi quản lý của bạn."))


def admin_scope(user: User) -> AdminScope:
    council = user.council if council_key(user.council) is not None else None
    if council is None:
        return AdminScope(None, None)
    return AdminScope(council, frozenset(subtree_ids(council.id, include_self=False)))
