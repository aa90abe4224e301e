"""The end of a drive in Chromium: the published result → the proposal → edits with reasons →
the decision → the three papers → the public official result shows the awards."""

from __future__ import annotations

import pytest

from competition.extensions import db
from tests import factories
from tests.public.test_browser import AXE, AXE_FILE, AXE_URL, OVERFLOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _row(page, unit: str):
    return page.locator("table.commendation-list tr", has_text=unit)


def _download(page, link_text: str, artifacts, name: str) -> bytes:
    with page.expect_download(timeout=120_000) as info:
        page.locator("#decision li", has_text=link_text).get_by_role("link", name="PDF").click()
    path = artifacts / name
    info.value.save_as(str(path))
    return path.read_bytes()


def test_admin_goes_from_the_published_result_to_the_decision_and_the_public_sees_it(
        published, live_server, open_page, artifacts, monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    sha256 = published.snapshot.sha256
    db.session.commit()  # the test's own session holds no lock while the server writes
    base = live_server
    page = open_page("desktop")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/tai-khoan/dang-nhap")
    page.fill("#username", "admin")
    page.fill("#password", factories.PASSWORD)
    page.click("button:has-text('Đăng nhập')")

    page.goto(f"{base}/quan-tri/khen-thuong/")
    assert sha256 in page.inner_text("#proposal")
    page.click("button:has-text('Lập danh sách đề nghị khen thưởng')")
    assert "Đã lập danh sách đề nghị khen thưởng từ kết quả công bố lần 1." in page.inner_text(
        ".flashes")
    assert _row(page, "LĐLĐ huyện Trùng Khánh").inner_text().count("cần quyết định") == 1
    page.screenshot(path=str(artifacts / "commendation-proposal-desktop.png"), full_page=True)

    # A change without a reason is refused by the page itself (the field is required) and by
    # the server; with one it is made.
    tied = _row(page, "LĐLĐ huyện Hạ Lang")
    tied.locator("input[name=reason]").fill("Hội đồng thống nhất: nhiều công trình hơn")
    tied.locator("button:has-text('Giữ trong danh sách')").click()
    assert "Đã giữ LĐLĐ huyện Hạ Lang trong danh sách." in page.inner_text(".flashes")
    other = _row(page, "LĐLĐ huyện Trùng Khánh")
    other.locator("input[name=reason]").fill("Đã nhận Giấy khen năm 2020 cho cùng thành tích")
    other.locator("button:has-text('Bỏ khỏi danh sách')").click()
    assert "Đã bỏ LĐLĐ huyện Trùng Khánh khỏi danh sách." in page.inner_text(".flashes")

    page.fill("#proposal_number", "45/TTr-LĐLĐ")
    page.fill("#decision_number", "120/QĐ-LĐLĐ")
    page.fill("#decision_date", "2021-07-15")
    page.fill("#signer_name", "Hoàng Văn Thạch")
    page.click("button:has-text('Ban hành quyết định và khóa danh sách')")
    assert "Đã ban hành Quyết định số 120/QĐ-LĐLĐ; danh sách đã khóa." in page.inner_text(
        ".flashes")
    assert page.locator("button:has-text('Bỏ khỏi danh sách')").count() == 0
    page.screenshot(path=str(artifacts / "commendation-decided-desktop.png"), full_page=True)

    for text, name in (("Tờ trình đề nghị khen thưởng kèm danh sách", "browser-to-trinh.pdf"),
                       ("Quyết định khen thưởng kèm danh sách", "browser-quyet-dinh.pdf"),
                       ("Giấy khen của tất cả đơn vị", "browser-giay-khen.pdf")):
        assert _download(page, text, artifacts, name).startswith(b"%PDF")

    for viewport in ("phone", "desktop"):
        reader = open_page(viewport)
        reader.route(base + AXE_URL, lambda route: route.fulfill(
            path=str(AXE_FILE), content_type="application/javascript"))
        reader.goto(f"{base}/ket-qua")
        content = reader.inner_text("main")
        assert "Khen thưởng theo Quyết định số 120/QĐ-LĐLĐ ngày 15/07/2021." in content
        assert reader.locator("tr", has_text="LĐLĐ huyện Hạ Lang").locator(".award").inner_text() \
            == "Giấy khen của Ban Chấp hành Liên đoàn Lao động tỉnh"
        assert reader.locator("tr", has_text="LĐLĐ huyện Trùng Khánh").locator(
            ".award").count() == 0
        reader.screenshot(path=str(artifacts / f"public-results-{viewport}.png"), full_page=True)
        reader.add_script_tag(url=base + AXE_URL)
        assert reader.evaluate(AXE) == []
        assert reader.evaluate(OVERFLOW) <= 0
        assert reader.console_errors == []
