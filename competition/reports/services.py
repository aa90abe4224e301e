"""Monthly reports built from what units already entered, their filing, and the province summary.

Views stay thin: everything a report says (figures per phase, channel and
criterion, the running total against the target, whether it came on time)
is computed here from the entries, so the page, the DOCX, the XLSX and the
tests all read the same numbers. Targets and points come from
`competition.standings` / `competition.scoring`, never from a second copy.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from competition import audit, clock, scoring, standings
from competition.clock import now, today
from competition.extensions import db
from competition.hierarchy import subtree_ids
from competition.models import (
    Block,
    Channel,
    Criterion,
    Drive,
    Entry,
    EntryStatus,
    MonthlyReport,
    Unit,
    User,
)
from competition.permissions import can_report_for, can_see_unit


class ReportError(Exception):
    """A report action that cannot be done; `status` is the HTTP status it deserves.

    `reason` is a key the views turn into a Vietnamese message.
    """

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


# --- Months ------------------------------------------------------------------


def drive_months(drive: Drive) -> list[date]:
    """The first day of every month the drive covers; a report is due for each."""
    return scoring.month_starts(drive.starts_on, drive.ends_on)


def parse_month(drive: Drive, text: str) -> date:
    """`2021-04` → 1 April 2021, refused (400) when malformed or outside the drive."""
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise ReportError("bad_month", 400) from None
    if first not in drive_months(drive):
        raise ReportError("month_outside_drive", 400)
    return first


def month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def deadline(drive: Drive, month: date) -> datetime:
    """The end of day N of the month after `month`, Vietnam time."""
    return scoring.report_deadline(month, drive.report_deadline_day, clock.zone())


class FilingStatus(enum.StrEnum):
    """Where a unit's report for one month stands."""

    ON_TIME = "on_time"  # filed by the deadline
    LATE = "late"  # filed after the deadline
    MISSING = "missing"  # not filed and the deadline has passed
    OPEN = "open"  # not filed, still time


def filing_status(drive: Drive, month: date, report: MonthlyReport | None) -> FilingStatus:
    """The same on-time rule the `on_time` criterion scores (`scoring.report_deadline`)."""
    limit = deadline(drive, month)
    if report is not None and report.filed_at is not None:
        return FilingStatus.ON_TIME if report.filed_at <= limit else FilingStatus.LATE
    return FilingStatus.MISSING if now() > limit else FilingStatus.OPEN


# --- Figures from entries ------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """A figure kept in two parts: verified by the judges, and submitted but not yet verified."""

    verified: int = 0
    pending: int = 0

    def __add__(self, other: Split) -> Split:
        return Split(self.verified + other.verified, self.pending + other.pending)


@dataclass(frozen=True)
class EntryGroup:
    """Entries of one unit grouped by criterion, phase, channel and verified-or-not."""

    unit_id: int
    criterion: str
    phase_id: int | None
    channel: str | None
    verified: bool
    quantity: int
    people: int
    items: int
    latest: date | None

    def split(self, value: int) -> Split:
        return Split(verified=value) if self.verified else Split(pending=value)


def entry_groups(
    drive: Drive, first: date, last: date, unit_ids: Collection[int] | None = None
) -> list[EntryGroup]:
    """Verified and submitted entries with an activity date in [first, last], grouped.

    A verified entry counts with the judge's quantity, a submitted one with the
    reported quantity (as the unit's projected score does); drafts, returned
    and rejected entries are not part of a report.
    """
    verified = Entry.status == EntryStatus.VERIFIED
    counted = case((verified, func.coalesce(Entry.verified_quantity, Entry.quantity)),
                   else_=Entry.quantity)
    query = (
        select(
            Entry.unit_id, Criterion.code, Entry.phase_id, Entry.channel, verified,
            func.sum(counted), func.coalesce(func.sum(Entry.people_reached), 0), func.count(),
            func.max(Entry.activity_date),
        )
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(
            Criterion.drive_id == drive.id,
            Entry.status.in_((EntryStatus.VERIFIED, EntryStatus.SUBMITTED)),
            Entry.activity_date >= first,
            Entry.activity_date <= last,
        )
        .group_by(Entry.unit_id, Criterion.code, Entry.phase_id, Entry.channel, verified)
    )
    if unit_ids is not None:
        query = query.where(Entry.unit_id.in_(unit_ids))
    return [
        EntryGroup(u, c, p, ch, bool(v), int(q or 0), int(people or 0), n, latest)
        for u, c, p, ch, v, q, people, n, latest in db.session.execute(query)
    ]


@dataclass(frozen=True)
class PropagandaRow:
    """One line of the propaganda tables: a phase or a channel."""

    label: str
    quantities: dict[str, Split]  # by propaganda criterion code
    people: Split

    @property
    def is_empty(self) -> bool:
        empty = Split()
        return self.people == empty and all(s == empty for s in self.quantities.values())


