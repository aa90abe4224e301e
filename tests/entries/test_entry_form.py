"""Entering, editing, submitting and deleting entries; bad input saves nothing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, Entry, EntryStatus
from tests import factories
from tests.entries import support


@pytest.fixture
def reporter(world, make_visitor):
    visitor = make_visitor()
    visitor.login("hoaan")
    return visitor


def _refused_without_trace(app, response, status: int, message: str, before) -> None:
    assert response.status_code == status
    assert message in support.flash_or_error(response)
    assert support.counts() == before
    assert support.upload_files(Path(app.config["UPLOAD_DIR"])) == []


def test_reporter_saves_a_draft_and_sees_it_in_the_list(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1",
                                                              title="Kế hoạch 15/KH-LĐLĐ"))
    assert response.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    assert (entry.status, entry.unit_id, entry.phase_id) == ("draft", world.hoa_an.id, None)
    listing = reporter.get("/don-vi/ket-qua").get_data(as_text=True)
    assert "Kế hoạch 15/KH-LĐLĐ" in listing and "Nháp" in listing


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Hãy nhập tên hoạt động."),
    ("quantity", "", "Hãy nhập số lượng"),
    ("quantity", "-3", "Số lượng phải từ 0"),
    ("quantity", "2,5", "Hãy nhập một số nguyên."),
    ("activity_date", "2021-07-15", "Ngày hoạt động không được sau hôm nay (10/05/2021"),
    ("activity_date", "2021-03-20", "Ngày hoạt động phải nằm trong Đợt 2"),
    # Day first, whatever the browser's language: 05/13/2021 (an English browser's order) is no date.
    ("activity_date", "05/13/2021", "hãy nhập theo dạng ngày/tháng/năm"),
    ("channel", "", "Tiêu chí tuyên truyền cần chọn kênh tuyên truyền."),
    ("links", "javascript:alert(1)", "không phải là đường dẫn http(s) hợp lệ"),
])
def test_bad_field_is_refused_at_the_field_with_nothing_saved(
    app, world, reporter, field, value, message
):
    tb = factories.criterion(world.drive, "TB")
    before = support.counts()
    response = support.post_entry(reporter, support.entry_data(tb, **{field: value}),
                                  files=[(support.png(), "anh.png")])
    _refused_without_trace(app, response, 400, message, before)


def test_dates_are_typed_day_first_in_a_text_box_whatever_the_browsers_language(
    app, world, reporter
):
    kh = factories.criterion(world.drive, "KH")
    form = reporter.get("/don-vi/ket-qua/moi").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="activity_date"[^>]*>', form).group(0)
    assert 'type="text"' in field and 'placeholder="dd/mm/yyyy"' in field
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1",
                                                              activity_date="03/05/2021"))
    assert response.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    assert entry.activity_date == date(2021, 5, 3)  # 3 May, not 5 March
    edit = reporter.get(f"/don-vi/ket-qua/{entry.id}/sua").get_data(as_text=True)
    assert 'value="03/05/2021"' in edit


def test_reporter_is_never_offered_a_penalty_criterion_and_cannot_post_one(app, world, reporter):
    penalty = factories.criterion(world.drive, "AN")
    page = reporter.get(support.NEW).get_data(as_text=True)
    assert f'value="{penalty.id}"' not in page
    before = support.counts()
    response = support.post_entry(reporter, support.entry_data(penalty, quantity="1"))
    _refused_without_trace(app, response, 400, "Lựa chọn không hợp lệ.", before)


def test_edit_resubmits_a_returned_entry_and_keeps_the_audit_trail(app, world, reporter):
    tb = factories.criterion(world.drive, "TB")
    entry = factories.entry(world.hoa_an, tb, 3, status=EntryStatus.RETURNED)
    page = reporter.get(f"/don-vi/ket-qua/{entry.id}/sua").get_data(as_text=True)
    assert "bổ sung" in page  # the judge's reason is shown above the form
    response = support.post_entry(
        reporter, support.entry_data(tb, quantity="4", action="submit", version=entry.version),
        path=f"/don-vi/ket-qua/{entry.id}/sua")
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.status, entry.quantity) == ("submitted", 4)
    edit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "entry.edit")).one()
    assert (edit.before["quantity"], edit.after["quantity"]) == (3, 4)


@pytest.mark.parametrize("status", [EntryStatus.SUBMITTED, EntryStatus.VERIFIED,
                                    EntryStatus.REJECTED])
def test_entry_out_of_the_reporters_hands_cannot_be_edited(app, world, reporter, status):
    tb = factories.criterion(world.drive, "TB")
    entry = factories.entry(world.hoa_an, tb, 3, status=status)
    assert reporter.get(f"/don-vi/ket-qua/{entry.id}/sua").status_code == 409
    response = support.post_entry(
        reporter, support.entry_data(tb, quantity="30", version=entry.version),
        path=f"/don-vi/ket-qua/{entry.id}/sua")
    assert response.status_code == 409
    db.session.refresh(entry)
    assert (entry.status, entry.quantity) == (status, 3)
    assert "Sửa" not in reporter.get(f"/don-vi/ket-qua/{entry.id}").get_data(as_text=True)


def test_stale_edit_form_gets_409_and_changes_nothing(app, world, reporter):
    tb = factories.criterion(world.drive, "TB")
    entry = factories.entry(world.hoa_an, tb, 3)
    stale = entry.version
    first = support.post_entry(reporter, support.entry_data(tb, quantity="5", version=stale),
                               path=f"/don-vi/ket-qua/{entry.id}/sua")
    assert first.status_code == 302
    second = support.post_entry(reporter, support.entry_data(tb, quantity="9", version=stale),
                                path=f"/don-vi/ket-qua/{entry.id}/sua",
                                files=[(support.png(), "anh.png")])
    assert second.status_code == 409
    assert "vừa được hoaan cập nhật lúc" in support.flash_or_error(second)
    db.session.refresh(entry)
    assert entry.quantity == 5 and entry.evidence == []
    assert support.upload_files(Path(app.config["UPLOAD_DIR"])) == []


def test_submitting_twice_is_a_conflict_not_a_second_submission(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    entry = factories.entry(world.hoa_an, kh, 1)
    version = entry.version
    path = f"/don-vi/ket-qua/{entry.id}/gui"
    assert reporter.post(path, {"version": version}, token_from="/").status_code == 302
    assert reporter.post(path, {"version": version}, token_from="/").status_code == 409
    assert support.audit_actions("entry").count("entry.submit") == 1


def test_wrong_state_action_gets_409(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    entry = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.VERIFIED)
    response = reporter.post(f"/don-vi/ket-qua/{entry.id}/gui", {"version": entry.version},
                             token_from="/")
    assert response.status_code == 409
    assert "không ở trạng thái cho phép" in support.flash_or_error(response)


def test_bulk_submit_sends_all_or_none(app, world, reporter):
    kh, ct = factories.criterion(world.drive, "KH"), factories.criterion(world.drive, "CT")
    one, two = factories.entry(world.hoa_an, kh, 1), factories.entry(world.hoa_an, ct, 2)
    done = factories.entry(world.hoa_an, ct, 1, status=EntryStatus.SUBMITTED)
    refused = reporter.post("/don-vi/ket-qua/gui", {"entries": [
        f"{one.id}:{one.version}", f"{done.id}:{done.version}"]}, token_from="/")
    assert refused.status_code == 409
    db.session.refresh(one)
    assert one.status == "draft"
    response = reporter.post("/don-vi/ket-qua/gui", {"entries": [
        f"{one.id}:{one.version}", f"{two.id}:{two.version}"]}, token_from="/")
    assert response.status_code == 302
    db.session.refresh(one)
    db.session.refresh(two)
    assert (one.status, two.status) == ("submitted", "submitted")


def test_deleting_a_draft_removes_it_and_its_files(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                  files=[(support.pdf(), "ke-hoach.pdf")])
    assert response.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    uploads_dir = Path(app.config["UPLOAD_DIR"])
    assert len(support.upload_files(uploads_dir)) == 1
    response = reporter.post(f"/don-vi/ket-qua/{entry.id}/xoa", {"version": entry.version},
                             token_from="/")
    assert response.status_code == 302
    assert support.counts() == (0, 0)
    assert support.upload_files(uploads_dir) == []
    assert support.audit_actions()[-1] == "entry.delete"


def test_a_submitted_entry_cannot_be_deleted(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    entry = factories.entry(world.hoa_an, kh, 1, status=EntryStatus.SUBMITTED)
    response = reporter.post(f"/don-vi/ket-qua/{entry.id}/xoa", {"version": entry.version},
                             token_from="/")
    assert response.status_code == 409
    assert support.counts()[0] == 1


def test_another_units_entry_looks_like_no_entry(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    theirs = factories.entry(world.bao_lam, kh, 1)
    for path in (f"/don-vi/ket-qua/{theirs.id}", f"/don-vi/ket-qua/{theirs.id}/sua"):
        assert reporter.get(path).status_code == 404
    for path in (f"/don-vi/ket-qua/{theirs.id}/gui", f"/don-vi/ket-qua/{theirs.id}/xoa"):
        assert reporter.post(path, {"version": theirs.version}, token_from="/").status_code == 404
    response = reporter.post("/don-vi/ket-qua/gui", {"entries": [f"{theirs.id}:1"]},
                             token_from="/")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "draft"


def test_removing_evidence_on_edit_deletes_the_file_after_the_commit(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                       files=[(support.png(), "a.png"), (support.pdf(), "b.pdf")])
    entry = db.session.scalars(select(Entry)).one()
    uploads_dir = Path(app.config["UPLOAD_DIR"])
    assert len(support.upload_files(uploads_dir)) == 2
    gone = entry.evidence[0]
    response = support.post_entry(
        reporter, support.entry_data(kh, quantity="1", version=entry.version,
                                     remove_evidence=[gone.id]),
        path=f"/don-vi/ket-qua/{entry.id}/sua")
    assert response.status_code == 302
    db.session.refresh(entry)
    assert [e.original_name for e in entry.evidence] == ["b.pdf"]
    assert [p.name for p in support.upload_files(uploads_dir)] == [entry.evidence[0].stored_name]
    assert "evidence.remove" in support.audit_actions("evidence")


def test_dashboard_shows_targets_pending_projection_and_what_is_missing(app, world, reporter):
    tb = factories.criterion(world.drive, "TB")
    factories.entry(world.hoa_an, tb, 12, status=EntryStatus.VERIFIED)
    factories.entry(world.hoa_an, tb, 9, status=EntryStatus.SUBMITTED)
    page = support.flash_or_error(reporter.get("/don-vi/"))
    # TB in Khối huyện: target 30, 12 verified → 10 × 12/30 = 4,00 now; with the 9 pending
    # 10 × 21/30 = 7,00 projected; 18 items still missing.
    assert "4,00 / 10" in page
    assert 'data-label="Dự kiến">7,00</td>' in page
    assert "Còn 18 tin bài" in page
    assert "Điểm dự kiến" in page and "Hạng 1 / 2" in page


def test_list_filters_by_status_and_month_and_pages(app, world, reporter):
    kh = factories.criterion(world.drive, "CT")
    for day in range(1, 26):
        factories.entry(world.hoa_an, kh, 1, activity_date=date(2021, 4, day),
                        title=f"Công trình {day:02d}")
    factories.entry(world.hoa_an, kh, 1, activity_date=date(2021, 5, 2),
                    title="Công trình tháng năm", status=EntryStatus.SUBMITTED)
    may = reporter.get("/don-vi/ket-qua?month=2021-05").get_data(as_text=True)
    assert "Công trình tháng năm" in may and "Công trình 01" not in may
    submitted = reporter.get("/don-vi/ket-qua?status=submitted").get_data(as_text=True)
    assert "Công trình tháng năm" in submitted and "Công trình 25" not in submitted
    first = reporter.get("/don-vi/ket-qua?month=2021-04").get_data(as_text=True)
    second = reporter.get("/don-vi/ket-qua?month=2021-04&page=2").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "Công trình 25" in first and "Công trình 01" in second
    # The page links keep the filter.
    assert "/don-vi/ket-qua?month=2021-04&amp;page=2" in first
