"""No public page or API answer sends more SQL when the drive has more units (no N+1).

Every GET route of the `public` and `api` blueprints that needs no argument,
plus the unit pages, is requested with 5 ranked units and again with 30, once
with an empty cache and once warm; the number of statements must not grow.
"""

from __future__ import annotations

from itertools import cycle

from flask import Flask, url_for

from bench.queries import counting_queries
from competition import cache
from competition.extensions import db
from competition.models import EntryStatus, UnitKind
from tests import factories

BLUEPRINTS = ("public", "api")


def _add_units(drive, parent, first: int, last: int) -> None:
    """Ranked units with a verified news item and a pending meeting each."""
    tb, hn = factories.criterion(drive, "TB"), factories.criterion(drive, "HN")
    blocks = cycle([("huyen", UnitKind.LDLD_HUYEN), ("nganh", UnitKind.CONG_DOAN_NGANH),
                    ("cdcs", UnitKind.CDCS)])
    for number, (block, kind) in zip(range(first, last), blocks, strict=False):
        unit = factories.unit(f"U{number:03d}", f"Đơn vị {number:03d}", block, parent,
                              members=100 + number, kind=kind)
        factories.entry(unit, tb, 1 + number % 4, status=EntryStatus.VERIFIED)
        factories.entry(unit, hn, 1, status=EntryStatus.SUBMITTED)


def _pages(app: Flask) -> list[str]:
    """Every argument-free GET page of the public area and the API, and the first unit's pages."""
    unit_arguments = {"slug": "u000", "code": "U000"}
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in BLUEPRINTS or "GET" not in rule.methods:
                continue
            if not rule.arguments:
                paths.append(url_for(rule.endpoint))
            elif len(rule.arguments) == 1 and set(rule.arguments) <= set(unit_arguments):
                (name,) = rule.arguments
                paths.append(url_for(rule.endpoint, **{name: unit_arguments[name]}))
    return sorted(paths)


def _queries_per_page(client, paths: list[str]) -> dict[tuple[str, str], object]:
    logs = {}
    for path in paths:
        cache.backend().clear()
        for state in ("cold", "warm"):
            with counting_queries(db.engine) as log:
                response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            logs[(path, state)] = log
    return logs


def test_no_public_page_sends_more_queries_for_more_units(app, drive, client):
    province = factories.unit("LDLD", "Liên đoàn Lao động tỉnh", None, members=None,
                              kind=UnitKind.LDLD_TINH)
    _add_units(drive, province, 0, 5)
    paths = _pages(app)
    assert any(path.startswith("/don-vi-thi-dua/") for path in paths), paths
    small = _queries_per_page(client, paths)

    _add_units(drive, province, 5, 30)
    large = _queries_per_page(client, paths)

    growing = {key: (small[key], large[key]) for key in small
               if large[key].count > small[key].count}
    assert not growing, "\n\n".join(
        f"{path} ({state}): {few.count} queries with 5 units, {many.count} with 30:\n{many}"
        for (path, state), (few, many) in growing.items()
    )