def propaganda_rows(
    groups: Iterable[EntryGroup],
    codes: list[str],
    key: str,
    labels: dict,
) -> list[PropagandaRow]:
    """Propaganda figures by `key` ("phase_id" or "channel"), one row per label, in label order."""
    quantities: dict = defaultdict(lambda: defaultdict(Split))
    people: dict = defaultdict(Split)
    for group in groups:
        if group.criterion not in codes:
            continue
        value = getattr(group, key)
        quantities[value][group.criterion] += group.split(group.quantity)
        people[value] += group.split(group.people)
    return [
        PropagandaRow(label, {c: quantities[value][c] for c in codes}, people[value])
        for value, label in labels.items()
    ]


def total_row(label: str, rows: list[PropagandaRow], codes: list[str]) -> PropagandaRow:
    return PropagandaRow(
        label,
        {c: sum((r.quantities[c] for r in rows), Split()) for c in codes},
        sum((r.people for r in rows), Split()),
    )


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of a report: the month's change, the running total, and (for a unit)
    where the verified running total stands against the target."""

    criterion: Criterion
    month: Split
    total: Split
    score: scoring.CriterionScore | None = None
    # Of the running total, what the units under this one did (rolled-up criteria only).
    below: Split = Split()

    @property
    def percent_of_target(self) -> Decimal | None:
        if self.score is None or self.score.ratio is None:
            return None
        return scoring.round_half_up(self.score.ratio * scoring.HUNDRED)


def _sums(groups: Iterable[EntryGroup]) -> dict[str, Split]:
    sums: dict[str, Split] = defaultdict(Split)
    for group in groups:
        sums[group.criterion] += group.split(group.quantity)
    return sums


def reported_criteria(drive: Drive) -> list[Criterion]:
    """Criteria units report themselves (count, percent, yes/no): the body of a monthly report."""
    return [c for c in standings.scored_criteria(drive) if c.reported_by_units]


def propaganda_criteria(drive: Drive) -> list[Criterion]:
    return [c for c in standings.scored_criteria(drive) if c.is_propaganda]


def phase_labels(drive: Drive, month: date | None = None) -> dict[int, str]:
    """The phases, or only those whose window touches `month`."""
    return {
        p.id: p.name for p in drive.phases
        if month is None or (p.starts_on <= month_end(month) and p.ends_on >= month)
    }


def channel_labels() -> dict[str, str]:
    from competition.entry_rules import CHANNEL_NAMES

    return {str(channel): CHANNEL_NAMES[channel] for channel in Channel}


# --- A unit's monthly report ---------------------------------------------------


@dataclass
class UnitMonth:
    """Everything a unit's report for one month says."""

    drive: Drive
    unit: Unit
    month: date
    report: MonthlyReport | None
    status: FilingStatus
    deadline: datetime
    propaganda_codes: list[Criterion]
    by_phase: list[PropagandaRow]
    by_channel: list[PropagandaRow]
    criteria: list[CriterionRow]

    @property
    def is_filed(self) -> bool:
        return self.report is not None and self.report.filed_at is not None


def find_report(drive: Drive, unit: Unit, month: date) -> MonthlyReport | None:
    return db.session.scalars(
        select(MonthlyReport).where(
            MonthlyReport.drive_id == drive.id,
            MonthlyReport.unit_id == unit.id,
            MonthlyReport.month == month,
        )
    ).first()


def _own_and_rolled(groups: list[EntryGroup], unit: Unit, rolled: set[str]) -> list[EntryGroup]:
    """The groups a unit's report counts: its own, and for a rolled-up criterion those of
    every unit under it (each counted once, at the level where it was verified)."""
    return [g for g in groups if g.unit_id == unit.id or g.criterion in rolled]


