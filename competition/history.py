"""How the standings got where they are: points over time, rank changes, the change log.

Every past score comes from the standings service's own rules and facts as of
an earlier moment, so a chart can never disagree with the leaderboard, and
the last point of a series is the board itself. Only what a page shows is
computed: the series of the few charted units (their own entries, tallied per
week in memory), and the ranks of one block a week ago (one board, cached per
standings version and day). A repeat visit costs one cache read.

History is rebuilt from today's verified entries as of when each was
verified: an entry verified and later reopened leaves the past too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import String, cast, func, or_, select

from competition import clock, scoring, standings
from competition.cache import cached
from competition.clock import now
from competition.extensions import db
from competition.models import Appeal, AuditEvent, Criterion, Drive, Entry, ResultSnapshot, Unit

RANK_WINDOW = timedelta(days=7)
CHANGE_ACTIONS = ("entry.verify", "entry.reopen")
# Shown whatever the cut-off: appeals and their outcomes, publications and withdrawals
# are how the official result is made, and the public sees each one as it happens.
APPEAL_ACTIONS = ("appeal.file", "appeal.uphold", "appeal.amend")
RESULT_ACTIONS = ("results.publish", "results.withdraw")


def end_of(day: date) -> datetime:
    """The last moment of a Vietnam day (UTC)."""
    return clock.end_of_day(day)


def moment_of(cutoff: datetime | None) -> datetime:
    """The moment a board describes: its cut-off, or now for the live board."""
    return cutoff if cutoff is not None else now()


def series_days(drive: Drive, cutoff: datetime | None) -> list[date]:
    """One point a week from the drive's start, and the board's own day last."""
    last = min(clock.local_day(moment_of(cutoff)), drive.ends_on)
    days = []
    day = drive.starts_on
    while day < last:
        days.append(day)
        day += timedelta(days=7)
    days.append(last)
    return days


@dataclass(frozen=True)
class Series:
    """Total points of some units at each day of `days` (the last is the board itself)."""

    days: list[date]
    totals: dict[str, list[Decimal]]

    def of(self, unit_code: str) -> list[Decimal]:
        return self.totals.get(unit_code, [])


def _key(kind: str, drive: Drive, cutoff: datetime | None, *more: object) -> str:
    version = standings.request_version(drive.id)
    moment = cutoff.isoformat() if cutoff else "live"
    return ":".join(map(str, (kind, drive.id, version, moment, clock.today(), *more)))


def points_over_time(
    drive: Drive, cutoff: datetime | None, shown: Sequence[scoring.Standing]
) -> Series:
    """The total of each unit of `shown` (rows of the board) at the end of each week.

    Cached per standings version, day and set of units, so it is computed once
    after each score change for each chart that is looked at.
    """
    codes = [row.unit.code for row in shown]
    if not codes:
        return Series(series_days(drive, cutoff), {})

    def compute() -> Series:
        days = series_days(drive, cutoff)
        past = standings.units_history(drive, codes)
        totals: dict[str, list[Decimal]] = {code: [] for code in codes}
        for day in days[:-1]:
            data = past.at(end_of(day))
            for facts in data.units:
                totals[facts.code].append(scoring.score_unit(facts, data).total)
        for row in shown:
            totals[row.unit.code].append(row.total)
        return Series(days, totals)

    return cached(_key("history", drive, cutoff, ",".join(codes)), compute)


def rank_reference(cutoff: datetime | None) -> date:
    """The day whose end the rank change compares with: a week before the board's moment."""
    return clock.local_day(moment_of(cutoff)) - RANK_WINDOW


def rank_changes(
    drive: Drive, block_code: str, rows: Sequence[scoring.Standing], cutoff: datetime | None
) -> dict[str, int]:
    """Places gained (positive) or lost in one block since the end of the day a week before.

    Ranks never cross blocks, so only that block's board of a week ago is
    computed (its tallies summed by the database), and only its ranks are
    kept in the cache. A unit missing from the earlier board (added since)
    has no change.
    """
    earlier_day = rank_reference(cutoff)
    if earlier_day < drive.starts_on:
        return {}

    def compute() -> dict[str, int]:
        before = standings.compute_board(drive, end_of(earlier_day), standings.Only(block=block_code))
        return {row.unit.code: row.rank for row in before.get(block_code, [])}

    ranks = cached(_key("ranks", drive, cutoff, block_code, earlier_day), compute)
    return {
        row.unit.code: ranks[row.unit.code] - row.rank
        for row in rows
        if row.unit.code in ranks
    }


