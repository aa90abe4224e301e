"""A drive's official result as the public reads it: the snapshot's ranking, and the awards once
the decision is issued.

One object serves the public page, its CSV/XLSX/PDF downloads and
`/api/v1/results`, so the four can never disagree. Proposals are internal
until the decision locks them: before that the result shows no awards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _

from competition import clock
from competition.commendation import services
from competition.commendation.documents import CONFEDERATION, day_text, title_phrase
from competition.labels import CLASSIFICATION_LABELS
from competition.models import Commendation, Drive, ResultSnapshot
from competition.reports.documents import HeaderCell, OfficialDocument, Section, Table
from competition.results import current_snapshot
from competition.scoring import Classification


@dataclass(frozen=True)
class ResultRow:
    rank: int
    unit_code: str
    unit_name: str
    total: Decimal
    percent: Decimal
    classification: str
    criteria_at_target: int
    award: str  # the award's name, "" when none
    award_code: str

    @property
    def classification_label(self) -> str:
        return str(CLASSIFICATION_LABELS[Classification(self.classification)])


@dataclass(frozen=True)
class ResultBlock:
    code: str
    name: str
    rows: list[ResultRow]


@dataclass
class OfficialResult:
    drive: Drive
    snapshot: ResultSnapshot
    blocks: list[ResultBlock]
    decision: Commendation | None = None
    awards: list[tuple[str, str, str, int]] = field(default_factory=list)  # code, name, level, n

    @property
    def number(self) -> int:
        return self.snapshot.number

    @property
    def sha256(self) -> str:
        return self.snapshot.sha256

    @property
    def published_at(self) -> datetime:
        return self.snapshot.published_at

    @property
    def decision_number(self) -> str | None:
        return self.decision.decision_number if self.decision else None

    @property
    def decision_date(self) -> date | None:
        return self.decision.decision_date if self.decision else None


def official_result(drive: Drive) -> OfficialResult | None:
    """The result in force (None before publication), with the awards of an issued decision
    drawn from that same snapshot."""
    snapshot = current_snapshot(drive)
    if snapshot is None:
        return None
    decision = services.decided(drive)
    if decision is not None and decision.snapshot_id != snapshot.id:
        decision = None
    given = {}
    awards = []
    if decision is not None:
        for rule, items in services.awarded(decision).items():
            awards.append((rule.code, rule.name, rule.level, len(items)))
            given.update({item.unit.code: rule for item in items})
    blocks = [
        ResultBlock(
            code=block["code"], name=block["name"],
            rows=[
                ResultRow(
                    rank=row["rank"], unit_code=row["unit_code"], unit_name=row["unit_name"],
                    total=Decimal(row["total"]), percent=Decimal(row["percent"]),
                    classification=row["classification"],
                    criteria_at_target=row["criteria_at_target"],
                    award=given[row["unit_code"]].name if row["unit_code"] in given else "",
                    award_code=given[row["unit_code"]].code if row["unit_code"] in given else "",
                )
                for row in block["standings"]
            ],
        )
        for block in snapshot.payload["blocks"]
    ]
    return OfficialResult(drive=drive, snapshot=snapshot, blocks=blocks, decision=decision,
                          awards=awards)


def result_table(result: OfficialResult) -> tuple[list[str], list[list]]:
    """The header and rows of the CSV/XLSX download: one row per unit, blocks one after another."""
    header = [_("Khối"), _("Hạng"), _("Mã đơn vị"), _("Đơn vị"), _("Tổng điểm"), _("Tỷ lệ (%)"),
              _("Xếp loại"), _("Số tiêu chí đạt chỉ tiêu"), _("Khen thưởng"),
              _("Số quyết định"), _("Ngày quyết định")]
    body = []
    for block in result.blocks:
        for row in block.rows:
            body.append([
                block.name, row.rank, row.unit_code, row.unit_name, row.total, row.percent,
                row.classification_label, row.criteria_at_target, row.award,
                result.decision_number if row.award else "",
                result.decision_date if row.award else None,
            ])
    return header, body


def result_document(result: OfficialResult) -> OfficialDocument:
    """The published result as a printable notice (thông báo): one ranking table per block."""
    drive = result.drive
    blocks = [
        Table(caption=f"{n}. {block.name}", sheet=block.name[:31],
              header=[[HeaderCell(_("Hạng")), HeaderCell(_("Đơn vị")), HeaderCell(_("Tổng điểm")),
                       HeaderCell(_("Tỷ lệ (%)")), HeaderCell(_("Xếp loại")),
                       HeaderCell(_("Khen thưởng"))]],
              rows=[[str(r.rank), r.unit_name, r.total, r.percent, r.classification_label,
                     r.award] for r in block.rows],
              widths_mm=[12, 55, 18, 18, 27, 35], label_columns=2)
        for n, block in enumerate(result.blocks, start=1)
    ]
    lines = [_("Kết quả công bố lần %(n)s ngày %(day)s; mã kiểm tra SHA-256 của bản công bố: "
               "%(sha)s.", n=result.number, day=day_text(clock.local_day(result.published_at)),
               sha=result.sha256)]
    if result.decision is not None:
        lines.append(_("Khen thưởng theo Quyết định số %(number)s ngày %(day)s.",
                       number=result.decision_number, day=day_text(result.decision_date)))
    return OfficialDocument(
        issuer=CONFEDERATION, author=drive.issuer,
        number=_("Số: %(number)s", number="      /TB-LĐLĐ"),
        place=drive.place, day=clock.today(), kind=_("THÔNG BÁO"),
        summary=_("Kết quả chính thức %(title)s", title=title_phrase(drive.title)),
        sections=[Section("", lines, blocks)], closing="",
        recipients=[_("- Các đơn vị trực thuộc;"), _("- Lưu: VT.")],
        signer_title=[_("TM. BAN THƯỜNG VỤ")],
        signer_name=result.decision.signer_name if result.decision else "",
        filename=f"ket-qua-{drive.slug}-lan-{result.number}",
    )
