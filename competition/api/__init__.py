"""Dữ liệu mở (JSON) cho báo chí và các đơn vị: the open data API at /api/v1."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from competition.api import views  # noqa: E402,F401
