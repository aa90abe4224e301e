"""Forms of the admin area. Labels and messages are Vietnamese msgids for the catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

# WTForms' own field messages (a bad date, a bad choice) in the reader's language.
from competition import clock
from competition.audit_words import KIND_WORDS
from competition.entries.forms import DayField, MomentField, VietnameseForm
from competition.labels import RANK_BY_LABELS as RANK_BY_NAMES
from competition.models import Role
from competition.notifications.addresses import clean_email
from competition.scoring import ROLLUP_MEASURES, Measure, RankBy


class VietnamTimeField(MomentField):
    """A date and time typed on the Vietnam clock as dd/mm/yyyy HH:MM, kept as an aware UTC moment.

    What the admin types has no zone: it is read as Vietnam time
    (`clock.from_local`) and shown back the same way, day first whatever the
    browser's language.
    """

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return clock.local(self.data).strftime("%d/%m/%Y %H:%M") if self.data else ""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = clock.from_local(self.data)


CODE = Regexp(r"^[A-Za-z0-9_.\-/ĐđÀ-ỹ]+$", message=_l("Mã chỉ gồm chữ, số và các dấu - _ . /"))
REQUIRED = _l("Mục này là bắt buộc.")

MEASURE_NAMES = {
    Measure.COUNT: _l("Đếm số lượng (so với chỉ tiêu)"),
    Measure.PERCENT: _l("Tỷ lệ % trên số đoàn viên"),
    Measure.YES_NO: _l("Có / không"),
    Measure.JUDGED: _l("Hội đồng chấm điểm"),
    Measure.PENALTY: _l("Trừ điểm khi vi phạm"),
    Measure.ON_TIME: _l("Báo cáo tháng đúng hạn"),
}
KIND_NAMES = KIND_WORDS
ROLE_NAMES = {
    Role.ADMIN: _l("Quản trị viên"),
    Role.JUDGE: _l("Thành viên tổ thẩm định"),
    Role.UNIT: _l("Cán bộ đơn vị"),
}
IMPORT_KINDS = {
    "units": _l("Đơn vị"),
    "users": _l("Tài khoản"),
    "targets": _l("Chỉ tiêu giao"),
    "entries": _l("Kết quả"),
}


def _required():
    return [DataRequired(REQUIRED)]


class DriveForm(VietnameseForm):
    code = StringField(_l("Số, ký hiệu kế hoạch"), validators=[*_required(), Length(max=64), CODE])
    title = TextAreaField(_l("Tên đợt thi đua"), validators=[*_required(), Length(max=500)])
    issuer = StringField(_l("Cơ quan ban hành"), validators=[*_required(), Length(max=200)])
    place = StringField(_l("Địa danh"), validators=[*_required(), Length(max=100)], default="Cao Bằng")
    issued_on = DayField(_l("Ngày ban hành"), validators=[Optional()])
    starts_on = DayField(_l("Ngày bắt đầu"), validators=_required())
    ends_on = DayField(_l("Ngày kết thúc"), validators=_required())
    election_day = DayField(_l("Ngày bầu cử"), validators=[Optional()])
    freeze_at = VietnamTimeField(_l("Thời điểm chốt bảng xếp hạng"), validators=[Optional()])
    submissions_close_at = VietnamTimeField(
        _l("Hạn cuối gửi kết quả"), validators=[Optional()]
    )
    appeal_days = IntegerField(
        _l("Số ngày nhận khiếu nại sau khi chốt"), default=5,
        validators=[InputRequired(REQUIRED),
                    NumberRange(0, 60, _l("Số ngày khiếu nại phải từ 0 đến 60."))],
    )
    report_deadline_day = IntegerField(
        _l("Hạn báo cáo tháng (ngày của tháng sau)"), default=5,
        validators=[InputRequired(REQUIRED),
                    NumberRange(1, 28, _l("Hạn báo cáo phải từ ngày 1 đến ngày 28."))],
    )
    threshold_excellent = DecimalField(
        _l("Ngưỡng Hoàn thành xuất sắc (%)"), default=90,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l("Ngưỡng phải từ 0 đến 100."))],
    )
    threshold_good = DecimalField(
        _l("Ngưỡng Hoàn thành tốt (%)"), default=70,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l("Ngưỡng phải từ 0 đến 100."))],
    )
    threshold_passed = DecimalField(
        _l("Ngưỡng Hoàn thành (%)"), default=50,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l("Ngưỡng phải từ 0 đến 100."))],
    )
    rank_by = SelectField(_l("Xếp hạng theo"), choices=list(RANK_BY_NAMES.items()),
                          default=RankBy.TOTAL)
    signer_title = TextAreaField(
        _l("Chức danh người ký báo cáo tổng hợp"), default="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
        validators=[*_required(), Length(max=200)],
    )
    signer_name = StringField(_l("Họ và tên người ký"), validators=[Length(max=200)])
    archive_note = StringField(_l("Nơi lưu (dòng «Lưu:»)"), default="VT, Ban TGNC",
                               validators=[*_required(), Length(max=200)])

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))

    def validate_threshold_passed(self, field) -> None:
        values = (self.threshold_excellent.data, self.threshold_good.data, field.data)
        if None not in values and not values[0] >= values[1] >= values[2]:
            raise ValidationError(
                _l("Các ngưỡng phải giảm dần: xuất sắc ≥ tốt ≥ hoàn thành.")
            )


class CopyDriveForm(DriveForm):
    """A new drive's own settings, and the drive whose rules it takes (thresholds too)."""

    source = SelectField(_l("Sao chép từ đợt"), coerce=int)
    freeze_at = None
    submissions_close_at = None
    appeal_days = None
    report_deadline_day = None
    threshold_excellent = None
    threshold_good = None
    threshold_passed = None


