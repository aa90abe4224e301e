"""What makes an entry's fields valid, shared by the entry form and the entry import."""

from __future__ import annotations

from datetime import date

from competition import clock
from competition.models import Channel, Criterion, Drive, Phase

CHANNEL_NAMES = {
    Channel.PHAT_THANH_TRUYEN_HINH: "Phát thanh - Truyền hình",
    Channel.BAO_CHI: "Báo chí",
    Channel.FACEBOOK: "Facebook",
    Channel.ZALO: "Zalo",
    Channel.WEBSITE: "Trang thông tin điện tử",
    Channel.FANPAGE: "Fanpage công đoàn",
    Channel.HOI_NGHI: "Hội nghị, sinh hoạt công đoàn",
    Channel.PANO_KHAU_HIEU: "Pano, khẩu hiệu",
    Channel.KHAC: "Khác",
}

MAX_QUANTITY = 1_000_000


def entry_problems(
    drive: Drive,
    criterion: Criterion,
    activity_date: date,
    quantity: int,
    phase: Phase | None,
    channel: str | None,
) -> list[tuple[str, str]]:
    """(field, message) for every rule the values break; empty when the entry is valid."""
    problems: list[tuple[str, str]] = []
    if activity_date > clock.today():
        problems.append((
            "activity_date",
            f"Ngày hoạt động không được sau hôm nay ({clock.today():%d/%m/%Y}, giờ Việt Nam).",
        ))
    # A propaganda activity lies in its phase's window (Đợt 1 began before the plan
    # itself); any other inside the drive.
    elif not criterion.is_propaganda and not drive.starts_on <= activity_date <= drive.ends_on:
        problems.append((
            "activity_date",
            f"Ngày hoạt động phải trong thời gian đợt thi đua "
            f"({drive.starts_on:%d/%m/%Y} – {drive.ends_on:%d/%m/%Y}).",
        ))
    if quantity < 0:
        problems.append(("quantity", "Số lượng không được âm."))
    elif quantity > MAX_QUANTITY:
        problems.append(("quantity", "Số lượng quá lớn."))
    elif quantity == 0 and criterion.reported_by_units:
        problems.append(("quantity", "Số lượng phải lớn hơn 0."))
    if criterion.is_propaganda:
        if phase is None:
            problems.append(("phase", "Tiêu chí tuyên truyền cần chọn đợt tuyên truyền."))
        elif not phase.contains(activity_date) and activity_date <= clock.today():
            problems.append((
                "activity_date",
                f"Ngày hoạt động phải nằm trong {phase.name} "
                f"({phase.starts_on:%d/%m/%Y} – {phase.ends_on:%d/%m/%Y}).",
            ))
        if not channel:
            problems.append(("channel", "Tiêu chí tuyên truyền cần chọn kênh tuyên truyền."))
        elif channel not in set(Channel):
            problems.append(("channel", f"Kênh «{channel}» không có trong danh mục."))
    else:
        if channel:
            problems.append(("channel", "Chỉ tiêu chí tuyên truyền mới có kênh tuyên truyền."))
        if phase is not None:
            problems.append(("phase", "Chỉ tiêu chí tuyên truyền mới có đợt tuyên truyền."))
    return problems
