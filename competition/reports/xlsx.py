"""An `OfficialDocument` as an XLSX workbook (openpyxl).

The first sheet carries the document as a whole (header blocks, title,
narrative, recipients and signature) for printing; each table then gets a
sheet of its own with the document's heading on top, merged header cells,
frozen headers and Vietnamese number formats, ready for filtering and sums.
"""

from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from competition.reports.documents import OfficialDocument, Table, header_grid
from competition.tables import sheet_title, spreadsheet_text

FONT = "Times New Roman"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F3")


def _write(sheet: Worksheet, row: int, column: int, value: object):
    """Every cell of the report workbooks is written here, through the one sanitiser."""
    return sheet.cell(row=row, column=column, value=spreadsheet_text(value))


def _font(**style) -> Font:
    return Font(name=FONT, size=style.pop("size", 12), **style)


def _put(sheet: Worksheet, row: int, text: str, columns: int, **style) -> None:
    """A line of text across `columns` columns, merged and centred unless told otherwise."""
    align = style.pop("align", "center")
    cell = _write(sheet, row, 1, text)
    cell.font = _font(**style)
    cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True)
    if columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)


def _cover(sheet: Worksheet, doc: OfficialDocument) -> None:
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 55
    lines = [
        (doc.issuer.upper(), {}, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), {"bold": True}),
        (doc.author.upper(), {"bold": True, "underline": "single"},
         _("Độc lập - Tự do - Hạnh phúc"), {"bold": True, "underline": "single"}),
        (doc.number, {}, doc.place_date, {"italic": True}),
    ]
    for row, (left, left_style, right, right_style) in enumerate(lines, start=1):
        for column, text, style in ((1, left, left_style), (2, right, right_style)):
            cell = _write(sheet, row, column, text)
            cell.font = _font(**style)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
    row = 5
    _put(sheet, row, doc.kind, 2, bold=True, size=14)
    _put(sheet, row + 1, doc.summary, 2, bold=True)
    row += 3
    for section in doc.sections:
        _put(sheet, row, section.heading, 2, bold=True, align="left")
        row += 1
        for text in section.paragraphs:
            _put(sheet, row, text, 2, align="left")
            sheet.row_dimensions[row].height = 15 * (1 + len(text) // 90)
            row += 1
        for table in section.tables:
            _put(sheet, row, _("%(caption)s: xem trang tính «%(sheet)s».",
                               caption=table.caption, sheet=sheet_title(table.sheet)),
                 2, italic=True, align="left")
            row += 1
    _put(sheet, row, doc.closing, 2, align="left")
    row += 2
    _write(sheet, row, 1, _("Nơi nhận:")).font = _font(bold=True, italic=True)
    for offset, title in enumerate(doc.signer_title):
        cell = _write(sheet, row + offset, 2, title.upper())
        cell.font, cell.alignment = _font(bold=True), Alignment(horizontal="center")
    for offset, recipient in enumerate(doc.recipients, start=1):
        _write(sheet, row + offset, 1, recipient).font = _font()
    name = _write(sheet, row + max(len(doc.recipients), len(doc.signer_title)) + 4, 2,
                  doc.signer_name)
    name.font, name.alignment = _font(bold=True), Alignment(horizontal="center")
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _table_sheet(sheet: Worksheet, doc: OfficialDocument, table: Table) -> None:
    columns = table.columns
    _put(sheet, 1, doc.author.upper(), columns, bold=True)
    _put(sheet, 2, f"{doc.kind} {doc.summary}", columns, bold=True)
    _put(sheet, 3, table.caption, columns, italic=True, align="left")
    top = 5
    for r, c, cell in header_grid(table.header):
        target = _write(sheet, top + r, c + 1, cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(start_row=top + r, start_column=c + 1,
                              end_row=top + r + cell.rowspan - 1,
                              end_column=c + cell.colspan)
        target.font = _font(bold=True, size=11)
        target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first_data = top + len(table.header)
    for r in range(top, first_data):
        for c in range(1, columns + 1):
            sheet.cell(row=r, column=c).border = GRID
            sheet.cell(row=r, column=c).fill = HEADER_FILL
    for index, values in enumerate(table.rows):
        row = first_data + index
        for c, value in enumerate(values, start=1):
            cell = _write(sheet, row, c, value)
            cell.border = GRID
            cell.font = _font(size=11, bold=index in table.total_rows)
            if isinstance(value, Decimal):
                cell.number_format = DECIMAL_FORMAT
            elif isinstance(value, int):
                cell.number_format = INTEGER_FORMAT
            if c > table.label_columns:
                cell.alignment = Alignment(horizontal="right")
    for c, width in enumerate(table.widths_mm, start=1):
        # A column of width w holds about w characters of 11 pt text; 1 mm ≈ 0.5 of them.
        sheet.column_dimensions[get_column_letter(c)].width = max(8, width * 0.55)
    sheet.freeze_panes = sheet.cell(row=first_data, column=table.label_columns + 1)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{top}:{first_data - 1}"


def xlsx_bytes(doc: OfficialDocument) -> bytes:
    """The document as a workbook; the unit report and the province summary both come here."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = sheet_title(doc.kind.capitalize())
    _cover(cover, doc)
    used = {cover.title}
    for table in doc.tables:
        title = sheet_title(table.sheet)
        while title in used:
            title = sheet_title(title[:28] + f" {len(used)}")
        used.add(title)
        _table_sheet(workbook.create_sheet(title), doc, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
