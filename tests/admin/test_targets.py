"""The targets grid: effective target and its source, edit in place, paste a column."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, EntryStatus, Target
from tests import factories
from tests.admin.conftest import text_of


def _unit_target(unit, criterion):
    row = db.session.scalars(select(Target).where(
        Target.unit_id == unit.id, Target.criterion_id == criterion.id)).first()
    return row.value if row else None


def test_grid_shows_each_target_and_where_it_comes_from(admin, world):
    hn = factories.criterion(world.drive, "HN")
    db.session.add(Target(criterion=hn, unit=world.bao_lam, value=Decimal(12)))
    db.session.commit()
    page = admin.get("/quan-tri/chi-tieu").get_data(as_text=True)
    bao_lam = re.search(rf'name="u-{world.bao_lam.id}-{hn.id}"[^>]*>\s*<span[^>]*>([^<]*)<', page)
    hoa_an = re.search(rf'name="u-{world.hoa_an.id}-{hn.id}"[^>]*>\s*<span[^>]*>([^<]*)<', page)
    pt = factories.criterion(world.drive, "PT")
    default = re.search(rf'name="u-{world.hoa_an.id}-{pt.id}"[^>]*>\s*<span[^>]*>([^<]*)<', page)
    assert bao_lam.group(1).split() == ["12", "·", "đơn", "vị"]
    assert hoa_an.group(1).split() == ["20", "·", "khối"]
    assert default.group(1).split() == ["95", "·", "mặc", "định"]


def test_editing_a_cell_previews_then_sets_the_units_own_target(admin, world):
    hn = factories.criterion(world.drive, "HN")
    factories.entry(world.hoa_an, hn, 10, status=EntryStatus.VERIFIED, judge=world.judge)
    field = f"u-{world.hoa_an.id}-{hn.id}"

    preview = admin.post("/quan-tri/chi-tieu", {field: "10"}, token_from="/quan-tri/chi-tieu")
    assert preview.status_code == 200
    assert "tổng điểm của 1 đơn vị" in text_of(preview)  # 10/20 → 10/10 of the points
    assert _unit_target(world.hoa_an, hn) is None

    saved = admin.post("/quan-tri/chi-tieu", {field: "10", "confirm": "1"},
                       token_from="/quan-tri/chi-tieu")
    assert saved.status_code == 302
    assert _unit_target(world.hoa_an, hn) == 10
    board = standings.standings(world.drive)
    assert standings.standing_of(board, "HOAAN").score("HN").points == 10
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "targets.update")).one()


def test_a_cell_that_is_not_a_number_is_refused_with_nothing_saved(admin, world):
    hn = factories.criterion(world.drive, "HN")
    response = admin.post("/quan-tri/chi-tieu", {
        f"u-{world.hoa_an.id}-{hn.id}": "7", f"u-{world.bao_lam.id}-{hn.id}": "mười",
    }, token_from="/quan-tri/chi-tieu")
    assert response.status_code == 400
    assert "«mười» không phải là số không âm." in text_of(response)
    assert _unit_target(world.hoa_an, hn) is None


def test_a_pasted_column_is_applied_down_the_units_in_grid_order(admin, world):
    tb = factories.criterion(world.drive, "TB")
    huyen = factories.block("huyen")
    # The district block lists Bảo Lâm, then Hòa An (by name); an empty line keeps a unit as it is.
    path = f"/quan-tri/chi-tieu/dan-cot?block={huyen.id}"
    preview = admin.post(path, {"criterion_id": tb.id, "values": "25\r\n1.234,5\r\n"},
                         token_from="/quan-tri/chi-tieu")
    assert preview.status_code == 200
    assert _unit_target(world.bao_lam, tb) is None

    saved = admin.post(path, {"criterion_id": tb.id, "values": "25\r\n1.234,5\r\n", "confirm": "1"},
                       token_from="/quan-tri/chi-tieu")
    assert saved.status_code == 302
    assert _unit_target(world.bao_lam, tb) == 25
    assert _unit_target(world.hoa_an, tb) == Decimal("1234.5")


def test_a_pasted_column_with_a_bad_line_or_too_many_lines_changes_nothing(admin, world):
    tb = factories.criterion(world.drive, "TB")
    huyen = factories.block("huyen")
    path = f"/quan-tri/chi-tieu/dan-cot?block={huyen.id}"
    bad = admin.post(path, {"criterion_id": tb.id, "values": "25\nabc", "confirm": "1"},
                     token_from="/quan-tri/chi-tieu")
    assert bad.status_code == 400
    assert "Dòng 2 (LĐLĐ huyện Hòa An): «abc» không phải là số không âm." in text_of(bad)
    long = admin.post(path, {"criterion_id": tb.id, "values": "1\n2\n3", "confirm": "1"},
                      token_from="/quan-tri/chi-tieu")
    assert long.status_code == 400
    assert "Có 3 dòng nhưng bảng chỉ có 2 đơn vị." in text_of(long)
    assert _unit_target(world.bao_lam, tb) is None
