"""Khiếu nại: units appeal decisions after the freeze; another judge decides."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("appeals", __name__, url_prefix="/khieu-nai")
navigation.register("appeals.index", _l("Khiếu nại"), roles=("unit", "judge", "admin"), order=35)

from competition.appeals import views  # noqa: E402,F401
