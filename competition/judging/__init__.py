"""Tổ thẩm định: xác nhận, trả lại, từ chối và chấm điểm."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("judging", __name__, url_prefix="/tham-dinh")
navigation.register("judging.queue", _l("Thẩm định"), roles=("judge", "admin"), order=30)
navigation.register("judging.assessments", _l("Chấm điểm"), roles=("judge", "admin"), order=31)

from competition.judging import views  # noqa: E402,F401
