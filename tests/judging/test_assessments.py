"""Judged criteria: each judge scores 0..max with a comment; the unit gets the mean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import Assessment, AuditEvent, Criterion
from tests.entries import support


@pytest.fixture
def judged(world):
    """A judged criterion (the default drive has none): 'Chất lượng tuyên truyền', 10 points."""
    criterion = Criterion(drive=world.drive, code="CL", name="Chất lượng tuyên truyền",
                          measure="judged", max_points=Decimal(10), position=99)
    db.session.add(criterion)
    db.session.commit()
    return criterion


def _grid(visitor, unit, criterion, points: str, comment: str = "", block: str = "huyen"):
    path = f"/tham-dinh/cham-diem?block={block}"
    return visitor.post(path, {f"points-{unit.id}-{criterion.id}": points,
                               f"comment-{unit.id}-{criterion.id}": comment}, token_from=path)


def _points(code: str, criterion) -> Decimal:
    board = standings.public_standings(criterion.drive)
    return standings.standing_of(board, code).score(criterion.code).points


def test_score_is_the_mean_of_the_judges_and_moves_the_public_standings(
    app, world, judged, make_visitor
):
    first, second = make_visitor(), make_visitor()
    first.login("thamdinh1")
    second.login("admin")
    assert _points("BLAM", judged) == Decimal("0.00")
    assert _grid(first, world.bao_lam, judged, "8", "Nhiều hình thức").status_code == 302
    assert _points("BLAM", judged) == Decimal("8.00")
    assert _grid(second, world.bao_lam, judged, "7,5").status_code == 302
    # (8 + 7,5) / 2 = 7,75
    assert _points("BLAM", judged) == Decimal("7.75")
    page = support.flash_or_error(first.get("/tham-dinh/cham-diem?block=huyen"))
    assert "Trung bình: 7,75 · 2 người chấm" in page


def test_a_judge_changes_their_own_score_once_audited(app, world, judged, make_visitor):
    judge = make_visitor()
    judge.login("thamdinh1")
    _grid(judge, world.bao_lam, judged, "6", "Khá")
    _grid(judge, world.bao_lam, judged, "9", "Tốt")
    _grid(judge, world.bao_lam, judged, "9", "Tốt")  # unchanged: no new event
    mine = db.session.scalars(select(Assessment)).one()
    assert (mine.points, mine.comment) == (Decimal("9.00"), "Tốt")
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "assessment.save").order_by(AuditEvent.id)).all()
    assert [(e.before and e.before["points"], e.after["points"]) for e in events] == [
        (None, "6"), ("6.00", "9")]


@pytest.mark.parametrize("points", ["11", "-1", "abc", "7,125", "NaN"])
def test_points_outside_zero_to_max_are_refused_at_the_cell(app, world, judged, make_visitor,
                                                            points):
    judge = make_visitor()
    judge.login("thamdinh1")
    response = _grid(judge, world.bao_lam, judged, points)
    assert response.status_code == 400
    assert "Điểm phải là số từ 0 đến 10" in support.flash_or_error(response)
    assert db.session.scalars(select(Assessment)).all() == []


def test_judge_cannot_score_own_unit_in_the_page_or_by_a_crafted_request(
    app, world, judged, make_visitor
):
    conflicted = make_visitor()
    conflicted.login("thamdinh2")
    page = support.flash_or_error(conflicted.get("/tham-dinh/cham-diem?block=huyen"))
    assert f'name="points-{world.hoa_an.id}-{judged.id}"' not in page
    assert f'name="points-{world.bao_lam.id}-{judged.id}"' in page
    assert _grid(conflicted, world.hoa_an, judged, "10").status_code == 403
    below = _grid(conflicted, world.thpt_hoa_an, judged, "10", block="cdcs")
    assert below.status_code == 403
    assert db.session.scalars(select(Assessment)).all() == []


def test_grid_without_judged_criteria_says_so(app, world, make_visitor):
    judge = make_visitor()
    judge.login("thamdinh1")
    text = " ".join(judge.get("/tham-dinh/cham-diem").get_data(as_text=True).split())
    assert "Trang này trống vì đợt thi đua không có tiêu chí nào tính theo cách «Hội đồng chấm điểm»" in text
    assert "Quản trị › Tiêu chí" in text
