"""Vietnam time whatever the server's zone: today, deadlines, what is shown and typed."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import pytest

from competition import clock, formatting
from competition.reports import services as report_services
from tests import factories


@pytest.fixture(params=["UTC", "America/New_York"])
def server_zone(request, monkeypatch):
    """Run the test as if the server's own clock were in this zone."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_a_report_filed_at_2359_vietnam_time_on_the_deadline_day_is_on_time(app, drive, server_zone):
    assert os.environ["TZ"] == server_zone
    deadline = report_services.deadline(drive, date(2021, 4, 1))  # "by the end of 5 May"
    assert deadline == datetime(2021, 5, 5, 16, 59, 59, 999999, tzinfo=UTC)
    on_time = factories.vn(2021, 5, 5, 23, 59)
    late = factories.vn(2021, 5, 6, 0, 1)
    assert on_time <= deadline < late
    assert late == datetime(2021, 5, 5, 17, 1, tzinfo=UTC)


def test_today_is_the_vietnam_date(app, server_zone, monkeypatch):
    monkeypatch.delenv("COMPETITION_TODAY", raising=False)
    monkeypatch.setenv("COMPETITION_NOW", "2021-05-06T00:30:00")  # 17:30 UTC on 5 May
    assert clock.now() == datetime(2021, 5, 5, 17, 30, tzinfo=UTC)
    assert clock.today() == date(2021, 5, 6)


def test_moments_are_shown_in_vietnam_time(app, server_zone):
    with app.test_request_context():
        assert formatting.moment(datetime(2021, 5, 5, 2, 44, tzinfo=UTC)) == "05/05/2021 09:44"
        assert formatting.day(datetime(2021, 5, 5, 17, 30, tzinfo=UTC)) == "06/05/2021"


def test_the_database_keeps_utc_and_gives_back_aware_moments(app, world):
    world.drive.freeze_at = factories.vn(2021, 6, 30, 17)
    from competition.extensions import db

    db.session.commit()
    db.session.expire_all()
    stored = db.session.execute(db.text("SELECT freeze_at FROM drive")).scalar_one()
    assert str(stored).startswith("2021-06-30 10:00:00")
    assert world.drive.freeze_at == datetime(2021, 6, 30, 10, tzinfo=UTC)


def test_the_admin_types_the_freeze_in_vietnam_time(world, make_visitor):
    from competition.extensions import db
    from tests.admin.test_drive import _settings

    admin = make_visitor()
    admin.login("admin")
    response = admin.post("/quan-tri/dot-thi-dua", _settings(
        world.drive, freeze_at="2021-06-30T20:00", confirm="1"), token_from="/quan-tri/dot-thi-dua")
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert world.drive.freeze_at == datetime(2021, 6, 30, 13, tzinfo=UTC)
    assert 'value="30/06/2021 20:00"' in admin.get("/quan-tri/dot-thi-dua").get_data(as_text=True)
