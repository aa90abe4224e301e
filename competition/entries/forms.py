"""Forms of the entries area; the penalty form of the judging area extends the entry form."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateTimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from competition.entry_rules import MAX_QUANTITY


def optional_int(value: object) -> int | None:
    """Select values arrive as text; an empty choice means none."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1  # not a valid choice: the select's own check reports it


class VietnameseMessages:
    """WTForms' own messages (it ships no Vietnamese catalogue) in the reader's language."""

    MESSAGES = {
        "Not a valid integer value.": _l("Hãy nhập một số nguyên."),
        "Not a valid date value.": _l(
            "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 03/05/2021."),
        "Not a valid datetime value.": _l(
            "Thời điểm không hợp lệ: hãy nhập theo dạng ngày/tháng/năm giờ:phút, "
            "ví dụ 30/06/2021 17:00."),
        "Not a valid choice.": _l("Lựa chọn không hợp lệ."),
        "Not a valid decimal value.": _l("Hãy nhập một số."),
        "Not a valid float value.": _l("Hãy nhập một số."),
    }

    def gettext(self, string: str) -> str:
        return str(self.MESSAGES.get(string, string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


DAY_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MOMENT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class DayField(DateField):
    """A date typed as dd/mm/yyyy whatever the browser's language.

    A text box, not the browser's date picker (an English browser shows that
    one as mm/dd/yyyy); ISO yyyy-mm-dd is accepted too, for scripts and
    pasted values. It shows dd/mm/yyyy back.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                        "autocomplete": "off"})
        super().__init__(label, validators, format=DAY_FORMATS, **kwargs)


class MomentField(DateTimeField):
    """A moment typed as dd/mm/yyyy HH:MM (24 hours), whatever the browser's language."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy HH:MM", "autocomplete": "off"})
        super().__init__(label, validators, format=MOMENT_FORMATS, **kwargs)


class VietnameseForm(FlaskForm):
    """A form whose built-in field messages read in Vietnamese."""

    class Meta:
        def get_translations(self, form: FlaskForm) -> VietnameseMessages:
            return VietnameseMessages()


class EntryForm(VietnameseForm):
    """One achievement and its evidence, as a reporter (or a judge, for penalties) enters it."""

    criterion = SelectField(_l("Tiêu chí"), coerce=optional_int,
                            validators=[InputRequired(_l("Hãy chọn tiêu chí."))])
    activity_date = DayField(_l("Ngày hoạt động"),
                              validators=[InputRequired(_l("Hãy nhập ngày hoạt động (ngày/tháng/năm)."))])
    quantity = IntegerField(
        _l("Số lượng"),
        validators=[InputRequired(_l("Hãy nhập số lượng (số nguyên).")),
                    NumberRange(0, MAX_QUANTITY, _l("Số lượng phải từ 0 đến %(max)s.",
                                                    max=f"{MAX_QUANTITY:,}".replace(",", ".")))],
    )
    title = StringField(_l("Tên hoạt động"), validators=[
        DataRequired(_l("Hãy nhập tên hoạt động.")), Length(max=300, message=_l("Tối đa 300 ký tự."))])
    description = TextAreaField(_l("Mô tả"), validators=[
        Optional(), Length(max=5000, message=_l("Tối đa 5.000 ký tự."))])
    phase = SelectField(_l("Đợt tuyên truyền"), coerce=optional_int, validators=[Optional()])
    channel = SelectField(_l("Kênh tuyên truyền"), validators=[Optional()])
    people_reached = IntegerField(_l("Số người được tuyên truyền"), validators=[
        Optional(), NumberRange(0, 100_000_000, _l("Số người không hợp lệ."))])
    links = TextAreaField(_l("Đường dẫn minh chứng (mỗi dòng một đường dẫn)"), validators=[
        Optional(), Length(max=10_000, message=_l("Quá nhiều đường dẫn."))])
    files = MultipleFileField(_l("Tệp minh chứng (ảnh, PDF, Word, Excel)"))
    version = HiddenField()
    form_token = HiddenField()  # single use: a new-entry form makes one entry (entries.form_tokens)

    def link_list(self) -> list[str]:
        return [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]

    def validate_links(self, field) -> None:
        for line in self.link_list():
            parts = urlsplit(line)
            if (len(line) > 1000 or parts.scheme not in ("http", "https")
                    or "." not in parts.netloc or any(ch.isspace() for ch in line)):
                field.errors.append(_l("«%(link)s» không phải là đường dẫn http(s) hợp lệ.",
                                       link=line[:80]))


class PenaltyForm(EntryForm):
    """A penalty item (a dispute, a collective work stoppage) recorded by staff for a unit."""

    unit = SelectField(_l("Đơn vị"), coerce=optional_int,
                       validators=[InputRequired(_l("Hãy chọn đơn vị."))])


class VersionForm(VietnameseForm):
    """A bare action on one entry (submit, delete) that must not act on a stale page."""

    version = HiddenField()
