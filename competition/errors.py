"""Error pages in the reader's language, JSON under /api/, and no stack trace shown."""

from __future__ import annotations

import logging
import uuid

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)
SHOWN_CODES = (400, 403, 404, 405, 409, 413, 429, 500)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, description: str = "", request_id: str = ""):
    if _wants_json():
        body = {"error": {"status": code, "message": description}}
        if request_id:
            body["error"]["request_id"] = request_id
        return jsonify(body), code
    return render_template(
        "errors/error.html", code=code, description=description, request_id=request_id
    ), code


def handle_http_error(error: HTTPException):
    code = error.code or 500
    # Werkzeug's own English descriptions are replaced by the template's text;
    # a description we set ourselves (abort(409, "...")) is kept.
    description = "" if error.description == type(error).description else error.description
    response = render_error(code, description)
    if code == 429 and getattr(error, "retry_after", None):
        response[0].headers["Retry-After"] = str(error.retry_after)
    return response


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    request_id = uuid.uuid4().hex[:12]
    log.exception("request %s failed: %s %s", request_id, request.method, request.path)
    return render_error(500, "", request_id)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
