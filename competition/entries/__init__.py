"""Cán bộ đơn vị: kết quả và minh chứng của đơn vị."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("entries", __name__, url_prefix="/don-vi")
navigation.register("entries.dashboard", _l("Đơn vị của tôi"), roles=("unit",), order=20)
navigation.register("entries.index", _l("Kết quả"), roles=("unit",), order=21)

from competition.entries import views  # noqa: E402,F401
