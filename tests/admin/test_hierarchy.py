"""The tree's rules on the admin pages: each refusal says why in Vietnamese and changes nothing."""

from __future__ import annotations

import pytest

from competition import drives
from competition.extensions import db
from competition.models import Block, Criterion, EntryStatus, Unit
from competition.problems import InvalidData
from tests import factories
from tests.admin.conftest import text_of
from tests.admin.test_people import _unit_form


@pytest.fixture
def district(world):
    return factories.with_district(world)


def _block_form(block: Block, organiser: Unit | None) -> dict:
    return {"code": block.code, "name": block.name,
            "organiser_id": organiser.id if organiser else 0}


def test_a_block_organised_by_a_unit_not_above_its_units_is_refused(admin, district):
    block = factories.block("cdcs-hoaan")
    path = f"/quan-tri/khoi/{block.id}"
    response = admin.post(path, _block_form(block, district.bao_lam), token_from=path)
    assert response.status_code == 400
    assert ("Đơn vị tổ chức «LĐLĐ huyện Bảo Lâm» không phải là cấp trên của "
            "«CĐCS Trường Mầm non Hoa Sen» trong khối.") in text_of(response)
    db.session.expire_all()
    assert factories.block("cdcs-hoaan").organiser_id == district.hoa_an.id


def test_a_unit_cannot_join_a_block_organised_outside_its_branch(admin, district):
    path = f"/quan-tri/don-vi/{district.dien_luc.id}"
    block = factories.block("cdcs-hoaan")
    response = admin.post(path, _unit_form(district.dien_luc, block_id=block.id),
                          token_from=path)
    assert response.status_code == 400
    assert "đơn vị phải trực thuộc «LĐLĐ huyện Hòa An»" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Unit, district.dien_luc.id).block.code == "cdcs"


def test_a_unit_never_shares_a_block_with_its_ancestor(admin, district):
    path = f"/quan-tri/don-vi/{district.thpt_hoa_an.id}"
    response = admin.post(path, _unit_form(district.thpt_hoa_an,
                                           block_id=factories.block("huyen").id),
                          token_from=path)
    assert response.status_code == 400
    assert "không được cùng khối với đơn vị cấp trên của nó" in text_of(response)


def test_a_unit_with_pending_entries_cannot_move_to_another_district(admin, district):
    factories.entry(district.mn_hoa_an, factories.criterion(district.drive, "KH"), 1,
                    status=EntryStatus.SUBMITTED)
    path = f"/quan-tri/don-vi/{district.mn_hoa_an.id}"
    response = admin.post(path, _unit_form(district.mn_hoa_an, parent_id=district.bao_lam.id,
                                           block_id=factories.block("cdcs").id),
                          token_from=path)
    assert response.status_code == 400
    assert "còn kết quả đang chờ thẩm định ở cấp hiện tại" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Unit, district.mn_hoa_an.id).parent.code == "HOAAN"


def test_a_judged_criterion_cannot_roll_up(admin, world):
    path = "/quan-tri/tieu-chi/moi"
    response = admin.post(path, {"code": "GJ", "name": "Chấm điểm", "measure": "judged",
                                 "max_points": "10", "cap": "1", "rollup": "y"},
                          token_from=path)
    assert response.status_code == 400
    assert "không áp dụng cho tiêu chí chấm điểm, trừ điểm hay báo cáo đúng hạn" in \
        text_of(response)
    assert db.session.query(Criterion).filter_by(code="GJ").count() == 0


@pytest.mark.parametrize("measure", ["judged", "penalty", "on_time"])
def test_the_drive_file_refuses_roll_up_on_a_measure_that_cannot(measure):
    text = f"""
[drive]
code = "X"
title = "Thử"
issuer = "LĐLĐ"
starts_on = 2021-03-10
ends_on = 2021-06-30

[[criteria]]
code = "A"
name = "A"
measure = "{measure}"
points = 5
rollup = true
"""
    with pytest.raises(InvalidData) as refused:
        drives.parse_drive(text, "x.toml")
    assert any("cộng dồn" in str(problem) for problem in refused.value.problems)


def test_the_drive_file_marks_a_count_criterion_rolled_up():
    parsed = drives.parse_drive(factories.DEFAULT_DRIVE.read_text(), "drive-129.toml")
    rolled = {c["code"] for c in parsed["criteria"] if c["rollup"]}
    assert rolled == {"PT", "BC", "DV"}


def test_a_scoped_admin_cannot_create_a_unit_outside_its_district(visitor, district):
    visitor.login("quantri-hoaan")
    path = "/quan-tri/don-vi/moi"
    before = db.session.query(Unit).count()
    response = visitor.post(path, {"code": "MOI", "name": "CĐCS mới", "kind": "cdcs",
                                   "parent_id": district.bao_lam.id, "block_id": 0,
                                   "member_count": 10, "active": "y"}, token_from=path)
    assert response.status_code == 400
    assert "Bạn chỉ quản lý được các đơn vị thuộc «LĐLĐ huyện Hòa An»." in text_of(response)
    assert db.session.query(Unit).count() == before


def test_a_scoped_admin_sees_only_its_own_units_and_targets(visitor, district):
    visitor.login("quantri-hoaan")
    units = text_of(visitor.get("/quan-tri/don-vi"))
    assert "CĐCS Trường Mầm non Hoa Sen" in units and "LĐLĐ huyện Bảo Lâm" not in units
    targets = text_of(visitor.get("/quan-tri/chi-tieu"))
    assert "CĐCS Trường Mầm non Hoa Sen" in targets and "Bảo Lâm" not in targets


def test_a_district_judge_creates_no_point_outside_its_council(visitor, district):
    """Its judge's penalty form lists only its own block's units."""
    visitor.login("thamdinh-hoaan")
    page = text_of(visitor.get("/tham-dinh/vi-pham/moi"))
    assert "CĐCS Trường Mầm non Hoa Sen" in page and "LĐLĐ huyện Bảo Lâm" not in page