class PhaseForm(VietnameseForm):
    code = StringField(_l("Mã đợt"), validators=[*_required(), Length(max=32), CODE])
    name = StringField(_l("Tên đợt"), validators=[*_required(), Length(max=200)])
    description = TextAreaField(_l("Nội dung tuyên truyền"), validators=[Length(max=2000)])
    starts_on = DayField(_l("Từ ngày"), validators=_required())
    ends_on = DayField(_l("Đến ngày"), validators=_required())

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))


class BlockForm(VietnameseForm):
    code = StringField(_l("Mã khối"), validators=[*_required(), Length(max=32), CODE])
    name = StringField(_l("Tên khối"), validators=[*_required(), Length(max=200)])
    organiser_id = SelectField(_l("Đơn vị tổ chức (hội đồng xếp hạng khối)"), coerce=int,
                               default=0)


class CriterionForm(VietnameseForm):
    code = StringField(_l("Mã tiêu chí"), validators=[*_required(), Length(max=16), CODE])
    name = TextAreaField(_l("Tên tiêu chí"), validators=[*_required(), Length(max=300)])
    group = StringField(_l("Nhóm"), validators=[Length(max=100)])
    measure = SelectField(_l("Cách tính"), choices=list(MEASURE_NAMES.items()))
    unit_label = StringField(_l("Đơn vị tính"), validators=[Length(max=50)])
    max_points = DecimalField(
        _l("Điểm tối đa"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 1000, _l("Điểm phải từ 0 đến 1000."))],
    )
    default_target = DecimalField(
        _l("Chỉ tiêu mặc định"),
        validators=[Optional(), NumberRange(0, None, _l("Chỉ tiêu không được âm."))],
    )
    cap = DecimalField(
        _l("Hệ số trần (1 = không cộng vượt chỉ tiêu)"), default=1,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l("Hệ số phải từ 0 đến 100."))],
    )
    penalty_per_item = DecimalField(
        _l("Điểm trừ mỗi vụ (để trống: trừ hết điểm)"),
        validators=[Optional(), NumberRange(0, None, _l("Điểm trừ không được âm."))],
    )
    is_propaganda = BooleanField(_l("Tiêu chí tuyên truyền (cần đợt và kênh tuyên truyền)"))
    rollup = BooleanField(_l("Cộng dồn từ đơn vị cấp dưới (kết quả đã xác nhận của mọi đơn vị "
                             "cấp dưới được tính cho đơn vị cấp trên)"))

    def validate_rollup(self, field) -> None:
        if field.data and self.measure.data not in ROLLUP_MEASURES:
            raise ValidationError(_l("Chỉ tiêu chí đếm, tỷ lệ phần trăm hoặc có/không mới cộng dồn được "
                                     "từ cấp dưới (không áp dụng cho tiêu chí chấm điểm, trừ "
                                     "điểm hay báo cáo đúng hạn)."))

    def validate_is_propaganda(self, field) -> None:
        if field.data and self.measure.data != Measure.COUNT:
            raise ValidationError(_l("Chỉ tiêu chí đếm số lượng mới là tiêu chí tuyên truyền."))


