"""Who is told: a unit's reporters, the judges whose scope covers a unit, the admins.

`judge_sees_unit` is the one place that says which judges are concerned with a
unit's entries; every notification for judges asks it, so when organiser
scopes arrive (a judge sits on one organiser's council) only this function
changes. Today a judge's scope is every unit outside their own line.
"""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import Role, Unit, User
from competition.permissions import can_judge


def reporters_of(unit: Unit) -> list[User]:
    """The unit's active reporters (cán bộ đơn vị)."""
    return list(db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.role == Role.UNIT, User.active)
        .order_by(User.id)
    ))


def reporters_by_unit(units: list[Unit]) -> dict[int, list[User]]:
    """Active reporters of many units in one query, keyed by unit id."""
    found: dict[int, list[User]] = {unit.id: [] for unit in units}
    if not found:
        return found
    for user in db.session.scalars(
        select(User).where(User.unit_id.in_(found), User.role == Role.UNIT, User.active)
        .order_by(User.id)
    ):
        found[user.unit_id].append(user)
    return found


def judges() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.JUDGE, User.active).order_by(User.id)
    ))


def admins() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active).order_by(User.id)
    ))


def judge_sees_unit(judge: User, unit: Unit) -> bool:
    """Whether `unit`'s entries are this judge's business: in its council's blocks and not
    conflicted (the same rule that lets the judge act on them)."""
    return judge.is_judge and judge.active and can_judge(judge, unit)


def judges_in_scope(unit: Unit, *, excluding: User | None = None) -> list[User]:
    """The judges concerned with `unit`, less one (the judge who made the decision appealed)."""
    return [
        judge for judge in judges()
        if judge_sees_unit(judge, unit) and (excluding is None or judge.id != excluding.id)
    ]
