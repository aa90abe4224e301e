"""Public pages: what anyone can read without signing in.

Every page of the active drive has a second address on the archive,
`/dot/<drive-slug>/…`, for any drive, past or present: the same view, about
that drive. The slug is taken off the URL before the view runs
(`g.drive_slug`, read by `freshness.current_drive`) and put back on every
link built while the page renders, so a reader inside a past drive stays
inside it.
"""

from collections.abc import Callable

from flask import Blueprint, current_app, g
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("public", __name__)
navigation.register("public.index", _l("Trang chủ"), order=0)
navigation.register("public.leaderboard", _l("Bảng xếp hạng"), order=1)
navigation.register("public.propaganda", _l("Tuyên truyền"), order=2)
navigation.register("public.changes", _l("Nhật ký xếp hạng"), order=3)
navigation.register("public.results", _l("Kết quả chính thức"), order=4)
navigation.register("public.rules_page", _l("Thể lệ"), order=5)

ARCHIVE_PREFIX = "/dot/<drive_slug>"


def route(rule: str, **options) -> Callable:
    """`bp.route` at the active drive's address and at every drive's archive address."""

    def decorator(view: Callable) -> Callable:
        bp.add_url_rule(rule, view_func=view, **options)
        bp.add_url_rule(ARCHIVE_PREFIX + rule, view_func=view, **options)
        return view

    return decorator


@bp.url_value_preprocessor
def take_drive_slug(endpoint: str | None, values: dict | None) -> None:
    g.drive_slug = values.pop("drive_slug", None) if values else None


@bp.url_defaults
def keep_drive_slug(endpoint: str, values: dict) -> None:
    slug = g.get("drive_slug")
    if slug and "drive_slug" not in values and current_app.url_map.is_endpoint_expecting(
            endpoint, "drive_slug"):
        values["drive_slug"] = slug


from competition.public import views  # noqa: E402,F401
