"""Reporting through the district, in Chromium: a grassroots union reports, its district's
council verifies, the district's board and the district's rolled-up figure move, and the
province's judge sees it all read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition import standings
from competition.extensions import db
from competition.models import Entry, EntryStatus, Target
from tests import factories
from tests.entries.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _total(page, unit_name: str) -> str:
    return page.inner_text(f"table.standings tr:has-text('{unit_name}') td.num >> nth=0")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_grassroots_entry_goes_through_its_district_and_rolls_up(
    app, world, live_server, open_page, artifacts, viewport
):
    factories.with_district(world)
    dv = factories.criterion(world.drive, "DV")
    # Hòa An's own block has its own target for new members: 10 per grassroots union.
    db.session.add(Target(criterion=dv, block=factories.block("cdcs-hoaan"), value=10))
    dv_id, judge_id, slug = dv.id, world.district_judge.id, world.hoa_an.slug
    db.session.commit()  # the test holds no database lock while the server works
    base = live_server

    reporter = open_page(viewport)
    sign_in(reporter, base, "mnhoasen")
    reporter.goto(f"{base}/don-vi/ket-qua/moi")
    reporter.select_option("#criterion", str(dv_id))
    reporter.fill("#activity_date", "2021-05-03")
    reporter.fill("#quantity", "20")
    reporter.fill("#title", "Kết nạp 20 đoàn viên mới")
    reporter.click("button[value=submit]")
    reporter.wait_for_selector(".flash-success")
    entry_id = db.session.query(Entry).filter_by(title="Kết nạp 20 đoàn viên mới").one().id
    db.session.commit()

    province = open_page(viewport)
    sign_in(province, base, "thamdinh1")
    assert "Kết nạp 20 đoàn viên mới" not in province.inner_text("main")  # not its queue
    province.goto(f"{base}/tham-dinh/?cap-duoi=1")
    assert "Kết nạp 20 đoàn viên mới" in province.inner_text("main")
    province.click("text=Kết nạp 20 đoàn viên mới")
    assert province.locator(".decision-form").count() == 0  # read-only: no decision form
    province.screenshot(path=str(artifacts / f"hierarchy-province-reads-{viewport}.png"),
                        full_page=True)

    before_board = open_page(viewport)
    before_board.goto(f"{base}/bang-xep-hang/huyen")
    hoa_an_before = _total(before_board, "LĐLĐ huyện Hòa An")

    district = open_page(viewport)
    sign_in(district, base, "thamdinh-hoaan")
    district.click("text=Kết nạp 20 đoàn viên mới")
    district.click(".decision-form button:has-text('Xác nhận')")
    district.wait_for_selector(".flash-success")
    entry = db.session.get(Entry, entry_id)
    assert (entry.status, entry.decided_by_id) == (EntryStatus.VERIFIED, judge_id)
    db.session.commit()

    board = open_page(viewport)
    board.goto(f"{base}/bang-xep-hang/cdcs-hoaan")
    assert "Khối CĐCS thuộc LĐLĐ huyện Hòa An" in board.inner_text("main")
    # 20 of a target of 10, capped: the full 10 points of DV, beside the 5 of AN (no stoppage).
    assert _total(board, "CĐCS Trường Mầm non Hoa Sen") == "15,00"
    board.screenshot(path=str(artifacts / f"hierarchy-district-board-{viewport}.png"),
                     full_page=True)

    board.goto(f"{base}/bang-xep-hang/huyen")
    # Hòa An's DV rolls up: 20 new members of a district target of 100 → 2,00 points more.
    after = Decimal(_total(board, "LĐLĐ huyện Hòa An").replace(".", "").replace(",", "."))
    before = Decimal(hoa_an_before.replace(".", "").replace(",", "."))
    assert after - before == Decimal("2.00")
    board.goto(f"{base}/don-vi-thi-dua/{slug}")
    assert "0 của đơn vị + 20 từ đơn vị cấp dưới" in board.inner_text("main")
    assert "Bảng xếp hạng Khối CĐCS thuộc LĐLĐ huyện Hòa An" in board.inner_text("main")
    board.screenshot(path=str(artifacts / f"hierarchy-district-page-{viewport}.png"),
                     full_page=True)
    assert standings.standing_of(standings.compute_board(world.drive), "HOAAN").score(
        "DV").from_below == Decimal(20)
    for page in (reporter, province, district, board, before_board):
        assert page.console_errors == []
