"""Appeals: a unit appeals inside the window, another judge upholds or amends, the official
result counts the amendment as if made before the freeze."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.lifecycle import Forbidden, TransitionError
from competition.models import Appeal, AppealStatus, Assessment, AuditEvent, Role
from competition.results import appeals
from tests import factories
from tests.public.test_pages import text


def _total(client, code: str = "HOAAN") -> str:
    return client.get(f"/api/v1/units/{code}").get_json()["standing"]["total"]


def test_unit_appeals_a_rejection_and_a_second_judge_amends_it(client, ended, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    filed = reporter.post("/khieu-nai/moi", {
        "entry_id": ended.kh_rejected.id, "reason": "Đơn vị đã ban hành Kế hoạch số 12/KH.",
        "evidence_url": "https://ldld.caobang.gov.vn/ke-hoach-12",
    }, token_from="/khieu-nai/")
    assert filed.status_code == 302
    appeal = db.session.scalars(select(Appeal)).one()
    assert (appeal.kind, appeal.status, appeal.original_value) == ("rejected", "open", "1")

    # The judge who rejected it may not decide; the Hòa An judge is conflicted.
    for username in ("thamdinh1", "thamdinh2"):
        judge = make_visitor()
        judge.login(username)
        refused = judge.post(f"/khieu-nai/{appeal.id}", {"outcome": "amend", "amended_value": "1",
                                                         "reason": "Có kế hoạch"},
                             token_from=f"/khieu-nai/{appeal.id}")
        assert refused.status_code == 403
    assert _total(client) == "6.83"

    other = factories.user("thamdinh3", Role.JUDGE)
    judge = make_visitor()
    judge.login(other.username)
    assert "Khiếu nại đang chờ giải quyết" in text(judge.get("/tham-dinh/"))
    decided = judge.post(f"/khieu-nai/{appeal.id}", {
        "outcome": "amend", "amended_value": "1", "reason": "Kế hoạch hợp lệ, ban hành 20/3."},
        token_from=f"/khieu-nai/{appeal.id}")
    assert decided.status_code == 302
    db.session.expire_all()
    # KH 5 points now count in the board as of the freeze: 6.83 + 5 = 11.83.
    assert _total(client) == "11.83"
    assert "Đã sửa quyết định" in text(reporter.get("/khieu-nai/"))
    log = text(client.get("/nhat-ky-xep-hang"))
    assert "Khiếu nại kết quả bị từ chối" in log and "Kế hoạch hợp lệ" in log
    assert "hoaan" not in log.lower().replace("hòa an", "")  # no reporter's account name
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"appeal.file", "appeal.amend", "entry.amend"} <= actions


def test_an_adjusted_quantity_amended_counts_the_new_quantity(client, ended):
    world = ended.world
    appeal = appeals.file_appeal(world.reporter_hoa_an, "Có danh sách 8 người",
                                 entry=ended.dv_adjusted)
    other = factories.user("thamdinh3", Role.JUDGE)
    appeals.decide(appeal, other, "amend", "Đủ hồ sơ 8 người", "8")
    db.session.commit()
    # DV 10 × 8/100 = 0.80 instead of 0.50: 6.83 + 0.30 = 7.13.
    assert _total(client) == "7.13"
    assert ended.dv_adjusted.verified_quantity is None  # counted as reported


def test_upholding_changes_nothing_and_the_unit_sees_the_reason(client, ended, make_visitor):
    appeal = appeals.file_appeal(ended.world.reporter_hoa_an, "Xin xem lại", entry=ended.kh_rejected)
    appeals.decide(appeal, factories.user("thamdinh3", Role.JUDGE), "uphold", "Không có văn bản")
    db.session.commit()
    assert appeal.status == AppealStatus.UPHELD and _total(client) == "6.83"
    reporter = make_visitor()
    reporter.login("hoaan")
    page = text(reporter.get(f"/khieu-nai/{appeal.id}"))
    assert "Giữ nguyên quyết định" in page and "Không có văn bản" in page


def test_a_judged_score_is_appealed_and_amended(client, ended):
    world = ended.world
    from competition.models import Criterion

    judged = Criterion(drive=ended.drive, code="TC", name="Tổ chức phong trào", measure="judged",
                       max_points=10, position=99)
    db.session.add(judged)
    db.session.flush()
    score = Assessment(unit=world.hoa_an, criterion=judged, judge=world.judge, points=4,
                       assessed_at=factories.vn(2021, 6, 1, 9))
    db.session.add(score)
    db.session.commit()
    appeal = appeals.file_appeal(world.reporter_hoa_an, "Điểm thấp so với kết quả",
                                 assessment=score)
    with pytest.raises(TransitionError) as too_high:
        appeals.decide(appeal, factories.user("thamdinh3", Role.JUDGE), "amend", "x", "10.5")
    assert too_high.value.message == "bad_amended_value"
    appeals.decide(appeal, db.session.scalars(select(factories.User).where(
        factories.User.username == "thamdinh3")).one(), "amend", "Đạt nhiều hơn", "7")
    db.session.commit()
    # 6.83 + 7 (the judged criterion) = 13.83.
    assert _total(client) == "13.83"


@pytest.mark.parametrize("moment, allowed", [
    ("2021-06-30T16:59:59", False),  # before the freeze
    ("2021-06-30T17:00:00", True),  # the freeze itself
    ("2021-07-05T17:00:00", True),  # the last second of the 5 days
    ("2021-07-05T17:00:01", False),  # after the window
])
def test_the_appeal_window_runs_from_the_freeze_for_appeal_days(ended, at, moment, allowed):
    at(moment)
    if allowed:
        appeals.file_appeal(ended.world.reporter_hoa_an, "Lý do", entry=ended.kh_rejected)
        return
    with pytest.raises(TransitionError) as refused:
        appeals.file_appeal(ended.world.reporter_hoa_an, "Lý do", entry=ended.kh_rejected)
    assert refused.value.message == "appeal_window_closed"


def test_bad_appeals_are_refused_with_their_reason(ended):
    world = ended.world
    with pytest.raises(Forbidden):  # someone else's entry
        appeals.file_appeal(world.reporter_bao_lam, "Lý do", entry=ended.kh_rejected)
    with pytest.raises(TransitionError) as as_declared:
        appeals.file_appeal(world.reporter_hoa_an, "Lý do", entry=ended.tb_verified)
    assert as_declared.value.message == "not_appealable"
    with pytest.raises(TransitionError) as no_reason:
        appeals.file_appeal(world.reporter_hoa_an, "  ", entry=ended.kh_rejected)
    assert no_reason.value.message == "reason_required"
    with pytest.raises(TransitionError) as bad_link:
        appeals.file_appeal(world.reporter_hoa_an, "Lý do", entry=ended.kh_rejected,
                            evidence_url="javascript:alert(1)")
    assert bad_link.value.message == "bad_evidence_url"
    appeals.file_appeal(world.reporter_hoa_an, "Lý do", entry=ended.kh_rejected)
    with pytest.raises(TransitionError) as twice:
        appeals.file_appeal(world.reporter_hoa_an, "Lần nữa", entry=ended.kh_rejected)
    assert twice.value.message == "already_appealed"


def test_an_appeal_page_form_refusal_is_shown_in_vietnamese(ended, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    response = reporter.post("/khieu-nai/moi", {"entry_id": ended.tb_verified.id, "reason": "x"},
                             token_from="/khieu-nai/")
    assert response.status_code == 409
    assert "không thể khiếu nại" in text(response)
    assert db.session.scalar(select(Appeal.id)) is None
