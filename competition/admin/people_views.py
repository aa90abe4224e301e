"""Units (the hierarchy, blocks, member counts) and user accounts."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from competition import audit, standings
from competition.accounts.access import unit_admin_required
from competition.admin import bp, services
from competition.admin.drive_views import _bump_active, _status
from competition.admin.forms import ROLE_NAMES, UnitForm, UserForm
from competition.admin.scope import AdminScope, admin_scope
from competition.extensions import db
from competition.hierarchy import HierarchyError, check_council, check_placement
from competition.imports import _free_slug, slugify
from competition.models import Block, Role, Unit, User
from competition.security import optional_id, page_number

UNIT_FIELDS = ("code", "name", "kind", "parent_id", "block_id", "member_count", "place", "active")
USER_FIELDS = ("full_name", "email", "role", "unit_id", "council_id", "active",
               "must_change_password")


def _scope() -> AdminScope:
    return admin_scope(current_user._get_current_object())

# --- Units ----------------------------------------------------------------


@bp.route("/don-vi")
@unit_admin_required
def units():
    scope = _scope()
    roots, children = services.unit_tree(scope.unit_ids)
    drive = standings.active_drive()
    missing = services.units_missing_members(drive) if drive else []
    return render_template("admin/units.html", roots=roots, children=children,
                           missing_members=missing,
                           blocks={b.id: b for b in services.all_blocks()}, scope=scope)


def _placement_error(form: UnitForm, scope: AdminScope, unit: Unit | None) -> bool:
    """The tree's rules and the admin's reach, checked before anything changes."""
    parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
    block = db.session.get(Block, form.block_id.data) if form.block_id.data else None
    try:
        scope.check_unit(parent, block)
        check_placement(unit or Unit(), parent, block)
    except HierarchyError as refused:
        getattr(form, refused.field or "parent_id").errors.append(refused.message)
        return True
    return False


def _unit_form(unit: Unit | None):
    scope = _scope()
    if unit is not None:
        scope.require(scope.manages(unit))
    form = UnitForm(obj=unit)
    excluded = ({unit.id} | services.descendants(unit)) if unit else set()
    top = [(0, _("— Không có (cấp cao nhất) —"))]
    # Every unit passes the select's own check, so a move into the subtree gets the clear message
    # below; the page then offers only the allowed parents.
    # Every unit and block passes the selects' own check, so a choice outside the tree's rules
    # or the admin's reach gets the clear message below; the page then offers only allowed ones.
    form.parent_id.choices = top + services.unit_choices()
    form.block_id.choices = [(0, _("— Không xếp hạng —"))] + [
        (b.id, b.name) for b in services.all_blocks()
    ]
    if request.method == "GET" and unit is None and optional_id(request.args.get("parent")):
        form.parent_id.data = optional_id(request.args.get("parent"))
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Unit.id).where(Unit.code == code, Unit.id != (unit.id if unit else 0))):
            form.code.errors.append(_("Mã đơn vị đã có."))
        elif _placement_error(form, scope, unit):
            pass
        else:
            before = {name: getattr(unit, name) for name in UNIT_FIELDS} if unit else {}
            if unit is None:
                taken = set(db.session.scalars(select(Unit.slug)))
                unit = Unit(slug=_free_slug(slugify(form.name.data), taken))
                db.session.add(unit)
            unit.code, unit.name, unit.kind = code, form.name.data.strip(), form.kind.data
            unit.parent_id = form.parent_id.data or None
            unit.block_id = form.block_id.data or None
            unit.member_count = form.member_count.data
            unit.place = (form.place.data or "").strip()
            unit.active = form.active.data
            db.session.flush()
            old, new = audit.changes(before, {name: getattr(unit, name) for name in UNIT_FIELDS})
            audit.record("unit.update" if before else "unit.create", unit, unit_id=unit.id,
                         before=old or None, after=new)
            _bump_active()
            db.session.commit()
            flash(_("Đã lưu đơn vị «%(name)s».", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    form.parent_id.choices = top + services.unit_choices(excluded, within=scope)
    form.block_id.choices = [(0, _("— Không xếp hạng —"))] + [
        (b.id, b.name) for b in scope.blocks()
    ]
    return render_template("admin/unit_form.html", form=form, unit=unit), _status()


@bp.route("/don-vi/moi", methods=["GET", "POST"])
@unit_admin_required
def unit_new():
    return _unit_form(None)


@bp.route("/don-vi/<int:unit_id>", methods=["GET", "POST"])
@unit_admin_required
def unit_edit(unit_id: int):
    return _unit_form(db.get_or_404(Unit, unit_id))


# --- Users ----------------------------------------------------------------


@bp.route("/tai-khoan")
@unit_admin_required
def users():
    query = services.users_within(_scope()).order_by(User.role, User.username)
    role = request.args.get("role", "")
    if role in set(Role):
        query = query.where(User.role == role)
    search = request.args.get("q", "").strip()
    if search:
        like = f"%{search}%"
        query = query.outerjoin(Unit, User.unit_id == Unit.id).where(
            or_(User.username.ilike(like), User.full_name.ilike(like), Unit.name.ilike(like))
        )
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, role=role, search=search)


def _user_form(user: User | None):
    scope = _scope()
    if user is not None:
        scope.require(scope.manages_user(user))
    form = UserForm(obj=user)
    form.unit_id.choices = [(0, _("— Không thuộc đơn vị —"))] + services.unit_choices(within=scope)
    form.council_id.choices = services.council_choices(scope)
    if form.council_id.data is None:
        form.council_id.data = 0  # no council (the province's); forms without the field mean it
    if not scope.is_full:
        # A district's admin makes its reporters and its own council's judges, nothing else.
        form.role.choices = [(r, ROLE_NAMES[r]) for r in (Role.UNIT, Role.JUDGE)]
    if form.validate_on_submit():
        me = current_user._get_current_object()
        username = form.username.data.strip()
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        council = db.session.get(Unit, form.council_id.data) if form.council_id.data else None
        if db.session.scalar(select(User.id).where(User.username == username,
                                                   User.id != (user.id if user else 0))):
            form.username.errors.append(_("Tên đăng nhập đã có."))
        elif not scope.is_full and form.role.data == Role.UNIT and not scope.manages(unit):
            form.unit_id.errors.append(_("Bạn chỉ tạo được tài khoản cho đơn vị thuộc "
                                         "«%(organiser)s».", organiser=scope.council.name))
        elif not scope.is_full and (council is None or council.id != scope.council.id) \
                and form.role.data == Role.JUDGE:
            form.council_id.errors.append(_("Thành viên tổ thẩm định do bạn tạo phải thuộc hội "
                                            "đồng của «%(organiser)s».",
                                            organiser=scope.council.name))
        elif _council_error(form, council):
            pass
        elif user is not None and user.id == me.id and (
            not form.active.data or form.role.data != Role.ADMIN
        ):
            form.role.errors.append(_("Bạn không thể tự khóa hoặc bỏ quyền quản trị của chính mình."))
        else:
            password = None
            before = {name: getattr(user, name) for name in USER_FIELDS} if user else {}
            if user is None:
                user = User(username=username)
                password = services.new_password()
                user.set_password(password)
                db.session.add(user)
            user.username = username
            user.full_name = form.full_name.data.strip()
            user.email = form.email.data
            user.role = form.role.data
            user.unit_id = form.unit_id.data or None
            user.council_id = form.council_id.data or None
            user.must_change_password = form.must_change_password.data
            if before and before["active"] and not form.active.data:
                # A deactivated account is signed out everywhere at once.
                user.end_sessions()
            user.active = form.active.data
            db.session.flush()
            old, new = audit.changes(before, {name: getattr(user, name) for name in USER_FIELDS})
            audit.record("user.update" if before else "user.create", user, unit_id=user.unit_id,
                         before=old or None, after={"username": user.username, **new})
            db.session.commit()
            if password:
                return _password_page(user, password, created=True)
            flash(_("Đã lưu tài khoản «%(name)s».", name=user.username), "success")
            return redirect(url_for("admin.users"))
    if user is not None:
        form.username.render_kw = {"readonly": True}
    return render_template("admin/user_form.html", form=form, user=user), _status()


def _council_error(form: UserForm, council: Unit | None) -> bool:
    try:
        check_council(council, form.role.data)
    except HierarchyError as refused:
        form.council_id.errors.append(refused.message)
        return True
    return False


@bp.route("/tai-khoan/moi", methods=["GET", "POST"])
@unit_admin_required
def user_new():
    return _user_form(None)


@bp.route("/tai-khoan/<int:user_id>", methods=["GET", "POST"])
@unit_admin_required
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    if request.method == "POST" and request.form.get("username", user.username) != user.username:
        abort(400)  # usernames are fixed once created: the audit log names people by them
    return _user_form(user)


@bp.route("/tai-khoan/<int:user_id>/dat-lai-mat-khau", methods=["POST"])
@unit_admin_required
def user_reset_password(user_id: int):
    """A new password, shown once on this page only; the user is signed out everywhere."""
    user = db.get_or_404(User, user_id)
    scope = _scope()
    scope.require(scope.manages_user(user))
    password = services.new_password()
    user.set_password(password)
    user.must_change_password = True
    audit.record("user.reset_password", user, unit_id=user.unit_id,
                 after={"must_change_password": True})
    db.session.commit()
    return _password_page(user, password, created=False)


def _password_page(user: User, password: str, created: bool) -> Response:
    """The one page that ever shows a password; never kept by a browser or proxy cache."""
    response = make_response(render_template("admin/password_shown.html", user=user,
                                              password=password, created=created))
    response.headers["Cache-Control"] = "no-store"
    return response
