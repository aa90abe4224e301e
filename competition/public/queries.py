"""The verified activities the public pages and the API list and count.

Only verified entries, and only those verified by the reader's cut-off (the
freeze), so no page shows what the held board hides. Each function is a
fixed number of queries whatever the number of units or entries: lists load
their units, criteria, phases and evidence in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from competition import standings
from competition.cache import cached
from competition.extensions import db
from competition.formatting import parse_day
from competition.models import (
    Channel,
    Criterion,
    CriterionTally,
    Drive,
    Entry,
    EntryStatus,
    Phase,
    PropagandaTally,
    Unit,
)
from competition.security import optional_id

MAX_PER_PAGE = 100
T = TypeVar("T")


# What a page needs to name and link a unit of the board (code, slug, name, parent).
UnitInfo = standings.UnitRow


def unit_index() -> dict[str, UnitInfo]:
    """Every unit by code, with its parent (the same read the board's units come from)."""
    return {unit.code: unit for unit in standings.unit_rows()}


@dataclass
class PropagandaFilter:
    """The filters of the propaganda feed, shared by the page and the API."""

    phase: str = ""
    channel: str = ""
    unit: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 20
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def args(self) -> dict[str, str]:
        """The filters as query arguments (for links to other pages of the same list)."""
        values = {"phase": self.phase, "channel": self.channel, "unit": self.unit,
                  "from": self.date_from.isoformat() if self.date_from else "",
                  "to": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in values.items() if v}


def _whole(value: str, default: int) -> int | None:
    if value == "":
        return default
    number = optional_id(value)
    return number if number is not None and number < 1_000_000 else None


def _day(value: str) -> date | None | str:
    if value == "":
        return None
    try:
        return parse_day(value)
    except ValueError:
        return "error"


def is_unit(code: str) -> bool:
    """Whether a unit has this code (one indexed read, not the list of every unit)."""
    return db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None


def parse_filter(args: Mapping[str, str], drive: Drive, per_page: int) -> PropagandaFilter:
    """Read the filters; every value that cannot be used is named in `errors` (a 400)."""
    chosen = PropagandaFilter(per_page=per_page)
    chosen.phase = args.get("phase", "").strip()
    if chosen.phase and chosen.phase not in {p.code for p in drive.phases}:
        chosen.errors["phase"] = _("Không có đợt tuyên truyền này.")
    chosen.channel = args.get("channel", "").strip()
    if chosen.channel and chosen.channel not in set(Channel):
        chosen.errors["channel"] = _("Không có kênh tuyên truyền này.")
    chosen.unit = args.get("unit", "").strip()
    if chosen.unit and not is_unit(chosen.unit):
        chosen.errors["unit"] = _("Không có đơn vị mang mã này.")
    for name, attribute in (("from", "date_from"), ("to", "date_to")):
        value = _day(args.get(name, "").strip())
        if value == "error":
            chosen.errors[name] = _("Ngày phải có dạng ngày/tháng/năm, ví dụ 30/04/2021.")
        else:
            setattr(chosen, attribute, value)
    if chosen.date_from and chosen.date_to and chosen.date_from > chosen.date_to:
        chosen.errors["to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    page = _whole(args.get("page", "").strip(), 1)
    if page is None:
        chosen.errors["page"] = _("Số trang phải là số nguyên dương.")
    else:
        chosen.page = page
    size = _whole(args.get("per_page", "").strip(), per_page)
    if size is None or size > MAX_PER_PAGE:
        chosen.errors["per_page"] = _("Số dòng mỗi trang từ 1 đến %(n)s.", n=MAX_PER_PAGE)
    else:
        chosen.per_page = size
    return chosen


def _verified(drive: Drive, cutoff: datetime | None, propaganda: bool = True) -> Select:
    query = (
        select(Entry)
        .join(Entry.criterion)
        .join(Entry.unit)
        .outerjoin(Entry.phase)
        .where(Criterion.drive_id == drive.id, Entry.status == EntryStatus.VERIFIED)
    )
    if propaganda:
        query = query.where(Criterion.is_propaganda.is_(True))
    if cutoff is not None:
        query = query.where(standings.counted_by(cutoff))
    return query


def _narrowed(query: Select, chosen: PropagandaFilter, phase: ColumnElement[bool],
              channel: ColumnElement[str], day: ColumnElement[date]) -> Select:
    """The feed's phase, channel and dates on any source of activities (the entries, or the
    sums kept per day): each filter that was chosen, on that source's own columns."""
    if chosen.phase:
        query = query.where(phase)
    if chosen.channel:
        query = query.where(channel == chosen.channel)
    if chosen.date_from:
        query = query.where(day >= chosen.date_from)
    if chosen.date_to:
        query = query.where(day <= chosen.date_to)
    return query


def _filtered(drive: Drive, cutoff: datetime | None, chosen: PropagandaFilter) -> Select:
    query = _narrowed(_verified(drive, cutoff), chosen, Phase.code == chosen.phase,
                      Entry.channel, Entry.activity_date)
    return query.where(Unit.code == chosen.unit) if chosen.unit else query


def _with_relations(query: Select) -> Select:
    return query.options(
        contains_eager(Entry.unit), contains_eager(Entry.criterion), contains_eager(Entry.phase)
    )


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first item in the whole list."""
        return (self.page - 1) * self.per_page + 1


def propaganda_page(drive: Drive, cutoff: datetime | None, chosen: PropagandaFilter) -> Page:
    """One page of verified propaganda activities, newest activity first."""
    query = _filtered(drive, cutoff, chosen)
    total = (
        db.session.scalar(_kept_sums(drive, chosen).with_only_columns(
            func.coalesce(func.sum(PropagandaTally.activities), 0)))
        if _from_kept_sums(cutoff, chosen)
        else db.session.scalar(select(func.count()).select_from(query.subquery()))
    )
    items = db.session.scalars(
        _with_relations(query)
        .order_by(Entry.activity_date.desc(), Entry.id.desc())
        .limit(chosen.per_page).offset((chosen.page - 1) * chosen.per_page)
    ).all()
    return Page(list(items), total, chosen.page, chosen.per_page)


@dataclass(frozen=True)
class ChannelTotal:
    channel: str
    activities: int
    quantity: int
    people: int


def _per_version(kind: str, drive: Drive, cutoff: datetime | None,
                 chosen: PropagandaFilter | None, compute: Callable[[], T]) -> T:
    """A sum over the verified propaganda, computed once per version of the propaganda.

    Verifying or reopening a propaganda activity bumps that version, so the
    sums are never older than the board beside them; a verification on any
    other criterion leaves them cached.
    """
    arguments = sorted((chosen.args if chosen else {}).items())
    slot = f"{kind}:{drive.id}:{cutoff.isoformat() if cutoff else 'live'}:{arguments!r}"
    return cached(slot, standings.stamp_for(drive.id, cutoff, [standings.PROPAGANDA]), compute)


def _kept_sums(drive: Drive, chosen: PropagandaFilter) -> Select:
    """The propaganda sums kept per criterion, phase, channel and day (`PropagandaTally`),
    filtered like the feed: what the live pages read instead of every verified activity."""
    query = (
        select(PropagandaTally)
        .join(Criterion, PropagandaTally.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, Criterion.is_propaganda.is_(True),
               PropagandaTally.activities > 0)
    )
    phase = PropagandaTally.phase_id.in_(
        select(Phase.id).where(Phase.drive_id == drive.id, Phase.code == chosen.phase))
    return _narrowed(query, chosen, phase, PropagandaTally.channel, PropagandaTally.day)


def _from_kept_sums(cutoff: datetime | None, chosen: PropagandaFilter) -> bool:
    """The kept sums answer the live feed unless it is narrowed to one unit (which they do
    not record; that unit's own entries are few and indexed)."""
    return cutoff is None and not chosen.unit


def by_channel(
    drive: Drive, cutoff: datetime | None, chosen: PropagandaFilter | None = None
) -> list[ChannelTotal]:
    """Verified activities per channel, in the catalogue's order; channels with none included."""

    chosen = chosen or PropagandaFilter()

    def compute() -> list[ChannelTotal]:
        if _from_kept_sums(cutoff, chosen):
            query = _kept_sums(drive, chosen).with_only_columns(
                PropagandaTally.channel, func.sum(PropagandaTally.activities),
                func.sum(PropagandaTally.quantity), func.sum(PropagandaTally.people),
            ).group_by(PropagandaTally.channel)
            found = {channel: (n, q, p) for channel, n, q, p in db.session.execute(query)}
            return [ChannelTotal(c.value, *map(int, found.get(c.value, (0, 0, 0))))
                    for c in Channel]
        query = _filtered(drive, cutoff, chosen).with_only_columns(
            Entry.channel, func.count(),
            func.coalesce(func.sum(func.coalesce(Entry.verified_quantity, Entry.quantity)), 0),
            func.coalesce(func.sum(Entry.people_reached), 0),
        ).group_by(Entry.channel)
        found = {channel: (n, q, p) for channel, n, q, p in db.session.execute(query)}
        return [ChannelTotal(c.value, *map(int, found.get(c.value, (0, 0, 0)))) for c in Channel]

    return _per_version("channels", drive, cutoff, chosen, compute)


def by_day(
    drive: Drive, cutoff: datetime | None, chosen: PropagandaFilter | None = None
) -> list[tuple[date, str, int]]:
    """(activity date, criterion code, activities) of verified propaganda, for weekly charts."""

    chosen = chosen or PropagandaFilter()

    def compute() -> list[tuple[date, str, int]]:
        if _from_kept_sums(cutoff, chosen):
            query = _kept_sums(drive, chosen).with_only_columns(
                PropagandaTally.day, Criterion.code, func.sum(PropagandaTally.activities),
            ).group_by(PropagandaTally.day, Criterion.code)
            return [(day, code, int(n)) for day, code, n in db.session.execute(query)]
        query = _filtered(drive, cutoff, chosen).with_only_columns(
            Entry.activity_date, Criterion.code, func.count(),
        ).group_by(Entry.activity_date, Criterion.code)
        return [(day, code, n) for day, code, n in db.session.execute(query)]

    return _per_version("days", drive, cutoff, chosen, compute)


def latest(drive: Drive, cutoff: datetime | None, limit: int = 8) -> list[Entry]:
    """The most recently verified propaganda activities.

    Which ones is looked up once per standings version (an index on status
    and verification time serves it); the entries themselves are then read
    by primary key with their unit, criterion and phase.
    """

    def newest() -> list[int]:
        return list(db.session.scalars(
            _verified(drive, cutoff).with_only_columns(Entry.id)
            .order_by(Entry.verified_at.desc(), Entry.id.desc()).limit(limit)
        ))

    ids = _per_version(f"latest{limit}", drive, cutoff, None, newest)
    found = {entry.id: entry for entry in db.session.scalars(
        _with_relations(_verified(drive, cutoff)).where(Entry.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def unit_propaganda(drive: Drive, unit: Unit, cutoff: datetime | None,
                    written: str | None = None) -> list[tuple]:
    """(phase code, channel, activities, quantity) of one unit's verified propaganda.

    On the live board cached per `written` (when the unit's standing row was
    last written, `KeptBoard.written`), which only its own changes move.
    """

    def compute() -> list[tuple]:
        query = _verified(drive, cutoff).where(Entry.unit_id == unit.id).with_only_columns(
            Phase.code, Entry.channel, func.count(),
            func.sum(func.coalesce(Entry.verified_quantity, Entry.quantity)),
        ).group_by(Phase.code, Entry.channel)
        return [(phase, channel, n, int(q or 0))
                for phase, channel, n, q in db.session.execute(query)]

    if cutoff is None and not written:
        return compute()
    stamp = written or standings.stamp_for(drive.id, cutoff, [])
    return cached(f"unit-propaganda:{drive.id}:{unit.code}:{cutoff or 'live'}", stamp, compute)


def unit_entries(drive: Drive, unit: Unit, cutoff: datetime | None, page: int,
                 per_page: int) -> Page:
    """One page of a unit's verified entries (every criterion) with their evidence."""
    query = _verified(drive, cutoff, propaganda=False).where(Entry.unit_id == unit.id)
    # Live, the unit's tallies already count its verified entries (a busy unit has tens of
    # thousands); as of the freeze they are counted.
    total = db.session.scalar(
        select(func.coalesce(func.sum(CriterionTally.items), 0))
        .join(Criterion, CriterionTally.criterion_id == Criterion.id)
        .where(CriterionTally.unit_id == unit.id, Criterion.drive_id == drive.id)
    ) if cutoff is None else db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        _with_relations(query).options(selectinload(Entry.evidence))
        .order_by(Entry.activity_date.desc(), Entry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


@dataclass(frozen=True)
class DriveLink:
    """A drive on record, as the drive switcher lists it."""

    code: str
    title: str
    slug: str
    starts_on: date
    is_active: bool


def drives_on_record() -> list[DriveLink]:
    """Every drive, newest first: past drives keep their pages at /dot/<slug>/."""
    rows = db.session.execute(
        select(Drive.code, Drive.title, Drive.slug, Drive.starts_on, Drive.is_active)
        .order_by(Drive.starts_on.desc(), Drive.id.desc()))
    return [DriveLink(*row) for row in rows]