@dataclass(frozen=True)
class Change:
    """One line of the public change log: a verification or a reopening and what it moved,
    an appeal and its outcome, or a publication of the official result and its withdrawal."""

    at: datetime
    action: str
    unit_code: str = ""
    unit_name: str = ""
    unit_slug: str = ""
    criterion_code: str = ""
    criterion_name: str = ""
    unit_label: str = ""
    measure: str = ""
    quantity: int | None = None
    points_delta: Decimal = Decimal(0)
    # What an appeal or a publication line says (public facts only, never a person's name).
    detail: dict | None = None
    reason: str = ""

    @property
    def reopened(self) -> bool:
        return self.action == "entry.reopen"

    @property
    def is_appeal(self) -> bool:
        return self.action in APPEAL_ACTIONS

    @property
    def is_result(self) -> bool:
        return self.action in RESULT_ACTIONS


def _counted(after: dict) -> int | None:
    value = after.get("verified_quantity")
    if value is None:
        value = after.get("quantity")
    return int(value) if value is not None else None


def change_log(
    drive: Drive, cutoff: datetime | None, page: int = 1, per_page: int = 30
) -> tuple[list[Change], int]:
    """The verifications and reopenings of the drive, newest first, and how many there are.

    Built from the audit events the life cycle writes, so the log says exactly
    what the judges did; events after the public cut-off stay hidden with the
    board they would move.
    """
    drive_entries = (
        select(cast(Entry.id, String))
        .join(Criterion, Entry.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id)
    )
    entry_events = (
        (AuditEvent.object_type == "entry")
        & AuditEvent.action.in_(CHANGE_ACTIONS)
        & AuditEvent.object_id.in_(drive_entries)
    )
    if cutoff is not None:
        entry_events = entry_events & (AuditEvent.at <= cutoff)
    appeal_events = AuditEvent.action.in_(APPEAL_ACTIONS) & AuditEvent.object_id.in_(
        select(cast(Appeal.id, String)).where(Appeal.drive_id == drive.id))
    result_events = AuditEvent.action.in_(RESULT_ACTIONS) & AuditEvent.object_id.in_(
        select(cast(ResultSnapshot.id, String)).where(ResultSnapshot.drive_id == drive.id))
    query = select(AuditEvent).where(or_(entry_events, appeal_events, result_events))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    events = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    entries = {
        str(entry_id): row
        for entry_id, *row in db.session.execute(
            select(Entry.id, Unit.code, Unit.name, Unit.slug, Criterion.code, Criterion.name,
                   Criterion.unit_label, Criterion.measure)
            .join(Unit, Entry.unit_id == Unit.id)
            .join(Criterion, Entry.criterion_id == Criterion.id)
            .where(Entry.id.in_([int(e.object_id) for e in events if e.object_type == "entry"]))
        )
    }
    units = {
        unit_id: (code, name, slug)
        for unit_id, code, name, slug in db.session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.slug)
            .where(Unit.id.in_({e.unit_id for e in events if e.unit_id and e.object_type != "entry"}))
        )
    }
    changes = []
    for event in events:
        if event.object_type != "entry":
            code, name, slug = units.get(event.unit_id, ("", "", ""))
            changes.append(Change(at=event.at, action=event.action, unit_code=code,
                                  unit_name=name, unit_slug=slug, detail=event.after or {},
                                  reason=event.reason))
            continue
        code, name, slug, criterion_code, criterion_name, label, measure = entries[event.object_id]
        after = event.after or {}
        changes.append(Change(
            at=event.at, action=event.action, unit_code=code, unit_name=name, unit_slug=slug,
            criterion_code=criterion_code, criterion_name=criterion_name, unit_label=label,
            measure=measure, quantity=_counted(after),
            points_delta=Decimal(str(after.get("points_delta", "0"))),
        ))
    return changes, total
