"""The reporter's part of the loop through the real pages, on a phone and on a desktop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import Entry, EntryStatus
from tests import factories
from tests.entries import support

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", factories.PASSWORD)
    page.click("main form button[type=submit]")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_reporter_reports_with_a_photo_and_fixes_a_returned_entry(
    app, world, live_server, open_page, artifacts, viewport
):
    tb = factories.criterion(world.drive, "TB")
    returned = factories.entry(world.hoa_an, tb, 3, status=EntryStatus.RETURNED,
                               title="Tin bài tháng tư")
    tb_id, returned_id = tb.id, returned.id
    db.session.commit()  # the test holds no database lock while the server works
    page = open_page(viewport)
    sign_in(page, live_server, "hoaan")
    # The dashboard opens with the returned entry and the judge's reason on top.
    assert page.url.endswith("/don-vi/")
    assert "bổ sung" in page.inner_text(".returned-entries")
    page.screenshot(path=str(artifacts / f"reporter-dashboard-{viewport}.png"), full_page=True)

    page.click("text=+ Nhập kết quả mới")
    # No criterion chosen yet: the propaganda fields wait until a propaganda criterion is.
    page.wait_for_selector("[data-propaganda-fields]", state="hidden")
    page.select_option("#criterion", str(tb_id))
    page.wait_for_selector("[data-propaganda-fields]", state="visible")
    page.fill("#activity_date", "2021-05-03")
    page.fill("#quantity", "4")
    page.fill("#title", "Bốn tin bài về Ngày bầu cử")
    page.select_option("#phase", label=next(o for o in page.eval_on_selector_all(
        "#phase option", "os => os.map(o => o.text)") if o.startswith("Đợt 2")))
    page.select_option("#channel", "fanpage")
    page.fill("#people_reached", "420")
    page.fill("#links", "https://facebook.com/ldldhoaan/posts/42")
    page.set_input_files("#files", files=[{"name": "hoi-nghi.png", "mimeType": "image/png",
                                           "buffer": support.png()}])
    page.check("input[name=public_files][value='0']")
    page.screenshot(path=str(artifacts / f"reporter-form-{viewport}.png"), full_page=True)
    page.click("button[value=submit]")
    page.wait_for_selector(".flash-success")
    assert "Chờ thẩm định" in page.inner_text("main")
    # The re-encoded photo actually renders (served inline from /don-vi/minh-chung/<id>).
    page.wait_for_function("() => document.querySelector('img.evidence-preview')?.naturalWidth > 0")
    page.screenshot(path=str(artifacts / f"reporter-submitted-{viewport}.png"), full_page=True)

    # The returned entry: fix the quantity and send it again.
    page.goto(f"{live_server}/don-vi/ket-qua/{returned_id}/sua")
    page.fill("#quantity", "5")
    page.click("button[value=submit]")
    page.wait_for_selector(".flash-success")
    assert page.console_errors == []

    entries = {e.title: e for e in db.session.scalars(select(Entry))}
    new = entries["Bốn tin bài về Ngày bầu cử"]
    assert (new.status, new.quantity, new.channel, new.people_reached) == (
        "submitted", 4, "fanpage", 420)
    assert [(e.original_name, e.is_public) for e in new.evidence if e.is_file] == [
        ("hoi-nghi.png", True)]
    assert (entries["Tin bài tháng tư"].status, entries["Tin bài tháng tư"].quantity) == (
        "submitted", 5)
