"""Reports as Vietnamese administrative documents (Decree 30/2020/NĐ-CP), independent of format.

A unit's monthly report and the province summary are both turned into one
`OfficialDocument` here; `reports.docx`, `reports.xlsx` and the printable
page render that same object, so the three downloads can never disagree and
the official layout is written once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from competition import clock
from competition.formatting import number
from competition.models import Drive, Unit, UnitKind
from competition.quantities import quantity_label, share_of_members
from competition.reports.services import (
    CriterionRow,
    FilingStatus,
    PropagandaRow,
    ProvinceMonth,
    UnitMonth,
    total_row,
)
from competition.scoring import Measure, RankBy, Standing

Value = str | int | Decimal | None

STATUS_LABELS = {
    FilingStatus.ON_TIME: _l("Đúng hạn"),
    FilingStatus.LATE: _l("Nộp muộn"),
    FilingStatus.MISSING: _l("Quá hạn, chưa nộp"),
    FilingStatus.OPEN: _l("Chưa nộp, còn hạn"),
}

# The symbol after "BC-" in a document number, by the kind of the issuing unit.
KIND_SYMBOLS = {
    UnitKind.LDLD_TINH: "LĐLĐ",
    UnitKind.LDLD_HUYEN: "LĐLĐ",
    UnitKind.CONG_DOAN_NGANH: "CĐN",
    UnitKind.CONG_DOAN_VIEN_CHUC: "CĐVC",
    UnitKind.CDCS: "CĐCS",
}


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    """A table of the body: header rows with spans, then rows whose first
    `label_columns` cells are text and the rest figures."""

    caption: str
    sheet: str  # the XLSX sheet's name (at most 31 characters)
    header: list[list[HeaderCell]]
    rows: list[list[Value]]
    widths_mm: list[float]
    label_columns: int = 2
    total_rows: set[int] = field(default_factory=set)  # indexes of rows set in bold

    @property
    def columns(self) -> int:
        return len(self.widths_mm)


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Preamble:
    """What a decision or a submission says between its title and its body."""

    addressee: str = ""  # "Kính gửi: …"
    authority: str = ""  # "BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"
    grounds: list[str] = field(default_factory=list)  # "Căn cứ …;" lines, set in italics
    decides: str = ""  # "QUYẾT ĐỊNH:"
    articles: list[tuple[str, list[str]]] = field(default_factory=list)  # ("Điều 1.", lines)


@dataclass
class Annex:
    """A list attached after the signature, on a page of its own."""

    title: str
    subtitle: str  # "(Kèm theo Quyết định số … ngày …)"
    tables: list[Table]


@dataclass
class OfficialDocument:
    """The parts of an administrative document, in the order Decree 30 lays them out."""

    issuer: str  # the governing body, printed in upper case above the author
    author: str  # the unit that issues the document
    number: str  # "Số: 15/BC-LĐLĐ"
    place: str
    day: date
    kind: str  # "BÁO CÁO"
    summary: str  # the line that says what the document is about
    sections: list[Section]
    closing: str
    recipients: list[str]
    signer_title: list[str]
    signer_name: str
    filename: str  # without extension
    draft: bool = False
    # A decision (quyết định) or a submission (tờ trình) has more before its body: the
    # addressee, the authority that decides, the grounds (căn cứ), the articles (Điều 1, …);
    # and lists attached after the signature (danh sách kèm theo).
    preamble: Preamble | None = None
    annexes: list[Annex] = field(default_factory=list)

    @property
    def place_date(self) -> str:
        return place_date(self.place, self.day)

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def place_date(place: str, day: date) -> str:
    """"Cao Bằng, ngày 05 tháng 5 năm 2021": days below 10 and months below 3 take a leading 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s",
             place=place, day=f"{day.day:02d}", month=month, year=day.year)


def header_grid(header: list[list[HeaderCell]]) -> Iterator[tuple[int, int, HeaderCell]]:
    """(row, column, cell) of every header cell, skipping the places that spans above cover.

    DOCX and XLSX need the grid position to merge cells; HTML does it with
    rowspan/colspan and never calls this.
    """
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            yield r, c, cell
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan


def _split_header(first: list[HeaderCell], groups: list[str], tail: list[HeaderCell]) -> list:
    top = [*first, *(HeaderCell(g, colspan=2) for g in groups), *tail]
    bottom = [HeaderCell(t) for _g in groups for t in (_("Đã xác nhận"), _("Chưa xác nhận"))]
    return [top, bottom]


