"""The DOCX and XLSX downloads: the official header blocks, the numbers, Vietnamese intact."""

from __future__ import annotations

import io

import docx
import openpyxl
from docx.shared import Pt

from tests.reports.helpers import APRIL, april_entries

UNIT_DOCX = f"/bao-cao/hoaan/{APRIL}/tai-ve.docx"
UNIT_XLSX = f"/bao-cao/hoaan/{APRIL}/tai-ve.xlsx"
HIGHLIGHTS = "Tuyên truyền sâu rộng đến đoàn viên ở các xã vùng cao: Đức Long, Trương Lương"


def _file_april(visitor):
    visitor.login("hoaan")
    page = f"/bao-cao/hoaan/{APRIL}"
    visitor.post(f"{page}/nop", {"highlights": HIGHLIGHTS, "number": "27/BC-LĐLĐ",
                                 "signer_title": "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
                                 "signer_name": "Nông Thị Hường"}, token_from=page)


def _texts(cell):
    return [p.text for p in cell.paragraphs if p.text]


def _table_values(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_unit_docx_has_the_decree_30_layout_and_the_figures_of_the_entries(world, visitor):
    april_entries(world)
    _file_april(visitor)
    response = visitor.get(UNIT_DOCX)
    assert response.status_code == 200
    assert "bao-cao-thang-2021-04-HOAAN.docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))

    section = document.sections[0]
    def mm(*lengths):
        return tuple(round(length.mm) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)  # A4
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert mm(section.left_margin, section.right_margin) == (30, 15)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size == Pt(14)

    header = document.tables[0].rows[0].cells
    left, right = _texts(header[0]), _texts(header[1])
    assert left == ["LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG", "LĐLĐ HUYỆN HÒA AN", "Số: 27/BC-LĐLĐ"]
    unit_run = header[0].paragraphs[1].runs[0]
    assert unit_run.bold and unit_run.underline
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert all(run.bold for p in header[1].paragraphs[:2] for run in p.runs)
    place_date = next(p for p in header[1].paragraphs if p.text.startswith("Cao Bằng"))
    assert place_date.text == "Cao Bằng, ngày 10 tháng 5 năm 2021"  # filed on 10/5/2021
    assert place_date.runs[0].italic

    body = [p.text for p in document.paragraphs if p.text]
    kind = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert kind.runs[0].bold and kind.alignment == 1  # centred
    assert ("Kết quả công tác tuyên truyền bầu cử và phong trào thi đua tháng 4/2021"
            in body)
    assert HIGHLIGHTS in body

    by_channel = _table_values(document.tables[2])
    meetings = next(r for r in by_channel if r[1] == "Hội nghị, sinh hoạt công đoàn")
    assert meetings[2:] == ["3", "0", "0", "0", "120", "0"]
    zalo = next(r for r in by_channel if r[1] == "Zalo")
    assert zalo[2:] == ["0", "0", "0", "4", "0", "0"]
    criteria = _table_values(document.tables[3])
    new_members = next(r for r in criteria if "(DV)" in r[1])
    assert new_members[2:] == ["người", "0", "0", "12", "0", "100", "12"]
    works = next(r for r in criteria if "(CT)" in r[1])
    assert works[3:] == ["5", "0", "5", "0", "5", "100"]  # the judge's 5, not the reported 7

    closing = document.tables[-1].rows[0].cells
    recipients = closing[0].paragraphs
    assert recipients[0].text == "Nơi nhận:"
    assert recipients[0].runs[0].bold and recipients[0].runs[0].italic
    assert recipients[1].text == "- Liên đoàn Lao động tỉnh Cao Bằng (để báo cáo);"
    assert recipients[1].runs[0].font.size == Pt(12)
    signature = _texts(closing[1])
    assert signature == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nông Thị Hường"]


def test_unit_xlsx_has_frozen_headers_vietnamese_number_formats_and_the_same_figures(
    world, visitor
):
    april_entries(world)
    _file_april(visitor)
    response = visitor.get(UNIT_XLSX)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    cover = book.worksheets[0]
    assert cover["A2"].value == "LĐLĐ HUYỆN HÒA AN"
    assert cover["B1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert cover["B2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert cover["B3"].value == "Cao Bằng, ngày 10 tháng 5 năm 2021"
    assert cover["A5"].value == "BÁO CÁO"
    cover_text = [c.value for row in cover.iter_rows() for c in row if c.value]
    assert HIGHLIGHTS in cover_text and "Nơi nhận:" in cover_text

    sheet = book["Chỉ tiêu"]
    assert sheet.freeze_panes == "D7"  # below the two header rows, right of the labels
    rows = {r[1]: r for r in sheet.iter_rows(min_row=7, values_only=True)}
    dv = next(v for k, v in rows.items() if k.endswith("(DV)"))
    assert dv[3:9] == (0, 0, 12, 0, 100, 12)
    cell = next(c for c in sheet[7 + list(rows).index(next(k for k in rows if k.endswith("(DV)")))]
                if c.column == 6)
    assert cell.number_format == "#,##0"
    assert sheet["D5"].value == "Trong tháng" and "D5:E5" in {str(r) for r in sheet.merged_cells}


def test_province_summary_docx_and_xlsx_share_the_official_layout_and_list_late_units(
    world, visitor, make_visitor
):
    april_entries(world)
    _file_april(visitor)  # late: 10/5 is after 5/5
    admin = make_visitor()
    admin.login("admin")
    document = docx.Document(io.BytesIO(admin.get(f"/bao-cao/tong-hop/{APRIL}/tai-ve.docx").data))
    left, right = (_texts(c) for c in document.tables[0].rows[0].cells)
    assert left[:2] == ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    body = [p.text for p in document.paragraphs if p.text]
    assert "BÁO CÁO" in body
    reminder = next(t for t in body if t.startswith("Các đơn vị chưa gửi báo cáo"))
    assert "LĐLĐ huyện Bảo Lâm" in reminder and "LĐLĐ huyện Hòa An" not in reminder
    completeness = _table_values(document.tables[1])
    assert completeness[1] == ["Khối LĐLĐ huyện, thành phố", "2", "0", "1", "1", "0"]
    units = {r[1]: r[3] for r in _table_values(document.tables[2])[1:]}
    assert units["LĐLĐ huyện Hòa An"] == "Nộp muộn"
    assert units["LĐLĐ huyện Bảo Lâm"] == "Quá hạn, chưa nộp"
    by_channel = _table_values(document.tables[4])
    total = by_channel[-1]
    assert total[1] == "Cộng" and total[2:4] == ["5", "0"]  # 3 in Hòa An + 2 in Bảo Lâm
    assert _texts(document.tables[-1].rows[0].cells[0])[0] == "Nơi nhận:"

    book = openpyxl.load_workbook(io.BytesIO(admin.get(f"/bao-cao/tong-hop/{APRIL}/tai-ve.xlsx").data))
    assert book.worksheets[0]["B2"].value == "Độc lập - Tự do - Hạnh phúc"
    rates = book["Tỷ lệ báo cáo"]
    assert [c.value for c in rates[6]][:6] == ["Khối LĐLĐ huyện, thành phố", 2, 0, 1, 1, 0]
    assert rates.freeze_panes == "B6"  # one header row at row 5


def test_summary_page_shows_completeness_per_block_and_who_to_remind(world, visitor, make_visitor,
                                                                    monkeypatch):
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-03")
    _file_april(visitor)  # on time
    admin = make_visitor()
    admin.login("thamdinh1")
    page = admin.get(f"/bao-cao/tong-hop?thang={APRIL}").get_data(as_text=True)
    assert "Tổng hợp báo cáo tháng 04/2021" in page
    assert "50%" in page  # one of the two huyện federations filed on time
    reminders = page.split("Đơn vị cần nhắc")[1].split("</section>")[0]
    assert "LĐLĐ huyện Bảo Lâm" in reminders and "Chưa nộp, còn hạn" in reminders
    assert "LĐLĐ huyện Hòa An" not in reminders


def test_printable_page_is_the_same_document(world, visitor):
    april_entries(world)
    visitor.login("hoaan")
    page = visitor.get(f"/bao-cao/hoaan/{APRIL}/in").get_data(as_text=True)
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Cao Bằng, ngày 10 tháng 5 năm 2021", "BÁO CÁO", "Nơi nhận:",
                 "Bản xem trước: báo cáo chưa được nộp."):
        assert text in page


def _page_field(part) -> list[str]:
    """The field instructions (PAGE, NUMPAGES) in a header or footer."""
    return [node.text.strip() for node in part._element.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText")]


def test_pages_are_numbered_from_the_second_at_the_top_centre(world, visitor):
    april_entries(world)
    _file_april(visitor)
    document = docx.Document(io.BytesIO(visitor.get(UNIT_DOCX).data))
    section = document.sections[0]
    # Decree 30/2020: Arabic page numbers centred at the top, none on the first page.
    assert section.different_first_page_header_footer
    assert _page_field(section.header) == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred
    assert _page_field(section.first_page_header) == []
    assert _page_field(section.footer) == []


def test_a_units_report_carries_its_own_place_and_falls_back_to_the_drives(world, visitor):
    april_entries(world)
    world.hoa_an.place = "Hòa An"
    from competition.extensions import db

    db.session.commit()
    _file_april(visitor)
    document = docx.Document(io.BytesIO(visitor.get(UNIT_DOCX).data))
    right = _texts(document.tables[0].rows[0].cells[1])
    assert right[-1] == "Hòa An, ngày 10 tháng 5 năm 2021"
    world.hoa_an.place = ""
    db.session.commit()
    document = docx.Document(io.BytesIO(visitor.get(UNIT_DOCX).data))
    assert _texts(document.tables[0].rows[0].cells[1])[-1] == "Cao Bằng, ngày 10 tháng 5 năm 2021"


def test_summary_is_signed_by_the_drives_signer_and_ranks_every_block(world, make_visitor):
    from competition.extensions import db

    april_entries(world)
    world.drive.signer_title = "TM. BAN THƯỜNG VỤ\nPHÓ CHỦ TỊCH"
    world.drive.signer_name = "Hoàng Văn Thụ"
    world.drive.archive_note = "VT, Ban TG-NC"
    db.session.commit()
    admin = make_visitor()
    admin.login("admin")
    document = docx.Document(io.BytesIO(admin.get(f"/bao-cao/tong-hop/{APRIL}/tai-ve.docx").data))
    recipients, signature = (_texts(c) for c in document.tables[-1].rows[0].cells)
    assert signature == ["TM. BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH", "Hoàng Văn Thụ"]
    assert recipients[-1] == "- Lưu: VT, Ban TG-NC."
    body = [p.text for p in document.paragraphs if p.text]
    assert "IV. XẾP HẠNG THI ĐUA THEO KHỐI" in body
    captions = [t for t in body if t.startswith(("1. Khối", "2. Khối", "3. Khối"))]
    ranking = [_table_values(t) for t in document.tables
               if t.rows[0].cells[0].text == "Hạng"]
    assert len(ranking) == 3 and len(captions) >= 3  # huyen, nganh, cdcs
    huyen = ranking[0]
    assert huyen[0] == ["Hạng", "Đơn vị", "Tổng điểm", "Tỷ lệ (%)", "Xếp loại", "Tiêu chí đạt"]
    # Hòa An has verified meetings, new members and works; Bảo Lâm two meetings only.
    assert [(row[0], row[1]) for row in huyen[1:]] == [
        ("1", "LĐLĐ huyện Hòa An"), ("2", "LĐLĐ huyện Bảo Lâm")]
