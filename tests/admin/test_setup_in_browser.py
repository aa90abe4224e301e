"""An admin sets up a small drive from nothing through the pages; a reporter then submits an entry.

Empty database (no demo): only the first admin exists, as `flask users create` makes it in
production. Everything else — the drive, two blocks, three criteria, five units, two users —
is made by clicking through the admin pages in Chromium.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import Block, Criterion, Entry, EntryStatus, Role, Unit, User
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BLOCKS = [("huyen", "Khối huyện"), ("nganh", "Khối ngành")]
CRITERIA = [
    # code, name, measure label, points, default target
    ("KH", "Ban hành kế hoạch", "Có / không", "10", "1"),
    ("TB", "Tin, bài tuyên truyền", "Đếm số lượng (so với chỉ tiêu)", "20", "10"),
    ("DV", "Phát triển đoàn viên mới", "Đếm số lượng (so với chỉ tiêu)", "10", "5"),
]
UNITS = [
    # code, name, kind label, parent name, block name, members
    ("TINH", "LĐLĐ tỉnh Thử nghiệm", "LĐLĐ tỉnh", None, None, "5000"),
    ("HA", "LĐLĐ huyện An", "LĐLĐ huyện, thành phố", "LĐLĐ tỉnh Thử nghiệm", "Khối huyện", "800"),
    ("HB", "LĐLĐ huyện Bình", "LĐLĐ huyện, thành phố", "LĐLĐ tỉnh Thử nghiệm", "Khối huyện", "600"),
    ("GD", "Công đoàn ngành Giáo dục", "Công đoàn ngành", "LĐLĐ tỉnh Thử nghiệm", "Khối ngành", "900"),
    ("YT", "Công đoàn ngành Y tế", "Công đoàn ngành", "LĐLĐ tỉnh Thử nghiệm", "Khối ngành", "700"),
]


def _option(page, select: str, label_start: str) -> None:
    """Pick the option whose text starts with `label_start` (tree options carry their code)."""
    value = page.eval_on_selector(
        select,
        "(el, start) => [...el.options].find(o => o.text.replace(/^(— )+/, '').startsWith(start)).value",
        label_start,
    )
    page.select_option(select, value)


def _create_user(page, base: str, username: str, role: str, unit: str | None) -> str:
    page.goto(f"{base}/quan-tri/tai-khoan/moi")
    page.fill("#username", username)
    page.fill("#full_name", f"Người dùng {username}")
    page.select_option("#role", label=role)
    if unit:
        _option(page, "#unit_id", unit)
    page.click("button:has-text('Lưu')")
    return page.inner_text("[data-testid=new-password]").strip()


def test_admin_sets_up_a_drive_from_nothing_and_a_reporter_submits_an_entry(
    app, live_server, open_page, artifacts
):
    factories.user("quantri", Role.ADMIN)
    page = open_page("desktop")
    base = live_server

    page.goto(f"{base}/tai-khoan/dang-nhap")
    page.fill("#username", "quantri")
    page.fill("#password", factories.PASSWORD)
    page.click("button:has-text('Đăng nhập')")
    page.click("text=Tạo đợt thi đua mới")

    page.fill("#code", "99/KH-LĐLĐ")
    page.fill("#title", "Thi đua thử nghiệm chào mừng bầu cử")
    page.fill("#issuer", "Liên đoàn Lao động tỉnh Thử nghiệm")
    page.fill("#starts_on", "2021-03-10")
    page.fill("#ends_on", "2021-06-30")
    page.fill("#election_day", "2021-05-23")
    page.click("button:has-text('Lưu')")
    assert "Đã tạo đợt thi đua" in page.inner_text(".flashes")

    for code, name in BLOCKS:
        page.click("nav .tabs >> text=Khối")
        page.fill("#code", code)
        page.fill("#name", name)
        page.click("button:has-text('Thêm khối')")

    for code, name, measure, points, target in CRITERIA:
        page.goto(f"{base}/quan-tri/tieu-chi/moi")
        page.fill("#code", code)
        page.fill("#name", name)
        page.select_option("#measure", label=measure)
        page.fill("#max_points", points)
        page.fill("#default_target", target)
        page.click("button:has-text('Lưu')")
        # A new criterion changes what every unit can score: the preview comes first.
        page.wait_for_selector("#impact")
        page.click("button:has-text('Xác nhận và lưu')")
        assert f"Đã lưu tiêu chí «{code}»" in page.inner_text(".flashes")

    for code, name, kind, parent, block, members in UNITS:
        page.goto(f"{base}/quan-tri/don-vi")
        page.click("text=Thêm đơn vị")
        page.fill("#code", code)
        page.fill("#name", name)
        page.select_option("#kind", label=kind)
        if parent:
            _option(page, "#parent_id", parent)
        if block:
            page.select_option("#block_id", label=block)
        page.fill("#member_count", members)
        page.click("button:has-text('Lưu')")
        assert f"Đã lưu đơn vị «{name}»" in page.inner_text(".flashes")

    reporter_password = _create_user(page, base, "ha-canbo", "Cán bộ đơn vị", "LĐLĐ huyện An")
    _create_user(page, base, "thamdinh", "Thành viên tổ thẩm định", None)
    page.goto(f"{base}/quan-tri/don-vi")
    page.screenshot(path=str(artifacts / "admin-setup-units.png"), full_page=True)
    page.click("button:has-text('Đăng xuất')")
    page.goto(f"{base}/tai-khoan/dang-nhap")

    # The reporter signs in with the password shown once, must replace it, then reports.
    page.fill("#username", "ha-canbo")
    page.fill("#password", reporter_password)
    page.click("button:has-text('Đăng nhập')")
    assert page.url.endswith("/tai-khoan/mat-khau")
    page.fill("#current", reporter_password)
    page.fill("#new", "mat-khau-rieng-cua-toi")
    page.fill("#confirm", "mat-khau-rieng-cua-toi")
    page.click("button:has-text('Lưu mật khẩu mới')")

    page.goto(f"{base}/don-vi/ket-qua/moi")
    _option(page, "#criterion", "TB")
    page.fill("#activity_date", "2021-04-15")
    page.fill("#quantity", "3")
    page.fill("#title", "Ba tin bài về Ngày bầu cử")
    page.click("button:has-text('Lưu và gửi thẩm định')")
    assert "Đã gửi kết quả để thẩm định." in page.inner_text(".flashes")
    page.screenshot(path=str(artifacts / "admin-setup-reporter-entry.png"), full_page=True)
    assert page.console_errors == []

    db.session.expire_all()
    drive = standings.active_drive()
    assert drive.code == "99/KH-LĐLĐ"
    assert [b.code for b in db.session.scalars(select(Block).order_by(Block.position))] == ["huyen", "nganh"]
    assert [c.code for c in standings.scored_criteria(drive)] == ["KH", "TB", "DV"]
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    assert set(units) == {"TINH", "HA", "HB", "GD", "YT"}
    assert units["HA"].parent.code == "TINH" and units["GD"].block.code == "nganh"
    assert db.session.scalars(select(User).where(User.username == "thamdinh")).one().role == "judge"
    entry = db.session.scalars(select(Entry)).one()
    assert (entry.unit.code, entry.criterion.code, entry.quantity, entry.status) == (
        "HA", "TB", 3, EntryStatus.SUBMITTED)
    assert db.session.scalars(select(Criterion).where(Criterion.code == "TB")).one().max_points == 20
