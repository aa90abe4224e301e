"""Drives that stay on record: two drives, each with its own pages and API, none leaking into the other."""

from __future__ import annotations

from datetime import date

import pytest

from competition import drive_copy
from competition.extensions import db
from tests import factories
from tests.commendation.conftest import publish_by_hand

OLD = "/dot/129-kh-ldld"
OLD_TITLE = "Hội nghị tuyên truyền bầu cử năm 2021 ở Hòa An"
NEW_TITLE = "Tin bài chào mừng bầu cử Quốc hội khóa XVI ở Bảo Lâm"


@pytest.fixture
def two_drives(world, monkeypatch):
    """Plan 129 (2021) published, then the 2026 drive copied from it and made active."""
    old = world.drive
    # Reported and verified in 2021, while Plan 129 took entries (nothing is submitted after
    # a drive's freeze), then the clock moves to 2026.
    factories.entry(world.hoa_an, factories.criterion(old, "TB"), 7, status="verified",
                    title=OLD_TITLE, judge=world.judge)
    monkeypatch.setenv("COMPETITION_TODAY", "2026-03-01")
    snapshot = publish_by_hand(old, [("huyen", "Khối LĐLĐ huyện, thành phố", [{
        "rank": 1, "unit_code": "HOAAN", "unit_name": world.hoa_an.name, "total": "10.00",
        "percent": "50.00", "classification": "hoan_thanh", "criteria_at_target": 1,
        "points": {"TB": "10.00"}}])])
    monkeypatch.setenv("COMPETITION_TODAY", "2026-03-01")
    new = drive_copy.copy_drive(old, {
        "code": "15/KH-LĐLĐ", "title": "Đợt thi đua chào mừng bầu cử Quốc hội khóa XVI",
        "issuer": old.issuer, "place": old.place, "issued_on": date(2026, 1, 20),
        "starts_on": date(2026, 1, 20), "ends_on": date(2026, 4, 30),
        "election_day": date(2026, 3, 15)},
        phases=[{"code": "dot1", "name": "Đợt 1", "description": "", "position": 0,
                 "starts_on": date(2026, 1, 20), "ends_on": date(2026, 3, 15)}])
    db.session.commit()
    factories.entry(world.bao_lam, factories.criterion(new, "TB"), 3, status="verified",
                    activity_date=date(2026, 2, 10), title=NEW_TITLE, judge=world.judge)
    return old, new, snapshot


def text(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def test_the_home_page_shows_the_active_drive_and_the_archive_the_old_one(two_drives, client):
    old, new, _snapshot = two_drives
    home = text(client, "/")
    assert new.title in home and old.title not in home.split("drive-switcher")[-1]
    archived = text(client, OLD + "/")
    assert "Đợt thi đua đặc biệt lập thành tích chào mừng" in archived
    # The switcher lists both drives, each at its own address.
    assert f'href="{OLD}/"' in home and 'href="/"' in archived


def test_each_drive_shows_only_its_own_activities(two_drives, client):
    feed_old, feed_new = text(client, OLD + "/tuyen-truyen"), text(client, "/tuyen-truyen")
    assert OLD_TITLE in feed_old and NEW_TITLE not in feed_old
    assert NEW_TITLE in feed_new and OLD_TITLE not in feed_new


def test_links_inside_an_archived_drive_stay_in_it(two_drives, client):
    board = text(client, OLD + "/bang-xep-hang/huyen")
    assert f'href="{OLD}/don-vi-thi-dua/hoaan"' in board
    assert f'href="{OLD}/ket-qua"' in board


def test_each_drive_has_its_own_official_result(two_drives, client):
    _old, _new, snapshot = two_drives
    assert snapshot.sha256 in text(client, OLD + "/ket-qua")
    current = text(client, "/ket-qua")
    assert snapshot.sha256 not in current
    assert "Kết quả chính thức của đợt thi đua này chưa được công bố." in current
    csv = client.get(OLD + "/ket-qua.csv")
    assert csv.status_code == 200 and "LĐLĐ huyện Hòa An" in csv.get_data(as_text=True)
    assert client.get("/ket-qua.csv").status_code == 404


def test_the_api_answers_for_the_drive_asked(two_drives, client):
    old, new, snapshot = two_drives
    archived = client.get("/api/v1/results?drive=129-kh-ldld").get_json()
    assert archived["current"]["sha256"] == snapshot.sha256
    assert archived["drive"]["code"] == old.code and archived["decision"] is None
    assert client.get("/api/v1/results").get_json()["current"] is None
    old_feed = client.get("/api/v1/propaganda?drive=129-kh-ldld").get_json()
    new_feed = client.get("/api/v1/propaganda").get_json()
    assert [i["title"] for i in old_feed["items"]] == [OLD_TITLE]
    assert [i["title"] for i in new_feed["items"]] == [NEW_TITLE]
    listed = client.get("/api/v1/drives").get_json()["drives"]
    assert [(d["code"], d["slug"], d["active"]) for d in listed] == [
        ("15/KH-LĐLĐ", "15-kh-ldld", True), ("129/KH-LĐLĐ", "129-kh-ldld", False)]


def test_an_unknown_drive_is_not_found(two_drives, client):
    assert client.get("/dot/khong-co/").status_code == 404
    assert client.get("/api/v1/leaderboard?drive=khong-co").status_code == 404
