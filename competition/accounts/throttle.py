"""Sign-in throttling: failed passwords are counted per account and per address.

Only failures count (a 401 from the sign-in form), so people who type their
password right are never slowed down. Once an account or an address has used
up its failures inside the moving window, every further attempt — even with
the right password — is refused with 429 until the window frees a slot, so a
guesser learns nothing from trying the right one. Every refusal is audited.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from flask import current_app, flash, render_template, request
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from competition import audit
from competition.extensions import db, limiter
from competition.security import wait_seconds


def normalised_username(typed: str) -> str:
    """One name per account however it is typed: composed Unicode (NFKC: a keyboard may send
    `ă` as `a` + a combining breve, or full-width `ｈｏａａｎ`), case folded, whitespace
    trimmed and collapsed."""
    return " ".join(unicodedata.normalize("NFKC", typed).casefold().split())[:64]


def typed_username() -> str:
    """The account an attempt is aimed at: `Admin`, ` admin ` and `ADMIN` count as one."""
    return normalised_username(request.form.get("username", ""))


def _account_key() -> str:
    # Never empty (Flask-Limiter logs an error for an empty key); a blank name is refused
    # by the form with 400, which is never counted.
    return f"account:{typed_username()}"


def _address_key() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def refuse(breached: RequestLimit) -> Response:
    """The sign-in page again, with status 429, the wait, and the attempt in the audit log."""
    from competition.accounts.forms import LoginForm

    seconds = wait_seconds(breached)
    audit.record(
        "login.refused", actor_name=typed_username(),
        after={"username": typed_username(), "limit": str(breached.limit), "wait": seconds},
    )
    db.session.commit()
    flash(
        _("Đăng nhập sai quá nhiều lần. Vui lòng chờ %(seconds)s giây rồi thử lại.",
          seconds=seconds),
        "danger",
    )
    response = current_app.make_response(
        (render_template("accounts/login.html", form=LoginForm()), 429)
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def throttled(view: Callable) -> Callable:
    """Apply the per-account and per-address limits of failed sign-ins to the login view."""
    for limit, key in (
        (lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"], _account_key),
        (lambda: current_app.config["LOGIN_LIMIT_ADDRESS"], _address_key),
    ):
        view = limiter.limit(
            limit, key_func=key, methods=["POST"], deduct_when=_failed, on_breach=refuse
        )(view)
    return view
