"""Accounts: sign-in, sign-out, own password, and the role checks every area uses."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/tai-khoan")

from competition.accounts import views  # noqa: E402,F401
