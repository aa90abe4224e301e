"""Quản trị: đợt thi đua, tiêu chí, chỉ tiêu, đơn vị, tài khoản, nhập dữ liệu, sao lưu, nhật ký.

Everything a federation's office needs to set up and run a drive without a
terminal. Views stay thin; the work several pages share lives in
`competition.admin.services`.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from competition import navigation

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")
navigation.register("admin.index", _l("Quản trị"), roles=("admin",), order=80)



def full_admin() -> bool:
    """Templates (macros included) show a scoped admin only the pages it may use."""
    from flask_login import current_user

    from competition.permissions import is_full_admin

    return current_user.is_authenticated and is_full_admin(current_user)


@bp.record_once
def _register_template_global(state) -> None:
    state.app.jinja_env.globals["full_admin"] = full_admin


from competition.admin import data_views, drive_views, people_views, results_views  # noqa: E402,F401
