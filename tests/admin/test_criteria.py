"""Criteria: editing a scoring rule shows its impact first; retire, never delete one in use."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, Criterion, EntryStatus
from tests import factories
from tests.admin.conftest import text_of


def _form(criterion: Criterion, **changes) -> dict:
    values = {
        "code": criterion.code, "name": criterion.name, "group": criterion.group,
        "measure": criterion.measure, "unit_label": criterion.unit_label,
        "max_points": str(criterion.max_points),
        "default_target": "" if criterion.default_target is None else str(criterion.default_target),
        "cap": str(criterion.cap), "penalty_per_item": "",
    }
    if criterion.is_propaganda:
        values["is_propaganda"] = "y"
    values.update(changes)
    return values


def _ranks(drive) -> dict[str, tuple[Decimal, int]]:
    return {row.unit.code: (row.total, row.rank)
            for rows in standings.standings(drive).values() for row in rows}


def test_raising_points_previews_changed_totals_and_ranks_then_saves_on_confirm(admin, world):
    drive = world.drive
    ct = factories.criterion(drive, "CT")
    # Hòa An: 1 of 5 works (2 of 10 points); Bảo Lâm: its plan (5 points). Bảo Lâm leads.
    factories.entry(world.hoa_an, ct, 1, status=EntryStatus.VERIFIED, judge=world.judge)
    factories.entry(world.bao_lam, factories.criterion(drive, "KH"), 1,
                    status=EntryStatus.VERIFIED, judge=world.judge)
    before = _ranks(drive)
    assert before["BLAM"][1] == 1 and before["HOAAN"][1] == 2
    version = standings.current_version(drive.id)
    events = db.session.query(AuditEvent).count()
    path = f"/quan-tri/tieu-chi/{ct.id}"

    preview = admin.post(path, _form(ct, max_points="40"), token_from=path)

    assert preview.status_code == 200
    # 40 × 1/5 = 8 points lift Hòa An above Bảo Lâm: one total moves, both ranks swap.
    assert re.search(r"tổng điểm của 1 đơn vị và thứ hạng của 2 đơn vị sẽ thay đổi", text_of(preview))
    db.session.expire_all()
    assert db.session.get(Criterion, ct.id).max_points == 10
    assert standings.current_version(drive.id) == version
    assert db.session.query(AuditEvent).count() == events

    saved = admin.post(path, {**_form(ct, max_points="40"), "confirm": "1"}, token_from=path)

    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Criterion, ct.id).max_points == 40
    assert standings.current_version(drive.id) > version
    after = _ranks(drive)
    assert after["HOAAN"] == (Decimal("13.00"), 1) and after["BLAM"][1] == 2
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "criterion.update")).one()
    assert event.actor_name == "admin"
    assert event.before == {"max_points": "10.00"} and event.after == {"max_points": "40"}


def test_renaming_a_criterion_saves_without_a_preview(admin, world):
    tb = factories.criterion(world.drive, "TB")
    path = f"/quan-tri/tieu-chi/{tb.id}"
    response = admin.post(path, _form(tb, name="Tin, bài tuyên truyền"), token_from=path)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Criterion, tb.id).name == "Tin, bài tuyên truyền"


def test_a_criterion_with_entries_is_retired_not_deleted(admin, world):
    drive = world.drive
    kh = factories.criterion(drive, "KH")
    factories.entry(world.bao_lam, kh, 1, status=EntryStatus.VERIFIED, judge=world.judge)

    refused = admin.post(f"/quan-tri/tieu-chi/{kh.id}/xoa", token_from="/quan-tri/tieu-chi")
    assert refused.status_code == 409
    assert db.session.get(Criterion, kh.id) is not None

    preview = admin.post(f"/quan-tri/tieu-chi/{kh.id}/ngung", token_from="/quan-tri/tieu-chi")
    assert preview.status_code == 200
    assert "tổng điểm của 1 đơn vị" in text_of(preview)
    db.session.expire_all()
    assert not db.session.get(Criterion, kh.id).retired

    done = admin.post(f"/quan-tri/tieu-chi/{kh.id}/ngung", {"confirm": "1"},
                      token_from="/quan-tri/tieu-chi")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Criterion, kh.id).retired
    assert "KH" not in [r.code for r in standings.rules(drive)]


def test_an_unused_criterion_can_be_deleted(admin, world):
    pl_id = factories.criterion(world.drive, "PL").id
    response = admin.post(f"/quan-tri/tieu-chi/{pl_id}/xoa", token_from="/quan-tri/tieu-chi")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Criterion, pl_id) is None


def test_new_criterion_goes_last_and_only_a_count_can_be_propaganda(admin, world):
    form = {"code": "VN", "name": "Văn nghệ chào mừng", "measure": "yes_no", "max_points": "5",
            "cap": "1", "is_propaganda": "y"}
    refused = admin.post("/quan-tri/tieu-chi/moi", form, token_from="/quan-tri/tieu-chi/moi")
    assert refused.status_code == 400
    assert "Chỉ tiêu chí đếm số lượng mới là tiêu chí tuyên truyền." in text_of(refused)

    form.pop("is_propaganda")
    preview = admin.post("/quan-tri/tieu-chi/moi", form, token_from="/quan-tri/tieu-chi/moi")
    assert preview.status_code == 200 and "Xác nhận và lưu" in text_of(preview)
    assert db.session.scalars(select(Criterion).where(Criterion.code == "VN")).first() is None
    saved = admin.post("/quan-tri/tieu-chi/moi", {**form, "confirm": "1"},
                       token_from="/quan-tri/tieu-chi/moi")
    assert saved.status_code == 302
    db.session.expire_all()
    codes = [c.code for c in sorted(world.drive.criteria, key=lambda c: c.position)]
    assert codes[-1] == "VN"


def test_moving_a_criterion_up_swaps_it_with_the_one_above(admin, world):
    hn = factories.criterion(world.drive, "HN")
    admin.post(f"/quan-tri/tieu-chi/{hn.id}/thu-tu", {"direction": "up"},
               token_from="/quan-tri/tieu-chi")
    db.session.expire_all()
    codes = [c.code for c in sorted(world.drive.criteria, key=lambda c: c.position)]
    assert codes[:2] == ["HN", "KH"]
