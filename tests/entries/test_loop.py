"""The whole loop through HTTP: report with a file, return, fix, resubmit, verify adjusted."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, Entry, EntryStatus
from tests import factories
from tests.entries import support


def _public_total(drive, unit_code: str) -> Decimal:
    return standings.standing_of(standings.public_standings(drive), unit_code).total


def test_report_return_fix_verify_moves_public_standings_by_design_points(
    app, world, make_visitor
):
    drive = world.drive
    tb = factories.criterion(drive, "TB")  # count, Khối huyện target 30, 10 points
    before = _public_total(drive, "HOAAN")
    reporter, judge = make_visitor(), make_visitor()
    reporter.login("hoaan")
    judge.login("thamdinh1")

    # The reporter reports 6 news items with a photo and submits.
    response = support.post_entry(
        reporter, support.entry_data(tb, quantity="6", action="submit",
                                     links="https://facebook.com/ldldhoaan/posts/1",
                                     public_files="0"),
        files=[(support.png(), "anh-hoi-nghi.png")],
    )
    assert response.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    assert entry.status == EntryStatus.SUBMITTED
    assert [e.is_public for e in entry.evidence if e.is_file] == [True]
    assert entry.title in judge.get("/tham-dinh/").get_data(as_text=True)

    # The judge returns it with a reason; the reporter sees the reason on the dashboard.
    response = judge.post(f"/tham-dinh/ket-qua/{entry.id}/tra-lai",
                          {"version": entry.version, "reason": "Thiếu ảnh bài đăng thứ sáu"},
                          token_from="/tham-dinh/")
    assert response.status_code == 302
    dashboard = reporter.get("/don-vi/").get_data(as_text=True)
    assert "Thiếu ảnh bài đăng thứ sáu" in dashboard

    # The reporter fixes the description and resubmits.
    db.session.refresh(entry)
    response = support.post_entry(
        reporter,
        support.entry_data(tb, quantity="6", action="submit", version=entry.version,
                           description="Đã bổ sung đường dẫn bài thứ sáu",
                           public_evidence=[e.id for e in entry.evidence if e.is_public],
                           links="https://zalo.me/ldldhoaan/6"),
        path=f"/don-vi/ket-qua/{entry.id}/sua",
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.status == EntryStatus.SUBMITTED
    assert len(entry.evidence) == 3

    # Nothing counts in public until a judge verifies.
    assert _public_total(drive, "HOAAN") == before

    # The judge verifies 5 of the 6 items.
    response = judge.post(f"/tham-dinh/ket-qua/{entry.id}/xac-nhan",
                          {"version": entry.version, "quantity": "5",
                           "reason": "Một tin trùng với tin ngày 02/5"},
                          token_from="/tham-dinh/")
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.status, entry.quantity, entry.verified_quantity) == ("verified", 6, 5)

    # DESIGN.md §5, count: P × min(A/T, K) = 10 × min(5/30, 1) = 1.666… → 1.67 (half-up).
    assert _public_total(drive, "HOAAN") - before == Decimal("1.67")

    # The public file is now downloadable by anyone; the audit log holds every step.
    evidence_file = next(e for e in entry.evidence if e.is_file)
    anonymous = make_visitor()
    assert anonymous.get(f"/don-vi/minh-chung/{evidence_file.id}").status_code == 200
    steps = [
        (e.action, e.actor_name)
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "entry",
                                     AuditEvent.object_id == str(entry.id))
            .order_by(AuditEvent.id))
    ]
    assert steps == [
        ("entry.create", "hoaan"), ("entry.submit", "hoaan"), ("entry.return", "thamdinh1"),
        ("entry.edit", "hoaan"), ("entry.submit", "hoaan"), ("entry.verify", "thamdinh1"),
    ]
    verify = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry.verify")).one()
    assert verify.before["status"] == "submitted"
    assert verify.after["verified_quantity"] == 5
    assert verify.after["points_delta"] == "1.67"
    assert support.audit_actions("evidence").count("evidence.add") == 3
