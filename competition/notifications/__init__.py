"""Notifications: the bell and its page, the email outbox and its worker, reminders on a schedule."""

from flask import Blueprint

from competition.notifications import models  # noqa: F401  (the tables, for migrations)

bp = Blueprint("notifications", __name__, url_prefix="/thong-bao")

from competition.notifications import views  # noqa: E402,F401
