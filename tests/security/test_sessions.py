"""Sessions end on the server; guesses are counted across workers; a failure costs the same work.

A "copied cookie" is the session cookie of one browser set into another
client: what someone who read it off a shared computer or a proxy log holds.
"""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from competition import models
from competition.accounts.throttle import normalised_username
from competition.extensions import db
from competition.models import SignInFailure, User
from tests import factories
from tests.conftest import Visitor

LOGIN = "/tai-khoan/dang-nhap"
WRONG = "khong-phai-mat-khau"
PRIVATE = "/tai-khoan/mat-khau"  # any page that needs a signed-in person


def copy_of_cookie(source: Visitor, make_visitor) -> Visitor:
    thief = make_visitor()
    thief.client.set_cookie("session", source.client.get_cookie("session").value)
    assert thief.get(PRIVATE).status_code == 200  # the copy works while the session lives
    return thief


def test_a_cookie_copied_before_sign_out_stops_working_after_it(world, visitor, make_visitor):
    visitor.login("hoaan")
    thief = copy_of_cookie(visitor, make_visitor)
    assert visitor.logout().status_code == 302
    assert thief.get(PRIVATE).status_code == 302  # sent to sign in
    assert thief.get("/don-vi/").status_code == 302


def test_signing_out_ends_the_accounts_other_sessions_too(world, make_visitor):
    phone, laptop = make_visitor(), make_visitor()
    phone.login("hoaan")
    laptop.login("hoaan")
    laptop.logout()
    assert phone.get(PRIVATE).status_code == 302


def test_a_cookie_copied_before_a_password_change_stops_working(world, visitor, make_visitor):
    visitor.login("hoaan")
    thief = copy_of_cookie(visitor, make_visitor)
    new = "Ngay-Hoi-Non-Song-2021"
    response = visitor.post(PRIVATE, {"current": factories.PASSWORD, "new": new, "confirm": new},
                            token_from=PRIVATE)
    assert response.status_code == 302
    assert visitor.get(PRIVATE).status_code == 200  # the one who changed it stays in
    assert thief.get(PRIVATE).status_code == 302


def test_a_cookie_copied_before_deactivation_stays_dead_after_reactivation(world, visitor,
                                                                          make_visitor):
    visitor.login("hoaan")
    thief = copy_of_cookie(visitor, make_visitor)
    admin = make_visitor()
    admin.login("admin")
    edit = f"/quan-tri/tai-khoan/{world.reporter_hoa_an.id}"
    fields = {"username": "hoaan", "full_name": "Cán bộ Hòa An", "role": "unit",
              "unit_id": str(world.hoa_an.id)}
    assert admin.post(edit, fields, token_from=edit).status_code == 302  # active unticked
    assert thief.get(PRIVATE).status_code == 302
    assert admin.post(edit, {**fields, "active": "y"}, token_from=edit).status_code == 302
    assert db.session.get(User, world.reporter_hoa_an.id).active
    assert thief.get(PRIVATE).status_code == 302  # switching it back on revives nothing


# --- The throttle across workers ----------------------------------------------


def attempt(visitor: Visitor, username: str, password: str = WRONG):
    return visitor.post(LOGIN, {"username": username, "password": password})


def test_two_workers_without_redis_share_one_count(world, another_app):
    """Two application instances on one database, as two gunicorn workers are: the guesses
    through one count against the other, whatever case, spacing or Unicode form the name has."""
    first = Visitor(another_app(REDIS_URL="").test_client())
    second = Visitor(another_app(REDIS_URL="").test_client())
    decomposed = unicodedata.normalize("NFD", "HOAAN")
    for worker, name in ((first, "hoaan"), (second, "HOAAN"), (first, "  hoaan "),
                         (second, "ｈｏａａｎ"), (first, decomposed)):
        assert attempt(worker, name).status_code == 401
    assert attempt(second, "hoaan", factories.PASSWORD).status_code == 429
    assert attempt(first, "Hoaan", factories.PASSWORD).status_code == 429
    assert attempt(first, "blam", factories.PASSWORD).status_code == 302  # others untouched


def test_the_count_lives_in_the_database_and_old_failures_leave_it(world, another_app, monkeypatch):
    worker = Visitor(another_app(REDIS_URL="").test_client())
    for _ in range(5):
        attempt(worker, "hoaan")
    counted = db.session.scalar(select(func.count()).select_from(SignInFailure))
    assert counted == 10  # five per account and five per address
    import time

    later = time.time() + 61  # the whole window has passed
    monkeypatch.setattr(time, "time", lambda: later)
    assert attempt(worker, "hoaan").status_code == 401  # a fresh window: counted, not refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SignInFailure)) == 2  # old ones gone
    assert attempt(worker, "hoaan", factories.PASSWORD).status_code == 302


@pytest.mark.parametrize("typed", ["hoaan", "HOAAN", " hoaan", "hoaan\t", "HoAaN", "ｈｏａａｎ"])
def test_every_spelling_of_a_name_counts_as_that_name(typed):
    assert normalised_username(typed) == "hoaan"


def test_composed_and_decomposed_vietnamese_are_one_name():
    assert normalised_username(unicodedata.normalize("NFD", "Hoàng Văn")) == "hoàng văn"
    assert normalised_username("hoàng   văn") == "hoàng văn"


# --- Equal work for known and unknown names ------------------------------------


def test_a_failed_sign_in_hashes_once_whether_or_not_the_account_exists(world, visitor,
                                                                        monkeypatch):
    """The work is one password hash of the product's own kind either way (timings are
    measured in bench/signin_timing.py, never asserted here)."""
    user = db.session.get(User, world.reporter_hoa_an.id)
    user.set_password(factories.PASSWORD)  # hashed as the product hashes every real account
    db.session.commit()
    real = models.check_password_hash
    methods: list[str] = []

    def counting(stored: str, password: str) -> bool:
        methods.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    per_attempt = []
    for name in ("hoaan", "khong-ai-co-ten-nay"):
        methods.clear()
        assert attempt(visitor, name).status_code == 401
        per_attempt.append(list(methods))
    user.active = False
    db.session.commit()
    methods.clear()
    assert attempt(visitor, "hoaan", factories.PASSWORD).status_code == 401
    per_attempt.append(list(methods))
    assert per_attempt[0] == per_attempt[1] == per_attempt[2]
    assert len(per_attempt[0]) == 1 and per_attempt[0][0].startswith("scrypt")
