"""Writing notifications and their emails, reading them back, marking them read.

`notify` is called inside the transaction of the change that caused it: the
notification rows and the outbox rows are added to the caller's session and
commit (or roll back) with the change. Nothing here talks to a mail server.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update

from competition.clock import now
from competition.extensions import db
from competition.models import EmailPreference, User
from competition.notifications.messages import compose
from competition.notifications.models import Notification, OutboxMessage

UNSUBSCRIBE_SALT = "notifications-unsubscribe"


def path_for(endpoint: str, **values: object) -> str:
    """The path of a page, built without a request (workers and the command line make links too)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    """A link for an email: the site's public address (SITE_URL) and the path."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def unsubscribe_token(user: User) -> str:
    """A signed token naming the account and its address: a changed address voids old links."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    return serializer.dumps({"user": user.id, "email": user.email or ""})


def user_of_token(token: str) -> User | None:
    """The account an unsubscribe token names, or None when forged or out of date."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    try:
        data = serializer.loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or (user.email or "") != data.get("email"):
        return None
    return user


def email_body(user: User, lines: Iterable[tuple[str, str]]) -> str:
    """The plain-text email: each message with its link, then the unsubscribe link."""
    parts = [f"{text}\n{absolute(link)}" for text, link in lines]
    unsubscribe = absolute(path_for("notifications.unsubscribe", token=unsubscribe_token(user)))
    parts.append(f"--\nKhông muốn nhận email này nữa: {unsubscribe}")
    return "\n\n".join(parts) + "\n"


def wants_each_email(user: User) -> bool:
    return bool(user.email) and user.active and user.email_preference == EmailPreference.ALL


def queue_email(user: User, subject: str, body: str, kind: str, key: str | None = None) -> None:
    db.session.add(OutboxMessage(
        user_id=user.id, to_address=user.email, subject=subject, body=body, kind=kind, key=key,
        next_attempt_at=now(),
    ))


def notify(
    users: Iterable[User], kind: str, link: str, *, key: str | None = None, **values: object
) -> list[Notification]:
    """Tell each of `users` (once each) a message of `kind` about the page at `link`.

    Adds the notifications, and an email for everyone who wants each one, to
    the current transaction. `key` marks a scheduled message that must reach
    a person at most once (the schedule's claim and a unique constraint).
    """
    subject, text = compose(kind, **values)
    made, seen = [], set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        notification = Notification(user_id=user.id, kind=kind, text=text, link=link, key=key)
        db.session.add(notification)
        made.append(notification)
        if wants_each_email(user):
            queue_email(user, subject, email_body(user, [(text, link)]), kind)
    return made


# --- Reading -------------------------------------------------------------------


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def latest_unread(user: User, limit: int = 5) -> list[Notification]:
    """What is waiting for the person, newest first (the dashboard shows these first)."""
    return list(db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def notifications_of(user: User):
    """Every notification of the person, newest first (a query to paginate)."""
    return (
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = now()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now())
    )
    return result.rowcount or 0