def propaganda_table(caption: str, sheet: str, label: str, rows: list[PropagandaRow],
                     codes: list, start: int = 1) -> Table:
    """A phase or channel table: each propaganda criterion and the people reached, split."""
    groups = [f"{c.name} ({c.unit_label})" if c.unit_label else c.name for c in codes]
    groups.append(_("Lượt người được tuyên truyền"))
    keys = [c.code for c in codes]
    everything = [*rows, total_row(_("Cộng"), rows, keys)]
    body = []
    for index, row in enumerate(everything, start=start):
        cells: list[Value] = [str(index) if row is not everything[-1] else "", row.label]
        for key in keys:
            cells += [row.quantities[key].verified, row.quantities[key].pending]
        cells += [row.people.verified, row.people.pending]
        body.append(cells)
    figure_width = round(110 / (2 * len(groups)), 1)
    return Table(
        caption=caption, sheet=sheet,
        header=_split_header([HeaderCell(_("TT"), rowspan=2), HeaderCell(label, rowspan=2)],
                             groups, []),
        rows=body, widths_mm=[10, 45] + [figure_width] * (2 * len(groups)),
        total_rows={len(body) - 1},
    )


def _measure_label(row: CriterionRow) -> str:
    return quantity_label(row.criterion.measure, row.criterion.unit_label)


def _target_text(row: CriterionRow) -> Value:
    if row.score is None or row.score.target is None:
        return None
    if row.criterion.measure == Measure.PERCENT:
        return f"{row.score.target.normalize():f}%"
    return row.score.target


def _criterion_text(row: CriterionRow) -> str:
    """A criterion's name and code; for a rolled-up one, what of the running total came from
    the units under the reporting unit."""
    text = f"{row.criterion.name} ({row.criterion.code})"
    if row.below.verified or row.below.pending:
        text += "\n" + _("Lũy kế gồm %(verified)s đã xác nhận và %(pending)s chưa xác nhận từ "
                          "đơn vị cấp dưới", verified=number(row.below.verified),
                          pending=number(row.below.pending))
    return text


def criteria_table(caption: str, sheet: str, rows: list[CriterionRow],
                   with_target: bool) -> Table:
    """The criteria of the drive: the month's change and the running total, split; for a
    unit also the target and how far the verified running total has come towards it."""
    tail = ([HeaderCell(_("Chỉ tiêu giao"), rowspan=2), HeaderCell(_("Tỷ lệ đạt (%)"), rowspan=2)]
            if with_target else [])
    body = []
    for index, row in enumerate(rows, start=1):
        cells: list[Value] = [
            str(index), _criterion_text(row), _measure_label(row),
            row.month.verified, row.month.pending, row.total.verified, row.total.pending,
        ]
        if with_target:
            cells += [_target_text(row), row.percent_of_target]
        body.append(cells)
    widths = [9, 50, 16, 15, 15, 15, 15] + ([16, 14] if with_target else [])
    if not with_target:
        widths[1] += 30
    return Table(
        caption=caption, sheet=sheet,
        header=_split_header(
            [HeaderCell(_("TT"), rowspan=2), HeaderCell(_("Nội dung"), rowspan=2),
             HeaderCell(_("Đơn vị tính"), rowspan=2)],
            [_("Trong tháng"), _("Lũy kế từ đầu đợt")], tail,
        ),
        rows=body, widths_mm=widths, label_columns=3,
    )


def _member_shares(figures: UnitMonth) -> list[str]:
    """Each percent criterion in people and as a share of members, as the table cannot say it:
    "Tham gia cuộc thi … (PL): 418 người = 27,9 % đoàn viên, chỉ tiêu 30 %"."""
    return [
        f"{row.criterion.name} ({row.criterion.code}): " + share_of_members(
            row.total.verified, figures.unit.member_count,
            row.score.target if row.score else None)
        for row in figures.criteria if row.criterion.measure == Measure.PERCENT
    ]


def _paragraphs(text: str, empty: str) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines or [empty]


def _month_text(month: date) -> str:
    return f"{month.month}/{month.year}"


def number_symbol(unit: Unit) -> str:
    return "BC-" + KIND_SYMBOLS.get(unit.kind, "CĐ")


def _number_line(number: str, unit: Unit) -> str:
    return _("Số: %(number)s", number=number or f"      /{number_symbol(unit)}")


def _issuer(unit: Unit) -> str:
    return unit.parent.name if unit.parent else _("Tổng Liên đoàn Lao động Việt Nam")


def _sources_note() -> str:
    return _("Số liệu được tổng hợp từ các kết quả đơn vị đã nhập trên hệ thống Thi đua, theo "
             "ngày diễn ra hoạt động. Cột “Đã xác nhận” gồm các kết quả đã được tổ thẩm định "
             "xác nhận; cột “Chưa xác nhận” gồm các kết quả đã gửi, đang chờ thẩm định.")


