"""Repeat visitors get 304 Not Modified until the standings (or the day) change."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from competition.extensions import db
from competition.models import EntryStatus
from tests import factories

PAGES = ["/", "/bang-xep-hang/huyen", "/don-vi-thi-dua/hoaan", "/tuyen-truyen?channel=zalo",
         "/nhat-ky-xep-hang", "/bang-xep-hang/huyen.csv", "/api/v1/leaderboard",
         "/api/v1/units/HOAAN", "/api/v1/propaganda", "/api/v1/openapi.json"]


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_answers_304_to_a_current_copy(client, scored, path):
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["ETag"].startswith('W/"')
    assert first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_verification_makes_every_copy_stale(client, scored):
    first = client.get("/bang-xep-hang/huyen")
    factories.entry(scored.bao_lam, factories.criterion(scored.drive, "TB"), 5,
                    status=EntryStatus.VERIFIED)
    again = client.get("/bang-xep-hang/huyen", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


def test_if_modified_since_is_honoured(client, scored):
    first = client.get("/nhat-ky-xep-hang")
    again = client.get("/nhat-ky-xep-hang",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_the_etag_differs_by_page_arguments_language_and_day(client, scored, monkeypatch):
    tags = {client.get("/tuyen-truyen").headers["ETag"],
            client.get("/tuyen-truyen?channel=zalo").headers["ETag"]}
    client.set_cookie("lang", "en")
    tags.add(client.get("/tuyen-truyen").headers["ETag"])
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-11")
    tags.add(client.get("/tuyen-truyen").headers["ETag"])
    assert len(tags) == 4


def test_a_signed_in_reader_gets_their_own_etag(client, make_visitor, scored):
    judge = make_visitor()
    judge.login("thamdinh1")
    assert judge.get("/").headers["ETag"] != client.get("/").headers["ETag"]


def test_a_repeat_visit_is_answered_without_computing_the_board(client, scored):
    etag = client.get("/bang-xep-hang/huyen").headers["ETag"]
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert client.get("/bang-xep-hang/huyen",
                          headers={"If-None-Match": etag}).status_code == 304
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    # The session's own commits aside, a 304 reads the drive, its version and the last change.
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 3, reads
    assert not any("criterion_tally" in s or "FROM entry" in s for s in reads)
