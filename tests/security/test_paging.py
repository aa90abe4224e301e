"""Paging and id parameters: nonsense in the query string is a 400/404 or a fallback, never a 500.

Every page of every signed-in role that needs no path argument is asked
with each parameter a view reads as a number (the page, and the ids of the
filters) set to each kind of nonsense: empty, zero, negative, too large for
the database, digits that are not ASCII (`²`, `١`), words, control characters.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from competition.security import optional_id
from tests.access import ROLES

ROOT = Path(__file__).resolve().parents[2]
NONSENSE = ["", "0", "-1", "²", "١٢", "①", "99999999999999999999", str(2**31), str(2**63),
            "1e3", " 1", "1.5", "abc", "\t", "\u202e1", "1\r\n"]
# Every query parameter a view reads as a number or an id.
NUMBER_NAMES = ["page", "parent", "unit", "block", "criterion", "phase", "per_page", "entry", "id"]


def read_names() -> set[str]:
    """The names the code reads from `request.args`/`request.values` (to keep NUMBER_NAMES whole)."""
    found = set()
    for path in (ROOT / "competition").rglob("*.py"):
        found |= set(re.findall(r"request\.(?:args|values)\.get\(\"(\w+)\"", path.read_text()))
    return found


def test_the_list_of_numeric_parameters_covers_what_the_code_reads():
    textual = {"q", "status", "month", "role", "actor", "action", "since", "until", "thang",
               "kind", "from", "to", "channel", "next", "sort", "direction", "token", "drive"}
    assert read_names() - textual <= set(NUMBER_NAMES)


@pytest.mark.parametrize("value, expected", [
    ("12", 12), ("", None), ("0", None), ("-1", None), ("²", None), ("abc", None),
    (str(2**31), None), (str(2**31 - 1), 2**31 - 1), (None, None),
])
def test_an_id_from_a_request_is_a_number_the_database_holds_or_nothing(value, expected):
    assert optional_id(value) == expected


def test_no_page_answers_500_to_nonsense_numbers(app, world, make_visitor):
    users = {"reporter_a": world.reporter_thpt, "judge": world.judge, "admin": world.admin}
    rules = sorted(r.rule for r in app.url_map.iter_rules()
                   if "GET" in r.methods and not r.arguments and r.endpoint != "static"
                   and not r.rule.startswith(("/tai-khoan/dang-xuat", "/tai-khoan/ngon-ngu")))
    asked = 0
    for role in ("anonymous", *users):
        assert role in ROLES
        visitor = make_visitor()
        if role != "anonymous":
            visitor.login(users[role].username)
        for rule in rules:
            for value in NONSENSE:
                query = "&".join(f"{name}={quote(value, safe='')}" for name in NUMBER_NAMES)
                response = visitor.get(f"{rule}?{query}")
                asked += 1
                assert response.status_code < 500, f"{role} {rule}?{query}"
                if response.status_code == 400:
                    assert "Số" in response.get_data(as_text=True) or response.is_json
            for name in NUMBER_NAMES:  # one at a time too: a fallback elsewhere cannot hide it
                response = visitor.get(f"{rule}?{name}={quote(str(2**63))}")
                assert response.status_code < 500, f"{role} {rule}?{name}=2**63"
    assert asked > 1000


def test_the_admin_lists_fall_back_to_the_first_page(app, world, make_visitor):
    admin = make_visitor()
    admin.login("admin")
    for path in ("/quan-tri/tai-khoan", "/quan-tri/nhat-ky"):
        for value in ("", "0", "²", "abc"):
            response = admin.get(f"{path}?page={quote(value)}")
            assert response.status_code in (200, 400), (path, value)
        assert admin.get(f"{path}?page=99999").status_code == 200  # past the end: an empty page
