"""A district's monthly report adds, for a rolled-up criterion, what its grassroots unions did."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from competition.extensions import db
from competition.reports import services
from tests import factories
from tests.reports.helpers import APRIL, april_entries


def _grassroots_april(world) -> None:
    """Under Hòa An, the kindergarten's union: 5 new members verified by the district's judge
    and 2 submitted in April (DV rolls up), 3 celebration works verified (CT does not)."""
    factories.with_district(world)
    dv, ct = factories.criterion(world.drive, "DV"), factories.criterion(world.drive, "CT")
    factories.entry(world.mn_hoa_an, dv, 5, status="verified", judge=world.district_judge,
                    activity_date=date(2021, 4, 5))
    factories.entry(world.mn_hoa_an, dv, 2, status="submitted", activity_date=date(2021, 4, 6))
    factories.entry(world.mn_hoa_an, ct, 3, status="verified", judge=world.district_judge,
                    activity_date=date(2021, 4, 7))
    db.session.commit()


def _row(figures: services.UnitMonth, code: str) -> services.CriterionRow:
    return next(row for row in figures.criteria if row.criterion.code == code)


def test_the_district_report_rolls_up_its_grassroots_unions(world):
    april_entries(world)
    _grassroots_april(world)

    figures = services.unit_month(world.drive, world.hoa_an, date(2021, 4, 1))

    dv = _row(figures, "DV")  # Hòa An's own 12 in March, plus 5 verified + 2 pending below
    assert (dv.month.verified, dv.month.pending) == (5, 2)
    assert (dv.total.verified, dv.total.pending) == (12 + 5, 2)
    assert (dv.below.verified, dv.below.pending) == (5, 2)
    assert dv.score.achieved == 17
    ct = _row(figures, "CT")  # not rolled up: Hòa An's own 5 (7 adjusted by the judge) only
    assert (ct.total.verified, ct.below.verified) == (5, 0)


def test_a_grassroots_report_counts_only_its_own_entries(world):
    april_entries(world)
    _grassroots_april(world)

    figures = services.unit_month(world.drive, world.mn_hoa_an, date(2021, 4, 1))

    dv = _row(figures, "DV")
    assert (dv.total.verified, dv.total.pending, dv.below.verified) == (5, 2, 0)


def test_the_page_and_the_docx_say_what_came_from_below(world, visitor):
    april_entries(world)
    _grassroots_april(world)
    visitor.login("hoaan")

    page = visitor.get(f"/bao-cao/hoaan/{APRIL}").get_data(as_text=True)
    document = Document(io.BytesIO(visitor.get(f"/bao-cao/hoaan/{APRIL}/tai-ve.docx").data))

    line = "Lũy kế gồm 5 đã xác nhận và 2 chưa xác nhận từ đơn vị cấp dưới"
    assert page.count(line) == 1
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(line in text and "(DV)" in text for text in cells)
