"""The unit report's DOCX opens in LibreOffice and prints as a page; its image is kept as an artifact."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import _missing
from tests.reports.helpers import APRIL, april_entries


@pytest.mark.slow
def test_unit_report_docx_renders_to_pdf_and_its_first_page_is_saved(
    world, visitor, tmp_path, artifacts
):
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None:
        _missing("LibreOffice (soffice)")
    if pdftoppm is None:
        _missing("poppler-utils (pdftoppm)")
    april_entries(world)
    world.hoa_an.place = "Hòa An"
    from competition.extensions import db

    db.session.commit()
    visitor.login("hoaan")
    page = f"/bao-cao/hoaan/{APRIL}"
    visitor.post(f"{page}/nop", {"highlights": "Tổ chức 3 hội nghị tuyên truyền bầu cử",
                                 "signer_name": "Nông Thị Hường"}, token_from=page)
    source = tmp_path / "bao-cao-thang.docx"
    source.write_bytes(visitor.get(f"{page}/tai-ve.docx").data)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "bao-cao-thang.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    image = next(tmp_path.glob("page*.png"))
    saved = artifacts / "reports-unit-report-page1.png"
    shutil.copyfile(image, saved)
    from PIL import Image

    with Image.open(saved) as png:  # an A4 portrait page at 80 dpi: about 661 × 935
        assert abs(png.width - 661) <= 3 and abs(png.height - 935) <= 3
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True, check=False).stdout
    if text:  # pdftotext ships with pdftoppm; its text proves the fonts kept every diacritic
        for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "BÁO CÁO", "Hòa An, ngày 10 tháng 5 năm 2021"):
            assert expected in text
        # Decree 30: no number on page 1; page 2 starts with its number, at the top.
        assert text.split()[0] != "1"
        second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout
        assert second.split()[0] == "2"
        subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "2", "-l", "2", str(pdf),
                        str(tmp_path / "second")], check=True, timeout=60)
        shutil.copyfile(next(tmp_path.glob("second*.png")),
                        artifacts / "reports-unit-report-page2.png")
