"""The open API says exactly what the scoring service says, and describes itself."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition import standings
from competition.demo import load_demo
from competition.models import EntryStatus
from tests import factories


@pytest.fixture
def demo(app):
    load_demo()
    return standings.active_drive()


def test_leaderboard_numbers_equal_the_scoring_service_for_the_demo(client, demo):
    body = client.get("/api/v1/leaderboard").get_json()
    board = standings.public_standings(demo)
    assert [b["code"] for b in body["blocks"]] == list(board)
    compared = 0
    for block in body["blocks"]:
        for row, standing in zip(block["rows"], board[block["code"]], strict=True):
            assert row["rank"] == standing.rank
            assert row["unit"]["code"] == standing.unit.code
            assert row["unit"]["name"] == standing.unit.name
            assert Decimal(row["total"]) == standing.total
            assert Decimal(row["percent"]) == standing.percent
            assert row["classification"] == standing.classification.value
            assert row["criteria_met"] == standing.criteria_at_target
            for given, score in zip(row["criteria"], standing.scores, strict=True):
                assert given["code"] == score.code
                assert Decimal(given["points"]) == score.points
                if score.target is None:
                    assert given["target"] is None
                else:
                    assert Decimal(given["target"]) == score.target
                if score.ratio is not None:
                    assert abs(Decimal(given["ratio"]) - score.ratio) <= Decimal("0.00005")
                if score.achieved is not None:
                    assert abs(Decimal(given["achieved"]) - score.achieved) <= Decimal("0.00005")
            compared += 1
    assert compared == 48  # every ranked demo unit: 10 districts, 5 sector unions, 33 CĐCS


def test_decimals_are_strings_and_counts_integers(client, scored):
    row = client.get("/api/v1/leaderboard").get_json()["blocks"][0]["rows"][0]
    assert isinstance(row["total"], str) and isinstance(row["percent"], str)
    assert isinstance(row["rank"], int) and isinstance(row["criteria_met"], int)
    assert all(isinstance(c["points"], str) for c in row["criteria"])


def test_every_point_value_has_two_decimals(client, scored):
    import re

    two = re.compile(r"^-?\d+\.\d\d$")
    body = client.get("/api/v1/leaderboard").get_json()
    values = [c["max_points"] for c in body["criteria"]]
    for block in body["blocks"]:
        for row in block["rows"]:
            values += [row["total"], row["max_total"], row["percent"]]
            values += [v for c in row["criteria"] for v in (c["points"], c["max_points"])]
    assert values and all(two.match(v) for v in values), [v for v in values if not two.match(v)]
    assert "0.00" in values  # a criterion nobody scored on reads 0.00, not 0


def test_unit_report_matches_the_scoring_service(client, scored):
    body = client.get("/api/v1/units/HOAAN").get_json()
    standing = standings.standing_of(standings.public_standings(scored.drive), "HOAAN")
    declared = standings.projected_standing(scored.drive, scored.hoa_an)
    assert declared.total > standing.total
    assert Decimal(body["standing"]["total"]) == standing.total
    assert Decimal(body["declared"]["total"]) == declared.total
    assert body["history"][-1] == {"date": "2021-05-10", "total": f"{standing.total:.2f}"}
    assert body["parent"]["code"] == "LDLD-CB"
    assert sum(p["activities"] for p in body["propaganda"]) > 0


def test_unknown_unit_is_a_json_404(client, world):
    response = client.get("/api/v1/units/KHONG-CO")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_propaganda_filters_and_pages_like_the_feed(client, world):
    tb = factories.criterion(world.drive, "TB")
    for channel in ("zalo", "zalo", "facebook"):
        factories.entry(world.hoa_an, tb, 2, status=EntryStatus.VERIFIED, channel=channel)
    factories.entry(world.hoa_an, tb, 2, status=EntryStatus.SUBMITTED, channel="zalo")
    body = client.get("/api/v1/propaganda?channel=zalo&per_page=1").get_json()
    assert body["total"] == 2 and body["pages"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["channel"] == "zalo"
    assert body["items"][0]["unit"]["code"] == "HOAAN"
    assert body["filters"] == {"channel": "zalo"}
    second = client.get("/api/v1/propaganda?channel=zalo&per_page=1&page=2").get_json()
    assert second["items"][0]["id"] != body["items"][0]["id"]


def test_a_bad_propaganda_filter_names_the_field(client, world):
    response = client.get("/api/v1/propaganda?from=hom-qua&per_page=500")
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"from", "per_page"}


def test_openapi_describes_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    described = set(document["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
            assert path in described, f"{rule.rule} is missing from openapi.json"
            assert set(document["paths"][path]) >= {m.lower() for m in rule.methods} - {
                "head", "options"}


def test_openapi_references_resolve(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        assert ref.removeprefix("#/components/schemas/") in schemas
