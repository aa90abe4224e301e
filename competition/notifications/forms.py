"""The forms of the notifications area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from competition.models import EmailPreference

PREFERENCE_LABELS = {
    EmailPreference.ALL: _l("Mọi thông báo, ngay khi có"),
    EmailPreference.DIGEST: _l("Một email tổng hợp mỗi ngày"),
    EmailPreference.NONE: _l("Không nhận email (chỉ xem trong ứng dụng)"),
}


class PreferenceForm(FlaskForm):
    email_preference = RadioField(
        _l("Nhận thông báo qua email"), choices=list(PREFERENCE_LABELS.items()),
    )


class ActionForm(FlaskForm):
    """A button that changes something (mark read, send again): only the CSRF token."""
