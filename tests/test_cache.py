"""Two workers on one database never disagree for longer than one request.

Each worker (an app instance) keeps boards in its cache — its own memory, or
Redis shared by all when REDIS_URL is set — under the standings version that
every score change bumps in the same transaction. A change committed through
one worker shows on the very next request to the other.
"""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import pytest

from bench.queries import counting_queries
from competition import cache, create_app, lifecycle
from competition.extensions import db
from competition.models import EntryStatus
from tests import factories
from tests.conftest import IN_CI, IsolatedClient

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
BOARD = "/api/v1/leaderboard"
BOARD_PAGE = "/bang-xep-hang"


def _redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_TEST_URL} is required in CI", pytrace=False)
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    return REDIS_TEST_URL


@pytest.fixture(params=["per-process", "redis"])
def workers(request, app):
    """Two app instances on the test database: with their own caches, or sharing Redis."""
    redis_url = _redis_or_skip() if request.param == "redis" else ""
    app.config["REDIS_URL"] = redis_url
    app.extensions.pop("thidua_cache", None)
    other = create_app({**app.config, "REDIS_URL": redis_url})
    other.test_client_class = IsolatedClient
    yield app.test_client(), other.test_client()
    with other.app_context():
        db.engine.dispose()


def _total(client, unit_code: str) -> Decimal:
    response = client.get(BOARD)
    assert response.status_code == 200
    rows = [row for block in response.get_json()["blocks"] for row in block["rows"]]
    return Decimal(next(row["total"] for row in rows if row["unit"]["code"] == unit_code))


def test_a_verification_through_one_worker_shows_on_the_next_request_of_another(world, workers):
    first, second = workers
    news = factories.entry(world.bao_lam, factories.criterion(world.drive, "TB"), 15,
                           status=EntryStatus.SUBMITTED)
    before = _total(second, "BLAM")
    assert _total(first, "BLAM") == before  # both workers now hold the board in cache

    lifecycle.verify(news, world.judge)  # in the first worker's app context
    db.session.commit()

    after = _total(second, "BLAM")
    assert after > before
    assert _total(first, "BLAM") == after


def test_a_reopened_entry_leaves_the_board_of_the_other_worker_at_once(world, workers):
    first, second = workers
    news = factories.entry(world.bao_lam, factories.criterion(world.drive, "TB"), 15,
                           status=EntryStatus.VERIFIED)
    counted = _total(second, "BLAM")

    lifecycle.reopen(news, world.judge, "Xem lại số liệu")
    db.session.commit()

    assert _total(second, "BLAM") < counted


def test_a_repeat_visit_to_the_board_costs_at_most_three_queries(world, client):
    factories.entry(world.bao_lam, factories.criterion(world.drive, "TB"), 4,
                    status=EntryStatus.VERIFIED)
    for path in (BOARD_PAGE, BOARD):
        first = client.get(path)
        assert first.status_code == 200 and first.headers.get("ETag"), path
        with counting_queries(db.engine) as log:
            repeat = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert repeat.status_code == 304, path
        assert log.count <= 3, f"{path}: {log.count} queries\n{log}"


def test_an_anonymous_reader_gets_the_rendered_board_from_the_cache_in_three_queries(world, client):
    factories.entry(world.bao_lam, factories.criterion(world.drive, "TB"), 4,
                    status=EntryStatus.VERIFIED)
    for path in (BOARD_PAGE + "/huyen", BOARD, BOARD + "?block=huyen"):
        first = client.get(path)
        assert first.status_code == 200, path
        with counting_queries(db.engine) as log:
            again = client.get(path)
        assert again.status_code == 200 and again.data == first.data, path
        assert log.count <= 3, f"{path}: {log.count} queries\n{log}"
        assert "Cookie" in again.headers.get("Vary", ""), path
        assert "Set-Cookie" not in again.headers and "Set-Cookie" not in first.headers, path
        assert again.headers["ETag"] == first.headers["ETag"], path


def test_made_up_query_arguments_and_free_text_search_are_answered_but_not_cached(world, client):
    for path in (BOARD_PAGE + "/huyen?invented=1", BOARD_PAGE + "/huyen?q=hoa"):
        assert client.get(path).status_code == 200, path
        with counting_queries(db.engine) as log:
            assert client.get(path).status_code == 200, path
        assert log.count > 3, f"{path} came from the shared cache"


def test_a_cached_public_page_carries_no_csrf_token(world, client, visitor):
    page = client.get(BOARD_PAGE + "/huyen").get_data(as_text=True)
    assert 'name="csrf-token"' not in page
    assert visitor.token()  # the sign-in page still has one


