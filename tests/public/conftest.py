"""Helpers for the public pages' tests: a world with verified results."""

from __future__ import annotations

from datetime import date

import pytest

from competition.models import EntryStatus
from tests import factories

V = EntryStatus.VERIFIED


@pytest.fixture
def scored(world):
    """The small world with a few verified results, one pending and one draft."""
    drive = world.drive
    tb, hn, kh = (factories.criterion(drive, code) for code in ("TB", "HN", "KH"))
    factories.entry(world.hoa_an, tb, 4, status=V, activity_date=date(2021, 4, 12),
                    channel="zalo", title="Tin bài tháng Tư")
    factories.entry(world.hoa_an, kh, 1, status=V, activity_date=date(2021, 3, 15))
    factories.entry(world.bao_lam, hn, 3, status=V, activity_date=date(2021, 5, 3),
                    channel="hoi_nghi", title="Hội nghị cử tri")
    factories.entry(world.dien_luc, tb, 2, status=V, activity_date=date(2021, 4, 20),
                    channel="facebook", title="Bài trên fanpage")
    factories.entry(world.hoa_an, tb, 6, status=EntryStatus.SUBMITTED,
                    activity_date=date(2021, 5, 4), title="Tin bài đang chờ")
    factories.entry(world.bao_lam, tb, 9, status=EntryStatus.DRAFT, title="Bản nháp")
    return world