class UnitForm(VietnameseForm):
    code = StringField(_l("Mã đơn vị"), validators=[*_required(), Length(max=32), CODE])
    name = StringField(_l("Tên đơn vị"), validators=[*_required(), Length(max=200)])
    kind = SelectField(_l("Loại đơn vị"), choices=list(KIND_NAMES.items()))
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int)
    block_id = SelectField(_l("Khối thi đua"), coerce=int)
    member_count = IntegerField(
        _l("Số đoàn viên"),
        validators=[Optional(), NumberRange(0, 10_000_000, _l("Số đoàn viên không hợp lệ."))],
    )
    place = StringField(_l("Địa danh trên văn bản"), validators=[Length(max=100)])
    active = BooleanField(_l("Đang hoạt động"), default=True)


class UserForm(VietnameseForm):
    username = StringField(
        _l("Tên đăng nhập"),
        validators=[*_required(), Length(min=3, max=64),
                    Regexp(r"^[a-z0-9._\-]+$",
                           message=_l("Chỉ dùng chữ thường không dấu, số và các dấu . _ -"))],
    )
    full_name = StringField(_l("Họ và tên"), validators=[Length(max=200)])
    email = StringField(_l("Email (để nhận thông báo)"), validators=[Length(max=254)])
    role = SelectField(_l("Vai trò"), choices=list(ROLE_NAMES.items()))
    unit_id = SelectField(_l("Đơn vị"), coerce=int)
    council_id = SelectField(_l("Hội đồng thi đua (cấp tổ chức)"), coerce=int, default=0)
    active = BooleanField(_l("Đang hoạt động"), default=True)
    must_change_password = BooleanField(_l("Buộc đổi mật khẩu ở lần đăng nhập tới"), default=True)

    def validate_unit_id(self, field) -> None:
        if self.role.data == Role.UNIT and not field.data:
            raise ValidationError(_l("Cán bộ đơn vị phải thuộc một đơn vị."))

    def validate_email(self, field) -> None:
        try:
            field.data = clean_email(field.data)
        except ValueError:
            raise ValidationError(
                _l("Địa chỉ email không hợp lệ (ví dụ đúng: ten@ldld.caobang.vn).")
            ) from None


class ImportForm(VietnameseForm):
    kind = SelectField(_l("Loại dữ liệu"), choices=list(IMPORT_KINDS.items()))
    file = FileField(_l("Tệp CSV hoặc XLSX"), validators=[FileRequired(_l("Hãy chọn một tệp."))])


class RestoreForm(VietnameseForm):
    file = FileField(_l("Tệp sao lưu JSON"), validators=[FileRequired(_l("Hãy chọn một tệp."))])


class PasteForm(VietnameseForm):
    criterion_id = SelectField(_l("Tiêu chí"), coerce=int)
    values = TextAreaField(
        _l("Giá trị (mỗi dòng một đơn vị, theo thứ tự trong bảng)"),
        validators=[DataRequired(_l("Hãy dán các giá trị."))],
    )
