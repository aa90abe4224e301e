"""Rows for the CSV/XLSX exports of entries, standings and the audit log.

Each function returns a header and plain rows; `competition.tables` turns
them into a download, so every export has the same encoding and formats.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from competition import standings
from competition.entry_rules import CHANNEL_NAMES
from competition.extensions import db
from competition.labels import CLASSIFICATION_LABELS
from competition.models import (
    AuditEvent,
    Block,
    Criterion,
    Drive,
    Entry,
    EntryStatus,
    Unit,
)
from competition.reports.forms import EntryFilterForm
from competition.reports.services import drive_months, month_end

Rows = tuple[list[str], Iterator[Sequence[Any]]]


def entry_status_labels() -> dict[str, str]:
    return {
        EntryStatus.DRAFT: _("Nháp"),
        EntryStatus.SUBMITTED: _("Chờ thẩm định"),
        EntryStatus.VERIFIED: _("Đã xác nhận"),
        EntryStatus.RETURNED: _("Trả lại"),
        EntryStatus.REJECTED: _("Không xác nhận"),
    }


def filter_form(drive: Drive, form: EntryFilterForm) -> EntryFilterForm:
    """Fill the choices of the entries filter from the drive; an empty value means "all"."""
    every = [("", _("Tất cả"))]
    form.criterion.choices = every + [
        (c.code, f"{c.code} – {c.name}") for c in standings.scored_criteria(drive)
    ]
    form.status.choices = every + list(entry_status_labels().items())
    form.unit.choices = every + [
        (u.code, u.name) for u in db.session.scalars(select(Unit).order_by(Unit.name))
    ]
    form.block.choices = every + [(b.code, b.name) for b in standings.blocks()]
    form.month.choices = every + [(f"{m:%Y-%m}", f"{m:%m/%Y}") for m in drive_months(drive)]
    for name in ("criterion", "status", "unit", "block", "month"):
        if form[name].data is None:
            form[name].data = ""
    return form


def entry_rows(drive: Drive, form: EntryFilterForm) -> Rows:
    query = (
        select(Entry)
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .join(Unit, Entry.unit_id == Unit.id)
        .outerjoin(Block, Unit.block_id == Block.id)
        .where(Criterion.drive_id == drive.id)
        .options(joinedload(Entry.unit).joinedload(Unit.block), joinedload(Entry.criterion),
                 joinedload(Entry.phase))
        .order_by(Entry.activity_date, Entry.id)
    )
    if form.criterion.data:
        query = query.where(Criterion.code == form.criterion.data)
    if form.status.data:
        query = query.where(Entry.status == form.status.data)
    if form.unit.data:
        query = query.where(Unit.code == form.unit.data)
    if form.block.data:
        query = query.where(Block.code == form.block.data)
    if form.month.data:
        first = next(m for m in drive_months(drive) if f"{m:%Y-%m}" == form.month.data)
        query = query.where(Entry.activity_date >= first, Entry.activity_date <= month_end(first))
    header = [
        _("Mã"), _("Mã đơn vị"), _("Đơn vị"), _("Khối"), _("Mã tiêu chí"), _("Tiêu chí"),
        _("Ngày hoạt động"), _("Đợt tuyên truyền"), _("Kênh tuyên truyền"), _("Tiêu đề"),
        _("Số lượng báo cáo"), _("Số lượng được tính"), _("Lượt người được tuyên truyền"),
        _("Trạng thái"), _("Ngày gửi"), _("Ngày xác nhận"),
    ]
    statuses = entry_status_labels()

    def rows() -> Iterator[Sequence[Any]]:
        for entry in db.session.scalars(query).unique():
            yield [
                entry.id, entry.unit.code, entry.unit.name,
                entry.unit.block.name if entry.unit.block else "",
                entry.criterion.code, entry.criterion.name, entry.activity_date,
                entry.phase.name if entry.phase else "",
                CHANNEL_NAMES.get(entry.channel, entry.channel or ""), entry.title,
                entry.quantity,
                entry.counted_quantity if entry.status == EntryStatus.VERIFIED else None,
                entry.people_reached, statuses.get(entry.status, entry.status),
                entry.submitted_at, entry.verified_at,
            ]

    return header, rows()


def _standing_header(drive: Drive, with_block: bool) -> list[str]:
    codes = [c.code for c in standings.scored_criteria(drive)]
    return ([_("Khối")] if with_block else []) + [
        _("Hạng"), _("Mã đơn vị"), _("Đơn vị"), *codes, _("Tổng điểm"), _("Điểm tối đa"),
        _("Tỷ lệ (%)"), _("Xếp loại"),
    ]


def _standing_line(row, codes: list[str]) -> list[Any]:
    return [
        row.rank, row.unit.code, row.unit.name, *(row.score(c).points for c in codes),
        row.total, row.max_total, row.percent, str(CLASSIFICATION_LABELS[row.classification]),
    ]


def standing_sheets(drive: Drive) -> list[tuple[str, list[str], list[list[Any]]]]:
    """One sheet per block, in block order, from `standings.standings` (live)."""
    names = {b.code: b.name for b in standings.blocks()}
    codes = [c.code for c in standings.scored_criteria(drive)]
    return [
        (names.get(block, block), _standing_header(drive, False),
         [_standing_line(row, codes) for row in rows])
        for block, rows in standings.standings(drive).items()
    ]


def standing_rows(drive: Drive) -> tuple[list[str], list[list[Any]]]:
    """Every block in one table (for CSV), the block named on each row."""
    names = {b.code: b.name for b in standings.blocks()}
    codes = [c.code for c in standings.scored_criteria(drive)]
    return _standing_header(drive, True), [
        [names.get(block, block), *_standing_line(row, codes)]
        for block, rows in standings.standings(drive).items() for row in rows
    ]


def audit_rows() -> Rows:
    header = [
        _("Thời điểm"), _("Người thực hiện"), _("Địa chỉ IP"), _("Thao tác"), _("Đối tượng"),
        _("Mã đối tượng"), _("Đơn vị"), _("Lý do"), _("Trước"), _("Sau"),
    ]
    query = (
        select(AuditEvent).options(joinedload(AuditEvent.unit))
        .order_by(AuditEvent.at, AuditEvent.id)
    )

    def dump(value: dict | None) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""

    def rows() -> Iterator[Sequence[Any]]:
        for event in db.session.scalars(query):
            yield [
                event.at, event.actor_name, event.ip, event.action, event.object_type,
                event.object_id, event.unit.name if event.unit else "", event.reason,
                dump(event.before), dump(event.after),
            ]

    return header, rows()
