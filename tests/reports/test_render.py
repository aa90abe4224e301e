"""The reports' DOCX open in LibreOffice and print as pages; their first images are kept as artifacts."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from competition.extensions import db
from competition.models import EntryStatus
from tests import factories
from tests.conftest import _missing
from tests.reports.helpers import APRIL, april_entries


def _rendered(docx: bytes, tmp_path, artifact) -> str:
    """Convert a DOCX to PDF with LibreOffice, keep its first page as a PNG, return its text."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None:
        _missing("LibreOffice (soffice)")
    if pdftoppm is None:
        _missing("poppler-utils (pdftoppm)")
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(docx)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    shutil.copyfile(next(tmp_path.glob("page*.png")), artifact)
    from PIL import Image

    with Image.open(artifact) as png:  # an A4 portrait page at 80 dpi: about 661 × 935
        assert abs(png.width - 661) <= 3 and abs(png.height - 935) <= 3
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True, check=False).stdout


@pytest.mark.slow
def test_unit_report_docx_renders_to_pdf_and_its_first_page_is_saved(
    world, visitor, tmp_path, artifacts
):
    april_entries(world)
    world.hoa_an.place = "Hòa An"
    db.session.commit()
    visitor.login("hoaan")
    page = f"/bao-cao/hoaan/{APRIL}"
    visitor.post(f"{page}/nop", {"highlights": "Tổ chức 3 hội nghị tuyên truyền bầu cử",
                                 "signer_name": "Nông Thị Hường"}, token_from=page)
    text = _rendered(visitor.get(f"{page}/tai-ve.docx").data, tmp_path,
                     artifacts / "reports-unit-report-page1.png")
    if text:  # pdftotext ships with pdftoppm; its text proves the fonts kept every diacritic
        for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "BÁO CÁO", "Hòa An, ngày 10 tháng 5 năm 2021"):
            assert expected in text
        # Decree 30: no number on page 1; page 2 starts with its number, at the top.
        assert text.split()[0] != "1"
        pdf = tmp_path / "bao-cao.pdf"
        second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout
        assert second.split()[0] == "2"
        subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "60", "-f", "2", "-l", "2",
                        str(pdf), str(tmp_path / "second")], check=True, timeout=60)
        shutil.copyfile(next(tmp_path.glob("second*.png")),
                        artifacts / "reports-unit-report-page2.png")


@pytest.mark.slow
def test_district_summary_docx_covers_its_grassroots_unions_and_renders(
    world, visitor, tmp_path, artifacts
):
    factories.with_district(world)
    kh = factories.criterion(world.drive, "KH")
    factories.entry(world.mn_hoa_an, kh, 1, status=EntryStatus.VERIFIED,
                    judge=world.district_judge, activity_date=date(2021, 4, 12))
    factories.entry(world.bao_lam, kh, 1, status=EntryStatus.VERIFIED,
                    activity_date=date(2021, 4, 12))
    visitor.login("thamdinh-hoaan")
    response = visitor.get(f"/bao-cao/tong-hop/{APRIL}/tai-ve.docx")
    assert response.status_code == 200
    text = " ".join(_rendered(response.data, tmp_path,
                              artifacts / "reports-district-summary-page1.png").split())
    if text:
        assert "LĐLĐ HUYỆN HÒA AN" in text.upper()
        assert "Mầm non Hoa Sen" in text  # its own grassroots union…
        assert "Bảo Lâm" not in text  # …and nothing outside its part of the tree
        assert "Toàn LĐLĐ huyện Hòa An" in text and "Toàn tỉnh" not in text
