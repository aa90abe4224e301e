"""Units (tree, move without cycles, deactivate) and users (create, reset, deactivate)."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, Role, Unit, User
from tests import factories
from tests.admin.conftest import text_of


def _unit_form(unit: Unit, **changes) -> dict:
    values = {"code": unit.code, "name": unit.name, "kind": unit.kind,
              "parent_id": unit.parent_id or 0, "block_id": unit.block_id or 0,
              "member_count": unit.member_count or "", "active": "y"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_tree_lists_grassroots_unions_under_their_district(admin, world):
    page = admin.get("/quan-tri/don-vi").get_data(as_text=True)
    district = page.index("LĐLĐ huyện Hòa An")
    assert district < page.index("CĐCS Trường THPT Hòa An")
    assert page.index("<ul>", district) < page.index("CĐCS Trường THPT Hòa An")


def test_a_unit_cannot_move_under_its_own_descendant(admin, world):
    path = f"/quan-tri/don-vi/{world.hoa_an.id}"
    response = admin.post(path, _unit_form(world.hoa_an, parent_id=world.thpt_hoa_an.id),
                          token_from=path)
    assert response.status_code == 400
    assert "Không thể chuyển đơn vị vào chính nó" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Unit, world.hoa_an.id).parent.code == "LDLD-CB"


def test_a_unit_is_moved_renamed_reblocked_and_deactivated(admin, world):
    path = f"/quan-tri/don-vi/{world.thpt_hoa_an.id}"
    version = standings.current_version(world.drive.id)
    response = admin.post(path, _unit_form(
        world.thpt_hoa_an, name="CĐCS THPT Hòa An (mới)", parent_id=world.bao_lam.id,
        block_id=factories.block("nganh").id, member_count=90, active=None,
    ), token_from=path)
    assert response.status_code == 302
    db.session.expire_all()
    unit = db.session.get(Unit, world.thpt_hoa_an.id)
    assert (unit.name, unit.parent.code, unit.block.code, unit.member_count, unit.active) == (
        "CĐCS THPT Hòa An (mới)", "BLAM", "nganh", 90, False)
    assert standings.current_version(world.drive.id) > version
    assert standings.standing_of(standings.standings(world.drive), unit.code) is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.update")).one()
    assert event.before["active"] is True and event.after["active"] is False


def test_a_new_unit_needs_a_free_code(admin, world):
    response = admin.post("/quan-tri/don-vi/moi", {
        "code": "HOAAN", "name": "Trùng mã", "kind": "cdcs", "parent_id": 0, "block_id": 0,
    }, token_from="/quan-tri/don-vi/moi")
    assert response.status_code == 400
    assert "Mã đơn vị đã có." in text_of(response)


def _password_on(response) -> str:
    return re.search(r'data-testid="new-password">([^<]+)<', response.get_data(as_text=True)).group(1)


def test_a_new_user_gets_a_password_shown_once_and_must_change_it(admin, world, make_visitor):
    response = admin.post("/quan-tri/tai-khoan/moi", {
        "username": "bl-moi", "full_name": "Nguyễn Văn Mới", "role": "unit",
        "unit_id": world.bao_lam.id, "active": "y", "must_change_password": "y",
    }, token_from="/quan-tri/tai-khoan/moi")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _password_on(response)
    user = db.session.scalars(select(User).where(User.username == "bl-moi")).one()
    assert user.check_password(password) and user.must_change_password
    assert password not in admin.get(f"/quan-tri/tai-khoan/{user.id}").get_data(as_text=True)

    newcomer = make_visitor()
    newcomer.login("bl-moi", password)
    assert newcomer.get("/quan-tri/").status_code in (302, 403)
    assert newcomer.get("/").headers["Location"].endswith("/tai-khoan/mat-khau")


def test_a_reporter_needs_a_unit(admin, world):
    response = admin.post("/quan-tri/tai-khoan/moi", {
        "username": "khong-don-vi", "role": "unit", "unit_id": 0, "active": "y",
    }, token_from="/quan-tri/tai-khoan/moi")
    assert response.status_code == 400
    assert "Cán bộ đơn vị phải thuộc một đơn vị." in text_of(response)


def test_password_reset_signs_the_user_out_everywhere(admin, world, make_visitor):
    reporter = make_visitor()
    reporter.login("blam")
    assert reporter.get("/tai-khoan/mat-khau").status_code == 200

    response = admin.post(f"/quan-tri/tai-khoan/{world.reporter_bao_lam.id}/dat-lai-mat-khau",
                          token_from="/quan-tri/tai-khoan")

    assert response.status_code == 200
    password = _password_on(response)
    assert reporter.get("/tai-khoan/mat-khau").status_code == 302  # signed out
    db.session.expire_all()
    user = db.session.get(User, world.reporter_bao_lam.id)
    assert user.check_password(password) and user.must_change_password


def _user_form(user: User, **changes) -> dict:
    values = {"username": user.username, "full_name": user.full_name, "role": user.role,
              "unit_id": user.unit_id or 0, "active": "y"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_deactivating_a_user_signs_them_out_and_blocks_sign_in(admin, world, make_visitor):
    judge = make_visitor()
    judge.login("thamdinh1")
    path = f"/quan-tri/tai-khoan/{world.judge.id}"
    assert admin.post(path, _user_form(world.judge, active=None), token_from=path).status_code == 302
    assert judge.get("/tai-khoan/mat-khau").status_code == 302
    again = make_visitor().post("/tai-khoan/dang-nhap",
                                {"username": "thamdinh1", "password": factories.PASSWORD})
    assert again.status_code == 401


def test_an_admin_cannot_lock_themselves_out(admin, world):
    path = f"/quan-tri/tai-khoan/{world.admin.id}"
    response = admin.post(path, _user_form(world.admin, role=Role.JUDGE), token_from=path)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, world.admin.id).role == Role.ADMIN
