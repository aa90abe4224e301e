"""Evidence files: checked from their bytes, stored under random names, served safely.

An upload is never trusted by its name or its declared type. The bytes decide
the type against a short allow-list; images are decoded and re-encoded with
Pillow, keeping the pixels only (no metadata segment of any kind, nothing
hidden after the pixels); Office files must be real OOXML packages of a sane
size; a PDF is parsed and every object walked after decoding
(`competition.pdfs`): active content is refused, web links removed. Files
are written to a temporary name and moved into place only after the database
commit that records them, and removed if the commit fails, so a file never
lives without its row nor a row without its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import filetype
from flask import Response, current_app, request, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from competition import pdfs
from competition.models import Evidence

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf", DOCX: "docx", XLSX: "xlsx"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
OOXML_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
ZIP_LIKE = {"application/zip", DOCX, XLSX}

# An honest Office file compresses XML perhaps 10–20 times; a bomb compresses
# a thousand times or more. These bounds let every real file through.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 200
MAX_ZIP_MEMBERS = 5000
MAX_IMAGE_PIXELS = 60_000_000
SRGB = ImageCms.createProfile("sRGB")
SRGB_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB"}  # image mode → mode in sRGB
TEMP_SUFFIX = ".part"


class UploadRejected(Exception):
    """A file we will not keep; `message` is shown at the form field, `status` is the HTTP one."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, with the bytes to store (re-encoded for images)."""

    original_name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def max_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def max_files() -> int:
    return int(current_app.config["MAX_FILES_PER_ENTRY"])


def body_limit(upload_mb: int, files: int) -> int:
    """The largest request body an entry form can need: every file at its size limit,
    plus a megabyte for the other fields. A larger body is refused with 413 unread."""
    return (int(upload_mb) * int(files) + 1) * 1024 * 1024


def limit_request_size() -> None:
    """Apply `body_limit` from the live configuration to this request (areas that take files)."""
    request.max_content_length = body_limit(
        current_app.config["MAX_UPLOAD_MB"], current_app.config["MAX_FILES_PER_ENTRY"]
    )


def safe_name(name: str | None) -> str:
    """The name to show, never to use as a path: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:255] or "tep-dinh-kem"


def read_limited(stream: io.RawIOBase | io.BufferedIOBase) -> bytes:
    """Read an upload stream but never more than one byte past the limit."""
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(
            _l("Tệp lớn hơn giới hạn %(mb)s MB.", mb=current_app.config["MAX_UPLOAD_MB"]), 413
        )
    return data


def check(data: bytes, original_name: str | None) -> CheckedFile:
    """Decide the file's type from its bytes and make it safe to keep, or refuse it."""
    name = safe_name(original_name)
    if not data:
        raise UploadRejected(_l("Tệp «%(name)s» rỗng (0 byte).", name=name))
    if len(data) > max_bytes():
        raise UploadRejected(
            _l("Tệp lớn hơn giới hạn %(mb)s MB.", mb=current_app.config["MAX_UPLOAD_MB"]), 413
        )
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime in PILLOW_FORMATS:
        return CheckedFile(name, mime, _reencode_image(data, mime, name))
    if mime == PDF:
        return CheckedFile(name, PDF, _check_pdf(data, name))
    if mime in ZIP_LIKE:
        return CheckedFile(name, _check_ooxml(data, name), data)
    raise UploadRejected(
        _l("Tệp «%(name)s» không phải loại được nhận (ảnh JPEG, PNG, WebP; PDF; Word .docx; "
           "Excel .xlsx). Loại tệp được xác định từ nội dung, không theo tên.", name=name)
    )