def unit_document(figures: UnitMonth, day: date) -> OfficialDocument:
    """A unit's monthly report as an official document dated `day`."""
    unit, month, report = figures.unit, figures.month, figures.report
    month_text = _month_text(month)
    codes = figures.propaganda_codes
    sections = [
        Section(_("I. KẾT QUẢ CÔNG TÁC TUYÊN TRUYỀN"), [_sources_note()], [
            propaganda_table(_("1. Theo đợt tuyên truyền"), _("Theo đợt"), _("Đợt tuyên truyền"),
                             figures.by_phase, codes),
            propaganda_table(_("2. Theo kênh tuyên truyền"), _("Theo kênh"),
                             _("Kênh tuyên truyền"), figures.by_channel, codes),
        ]),
        Section(_("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU THI ĐUA"), _member_shares(figures), [
            criteria_table(_("Kết quả so với chỉ tiêu giao"), _("Chỉ tiêu"), figures.criteria,
                           with_target=True),
        ]),
        Section(_("III. NHỮNG KẾT QUẢ NỔI BẬT"),
                _paragraphs(report.highlights if report else "", _("Không có."))),
        Section(_("IV. KHÓ KHĂN, VƯỚNG MẮC"),
                _paragraphs(report.difficulties if report else "", _("Không có."))),
        Section(_("V. ĐỀ XUẤT, KIẾN NGHỊ"),
                _paragraphs(report.proposals if report else "", _("Không có."))),
    ]
    parent = unit.parent.name if unit.parent else _("cấp trên")
    title = (report.signer_title if report and report.signer_title
             else _("TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"))
    return OfficialDocument(
        issuer=_issuer(unit), author=unit.name,
        number=_number_line(report.number if report else "", unit),
        place=unit.place or figures.drive.place, day=day, kind=_("BÁO CÁO"),
        summary=_("Kết quả công tác tuyên truyền bầu cử và phong trào thi đua tháng %(month)s",
                  month=month_text),
        sections=sections,
        closing=_("Trên đây là báo cáo kết quả công tác tuyên truyền bầu cử và phong trào thi "
                  "đua tháng %(month)s của %(unit)s./.", month=month_text, unit=unit.name),
        recipients=[_("- %(parent)s (để báo cáo);", parent=parent), _("- Lưu: VT.")],
        signer_title=[line.strip() for line in title.splitlines() if line.strip()],
        signer_name=report.signer_name if report else "",
        filename=f"bao-cao-thang-{month:%Y-%m}-{unit.code}",
        draft=not figures.is_filed,
    )


def filing_table(summary: ProvinceMonth) -> Table:
    body: list[list[Value]] = []
    for block in [*summary.blocks, summary.totals]:
        body.append([
            block.block.name or area_label(summary), block.due, block.count(FilingStatus.ON_TIME),
            block.count(FilingStatus.LATE),
            block.count(FilingStatus.MISSING) + block.count(FilingStatus.OPEN),
            block.completeness,
        ])
    return Table(
        caption=_("1. Tỷ lệ báo cáo đúng hạn theo khối"), sheet=_("Tỷ lệ báo cáo"),
        header=[[HeaderCell(_("Khối thi đua")), HeaderCell(_("Phải báo cáo")),
                 HeaderCell(_("Đúng hạn")), HeaderCell(_("Nộp muộn")),
                 HeaderCell(_("Chưa nộp")), HeaderCell(_("Tỷ lệ đúng hạn (%)"))]],
        rows=body, widths_mm=[65, 20, 20, 20, 20, 20], label_columns=1,
        total_rows={len(body) - 1},
    )


def units_table(summary: ProvinceMonth) -> Table:
    body: list[list[Value]] = [
        [str(i), f.unit.name, f.unit.block.name, str(STATUS_LABELS[f.status]),
         clock.local(f.report.filed_at).strftime("%d/%m/%Y %H:%M") if f.report and f.report.filed_at else ""]
        for i, f in enumerate(summary.filings, start=1)
    ]
    return Table(
        caption=_("2. Tình hình gửi báo cáo của từng đơn vị"), sheet=_("Đơn vị"),
        header=[[HeaderCell(_("TT")), HeaderCell(_("Đơn vị")), HeaderCell(_("Khối")),
                 HeaderCell(_("Tình trạng")), HeaderCell(_("Thời điểm nộp"))]],
        rows=body, widths_mm=[9, 55, 45, 28, 28], label_columns=5,
    )


def area_label(summary: ProvinceMonth) -> str:
    """What the summary covers: the whole province, or everything under one organiser."""
    if summary.organiser is None:
        return _("Toàn tỉnh")
    return _("Toàn %(unit)s", unit=summary.organiser.name)


