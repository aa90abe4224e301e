"""The audit log page: filters, pagination, before/after, and no way to change it."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from bs4 import BeautifulSoup

from competition import audit, lifecycle
from competition.extensions import db
from competition.models import AuditEvent
from tests import factories
from tests.admin.conftest import text_of
from tests.factories import vn


def _event(action: str, actor: str, at: datetime, unit=None, before=None, after=None) -> None:
    event = audit.record(action, None, actor_name=actor, unit_id=unit.id if unit else None,
                         before=before, after=after)
    event.at = at
    db.session.commit()


def test_filters_by_actor_action_unit_and_dates(admin, world):
    _event("entry.verify", "thamdinh1", vn(2021, 4, 3, 9), world.hoa_an,
           {"status": "submitted"}, {"status": "verified"})
    _event("entry.verify", "thamdinh1", vn(2021, 4, 20, 9), world.bao_lam)
    _event("entry.return", "thamdinh9", vn(2021, 4, 4, 9), world.hoa_an)

    page = admin.get(f"/quan-tri/nhat-ky?actor=thamdinh1&action=entry.verify&unit={world.hoa_an.id}"
                     "&since=2021-04-01&until=2021-04-10")

    assert page.status_code == 200
    text = text_of(page)
    assert "1 sự kiện" in text
    assert "03/04/2021 09:00" in text and "20/04/2021" not in text
    assert "Trạng thái chờ thẩm định → đã xác nhận" in text
    assert "thamdinh9" not in text.split("sự kiện", 1)[1]


def test_the_log_is_paginated(admin, world, app):
    app.config["AUDIT_PER_PAGE"] = 2
    for day in range(1, 6):
        _event("drive.update", "admin", vn(2021, 3, day, 8))
    first = text_of(admin.get("/quan-tri/nhat-ky?action=drive.update"))
    assert "Trang 1 / 3" in first and "05/03/2021" in first and "01/03/2021" not in first
    last = text_of(admin.get("/quan-tri/nhat-ky?action=drive.update&page=3"))
    assert "01/03/2021" in last and "05/03/2021" not in last


def test_nobody_can_change_or_delete_the_log_through_the_application(admin, world, app):
    _event("entry.verify", "thamdinh1", vn(2021, 4, 3, 9))
    count = db.session.query(AuditEvent).count()
    assert admin.post("/quan-tri/nhat-ky", token_from="/quan-tri/nhat-ky").status_code == 405
    writable = [rule.rule for rule in app.url_map.iter_rules()
                if "nhat-ky" in rule.rule and rule.methods - {"GET", "HEAD", "OPTIONS"}]
    assert writable == []
    assert db.session.query(AuditEvent).count() == count


RAW_CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b|\b[a-z]+_[a-z_]+\b")  # entry.verify, phase_id
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?")


def _readable_part(page) -> str:
    """The log as a clerk reads it: the table without its raw-JSON drawers."""
    soup = BeautifulSoup(page.data, "html.parser")
    table = soup.select_one("table.audit-log")
    for raw in table.select("details.raw"):
        raw.decompose()
    return " ".join(table.get_text(" ").split())


def test_the_log_speaks_a_clerks_words_with_the_raw_json_one_click_away(admin, world):
    tb = factories.criterion(world.drive, "TB")
    entry = factories.entry(world.hoa_an, tb, 4, status="submitted", channel="zalo",
                            activity_date=date(2021, 5, 3), title="Bốn tin bài")
    db.session.commit()
    lifecycle.verify(entry, world.judge, quantity=3, reason="Một tin trùng")
    audit.record("login.success", world.judge, actor=world.judge)
    audit.record("unit.update", world.hoa_an, unit_id=world.hoa_an.id,
                 before={"member_count": None, "block_id": world.bao_lam.block_id},
                 after={"member_count": 2900, "block_id": world.bao_lam.block_id,
                        "active": True})
    db.session.commit()
    page = admin.get("/quan-tri/nhat-ky")
    text = _readable_part(page)
    assert "Xác nhận kết quả" in text and "Đăng nhập" in text and "Sửa đơn vị" in text
    assert "Trạng thái chờ thẩm định → đã xác nhận" in text
    assert "Số lượng được xác nhận (trống) → 3" in text
    assert "Số đoàn viên (trống) → 2.900" in text
    assert "Điểm thay đổi +1,00 điểm" in text  # 10 × 3/30 for TB in the district block
    assert "None" not in text
    assert not RAW_CODE.findall(text), RAW_CODE.findall(text)
    assert not ISO_TIME.findall(text), ISO_TIME.findall(text)
    raw = BeautifulSoup(page.data, "html.parser").select_one("details.raw pre").get_text()
    assert '"action": "unit.update"' in raw and '"member_count": 2900' in raw


ACTION = r'"([a-z_]+(?:\.[a-z_]+)?)"'


def _recorded_actions() -> set[str]:
    """Every action the code writes to the log, read from its source: the first argument of
    each `record(...)` call, both sides of a conditional one; an appeal's outcome is one of
    the decision form's two choices."""
    root = Path(__file__).resolve().parents[2] / "competition"
    found = {"appeal.uphold", "appeal.amend"}
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found.update(re.findall(r"record\(\s*" + ACTION, source))
        for pair in re.findall(r"record\(\s*" + ACTION + " if [^\n]+ else " + ACTION, source):
            found.update(pair)
    return found


def test_every_action_the_code_records_has_a_clerks_name():
    from competition.audit_words import ACTION_NAMES

    unnamed = sorted(a for a in _recorded_actions() if a not in ACTION_NAMES)
    assert "entry.verify" in ACTION_NAMES and "results.publish" in _recorded_actions()
    assert unnamed == []
