"""Forms of the commendation pages. Labels are Vietnamese msgids for the catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from competition.admin.forms import CODE, REQUIRED
from competition.awards import CLASSIFICATION_ORDER
from competition.entries.forms import VietnameseForm
from competition.labels import CLASSIFICATION_LABELS

CLASSIFICATION_CHOICES = [(c.value, CLASSIFICATION_LABELS[c]) for c in reversed(CLASSIFICATION_ORDER)]
REASON_REQUIRED = _l("Hãy ghi lý do cho thay đổi này.")


class AwardRuleForm(VietnameseForm):
    code = StringField(_l("Mã"), validators=[DataRequired(REQUIRED), Length(max=32), CODE])
    name = StringField(_l("Hình thức khen thưởng"),
                       validators=[DataRequired(REQUIRED), Length(max=300)])
    level = StringField(_l("Cấp khen thưởng"), validators=[Length(max=200)])
    block = SelectField(_l("Khối thi đua"))
    max_units = IntegerField(
        _l("Số đơn vị tối đa (mỗi khối)"),
        validators=[InputRequired(REQUIRED),
                    NumberRange(0, 100_000, _l("Số đơn vị tối đa không được nhỏ hơn 0."))],
    )
    min_classification = SelectField(_l("Xếp loại thấp nhất"), choices=CLASSIFICATION_CHOICES)
    min_percent = DecimalField(
        _l("Tỷ lệ điểm tối thiểu (%)"),
        validators=[Optional(), NumberRange(0, 100, _l("Tỷ lệ tối thiểu phải từ 0 đến 100."))],
    )


class ReasonForm(VietnameseForm):
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(REASON_REQUIRED),
                                                    Length(max=2000)])


class AddUnitForm(ReasonForm):
    unit = SelectField(_l("Đơn vị"), validators=[DataRequired(REQUIRED)])
    award = SelectField(_l("Hình thức khen thưởng"), coerce=int)


class DecisionForm(VietnameseForm):
    proposal_number = StringField(_l("Số tờ trình"), validators=[Length(max=64)])
    decision_number = StringField(_l("Số quyết định"),
                                  validators=[DataRequired(REQUIRED), Length(max=64)])
    decision_date = DateField(_l("Ngày ký quyết định"),
                              validators=[InputRequired(_l("Hãy nhập ngày ký quyết định."))])
    signer_title = TextAreaField(_l("Chức danh người ký"), validators=[Length(max=200)])
    signer_name = StringField(_l("Họ tên người ký"),
                              validators=[DataRequired(REQUIRED), Length(max=200)])