def unit_month(drive: Drive, unit: Unit, month: date) -> UnitMonth:
    """The unit's report for `month`, filled from its entries with an activity date in it.

    The running total covers the drive's start to the end of the month, and is
    scored against the unit's target by `scoring.score_criterion` with the
    targets the standings use. A district's (or sector union's) report adds, for a
    rolled-up criterion, what the units under it did, as its board figure does.
    """
    last = month_end(month)
    rolled = {c.code for c in reported_criteria(drive) if c.rollup}
    subtree = subtree_ids(unit.id) if rolled else {unit.id}
    month_groups = _own_and_rolled(entry_groups(drive, month, last, subtree), unit, rolled)
    total_groups = _own_and_rolled(
        entry_groups(drive, drive.starts_on, last, subtree), unit, rolled)
    prop = propaganda_criteria(drive)
    codes = [c.code for c in prop]
    by_phase = propaganda_rows(month_groups, codes, "phase_id", phase_labels(drive, month))
    by_channel = [
        row for row in propaganda_rows(month_groups, codes, "channel", channel_labels())
        if not row.is_empty
    ]
    facts = standings.scoring_input(drive)
    rules = {r.code: r for r in facts.criteria}
    unit_facts = scoring.UnitFacts(
        unit.code, unit.name, unit.block.code if unit.block else "", unit.member_count
    )
    month_sums, total_sums = _sums(month_groups), _sums(total_groups)
    verified_only = [g for g in total_groups if g.verified]
    rows = []
    for criterion in reported_criteria(drive):
        mine = [g for g in verified_only if g.criterion == criterion.code]
        tally = scoring.Tally(
            Decimal(sum(g.quantity for g in mine)),
            sum(g.items for g in mine),
            max((g.latest for g in mine if g.latest), default=None),
        )
        score = scoring.score_criterion(rules[criterion.code], unit_facts, tally, facts.targets)
        below = _sums(g for g in total_groups
                      if g.criterion == criterion.code and g.unit_id != unit.id)
        rows.append(CriterionRow(
            criterion, month_sums[criterion.code], total_sums[criterion.code], score,
            below[criterion.code],
        ))
    report = find_report(drive, unit, month)
    return UnitMonth(
        drive=drive, unit=unit, month=month, report=report,
        status=filing_status(drive, month, report), deadline=deadline(drive, month),
        propaganda_codes=prop, by_phase=by_phase, by_channel=by_channel, criteria=rows,
    )


# --- Saving, filing, reopening ------------------------------------------------

NARRATIVE_FIELDS = ("number", "highlights", "difficulties", "proposals", "signer_title",
                    "signer_name")


def _snapshot(report: MonthlyReport) -> dict:
    values = {name: getattr(report, name) for name in NARRATIVE_FIELDS}
    values.update(filed_at=report.filed_at, filed_by_id=report.filed_by_id)
    return values


def can_read_reports_of(user: User, unit: Unit) -> bool:
    """Staff read the reports of their part of the tree (the province's staff every unit's,
    a district's council its own grassroots unions'); a reporter only their own unit's."""
    return user.is_authenticated and (can_see_unit(user, unit) or can_report_for(user, unit))


def _editable_report(drive: Drive, unit: Unit, month: date, actor: User) -> MonthlyReport:
    if not can_report_for(actor, unit):
        raise ReportError("not_your_unit", 403)
    if month > today():
        raise ReportError("month_not_started", 400)
    report = find_report(drive, unit, month)
    if report is None:
        report = MonthlyReport(drive_id=drive.id, unit_id=unit.id, month=month)
        db.session.add(report)
    elif report.filed_at is not None:
        raise ReportError("already_filed", 409)
    return report


