"""Every message the product sends, in Vietnamese, in one place.

The same words go to the bell in the app and to the email: a notification
stores its text when it is made (a later edit of the entry does not rewrite
what the person was told). Each kind has a short email subject and a text
of one or two sentences; `compose` fills them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal


@dataclass(frozen=True)
class Kind:
    subject: str
    text: str


KINDS: dict[str, Kind] = {
    # To a unit's reporters.
    "entry_returned": Kind(
        "Kết quả bị trả lại để bổ sung",
        "Kết quả «{title}» bị trả lại để bổ sung. Lý do: {reason}",
    ),
    "entry_rejected": Kind(
        "Kết quả không được công nhận",
        "Kết quả «{title}» không được công nhận. Lý do: {reason}",
    ),
    "entry_adjusted": Kind(
        "Kết quả được xác nhận với số lượng điều chỉnh",
        "Kết quả «{title}» được xác nhận {verified} (đơn vị báo cáo {reported}). Lý do: {reason}",
    ),
    "entry_reopened": Kind(
        "Kết quả được mở lại để thẩm định lại",
        "Kết quả «{title}» được mở lại để thẩm định lại; điểm của nó tạm chưa tính. Lý do: {reason}",
    ),
    "appeal_answered": Kind(
        "Khiếu nại đã có kết quả",
        "Khiếu nại về «{title}» đã được giải quyết: {outcome}. Lý do: {reason}",
    ),
    "report_due_soon": Kind(
        "Báo cáo tháng sắp đến hạn",
        "Báo cáo tháng {month} của {unit} đến hạn sau 3 ngày (hết ngày {deadline}).",
    ),
    "report_due_today": Kind(
        "Hôm nay là hạn nộp báo cáo tháng",
        "Hôm nay ({deadline}) là hạn cuối nộp báo cáo tháng {month} của {unit}.",
    ),
    "report_late": Kind(
        "Báo cáo tháng đã quá hạn",
        "Báo cáo tháng {month} của {unit} đã quá hạn (hết ngày {deadline}); hãy nộp ngay.",
    ),
    "submissions_close_soon": Kind(
        "Sắp hết hạn gửi kết quả",
        "Còn 3 ngày là hết hạn gửi kết quả đợt {drive} (hết ngày {close}). "
        "Hãy gửi các kết quả còn lại.",
    ),
    "submissions_close_today": Kind(
        "Hôm nay là hạn cuối gửi kết quả",
        "Hôm nay ({close}) là ngày cuối gửi kết quả đợt {drive}.",
    ),
    "freeze_soon": Kind(
        "Sắp chốt số liệu",
        "Còn 3 ngày đến lúc chốt số liệu đợt {drive} ({freeze}); "
        "kết quả bị trả lại cần được gửi lại trước lúc đó.",
    ),
    # To judges.
    "judge_digest": Kind(
        "Kết quả chờ thẩm định lâu",
        "{count} kết quả chờ thẩm định quá {days} ngày: {units}.",
    ),
    "appeal_opened": Kind(
        "Có khiếu nại mới",
        "{unit} khiếu nại về «{title}»; cần một thành viên tổ thẩm định giải quyết.",
    ),
    # To admins.
    "appeal_window_closing": Kind(
        "Sắp hết thời hạn khiếu nại",
        "Thời hạn khiếu nại đợt {drive} kết thúc lúc {end}.",
    ),
    "publication_possible": Kind(
        "Có thể công bố kết quả",
        "Đợt {drive} đã hết thời hạn khiếu nại và không còn khiếu nại chờ giải quyết: "
        "có thể công bố kết quả.",
    ),
}

DIGEST_SUBJECT = "Thông báo trong ngày {day}"
SUBJECT_PREFIX = "[Thi đua] "


def vi_number(value: int | Decimal) -> str:
    return format_decimal(value, format="#,##0.##", locale="vi")


def vi_day(value: date | datetime) -> str:
    return value.strftime("%d/%m/%Y")


def vi_moment(value: datetime) -> str:
    return value.strftime("%H:%M %d/%m/%Y")


def vi_month(value: date) -> str:
    return value.strftime("%m/%Y")


def compose(kind: str, **values: object) -> tuple[str, str]:
    """(subject, text) of a message of `kind`; raises KeyError for an unknown kind."""
    template = KINDS[kind]
    return SUBJECT_PREFIX + template.subject, template.text.format(**values)
