"""Files and form data the entry and judging tests share."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent, Entry, Evidence

NEW = "/don-vi/ket-qua/moi"


def png(size: tuple[int, int] = (32, 24), colour: str = "red", **save: Any) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG", **save)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF says where it was taken (what re-encoding must drop)."""
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (22.0, 40.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def pdf(body: bytes = b"BT /F1 12 Tf (Bien ban hoi nghi) Tj ET") -> bytes:
    """A small, well-formed PDF page whose content stream is `body`."""
    stream = zlib.compress(body)
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
        b"4 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
        + stream + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_with_javascript() -> bytes:
    return pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript "
                                            b"/JS (app.alert\\(1\\)) >>")


def ooxml(main_part: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr(main_part, "<?xml version=\"1.0\"?><root/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Đơn vị", "Số buổi"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Biên bản hội nghị tuyên truyền bầu cử")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_as_xlsx() -> bytes:
    """A valid-looking workbook with one member that inflates a thousandfold."""
    return ooxml("xl/workbook.xml", {"xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)})


def entry_data(criterion, **fields: Any) -> dict[str, Any]:
    """A valid form for `criterion` (a propaganda one gets Đợt 2, Facebook)."""
    data: dict[str, Any] = {
        "criterion": criterion.id, "activity_date": "2021-05-03", "quantity": "4",
        "title": "Tuyên truyền Ngày bầu cử", "description": "Đăng trên fanpage công đoàn",
        "action": "save",
    }
    if criterion.is_propaganda:
        phase = next(p for p in criterion.drive.phases if p.code == "dot2")
        data.update(phase=phase.id, channel="facebook", people_reached="350")
    data.update(fields)
    return data


def post_entry(visitor, data: dict[str, Any], path: str = NEW, files=()):
    """Post the entry form as a browser does (multipart), with files as (bytes, name)."""
    data = dict(data)
    if files:
        data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return visitor.post(path, data, token_from=path if path.endswith("/moi") else "/",
                        content_type="multipart/form-data")


def upload_files(upload_dir: Path) -> list[Path]:
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


def counts() -> tuple[int, int]:
    """(entries, evidence rows): what a refused form must leave unchanged."""
    return (len(db.session.scalars(select(Entry.id)).all()),
            len(db.session.scalars(select(Evidence.id)).all()))


def audit_actions(object_type: str | None = None) -> list[str]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    return [e.action for e in db.session.scalars(query)]


def flash_or_error(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
