"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from sqlalchemy import select

from competition.models import AuditEvent, User
from tests import factories


def test_wrong_password_is_refused_with_a_vietnamese_message_and_audited(world, visitor):
    response = visitor.post("/tai-khoan/dang-nhap", {"username": "hoaan", "password": "sai-roi-nhe"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    events = list(visitor_events("login.failure"))
    assert [e.actor_name for e in events] == ["hoaan"]


def visitor_events(action: str):
    from competition.extensions import db

    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))


def test_a_form_without_its_csrf_token_is_refused(world, client):
    response = client.post("/tai-khoan/dang-nhap",
                           data={"username": "hoaan", "password": factories.PASSWORD})
    assert response.status_code == 400


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(world, visitor):
    ok = visitor.post("/tai-khoan/dang-nhap?next=/tai-khoan/mat-khau",
                      {"username": "hoaan", "password": factories.PASSWORD})
    assert ok.headers["Location"].endswith("/tai-khoan/mat-khau")
    visitor.logout()
    evil = visitor.post("/tai-khoan/dang-nhap?next=//evil.example/x",
                        {"username": "hoaan", "password": factories.PASSWORD})
    assert "evil.example" not in evil.headers["Location"]


def test_a_deactivated_user_cannot_sign_in(world, visitor):
    from competition.extensions import db

    world.reporter_hoa_an.active = False
    db.session.commit()
    response = visitor.post("/tai-khoan/dang-nhap",
                            {"username": "hoaan", "password": factories.PASSWORD})
    assert response.status_code == 401


def test_changing_the_password_signs_out_other_sessions(world, make_visitor):
    phone, laptop = make_visitor(), make_visitor()
    phone.login("hoaan")
    laptop.login("hoaan")
    response = laptop.post("/tai-khoan/mat-khau", {
        "current": factories.PASSWORD, "new": "Ngay-Hoi-Non-Song-2021",
        "confirm": "Ngay-Hoi-Non-Song-2021",
    }, token_from="/tai-khoan/mat-khau")
    assert response.status_code == 302
    assert laptop.get("/tai-khoan/mat-khau").status_code == 200
    assert phone.get("/tai-khoan/mat-khau").status_code == 302  # back to sign-in


def test_a_weak_new_password_is_refused_at_the_field(world, visitor):
    visitor.login("hoaan")
    response = visitor.post("/tai-khoan/mat-khau", {
        "current": factories.PASSWORD, "new": "hoaan12345", "confirm": "hoaan12345",
    }, token_from="/tai-khoan/mat-khau")
    assert response.status_code == 400
    assert "Mật khẩu không được chứa tên đăng nhập." in response.get_data(as_text=True)


def test_a_forced_change_comes_before_anything_else(world, visitor):
    from competition.extensions import db

    user = db.session.scalars(select(User).where(User.username == "hoaan")).one()
    user.must_change_password = True
    db.session.commit()
    visitor.login("hoaan")
    response = visitor.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tai-khoan/mat-khau")


def test_the_language_switch_is_remembered(world, visitor):
    response = visitor.get("/tai-khoan/ngon-ngu/en?next=/")
    assert response.status_code == 302
    assert "lang=en" in response.headers["Set-Cookie"]
    assert visitor.get("/tai-khoan/ngon-ngu/fr").status_code == 404


def test_a_nul_character_in_a_form_is_refused_before_anything_reads_it(world, visitor):
    response = visitor.post("/tai-khoan/dang-nhap", {"username": "hoa\x00an", "password": "x"})
    assert response.status_code == 400
    assert list(visitor_events("login.failure")) == []
