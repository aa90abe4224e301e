"""Evidence PDFs, decided on the parsed and decoded document (pikepdf, over qpdf).

A PDF is a graph of objects, and the part that runs (a script, a program
to launch, a form that posts data, an embedded file) can sit in any of them:
inside a compressed object stream behind any chain of filters, under a
name written with `#xx` escapes, in a names tree, an annotation or the
document's open action. Matching bytes misses those, so the file is parsed
by qpdf, every object is walked after decoding, and:

- anything that runs or carries another file is refused: JavaScript
  (`/JS`, `/JavaScript`, names trees), `/Launch`, `/SubmitForm`,
  `/ImportData`, `/GoToR`, `/GoToE`, media and rich-media actions, XFA forms,
  embedded files and file-attachment annotations, and any automatic action
  (`/OpenAction`, `/AA`) other than going to a page of the document;
- links to web pages (`/URI` actions) are not code but still take the reader
  elsewhere from a file the federation vouches for: they are removed and the
  document is stored rewritten without them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from flask_babel import lazy_gettext as _l

# Actions that run something, send or fetch data, or open another document.
RUNNING_ACTIONS = {
    "/JavaScript": "javascript", "/Launch": "launch", "/SubmitForm": "form",
    "/ImportData": "form", "/GoToR": "other_document", "/GoToE": "other_document",
    "/Rendition": "media", "/Movie": "media", "/Sound": "media", "/RichMediaExecute": "media",
    "/GoTo3DView": "media", "/SetOCGState": "automatic", "/Hide": "automatic",
    "/Named": "automatic", "/ResetForm": "form", "/Trans": "automatic",
}
# Keys whose mere presence means active content, wherever they appear.
ACTIVE_KEYS = {
    "/JS": "javascript", "/JavaScript": "javascript", "/XFA": "form",
    "/EmbeddedFiles": "embedded", "/EF": "embedded", "/RichMediaContent": "media",
}
ACTIVE_ANNOTATIONS = {
    "/FileAttachment": "embedded", "/RichMedia": "media", "/Movie": "media",
    "/Sound": "media", "/Screen": "media", "/3D": "media",
}
WHAT = {
    "javascript": _l("mã JavaScript"),
    "launch": _l("lệnh mở chương trình hoặc tệp trên máy người xem (Launch)"),
    "form": _l("biểu mẫu gửi, nhập hoặc xóa dữ liệu (XFA, SubmitForm, ImportData)"),
    "embedded": _l("tệp đính kèm bên trong"),
    "other_document": _l("lệnh mở tài liệu khác (GoToR, GoToE)"),
    "media": _l("nội dung đa phương tiện tự chạy"),
    "automatic": _l("hành động tự động khi mở hoặc xem tệp"),
}


class ActivePdf(Exception):
    """The PDF carries active content; `kind` is a key of WHAT."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind

    @property
    def description(self) -> str:
        return str(WHAT[self.kind])


class UnreadablePdf(Exception):
    """qpdf cannot read the file (damaged, or encrypted so that it cannot be inspected)."""


@dataclass
class _Walk:
    """One pass over the object graph: what was found, and the links to remove."""

    seen: set[tuple[int, int]] = field(default_factory=set)
    links: list[pikepdf.Dictionary] = field(default_factory=list)

    def visit(self, item: object) -> None:
        if isinstance(item, pikepdf.Object) and item.is_indirect:
            if item.objgen in self.seen:
                return
            self.seen.add(item.objgen)
        if isinstance(item, pikepdf.Stream):
            self._dictionary(item.stream_dict)
        elif isinstance(item, pikepdf.Dictionary):
            self._dictionary(item)
        elif isinstance(item, pikepdf.Array):
            for element in item:
                self.visit(element)

    def _dictionary(self, dictionary: pikepdf.Dictionary) -> None:
        for key in dictionary:
            if key in ACTIVE_KEYS:
                raise ActivePdf(ACTIVE_KEYS[key])
        kind = dictionary.get("/S")
        if isinstance(kind, pikepdf.Name):
            if str(kind) in RUNNING_ACTIONS:
                raise ActivePdf(RUNNING_ACTIONS[str(kind)])
            if str(kind) == "/URI":
                self.links.append(dictionary)
        if str(dictionary.get("/Type", "")) == "/EmbeddedFile":
            raise ActivePdf("embedded")
        subtype = str(dictionary.get("/Subtype", ""))
        if subtype in ACTIVE_ANNOTATIONS and "/Rect" in dictionary:
            raise ActivePdf(ACTIVE_ANNOTATIONS[subtype])
        for key in dictionary:
            self.visit(dictionary[key])
        # After the values, so a script behind an open action is named as a script.
        for key in ("/OpenAction", "/AA"):
            if key in dictionary:
                _automatic_actions_only_go_to_pages(dictionary[key], key)


def _automatic_actions_only_go_to_pages(value: object, key: str) -> None:
    """An open action may show a page (a destination, or a `/GoTo` action); nothing else."""
    if key == "/OpenAction" and isinstance(value, pikepdf.Array):
        return  # a destination: [page /Fit], and so on
    if key == "/AA" and not isinstance(value, pikepdf.Dictionary):
        raise ActivePdf("automatic")
    actions = [value[k] for k in value] if key == "/AA" else [value]
    for action in actions:
        if not (isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) == "/GoTo"):
            raise ActivePdf("automatic")


def passive_copy(data: bytes) -> bytes:
    """The PDF to store: the same bytes when it is passive, rewritten without its web links
    when it has some. Raises `ActivePdf` or `UnreadablePdf`."""
    try:
        with pikepdf.open(io.BytesIO(data)) as document:
            walk = _Walk()
            walk.visit(document.trailer)
            for item in document.objects:  # also what no reference reaches (orphans)
                walk.visit(item)
            if not walk.links:
                return data
            for action in walk.links:
                for key in list(action.keys()):
                    del action[key]
            out = io.BytesIO()
            document.save(out)
            return out.getvalue()
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError) as error:
        raise UnreadablePdf(str(error)) from None
