"""The access-control matrix: every route of the application, for every role.

Each area declares its routes in `tests/access/<area>.py` as a function
`cases(world) -> list[Case]`; `tests/test_access_control.py` runs them all
and fails when a route of the application has no case. A case's `path` (and
`data`) may be a function of the world, called afresh for every role, so a
state-changing action meets a fresh object each time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from competition.extensions import db
from competition.results import current_snapshot, publication
from tests import factories

# The full admin goes last: its actions (deleting a spare criterion) end what others try first.
ROLES = ("anonymous", "reporter_a", "reporter_b", "judge", "judge_parent", "district_judge",
         "district_admin", "admin")
"""reporter_a reports for unit A (CS-THPT-HOAAN, under Hòa An, in the province's block);
reporter_b for unit B (BLAM); judge sits for the province (no unit); judge_parent is the
judge from Hòa An, A's parent. district_judge sits on Hòa An's council, which ranks Hòa
An's own block (unit C, CS-MN-HOASEN); district_admin is an admin scoped to Hòa An."""

LOGIN = 302  # anonymous visitors are sent to the sign-in page
DENIED = 403


@dataclass
class Case:
    endpoint: str
    method: str
    path: str | Callable[[Any], str]
    expect: dict[str, int | tuple[int, ...]]
    data: dict | Callable[[Any], dict] = field(default_factory=dict)
    note: str = ""
    fresh_session: bool = False  # the action ends the session (sign-out): use a new one

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        assert not missing, f"{self.endpoint}: no expectation for {sorted(missing)}"


def everyone(status: int | tuple[int, ...] = 200) -> dict[str, int | tuple[int, ...]]:
    return {role: status for role in ROLES}


def only(*roles: str, ok: int | tuple[int, ...] = 200, others: int = DENIED) -> dict:
    """`roles` get `ok`; anonymous is sent to sign in; every other role gets `others`."""
    expect = {role: (ok if role in roles else others) for role in ROLES}
    if "anonymous" not in roles:
        expect["anonymous"] = LOGIN
    return expect


DISTRICT = ("district_judge", "district_admin")


def signed_in(ok: int | tuple[int, ...] = 200) -> dict:
    return only(*ROLES[1:], ok=ok)


def published(path: str) -> Callable[[Any], str]:
    """`path`, once the drive's official result is published (the first call publishes it).

    The freeze moves to 30/4/2021 so the appeal window (5 days) has ended by the
    tests' today, 10/5/2021; the real publication then writes snapshot 1.
    """
    def build(world) -> str:
        drive = world.drive
        if current_snapshot(drive) is None:
            drive.freeze_at = factories.vn(2021, 4, 30, 17)
            drive.appeal_days = 5
            publication.publish(drive, world.admin)
            db.session.commit()
        return path
    return build
