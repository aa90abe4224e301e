"""The commendation's papers: opened with python-docx, and page 1 of each printed by LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from sqlalchemy import select

from competition.extensions import db
from competition.models import CommendationItem
from tests.conftest import _missing

PAGE = "/quan-tri/khen-thuong/"


@pytest.fixture
def decided(published, visitor, monkeypatch):
    """The hand-made result proposed, both ties kept, and Decision 120/QĐ-LĐLĐ of 15/7/2021."""
    monkeypatch.setenv("COMPETITION_TODAY", "2021-07-20")
    visitor.login("admin")
    visitor.post(PAGE + "de-xuat", token_from=PAGE)
    for item in db.session.scalars(select(CommendationItem).where(CommendationItem.status == "tied")):
        visitor.post(f"{PAGE}dong/{item.id}/giu", {"reason": "Hội đồng thống nhất"},
                     token_from=PAGE)
    response = visitor.post(PAGE + "quyet-dinh", {
        "issue": "1", "proposal_number": "45/TTr-LĐLĐ", "decision_number": "120/QĐ-LĐLĐ",
        "decision_date": "2021-07-15", "signer_title": "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
        "signer_name": "Hoàng Văn Thạch"}, token_from=PAGE)
    assert response.status_code == 302
    return published


def _docx(visitor, path: str):
    response = visitor.get(PAGE + path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return Document(io.BytesIO(response.data)), response.data


def _text(document) -> list[str]:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return lines


def test_the_decision_has_the_union_header_grounds_articles_and_the_list(decided, visitor):
    document, _data = _docx(visitor, "quyet-dinh.docx")
    header = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert header[:2] == ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"]
    assert "Số: 120/QĐ-LĐLĐ" in header
    right = [p.text for p in document.tables[0].rows[0].cells[1].paragraphs]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Cao Bằng, ngày 15 tháng 7 năm 2021" in right
    lines = [p.text for p in document.paragraphs]
    assert "QUYẾT ĐỊNH" in lines and "BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG" in lines
    grounds = [line for line in lines if line.startswith("Căn cứ")]
    assert grounds[0] == "Căn cứ Điều lệ Công đoàn Việt Nam;"
    assert grounds[1].startswith(
        "Căn cứ Kế hoạch số 129/KH-LĐLĐ ngày 10/03/2021 của Liên đoàn Lao động tỉnh Cao Bằng "
        "về đợt thi đua đặc biệt lập thành tích chào mừng cuộc bầu cử")
    assert grounds[2] == (
        "Căn cứ kết quả chấm điểm, xếp hạng thi đua đã công bố ngày 10/07/2021 (công bố lần 1, "
        f"mã kiểm tra {decided.snapshot.sha256[:16]});")
    assert "Xét đề nghị của Ban Thi đua - Khen thưởng tại Tờ trình số 45/TTr-LĐLĐ." in lines
    assert "QUYẾT ĐỊNH:" in lines
    articles = [line for line in lines if line.startswith("Điều ")]
    assert [a[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    # 2 Bằng khen + 5 Giấy khen (BLAM, HQ, both tied units kept, CS-DIENLUC).
    assert articles[0] == ("Điều 1. Khen thưởng 7 tập thể đã có thành tích xuất sắc trong đợt "
                           "thi đua đặc biệt lập thành tích chào mừng cuộc bầu cử đại biểu Quốc "
                           "hội khóa XV và đại biểu Hội đồng nhân dân các cấp nhiệm kỳ 2021 - "
                           "2026, gồm:")
    assert ("1. Tặng Bằng khen của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam cho 2 tập thể;"
            in lines)
    assert "2. Tặng Giấy khen của Ban Chấp hành Liên đoàn Lao động tỉnh cho 5 tập thể;" in lines
    assert "(Kèm theo Quyết định số 120/QĐ-LĐLĐ ngày 15/07/2021 của Ban Thường vụ Liên đoàn " \
           "Lao động tỉnh Cao Bằng)" in lines
    everything = _text(document)
    assert "TM. BAN THƯỜNG VỤ" in everything and "CHỦ TỊCH" in everything
    assert "Hoàng Văn Thạch" in everything and "- Như Điều 3;" in everything
    # The attached lists: one table per award, units in block then rank order.
    lists = document.tables[-2:]
    assert [row.cells[1].text for row in lists[0].rows[1:]] == [
        "LĐLĐ huyện Hòa An", "Công đoàn ngành Giáo dục"]
    assert [row.cells[1].text for row in lists[1].rows[1:]] == [
        "LĐLĐ huyện Bảo Lâm", "LĐLĐ huyện Hà Quảng", "LĐLĐ huyện Hạ Lang",
        "LĐLĐ huyện Trùng Khánh", "CĐCS Công ty Điện lực Cao Bằng"]
    assert [row.cells[4].text for row in lists[1].rows[1:]] == ["2", "3", "4", "4", "1"]
    assert lists[0].rows[1].cells[3].text == "Hoàn thành xuất sắc"


def test_the_decision_numbers_its_pages_from_the_second(decided, visitor):
    document, _data = _docx(visitor, "quyet-dinh.docx")
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_the_proposal_is_addressed_to_the_standing_committee_with_its_list(decided, visitor):
    document, _data = _docx(visitor, "to-trinh.docx")
    lines = [p.text for p in document.paragraphs]
    assert "TỜ TRÌNH" in lines
    assert "Kính gửi: Ban Thường vụ Liên đoàn Lao động tỉnh Cao Bằng" in lines
    assert "- Giấy khen của Ban Chấp hành Liên đoàn Lao động tỉnh: 5 tập thể;" in lines
    header = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert "Số: 45/TTr-LĐLĐ" in header
    assert len(document.tables) == 1 + 2 + 1  # header, two award lists, nơi nhận / signer


def test_one_certificate_per_awarded_unit_on_a4_landscape(decided, visitor):
    document, _data = _docx(visitor, "giay-khen.docx")
    section = document.sections[0]
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    lines = [p.text for p in document.paragraphs]
    assert lines.count("TẶNG") == 7
    assert lines.count("BẰNG KHEN") == 2 and lines.count("GIẤY KHEN") == 5
    assert "LĐLĐ huyện Trùng Khánh" in lines
    one, _data = _docx(visitor, "giay-khen/HOAAN.docx")
    one_lines = [p.text for p in one.paragraphs]
    assert one_lines.count("TẶNG") == 1 and "LĐLĐ huyện Hòa An" in one_lines
    assert "BAN CHẤP HÀNH TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" in one_lines
    cells = _text(one)
    assert "Quyết định số: 120/QĐ-LĐLĐ" in cells
    assert "Cao Bằng, ngày 15 tháng 7 năm 2021" in cells


def test_certificates_wait_for_the_decision(published, visitor):
    visitor.login("admin")
    visitor.post(PAGE + "de-xuat", token_from=PAGE)
    assert visitor.get(PAGE + "giay-khen.docx").status_code == 409
    draft, _data = _docx(visitor, "quyet-dinh.docx")
    assert "Số:       /QĐ-LĐLĐ" in [p.text for p in draft.tables[0].rows[0].cells[0].paragraphs]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "name", "landscape"), [
    ("to-trinh.pdf", "commendation-proposal", False),
    ("quyet-dinh.pdf", "commendation-decision", False),
    ("giay-khen.pdf", "commendation-certificate", True),
])
def test_each_paper_prints_to_pdf_and_its_first_page_is_kept(
        decided, visitor, tmp_path, artifacts, path, name, landscape):
    if shutil.which("soffice") is None:
        _missing("LibreOffice (soffice)")
    if shutil.which("pdftoppm") is None:
        _missing("poppler-utils (pdftoppm)")
    response = visitor.get(PAGE + path)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.mimetype == "application/pdf"
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    saved = artifacts / f"{name}-page1.png"
    shutil.copyfile(next(tmp_path.glob("page*.png")), saved)
    from PIL import Image

    with Image.open(saved) as png:  # A4 at 80 dpi: about 661 × 935 (or turned)
        size = (png.width, png.height)
    expected = (935, 661) if landscape else (661, 935)
    assert abs(size[0] - expected[0]) <= 3 and abs(size[1] - expected[1]) <= 3
    text = " ".join(subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                                   text=True, check=False).stdout.split())
    if text:
        for expected_text in {
            "commendation-proposal": ("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "TỜ TRÌNH",
                                      "Kính gửi: Ban Thường vụ"),
            "commendation-decision": ("LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG", "QUYẾT ĐỊNH",
                                      "Căn cứ Điều lệ Công đoàn Việt Nam;"),
            "commendation-certificate": ("BẰNG KHEN", "LĐLĐ huyện Hòa An"),
        }[name]:
            assert expected_text in text
