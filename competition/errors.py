"""Error pages in the reader's language, JSON under /api/, and no stack trace shown.

Unexpected errors get a short request id, shown to the reader and written to
the log beside the traceback, so a report over the phone finds its log line.
"""

from __future__ import annotations

import uuid

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from competition.extensions import db, limiter
from competition.security import wait_seconds

MESSAGES = {
    400: (_l("Yêu cầu không hợp lệ"), _l("Dữ liệu gửi lên không hợp lệ hoặc biểu mẫu đã hết hạn. "
                                        "Vui lòng tải lại trang và thử lại.")),
    401: (_l("Chưa đăng nhập"), _l("Vui lòng đăng nhập để tiếp tục.")),
    403: (_l("Không có quyền"), _l("Bạn không có quyền thực hiện thao tác này.")),
    404: (_l("Không tìm thấy"), _l("Trang hoặc dữ liệu bạn tìm không tồn tại.")),
    405: (_l("Thao tác không được phép"), _l("Trang này không nhận kiểu yêu cầu đó.")),
    409: (_l("Xung đột dữ liệu"), _l("Dữ liệu đã thay đổi hoặc không ở trạng thái cho phép "
                                    "thao tác này.")),
    413: (_l("Tệp quá lớn"), _l("Tệp hoặc dữ liệu gửi lên vượt quá giới hạn cho phép.")),
    429: (_l("Quá nhiều yêu cầu"), _l("Bạn đã thử quá nhiều lần. Vui lòng chờ %(seconds)s giây "
                                     "rồi thử lại.")),
    500: (_l("Lỗi hệ thống"), _l("Đã có lỗi xảy ra. Chúng tôi đã ghi nhận và sẽ khắc phục.")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, description: str = "", request_id: str = "", seconds: int = 0):
    """The error as a Vietnamese page, or as JSON under /api/; never a traceback."""
    heading, text = MESSAGES.get(code, MESSAGES[500])
    message = description or str(text) % {"seconds": seconds}
    if _wants_json():
        body = {"error": {"status": code, "message": message}}
        if request_id:
            body["error"]["request_id"] = request_id
        response = jsonify(body)
    else:
        response = render_template(
            "errors/error.html", code=code, heading=heading, message=message,
            request_id=request_id,
        )
    return response, code, {"X-Request-Id": request_id} if request_id else {}


def handle_http_error(error: HTTPException):
    if error.response is not None:  # a page made on purpose (the sign-in throttle's)
        return error.response
    code = error.code or 500
    # Werkzeug's and Flask-WTF's English descriptions are replaced by our text;
    # a description we set ourselves (abort(409, "...")) is kept.
    ours = error.description != type(error).description and not isinstance(error, CSRFError)
    description = error.description if ours else ""
    if code == 429:
        seconds = wait_seconds(limiter.current_limit)
        body, status, headers = render_error(429, seconds=seconds)
        return body, status, {**headers, "Retry-After": str(seconds)}
    return render_error(code, description)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    request_id = uuid.uuid4().hex[:12]
    current_app.logger.exception("request %s failed: %s %s", request_id, request.method, request.path)
    # The failed transaction must not break the error page itself (it reads the signed-in user).
    db.session.rollback()
    return render_error(500, "", request_id)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
