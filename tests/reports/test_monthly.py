"""The unit's monthly report: figures from the entries, filing, on-time scoring, bad input."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from competition import standings
from competition.extensions import db
from competition.models import AuditEvent, MonthlyReport
from competition.reports import services
from tests.reports.helpers import APRIL, april_entries

PAGE = f"/bao-cao/hoaan/{APRIL}"
FILE = f"{PAGE}/nop"


def _row(figures, code):
    return next(r for r in figures.criteria if r.criterion.code == code)


def test_report_counts_verified_and_submitted_entries_of_the_month_apart(world):
    april_entries(world)
    figures = services.unit_month(world.drive, world.hoa_an, services.parse_month(world.drive, APRIL))
    hn, tb, ct, sk, dv = (_row(figures, c) for c in ("HN", "TB", "CT", "SK", "DV"))
    assert (hn.month.verified, hn.month.pending) == (3, 0)
    assert (tb.month.verified, tb.month.pending) == (0, 4)
    assert ct.month.verified == 5  # the judge's adjusted quantity, not the 7 reported
    assert (sk.month.verified, sk.month.pending) == (0, 0)  # rejected and draft are left out
    assert (dv.month.verified, dv.total.verified) == (0, 12)  # March counts in the running total
    # Against the huyện block's targets of Plan 129: 3/20 meetings, 12/100 new members.
    assert hn.score.target == Decimal(20) and hn.percent_of_target == Decimal("15.00")
    assert dv.score.target == Decimal(100) and dv.percent_of_target == Decimal("12.00")
    channels = {r.label: r for r in figures.by_channel}
    assert channels["Hội nghị, sinh hoạt công đoàn"].quantities["HN"].verified == 3
    assert channels["Hội nghị, sinh hoạt công đoàn"].people.verified == 120
    assert channels["Zalo"].quantities["TB"].pending == 4
    assert "Facebook" not in channels  # Bảo Lâm's meeting is not Hòa An's
    phases = {r.label: r for r in figures.by_phase}
    assert phases["Đợt 1"].quantities["HN"].verified == 3  # 20/4 lies in Đợt 1 (and Đợt 2)
    assert set(phases) == {"Đợt 1", "Đợt 2"}  # Đợt 3 starts after April


def test_reporter_files_the_report_and_it_becomes_read_only(world, visitor):
    april_entries(world)
    visitor.login("hoaan")
    response = visitor.post(FILE, {"highlights": "Tổ chức 3 hội nghị tuyên truyền ở xã Đức Long",
                                   "signer_name": "Nông Thị Hường"}, token_from=PAGE)
    assert response.status_code == 302
    report = db.session.scalars(select(MonthlyReport)).one()
    assert report.filed_at is not None and report.filed_by_id == world.reporter_hoa_an.id
    assert report.highlights == "Tổ chức 3 hội nghị tuyên truyền ở xã Đức Long"
    page = visitor.get(PAGE).get_data(as_text=True)
    assert "Nộp muộn" in page  # 10/5 is after the 5/5 deadline
    assert 'name="highlights"' not in page
    again = visitor.post(FILE, {"highlights": "sửa lại"}, token_from=PAGE)
    assert again.status_code == 409
    assert "đã được nộp" in again.get_data(as_text=True)
    saved = visitor.post(PAGE, {"highlights": "sửa lại"}, token_from=PAGE)
    assert saved.status_code == 409
    db.session.refresh(report)
    assert report.highlights == "Tổ chức 3 hội nghị tuyên truyền ở xã Đức Long"
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "monthlyreport"))] == ["report.file"]


def test_reporter_cannot_file_for_another_unit(world, visitor):
    visitor.login("blam")
    response = visitor.post(FILE, {"highlights": "x"}, token_from="/bao-cao/")
    assert response.status_code == 403
    assert "đơn vị mình" in response.get_data(as_text=True)
    assert db.session.scalars(select(MonthlyReport)).first() is None


def test_month_outside_the_drive_is_refused_with_a_message(world, visitor):
    visitor.login("hoaan")
    for month in ("2021-02", "2021-07", "2021-13", "thang-tu"):
        response = visitor.get(f"/bao-cao/hoaan/{month}")
        assert response.status_code == 400, month
    text = visitor.get("/bao-cao/hoaan/2021-07").get_data(as_text=True)
    assert "nằm ngoài thời gian của đợt thi đua" in text
    assert visitor.post("/bao-cao/hoaan/2021-02/nop", {}, token_from="/bao-cao/").status_code == 400
    assert db.session.scalars(select(MonthlyReport)).first() is None


def test_narrative_too_long_is_refused_and_nothing_is_saved(world, visitor):
    visitor.login("hoaan")
    response = visitor.post(FILE, {"highlights": "Đ" * 5001, "proposals": "Đề xuất"},
                            token_from=PAGE)
    assert response.status_code == 400
    assert "Phần kết quả nổi bật dài quá 5.000 ký tự" in response.get_data(as_text=True)
    assert db.session.scalars(select(MonthlyReport)).first() is None


def test_admin_reopens_a_filed_report_with_a_reason_and_the_unit_can_file_again(
    world, visitor, make_visitor
):
    visitor.login("hoaan")
    visitor.post(FILE, {"highlights": "Lần đầu"}, token_from=PAGE)
    admin = make_visitor()
    admin.login("admin")
    assert admin.post(f"{PAGE}/mo-lai", {"reason": ""}, token_from=PAGE).status_code == 400
    report = db.session.scalars(select(MonthlyReport)).one()
    db.session.refresh(report)
    assert report.filed_at is not None
    assert admin.post(f"{PAGE}/mo-lai", {"reason": "Thiếu số liệu Đợt 2"},
                      token_from=PAGE).status_code == 302
    db.session.refresh(report)
    assert report.filed_at is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.reopen")).one()
    assert event.reason == "Thiếu số liệu Đợt 2" and event.actor_id == world.admin.id
    assert visitor.post(FILE, {"highlights": "Lần hai"}, token_from=PAGE).status_code == 302
    db.session.refresh(report)
    assert report.filed_at is not None and report.highlights == "Lần hai"


def _on_time_points(drive, unit_code):
    return standings.standing_of(standings.standings(drive), unit_code).score("BT").points


def test_filing_late_costs_exactly_the_late_months_share_of_the_on_time_points(
    world, make_visitor, monkeypatch
):
    """BT is worth 5 points; on 10/5/2021 two reports are due (March by 5/4, April by 5/5).
    Both units file March on time; Hòa An files April on 4/5, Bảo Lâm on 10/5 (late)."""
    hoa_an, bao_lam = make_visitor(), make_visitor()
    hoa_an.login("hoaan")
    bao_lam.login("blam")
    monkeypatch.setenv("COMPETITION_TODAY", "2021-04-03")
    for visitor, slug in ((hoa_an, "hoaan"), (bao_lam, "blam")):
        page = f"/bao-cao/{slug}/2021-03"
        assert visitor.post(f"{page}/nop", {}, token_from=page).status_code == 302

    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-04")
    before = _on_time_points(world.drive, "HOAAN")
    assert hoa_an.post("/bao-cao/hoaan/2021-04/nop", {}, token_from=PAGE).status_code == 302
    assert before == _on_time_points(world.drive, "HOAAN") == Decimal("5.00")  # 1 due, 1 on time

    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-10")
    assert _on_time_points(world.drive, "BLAM") == Decimal("2.50")  # 2 due, 1 on time
    page = "/bao-cao/blam/2021-04"
    assert bao_lam.post(f"{page}/nop", {}, token_from=page).status_code == 302
    assert _on_time_points(world.drive, "HOAAN") == Decimal("5.00")  # 5 × 2/2
    assert _on_time_points(world.drive, "BLAM") == Decimal("2.50")  # 5 × 1/2: late does not count
    status = services.filing_status(world.drive, services.parse_month(world.drive, APRIL),
                                    services.find_report(world.drive, world.bao_lam,
                                                         services.parse_month(world.drive, APRIL)))
    assert status == services.FilingStatus.LATE


def test_reopening_a_report_takes_its_on_time_credit_away_at_once(world, visitor, make_visitor,
                                                                 monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-04-03")
    visitor.login("hoaan")
    visitor.post("/bao-cao/hoaan/2021-03/nop", {}, token_from="/bao-cao/hoaan/2021-03")
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-10")
    assert _on_time_points(world.drive, "HOAAN") == Decimal("2.50")
    admin = make_visitor()
    admin.login("admin")
    admin.post("/bao-cao/hoaan/2021-03/mo-lai", {"reason": "Sai số liệu"}, token_from="/bao-cao/tong-hop")
    assert _on_time_points(world.drive, "HOAAN") == Decimal("0.00")


def test_reporter_cannot_start_a_report_for_a_month_that_has_not_begun(world, visitor):
    visitor.login("hoaan")
    response = visitor.post("/bao-cao/hoaan/2021-06/nop", {}, token_from="/bao-cao/")
    assert response.status_code == 400
    assert "chưa bắt đầu" in response.get_data(as_text=True)


def test_reporter_sees_own_months_with_their_status_in_the_menu(world, visitor):
    visitor.login("hoaan")
    page = visitor.get("/bao-cao/").get_data(as_text=True)
    assert 'href="/bao-cao/"' in page and "Báo cáo tháng" in page
    assert "Quá hạn, chưa nộp" in page  # March and April are overdue on 10/5
    assert "Tổng hợp báo cáo" not in page


def test_filing_asks_first_and_then_says_when_the_on_time_criterion_counts(world, visitor):
    visitor.login("hoaan")
    page = "/bao-cao/hoaan/2021-05"
    form = visitor.get(page).get_data(as_text=True)
    assert 'data-confirm="Nộp báo cáo tháng 05/2021? Sau khi nộp, đơn vị không sửa được nữa' in form
    # Filed on 10/5/2021, long before its deadline (the end of 5/6/2021): BT counts May
    # only once the deadline has passed, from 6/6/2021.
    response = visitor.post(f"{page}/nop", {"highlights": "Tháng năm"}, token_from=page)
    assert response.status_code == 302
    text = " ".join(visitor.get(page).get_data(as_text=True).split())
    assert ("Báo cáo nộp đúng hạn. Tiêu chí «Báo cáo tháng đúng hạn» (BT) tính tháng 05/2021 "
            "từ ngày 06/06/2021") in text
