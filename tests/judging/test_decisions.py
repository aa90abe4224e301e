"""Judges verify, adjust, return, reject and reopen; conflicts of interest and races."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, CriterionTally, EntryStatus
from tests import factories
from tests.entries import support


@pytest.fixture
def judge(world, make_visitor):
    visitor = make_visitor()
    visitor.login("thamdinh1")
    return visitor


def _act(visitor, entry, action: str, **data):
    data.setdefault("version", entry.version)
    return visitor.post(f"/tham-dinh/ket-qua/{entry.id}/{action}", data, token_from="/tham-dinh/")


def test_queue_lists_submitted_entries_oldest_first_with_filter_counts(app, world, judge):
    tb, ct = factories.criterion(world.drive, "TB"), factories.criterion(world.drive, "CT")
    factories.entry(world.hoa_an, tb, 2, status=EntryStatus.SUBMITTED, title="Thứ nhất")
    factories.entry(world.bao_lam, ct, 1, status=EntryStatus.SUBMITTED, title="Thứ hai")
    factories.entry(world.bao_lam, tb, 1, status=EntryStatus.SUBMITTED, title="Thứ ba")
    factories.entry(world.bao_lam, tb, 1, title="Còn nháp")
    page = support.flash_or_error(judge.get("/tham-dinh/"))
    assert page.index("Thứ nhất") < page.index("Thứ hai") < page.index("Thứ ba")
    assert "Còn nháp" not in page
    assert "LĐLĐ huyện Bảo Lâm (2)" in page and "LĐLĐ huyện Hòa An (1)" in page
    filtered = support.flash_or_error(judge.get(f"/tham-dinh/?criterion={tb.id}"))
    assert "Thứ hai" not in filtered and "Thứ ba" in filtered
    # With TB chosen, the unit filter counts only TB entries.
    assert "LĐLĐ huyện Bảo Lâm (1)" in filtered
    by_unit = support.flash_or_error(judge.get(f"/tham-dinh/?unit={world.hoa_an.id}"))
    assert "Thứ nhất" in by_unit and "Thứ ba" not in by_unit


def test_entry_page_shows_evidence_and_the_units_history(app, world, judge, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 7, status=EntryStatus.VERIFIED, title="Tin tháng tư")
    support.post_entry(reporter, support.entry_data(tb, action="submit",
                                                    links="https://baocaobang.vn/bai-1"),
                       files=[(support.png(), "anh.png"), (support.pdf(), "bai.pdf")])
    entry = db.session.scalars(select(factories.Entry).where(
        factories.Entry.status == "submitted")).one()
    page = support.flash_or_error(judge.get(f"/tham-dinh/ket-qua/{entry.id}"))
    assert 'class="evidence-preview"' in page and "bai.pdf" in page
    assert "https://baocaobang.vn/bai-1" in page
    assert "Tin tháng tư" in page
    assert "Xác nhận" in page and "Trả lại" in page


def test_verify_with_adjusted_quantity_keeps_the_reported_one_and_needs_a_reason(
    app, world, judge
):
    dv = factories.criterion(world.drive, "DV")  # count, Khối huyện target 100, 10 points
    entry = factories.entry(world.hoa_an, dv, 40, status=EntryStatus.SUBMITTED)
    no_reason = _act(judge, entry, "xac-nhan", quantity="30")
    assert no_reason.status_code == 400
    assert "Hãy nhập lý do." in support.flash_or_error(no_reason)
    db.session.refresh(entry)
    assert entry.status == "submitted"
    response = _act(judge, entry, "xac-nhan", quantity="30", reason="10 người chưa có quyết định")
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.quantity, entry.verified_quantity, entry.counted_quantity) == (40, 30, 30)
    tally = db.session.get(CriterionTally, (world.hoa_an.id, dv.id))
    assert tally.quantity == 30
    # 10 × 30/100 = 3,00
    row = standings.standing_of(standings.public_standings(world.drive), "HOAAN")
    assert row.score("DV").points == Decimal("3.00")


@pytest.mark.parametrize("action, status", [("tra-lai", "returned"), ("tu-choi", "rejected")])
def test_return_and_reject_need_a_reason(app, world, judge, action, status):
    kh = factories.criterion(world.drive, "KH")
    entry = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.SUBMITTED)
    assert _act(judge, entry, action, reason="  ").status_code == 400
    db.session.refresh(entry)
    assert entry.status == "submitted"
    assert _act(judge, entry, action, reason="Chưa có chữ ký").status_code == 302
    db.session.refresh(entry)
    assert (entry.status, entry.decision_reason) == (status, "Chưa có chữ ký")


def test_reopen_takes_points_back_out_until_verified_again(app, world, judge):
    kh = factories.criterion(world.drive, "KH")  # yes/no, 5 points
    entry = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.VERIFIED)

    def points():
        board = standings.public_standings(world.drive)
        return standings.standing_of(board, "HOAAN").score("KH").points

    assert points() == Decimal("5.00")
    assert _act(judge, entry, "mo-lai", reason="").status_code == 400
    assert _act(judge, entry, "mo-lai", reason="Kế hoạch của năm 2020").status_code == 302
    db.session.refresh(entry)
    assert entry.status == "submitted" and points() == Decimal("0.00")
    reopen = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry.reopen")).one()
    assert reopen.reason == "Kế hoạch của năm 2020" and reopen.before["status"] == "verified"


def test_acting_on_an_entry_in_the_wrong_state_is_409(app, world, judge):
    kh = factories.criterion(world.drive, "KH")
    draft = factories.entry(world.hoa_an, kh, 1)
    response = _act(judge, draft, "xac-nhan")
    assert response.status_code == 409
    assert "không ở trạng thái cho phép" in support.flash_or_error(response)


def test_judge_cannot_verify_own_unit_or_a_unit_under_it(app, world, make_visitor):
    conflicted = make_visitor()
    conflicted.login("thamdinh2")  # from Hòa An
    kh = factories.criterion(world.drive, "KH")
    own = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.SUBMITTED)
    below = factories.entry(world.thpt_hoa_an, kh, 1, status=EntryStatus.SUBMITTED)
    elsewhere = factories.entry(world.bao_lam, kh, 1, status=EntryStatus.SUBMITTED)
    for entry in (own, below):
        page = support.flash_or_error(conflicted.get(f"/tham-dinh/ket-qua/{entry.id}"))
        assert "bạn không được thẩm định" in page and "xac-nhan" not in page
        for action in ("xac-nhan", "tra-lai", "tu-choi"):
            assert _act(conflicted, entry, action, reason="x").status_code == 403
        db.session.refresh(entry)
        assert entry.status == "submitted"
    queue = support.flash_or_error(conflicted.get("/tham-dinh/"))
    assert f'value="{own.id}:' not in queue and f'value="{elsewhere.id}:' in queue
    bulk = conflicted.post("/tham-dinh/xac-nhan-nhieu",
                           {"entries": [f"{elsewhere.id}:{elsewhere.version}",
                                        f"{below.id}:{below.version}"]},
                           token_from="/tham-dinh/")
    assert bulk.status_code == 403
    db.session.refresh(elsewhere)
    assert elsewhere.status == "submitted"
    assert _act(conflicted, elsewhere, "xac-nhan").status_code == 302


def test_bulk_verify_verifies_the_selection_as_reported(app, world, judge):
    kh, ct = factories.criterion(world.drive, "KH"), factories.criterion(world.drive, "CT")
    one = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.SUBMITTED)
    two = factories.entry(world.bao_lam, ct, 3, status=EntryStatus.SUBMITTED)
    response = judge.post("/tham-dinh/xac-nhan-nhieu",
                          {"entries": [f"{one.id}:{one.version}", f"{two.id}:{two.version}"]},
                          token_from="/tham-dinh/")
    assert response.status_code == 302
    for entry in (one, two):
        db.session.refresh(entry)
        assert entry.status == "verified" and entry.verified_quantity is None
    assert support.audit_actions("entry").count("entry.verify") == 2


def test_stale_form_gets_409_saying_who_acted_and_when(app, world, make_visitor):
    first, second = make_visitor(), make_visitor()
    first.login("thamdinh1")
    second.login("admin")
    kh = factories.criterion(world.drive, "KH")
    entry = factories.entry(world.bao_lam, kh, 1, status=EntryStatus.SUBMITTED)
    seen = entry.version  # both pages were drawn from this version
    assert _act(first, entry, "tra-lai", version=seen, reason="Bổ sung biên bản").status_code == 302
    late = _act(second, entry, "xac-nhan", version=seen)
    assert late.status_code == 409
    text = support.flash_or_error(late)
    assert "vừa được thamdinh1 cập nhật lúc 10/05/2021" in text
    assert "Trả lại để bổ sung" in text
    db.session.refresh(entry)
    assert entry.status == "returned" and entry.decided_by.username == "thamdinh1"


def test_two_judges_at_once_one_wins_one_is_told(app, world, make_visitor):
    """Two judges press their buttons at the same moment, each in their own thread."""
    kh = factories.criterion(world.drive, "KH")
    entry = factories.entry(world.bao_lam, kh, 1, status=EntryStatus.SUBMITTED)
    judges = {"thamdinh1": ("xac-nhan", ""), "admin": ("tu-choi", "Không đúng đợt")}
    visitors = {}
    for name in judges:
        visitors[name] = make_visitor()
        visitors[name].login(name)
    entry_id, version = entry.id, entry.version
    tokens = {name: v.token("/tham-dinh/") for name, v in visitors.items()}
    db.session.commit()  # the test's own session holds no lock while the judges race
    start = threading.Barrier(len(judges))
    results: dict[str, int] = {}

    def press(name: str) -> None:
        action, reason = judges[name]
        with app.app_context():
            start.wait()
            response = visitors[name].client.post(
                f"/tham-dinh/ket-qua/{entry_id}/{action}",
                data={"version": version, "reason": reason, "csrf_token": tokens[name]})
            results[name] = response.status_code
            db.session.remove()

    threads = [threading.Thread(target=press, args=(name,)) for name in judges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [302, 409]
    winner = next(name for name, code in results.items() if code == 302)
    db.session.refresh(entry)
    assert entry.decided_by.username == winner
    assert entry.status == {"thamdinh1": "verified", "admin": "rejected"}[winner]
    decisions = [a for a in support.audit_actions("entry") if a in ("entry.verify", "entry.reject")]
    assert len(decisions) == 1
