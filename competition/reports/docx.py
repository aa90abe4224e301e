"""An `OfficialDocument` as a DOCX laid out by Decree 30/2020/NĐ-CP (python-docx).

A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman;
body 14 pt; the header in two borderless columns (issuing body and number on
the left, national title, motto and place-date line on the right); the
document type and summary centred; "Nơi nhận" and the signature block in two
columns at the end.
"""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from flask_babel import gettext as _

from competition.formatting import number
from competition.reports.documents import OfficialDocument, Preamble, Table, header_grid

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 11
TEXT_WIDTH_MM = 210 - 30 - 15
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page_and_fonts(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word picks the font per script; name it for every script so no glyph falls back.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _field(paragraph: Paragraph, instruction: str, size: int) -> None:
    """A Word field (PAGE, NUMPAGES) as its three runs: begin, instruction, end."""
    for kind in ("begin", None, "end"):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)


def number_pages_from_second(document, size: int = 13) -> None:
    """Page numbers as Decree 30/2020 asks: Arabic figures, centred at the top of the page,
    13–14 pt, none on the first page.

    Every official document of the product (the monthly report, the province
    summary, the commendation papers) calls this; the first page gets an empty
    header of its own so Word and LibreOffice both leave it unnumbered.
    """
    for section in document.sections:
        section.different_first_page_header_footer = True
        section.header_distance = Mm(10)
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(paragraph, "PAGE", size)
        section.first_page_header.paragraphs[0].text = ""