def _reencode_image(data: bytes, mime: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise UploadRejected(_l("Ảnh «%(name)s» có kích thước quá lớn.", name=name))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = _pixels_only(ImageOps.exif_transpose(image))
            fmt = PILLOW_FORMATS[mime]
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 88} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            image.save(out, fmt, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRejected(_l("Ảnh «%(name)s» bị hỏng hoặc không đọc được.", name=name)) from None
    return out.getvalue()


def _pixels_only(image: Image.Image) -> Image.Image:
    """The picture without anything written beside it: no comment (JPEG COM), EXIF, XMP,
    ICC profile, PNG text chunks or resolution. Pillow writes what `info` holds, so only the
    palette's transparency is kept; colours in another profile are first moved to sRGB."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in SRGB_MODES:
        # A broken profile: the pixels stay as they are, the profile goes all the same.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB,
                outputMode=SRGB_MODES[image.mode],
            ) or image
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    return image


def _check_pdf(data: bytes, name: str) -> bytes:
    """The PDF to keep (`competition.pdfs` decides on the parsed document), or a refusal."""
    try:
        return pdfs.passive_copy(data)
    except pdfs.ActivePdf as active:
        raise UploadRejected(
            _l("Tệp PDF «%(name)s» có chứa %(what)s nên không được nhận. Hãy lưu lại tệp thành "
               "PDF thường (ví dụ dùng lệnh In ra PDF) rồi gửi lại.",
               name=name, what=active.description)
        ) from None
    except pdfs.UnreadablePdf:
        raise UploadRejected(
            _l("Tệp PDF «%(name)s» bị hỏng, không hoàn chỉnh hoặc được mã hóa nên không "
               "kiểm tra được.", name=name)
        ) from None


def _check_ooxml(data: bytes, name: str) -> str:
    """A real Word or Excel package of sane unpacked size; returns its type."""
    bad = UploadRejected(_l("Tệp «%(name)s» không phải tệp Word (.docx) hay Excel (.xlsx) hợp lệ.",
                            name=name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise bad from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise bad
    unpacked = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if unpacked > MAX_UNPACKED_BYTES or ratio > MAX_MEMBER_RATIO:
        raise UploadRejected(
            _l("Tệp «%(name)s» giải nén ra quá lớn (nghi là «bom nén») nên không được nhận.",
               name=name)
        )
    if "[Content_Types].xml" not in names:
        raise bad
    for mime, part in OOXML_MAIN_PART.items():
        if part in names:
            return mime
    raise bad


# --- Storage ---------------------------------------------------------------


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    # Stored names are ours (hex + extension), but a path is still never built from anything else.
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_name):
        raise FileNotFoundError(stored_name)
    return upload_dir() / stored_name


@dataclass
class Staging:
    """Files of one transaction: written under temporary names, placed after the commit.

    `place()` after a successful commit moves new files into place and deletes
    the files of removed evidence; `discard()` after a failure removes the
    temporary files and leaves the removed ones where they were.
    """

    written: list[tuple[Path, Path]] = field(default_factory=list)
    doomed: list[str] = field(default_factory=list)

    def add(self, checked: CheckedFile, *, is_public: bool = False) -> Evidence:
        stored_name = f"{secrets.token_hex(16)}.{EXTENSIONS[checked.content_type]}"
        try:
            final = upload_dir() / stored_name
            temporary = final.with_name(stored_name + TEMP_SUFFIX)
            self.written.append((temporary, final))
            with open(temporary, "xb") as handle:
                handle.write(checked.data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            # A full disk or a broken upload folder: say so, and keep nothing.
            raise UploadRejected(_l("Máy chủ không lưu được tệp minh chứng lúc này (ổ đĩa đầy "
                                    "hoặc thư mục lưu trữ bị lỗi). Chưa có gì được lưu; vui "
                                    "lòng thử lại sau."), 503) from None
        return Evidence(
            stored_name=stored_name, original_name=checked.original_name,
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
            is_public=is_public,
        )

    def remove(self, evidence: Evidence) -> None:
        if evidence.stored_name:
            self.doomed.append(evidence.stored_name)

    def place(self) -> None:
        for temporary, final in self.written:
            os.replace(temporary, final)
        for stored_name in self.doomed:
            path_of(stored_name).unlink(missing_ok=True)
        self.written, self.doomed = [], []

    def discard(self) -> None:
        for temporary, _final in self.written:
            temporary.unlink(missing_ok=True)
        self.written, self.doomed = [], []


@contextmanager
def staging() -> Iterator[Staging]:
    """Files written inside the block are discarded if it raises; the caller places them."""
    staged = Staging()
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise


def serve(evidence: Evidence) -> Response:
    """Re-encoded images inline; everything else as an attachment; never sniffed."""
    path = path_of(evidence.stored_name or "")
    inline = evidence.content_type in PILLOW_FORMATS
    response = send_file(
        path,
        mimetype=evidence.content_type or "application/octet-stream",
        as_attachment=not inline,
        download_name=evidence.original_name or path.name,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        # An inline image still must not run anything if a browser misreads it.
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response
