"""The judge's part of the loop through the real pages, on a phone and on a desktop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition import standings, uploads
from competition.extensions import db
from competition.models import EntryStatus
from tests import factories
from tests.entries import support
from tests.entries.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _with_photo(entry):
    with uploads.staging() as staged:
        checked = uploads.CheckedFile("hoi-nghi.png", uploads.PNG, support.png())
        entry.evidence.append(staged.add(checked))
        db.session.commit()
    staged.place()
    return entry


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_judge_returns_one_entry_and_verifies_another_with_an_adjusted_quantity(
    app, world, live_server, open_page, artifacts, viewport
):
    tb = factories.criterion(world.drive, "TB")
    first = _with_photo(factories.entry(world.bao_lam, tb, 6, status=EntryStatus.SUBMITTED,
                                        title="Sáu tin bài tháng năm"))
    second = factories.entry(world.bao_lam, tb, 2, status=EntryStatus.SUBMITTED,
                             title="Hai tin bài thiếu ảnh")
    db.session.commit()  # the test holds no database lock while the server works
    page = open_page(viewport)
    sign_in(page, live_server, "thamdinh1")
    assert page.url.endswith("/tham-dinh/")
    page.screenshot(path=str(artifacts / f"judge-queue-{viewport}.png"), full_page=True)

    page.click("text=Hai tin bài thiếu ảnh")
    page.click("summary:has-text('Trả lại để bổ sung')")
    page.fill("details[open] textarea[name=reason]", "Chưa có ảnh chụp bài đăng")
    page.click("details[open] button:has-text('Trả lại')")
    page.wait_for_selector(".flash-success")

    page.click("text=Sáu tin bài tháng năm")
    # The re-encoded photo actually renders (served inline from /don-vi/minh-chung/<id>).
    page.wait_for_function("() => document.querySelector('img.evidence-preview')?.naturalWidth > 0")
    page.fill(".decision-form input[name=quantity]", "5")
    page.fill(".decision-form textarea[name=reason]", "Một tin đăng hai lần")
    page.screenshot(path=str(artifacts / f"judge-entry-{viewport}.png"), full_page=True)
    page.click(".decision-form button:has-text('Xác nhận')")
    page.wait_for_selector(".flash-success")
    assert "Không có kết quả nào đang chờ thẩm định." in page.inner_text("main")
    assert page.console_errors == []

    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, first.verified_quantity) == ("verified", 5)
    assert (second.status, second.decision_reason) == ("returned", "Chưa có ảnh chụp bài đăng")
    board = standings.public_standings(world.drive)
    # Khối huyện TB target 30: 10 × 5/30 = 1,67
    assert standings.standing_of(board, "BLAM").score("TB").points == Decimal("1.67")
