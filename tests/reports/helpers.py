"""Entries of Hòa An for April 2021 that every reports test reads, with the figures they must give."""

from __future__ import annotations

from datetime import date

from tests import factories

APRIL = "2021-04"


def april_entries(world) -> None:
    """Hòa An: 3 verified meetings (120 people) and 4 submitted news items in April, 12 verified
    new members in March, 7 verified celebration works in April adjusted to 5 by the judge; a
    rejected and a draft entry that a report must ignore; Bảo Lâm: 2 verified meetings."""
    drive = world.drive
    hn, tb = factories.criterion(drive, "HN"), factories.criterion(drive, "TB")
    meeting = factories.entry(world.hoa_an, hn, 3, status="verified", channel="hoi_nghi",
                              activity_date=date(2021, 4, 20),
                              title="Hội nghị tuyên truyền Luật Bầu cử ở xã Đức Long")
    meeting.people_reached = 120
    factories.entry(world.hoa_an, tb, 4, status="submitted", channel="zalo",
                    activity_date=date(2021, 4, 25))
    factories.entry(world.hoa_an, factories.criterion(drive, "DV"), 12, status="verified",
                    activity_date=date(2021, 3, 21))
    factories.entry(world.hoa_an, factories.criterion(drive, "CT"), 7, status="verified",
                    verified_quantity=5, activity_date=date(2021, 4, 28))
    factories.entry(world.hoa_an, factories.criterion(drive, "SK"), 9, status="rejected",
                    activity_date=date(2021, 4, 10))
    factories.entry(world.hoa_an, factories.criterion(drive, "SK"), 4,
                    activity_date=date(2021, 4, 11))
    factories.entry(world.bao_lam, hn, 2, status="verified", channel="facebook",
                    activity_date=date(2021, 4, 2))
    from competition.extensions import db

    db.session.commit()
