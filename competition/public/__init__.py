"""Public pages: what anyone can read without signing in."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("public", __name__)
navigation.register("public.index", _l("Trang chủ"), order=0)

from competition.public import views  # noqa: E402,F401
