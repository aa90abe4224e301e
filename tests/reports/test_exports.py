"""CSV and XLSX exports of entries (filtered), standings and the audit log."""

from __future__ import annotations

import csv
import io

import openpyxl

from competition import standings
from tests.reports.helpers import april_entries


def _csv(response):
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the UTF-8 (and its diacritics) right
    return list(csv.reader(io.StringIO(text[1:])))


def test_entries_export_applies_every_filter(world, make_visitor):
    april_entries(world)
    judge = make_visitor()
    judge.login("thamdinh1")
    everything = _csv(judge.get("/bao-cao/xuat/ket-qua.csv"))
    assert len(everything) == 1 + 7
    hoa_an_april_verified = _csv(judge.get(
        "/bao-cao/xuat/ket-qua.csv?unit=HOAAN&month=2021-04&status=verified"))
    assert sorted(r[4] for r in hoa_an_april_verified[1:]) == ["CT", "HN"]
    works = next(r for r in hoa_an_april_verified[1:] if r[4] == "CT")
    assert (works[10], works[11]) == ("7", "5")  # reported, and counted after the adjustment
    meetings = _csv(judge.get("/bao-cao/xuat/ket-qua.csv?criterion=HN&block=huyen"))
    assert {r[2] for r in meetings[1:]} == {"LĐLĐ huyện Hòa An", "LĐLĐ huyện Bảo Lâm"}
    assert {r[8] for r in meetings[1:]} == {"Hội nghị, sinh hoạt công đoàn", "Facebook"}
    response = judge.get("/bao-cao/xuat/ket-qua.xlsx?criterion=HN")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2" and sheet.max_row == 3
    assert sheet["G2"].number_format == "dd/mm/yyyy"


def test_entries_export_refuses_an_unknown_filter_value(world, make_visitor):
    admin = make_visitor()
    admin.login("admin")
    response = admin.get("/bao-cao/xuat/ket-qua.csv?criterion=XX&month=2021-09")
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.get_data(as_text=True)


def test_standings_export_has_every_block_with_the_service_totals(world, make_visitor):
    april_entries(world)
    admin = make_visitor()
    admin.login("admin")
    board = standings.standings(world.drive)
    rows = _csv(admin.get("/bao-cao/xuat/xep-hang.csv"))
    header = rows[0]
    total = header.index("Tổng điểm")
    hoa_an = next(r for r in rows if r[2] == "HOAAN")
    assert hoa_an[total] == str(standings.standing_of(board, "HOAAN").total)
    assert {r[0] for r in rows[1:]} == {
        "Khối LĐLĐ huyện, thành phố", "Khối Công đoàn ngành và Công đoàn Viên chức",
        "Khối Công đoàn cơ sở trực thuộc",
    }
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/bao-cao/xuat/xep-hang.xlsx").data))
    # A sheet's name holds at most 31 characters.
    assert book.sheetnames == ["Khối LĐLĐ huyện, thành phố", "Khối Công đoàn ngành và Công đo",
                               "Khối Công đoàn cơ sở trực thuộc"]


def test_audit_export_lists_report_filing_with_who_and_when(world, make_visitor):
    reporter = make_visitor()
    reporter.login("hoaan")
    reporter.post("/bao-cao/hoaan/2021-04/nop", {"highlights": "Đạt kết quả tốt"},
                  token_from="/bao-cao/hoaan/2021-04")
    admin = make_visitor()
    admin.login("admin")
    rows = _csv(admin.get("/bao-cao/xuat/nhat-ky.csv"))
    filing = next(r for r in rows if r[3] == "report.file")
    assert filing[1] == "hoaan" and filing[6] == "LĐLĐ huyện Hòa An"
    assert "Đạt kết quả tốt" in filing[9]
