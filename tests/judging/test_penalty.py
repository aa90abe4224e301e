"""Penalty items are recorded by staff for a unit, submitted, then verified like any entry."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import Entry
from tests import factories
from tests.entries import support

PATH = "/tham-dinh/vi-pham/moi"


def test_judge_records_a_penalty_that_costs_points_once_verified(app, world, make_visitor):
    recorder, verifier = make_visitor(), make_visitor()
    recorder.login("thamdinh1")
    verifier.login("admin")
    an = factories.criterion(world.drive, "AN")  # penalty, 5 points, 5 per item by default
    response = support.post_entry(
        recorder, support.entry_data(an, quantity="1", unit=world.bao_lam.id,
                                     title="Ngừng việc tập thể tại công ty X"),
        path=PATH, files=[(support.pdf(), "bien-ban.pdf")])
    assert response.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    assert (entry.status, entry.unit_id, entry.created_by.username) == (
        "submitted", world.bao_lam.id, "thamdinh1")

    def points():
        board = standings.public_standings(world.drive)
        return standings.standing_of(board, "BLAM").score("AN").points

    assert points() == Decimal("5.00")
    response = verifier.post(f"/tham-dinh/ket-qua/{entry.id}/xac-nhan",
                             {"version": entry.version}, token_from="/tham-dinh/")
    assert response.status_code == 302
    # max(0, 5 − 5 × 1) = 0
    assert points() == Decimal("0.00")


def test_penalty_form_offers_only_penalty_criteria_and_units_the_judge_may_judge(
    app, world, make_visitor
):
    conflicted = make_visitor()
    conflicted.login("thamdinh2")
    page = support.flash_or_error(conflicted.get(PATH))
    an, tb = factories.criterion(world.drive, "AN"), factories.criterion(world.drive, "TB")
    assert f'value="{an.id}"' in page and f'value="{tb.id}"' not in page
    assert "LĐLĐ huyện Bảo Lâm" in page and "LĐLĐ huyện Hòa An" not in page
    response = support.post_entry(conflicted, support.entry_data(an, quantity="1",
                                                                 unit=world.hoa_an.id),
                                  path=PATH)
    assert response.status_code == 403
    assert support.counts() == (0, 0)


def test_reporters_cannot_open_the_penalty_form(app, world, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    assert reporter.get(PATH).status_code == 403


def test_a_unit_id_no_database_can_hold_is_refused_on_the_form_not_a_server_error(
    app, world, make_visitor
):
    recorder = make_visitor()
    recorder.login("thamdinh1")
    an = factories.criterion(world.drive, "AN")
    response = support.post_entry(
        recorder, support.entry_data(an, quantity="1", unit="99999999999999999999999999",
                                     title="Ngừng việc tập thể"), path=PATH)
    assert response.status_code == 400
    assert db.session.scalars(select(Entry)).all() == []
