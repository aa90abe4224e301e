"""Forms of appeals and of the publication of results."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from competition.entries.forms import VietnameseForm


class AppealForm(VietnameseForm):
    """A unit appeals one decision: which one (entry or assessment), why, and a link as evidence."""

    entry_id = HiddenField()
    assessment_id = HiddenField()
    reason = TextAreaField(_l("Lý do khiếu nại"), validators=[
        Length(max=4000, message=_l("Tối đa 4.000 ký tự."))])
    evidence_url = StringField(_l("Đường dẫn minh chứng bổ sung (không bắt buộc)"), validators=[
        Optional(), Length(max=1000, message=_l("Tối đa 1.000 ký tự."))])


class AppealDecisionForm(VietnameseForm):
    outcome = RadioField(_l("Kết luận"), choices=[
        ("uphold", _l("Giữ nguyên quyết định")), ("amend", _l("Sửa quyết định"))], default="uphold")
    amended_value = StringField(_l("Số lượng / điểm sau khi sửa"), validators=[Optional()])
    reason = TextAreaField(_l("Lý do kết luận"), validators=[
        Length(max=4000, message=_l("Tối đa 4.000 ký tự."))])


class WithdrawForm(VietnameseForm):
    reason = TextAreaField(_l("Lý do rút lại công bố (công khai)"), validators=[
        Length(max=4000, message=_l("Tối đa 4.000 ký tự."))])
