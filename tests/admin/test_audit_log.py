"""The audit log page: filters, pagination, before/after, and no way to change it."""

from __future__ import annotations

from datetime import datetime

from competition import audit
from competition.extensions import db
from competition.models import AuditEvent
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
    assert "status submitted → verified" in text
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
