"""From the freeze until publication every public number is as of the freeze."""

from __future__ import annotations

from competition import lifecycle
from competition.extensions import db
from competition.models import Evidence
from tests import factories
from tests.public.test_pages import text

PUBLIC_PAGES = [
    "/", "/bang-xep-hang/huyen", "/bang-xep-hang/cdcs", "/don-vi-thi-dua/hoaan",
    "/don-vi-thi-dua/blam", "/tuyen-truyen", "/nhat-ky-xep-hang", "/bang-xep-hang/huyen.csv",
    "/api/v1/leaderboard", "/api/v1/units/HOAAN", "/api/v1/units/BLAM", "/api/v1/propaganda",
]


def _surface(client, extra: list[str]) -> dict[str, tuple[int, bytes]]:
    found = {}
    for path in PUBLIC_PAGES + extra:
        response = client.get(path)
        found[path] = (response.status_code, response.get_data())
    return found


def _hoa_an(client) -> dict:
    return client.get("/api/v1/units/HOAAN").get_json()


def test_the_whole_public_surface_does_not_move_after_the_freeze(client, ended, make_visitor):
    world = ended.world
    late_file = Evidence(entry=ended.tb_pending, stored_name="late.png", original_name="late.png",
                         content_type="image/png", size=10, is_public=True)
    db.session.add(late_file)
    db.session.commit()
    evidence = f"/don-vi/minh-chung/{late_file.id}"
    before = _surface(client, [evidence])

    # After the freeze a judge verifies one pending entry and rejects another, a judge
    # scores a judged criterion for the first time, and a unit tries a new submission.
    lifecycle.verify(ended.tb_pending, world.judge)
    lifecycle.reject(ended.hn_pending, world.judge, "Trùng hoạt động")
    db.session.commit()
    reporter = make_visitor()
    reporter.login("hoaan")
    refused = reporter.post("/don-vi/ket-qua/moi", {
        "criterion": factories.criterion(ended.drive, "CT").id, "activity_date": "2021-06-20",
        "quantity": "1", "title": "Công trình muộn", "action": "submit",
    }, token_from="/don-vi/ket-qua/moi")
    assert refused.status_code in (400, 409)

    after = _surface(client, [evidence])
    assert before == after
    assert before[evidence][0] == 404  # verified after the freeze: not served to the public


def test_declared_figure_and_public_totals_are_as_of_the_freeze(client, ended):
    unit = _hoa_an(client)
    # Verified at the freeze: TB 10 × 4/30 = 1.33, DV 10 × 5/100 = 0.50, AN 5 (no stoppage),
    # KH rejected 0, BT 0 of 3 reports due: 6.83.
    assert unit["standing"]["total"] == "6.83"
    # Declared adds what was pending at the freeze as reported: TB 10 × 10/30 = 3.33 → 8.83.
    assert unit["declared"]["total"] == "8.83"
    assert unit["drive"]["frozen"] is True
    lifecycle.verify(ended.tb_pending, ended.world.judge)
    db.session.commit()
    again = _hoa_an(client)
    assert again["standing"]["total"] == "6.83" and again["declared"]["total"] == "8.83"


def test_the_freeze_moment_itself_is_frozen_and_the_second_before_is_live(client, ended, at):
    at("2021-06-30T16:59:59")
    assert client.get("/api/v1/leaderboard").get_json()["drive"]["frozen"] is False
    at("2021-06-30T17:00:00")
    assert client.get("/api/v1/leaderboard").get_json()["drive"]["frozen"] is True


def test_a_decision_of_record_is_not_reopened_after_the_freeze(ended, make_visitor):
    judge = make_visitor()
    judge.login("thamdinh1")
    entry = ended.tb_verified
    response = judge.post(f"/tham-dinh/ket-qua/{entry.id}/mo-lai",
                          {"version": entry.version, "reason": "Xem lại"},
                          token_from=f"/tham-dinh/ket-qua/{entry.id}")
    assert response.status_code == 409
    assert "chỉ thay đổi được qua khiếu nại" in text(response)


def test_staff_still_see_the_live_board(make_visitor, ended):
    lifecycle.verify(ended.tb_pending, ended.world.judge)
    db.session.commit()
    judge = make_visitor()
    judge.login("thamdinh1")
    page = text(judge.get("/bang-xep-hang/huyen"))
    # Live: TB 10 × 10/30 = 3.33 + DV 0.50 + AN 5 = 8.83.
    assert "8,83" in page and "Bạn đang xem số liệu trực tiếp" in page
    assert "đã chốt lúc 30/06/2021 17:00" in page
