"""No browser or proxy keeps a signed-in page or a download (`Cache-Control: no-store`).

Every page each role reaches by following links is fetched and its header
read; so is every download: backup, exports, reports, public boards, evidence.
"""

from __future__ import annotations

import io

from PIL import Image

from tests import factories
from tests.access import ROLES
from tests.security.site import crawl, sign_in_as

DOWNLOADS = [
    "/quan-tri/sao-luu/tai-ve",
    *(f"/bao-cao/xuat/{name}.{fmt}" for name in ("ket-qua", "xep-hang", "nhat-ky")
      for fmt in ("csv", "xlsx")),
    "/bao-cao/tong-hop/2021-04/tai-ve.xlsx", "/bao-cao/tong-hop/2021-04/tai-ve.docx",
    "/bang-xep-hang/huyen.csv", "/bang-xep-hang/huyen.xlsx",
]


def test_every_page_a_signed_in_person_reaches_is_never_stored(app, district_world, make_visitor):
    world = district_world
    for unit in (world.thpt_hoa_an, world.mn_hoa_an):  # one in the province's block, one in Hòa An's
        factories.entry(unit, factories.criterion(world.drive, "SK"), 2, status="submitted")
    checked = 0
    for role in ROLES[1:]:
        visitor = sign_in_as(make_visitor(), world, role)
        for page in crawl(app, visitor.client, limit=35):
            response = visitor.get(page.url)
            if response.status_code in (200, 400, 403, 404, 409):
                assert response.headers.get("Cache-Control") == "no-store", (role, page.url)
                checked += 1
    assert checked > 120


def test_public_pages_stay_revalidated_for_anonymous_readers(app, world, client):
    response = client.get("/")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_every_download_is_never_stored_whoever_asks(app, world, make_visitor):
    admin = make_visitor()
    admin.login("admin")
    for path in DOWNLOADS:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Disposition"].startswith("attachment"), path
        assert response.headers["Cache-Control"] == "no-store", path
    slug = world.hoa_an.slug
    reporter = make_visitor()
    reporter.login("hoaan")
    for fmt in ("docx", "xlsx"):
        response = reporter.get(f"/bao-cao/{slug}/2021-04/tai-ve.{fmt}")
        assert response.headers["Cache-Control"] == "no-store"
    anonymous = make_visitor()
    for path in ("/bang-xep-hang/huyen.csv", "/bang-xep-hang/huyen.xlsx"):
        assert anonymous.get(path).headers["Cache-Control"] == "no-store"


def test_evidence_files_are_never_stored(app, world, make_visitor):
    reporter = make_visitor()
    reporter.login("thpt")
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, "PNG")
    created = reporter.post("/don-vi/ket-qua/moi", {
        "criterion": str(factories.criterion(world.drive, "SK").id),
        "activity_date": "2021-05-03", "quantity": "1", "title": "Ảnh",
        "files": (io.BytesIO(image.getvalue()), "anh.png")},
        token_from="/don-vi/ket-qua/moi", content_type="multipart/form-data")
    page = reporter.get(created.headers["Location"]).get_data(as_text=True)
    link = page[page.index("/don-vi/minh-chung/"):].split('"', 1)[0]
    assert "no-store" in reporter.get(link).headers["Cache-Control"]