def _write(paragraph: Paragraph, text: str, *, size: int = BODY_PT, bold: bool = False,
           italic: bool = False, underline: bool = False,
           align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _line(cell: _Cell, text: str, **style) -> Paragraph:
    """A new paragraph in a cell (the cell's first, empty one is used first)."""
    first = cell.paragraphs[0]
    paragraph = first if not first.runs and len(cell.paragraphs) == 1 else cell.add_paragraph()
    return _write(paragraph, text, **style)


def _rule(paragraph: Paragraph, indent_mm: float) -> None:
    """Turn an empty paragraph into the decree's short rule: a thin line, indented from both sides."""
    paragraph.paragraph_format.line_spacing = Pt(3)
    paragraph.paragraph_format.space_before = Pt(3)
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    """Column widths set on the grid and on every cell: Word reads the cells, LibreOffice the grid."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _header(document, doc: OfficialDocument) -> None:
    left_mm, right_mm = 68, TEXT_WIDTH_MM - 68
    table = document.add_table(rows=1, cols=2)
    _fixed_widths(table, [left_mm, right_mm])
    left, right = table.rows[0].cells
    _line(left, doc.issuer.upper(), size=12)
    _line(left, doc.author.upper(), size=HEADER_PT, bold=True, underline=True)
    _line(left, "", size=HEADER_PT)
    _line(left, doc.number, size=HEADER_PT)
    _line(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), size=12, bold=True)
    _line(right, _("Độc lập - Tự do - Hạnh phúc"), size=HEADER_PT, bold=True)
    # The rule under the motto is as long as the motto (about 60 mm at 13 pt bold).
    _rule(_line(right, ""), indent_mm=(right_mm - 60) / 2 - 2)
    _line(right, "", size=HEADER_PT)
    _line(right, doc.place_date, size=BODY_PT, italic=True)


def _title(document, doc: OfficialDocument) -> None:
    kind = document.add_paragraph()
    kind.paragraph_format.space_before = Pt(18)
    _write(kind, doc.kind, bold=True)
    _write(document.add_paragraph(), doc.summary, bold=True)
    rule = document.add_paragraph()
    _rule(rule, indent_mm=(TEXT_WIDTH_MM - 40) / 2)
    rule.paragraph_format.space_after = Pt(12)


def _cell_text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return number(value)
    return str(value)


def _repeat_as_header(row) -> None:
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _alignment(table: Table, column: int) -> WD_ALIGN_PARAGRAPH:
    """Figures to the right, the running number (TT) centred, other text to the left."""
    if column >= table.label_columns:
        return WD_ALIGN_PARAGRAPH.RIGHT
    if column == 0 and table.label_columns > 1:
        return WD_ALIGN_PARAGRAPH.CENTER
    return WD_ALIGN_PARAGRAPH.LEFT


def _data_table(document, table: Table) -> None:
    caption = _write(document.add_paragraph(), table.caption, bold=True, italic=True,
                     align=WD_ALIGN_PARAGRAPH.LEFT)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    grid = document.add_table(rows=len(table.header) + len(table.rows), cols=table.columns)
    grid.style = "Table Grid"
    _fixed_widths(grid, table.widths_mm)
    for r, c, cell in header_grid(table.header):
        target = grid.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        _line(target, cell.text, size=TABLE_PT, bold=True)
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for r in range(len(table.header)):
        _repeat_as_header(grid.rows[r])
    for index, values in enumerate(table.rows):
        row = grid.rows[len(table.header) + index]
        bold = index in table.total_rows
        for c, value in enumerate(values):
            _line(row.cells[c], _cell_text(value), size=TABLE_PT, bold=bold,
                  align=_alignment(table, c))
            row.cells[c].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _body(document, doc: OfficialDocument) -> None:
    for section in doc.sections:
        if section.heading:
            heading = _write(document.add_paragraph(), section.heading, bold=True,
                             align=WD_ALIGN_PARAGRAPH.LEFT)
            heading.paragraph_format.space_before = Pt(6)
            heading.paragraph_format.space_after = Pt(3)
        for text in section.paragraphs:
            paragraph = _write(document.add_paragraph(), text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            paragraph.paragraph_format.first_line_indent = Mm(10)
            paragraph.paragraph_format.space_after = Pt(6)
        for table in section.tables:
            _data_table(document, table)
    if doc.closing:
        closing = _write(document.add_paragraph(), doc.closing, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        closing.paragraph_format.first_line_indent = Mm(10)
        closing.paragraph_format.space_before = Pt(6)


def _closing_blocks(document, doc: OfficialDocument) -> None:
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    _fixed_widths(table, [75, TEXT_WIDTH_MM - 75])
    left, right = table.rows[0].cells
    _line(left, _("Nơi nhận:"), size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in doc.recipients:
        _line(left, recipient, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for title in doc.signer_title:
        _line(right, title.upper(), bold=True)
    for _blank in range(4):
        _line(right, "")
    _line(right, doc.signer_name, bold=True)


def _indented(document, text: str, **style) -> Paragraph:
    paragraph = _write(document.add_paragraph(), text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, **style)
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(6)
    return paragraph


def _preamble(document, preamble: Preamble) -> None:
    """Kính gửi, the deciding authority, the căn cứ lines, "QUYẾT ĐỊNH:" and the articles."""
    if preamble.addressee:
        _write(document.add_paragraph(), preamble.addressee).paragraph_format.space_after = Pt(12)
    if preamble.authority:
        authority = _write(document.add_paragraph(), preamble.authority, bold=True)
        authority.paragraph_format.space_after = Pt(12)
    for line in preamble.grounds:
        _indented(document, line, italic=True)
    if preamble.decides:
        decides = _write(document.add_paragraph(), preamble.decides, bold=True)
        decides.paragraph_format.space_before = Pt(6)
        decides.paragraph_format.space_after = Pt(6)
    for label, lines in preamble.articles:
        first = _indented(document, "")
        _write(first, label + " ", bold=True, align=None)
        _write(first, lines[0], align=None)
        for line in lines[1:]:
            _indented(document, line)


def _annexes(document, doc: OfficialDocument) -> None:
    for annex in doc.annexes:
        title = document.add_paragraph()
        title.paragraph_format.page_break_before = True
        _write(title, annex.title, bold=True)
        _write(document.add_paragraph(), annex.subtitle, italic=True)
        rule = document.add_paragraph()
        _rule(rule, indent_mm=(TEXT_WIDTH_MM - 40) / 2)
        rule.paragraph_format.space_after = Pt(6)
        for table in annex.tables:
            _data_table(document, table)


def docx_bytes(doc: OfficialDocument) -> bytes:
    """The document as DOCX; the unit report and the province summary both come through here."""
    document = Document()
    _page_and_fonts(document)
    number_pages_from_second(document)
    document.core_properties.title = f"{doc.kind} {doc.summary}"
    document.core_properties.author = doc.author
    _header(document, doc)
    _title(document, doc)
    if doc.preamble is not None:
        _preamble(document, doc.preamble)
    _body(document, doc)
    _closing_blocks(document, doc)
    _annexes(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
