"""The bell, the notifications page, the dashboards, the email choice, unsubscribing, addresses."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, User
from competition.notifications import outbox, services
from competition.notifications.models import Notification
from tests import factories
from tests.notifications.conftest import body


def bell(page: str) -> str | None:
    found = re.search(r'data-testid="bell-count"[^>]*>([^<]+)<', page)
    return found.group(1) if found else None


@pytest.fixture
def reporter(world, make_visitor):
    visitor = make_visitor()
    visitor.login("blam")
    return visitor


def returned(world, title: str = "Sáng kiến"):
    return factories.entry(world.bao_lam, factories.criterion(world.drive, "SK"), 1,
                           status="returned", title=title)


def test_the_bell_counts_unread_and_opening_one_goes_to_its_entry(world, reporter):
    assert bell(reporter.get("/").get_data(as_text=True)) is None
    entry = returned(world)
    page = reporter.get("/").get_data(as_text=True)
    assert bell(page) == "1"
    assert 'aria-label="Thông báo: 1 chưa đọc"' in page
    notification = db.session.scalars(select(Notification)).one()
    response = reporter.post(f"/thong-bao/{notification.id}/mo", token_from="/thong-bao/")
    assert response.headers["Location"] == f"/don-vi/ket-qua/{entry.id}"
    assert bell(reporter.get("/").get_data(as_text=True)) is None


def test_the_dashboard_shows_what_waits_first(world, reporter):
    returned(world, "Tin bài tháng 4")
    page = reporter.get("/don-vi/").get_data(as_text=True)
    assert "Đang chờ bạn (1)" in page
    assert page.index("Đang chờ bạn") < page.index("Nhập kết quả mới")
    assert "Kết quả «Tin bài tháng 4» bị trả lại để bổ sung. Lý do: bổ sung" in page


def test_the_page_lists_newest_first_twenty_a_page_and_marks_all_read(world, reporter):
    for n in range(1, 23):
        db.session.add(Notification(user_id=world.reporter_bao_lam.id, kind="entry_returned",
                                    text=f"Thông báo số {n:02d}", link="/don-vi/"))
        db.session.commit()
    first = reporter.get("/thong-bao/").get_data(as_text=True)
    assert "22 chưa đọc trên 22 thông báo." in first
    assert "Thông báo số 22" in first and "Thông báo số 03" in first
    assert "Thông báo số 02" not in first
    second = reporter.get("/thong-bao/?page=2").get_data(as_text=True)
    assert "Thông báo số 02" in second and "Thông báo số 01" in second

    one = db.session.scalars(select(Notification).where(Notification.text == "Thông báo số 05")).one()
    assert reporter.post(f"/thong-bao/{one.id}/da-doc", token_from="/thong-bao/").status_code == 302
    assert bell(reporter.get("/thong-bao/").get_data(as_text=True)) == "21"
    assert reporter.post("/thong-bao/da-doc-het", token_from="/thong-bao/").status_code == 302
    page = reporter.get("/thong-bao/").get_data(as_text=True)
    assert "Đã đánh dấu 21 thông báo là đã đọc." in page
    assert bell(page) is None


def test_nobody_opens_someone_elses_notification(world, make_visitor):
    returned(world)
    notification = db.session.scalars(select(Notification)).one()
    other = make_visitor()
    other.login("hoaan")
    assert other.post(f"/thong-bao/{notification.id}/mo", token_from="/thong-bao/").status_code == 404
    db.session.refresh(notification)
    assert notification.read_at is None


def test_a_person_chooses_a_daily_digest_and_it_is_audited(world, reporter):
    world.reporter_bao_lam.email = "blam@example.vn"
    db.session.commit()
    page = reporter.get("/thong-bao/").get_data(as_text=True)
    assert "Email của bạn: blam@example.vn" in page
    response = reporter.post("/thong-bao/email", {"email_preference": "digest"},
                             token_from="/thong-bao/")
    assert response.status_code == 302
    assert db.session.get(User, world.reporter_bao_lam.id).email_preference == "digest"
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "user.email_preference")).all() == ["user.email_preference"]
    assert reporter.post("/thong-bao/email", {"email_preference": "moi-gio"},
                         token_from="/thong-bao/").status_code == 400


def test_the_unsubscribe_link_in_an_email_works_without_signing_in(world, client, smtp):
    world.reporter_bao_lam.email = "blam@example.vn"
    db.session.commit()
    returned(world)
    outbox.send_due()
    link = re.search(r"https://thidua\.example\.vn(/thong-bao/huy-nhan-email/\S+)",
                     body(smtp.mailbox.received[0][1])).group(1)
    page = client.get(link).get_data(as_text=True)
    assert "Ngừng gửi email thông báo tới blam@example.vn" in page
    assert client.post(link).status_code == 200  # one click, no session, no CSRF token
    assert db.session.get(User, world.reporter_bao_lam.id).email_preference == "none"
    returned(world, "Lần hai")
    assert outbox.send_due() == (0, 0)  # no more email; the app still tells
    assert len(db.session.scalars(select(Notification)).all()) == 2


def test_a_forged_or_outdated_unsubscribe_link_changes_nothing(world, client):
    world.reporter_bao_lam.email = "blam@example.vn"
    db.session.commit()
    token = services.unsubscribe_token(world.reporter_bao_lam)
    assert client.post(f"/thong-bao/huy-nhan-email/{token[:-2]}xx").status_code == 404
    world.reporter_bao_lam.email = "moi@example.vn"  # a new address voids the old links
    db.session.commit()
    assert client.post(f"/thong-bao/huy-nhan-email/{token}").status_code == 404
    assert db.session.get(User, world.reporter_bao_lam.id).email_preference == "all"


def test_the_admin_sets_an_address_and_a_bad_one_is_refused(world, make_visitor):
    admin = make_visitor()
    admin.login("admin")
    user = world.reporter_bao_lam
    form = {"username": user.username, "full_name": user.full_name, "role": "unit",
            "unit_id": str(user.unit_id), "active": "y"}
    path = f"/quan-tri/tai-khoan/{user.id}"
    bad = admin.post(path, {**form, "email": "blam@@example"}, token_from=path)
    assert bad.status_code == 400
    assert "Địa chỉ email không hợp lệ" in bad.get_data(as_text=True)
    assert db.session.get(User, user.id).email is None
    good = admin.post(path, {**form, "email": " Blam@LDLD.CaoBang.vn "}, token_from=path)
    assert good.status_code == 302
    assert db.session.get(User, user.id).email == "Blam@ldld.caobang.vn"
    assert "Blam@ldld.caobang.vn" in admin.get("/quan-tri/tai-khoan").get_data(as_text=True)


def test_a_users_import_with_a_bad_address_names_the_row_and_writes_nothing(world, runner, tmp_path):
    users = tmp_path / "users.csv"
    users.write_text("username,full_name,role,unit_code,email\n"
                     "blam,Cán bộ Bảo Lâm,unit,BLAM,blam@example.vn\n"
                     "hoaan,Cán bộ Hòa An,unit,HOAAN,hoaan-at-example.vn\n", encoding="utf-8")
    result = runner.invoke(args=["users", "import", str(users)])
    assert result.exit_code == 1
    assert "dòng 3" in result.output and "email" in result.output
    assert "«hoaan-at-example.vn» không phải địa chỉ email hợp lệ" in result.output
    db.session.expire_all()
    assert db.session.get(User, world.reporter_bao_lam.id).email is None

    users.write_text("username,full_name,role,unit_code,email\n"
                     "blam,Cán bộ Bảo Lâm,unit,BLAM,blam@example.vn\n", encoding="utf-8")
    assert runner.invoke(args=["users", "import", str(users)]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, world.reporter_bao_lam.id).email == "blam@example.vn"
