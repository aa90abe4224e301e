"""Honest dates: nothing after today, propaganda inside its phase (Đợt 1 from January),
other entries inside the drive, nothing new after the submission close."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from competition import lifecycle
from competition.extensions import db
from competition.imports import plan_entries, read_rows
from competition.lifecycle import TransitionError
from competition.models import Entry, EntryStatus
from tests import factories
from tests.entries import support
from tests.public.test_pages import text


@pytest.fixture
def reporter(make_visitor, world):
    visitor = make_visitor()
    visitor.login("hoaan")
    return visitor


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Entry))


@pytest.mark.parametrize("day, phase, accepted", [
    ("2021-05-10", "dot2", True),  # today itself
    ("2021-05-11", "dot2", False),  # tomorrow
    ("2021-01-04", "dot1", True),  # Đợt 1 began in January, before the drive
    ("2021-03-09", "dot1", True),
    ("2021-05-05", "dot1", False),  # after Đợt 1's window
])
def test_a_propaganda_date_lies_in_its_phase_and_not_after_today(reporter, world, day, phase,
                                                                  accepted):
    tb = factories.criterion(world.drive, "TB")
    data = support.entry_data(tb, activity_date=day, phase=factories.phase(world.drive, phase).id)
    before = _count()
    response = support.post_entry(reporter, data)
    assert (response.status_code == 302) == accepted
    assert _count() == before + (1 if accepted else 0)
    if not accepted:
        page = text(response)
        assert "không được sau hôm nay" in page or "phải nằm trong Đợt 1" in page


@pytest.mark.parametrize("day, accepted", [("2021-03-09", False), ("2021-03-10", True)])
def test_another_entry_lies_inside_the_drive(reporter, world, day, accepted):
    kh = factories.criterion(world.drive, "KH")
    response = support.post_entry(reporter, support.entry_data(kh, activity_date=day, quantity="1"))
    assert (response.status_code == 302) == accepted


def test_the_import_refuses_a_future_date_and_reads_verified_at_in_vietnam_time(world):
    header = "unit_code,criterion_code,activity_date,quantity,status,phase,channel,title,judge,verified_at\n"
    future = header + "HOAAN,KH,2021-05-11,1,submitted,,,Kế hoạch,,\n"
    plan = plan_entries(read_rows(future.encode(), "e.csv"), "e.csv", world.drive)
    assert not plan.ok and "không được sau hôm nay" in str(plan.problems[0])
    history = header + "HOAAN,KH,2021-03-15,1,verified,,,Kế hoạch,thamdinh1,2021-03-16 08:30\n"
    plan = plan_entries(read_rows(history.encode(), "e.csv"), "e.csv", world.drive)
    assert plan.ok
    plan.apply()
    db.session.commit()
    entry = db.session.scalars(select(Entry)).one()
    assert entry.verified_at == factories.vn(2021, 3, 16, 8, 30)
    late = header + "HOAAN,KH,2021-03-15,1,verified,,,Kế hoạch,thamdinh1,2021-05-11 08:00\n"
    plan = plan_entries(read_rows(late.encode(), "e.csv"), "e.csv", world.drive)
    assert not plan.ok and "verified_at" in str(plan.problems[0])


def test_after_the_submission_close_units_only_answer_returned_entries(world, monkeypatch):
    kh, ct = (factories.criterion(world.drive, c) for c in ("KH", "CT"))
    returned = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.RETURNED,
                               activity_date=date(2021, 4, 1))
    draft = factories.entry(world.hoa_an, ct, 1, activity_date=date(2021, 4, 2))
    world.drive.submissions_close_at = factories.vn(2021, 6, 25, 17)
    db.session.commit()
    monkeypatch.setenv("COMPETITION_NOW", "2021-06-25T17:00:00")  # the close itself: still open
    lifecycle.submit(draft, world.reporter_hoa_an)
    db.session.commit()
    monkeypatch.setenv("COMPETITION_NOW", "2021-06-25T17:00:01")
    late = factories.entry(world.hoa_an, ct, 1, activity_date=date(2021, 4, 3))
    with pytest.raises(TransitionError) as refused:
        lifecycle.submit(late, world.reporter_hoa_an)
    assert refused.value.message == "submissions_closed"
    db.session.rollback()
    lifecycle.submit(returned, world.reporter_hoa_an)  # answering a returned entry
    db.session.commit()
    assert returned.status == EntryStatus.SUBMITTED
