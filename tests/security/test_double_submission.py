"""A new-entry form makes one entry, however many times it is sent (single-use form token).

The server side: the same form sent twice one after the other, and twice at
the same moment over HTTP (two threads, as two requests in flight are); the
penalty form too. The browser side: a double click on the submit button, on
a phone and a desktop (Chromium itself may fold a fast double click into one
request; the two-requests-in-flight case is the HTTP test).
"""

from __future__ import annotations

import re
import threading
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Entry, EntryFormUse
from tests import factories
from tests.entries import support

NEW = "/don-vi/ket-qua/moi"
TOKEN = re.compile(r'name="form_token" type="hidden" value="([^"]+)"')


def entries() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Entry))


def drawn_form(visitor, path: str = NEW) -> dict[str, str]:
    page = visitor.get(path).get_data(as_text=True)
    return {"form_token": TOKEN.search(page).group(1),
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                    page).group(1)}


def test_the_same_form_sent_twice_makes_one_entry(world, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    form = {**support.entry_data(factories.criterion(world.drive, "KH"), quantity="1",
                                 action="submit"), **drawn_form(reporter)}
    first = reporter.client.post(NEW, data=form)
    assert first.status_code == 302
    second = reporter.client.post(NEW, data=form)
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]  # the entry the first made
    assert entries() == 1
    shown = reporter.get(second.headers["Location"]).get_data(as_text=True)
    assert "chỉ được lưu một lần" in shown


def test_a_form_refused_for_a_mistake_can_be_corrected_and_sent(world, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    form = {**support.entry_data(factories.criterion(world.drive, "KH"), quantity="1"),
            **drawn_form(reporter)}
    assert reporter.client.post(NEW, data={**form, "title": ""}).status_code == 400
    assert reporter.client.post(NEW, data=form).status_code == 302
    assert entries() == 1


def test_two_new_forms_make_two_entries(world, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    data = support.entry_data(factories.criterion(world.drive, "KH"), quantity="1")
    for _ in range(2):
        assert reporter.client.post(NEW, data={**data, **drawn_form(reporter)}).status_code == 302
    assert entries() == 2


def test_the_penalty_form_sent_twice_makes_one_penalty(world, make_visitor):
    judge = make_visitor()
    judge.login("thamdinh1")
    path = "/tham-dinh/vi-pham/moi"
    form = {**support.entry_data(factories.criterion(world.drive, "AN"), quantity="1"),
            "unit": str(world.bao_lam.id), **drawn_form(judge, path)}
    assert judge.client.post(path, data=form).status_code == 302
    assert judge.client.post(path, data=form).status_code == 303
    assert entries() == 1


def test_two_identical_submissions_in_flight_make_one_entry(app, world, live_server):
    """Both requests leave before either is answered (a barrier releases them together)."""
    data = support.entry_data(factories.criterion(world.drive, "KH"), quantity="1")
    db.session.commit()  # the test holds no database lock while the server works
    client = httpx.Client(base_url=live_server, follow_redirects=False, timeout=60)
    page = client.get("/tai-khoan/dang-nhap").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/tai-khoan/dang-nhap", data={"username": "hoaan",
                                             "password": factories.PASSWORD, "csrf_token": csrf})
    page = client.get(NEW).text
    form = {**data, "form_token": TOKEN.search(page).group(1),
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                    page).group(1)}
    body = urlencode(form)
    start = threading.Barrier(2)
    answers: list[int] = []

    def send() -> None:
        start.wait()
        try:
            answers.append(client.post(NEW, content=body, headers={
                "Content-Type": "application/x-www-form-urlencoded"}).status_code)
        except Exception as error:  # noqa: BLE001 - shown by the assertion below
            answers.append(repr(error))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    assert sorted(answers) == [302, 303]
    assert entries() == 1
    assert db.session.scalar(select(func.count()).select_from(EntryFormUse)) == 1


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_double_click_on_send_makes_one_entry(app, world, live_server, open_page, artifacts,
                                                 viewport):
    kh_id = factories.criterion(world.drive, "KH").id
    db.session.commit()
    page = open_page(viewport)
    page.goto(f"{live_server}/tai-khoan/dang-nhap")
    page.fill("#username", "hoaan")
    page.fill("#password", factories.PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server}{NEW}")
    page.select_option("#criterion", str(kh_id))
    page.fill("#activity_date", "2021-05-03")
    page.fill("#quantity", "1")
    page.fill("#title", "Kế hoạch tuyên truyền bầu cử")
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith(NEW) and posts.append(r.url))
    page.dblclick("button[value=submit]")
    page.wait_for_selector(".flash-success, .flash-info")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / f"double-click-{viewport}.png"), full_page=True)
    assert 1 <= len(posts) <= 2  # Chromium may fold the second click into the first
    assert entries() == 1
    assert "Chờ thẩm định" in page.inner_text("main")
