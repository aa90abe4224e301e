"""A block of hundreds of units: its leaderboard a hundred rows a page, searchable, ranks kept."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from competition import standings
from competition.extensions import db
from competition.models import Unit, UnitKind
from tests import factories

V = factories.EntryStatus.VERIFIED
BAD_PAGE = "Số trang phải là số nguyên dương."


@pytest.fixture
def crowded(world):
    """The `nganh` block with 230 units; three of them (named to sort last) lead with results."""
    nganh = factories.block("nganh")
    db.session.add_all(
        Unit(code=f"CD-{n:03}", slug=f"cd-{n:03}", name=f"Công đoàn cơ sở số {n:03}",
             kind=UnitKind.CONG_DOAN_NGANH, block=nganh, member_count=100)
        for n in range(1, 229)
    )
    leaders = [factories.unit(code, name, "nganh", kind=UnitKind.CONG_DOAN_NGANH)
               for code, name in (("YTE", "Công đoàn Y tế Việt Nam"),
                                  ("XD", "Xây dựng – Công đoàn ngành"))]
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.giao_duc, tb, 9, status=V)
    for quantity, leader in zip((6, 3), leaders, strict=True):
        factories.entry(leader, tb, quantity, status=V, judge=world.judge)
    return world


def ranked(response) -> list[tuple[int, str]]:
    """(rank, unit slug) of each row of the standings table, in order."""
    table = re.search(r'<table class="standings">.*?</table>', response.get_data(as_text=True), re.S)
    return [(int(rank), slug) for rank, slug in re.findall(
        r'<td class="rank"[^>]*>(?:<span>)?(\d+).*?<a href="/don-vi-thi-dua/([^"]+)">', table.group(0), re.S)]


def chart_labels(response, chart: str) -> list[str]:
    data = re.search(rf'data-chart="chart-{chart}">(.*?)</script>', response.get_data(as_text=True),
                     re.S)
    return json.loads(data.group(1))["labels"]


def test_a_large_block_shows_a_hundred_rows_a_page_with_the_ranks_of_the_whole_block(
        client, crowded):
    board = standings.public_standings(crowded.drive)["nganh"]
    slugs = {u.code: u.slug for u in db.session.scalars(db.select(Unit))}
    whole = [(row.rank, slugs[row.unit.code]) for row in board]
    assert len(whole) == 231 and whole[:4] == [(1, "cdn-gd"), (2, "yte"), (3, "xd"), (4, "cd-001")]
    pages = [ranked(client.get(f"/bang-xep-hang/nganh?page={n}")) for n in range(1, 6)]
    assert [len(p) for p in pages] == [50, 50, 50, 50, 31]
    # Page 2 goes on where page 1 stopped: nobody is ranked 1 again.
    assert [row for p in pages for row in p] == whole
    assert pages[1][0] == whole[50]


def test_only_the_rows_shown_carry_their_criterion_details(client, crowded):
    body = client.get("/bang-xep-hang/nganh?page=5").get_data(as_text=True)
    assert body.count('<details class="criteria-progress">') == 31


def test_bar_chart_shows_the_top_of_the_page_and_line_chart_the_leaders_of_the_block(
        client, crowded):
    second = client.get("/bang-xep-hang/nganh?page=2")
    board = standings.public_standings(crowded.drive)["nganh"]
    assert chart_labels(second, "block") == [row.unit.name for row in board[50:70]]
    assert chart_labels(second, "series")  # weeks on the axis
    series = json.loads(re.search(r'data-chart="chart-series">(.*?)</script>',
                                  second.get_data(as_text=True), re.S).group(1))
    assert [line["label"] for line in series["datasets"]] == [row.unit.name for row in board[:5]]


def test_pagination_links_are_a_labelled_nav_with_the_current_page_marked(client, crowded):
    body = client.get("/bang-xep-hang/nganh?page=2&q=cong+doan").get_data(as_text=True)
    nav = re.search(r'<nav class="pagination" aria-label="Phân trang">.*?</nav>', body, re.S).group(0)
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>', nav)
    assert len(current) == 1 and "page=2" in current[0]
    # Every link keeps the search.
    links = re.findall(r'href="([^"]+)"', nav)
    assert links and all("q=cong+doan" in link for link in links)
    assert any('rel="prev"' in a and "page=1" in a for a in re.findall(r"<a [^>]*>", nav))


def test_a_page_past_the_end_shows_the_last_page(client, crowded):
    last = client.get("/bang-xep-hang/nganh?page=5")
    beyond = client.get("/bang-xep-hang/nganh?page=6")
    assert beyond.status_code == 200
    assert ranked(beyond) == ranked(last)
    assert "Trang 5 / 5" in beyond.get_data(as_text=True)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", str(10**30), str(2**31)])
def test_a_page_number_that_is_not_a_page_is_refused_in_vietnamese(client, scored, page):
    for path in ("/bang-xep-hang/cdcs", "/nhat-ky-xep-hang", "/don-vi-thi-dua/hoaan"):
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 400, path
        assert BAD_PAGE in response.get_data(as_text=True)


def test_search_by_name_ignores_accents_and_keeps_the_block_rank(client, scored):
    board = standings.public_standings(scored.drive)["cdcs"]
    assert [r.unit.code for r in board] == ["CS-DIENLUC", "CS-THPT-HOAAN"]
    for search in ("hoa an", "Hòa An", "THPT HOA"):
        found = client.get("/bang-xep-hang/cdcs", query_string={"q": search})
        # Alone on the page, yet second of the block.
        assert ranked(found) == [(2, "cs-thpt-hoaan")], search
        assert "Hiện 1–1 trong 1 đơn vị khớp với bộ lọc (khối có 2 đơn vị)" in found.get_data(
            as_text=True)
    assert ranked(client.get("/bang-xep-hang/cdcs?q=%C4%91i%E1%BB%87n+l%E1%BB%B1c")) == [
        (1, "cs-dienluc")]


def test_search_that_finds_nobody_says_so(client, scored):
    response = client.get("/bang-xep-hang/cdcs?q=Bảo+Lạc")
    assert response.status_code == 200 and ranked(response) == []
    assert "Không có đơn vị nào khớp với bộ lọc." in response.get_data(as_text=True)


def test_search_and_district_filter_combine(client, scored):
    assert ranked(client.get("/bang-xep-hang/cdcs?parent=HOAAN&q=hoa")) == [(2, "cs-thpt-hoaan")]
    assert ranked(client.get("/bang-xep-hang/cdcs?parent=HOAAN&q=dien")) == []


def test_downloads_hold_the_whole_block_whatever_the_page(client, crowded):
    response = client.get("/bang-xep-hang/nganh.csv?page=2&q=y+te")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 1 + 231
    assert [r[1] for r in rows[1:4]] == ["CDN-GD", "YTE", "XD"]

