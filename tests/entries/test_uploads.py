"""Evidence uploads: the bytes decide, attacks are refused, files are served safely."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from competition import uploads
from competition.extensions import db
from competition.models import Entry, EntryStatus, Evidence
from tests import factories
from tests.entries import support

ATTACKS = [
    ("html-renamed.jpg", b"<!doctype html><html><script>alert(document.cookie)</script></html>",
     400, "không phải loại được nhận"),
    ("logo.svg.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     400, "không phải loại được nhận"),
    ("bien-ban.pdf", support.pdf_with_javascript(), 400, "có chứa mã JavaScript"),
    ("bang-tong-hop.xlsx", support.zip_bomb_as_xlsx(), 400, "nghi là «bom nén»"),
    ("rong.jpg", b"", 400, "rỗng (0 byte)"),
    ("not-office.docx", support.ooxml("evil/payload.xml"), 400, "không phải tệp Word"),
]


@pytest.fixture
def reporter(world, make_visitor):
    visitor = make_visitor()
    visitor.login("hoaan")
    return visitor


@pytest.mark.parametrize("name, content, status, message", ATTACKS,
                         ids=[a[0] for a in ATTACKS])
def test_attack_upload_is_refused_with_its_message_and_leaves_nothing(
    app, world, reporter, name, content, status, message
):
    kh = factories.criterion(world.drive, "KH")
    before = support.counts()
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                  files=[(support.png(), "that.png"), (content, name)])
    assert response.status_code == status
    assert message in support.flash_or_error(response)
    assert support.counts() == before
    assert support.upload_files(Path(app.config["UPLOAD_DIR"])) == []


def test_oversize_upload_gets_413_and_its_limit(app, world, reporter):
    app.config["MAX_UPLOAD_MB"] = 1
    kh = factories.criterion(world.drive, "KH")
    big = support.pdf(os.urandom(1024 * 1024 + 10))  # incompressible
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                  files=[(big, "bao-cao.pdf")])
    assert response.status_code == 413
    assert "lớn hơn giới hạn 1 MB" in support.flash_or_error(response)
    assert support.counts() == (0, 0)
    assert support.upload_files(Path(app.config["UPLOAD_DIR"])) == []


def test_too_many_files_are_refused(app, world, reporter):
    app.config["MAX_FILES_PER_ENTRY"] = 2
    kh = factories.criterion(world.drive, "KH")
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                  files=[(support.png(), f"{i}.png") for i in range(3)])
    assert response.status_code == 400
    assert "tối đa 2 minh chứng" in support.flash_or_error(response)
    assert support.counts() == (0, 0)


def test_dotdot_name_is_kept_as_a_name_never_used_as_a_path(app, world, reporter, tmp_path):
    kh = factories.criterion(world.drive, "KH")
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                  files=[(support.png(), "../../../../etc/cron.d/evil.png")])
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.original_name == "evil.png"
    stored = support.upload_files(Path(app.config["UPLOAD_DIR"]))
    assert [p.name for p in stored] == [evidence.stored_name]
    assert evidence.stored_name != "evil.png" and len(evidence.stored_name) == 36
    assert not any(p.name == "evil.png" for p in tmp_path.rglob("*"))


def test_real_office_pdf_and_images_are_accepted_and_typed_from_their_bytes(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    files = [(support.docx(), "bien-ban.DOC"), (support.xlsx(), "so-lieu"),
             (support.pdf(), "ke-hoach.pdf"), (support.jpeg_with_gps(), "anh.png")]
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"), files=files)
    assert response.status_code == 302
    types = [e.content_type for e in db.session.scalars(select(Evidence).order_by(Evidence.id))]
    assert types == [uploads.DOCX, uploads.XLSX, uploads.PDF, uploads.JPEG]


def test_images_are_reencoded_without_metadata_and_hashed_as_stored(app, world, reporter):
    kh = factories.criterion(world.drive, "KH")
    photo = support.jpeg_with_gps() + b"<script>hidden after the image</script>"
    support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                       files=[(photo, "anh.jpg")])
    evidence = db.session.scalars(select(Evidence)).one()
    stored = uploads.path_of(evidence.stored_name).read_bytes()
    assert b"<script>" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.getexif() == {}
        assert image.size == (40, 30)
    import hashlib

    assert evidence.sha256 == hashlib.sha256(stored).hexdigest()
    assert evidence.size == len(stored)


def test_pdf_javascript_hidden_by_name_escapes_is_found(app):
    """Object streams and filter chains: tests/security/test_pdf_active_content.py."""
    escaped = support.pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction "
                                                       b"<< /S /Java#53cript /J#53 (x) >>")
    with app.test_request_context():
        with pytest.raises(uploads.UploadRejected, match="JavaScript"):
            uploads.check(escaped, "x.pdf")
        assert uploads.check(support.pdf(), "ok.pdf").content_type == uploads.PDF


def test_files_are_served_as_attachments_and_images_inline_never_sniffed(
    app, world, reporter, make_visitor
):
    kh = factories.criterion(world.drive, "KH")
    support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                       files=[(support.png(), "anh.png"), (support.pdf(), "bien ban.pdf")])
    image, document = db.session.scalars(select(Evidence).order_by(Evidence.id)).all()
    shown = reporter.get(f"/don-vi/minh-chung/{image.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    download = reporter.get(f"/don-vi/minh-chung/{document.id}")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data == support.pdf()


def test_evidence_is_public_only_when_marked_and_verified(app, world, reporter, make_visitor):
    kh = factories.criterion(world.drive, "KH")
    support.post_entry(reporter, support.entry_data(kh, quantity="1", action="submit",
                                                    public_files="1"),
                       files=[(support.png(), "rieng.png"), (support.png(), "cong-khai.png")])
    private, public = db.session.scalars(select(Evidence).order_by(Evidence.id)).all()
    stranger, other_unit, judge = make_visitor(), make_visitor(), make_visitor()
    other_unit.login("blam")
    judge.login("thamdinh2")  # a conflicted judge may still look
    assert stranger.get(f"/don-vi/minh-chung/{public.id}").status_code == 404  # not verified yet
    assert judge.get(f"/don-vi/minh-chung/{private.id}").status_code == 200
    entry = db.session.scalars(select(Entry)).one()
    from competition import lifecycle

    lifecycle.verify(entry, world.judge)
    lifecycle.commit_transition(entry)
    assert entry.status == EntryStatus.VERIFIED
    assert stranger.get(f"/don-vi/minh-chung/{public.id}").status_code == 200
    assert stranger.get(f"/don-vi/minh-chung/{private.id}").status_code == 404
    assert other_unit.get(f"/don-vi/minh-chung/{private.id}").status_code == 404
    assert reporter.get(f"/don-vi/minh-chung/{private.id}").status_code == 200


def test_a_failing_commit_leaves_no_file_and_no_entry(app, world, reporter):
    """The database refuses the transaction at commit: the staged file is removed."""
    from sqlalchemy import event

    kh = factories.criterion(world.drive, "KH")

    upload_dir = Path(app.config["UPLOAD_DIR"])

    def refuse(session):
        # Only the commit that records a staged (still temporary) file fails.
        if list(upload_dir.glob("*.part")):
            raise RuntimeError("the database went away")

    event.listen(db.session, "before_commit", refuse)
    try:
        response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                      files=[(support.png(), "anh.png")])
    finally:
        event.remove(db.session, "before_commit", refuse)
    assert response.status_code == 500
    assert support.counts() == (0, 0)
    assert support.upload_files(Path(app.config["UPLOAD_DIR"])) == []


def test_a_broken_upload_folder_gives_a_clear_error_and_saves_nothing(app, world, reporter,
                                                                      tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the upload folder should be")
    app.config["UPLOAD_DIR"] = str(blocked)
    kh = factories.criterion(world.drive, "KH")
    response = support.post_entry(reporter, support.entry_data(kh, quantity="1"),
                                  files=[(support.png(), "anh.png")])
    assert response.status_code == 503
    assert "không lưu được tệp minh chứng" in support.flash_or_error(response)
    assert support.counts() == (0, 0)
