"""Drive settings: create a drive from nothing, edit with an impact preview, publish."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition import clock, standings
from competition.extensions import db
from competition.models import AuditEvent, Drive, EntryStatus, Role
from tests import factories
from tests.admin.conftest import text_of

NEW_DRIVE = {
    "code": "45/KH-LĐLĐ", "title": "Thi đua chào mừng Đại hội Công đoàn", "issuer": "LĐLĐ tỉnh",
    "place": "Cao Bằng", "starts_on": "2021-06-01", "ends_on": "2021-12-31",
    "report_deadline_day": "5", "threshold_excellent": "90", "threshold_good": "70",
    "threshold_passed": "50", "appeal_days": "5",
}


def _settings(drive: Drive, **changes) -> dict:
    values = {
        "code": drive.code, "title": drive.title, "issuer": drive.issuer, "place": drive.place,
        "issued_on": drive.issued_on.isoformat(), "starts_on": drive.starts_on.isoformat(),
        "ends_on": drive.ends_on.isoformat(), "election_day": drive.election_day.isoformat(),
        "freeze_at": clock.local(drive.freeze_at).strftime("%Y-%m-%dT%H:%M"),
        "appeal_days": str(drive.appeal_days),
        "report_deadline_day": str(drive.report_deadline_day),
        "threshold_excellent": str(drive.threshold_excellent),
        "threshold_good": str(drive.threshold_good), "threshold_passed": str(drive.threshold_passed),
    }
    values.update(changes)
    return values


def test_admin_of_an_empty_system_creates_a_drive_that_becomes_active(app, visitor):
    factories.user("quantri", Role.ADMIN)
    visitor.login("quantri")
    assert visitor.get("/quan-tri/dot-thi-dua").headers["Location"].endswith("/quan-tri/dot-thi-dua/moi")

    response = visitor.post("/quan-tri/dot-thi-dua/moi", NEW_DRIVE, token_from="/quan-tri/dot-thi-dua/moi")

    assert response.status_code == 302
    drive = standings.active_drive()
    assert drive.code == "45/KH-LĐLĐ" and drive.ends_on.isoformat() == "2021-12-31"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "drive.create")).one()
    assert event.actor_name == "quantri" and event.after["code"] == "45/KH-LĐLĐ"


def test_a_new_drive_needs_an_end_after_its_start(app, visitor):
    factories.user("quantri", Role.ADMIN)
    visitor.login("quantri")
    response = visitor.post("/quan-tri/dot-thi-dua/moi", {**NEW_DRIVE, "ends_on": "2021-05-01"},
                            token_from="/quan-tri/dot-thi-dua/moi")
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in text_of(response)
    assert standings.active_drive() is None


def test_threshold_change_is_previewed_then_audited_from_and_to(admin, world):
    drive = world.drive
    # Bảo Lâm: plan (5) + no incident (5) = 10 of the applicable points.
    factories.entry(world.bao_lam, factories.criterion(drive, "KH"), 1,
                    status=EntryStatus.VERIFIED, judge=world.judge)
    version = standings.current_version(drive.id)

    preview = admin.post("/quan-tri/dot-thi-dua", _settings(drive, threshold_passed="1",
                         threshold_good="2", threshold_excellent="3"), token_from="/quan-tri/dot-thi-dua")

    assert preview.status_code == 200
    page = text_of(preview)
    assert "tổng điểm của 0 đơn vị và thứ hạng của 0 đơn vị sẽ thay đổi" in page
    assert "xếp loại của 5 đơn vị thay đổi" in page  # every scored unit rises above 3 %
    db.session.expire_all()
    assert db.session.get(Drive, drive.id).threshold_passed == 50

    saved = admin.post("/quan-tri/dot-thi-dua", {**_settings(drive, threshold_passed="1",
                       threshold_good="2", threshold_excellent="3"), "confirm": "1"},
                       token_from="/quan-tri/dot-thi-dua")
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Drive, drive.id).threshold_passed == Decimal(1)
    assert standings.current_version(drive.id) > version
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "drive.update")).one()
    assert event.before["threshold_passed"] == "50.00" and event.after["threshold_passed"] == "1"


def test_title_change_saves_at_once_and_wrong_thresholds_are_refused(admin, world):
    drive = world.drive
    saved = admin.post("/quan-tri/dot-thi-dua", _settings(drive, title="Tên mới"),
                       token_from="/quan-tri/dot-thi-dua")
    assert saved.status_code == 302
    refused = admin.post("/quan-tri/dot-thi-dua", _settings(drive, threshold_good="95"),
                         token_from="/quan-tri/dot-thi-dua")
    assert refused.status_code == 400
    assert "Các ngưỡng phải giảm dần" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Drive, drive.id).title == "Tên mới"
    assert db.session.get(Drive, drive.id).threshold_good == 70


def test_phases_are_added_and_an_unused_one_deleted(admin, world):
    response = admin.post("/quan-tri/dot-tuyen-truyen/moi", {
        "code": "dot4", "name": "Đợt 4", "starts_on": "2021-06-01", "ends_on": "2021-06-15",
    }, token_from="/quan-tri/dot-tuyen-truyen/moi")
    assert response.status_code == 302
    db.session.expire_all()
    phase = factories.phase(world.drive, "dot4")
    assert phase.position == 3
    deleted = admin.post(f"/quan-tri/dot-tuyen-truyen/{phase.id}/xoa", token_from="/quan-tri/")
    assert deleted.status_code == 302
    db.session.expire_all()
    assert [p.code for p in world.drive.phases] == ["dot1", "dot2", "dot3"]
