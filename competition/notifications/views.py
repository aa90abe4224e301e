"""The notifications pages: the list, mark read, the email choice, unsubscribe, the admin's outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from competition import audit
from competition.accounts.access import admin_required
from competition.extensions import csrf, db
from competition.models import EmailPreference, User
from competition.notifications import bp, outbox, services
from competition.notifications.forms import PREFERENCE_LABELS, ActionForm, PreferenceForm
from competition.notifications.models import Notification, OutboxMessage, OutboxStatus
from competition.security import database_id

PER_PAGE = 20


@bp.app_context_processor
def bell() -> dict:
    """The unread count for the bell in the header, and what a dashboard lists first."""
    if not current_user.is_authenticated:
        return {}
    me = _me()
    return {"unread_notifications": services.unread_count(me),
            "waiting_for_me": lambda: services.latest_unread(me)}


def _me() -> User:
    return current_user._get_current_object()


def _mine(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


def _checked() -> None:
    if not ActionForm().validate():
        abort(400)


@bp.route("/")
@login_required
def index():
    page = db.paginate(services.notifications_of(_me()),
                       page=request.args.get("page", 1, type=database_id),
                       per_page=PER_PAGE, error_out=False)
    preference = PreferenceForm(email_preference=current_user.email_preference)
    return render_template("notifications/index.html", page=page,
                           preference=preference, unread=services.unread_count(_me()))


@bp.route("/<int:notification_id>/mo", methods=["POST"])
@login_required
def open_(notification_id: int):
    """Mark the notification read and go to the page it is about."""
    _checked()
    notification = _mine(notification_id)
    services.mark_read(notification)
    db.session.commit()
    link = notification.link
    if not link.startswith("/") or link.startswith("//"):
        link = url_for("notifications.index")
    return redirect(link)


@bp.route("/<int:notification_id>/da-doc", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    _checked()
    services.mark_read(_mine(notification_id))
    db.session.commit()
    return redirect(url_for("notifications.index", page=request.args.get("page", type=database_id)))


@bp.route("/da-doc-het", methods=["POST"])
@login_required
def mark_all_read():
    _checked()
    count = services.mark_all_read(_me())
    db.session.commit()
    flash(_("Đã đánh dấu %(n)s thông báo là đã đọc.", n=count), "success")
    return redirect(url_for("notifications.index"))


def _set_preference(user: User, preference: str, how: str) -> None:
    before = user.email_preference
    user.email_preference = preference
    audit.record("user.email_preference", user, unit_id=user.unit_id,
                 before={"email_preference": before},
                 after={"email_preference": preference, "via": how}, actor=user)
    db.session.commit()


@bp.route("/email", methods=["POST"])
@login_required
def preference():
    form = PreferenceForm()
    if not form.validate():
        abort(400, _("Hãy chọn một cách nhận email."))
    _set_preference(_me(), form.email_preference.data, "settings")
    flash(_("Đã lưu: %(choice)s.", choice=PREFERENCE_LABELS[form.email_preference.data]),
          "success")
    return redirect(url_for("notifications.index"))


@bp.route("/huy-nhan-email/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority: mail clients post it without a session
def unsubscribe(token: str):
    """Stop emails from a link in any email, without signing in (and RFC 8058 one-click)."""
    user = services.user_of_token(token)
    if user is None:
        return render_template("notifications/unsubscribe.html", user=None), 404
    done = request.method == "POST"
    if done and user.email_preference != EmailPreference.NONE:
        _set_preference(user, EmailPreference.NONE, "unsubscribe_link")
    return render_template("notifications/unsubscribe.html", user=user, done=done,
                           token=token)


@bp.route("/hop-thu-di")
@admin_required
def outbox_page():
    """The admin's view of the email outbox: what failed, what is uncertain, what retries."""
    page = db.paginate(outbox.troubles(), page=request.args.get("page", 1, type=database_id),
                       per_page=PER_PAGE, error_out=False)
    return render_template("notifications/outbox.html", page=page, counts=outbox.counts(),
                           action=ActionForm(), Status=OutboxStatus)


@bp.route("/hop-thu-di/<int:message_id>/gui-lai", methods=["POST"])
@admin_required
def send_again(message_id: int):
    _checked()
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status == OutboxStatus.SENT:
        abort(409, _("Email này đã được gửi."))
    before = {"status": message.status, "attempts": message.attempts}
    outbox.send_again(message)
    audit.record("outbox.send_again", message, unit_id=None, before=before,
                 after={"status": message.status, "to": message.to_address})
    db.session.commit()
    flash(_("Email tới %(to)s sẽ được gửi lại ở lượt tới của tiến trình gửi.",
            to=message.to_address), "success")
    return redirect(url_for("notifications.outbox_page"))
