"""A judge returns an entry; the reporter's bell shows 1; the notification opens the entry."""

from __future__ import annotations

import pytest

from competition.extensions import db
from competition.models import EntryStatus
from tests import factories
from tests.conftest import AXE_FILE
from tests.entries.test_browser import sign_in
from tests.public.test_browser import AXE, AXE_URL, OVERFLOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_returned_entry_rings_the_reporters_bell_and_opens_the_entry(
    app, world, live_server, open_page, artifacts, viewport
):
    entry = factories.entry(world.bao_lam, factories.criterion(world.drive, "TB"), 4,
                            status=EntryStatus.SUBMITTED, title="Bốn tin bài trên fanpage")
    entry_id = entry.id
    db.session.commit()  # the test holds no database lock while the server works

    judge = open_page("desktop")
    sign_in(judge, live_server, "thamdinh1")
    judge.goto(f"{live_server}/tham-dinh/ket-qua/{entry_id}")
    judge.click("summary:has-text('Trả lại để bổ sung')")
    judge.fill("details[open] textarea[name=reason]", "Thiếu đường dẫn tới bài đăng")
    judge.click("details[open] button:has-text('Trả lại')")
    judge.wait_for_selector(".flash-success")

    page = open_page(viewport)
    page.route(live_server + AXE_URL, lambda route: route.fulfill(
        path=str(AXE_FILE), content_type="application/javascript"))
    sign_in(page, live_server, "blam")
    assert page.inner_text("[data-testid=bell-count]") == "1"
    waiting = page.inner_text(".waiting")  # the dashboard lists it first
    assert "Kết quả «Bốn tin bài trên fanpage» bị trả lại để bổ sung." in waiting
    page.screenshot(path=str(artifacts / f"notifications-dashboard-{viewport}.png"), full_page=True)

    page.click("[data-testid=bell]")
    page.wait_for_url("**/thong-bao/")
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(artifacts / f"notifications-page-{viewport}.png"), full_page=True)
    page.add_script_tag(url=live_server + AXE_URL)
    assert page.evaluate(AXE) == []

    page.click("main .notification-open:has-text('Bốn tin bài trên fanpage')")
    page.wait_for_url(f"**/don-vi/ket-qua/{entry_id}")
    assert "Thiếu đường dẫn tới bài đăng" in page.inner_text("main")
    assert page.locator("[data-testid=bell-count]").count() == 0
    page.screenshot(path=str(artifacts / f"notifications-opened-{viewport}.png"), full_page=True)
    assert page.console_errors == [] and judge.console_errors == []
