"""Public pages: what anyone can read without signing in."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("public", __name__)
navigation.register("public.index", _l("Trang chủ"), order=0)
navigation.register("public.leaderboard", _l("Bảng xếp hạng"), order=1)
navigation.register("public.propaganda", _l("Tuyên truyền"), order=2)
navigation.register("public.changes", _l("Nhật ký xếp hạng"), order=3)
navigation.register("public.rules_page", _l("Thể lệ"), order=4)

from competition.public import views  # noqa: E402,F401
