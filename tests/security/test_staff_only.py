"""What only staff may set stays staff-only: every state, every route, every field.

The review's case: a penalty a judge recorded for a unit, returned, was
edited by the unit's reporter into another criterion and quantity and
resubmitted. Here every staff-only criterion of the drive, in every state,
meets every route a reporter has (edit, delete, submit, bulk submit, the
new-entry form); and every column of an entry the reporter's form does not
own is sent with a forged value through every route that saves an entry.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from competition.entries.forms import EntryForm
from competition.extensions import db
from competition.models import AuditEvent, Criterion, Entry, EntryStatus
from tests import factories
from tests.entries import support

STATES = [s.value for s in EntryStatus]
COLUMNS = [column.key for column in Entry.__table__.columns]


def staff_criteria(drive) -> list[Criterion]:
    """Every criterion a unit does not report itself (penalties, judged, on-time)."""
    return [c for c in drive.criteria if not c.reported_by_units and not c.retired]


def snapshot(entry_id: int) -> dict:
    db.session.expire_all()
    entry = db.session.get(Entry, entry_id)
    return {column: getattr(entry, column) for column in COLUMNS}


def reporter_events() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.actor_name == "hoaan", AuditEvent.action.like("entry.%"))))


@pytest.fixture
def reporter(world, make_visitor):
    visitor = make_visitor()
    visitor.login("hoaan")
    return visitor


def test_the_default_drive_has_staff_only_criteria(world):
    assert [c.code for c in staff_criteria(world.drive) if c.entered_by_staff] == ["AN"]


@pytest.mark.parametrize("state", STATES)
def test_a_penalty_in_any_state_cannot_be_changed_by_the_unit(world, reporter, state):
    penalty = factories.entry(world.hoa_an, factories.criterion(world.drive, "AN"), 1,
                              status=state, judge=world.judge, title="Ngừng việc tập thể")
    before = snapshot(penalty.id)
    other = factories.criterion(world.drive, "KH")
    forged = support.entry_data(other, quantity="0", title="Kế hoạch", action="submit",
                                version=str(penalty.version))
    answers = {
        "edit page": reporter.get(f"/don-vi/ket-qua/{penalty.id}/sua").status_code,
        "edit": support.post_entry(reporter, forged, f"/don-vi/ket-qua/{penalty.id}/sua").status_code,
        "delete": reporter.post(f"/don-vi/ket-qua/{penalty.id}/xoa",
                                {"version": str(penalty.version)}).status_code,
        "submit": reporter.post(f"/don-vi/ket-qua/{penalty.id}/gui",
                                {"version": str(penalty.version)}).status_code,
        "bulk submit": reporter.post("/don-vi/ket-qua/gui",
                                     {"entries": f"{penalty.id}:{penalty.version}"}).status_code,
    }
    assert all(status in (403, 409) for status in answers.values()), answers
    if state in ("draft", "returned"):  # where the old code let the unit in
        assert answers["edit"] == 403
    assert snapshot(penalty.id) == before
    assert reporter_events() == []


def test_a_returned_penalty_offers_the_unit_no_edit_and_is_not_on_its_to_do_list(world, reporter):
    penalty = factories.entry(world.hoa_an, factories.criterion(world.drive, "AN"), 1,
                              status="returned", judge=world.judge, title="Tranh chấp lao động")
    page = reporter.get(f"/don-vi/ket-qua/{penalty.id}").get_data(as_text=True)
    assert f"/don-vi/ket-qua/{penalty.id}/sua" not in page
    assert f"/don-vi/ket-qua/{penalty.id}/xoa" not in page
    dashboard = reporter.get("/don-vi/").get_data(as_text=True)
    if "returned-entries" in dashboard:  # the to-do list (a notification may still tell of it)
        todo = dashboard.split("returned-entries", 1)[1].split("</section>", 1)[0]
        assert "Tranh chấp lao động" not in todo
    listing = reporter.get("/don-vi/ket-qua").get_data(as_text=True)
    assert f'value="{penalty.id}:' not in listing  # no box to tick for the bulk submit


def test_no_staff_only_criterion_can_be_chosen_for_a_new_or_edited_entry(world, reporter):
    mine = factories.entry(world.hoa_an, factories.criterion(world.drive, "KH"), 1,
                           status="returned", judge=world.judge)
    before = snapshot(mine.id)
    count = len(db.session.scalars(select(Entry.id)).all())
    for criterion in staff_criteria(world.drive):
        data = support.entry_data(criterion, quantity="1", action="submit")
        assert support.post_entry(reporter, data).status_code == 400, criterion.code
        edited = support.post_entry(reporter, {**data, "version": str(mine.version)},
                                    f"/don-vi/ket-qua/{mine.id}/sua")
        assert edited.status_code == 400, criterion.code
    assert len(db.session.scalars(select(Entry.id)).all()) == count
    assert snapshot(mine.id) == before


def forged_fields(world) -> dict[str, str]:
    """A forged value for every entry column the reporter's form does not own."""
    own = {name for name in EntryForm.__dict__ if not name.startswith("_")}
    own |= {"criterion_id", "phase_id"}  # the form's `criterion` and `phase`
    forged = {}
    for column in COLUMNS:
        if column in own:
            continue
        forged[column] = {
            "unit_id": str(world.bao_lam.id), "created_by_id": str(world.judge.id),
            "decided_by_id": str(world.judge.id), "status": "verified",
            "verified_quantity": "999", "decision_reason": "tự xác nhận",
        }.get(column, "2021-05-01 00:00:00" if column.endswith("_at") else "999")
    forged["unit"] = str(world.bao_lam.id)  # the penalty form's field
    return forged


def test_no_staff_only_field_can_be_set_through_any_form(world, reporter):
    forged = forged_fields(world)
    assert {"status", "verified_quantity", "decided_by_id", "decision_reason", "verified_at",
            "unit_id", "created_by_id", "submitted_at", "decided_at"} <= set(forged)
    kh = factories.criterion(world.drive, "KH")
    created = support.post_entry(reporter, {**support.entry_data(kh, quantity="1"), **forged})
    assert created.status_code == 302
    made = db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()
    assert (made.unit_id, made.status, made.verified_quantity, made.decided_by_id,
            made.verified_at, made.decision_reason, made.created_by_id) == (
        world.hoa_an.id, "draft", None, None, None, "", world.reporter_hoa_an.id)
    returned = factories.entry(world.hoa_an, kh, 1, status="returned", judge=world.judge)
    before = snapshot(returned.id)
    edited = support.post_entry(reporter, {**support.entry_data(kh, quantity="1"), **forged,
                                           "version": str(returned.version)},
                                f"/don-vi/ket-qua/{returned.id}/sua")
    assert edited.status_code == 302
    after = snapshot(returned.id)
    for column in forged:
        if column in before and column not in ("updated_at", "version", "title", "description",
                                               "quantity", "activity_date"):
            assert after[column] == before[column], column
    assert after["decision_reason"] == "bổ sung" and after["status"] == "returned"
    assert after["activity_date"] == date(2021, 5, 3)  # what the form owns did change


def test_the_import_and_the_penalty_page_are_closed_to_reporters(world, reporter):
    assert reporter.get("/tham-dinh/vi-pham/moi").status_code == 403
    assert reporter.get("/quan-tri/nhap-du-lieu").status_code == 403
