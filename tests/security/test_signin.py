"""Sign-in under attack: guessing is throttled, sessions end when they should, cookies are tight."""

from __future__ import annotations

import os
import random
import re
import uuid

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, User
from tests import factories
from tests.conftest import IN_CI, Visitor

LOGIN = "/tai-khoan/dang-nhap"
WRONG = "khong-phai-mat-khau"


def attempt(visitor, username: str, password: str):
    return visitor.post(LOGIN, {"username": username, "password": password})


def attempts_on(username: str) -> list[str]:
    """The audit log's sign-in events for one account name, oldest first."""
    return list(db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("login.%"), AuditEvent.actor_name == username)
        .order_by(AuditEvent.id)
    ))


def test_sixth_wrong_password_within_a_minute_waits_even_with_the_right_one(world, visitor):
    for _ in range(5):
        assert attempt(visitor, "hoaan", WRONG).status_code == 401

    refused = attempt(visitor, "hoaan", WRONG)
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 60
    page = refused.get_data(as_text=True)
    assert f"Vui lòng chờ {seconds} giây rồi thử lại" in page
    assert 'name="username"' in page  # the sign-in form is still there for later

    right = attempt(visitor, "hoaan", factories.PASSWORD)
    assert right.status_code == 429
    assert visitor.get("/tai-khoan/mat-khau").status_code == 302  # still not signed in

    assert attempts_on("hoaan") == ["login.failure"] * 5 + ["login.refused"] * 2


def test_every_sign_in_attempt_is_in_the_audit_log_with_its_address(world, visitor):
    attempt(visitor, "hoaan", WRONG)
    visitor.login("hoaan")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("login.%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_name, e.ip) for e in events] == [
        ("login.failure", "hoaan", "127.0.0.1"),
        ("login.success", "hoaan", "127.0.0.1"),
    ]


def test_one_guessed_account_does_not_lock_out_the_others(world, visitor):
    for _ in range(6):
        attempt(visitor, "hoaan", WRONG)
    assert attempt(visitor, "blam", factories.PASSWORD).status_code == 302


def test_capitals_do_not_buy_extra_guesses(world, visitor):
    for name in ("hoaan", "HOAAN", "HoaAn", "hoaan ", "hoAAn"):
        attempt(visitor, name, WRONG)
    assert attempt(visitor, "hoaan", factories.PASSWORD).status_code == 429


def test_one_address_guessing_many_accounts_is_throttled(app, world, make_visitor):
    guesser, neighbour = make_visitor(), make_visitor()
    guesser.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    neighbour.client.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    for n in range(20):
        assert attempt(guesser, f"ai-do-{n}", WRONG).status_code == 401
    assert attempt(guesser, "hoaan", factories.PASSWORD).status_code == 429
    assert attempt(neighbour, "hoaan", factories.PASSWORD).status_code == 302


def test_a_right_password_does_not_count_against_anyone(world, visitor):
    for _ in range(6):  # one more than the failures allowed
        visitor.login("hoaan")
        visitor.logout()
    visitor.login("hoaan")


def redis_url() -> str:
    # Database 14: tests/test_cache.py flushes 15, possibly at the same time in another worker.
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis at {url} is required in CI", pytrace=False)
        pytest.skip(f"no Redis at {url}")
    return url


def test_with_redis_the_count_survives_a_restart_so_workers_share_it(world, another_app):
    """Several gunicorn workers (or servers) each build their own app; the count lives in Redis."""
    url = redis_url()
    # Redis outlives the test: a name and an address of this run only, so reruns start clean.
    name = f"cb-{uuid.uuid4().hex[:12]}"
    factories.user(name, unit=world.hoa_an)
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"

    def worker() -> Visitor:
        visitor = Visitor(another_app(REDIS_URL=url).test_client())
        visitor.client.environ_base["REMOTE_ADDR"] = address
        return visitor

    first = worker()
    for _ in range(5):
        assert attempt(first, name, WRONG).status_code == 401
    second = worker()  # a fresh app: its memory would be empty, Redis is not
    assert attempt(second, name, factories.PASSWORD).status_code == 429


# --- Sessions ---------------------------------------------------------------


def session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_plain_http(world, visitor):
    cookie = session_cookie(visitor.login("hoaan"))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_the_site_runs_behind_https(world, another_app, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    secure = another_app()
    with secure.app_context():
        response = Visitor(secure.test_client()).login("hoaan")
    assert re.search(r"; Secure", session_cookie(response))


def test_a_deactivated_account_is_signed_out_at_once_and_cannot_sign_in(world, visitor):
    visitor.login("hoaan")
    world.reporter_hoa_an.active = False
    db.session.commit()
    assert visitor.get("/tai-khoan/mat-khau").status_code == 302
    assert attempt(visitor, "hoaan", factories.PASSWORD).status_code == 401


def test_an_old_session_cookie_is_useless_after_a_password_reset(world, visitor):
    visitor.login("hoaan")
    user = db.session.get(User, world.reporter_hoa_an.id)
    user.set_password("mat-khau-quan-tri-dat")  # as an admin's reset does
    db.session.commit()
    assert visitor.get("/tai-khoan/mat-khau").status_code == 302


# --- Password policy ---------------------------------------------------------


@pytest.mark.parametrize("weak, reason", [
    ("ngan-qua", "ít nhất 10 ký tự"),
    ("1234567890", "quá dễ đoán"),
    ("aaaaaaaaaaaa", "quá dễ đoán"),
    ("hoaan-2021-abc", "không được chứa tên đăng nhập"),
])
def test_a_weak_new_password_is_refused_with_the_reason(world, visitor, weak, reason):
    visitor.login("hoaan")
    response = visitor.post("/tai-khoan/mat-khau",
                            {"current": factories.PASSWORD, "new": weak, "confirm": weak},
                            token_from="/tai-khoan/mat-khau")
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    visitor.logout()
    visitor.login("hoaan")  # the old password still works


def test_the_command_line_refuses_a_weak_password(app, runner, drive):
    result = runner.invoke(args=["users", "create", "--username", "thamdinh9", "--role", "judge",
                                 "--password", "ngan"])
    assert result.exit_code != 0
    assert "ít nhất 10 ký tự" in result.output
    assert db.session.scalars(select(User).where(User.username == "thamdinh9")).first() is None
