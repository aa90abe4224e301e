"""How the standings got where they are: points over time, rank changes, the change log.

Every past score comes from the standings service's own rules and facts as of
an earlier moment, so a chart can never disagree with the leaderboard, and
the last point of a series is the board itself. Only what a page shows is
computed: the series of the few charted units (their own entries, tallied per
week in memory, cached per version of their block), and the ranks of the
shown units a week ago (kept once per block and day). A repeat visit costs
one cache read.

History is rebuilt from today's verified entries as of when each was
verified: an entry verified and later reopened leaves the past too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.exc import OperationalError

from competition import clock, scoring, standings
from competition.cache import cached
from competition.clock import now
from competition.database import dialect_insert
from competition.extensions import db
from competition.models import (
    Appeal,
    AuditEvent,
    Block,
    Criterion,
    Drive,
    Entry,
    ResultSnapshot,
    Unit,
    UnitRankDay,
)

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




def points_over_time(
    drive: Drive, cutoff: datetime | None, shown: Sequence[scoring.Standing],
    written: str | None = None,
) -> Series:
    """The total of each unit of `shown` (rows of the board) at the end of each week.

    Cached per day and, on the live board, per `written` (when each unit's
    standing row was last written, `KeptBoard.written`): a unit's past moves
    only with its own changes, so a verification elsewhere in the block leaves
    its chart cached. Without it, per version of their block.
    """
    codes = [row.unit.code for row in shown]
    if not codes:
        return Series(series_days(drive, cutoff), {})
    moment = cutoff.isoformat() if cutoff else "live"
    scopes = [standings.block_scope(block) for block in {row.unit.block for row in shown}]

    def compute() -> Series:
        days = series_days(drive, cutoff)
        past = standings.units_history(drive, codes, [end_of(day) for day in days[:-1]])
        totals: dict[str, list[Decimal]] = {code: [] for code in codes}
        for day in days[:-1]:
            data = past.at(end_of(day))
            for facts in data.units:
                totals[facts.code].append(scoring.score_unit(facts, data).total)
        for row in shown:
            totals[row.unit.code].append(row.total)
        return Series(days, totals)

    # One slot per unit's own chart and per block's top: when the top changes, its chart
    # is drawn anew in the same slot, never kept beside the old one.
    blocks = ",".join(sorted({row.unit.block for row in shown}))
    which = codes[0] if len(codes) == 1 else "top"
    stamp = (f"{standings.stamp_for(drive.id, cutoff, [])}:{written}" if written
             else f"{standings.stamp_for(drive.id, cutoff, scopes)}:{','.join(codes)}")
    return cached(f"history:{drive.id}:{moment}:{blocks}:{which}", stamp, compute)


def rank_reference(cutoff: datetime | None) -> date:
    """The day whose end the rank change compares with: a week before the board's moment."""
    return clock.local_day(moment_of(cutoff)) - RANK_WINDOW


def rank_changes(
    drive: Drive, block: Block, rows: Sequence[scoring.Standing], cutoff: datetime | None
) -> dict[str, int]:
    """Places gained (positive) or lost in one block since the end of the day a week before.

    Read from the ranks kept per block and day (`UnitRankDay`), for the units
    shown only. A block's ranks of a day are kept the first time they are
    asked for (`flask standings refresh` keeps yesterday's each night), from
    that day's board as of its end. A unit missing from the earlier board
    (added since) has no change.
    """
    earlier_day = rank_reference(cutoff)
    if earlier_day < drive.starts_on or not rows:
        return {}
    shown = [row.unit.code for row in rows]
    ranks = keep_day_ranks(drive, block, earlier_day)
    if ranks is None:
        ranks = dict(db.session.execute(
            select(Unit.code, UnitRankDay.rank)
            .join(Unit, UnitRankDay.unit_id == Unit.id)
            .where(UnitRankDay.drive_id == drive.id, UnitRankDay.block_id == block.id,
                   UnitRankDay.day == earlier_day, Unit.code.in_(shown))
        ).all())
    return {code: ranks[code] - row.rank for code, row in zip(shown, rows, strict=True)
            if code in ranks}


def keep_day_ranks(drive: Drive, block: Block, day: date) -> dict[str, int] | None:
    """Keep the block's ranks at the end of `day` unless they are kept already.

    None when they were; else the ranks just computed (by unit code), also when
    the database was too busy to keep them (a later reader keeps them). The
    board of that moment is scored once, its tallies summed by the database as
    of the end of the day.
    """
    kept = db.session.scalar(select(UnitRankDay.unit_id).where(
        UnitRankDay.drive_id == drive.id, UnitRankDay.block_id == block.id,
        UnitRankDay.day == day).limit(1))
    if kept is not None:
        return None
    before = standings.compute_board(drive, end_of(day), standings.Only(block=block.code))
    ranks = {row.unit.code: row.rank for row in before.get(block.code, [])}
    ids = dict(db.session.execute(
        select(Unit.code, Unit.id).where(Unit.code.in_(list(ranks)))).all())
    if not ranks:
        return ranks
    # The read ends first, so the write waits for SQLite's lock instead of failing on a
    # stale snapshot; a database busy with another writer leaves the keeping to the next reader.
    db.session.commit()
    try:
        db.session.execute(dialect_insert(UnitRankDay).values([
            {"drive_id": drive.id, "block_id": block.id, "day": day, "unit_id": ids[code],
             "rank": rank} for code, rank in ranks.items()]).on_conflict_do_nothing())
        db.session.commit()
    except OperationalError:
        db.session.rollback()
    return ranks


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
