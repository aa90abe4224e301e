"""The audit log in a clerk's words: Vietnamese names for every action, field and status,
and values in their display form (names instead of ids, dd/mm/yyyy HH:MM).

The log itself keeps the raw JSON (the audit page shows it one click away);
this module only decides how an event reads. Names of ids are looked up in
bulk for a whole page of events (`Lookups.for_events`), so a page of fifty
events costs a handful of queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competition.entry_rules import CHANNEL_NAMES
from competition.extensions import db
from competition.formatting import day, fixed, moment, number
from competition.models import AuditEvent, Block, Criterion, EntryStatus, Phase, Role, Unit, User

ACTION_NAMES = {
    "appeal.amend": _l("Giải quyết khiếu nại: sửa quyết định"),
    "appeal.file": _l("Gửi khiếu nại"),
    "appeal.uphold": _l("Giải quyết khiếu nại: giữ nguyên quyết định"),
    "assessment.amend": _l("Sửa điểm chấm theo khiếu nại"),
    "assessment.save": _l("Chấm điểm"),
    "award_rule.create": _l("Thêm hình thức khen thưởng"),
    "award_rule.delete": _l("Xóa hình thức khen thưởng"),
    "award_rule.move": _l("Đổi thứ tự hình thức khen thưởng"),
    "award_rule.update": _l("Sửa hình thức khen thưởng"),
    "backup.export": _l("Tải bản sao lưu"),
    "backup.restore": _l("Khôi phục từ bản sao lưu"),
    "block.create": _l("Thêm khối thi đua"),
    "block.move": _l("Đổi thứ tự khối"),
    "block.update": _l("Sửa khối thi đua"),
    "commendation.add": _l("Thêm đơn vị vào danh sách khen thưởng"),
    "commendation.decide": _l("Ban hành quyết định khen thưởng"),
    "commendation.details": _l("Sửa thông tin tờ trình, quyết định khen thưởng"),
    "commendation.propose": _l("Lập đề nghị khen thưởng từ kết quả công bố"),
    "commendation.remove": _l("Bỏ đơn vị khỏi danh sách khen thưởng"),
    "commendation.replace": _l("Lập lại đề nghị khen thưởng"),
    "criterion.create": _l("Thêm tiêu chí"),
    "criterion.delete": _l("Xóa tiêu chí"),
    "criterion.move": _l("Đổi thứ tự tiêu chí"),
    "criterion.restore": _l("Dùng lại tiêu chí đã ngừng"),
    "criterion.retire": _l("Ngừng hoặc dùng lại tiêu chí"),
    "criterion.update": _l("Sửa tiêu chí"),
    "demo.load": _l("Nạp dữ liệu mẫu"),
    "drive.activate": _l("Chọn đợt thi đua đang dùng"),
    "drive.copy": _l("Tạo đợt thi đua mới từ đợt cũ"),
    "drive.create": _l("Tạo đợt thi đua"),
    "drive.load": _l("Nạp đợt thi đua từ tệp"),
    "drive.publish": _l("Công bố kết quả"),
    "drive.update": _l("Sửa đợt thi đua"),
    "entries.import": _l("Nhập kết quả từ tệp"),
    "entry.amend": _l("Sửa kết quả theo khiếu nại"),
    "entry.create": _l("Nhập kết quả"),
    "entry.delete": _l("Xóa kết quả nháp"),
    "entry.edit": _l("Sửa kết quả"),
    "entry.reject": _l("Không công nhận kết quả"),
    "entry.reopen": _l("Mở lại kết quả để thẩm định lại"),
    "entry.return": _l("Trả lại kết quả để bổ sung"),
    "entry.submit": _l("Gửi kết quả thẩm định"),
    "entry.verify": _l("Xác nhận kết quả"),
    "evidence.add": _l("Thêm minh chứng"),
    "evidence.remove": _l("Gỡ minh chứng"),
    "evidence.update": _l("Sửa minh chứng"),
    "login.failure": _l("Đăng nhập sai"),
    "login.refused": _l("Đăng nhập bị chặn tạm thời"),
    "login.success": _l("Đăng nhập"),
    "logout": _l("Đăng xuất"),
    "outbox.send_again": _l("Gửi lại email"),
    "phase.create": _l("Thêm đợt tuyên truyền"),
    "phase.delete": _l("Xóa đợt tuyên truyền"),
    "phase.update": _l("Sửa đợt tuyên truyền"),
    "report.file": _l("Nộp báo cáo tháng"),
    "report.reopen": _l("Mở lại báo cáo tháng"),
    "report.save": _l("Lưu nháp báo cáo tháng"),
    "results.locked_refusal": _l("Từ chối thay đổi: kết quả đã công bố"),
    "results.publish": _l("Công bố kết quả chính thức"),
    "results.withdraw": _l("Rút lại bản công bố kết quả"),
    "standings.rebuild": _l("Tính lại điểm từ đầu"),
    "target.update": _l("Sửa chỉ tiêu giao"),
    "targets.import": _l("Nhập chỉ tiêu giao từ tệp"),
    "targets.paste": _l("Dán chỉ tiêu giao cho nhiều đơn vị"),
    "targets.update": _l("Sửa chỉ tiêu giao"),
    "unit.create": _l("Thêm đơn vị"),
    "unit.update": _l("Sửa đơn vị"),
    "units.import": _l("Nhập đơn vị từ tệp"),
    "user.create": _l("Tạo tài khoản"),
    "user.email_preference": _l("Đổi cách nhận email thông báo"),
    "user.password": _l("Đổi mật khẩu"),
    "user.reset_password": _l("Đặt lại mật khẩu"),
    "user.update": _l("Sửa tài khoản"),
    "users.import": _l("Nhập tài khoản từ tệp"),
}

OBJECT_NAMES = {
    "assessment": _l("Điểm chấm"), "block": _l("Khối"), "criterion": _l("Tiêu chí"),
    "drive": _l("Đợt thi đua"), "entry": _l("Kết quả"), "evidence": _l("Minh chứng"),
    "monthlyreport": _l("Báo cáo tháng"), "phase": _l("Đợt tuyên truyền"),
    "target": _l("Chỉ tiêu"), "unit": _l("Đơn vị"), "user": _l("Tài khoản"),
    "appeal": _l("Khiếu nại"), "resultsnapshot": _l("Bản công bố kết quả"),
    "awardrule": _l("Hình thức khen thưởng"), "commendation": _l("Khen thưởng"),
    "outboxmessage": _l("Email"),
}

FIELD_NAMES = {
    "status": _l("Trạng thái"), "quantity": _l("Số lượng báo cáo"),
    "verified_quantity": _l("Số lượng được xác nhận"), "activity_date": _l("Ngày hoạt động"),
    "title": _l("Tên kết quả"), "description": _l("Mô tả"), "channel": _l("Kênh"),
    "people_reached": _l("Số người được tuyên truyền"), "phase_id": _l("Đợt tuyên truyền"),
    "criterion_id": _l("Tiêu chí"), "decision_reason": _l("Lý do"),
    "points_delta": _l("Điểm thay đổi"), "points": _l("Điểm"), "reason": _l("Lý do"),
    "code": _l("Mã"), "name": _l("Tên"), "kind": _l("Loại đơn vị"),
    "parent_id": _l("Đơn vị cấp trên"), "block_id": _l("Khối"), "unit_id": _l("Đơn vị"),
    "member_count": _l("Số đoàn viên"), "place": _l("Địa danh"), "active": _l("Đang hoạt động"),
    "username": _l("Tên đăng nhập"), "full_name": _l("Họ và tên"), "role": _l("Vai trò"),
    "must_change_password": _l("Buộc đổi mật khẩu"), "file": _l("Tệp"), "rows": _l("Số dòng"),
    "group": _l("Nhóm"), "measure": _l("Cách tính"), "unit_label": _l("Đơn vị tính"),
    "max_points": _l("Điểm tối đa"), "default_target": _l("Chỉ tiêu mặc định"),
    "cap": _l("Mức trần"), "penalty_per_item": _l("Điểm trừ mỗi vụ"),
    "is_propaganda": _l("Tiêu chí tuyên truyền"), "retired": _l("Ngừng sử dụng"),
    "position": _l("Thứ tự"), "title_": _l("Tên"), "issuer": _l("Cơ quan ban hành"),
    "issued_on": _l("Ngày ban hành"), "starts_on": _l("Ngày bắt đầu"),
    "ends_on": _l("Ngày kết thúc"), "election_day": _l("Ngày bầu cử"),
    "freeze_at": _l("Thời điểm chốt"), "published_at": _l("Thời điểm công bố"),
    "report_deadline_day": _l("Hạn báo cáo tháng (ngày)"),
    "threshold_excellent": _l("Ngưỡng Hoàn thành xuất sắc"),
    "threshold_good": _l("Ngưỡng Hoàn thành tốt"), "threshold_passed": _l("Ngưỡng Hoàn thành"),
    "rank_by": _l("Xếp hạng theo"), "signer_title": _l("Chức danh người ký"),
    "signer_name": _l("Người ký"), "archive_note": _l("Nơi lưu"), "value": _l("Chỉ tiêu"),
    "target": _l("Chỉ tiêu"), "month": _l("Tháng"), "number": _l("Số văn bản"),
    "filed_at": _l("Thời điểm nộp"), "highlights": _l("Kết quả nổi bật"),
    "difficulties": _l("Khó khăn"), "proposals": _l("Đề xuất"), "url": _l("Đường dẫn"),
    "original_name": _l("Tên tệp"), "is_public": _l("Công khai"), "entries": _l("Số kết quả"),
    "units": _l("Số đơn vị"), "users": _l("Số tài khoản"), "targets": _l("Số chỉ tiêu"),
    "written": _l("Số dòng ghi"), "differed": _l("Số dòng khác"), "judge": _l("Người thẩm định"),
    "judge_id": _l("Người thẩm định"), "score": _l("Điểm chấm"),
}

STATUS_WORDS = {
    EntryStatus.DRAFT: _l("nháp"), EntryStatus.SUBMITTED: _l("chờ thẩm định"),
    EntryStatus.VERIFIED: _l("đã xác nhận"), EntryStatus.RETURNED: _l("trả lại để bổ sung"),
    EntryStatus.REJECTED: _l("không được công nhận"),
}
ROLE_WORDS = {Role.ADMIN: _l("Quản trị viên"), Role.JUDGE: _l("Tổ thẩm định"),
              Role.UNIT: _l("Cán bộ đơn vị")}
KIND_WORDS = {
    "ldld_tinh": _l("LĐLĐ tỉnh"), "ldld_huyen": _l("LĐLĐ huyện, thành phố"),
    "cong_doan_nganh": _l("Công đoàn ngành"), "cong_doan_vien_chuc": _l("Công đoàn Viên chức"),
    "cdcs": _l("Công đoàn cơ sở"),
}
RANK_BY_WORDS = {"total": _l("tổng điểm"), "percent": _l("tỷ lệ % điểm")}

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Fields whose values are ids of another record, and the model that names them.
ID_FIELDS = {"phase_id": Phase, "criterion_id": Criterion, "unit_id": Unit, "parent_id": Unit,
             "block_id": Block, "judge_id": User, "user_id": User}


@dataclass
class Lookups:
    """Names of the records a page of events points to, by model and id."""

    names: dict[type, dict[int, str]] = field(default_factory=dict)

    @classmethod
    def for_events(cls, events: Iterable[AuditEvent]) -> Lookups:
        wanted: dict[type, set[int]] = {}
        for event in events:
            for values in (event.before or {}, event.after or {}):
                for key, value in values.items():
                    if key in ID_FIELDS and isinstance(value, int):
                        wanted.setdefault(ID_FIELDS[key], set()).add(value)
        names: dict[type, dict[int, str]] = {}
        for model, ids in wanted.items():
            label = model.full_name if model is User else model.name
            rows = db.session.execute(select(model.id, label, *(
                [model.username] if model is User else [])).where(model.id.in_(ids)))
            names[model] = {row[0]: (row[1] or (row[2] if len(row) > 2 else "")) for row in rows}
        return cls(names)

    def name(self, model: type, value: int) -> str:
        return self.names.get(model, {}).get(value) or _("(đã xóa, mã %(id)s)", id=value)


def action_name(action: str) -> str:
    """An action's Vietnamese name; an action the list does not know reads as a sentence."""
    known = ACTION_NAMES.get(action)
    return str(known) if known else action.replace(".", " ").replace("_", " ").capitalize()


