"""Forms of the reports area: the narrative of a monthly report, reopening, export filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

HIGHLIGHTS_MAX = 5000
DIFFICULTIES_MAX = 3000
PROPOSALS_MAX = 3000


def _at_most(limit: int, what: str) -> Length:
    return Length(max=limit, message=_l("%(what)s dài quá %(limit)s ký tự; vui lòng rút gọn.",
                                        what=what, limit=f"{limit:,}".replace(",", ".")))


class MonthlyReportForm(FlaskForm):
    """What the reporter writes; the figures come from the entries, never from this form."""

    number = StringField(_l("Số, ký hiệu"), validators=[_at_most(64, _l("Số, ký hiệu"))])
    highlights = TextAreaField(
        _l("Những kết quả nổi bật"),
        validators=[_at_most(HIGHLIGHTS_MAX, _l("Phần kết quả nổi bật"))],
    )
    difficulties = TextAreaField(
        _l("Khó khăn, vướng mắc"),
        validators=[_at_most(DIFFICULTIES_MAX, _l("Phần khó khăn, vướng mắc"))],
    )
    proposals = TextAreaField(
        _l("Đề xuất, kiến nghị"),
        validators=[_at_most(PROPOSALS_MAX, _l("Phần đề xuất, kiến nghị"))],
    )
    signer_title = TextAreaField(
        _l("Chức danh người ký"), validators=[_at_most(200, _l("Chức danh người ký"))]
    )
    signer_name = StringField(
        _l("Họ và tên người ký"), validators=[_at_most(200, _l("Họ và tên người ký"))]
    )


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do mở lại"),
        validators=[DataRequired(_l("Hãy ghi lý do mở lại báo cáo.")),
                    _at_most(1000, _l("Lý do mở lại"))],
    )


class EntryFilterForm(FlaskForm):
    """Filters of the entries export, read from the query string (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    criterion = SelectField(_l("Tiêu chí"), choices=[], validate_choice=True)
    status = SelectField(_l("Trạng thái"), choices=[], validate_choice=True)
    unit = SelectField(_l("Đơn vị"), choices=[], validate_choice=True)
    block = SelectField(_l("Khối"), choices=[], validate_choice=True)
    month = SelectField(_l("Tháng hoạt động"), choices=[], validate_choice=True)
