"""Forms of the judging area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from competition.entries.forms import VietnameseForm
from competition.entry_rules import MAX_QUANTITY


class DecisionForm(VietnameseForm):
    """Verify, return, reject or reopen one entry; carries the version the judge saw."""

    version = HiddenField()
    quantity = IntegerField(
        _l("Số lượng xác nhận (để trống nếu đúng như báo cáo)"),
        validators=[Optional(), NumberRange(0, MAX_QUANTITY, _l("Số lượng không hợp lệ."))],
    )
    reason = TextAreaField(_l("Lý do"), validators=[
        Optional(), Length(max=2000, message=_l("Tối đa 2.000 ký tự."))])


class GridForm(VietnameseForm):
    """The assessment grid; its cells are named `points-<unit>-<criterion>` and read by hand."""