def origin(ip: str) -> str:
    """Where an event came from: an address, or the command line."""
    return _("dòng lệnh") if ip == "cli" else ip


def object_name(object_type: str) -> str:
    return str(OBJECT_NAMES.get(object_type, object_type))


def field_name(key: str) -> str:
    known = FIELD_NAMES.get(key)
    return str(known) if known else key.replace("_", " ").capitalize()


def display_value(key: str, value: Any, lookups: Lookups) -> str:
    """A stored value as a clerk reads it: names for ids and codes, Vietnamese dates."""
    if value is None or value == "":
        return _("(trống)")
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if key in ID_FIELDS and isinstance(value, int):
        return lookups.name(ID_FIELDS[key], value)
    if key == "status" and value in STATUS_WORDS:
        return str(STATUS_WORDS[value])
    if key == "kind" and value in KIND_WORDS:
        return str(KIND_WORDS[value])
    if key == "role" and value in ROLE_WORDS:
        return str(ROLE_WORDS[value])
    if key == "channel" and value in CHANNEL_NAMES:
        return CHANNEL_NAMES[value]
    if key == "rank_by" and value in RANK_BY_WORDS:
        return str(RANK_BY_WORDS[value])
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return moment(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, str) and ISO_DAY.match(value):
        return day(date.fromisoformat(value))
    if key == "points_delta":
        return _signed_points(value)
    if isinstance(value, (int, float, Decimal)) or (isinstance(value, str) and _numeric(value)):
        return number(Decimal(str(value)))
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in (value.values() if isinstance(value, dict) else value))
    return str(value)


def _numeric(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


def _signed_points(value: Any) -> str:
    amount = Decimal(str(value))
    sign = "+" if amount >= 0 else "−"
    return _("%(sign)s%(n)s điểm", sign=sign, n=fixed(abs(amount)))


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field was not there before (a creation)
    after: str


def changes(event: AuditEvent, lookups: Lookups) -> list[Change]:
    """What moved in an event, field by field, in display form (unchanged fields left out)."""
    before, after = event.before or {}, event.after or {}
    found = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in before and key in after and before[key] == after[key]:
            continue
        if key not in before and after.get(key) in (None, ""):
            continue  # a creation: empty fields say nothing
        found.append(Change(
            field_name(key),
            display_value(key, before[key], lookups) if key in before else None,
            display_value(key, after.get(key), lookups) if key in after else _("(bỏ)"),
        ))
    return found
