"""PDF from DOCX by LibreOffice: one layout (the DOCX), printed the way Word would print it.

No PDF is written by hand: LibreOffice (`soffice`, or the `SOFFICE` setting)
converts the document in a temporary folder with a profile of its own, so
several workers can convert at once. Without LibreOffice the conversion
raises `PdfUnavailable` and the page says so; the DOCX stays available.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import current_app, has_app_context

TIMEOUT_SECONDS = 120


class PdfUnavailable(Exception):
    """LibreOffice is missing or failed: no PDF this time."""


def _soffice() -> str | None:
    configured = current_app.config.get("SOFFICE") if has_app_context() else None
    return configured or shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, name: str = "document") -> bytes:
    """The PDF LibreOffice prints from `docx`."""
    soffice = _soffice()
    if soffice is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as folder:
        work = Path(folder)
        source = work / f"{name}.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(work), str(source)],
                check=True, capture_output=True, timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise PdfUnavailable(str(error)) from error
        result = work / f"{name}.pdf"
        if not result.exists():
            raise PdfUnavailable("LibreOffice wrote no PDF")
        return result.read_bytes()
