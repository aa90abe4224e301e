"""Every route, for each role: the status it must answer. A route without a case fails."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.access
from tests import factories
from tests.access import ROLES, Case

AREAS = sorted(m.name for m in pkgutil.iter_modules(tests.access.__path__))


@pytest.fixture
def world(app, drive):
    """The small province with Hòa An's own block, its council's judge and its scoped admin."""
    return factories.with_district(factories.small_world(drive))


def _users(world):
    return {
        "reporter_a": world.reporter_thpt, "reporter_b": world.reporter_bao_lam,
        "judge": world.judge, "judge_parent": world.judge_hoa_an, "admin": world.admin,
        "district_judge": world.district_judge, "district_admin": world.district_admin,
    }


def all_cases(world) -> list[Case]:
    return [c for area in AREAS for c in importlib.import_module(f"tests.access.{area}").cases(world)]


def test_every_route_has_an_access_case(app, world):
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    covered = {case.endpoint for case in all_cases(world)}
    assert sorted(routes - covered) == [], "add these routes to tests/access/<area>.py"


@pytest.mark.parametrize("area", AREAS)
def test_each_role_gets_the_expected_status(area, app, world, make_visitor):
    users = _users(world)
    module = importlib.import_module(f"tests.access.{area}")
    failures = []
    sessions: dict[str, object] = {}

    def visitor_for(role: str, fresh: bool):
        # One signed-in session per role serves every case, except those that end it.
        if fresh or role not in sessions:
            visitor = make_visitor()
            if role != "anonymous":
                visitor.login(users[role].username)
            if fresh:
                return visitor
            sessions[role] = visitor
        return sessions[role]

    for case in module.cases(world):
        for role in ROLES:
            visitor = visitor_for(role, case.fresh_session)
            path = case.path(world) if callable(case.path) else case.path
            data = case.data(world) if callable(case.data) else case.data
            if case.method == "GET":
                response = visitor.get(path)
            else:
                response = visitor.post(path, data, token_from="/tai-khoan/dang-nhap")
            expected = case.expect[role]
            allowed = expected if isinstance(expected, tuple) else (expected,)
            if response.status_code not in allowed:
                failures.append(f"{case.method} {path} as {role}: {response.status_code}, "
                                f"expected {expected}")
    assert not failures, "\n".join(failures)
