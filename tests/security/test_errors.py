"""Every error a visitor can meet is explained in Vietnamese, as JSON under /api/, never as a traceback."""

from __future__ import annotations

import logging

import pytest
from flask import abort

from competition.accounts.access import admin_required
from competition.extensions import db, limiter

MEGABYTE = 1024 * 1024

# The tests add routes of their own, which only an application not yet used allows.
pytestmark = pytest.mark.own_app


def shown(response) -> str:
    """What the reader sees: the page, or the message of a JSON error."""
    return response.json["error"]["message"] if response.is_json else response.get_data(as_text=True)


class Boom(RuntimeError):
    pass


@pytest.fixture
def troubled(app, drive):
    """Routes that fail on purpose, added to the test's own app (tests marked `own_app`)."""

    def conflict():
        abort(409, "Kết quả này vừa được người khác xác nhận.")

    def crash():
        db.session.execute(db.text("SELECT 1"))
        raise Boom("secret-detail-of-the-failure")

    @limiter.limit("1 per minute")
    def limited():
        return {"ok": True}

    for prefix in ("/thu", "/api/v1/thu"):
        app.add_url_rule(f"{prefix}/xung-dot", f"conflict{prefix}", conflict)
        app.add_url_rule(f"{prefix}/hong", f"crash{prefix}", crash)
        app.add_url_rule(f"{prefix}/gioi-han", f"limited{prefix}", limited)
    app.add_url_rule("/thu/quan-tri", "admin_only", admin_required(lambda: "ok"))
    return app


def test_a_form_without_its_csrf_token_is_refused_in_vietnamese(client, drive):
    response = client.post("/tai-khoan/dang-nhap", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Yêu cầu không hợp lệ" in page
    assert "CSRF" not in page  # not Flask-WTF's English


def test_a_page_another_role_owns_is_forbidden_in_vietnamese(troubled, world, visitor):
    visitor.login("hoaan")
    response = visitor.get("/thu/quan-tri")
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện thao tác này." in response.get_data(as_text=True)


def test_an_unknown_page_is_not_found_in_vietnamese(client, drive):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Trang hoặc dữ liệu bạn tìm không tồn tại." in response.get_data(as_text=True)


def test_an_unknown_api_path_answers_json(client, drive):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.json == {"error": {"status": 404,
                                       "message": "Trang hoặc dữ liệu bạn tìm không tồn tại."}}


def test_a_wrong_method_is_refused_in_vietnamese(client, drive):
    response = client.get("/tai-khoan/dang-xuat")
    assert response.status_code == 405
    assert "Trang này không nhận kiểu yêu cầu đó." in response.get_data(as_text=True)


@pytest.mark.parametrize("prefix", ["/thu", "/api/v1/thu"])
def test_a_conflict_keeps_the_message_that_explains_it(troubled, client, prefix):
    response = client.get(f"{prefix}/xung-dot")
    assert response.status_code == 409
    assert "Kết quả này vừa được người khác xác nhận." in shown(response)


def test_the_request_size_limit_leaves_room_for_every_file_of_an_entry(app):
    largest_entry = app.config["MAX_UPLOAD_MB"] * app.config["MAX_FILES_PER_ENTRY"] * MEGABYTE
    assert largest_entry < app.config["MAX_CONTENT_LENGTH"] <= largest_entry + 2 * MEGABYTE


def test_a_body_over_the_limit_is_refused_before_it_is_read(drive, another_app):
    small = another_app(MAX_UPLOAD_MB=1, MAX_FILES_PER_ENTRY=1)
    assert small.config["MAX_CONTENT_LENGTH"] == 2 * MEGABYTE
    with small.app_context():
        client = small.test_client()
        response = client.post("/tai-khoan/dang-nhap", data={"username": "x" * (2 * MEGABYTE + 1)})
        assert response.status_code == 413
        assert "vượt quá giới hạn cho phép" in response.get_data(as_text=True)
        api = client.post("/api/v1/anything", data=b"x" * (2 * MEGABYTE + 1),
                          content_type="application/octet-stream")
        assert api.status_code in (404, 405, 413)  # no such route, but never a 500


@pytest.mark.parametrize("prefix", ["/thu", "/api/v1/thu"])
def test_too_many_requests_says_how_long_to_wait(troubled, client, prefix):
    assert client.get(f"{prefix}/gioi-han").status_code == 200
    response = client.get(f"{prefix}/gioi-han")
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    assert f"Vui lòng chờ {seconds} giây rồi thử lại." in shown(response)


def test_a_crash_shows_a_request_id_and_no_trace_and_logs_both(troubled, client, caplog):
    with caplog.at_level(logging.ERROR, logger="competition"):
        response = client.get("/thu/hong")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert "Lỗi hệ thống" in page
    assert request_id in page
    assert "Traceback" not in page and "secret-detail" not in page and "Boom" not in page
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and "secret-detail-of-the-failure" in logged[0].exc_text


def test_a_crash_under_the_api_answers_json_with_the_request_id(troubled, client):
    response = client.get("/api/v1/thu/hong")
    assert response.status_code == 500
    assert response.json["error"]["request_id"] == response.headers["X-Request-Id"]
    assert "secret-detail" not in response.get_data(as_text=True)


def test_an_id_too_large_for_the_database_is_simply_not_found(app, world, visitor):
    """Found by the fuzzer: on PostgreSQL such an id made the query itself fail (a 500)."""
    visitor.login("thamdinh1")
    for path in ("/don-vi/minh-chung/1000000000000", f"/tham-dinh/ket-qua/{2**31}"):
        assert visitor.get(path).status_code == 404
    assert visitor.get(f"/tham-dinh/ket-qua/{2**31 - 1}").status_code == 404  # the largest: looked up
