"""The standings service: what the database holds, ranked by the scoring rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from competition import scoring, standings
from competition.clock import now
from competition.extensions import db
from competition.models import EntryStatus
from tests import factories
from tests.factories import vn


def test_verified_entries_score_and_pending_ones_do_not(world):
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 6, status=EntryStatus.VERIFIED)
    factories.entry(world.hoa_an, tb, 9, status=EntryStatus.SUBMITTED)
    factories.entry(world.hoa_an, tb, 5, status=EntryStatus.REJECTED)
    row = standings.standing_of(standings.standings(world.drive), "HOAAN")
    # 6 of the district target 30: 10 × 6/30 = 2.00
    assert row.score("TB").points == Decimal("2.00")
    projected = standings.projected_standing(world.drive, world.hoa_an)
    # With the 9 pending: 15/30 → 5.00
    assert projected.score("TB").points == Decimal("5.00")


def test_an_adjusted_quantity_counts_instead_of_the_reported_one(world):
    tb = factories.criterion(world.drive, "TB")
    entry = factories.entry(world.hoa_an, tb, 9, status=EntryStatus.VERIFIED, verified_quantity=3)
    assert entry.quantity == 9
    row = standings.standing_of(standings.standings(world.drive), "HOAAN")
    assert row.score("TB").points == Decimal("1.00")


def test_incremental_tallies_equal_a_full_recompute(world):
    from competition import lifecycle

    tb = factories.criterion(world.drive, "TB")
    kh = factories.criterion(world.drive, "KH")
    first = factories.entry(world.hoa_an, tb, 4, status=EntryStatus.VERIFIED)
    factories.entry(world.bao_lam, kh, 1, status=EntryStatus.VERIFIED)
    lifecycle.reopen(first, world.judge, "kiểm tra lại")
    db.session.commit()
    live = standings.standings(world.drive)
    assert standings.standing_of(live, "HOAAN").score("TB").points == 0
    recomputed = scoring.compute_standings(
        standings.scoring_input(world.drive, cutoff=now())
    )
    assert {k: v for k, v in live.items()} == {k: recomputed[k] for k in live}


def test_freeze_shows_the_public_the_board_as_of_the_freeze(world, monkeypatch):
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 6, status=EntryStatus.VERIFIED)
    world.drive.freeze_at = vn(2021, 5, 10, 0, 0)
    db.session.commit()
    # Verified today (10/5), after the freeze at midnight: hidden from the public.
    assert standings.public_cutoff(world.drive) == world.drive.freeze_at
    public = standings.standing_of(standings.public_standings(world.drive), "HOAAN")
    live = standings.standing_of(standings.standings(world.drive), "HOAAN")
    assert public.score("TB").points == 0
    assert live.score("TB").points == Decimal("2.00")
    # Published: the public board is the official one, still as of the freeze.
    world.drive.published_at = vn(2021, 5, 10, 12, 0)
    db.session.commit()
    assert standings.public_cutoff(world.drive) == world.drive.freeze_at


def test_the_board_follows_a_change_made_in_another_transaction(world):
    kh = factories.criterion(world.drive, "KH")
    before = standings.standing_of(standings.standings(world.drive), "BLAM").total
    factories.entry(world.bao_lam, kh, 1, status=EntryStatus.VERIFIED)
    after = standings.standing_of(standings.standings(world.drive), "BLAM").total
    assert after - before == Decimal("5.00")


def test_on_time_counts_reports_filed_by_the_deadline(world):
    from competition.models import MonthlyReport

    db.session.add(MonthlyReport(drive=world.drive, unit=world.hoa_an, month=date(2021, 3, 1),
                                 filed_at=vn(2021, 4, 5, 17, 0)))
    db.session.add(MonthlyReport(drive=world.drive, unit=world.hoa_an, month=date(2021, 4, 1),
                                 filed_at=vn(2021, 5, 6, 8, 0)))
    standings.bump_version(world.drive.id)
    db.session.commit()
    row = standings.standing_of(standings.standings(world.drive), "HOAAN")
    # Two reports due by 10/5 (March and April); April came a day late: 5 × 1/2.
    assert row.score("BT").points == Decimal("2.50")