def save_report(
    drive: Drive, unit: Unit, month: date, actor: User, narrative: dict[str, str], *,
    file: bool = False,
) -> MonthlyReport:
    """Save the reporter's narrative and, with `file`, file the report, in one transaction.

    Filing is a conditional update (only while `filed_at` is empty), so two
    filings at once cannot both succeed; the loser gets `already_filed`.
    Filing rewrites the unit's standing, since the `on_time` criterion moves.
    """
    report = _editable_report(drive, unit, month, actor)
    before = _snapshot(report) if report.id else {}
    for name in NARRATIVE_FIELDS:
        setattr(report, name, (narrative.get(name) or "").strip())
    report.updated_at = now()
    try:
        db.session.flush()
    except IntegrityError:  # someone created the same month's report a moment earlier
        db.session.rollback()
        raise ReportError("concurrent_change", 409) from None
    action = "report.save"
    if file:
        moment = now()
        filed = db.session.execute(
            update(MonthlyReport)
            .where(MonthlyReport.id == report.id, MonthlyReport.filed_at.is_(None))
            .values(filed_at=moment, filed_by_id=actor.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if filed != 1:
            db.session.rollback()
            raise ReportError("already_filed", 409)
        report.filed_at, report.filed_by_id = moment, actor.id
        standings.keep_units(drive, [unit.id])
        action = "report.file"
    before, after = audit.changes(before, _snapshot(report))
    audit.record(action, report, unit_id=unit.id, before=before or None, after=after,
                 actor=actor)
    db.session.commit()
    return report


def reopen_report(report: MonthlyReport, actor: User, reason: str) -> None:
    """An admin takes a filed report back to the unit; its on-time credit goes until it is refiled."""
    if not actor.is_admin:
        raise ReportError("admin_only", 403)
    reason = (reason or "").strip()
    if not reason:
        raise ReportError("reason_required", 400)
    if report.filed_at is None:
        raise ReportError("not_filed", 409)
    before = _snapshot(report)
    report.filed_at, report.filed_by_id, report.updated_at = None, None, now()
    standings.keep_units(report.drive, [report.unit_id])
    audit.record("report.reopen", report, unit_id=report.unit_id, before=before,
                 after=_snapshot(report), reason=reason, actor=actor)
    db.session.commit()


# --- The province summary ------------------------------------------------------


def reporting_units(organiser: Unit | None = None) -> list[Unit]:
    """Units that owe a monthly report: the active units of a block (those the standings rank);
    with an `organiser`, only the units under it (a district's summary of its grassroots unions)."""
    query = (
        select(Unit).join(Block, Unit.block_id == Block.id)
        .where(Unit.active.is_(True))
        .order_by(Block.position, Block.id, Unit.name)
    )
    if organiser is not None:
        query = query.where(Unit.id.in_(subtree_ids(organiser.id, include_self=False)))
    return db.session.scalars(query).all()


@dataclass
class UnitFiling:
    unit: Unit
    report: MonthlyReport | None
    status: FilingStatus


@dataclass
class BlockSummary:
    """One block in the summary: its filing completeness and its totals per criterion."""

    block: Block
    filings: list[UnitFiling]
    criteria: list[CriterionRow] = field(default_factory=list)

    @property
    def due(self) -> int:
        return len(self.filings)

    def count(self, status: FilingStatus) -> int:
        return sum(1 for f in self.filings if f.status == status)

    @property
    def completeness(self) -> Decimal:
        """Reports filed on time as a percent of the reports due (the reporting rate)."""
        if not self.due:
            return Decimal(0)
        return scoring.round_half_up(Decimal(self.count(FilingStatus.ON_TIME)) * 100 / self.due)


@dataclass
class ProvinceMonth:
    drive: Drive
    month: date
    deadline: datetime
    blocks: list[BlockSummary]
    propaganda_codes: list[Criterion]
    by_phase: list[PropagandaRow]
    by_channel: list[PropagandaRow]
    criteria: list[CriterionRow]
    organiser: Unit | None = None  # a district's or sector's summary of the units under it

    @property
    def filings(self) -> list[UnitFiling]:
        return [f for b in self.blocks for f in b.filings]

    @property
    def reminders(self) -> list[UnitFiling]:
        """Units whose report for the month is not filed, overdue first."""
        waiting = [f for f in self.filings if f.report is None or f.report.filed_at is None]
        return sorted(waiting, key=lambda f: f.status != FilingStatus.MISSING)

    @property
    def totals(self) -> BlockSummary:
        """Every block together, for the completeness line of the whole province."""
        return BlockSummary(Block(code="", name=""), self.filings)


def province_month(drive: Drive, month: date, organiser: Unit | None = None) -> ProvinceMonth:
    """Every unit's filing status for `month` and the totals by block, phase and channel:
    of the whole province, or of the units under `organiser` (a district's own summary)."""
    last = month_end(month)
    units = reporting_units(organiser)
    reports = {
        r.unit_id: r for r in db.session.scalars(
            select(MonthlyReport).where(
                MonthlyReport.drive_id == drive.id, MonthlyReport.month == month
            )
        )
    }
    wanted = {u.id for u in units}
    month_groups = [g for g in entry_groups(drive, month, last) if g.unit_id in wanted]
    total_groups = [g for g in entry_groups(drive, drive.starts_on, last) if g.unit_id in wanted]
    criteria = reported_criteria(drive)
    block_of = {u.id: u.block_id for u in units}
    summaries: dict[int, BlockSummary] = {}
    for unit in units:
        summary = summaries.setdefault(unit.block_id, BlockSummary(unit.block, []))
        report = reports.get(unit.id)
        summary.filings.append(UnitFiling(unit, report, filing_status(drive, month, report)))
    for block_id, summary in summaries.items():
        month_sums = _sums(g for g in month_groups if block_of[g.unit_id] == block_id)
        total_sums = _sums(g for g in total_groups if block_of[g.unit_id] == block_id)
        summary.criteria = [
            CriterionRow(c, month_sums[c.code], total_sums[c.code]) for c in criteria
        ]
    prop = propaganda_criteria(drive)
    codes = [c.code for c in prop]
    month_sums, total_sums = _sums(month_groups), _sums(total_groups)
    return ProvinceMonth(
        drive=drive, month=month, deadline=deadline(drive, month), organiser=organiser,
        blocks=list(summaries.values()), propaganda_codes=prop,
        by_phase=propaganda_rows(month_groups, codes, "phase_id", phase_labels(drive, month)),
        by_channel=[
            r for r in propaganda_rows(month_groups, codes, "channel", channel_labels())
            if not r.is_empty
        ],
        criteria=[CriterionRow(c, month_sums[c.code], total_sums[c.code]) for c in criteria],
    )