def test_a_flashed_message_is_shown_to_its_visitor_only_and_never_cached(world, make_visitor):
    leaving, passer_by = make_visitor(), make_visitor()
    passer_by.get("/")
    leaving.login("hoaan")
    home = leaving.logout()
    assert home.status_code == 302
    assert "Bạn đã đăng xuất." in leaving.get("/").get_data(as_text=True)
    assert "Bạn đã đăng xuất." not in passer_by.get("/").get_data(as_text=True)
    assert "Bạn đã đăng xuất." not in leaving.get("/").get_data(as_text=True)


def test_staff_see_the_live_board_during_a_freeze_after_the_public_page_was_cached(
    world, client, make_visitor, monkeypatch
):
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 4, status=EntryStatus.VERIFIED)
    late = factories.entry(world.hoa_an, tb, 26, status=EntryStatus.SUBMITTED)
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-02")  # after the freeze (30/6 17:00)
    lifecycle.verify(late, world.judge)
    db.session.commit()

    public = client.get(BOARD_PAGE + "/huyen").get_data(as_text=True)
    assert client.get(BOARD_PAGE + "/huyen").get_data(as_text=True) == public
    judge = make_visitor()
    judge.login("thamdinh1")
    live = judge.get(BOARD_PAGE + "/huyen").get_data(as_text=True)
    assert "Bạn đang xem số liệu trực tiếp" in live and "15,00" in live
    assert "Bạn đang xem số liệu trực tiếp" not in public and "15,00" not in public
    assert "Bạn đang xem số liệu trực tiếp" not in client.get(BOARD_PAGE + "/huyen").get_data(
        as_text=True)


def test_with_redis_a_worker_waits_for_the_board_another_is_computing(app):
    url = _redis_or_skip()
    app.config["REDIS_URL"] = url
    app.extensions.pop("thidua_cache", None)
    other = create_app({**app.config, "REDIS_URL": url})
    found = {}

    def second_worker() -> None:
        with other.app_context():
            found["board"] = cache.cached("board-in-the-making", "v1", lambda: "computed twice")

    with cache.backend().computing("thidua:board-in-the-making"):
        waiting = threading.Thread(target=second_worker)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive(), "the second worker did not wait for the first"
        cache.store("board-in-the-making", "v1", "computed once")
    waiting.join()
    assert found["board"] == "computed once"
    with other.app_context():
        db.engine.dispose()


def test_a_worker_keeps_no_more_than_its_byte_limit_least_recently_used_out_first():
    local = cache.LocalCache(limit=4000)
    for number in range(10):
        local.set(f"page-{number}", b"x" * 900)
        assert local.size <= 4000
    assert local.get("page-9") is not None and local.get("page-0") is None
    local.get("page-6")  # read lately: it stays when the next one comes
    local.set("page-10", b"x" * 900)
    assert local.get("page-6") is not None and local.get("page-7") is None
    local.set("huge", b"x" * 1001)  # more than a quarter of the limit is never kept
    assert local.get("huge") is None and local.size <= 4000


def test_a_superseded_version_is_overwritten_not_kept_beside_the_new_one(workers, world):
    first, _second = workers
    tb = factories.criterion(world.drive, "TB")
    pending = [factories.entry(world.hoa_an, tb, 1, status=EntryStatus.SUBMITTED)
               for _ in range(3)]
    pages = ["/", "/bang-xep-hang/huyen", f"/don-vi-thi-dua/{world.hoa_an.slug}",
             BOARD + "?block=huyen"]
    for path in pages:
        assert first.get(path).status_code == 200
    backend = cache.backend()
    kept = _cache_keys(backend)
    for entry in pending:
        lifecycle.verify(entry, world.judge)
        db.session.commit()
        for path in pages:
            assert first.get(path).status_code == 200
        assert _cache_keys(backend) == kept


def _cache_keys(backend) -> set[str]:
    if isinstance(backend, cache.RedisCache):
        return {key.decode() for key in backend._redis.scan_iter("thidua:*")
                if not key.endswith(b":computing")}
    return set(backend._items)


def test_addresses_past_the_end_are_answered_but_never_kept(client, world):
    backend = cache.backend()
    assert client.get(BOARD + "?block=huyen&limit=1&offset=0").status_code == 200
    assert client.get(BOARD_PAGE + "/huyen").status_code == 200
    kept = _cache_keys(backend)
    # Endlessly many addresses show an empty page or the last one: none may fill the cache.
    for address in (BOARD + "?block=huyen&limit=1&offset=2", BOARD + "?block=huyen&limit=2&offset=1",
                    BOARD + "?block=huyen&limit=1&offset=99", BOARD_PAGE + "/huyen?page=2",
                    BOARD_PAGE + "/huyen?page=99"):
        assert client.get(address).status_code == 200, address
    assert _cache_keys(backend) == kept
