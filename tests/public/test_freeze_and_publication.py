"""Between the freeze and the publication the public sees the board as of the freeze."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from competition import lifecycle, publication, standings
from competition.extensions import db
from competition.models import AuditEvent, EntryStatus
from tests import factories
from tests.public.test_pages import text


def _hoa_an_total(response) -> str:
    rows = response.get_json()["blocks"][0]["rows"]
    return next(r["total"] for r in rows if r["unit"]["code"] == "HOAAN")


@pytest.fixture
def frozen(world, monkeypatch):
    """Hòa An verified 4 tin bài before the freeze (30/6 17:00) and 26 more after it."""
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 4, status=EntryStatus.VERIFIED)
    late = factories.entry(world.hoa_an, tb, 26, status=EntryStatus.SUBMITTED,
                           activity_date=date(2021, 6, 29), title="Tin bài sau khi chốt")
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-02")
    lifecycle.verify(late, world.judge)
    db.session.commit()
    return world


def test_public_board_stays_as_of_the_freeze(client, frozen):
    # TB 10 × 4/30 = 1.33, plus the 5 points of a unit without work stoppage.
    assert _hoa_an_total(client.get("/api/v1/leaderboard")) == "6.33"
    page = text(client.get("/bang-xep-hang/huyen"))
    assert "Bảng xếp hạng đã chốt lúc 30/06/2021 17:00" in page
    assert "Tin bài sau khi chốt" not in text(client.get("/tuyen-truyen"))
    assert "Tin bài sau khi chốt" not in text(client.get("/don-vi-thi-dua/hoaan"))
    assert "26 tin bài" not in text(client.get("/nhat-ky-xep-hang"))


def test_staff_see_the_live_board_with_a_notice(make_visitor, frozen):
    judge = make_visitor()
    judge.login("thamdinh1")
    page = text(judge.get("/bang-xep-hang/huyen"))
    live = standings.standing_of(standings.standings(frozen.drive), "HOAAN")
    public = standings.standing_of(standings.public_standings(frozen.drive), "HOAAN")
    assert live.total > public.total
    assert f"{live.total:.2f}".replace(".", ",") in page
    assert "Bạn đang xem số liệu trực tiếp" in page
    assert "Tin bài sau khi chốt" in text(judge.get("/tuyen-truyen"))
    # The open API shows the public board to everyone, staff included.
    assert judge.get("/api/v1/leaderboard").get_json()["drive"]["frozen"] is True
    assert _hoa_an_total(judge.get("/api/v1/leaderboard")) == f"{public.total}"


def test_a_reporter_sees_the_public_board(make_visitor, frozen):
    reporter = make_visitor()
    reporter.login("hoaan")
    assert "Bạn đang xem số liệu trực tiếp" not in text(reporter.get("/bang-xep-hang/huyen"))
    assert "Tin bài sau khi chốt" not in text(reporter.get("/tuyen-truyen"))


def test_publishing_shows_the_final_board_and_is_audited(client, frozen):
    before = client.get("/api/v1/leaderboard")
    publication.publish_results(frozen.drive, frozen.admin)
    db.session.commit()
    after = client.get("/api/v1/leaderboard", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    live = standings.standing_of(standings.standings(frozen.drive), "HOAAN")
    assert _hoa_an_total(after) == f"{live.total}" != _hoa_an_total(before)
    assert after.get_json()["drive"]["frozen"] is False
    assert "Kết quả chính thức đã được công bố" in text(client.get("/bang-xep-hang/huyen"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "drive.publish")).one()
    assert event.actor_id == frozen.admin.id
    assert event.after["published_at"].startswith("2021-07-02")


def test_only_an_admin_publishes_and_only_once(frozen):
    with pytest.raises(lifecycle.Forbidden):
        publication.publish_results(frozen.drive, frozen.judge)
    publication.publish_results(frozen.drive, frozen.admin)
    db.session.commit()
    with pytest.raises(lifecycle.TransitionError) as refused:
        publication.publish_results(frozen.drive, frozen.admin)
    assert refused.value.message == "already_published"
    assert refused.value.status == 409
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "drive.publish"))
    assert len(list(events)) == 1
