"""Dữ liệu mở (JSON) cho báo chí và các đơn vị: the open data API at /api/v1.

Every endpoint is about the active drive, or about the drive `?drive=<slug>`
names (any drive on record; an unknown slug is 404).
"""

from flask import Blueprint, g, request

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def choose_drive() -> None:
    g.drive_slug = request.args.get("drive", "").strip() or None


from competition.api import views  # noqa: E402,F401
