"""One certificate (giấy khen / bằng khen) per awarded unit: an A4 landscape page, printable.

Made as DOCX with python-docx (a clerk can still correct a name in Word)
and printed to PDF by LibreOffice (`reports.pdf`); several certificates are
one document with a page per unit, so the whole list prints in one go.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from flask_babel import gettext as _

from competition.commendation import services
from competition.commendation.documents import CONFEDERATION, title_phrase
from competition.models import Commendation, CommendationItem
from competition.reports.documents import place_date
from competition.reports.docx import FONT, _fixed_widths, _line, _page_and_fonts, _write

RED = RGBColor(0xB0, 0x1E, 0x23)
PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 297, 210, 18


def _landscape(document) -> None:
    """A4 landscape with a double red border around the page."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "double"), ("w:sz", "18"), ("w:space", "24"),
                           ("w:color", "B01E23")):
            line.set(qn(key), value)
        borders.append(line)
    section._sectPr.append(borders)


def _kind(award_name: str) -> str:
    """"GIẤY KHEN" from "Giấy khen của Ban Chấp hành …": the words before "của"."""
    return award_name.split(" của ")[0].strip().upper()


def _certificate(document, commendation: Commendation, item: CommendationItem, number: int,
                 first: bool) -> None:
    drive, rule = commendation.drive, item.award_rule
    top = document.add_paragraph()
    if not first:
        top.add_run().add_break(WD_BREAK.PAGE)
    top.paragraph_format.space_before = Pt(10)
    _write(top, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), size=14, bold=True)
    _write(document.add_paragraph(), _("Độc lập - Tự do - Hạnh phúc"), size=14, bold=True,
           underline=True)
    granted = rule.level or CONFEDERATION
    level = _write(document.add_paragraph(), granted.upper(), size=16, bold=True)
    level.paragraph_format.space_before = Pt(24)
    gives = _write(document.add_paragraph(), _("TẶNG"), size=16, bold=True)
    gives.paragraph_format.space_before = Pt(6)
    title = document.add_paragraph()
    title.paragraph_format.space_before = Pt(14)
    run = _write(title, _kind(rule.name), size=48, bold=True).runs[-1]
    run.font.color.rgb = RED
    name = document.add_paragraph()
    name.paragraph_format.space_before = Pt(18)
    _write(name, item.unit.name, size=30, bold=True).runs[-1].font.color.rgb = RED
    reason = _write(document.add_paragraph(),
                    _("Đã có thành tích xuất sắc trong %(title)s",
                      title=title_phrase(drive.title)), size=15, italic=True)
    reason.paragraph_format.space_before = Pt(16)
    reason.paragraph_format.left_indent = reason.paragraph_format.right_indent = Mm(15)
    document.add_paragraph().paragraph_format.space_after = Pt(24)
    table = document.add_table(rows=1, cols=2)
    _fixed_widths(table, [110, PAGE_WIDTH_MM - 2 * MARGIN_MM - 110])
    left, right = table.rows[0].cells
    _line(left, _("Quyết định số: %(number)s", number=commendation.decision_number or ""),
          size=13, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, _("Số vào sổ: %(n)s", n=number), size=13, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, place_date(drive.place, commendation.decision_date), size=14, italic=True)
    for line in (commendation.signer_title or "").splitlines():
        if line.strip():
            _line(right, line.strip().upper(), size=14, bold=True)
    for _blank in range(4):
        _line(right, "", size=14)
    _line(right, commendation.signer_name, size=14, bold=True)


def certificates_docx(commendation: Commendation, items: list[CommendationItem]) -> bytes:
    """The certificates of `items` (of an issued decision), a page each."""
    document = Document()
    _page_and_fonts(document)
    _landscape(document)
    document.core_properties.title = _("Giấy chứng nhận khen thưởng")
    document.core_properties.author = commendation.drive.issuer
    document.styles["Normal"].font.name = FONT
    numbers = {item.id: n for n, item in enumerate(
        (i for listed in services.awarded(commendation).values() for i in listed), start=1)}
    for index, item in enumerate(items):
        _certificate(document, commendation, item, numbers.get(item.id, index + 1), index == 0)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

