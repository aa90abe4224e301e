"""Báo cáo tháng và báo cáo tổng hợp."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
navigation.register("reports.index", _l("Báo cáo tháng"), roles=("unit",), order=40)
navigation.register("reports.summary", _l("Tổng hợp báo cáo"), roles=("admin", "judge"), order=60)

from competition.reports import views  # noqa: E402,F401
