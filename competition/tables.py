"""Tabular downloads (CSV and XLSX) from plain rows, shared by every export.

CSV is UTF-8 with a BOM so that Excel opens Vietnamese text correctly; XLSX
has a bold frozen header, sensible column widths and Vietnamese-style number
formats. Every text cell of every spreadsheet the product writes (these
downloads and the report workbooks of `reports.xlsx`) passes `spreadsheet_text`
first, so text a person typed is never read back as a formula.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response

from competition import clock

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMAT = "#,##0.##"
DATE_FORMAT = "dd/mm/yyyy"
# What makes Excel, LibreOffice or Google Sheets start a formula (OWASP, CSV injection),
# with the full-width forms some of them also accept.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


FORBIDDEN_IN_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts from any text (a block's name may hold `/` or `:`)."""
    return text.translate(FORBIDDEN_IN_TITLES).strip().strip("'")[:31].strip() or "Bảng"


def _trimmed(text: str) -> str:
    """The text as a spreadsheet may read it: without the spaces and control characters in front."""
    position = 0
    while position < len(text) and unicodedata.category(text[position]) in ("Zs", "Cc", "Cf"):
        position += 1
    return text[position:]


def spreadsheet_text(value: Any) -> Any:
    """A cell value safe to write: text that could start a formula gets a leading `'`.

    The OWASP guidance for CSV injection: a cell must not begin with `=`, `+`,
    `-`, `@`, a tab or a carriage return, also after the spaces and control
    characters a spreadsheet trims. Such text is prefixed with an apostrophe,
    which every spreadsheet reads as "this is text". Numbers and dates stay
    numbers and dates (a negative number is a number, not a formula).
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_STARTS or _trimmed(value)[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _cell(value: Any) -> Any:
    """A value as a spreadsheet holds it: a moment on the Vietnam wall clock (no zone)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return clock.local(value).replace(tzinfo=None)
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text line by line (the BOM first), so a long table never sits whole in memory."""
    buffer = io.StringIO()
    # Every field quoted, as OWASP advises, so a separator inside a text never starts a new cell.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    yield "\ufeff"
    for row in [[spreadsheet_text(h) for h in header]], rows:
        for cells in row:
            writer.writerow(["" if v is None else spreadsheet_text(_cell(v)) for v in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def gzipped(lines: Iterable[str]) -> bytes:
    """UTF-8 text compressed with gzip as it comes, a line at a time."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [compressor.compress(line.encode("utf-8")) for line in lines]
    parts.append(compressor.flush())
    return b"".join(parts)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One workbook with a sheet per (title, header, rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_title(title))
        sheet.append([spreadsheet_text(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEF0F3")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(str(h)) for h in header]
        for row in rows:
            values = [float(v) if isinstance(v, Decimal) else spreadsheet_text(_cell(v)) for v in row]
            sheet.append(values)
            for index, value in enumerate(values):
                widths[index] = max(widths[index], min(60, len(str(value or ""))))
                cell = sheet.cell(row=sheet.max_row, column=index + 1)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.number_format = NUMBER_FORMAT
                elif isinstance(value, (date, datetime)):
                    cell.number_format = DATE_FORMAT
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str) -> Response:
    kind = XLSX_TYPE if filename.endswith(".xlsx") else "text/csv; charset=utf-8"
    response = Response(content, mimetype=kind)
    response.headers["Content-Disposition"] = _attachment(filename)
    return response


def table_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Dữ liệu"
) -> Response:
    """`filename` ending in .csv or .xlsx decides the format."""
    rows = list(rows)
    if filename.endswith(".xlsx"):
        return download(xlsx_bytes([(sheet_title, header, rows)]), filename)
    return download(csv_bytes(header, rows), filename)