def ranking_table(number: int, block_name: str, rows: list[Standing]) -> Table:
    """One block's standings as the summary prints them: rank, unit, points, percent, grade."""
    # Imported here: the public package imports the commendation documents, which import this.
    from competition.labels import CLASSIFICATION_LABELS

    body: list[list[Value]] = [
        [str(row.rank), row.unit.name, row.total, row.percent,
         str(CLASSIFICATION_LABELS[row.classification]), row.criteria_at_target]
        for row in rows
    ]
    return Table(
        caption=f"{number}. {block_name}", sheet=_("Xếp hạng %(block)s", block=block_name)[:31],
        header=[[HeaderCell(_("Hạng")), HeaderCell(_("Đơn vị")), HeaderCell(_("Tổng điểm")),
                 HeaderCell(_("Tỷ lệ (%)")), HeaderCell(_("Xếp loại")),
                 HeaderCell(_("Tiêu chí đạt"))]],
        rows=body, widths_mm=[12, 63, 20, 20, 30, 20], label_columns=2,
    )


def ranking_note(rank_by: RankBy, day: date) -> str:
    """The sentence above the ranking tables: when, and on what the blocks are ranked."""
    first = (_("tỷ lệ điểm đạt được trên tổng điểm các tiêu chí áp dụng")
             if rank_by is RankBy.PERCENT else _("tổng điểm"))
    return _("Xếp hạng tạm tính đến ngày %(day)s, chỉ gồm các kết quả đã được xác nhận; xếp "
             "theo %(first)s, bằng nhau thì theo số tiêu chí đạt chỉ tiêu, rồi đơn vị hoàn "
             "thành sớm hơn.", day=day.strftime("%d/%m/%Y"), first=first)


def summary_document(summary: ProvinceMonth, author: Unit | None, day: date,
                     board: list[tuple[str, list[Standing]]]) -> OfficialDocument:
    """The summary for a month, issued by the provincial federation (or by a district or
    sector union for the units under it: the same document, for its part of the tree) and
    signed by the person the drive names; `board` is each block's name and ranked standings."""
    drive: Drive = summary.drive
    month_text = _month_text(summary.month)
    whole = area_label(summary)
    codes = summary.propaganda_codes
    waiting = summary.reminders
    reminder = (
        _("Các đơn vị chưa gửi báo cáo: %(units)s.",
          units="; ".join(f.unit.name for f in waiting))
        if waiting else _("Tất cả các đơn vị đã gửi báo cáo.")
    )
    sections = [
        Section(_("I. TÌNH HÌNH GỬI BÁO CÁO THÁNG"), [
            _("Hạn gửi báo cáo tháng %(month)s: hết ngày %(day)s.",
              month=month_text, day=summary.deadline.strftime("%d/%m/%Y")),
            reminder,
        ], [filing_table(summary), units_table(summary)]),
        Section(_("II. KẾT QUẢ CÔNG TÁC TUYÊN TRUYỀN") + f" – {whole.upper()}",
                [_sources_note()], [
            propaganda_table(_("1. Theo đợt tuyên truyền"), _("Theo đợt"), _("Đợt tuyên truyền"),
                             summary.by_phase, codes),
            propaganda_table(_("2. Theo kênh tuyên truyền"), _("Theo kênh"),
                             _("Kênh tuyên truyền"), summary.by_channel, codes),
        ]),
        Section(_("III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU THEO KHỐI"), [], [
            criteria_table(f"{i}. {b.block.name}", b.block.name[:31], b.criteria,
                           with_target=False)
            for i, b in enumerate(summary.blocks, start=1)
        ] + [criteria_table(f"{len(summary.blocks) + 1}. " + whole, whole[:31],
                            summary.criteria, with_target=False)]),
        Section(_("IV. XẾP HẠNG THI ĐUA THEO KHỐI"),
                [ranking_note(RankBy(drive.rank_by), day)],
                [ranking_table(i, name, rows)
                 for i, (name, rows) in enumerate(board, start=1)]),
    ]
    name = author.name if author else summary.drive.issuer
    return OfficialDocument(
        issuer=_issuer(author) if author else _("Tổng Liên đoàn Lao động Việt Nam"),
        author=name,
        number=_("Số: %(number)s", number="      /BC-LĐLĐ"),
        place=summary.drive.place, day=day, kind=_("BÁO CÁO"),
        summary=_("Tổng hợp kết quả công tác tuyên truyền bầu cử và phong trào thi đua "
                  "tháng %(month)s", month=month_text),
        sections=sections,
        closing=_("Trên đây là báo cáo tổng hợp tháng %(month)s của %(unit)s./.",
                  month=month_text, unit=name),
        recipients=[_("- Tổng Liên đoàn Lao động Việt Nam (để báo cáo);"),
                    _("- Các đơn vị trực thuộc;"),
                    _("- Lưu: %(archive)s.", archive=drive.archive_note or "VT")],
        signer_title=[line.strip() for line in (drive.signer_title or "").splitlines()
                      if line.strip()],
        signer_name=drive.signer_name or "",
        filename=f"bao-cao-tong-hop-{summary.month:%Y-%m}",
    )
