"""A drive at its end: results verified before the freeze (30/06/2021 17:00, Vietnam time),
decisions to appeal, and a way to move the clock to any Vietnam moment."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from competition.extensions import db
from competition.models import EntryStatus
from tests import factories

V = EntryStatus.VERIFIED


@pytest.fixture
def at(monkeypatch):
    """`at("2021-07-02T09:00")` pins the clock to that Vietnam moment."""
    return lambda moment: monkeypatch.setenv("COMPETITION_NOW", moment)


@pytest.fixture
def ended(world, at):
    """Hòa An: 4 tin bài verified, 6 pending at the freeze, 1 kế hoạch rejected, 8 người
    adjusted to 5; Bảo Lâm: 3 hội nghị verified. Then the clock stands inside the appeal window."""
    drive = world.drive
    tb, hn, kh, dv = (factories.criterion(drive, c) for c in ("TB", "HN", "KH", "DV"))
    made = SimpleNamespace(world=world, drive=drive)
    made.tb_verified = factories.entry(world.hoa_an, tb, 4, status=V, activity_date=date(2021, 4, 12))
    made.tb_pending = factories.entry(world.hoa_an, tb, 6, status=EntryStatus.SUBMITTED,
                                      activity_date=date(2021, 5, 4), title="Tin bài chờ")
    made.kh_rejected = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.REJECTED,
                                       activity_date=date(2021, 3, 15))
    made.dv_adjusted = factories.entry(world.hoa_an, dv, 8, status=V, verified_quantity=5,
                                       activity_date=date(2021, 4, 2))
    made.hn_blam = factories.entry(world.bao_lam, hn, 3, status=V, activity_date=date(2021, 5, 3))
    made.hn_pending = factories.entry(world.bao_lam, hn, 2, status=EntryStatus.SUBMITTED,
                                      activity_date=date(2021, 5, 6), title="Hội nghị chờ")
    db.session.commit()
    at("2021-07-02T09:00:00")
    return made
