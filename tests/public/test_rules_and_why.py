"""The rules page lists the drive's own numbers; a unit's "why" table says how its points came."""

from __future__ import annotations

import re
from datetime import date

from bs4 import BeautifulSoup

from competition import standings
from competition.extensions import db
from competition.models import EntryStatus
from tests import factories


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_rules_page_lists_every_criterion_with_its_numbers(client, world):
    page = _page(client, "/the-le")
    assert page.h1.get_text(strip=True) == "Thể lệ và cách tính điểm"
    rows = {row["id"].removeprefix("tieu-chi-"): _text(row)
            for row in page.select("table.rules-table tbody tr")}
    codes = [c.code for c in standings.scored_criteria(world.drive)]
    assert list(rows) == codes == ["KH", "HN", "PT", "TB", "BC", "CT", "SK", "DV", "CS", "PL",
                                   "AN", "BT"]
    # HN: 10 points, no default target, 20/10/4 sessions per block.
    assert "10" in rows["HN"]
    for block_target in ("Khối LĐLĐ huyện, thành phố: 20 buổi",
                         "Khối Công đoàn ngành và Công đoàn Viên chức: 10 buổi",
                         "Khối Công đoàn cơ sở trực thuộc: 4 buổi"):
        assert block_target in rows["HN"]
    assert "Chung: 95 %" in rows["PT"] and "Chung: 30 %" in rows["PL"]
    assert "trừ 5 điểm cho mỗi vụ vi phạm" in rows["AN"]  # penalty per item defaults to P
    assert "100 %" in rows["TB"]  # the cap
    whole = _text(page)
    assert "từ 90 % Hoàn thành xuất sắc; từ 70 % Hoàn thành tốt; từ 50 % Hoàn thành" in whole
    assert "Xếp hạng theo tổng điểm" in whole
    assert "hết ngày 5 của tháng sau" in whole
    assert "Đợt 2: từ 01/04/2021 đến 23/05/2021" in whole
    assert "chốt lúc 30/06/2021" in whole


def _why(client, slug):
    page = _page(client, f"/don-vi-thi-dua/{slug}")
    section = page.select_one("#vi-sao")
    rows = {row["data-criterion"]: row for row in section.select("tbody tr")}
    return section, rows


def _points(row) -> str:
    return _text(row.select_one("td.points"))


def test_why_table_says_how_each_criterion_scored_and_equals_the_board(client, scored):
    section, rows = _why(client, "hoaan")
    # Hòa An on 10/5/2021 (2,900 members): KH verified (5); TB 4 of the block's 30 → 10 × 4/30
    # = 1.33; AN no case (5); BT: March and April due, none filed (0); every other 0.
    assert _points(rows["KH"]) == "5,00/5"
    assert _points(rows["TB"]) == "1,33/10"
    assert _points(rows["AN"]) == "5,00/5"
    assert _points(rows["BT"]) == "0,00/5"
    tb = _text(rows["TB"])
    assert "Đã xác nhận 4 tin bài trên chỉ tiêu 30 tin bài (chỉ tiêu của khối): đạt 13,3 %" in tb
    assert "Điểm = 10 × 0,1333 = 1,33" in tb
    assert "0 trên 2 báo cáo tháng đã đến hạn được nộp đúng hạn" in _text(rows["BT"])
    assert _text(section.select_one("tfoot td.points")) == "11,33/100"
    board = standings.standings(scored.drive, block="huyen")
    standing = standings.standing_of(board, "HOAAN")
    for code, row in rows.items():
        expected = standing.score(code)
        shown = f"{expected.points:.2f}".replace(".", ",")
        assert _points(row) == f"{shown}/{expected.max_points.normalize():f}"


def test_percent_criterion_reads_people_and_share_of_members(client, world):
    pl = factories.criterion(world.drive, "PL")
    factories.entry(world.bao_lam, pl, 418, status=EntryStatus.VERIFIED,
                    activity_date=date(2021, 5, 2), title="Cuộc thi tìm hiểu pháp luật bầu cử")
    db.session.commit()
    _section, rows = _why(client, "blam")
    # 418 of 2,100 members = 19.905 %; 19.905/30 = 0.6635 → 5 × 0.6635 = 3.32.
    text = _text(rows["PL"])
    assert "418 người = 19,9 % đoàn viên, chỉ tiêu 30 % (chỉ tiêu chung của tiêu chí)" in text
    assert _points(rows["PL"]) == "3,32/5"
    page = _page(client, "/don-vi-thi-dua/blam")
    assert "Số lượng được xác nhận: 418 người" in _text(page)
    assert "418 %" not in _text(page)


def test_unit_without_members_is_told_why_percent_criteria_do_not_count(client, world):
    world.bao_lam.member_count = None
    db.session.commit()
    _section, rows = _why(client, "blam")
    assert "đơn vị chưa có số đoàn viên" in _text(rows["PT"])
    assert _points(rows["PT"]) == "Không tính"


def test_every_board_says_what_it_ranks_on(client, world):
    assert "Xếp hạng theo tổng điểm" in _text(_page(client, "/bang-xep-hang/huyen"))
    assert "Xếp hạng theo tổng điểm" in _text(_page(client, "/"))
    world.drive.rank_by = "percent"
    standings.bump_version(world.drive.id)
    db.session.commit()
    assert "Xếp hạng theo tỷ lệ % điểm" in _text(_page(client, "/bang-xep-hang/huyen"))
    assert re.search(r"Xếp hạng theo tỷ lệ % điểm", _text(_page(client, "/the-le")))
