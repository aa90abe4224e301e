"""The whole end of a drive through the real pages: freeze → a unit appeals on a phone →
a second judge amends → the admin publishes → the public board shows the snapshot and its
hash → a judge's reopen is refused → the admin withdraws with a reason → republishes."""

from __future__ import annotations

import pytest

from competition.extensions import db
from competition.models import ResultSnapshot, Role
from tests import factories
from tests.entries.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _accept_confirmations(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_the_end_of_a_drive(app, ended, live_server, open_page, artifacts, at):
    factories.user("thamdinh3", Role.JUDGE)
    verified_id = ended.tb_verified.id
    db.session.commit()  # the test holds no database lock while the server works

    # Inside the appeal window, Hòa An's reporter appeals the rejected plan on a phone.
    phone = open_page("phone")
    sign_in(phone, live_server, "hoaan")
    phone.goto(f"{live_server}/khieu-nai/")
    phone.click("summary:has-text('KH')")
    phone.fill("details[open] textarea[name=reason]", "Đơn vị đã ban hành Kế hoạch số 12/KH-CĐ.")
    phone.fill("details[open] input[name=evidence_url]", "https://caobang.gov.vn/ke-hoach-12")
    phone.screenshot(path=str(artifacts / "appeal-unit-phone.png"), full_page=True)
    phone.click("details[open] button:has-text('Gửi khiếu nại')")
    phone.wait_for_selector(".flash-success")
    assert "Đang chờ giải quyết" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts / "appeal-filed-phone.png"), full_page=True)

    # A judge who did not reject it sees the appeal first in the queue and amends it.
    judge = open_page("desktop")
    sign_in(judge, live_server, "thamdinh3")
    judge.goto(f"{live_server}/tham-dinh/")
    assert "Khiếu nại đang chờ giải quyết" in judge.inner_text("main")
    judge.click(".appeals-first a")
    judge.check("input[name=outcome][value=amend]")
    judge.fill("input[name=amended_value]", "1")
    judge.fill("textarea[name=reason]", "Kế hoạch hợp lệ, ban hành ngày 20/3/2021.")
    judge.screenshot(path=str(artifacts / "appeal-judge-desktop.png"), full_page=True)
    judge.click("button:has-text('Ghi kết luận')")
    judge.wait_for_selector(".flash-success")

    # After the window, the admin publishes.
    at("2021-07-06T08:00:00")
    admin = open_page("desktop")
    _accept_confirmations(admin)
    sign_in(admin, live_server, "admin")
    admin.goto(f"{live_server}/quan-tri/ket-qua-chinh-thuc")
    admin.click("button:has-text('Công bố kết quả')")
    admin.wait_for_selector(".flash-success")
    admin.screenshot(path=str(artifacts / "results-published-admin.png"), full_page=True)
    sha256 = db.session.query(ResultSnapshot.sha256).scalar()
    db.session.commit()  # release the read so the server may write

    public = open_page("phone")
    public.goto(f"{live_server}/bang-xep-hang/huyen")
    notice = public.inner_text(".official-result")
    assert sha256 in notice and "bản công bố số 1" in notice
    # Hòa An with its amended plan: TB 1.33 + DV 0.50 + KH 5 + AN 5 = 11.83.
    assert "11,83" in public.inner_text("main")
    assert public.evaluate("document.querySelector('.official-result').scrollWidth") <= 390
    public.screenshot(path=str(artifacts / "results-public-phone.png"), full_page=True)

    # A judge's reopen of a verified entry is refused with the lock's message.
    deciding = open_page("desktop")
    sign_in(deciding, live_server, "thamdinh1")
    deciding.goto(f"{live_server}/tham-dinh/ket-qua/{verified_id}")
    deciding.fill("form[action$='mo-lai'] textarea[name=reason]", "Xem lại số tin")
    deciding.click("form[action$='mo-lai'] button[type=submit]")
    assert "đã được công bố" in deciding.inner_text("main")
    deciding.screenshot(path=str(artifacts / "results-reopen-refused.png"), full_page=True)

    # The admin withdraws with a public reason, then republishes as number 2.
    admin.goto(f"{live_server}/quan-tri/ket-qua-chinh-thuc")
    admin.fill("textarea[name=reason]", "Điều chỉnh chỉ tiêu DV của LĐLĐ Hòa An theo Quyết định 45.")
    admin.click("button:has-text('Rút lại công bố')")
    admin.wait_for_selector(".flash-success")
    public.goto(f"{live_server}/bang-xep-hang/huyen")
    assert "Điều chỉnh chỉ tiêu DV" in public.inner_text("main")
    admin.goto(f"{live_server}/quan-tri/ket-qua-chinh-thuc")
    admin.click("button:has-text('Công bố kết quả')")
    admin.wait_for_selector(".flash-success")
    assert "Số 2" in admin.inner_text("main")
    admin.screenshot(path=str(artifacts / "results-republished-admin.png"), full_page=True)
    public.goto(f"{live_server}/nhat-ky-xep-hang")
    log = public.inner_text("main")
    assert "bản số 2" in log and "Rút lại bản công bố số 1" in log
    public.screenshot(path=str(artifacts / "results-change-log-phone.png"), full_page=True)
    for page in (phone, judge, admin, public):
        assert page.console_errors == []
    # The refused reopen answers 409, which the browser notes; nothing else went wrong.
    assert all("409" in error for error in deciding.console_errors)
