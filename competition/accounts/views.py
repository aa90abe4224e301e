"""Sign-in, sign-out and changing one's own password."""

from __future__ import annotations

import unicodedata

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from competition import audit
from competition.accounts import bp
from competition.accounts.forms import LoginForm, PasswordForm
from competition.accounts.passwords import password_matches, password_problem
from competition.accounts.throttle import throttled
from competition.extensions import db, login_manager
from competition.models import User
from competition.redirects import local_target

login_manager.login_view = "accounts.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "warning"

PASSWORD_EXEMPT_ENDPOINTS = {"accounts.password", "accounts.logout", "static"}


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Sessions name the user and their session token; a changed token signs them out."""
    user_id, _sep, token = identity.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


HOME_ENDPOINTS = {"unit": "entries.dashboard", "judge": "judging.queue", "admin": "admin.index"}


def home_for(user: User) -> str:
    """Where each role starts after signing in: the reporter's dashboard, the judges' queue,
    the admin's overview."""
    endpoint = HOME_ENDPOINTS.get(user.role, "public.index")
    if endpoint not in current_app.view_functions:
        endpoint = "public.index"
    return url_for(endpoint)


@bp.route("/ngon-ngu/<lang>")
def language(lang: str) -> Response:
    """The language switch: a preference the browser keeps in a cookie (no server state)."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_target(request.args.get("next"), url_for("public.index")))
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.before_app_request
def require_password_change() -> Response | None:
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in PASSWORD_EXEMPT_ENDPOINTS
    ):
        return redirect(url_for("accounts.password"))
    return None


@bp.route("/dang-nhap", methods=["GET", "POST"])
@throttled
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = db.session.scalars(
            select(User).where(User.username == unicodedata.normalize(
                "NFC", form.username.data.strip()))
        ).first()
        if password_matches(user, form.password.data):
            login_user(user)
            audit.record("login.success", user, unit_id=user.unit_id, actor=user)
            db.session.commit()
            return redirect(local_target(request.args.get("next"), home_for(user)))
        audit.record(
            "login.failure", user, actor_name=form.username.data[:64],
            after={"username": form.username.data[:64]},
        )
        db.session.commit()
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    user: User = current_user._get_current_object()
    audit.record("logout", user, unit_id=user.unit_id)
    user.end_sessions()  # a copy of this cookie (or any other session) stops working too
    db.session.commit()
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("public.index"))


@bp.route("/mat-khau", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        user: User = current_user._get_current_object()
        problem = password_problem(form.new.data, user.username)
        if not user.check_password(form.current.data):
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
            status = 400
        elif problem:
            form.new.errors.append(problem)
            status = 400
        else:
            user.set_password(form.new.data)
            user.must_change_password = False
            audit.record("user.password", user, unit_id=user.unit_id)
            db.session.commit()
            login_user(user)  # the new session token signs out every other session
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(home_for(user))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/password.html", form=form), status
