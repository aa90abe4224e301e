"""Who may act on what. Every view asks here; no rule is repeated in a template.

Two things decide for staff: the council an account sits on (a judge verifies
only units ranked by that council's blocks; a scoped admin manages only its
organiser's units) and its home unit (never its own unit or one under it).
"""

from __future__ import annotations

from competition.hierarchy import is_under, organised_blocks, unit_council, user_council
from competition.models import Block, Entry, Unit, User


def is_conflicted(user: User, unit: Unit) -> bool:
    """A judge may not act on their own unit or any unit under it."""
    if user.unit_id is None:
        return False
    return is_under(unit, user.unit_id)


def is_full_admin(user: User) -> bool:
    """An admin of the whole drive: not scoped to a district's or sector's council."""
    return user.is_authenticated and user.is_admin and user_council(user) is None


def in_council(user: User, unit: Unit) -> bool:
    """The account's council ranks `unit` (a full admin answers for every council)."""
    return is_full_admin(user) or unit_council(unit) == user_council(user)


def can_judge(user: User, unit: Unit) -> bool:
    return (user.is_authenticated and user.is_staff and in_council(user, unit)
            and not is_conflicted(user, unit))


def refusal_reason(user: User, unit: Unit) -> str:
    """Why `can_judge` said no, as a key of the transition messages."""
    if not (user.is_authenticated and user.is_staff):
        return "forbidden"
    return "out_of_council" if not in_council(user, unit) else "conflict_of_interest"


def can_see_unit(user: User, unit: Unit) -> bool:
    """Staff see their council's part of the tree: the province's see everything (what is
    below their own blocks read-only), a district's its own grassroots unions."""
    if not (user.is_authenticated and user.is_staff):
        return False
    council = user_council(user)
    return council is None or is_under(unit, council, include_self=False)


def council_blocks(user: User) -> list[Block]:
    """The blocks a staff account works on: every block for the province's council (lower
    councils' blocks read-only), its organiser's blocks for a district's or sector's."""
    council = user_council(user)
    if council is None:
        from competition import standings

        return list(standings.blocks())
    return organised_blocks(council)


def can_manage_unit(user: User, unit: Unit) -> bool:
    """A full admin manages every unit; a scoped admin those under its organiser."""
    if is_full_admin(user):
        return True
    council = user_council(user)
    return (user.is_authenticated and user.is_admin and council is not None
            and is_under(unit, council, include_self=False))


def can_report_for(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.is_reporter and user.unit_id == unit.id


def can_see_entry(user: User, entry: Entry) -> bool:
    """Staff see the entries of their part of the tree (conflicted judges may look, not act);
    reporters their own unit's."""
    if not user.is_authenticated:
        return False
    return can_see_unit(user, entry.unit) or user.unit_id == entry.unit_id
