"""The leaderboard API in pages, and each block whole as a gzip-compressed export."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest
from sqlalchemy import select

from competition import cache
from competition.extensions import db
from competition.models import EntryStatus, Unit, UnitKind
from tests import factories

BOARD = "/api/v1/leaderboard"


@pytest.fixture
def grassroots(world):
    """Seven ranked grassroots unions in `cdcs` (two of the small world's and five more), with
    news items 5, 4, 4, 3, 2, 1 and 0: a shared rank in the middle."""
    tb = factories.criterion(world.drive, "TB")
    for number in range(5):
        factories.unit(f"CS-{number}", f"CĐCS số {number}", "cdcs", kind=UnitKind.CDCS)
    for code, items in (("CS-DIENLUC", 5), ("CS-THPT-HOAAN", 4), ("CS-0", 4), ("CS-1", 3),
                        ("CS-2", 2), ("CS-3", 1)):
        factories.entry(_unit(code), tb, items, status=EntryStatus.VERIFIED)
    return world


def _unit(code: str) -> Unit:
    return db.session.scalars(select(Unit).where(Unit.code == code)).one()


def _rows(client, query: str) -> tuple[dict, list[tuple[str, int]]]:
    answer = client.get(f"{BOARD}?block=cdcs&{query}").get_json()
    block = answer["blocks"][0]
    return block, [(row["unit"]["code"], row["rank"]) for row in block["rows"]]


# By hand: 5 items → rank 1; 4 and 4 share rank 2; 3 → rank 4; 2 → 5; 1 → 6; none → 7.
EXPECTED = [("CS-DIENLUC", 1), ("CS-0", 2), ("CS-THPT-HOAAN", 2), ("CS-1", 4), ("CS-2", 5),
            ("CS-3", 6), ("CS-4", 7)]


def test_pages_follow_one_another_with_the_whole_blocks_ranks(client, grassroots):
    block, first = _rows(client, "limit=2")
    assert block["size"] == 7 and block["offset"] == 0
    assert first == EXPECTED[:2]
    seen, link = list(first), block["next"]
    while link:
        page = client.get(link).get_json()["blocks"][0]
        seen += [(row["unit"]["code"], row["rank"]) for row in page["rows"]]
        link = page["next"]
    assert seen == EXPECTED
    # A page starting inside a tie keeps the shared rank.
    assert _rows(client, "limit=1&offset=2")[1] == [("CS-THPT-HOAAN", 2)]


def test_the_limit_and_the_offset_at_their_bounds(client, grassroots):
    assert client.get(f"{BOARD}?block=cdcs&limit=1000").status_code == 200
    for bad in ("limit=1001", "limit=0", "limit=-1", "limit=ba", "offset=-1", "offset=1.5"):
        response = client.get(f"{BOARD}?block=cdcs&{bad}")
        assert response.status_code == 400, bad
        assert set(response.get_json()["error"]["fields"]) == {bad.split("=")[0]}
    block, rows = _rows(client, "limit=5&offset=7")
    assert rows == [] and block["next"] is None
    block, rows = _rows(client, "limit=5&offset=2")
    assert rows == EXPECTED[2:7] and block["next"] is None


def test_a_small_drive_answers_whole_a_larger_one_its_first_page(client, grassroots, monkeypatch):
    ranked = 10  # the small world's 5 ranked units (the province is in no block), and 5 more
    monkeypatch.setattr("competition.api.views.WHOLE_BOARD_UNITS", ranked)
    whole = client.get(BOARD).get_json()
    assert whole["limit"] is None
    assert sum(len(b["rows"]) for b in whole["blocks"]) == ranked
    monkeypatch.setattr("competition.api.views.WHOLE_BOARD_UNITS", ranked - 1)
    monkeypatch.setattr("competition.api.views.PAGE_ROWS", 3)
    cache.backend().clear()  # the same address, answered from the cache otherwise
    paged = client.get(BOARD).get_json()
    assert paged["limit"] == 3
    cdcs = next(b for b in paged["blocks"] if b["code"] == "cdcs")
    assert [(r["unit"]["code"], r["rank"]) for r in cdcs["rows"]] == EXPECTED[:3]
    assert "offset=3" in cdcs["next"]


def test_the_export_is_the_whole_block(client, grassroots):
    response = client.get(f"{BOARD}/cdcs.ndjson.gz")
    assert response.status_code == 200 and response.mimetype == "application/gzip"
    lines = gzip.decompress(response.data).decode().splitlines()
    assert [(json.loads(line)["unit"]["code"], json.loads(line)["rank"]) for line in lines] == EXPECTED
    table = gzip.decompress(client.get(f"{BOARD}/cdcs.csv.gz").data).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(table)))
    assert [(row[1], int(row[0])) for row in rows[1:]] == EXPECTED
    assert client.get(f"{BOARD}/khong-co.ndjson.gz").status_code == 404
