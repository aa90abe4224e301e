"""Dữ liệu mở (JSON) cho báo chí và các đơn vị."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
