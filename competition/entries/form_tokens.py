"""Single-use tokens that make creating an entry idempotent per form.

Every new-entry form (the reporter's and the judges' penalty form) carries a
random token drawn when the page was drawn. The transaction that creates the
entry first claims the token as the primary key of an `EntryFormUse` row, so
of two submissions of the same form in flight (a double click, a resent
request after a slow network) only the first creates anything: the second
waits on the row, finds it taken and is shown the entry the first one made.
A form without a token (a script, an old page) simply creates its entry.
"""

from __future__ import annotations

import re
import secrets

from flask import flash, redirect
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from competition.extensions import db
from competition.models import Entry, EntryFormUse, User

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class FormAlreadyUsed(Exception):
    """This form already made an entry; `entry_id` is that entry (None if it was deleted)."""

    def __init__(self, entry_id: int | None) -> None:
        super().__init__(entry_id)
        self.entry_id = entry_id


def second_submission(where: str) -> Response:
    """The answer to a form sent again: nothing new; the reader is shown what the first made."""
    flash(_("Biểu mẫu này đã được gửi một lần; kết quả chỉ được lưu một lần."), "info")
    return redirect(where, 303)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def valid(raw: str | None) -> str | None:
    """The token a form sent, or None when it sent none (or something that is not one)."""
    return raw if raw and TOKEN.fullmatch(raw) else None


def refuse_if_used(token: str | None, actor: User) -> None:
    """Before any work: a form that already made an entry makes no second one."""
    if token is None:
        return
    used = db.session.get(EntryFormUse, token)
    if used is not None and used.user_id == actor.id:
        raise FormAlreadyUsed(used.entry_id)


def claim(token: str | None, actor: User) -> EntryFormUse | None:
    """Take the token in the caller's transaction (waits for, then loses to, a twin in flight)."""
    if token is None:
        return None
    use = EntryFormUse(token=token, user_id=actor.id)
    db.session.add(use)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        used = db.session.get(EntryFormUse, token)
        raise FormAlreadyUsed(used.entry_id if used and used.user_id == actor.id else None) from None
    return use


def record(use: EntryFormUse | None, entry: Entry) -> None:
    """Name the entry the form made (after the entry has its id)."""
    if use is not None:
        use.entry_id = entry.id
