"""Who may act on what. Every view asks here; no rule is repeated in a template."""

from __future__ import annotations

from competition.models import Entry, Unit, User


def is_conflicted(user: User, unit: Unit) -> bool:
    """A judge may not act on their own unit or any unit under it."""
    if user.unit_id is None:
        return False
    return any(u.id == user.unit_id for u in unit.lineage())


def can_judge(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.is_staff and not is_conflicted(user, unit)


def can_report_for(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.is_reporter and user.unit_id == unit.id


def can_see_entry(user: User, entry: Entry) -> bool:
    """Staff see every entry (conflicted judges may look, not act); reporters their own."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.unit_id == entry.unit_id
