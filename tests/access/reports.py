"""Reports: reporters read and file their own unit's; staff read the reports of their part of
the tree (Hòa An's council: A, which is under Hòa An); admins reopen and export the audit log;
judges and admins see the summary of their part of the tree; the province's staff export."""

from __future__ import annotations

from sqlalchemy import select

from competition.clock import now
from competition.extensions import db
from competition.models import MonthlyReport
from tests.access import DISTRICT, Case, only

OWN = "/bao-cao/cs-thpt-hoaan/2021-04"  # reporter_a's unit
STAFF_AND_A = only("reporter_a", "judge", "judge_parent", "admin", *DISTRICT)
STAFF = only("judge", "judge_parent", "admin", *DISTRICT)
PROVINCE_STAFF = only("judge", "judge_parent", "admin")


def _filed_report_path(world) -> str:
    """A filed report of Điện lực for March, filed again before each role tries to reopen it."""
    report = db.session.scalars(select(MonthlyReport).where(
        MonthlyReport.unit_id == world.dien_luc.id)).first()
    if report is None:
        report = MonthlyReport(drive_id=world.drive.id, unit_id=world.dien_luc.id,
                               month=world.drive.starts_on.replace(day=1))
        db.session.add(report)
    report.filed_at = now()
    db.session.commit()
    return f"/bao-cao/{world.dien_luc.slug}/2021-03/mo-lai"


def cases(world):
    return [
        Case("reports.index", "GET", "/bao-cao/", only("reporter_a", "reporter_b")),
        Case("reports.monthly", "GET", OWN, STAFF_AND_A,
             note="reporter_b reads only BLAM's reports"),
        Case("reports.monthly", "POST", "/bao-cao/cs-thpt-hoaan/2021-03",
             only("reporter_a", ok=302), data={"highlights": "Lưu nháp"},
             note="staff may read, never write, a unit's report"),
        Case("reports.file", "POST", OWN, only("reporter_a", ok=302),
             data={"highlights": "Nộp báo cáo"}),
        Case("reports.reopen", "POST", _filed_report_path, only("admin", ok=302),
             data={"reason": "Bổ sung số liệu"}),
        Case("reports.printable", "GET", f"{OWN}/in", STAFF_AND_A),
        Case("reports.download", "GET", f"{OWN}/tai-ve.docx", STAFF_AND_A),
        Case("reports.summary", "GET", "/bao-cao/tong-hop?thang=2021-04", STAFF),
        Case("reports.summary_printable", "GET", "/bao-cao/tong-hop/2021-04/in", STAFF),
        Case("reports.summary_download", "GET", "/bao-cao/tong-hop/2021-04/tai-ve.docx", STAFF),
        Case("reports.monthly", "GET", "/bao-cao/blam/2021-04",
             only("reporter_b", "judge", "judge_parent", "admin"),
             note="Bảo Lâm is outside Hòa An's part of the tree"),
        Case("reports.exports_page", "GET", "/bao-cao/xuat", PROVINCE_STAFF),
        Case("reports.export_entries", "GET", "/bao-cao/xuat/ket-qua.csv", PROVINCE_STAFF),
        Case("reports.export_standings", "GET", "/bao-cao/xuat/xep-hang.csv", PROVINCE_STAFF),
        Case("reports.export_audit", "GET", "/bao-cao/xuat/nhat-ky.csv", only("admin")),
    ]


