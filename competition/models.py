"""The data model of DESIGN.md section 3, in SQLAlchemy 2 typed style.

Names follow the domain words. Quantities are whole numbers (people, items,
sessions); points and targets are exact decimals so that rounding is the
scoring module's business alone.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from competition.clock import UTCDateTime, as_utc, now
from competition.extensions import db
from competition.scoring import Measure

Points = Numeric(8, 2)


class EmailPreference(enum.StrEnum):
    """What an account receives by email (the app always shows every notification)."""

    ALL = "all"  # every notification, as it happens
    DIGEST = "digest"  # one email a day gathering the day's notifications
    NONE = "none"  # nothing by email


class Role(enum.StrEnum):
    ADMIN = "admin"
    JUDGE = "judge"
    UNIT = "unit"


class EntryStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    RETURNED = "returned"
    REJECTED = "rejected"


class Channel(enum.StrEnum):
    """Where a propaganda activity reached people (the dispatch's list)."""

    PHAT_THANH_TRUYEN_HINH = "phat_thanh_truyen_hinh"
    BAO_CHI = "bao_chi"
    FACEBOOK = "facebook"
    ZALO = "zalo"
    WEBSITE = "website"
    FANPAGE = "fanpage"
    HOI_NGHI = "hoi_nghi"
    PANO_KHAU_HIEU = "pano_khau_hieu"
    KHAC = "khac"


class UnitKind(enum.StrEnum):
    LDLD_TINH = "ldld_tinh"
    LDLD_HUYEN = "ldld_huyen"
    CONG_DOAN_NGANH = "cong_doan_nganh"
    CONG_DOAN_VIEN_CHUC = "cong_doan_vien_chuc"
    CDCS = "cdcs"


def _drive_slug(context) -> str:
    from competition.imports import slugify

    return slugify(context.get_current_parameters()["code"])


class Drive(db.Model):
    """An emulation drive (đợt thi đua) and its rules."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # The drive's address on the public archive (/dot/<slug>/...), made from its code.
    slug: Mapped[str] = mapped_column(String(120), unique=True, default=_drive_slug)
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    election_day: Mapped[date | None] = mapped_column(Date)
    freeze_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After this moment units may only answer returned entries (None: the end of `ends_on`).
    submissions_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Days after the freeze during which a unit may appeal a decision (khiếu nại).
    appeal_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    report_deadline_day: Mapped[int] = mapped_column(Integer, default=5)
    place: Mapped[str] = mapped_column(String(100), default="Cao Bằng")
    # Whether the board ranks on points or on the percent of applicable points
    # (`scoring.RankBy`); the tie-breaks are the same either way.
    rank_by: Mapped[str] = mapped_column(String(16), default="total", server_default="total")
    # The province summary's signature block and its "Lưu:" line: drive data,
    # never the account of whoever downloads the document.
    signer_title: Mapped[str] = mapped_column(
        String(200), default="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH", server_default="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"
    )
    signer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    archive_note: Mapped[str] = mapped_column(String(200), default="VT, Ban TGNC",
                                              server_default="VT, Ban TGNC")
    threshold_excellent: Mapped[Decimal] = mapped_column(Points, default=Decimal(90))
    threshold_good: Mapped[Decimal] = mapped_column(Points, default=Decimal(70))
    threshold_passed: Mapped[Decimal] = mapped_column(Points, default=Decimal(50))
    # Bumped in the same transaction as every change that moves a score, so
    # every worker can tell in one cheap read whether its cached board is stale.
    standings_version: Mapped[int] = mapped_column(Integer, default=1)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    phases: Mapped[list[Phase]] = relationship(
        back_populates="drive", order_by="Phase.position", cascade="all, delete-orphan"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="drive", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    award_rules: Mapped[list[AwardRule]] = relationship(
        back_populates="drive", order_by="AwardRule.position", cascade="all, delete-orphan"
    )

    def is_frozen(self, moment: datetime | None = None) -> bool:
        """Frozen: past the freeze time and results not yet published."""
        moment = moment or now()
        return (
            self.freeze_at is not None and moment >= self.freeze_at and self.published_at is None
        )

    def phase_on(self, day: date) -> list[Phase]:
        return [p for p in self.phases if p.contains(day)]


class Phase(db.Model):
    """A propaganda phase (đợt tuyên truyền); windows may overlap."""

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)

    drive: Mapped[Drive] = relationship(back_populates="phases")
    __table_args__ = (UniqueConstraint("drive_id", "code"),)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Block(db.Model):
    """A block (khối thi đua): units ranked against each other by one organiser's council.

    The organiser is the unit whose emulation council ranks the block: the
    province for the top blocks (also when none is set), a district or sector
    union for a block of its own grassroots unions.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # use_alter: unit.block_id points here too, so one of the two keys is added after both tables.
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", use_alter=True, name="fk_block_organiser_id_unit"), index=True
    )

    units: Mapped[list[Unit]] = relationship(back_populates="block", foreign_keys="Unit.block_id")
    organiser: Mapped[Unit | None] = relationship(foreign_keys=[organiser_id])


class Criterion(db.Model):
    """A criterion (tiêu chí) of a drive."""

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    group: Mapped[str] = mapped_column(String(100), default="")
    measure: Mapped[str] = mapped_column(String(16))
    unit_label: Mapped[str] = mapped_column(String(50), default="")
    max_points: Mapped[Decimal] = mapped_column(Points)
    default_target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    cap: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal(1))
    penalty_per_item: Mapped[Decimal | None] = mapped_column(Points)
    is_propaganda: Mapped[bool] = mapped_column(Boolean, default=False)
    # A rolled-up criterion counts what the units under a unit verified as the unit's own too.
    rollup: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    drive: Mapped[Drive] = relationship(back_populates="criteria")
    targets: Mapped[list[Target]] = relationship(
        back_populates="criterion", cascade="all, delete-orphan"
    )
    __table_args__ = (UniqueConstraint("drive_id", "code"),)

    @property
    def measure_kind(self) -> Measure:
        return Measure(self.measure)

    @property
    def entered_by_staff(self) -> bool:
        """Penalty items (a work stoppage) are recorded by judges or admins, never by the unit."""
        return self.measure == Measure.PENALTY

    @property
    def reported_by_units(self) -> bool:
        return self.measure in (Measure.COUNT, Measure.PERCENT, Measure.YES_NO)


class Target(db.Model):
    """A target override (chỉ tiêu giao) for one block or one unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    block_id: Mapped[int | None] = mapped_column(ForeignKey("block.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    criterion: Mapped[Criterion] = relationship(back_populates="targets")
    block: Mapped[Block | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    __table_args__ = (UniqueConstraint("criterion_id", "block_id", "unit_id"),)


class Unit(db.Model):
    """A union organisation (đơn vị)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("block.id"), index=True)
    member_count: Mapped[int | None] = mapped_column(Integer)
    # The place line of the unit's own documents ("Hòa An, ngày …"); empty: the drive's place.
    place: Mapped[str] = mapped_column(String(100), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    block: Mapped[Block | None] = relationship(back_populates="units", foreign_keys=[block_id])

    def lineage(self) -> list[Unit]:
        """This unit and every unit above it, nearest first."""
        chain, seen, unit = [], set(), self
        while unit is not None and unit.id not in seen:
            chain.append(unit)
            seen.add(unit.id)
            unit = unit.parent
        return chain


class User(UserMixin, db.Model):
    """A person who signs in: an admin, a judge or a unit reporter."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # A judge's or admin's home unit: they never act on it or on units under it (conflict).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # The organiser whose council a judge sits on, or whose units a scoped admin manages;
    # none (or the top of the tree) is the province's council, and an admin with none manages all.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Part of the session identity: changing it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_hex(16)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Notifications by email: the address (optional) and how often (EmailPreference).
    email: Mapped[str | None] = mapped_column(String(254))
    email_preference: Mapped[str] = mapped_column(
        String(8), default=EmailPreference.ALL, server_default=EmailPreference.ALL
    )

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    council: Mapped[Unit | None] = relationship(foreign_keys=[council_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def end_sessions(self) -> None:
        """Sign the account out everywhere: every session cookie names the old token."""
        self.session_token = secrets.token_hex(16)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_judge(self) -> bool:
        return self.role == Role.JUDGE

    @property
    def is_reporter(self) -> bool:
        return self.role == Role.UNIT

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.JUDGE)


class Entry(db.Model):
    """One achievement (kết quả) a unit reports, with its life cycle."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id"))
    channel: Mapped[str | None] = mapped_column(String(32))
    activity_date: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    verified_quantity: Mapped[int | None] = mapped_column(Integer)
    people_reached: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=EntryStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    unit: Mapped[Unit] = relationship()
    criterion: Mapped[Criterion] = relationship()
    phase: Mapped[Phase | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Evidence.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_entry_unit_criterion_status", "unit_id", "criterion_id", "status"),
        Index("ix_entry_status_submitted", "status", "submitted_at"),
        Index("ix_entry_status_activity", "status", "activity_date"),
        Index("ix_entry_status_verified", "status", "verified_at"),
        # A unit's page lists its verified entries newest first, whatever their number.
        Index("ix_entry_unit_status_activity", "unit_id", "status", "activity_date"),
    )

    @property
    def counted_quantity(self) -> int:
        """What counts once verified: the judge's adjusted quantity, else the reported one."""
        return self.verified_quantity if self.verified_quantity is not None else self.quantity


class Evidence(db.Model):
    """A link or an uploaded file (minh chứng) behind an entry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), index=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    original_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    entry: Mapped[Entry] = relationship(back_populates="evidence")

    @property
    def is_file(self) -> bool:
        return self.stored_name is not None

    @property
    def is_image(self) -> bool:
        return bool(self.content_type and self.content_type.startswith("image/"))


class Assessment(db.Model):
    """A judge's points (chấm điểm) for a judged criterion of a unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    points: Mapped[Decimal] = mapped_column(Points)
    comment: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    unit: Mapped[Unit] = relationship()
    criterion: Mapped[Criterion] = relationship()
    judge: Mapped[User] = relationship()
    __table_args__ = (UniqueConstraint("unit_id", "criterion_id", "judge_id"),)


class MonthlyReport(db.Model):
    """A unit's monthly report (báo cáo tháng): the narrative and when it was filed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    month: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(64), default="")
    highlights: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    # The signature block of the filed document (Decree 30/2020: title, then name).
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    drive: Mapped[Drive] = relationship()
    unit: Mapped[Unit] = relationship()
    filed_by: Mapped[User | None] = relationship()
    __table_args__ = (UniqueConstraint("drive_id", "unit_id", "month"),)


class CriterionTally(db.Model):
    """A unit's verified sum on one criterion, kept in step with every verification.

    The standings read these rows instead of scanning the entries, so the cost
    of a board does not grow with history; `standings rebuild` recomputes them.
    `below_*` is what the units under it verified (at any depth): a verification
    adds to each ancestor's row, so a rolled-up criterion is scored from the
    unit's own row alone, whatever the size of its subtree.
    """

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    latest_activity: Mapped[date | None] = mapped_column(Date)
    below_quantity: Mapped[int] = mapped_column(Integer, default=0)
    below_items: Mapped[int] = mapped_column(Integer, default=0)


class StandingsScope(db.Model):
    """A version counter for one part of a drive's standings, so a change invalidates only that part.

    Scopes: `rules` (anything drive-wide: criteria, targets, units, thresholds),
    `block:<code>` (a unit of that block changed), `propaganda` (a propaganda
    criterion changed), `frozen` (the board as of the freeze changed: appeals).
    Cached pages name the versions of the scopes they are made of. On a block
    scope, `as_of` is the Vietnam day its standing rows were last rebuilt whole
    (NULL: they must be, because something drive-wide changed).
    """

    __tablename__ = "standings_scope"

    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    as_of: Mapped[date | None] = mapped_column(Date)


class UnitStanding(db.Model):
    """A unit's standing on the live board, written by the transaction that changes it.

    Computed by `scoring` for that one unit, so a board page is an indexed read
    of its rows in ranking order (`ix_unit_standing_order`: the drive's first key
    and criteria at target negated, so one ascending index serves the ranking),
    not a scoring of the whole block. `as_of` is the Vietnam day of the facts
    it was scored with (monthly reports fall due with the calendar).
    """

    __tablename__ = "unit_standing"

    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    max_total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    percent: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    classification: Mapped[str] = mapped_column(String(32))
    criteria_at_target: Mapped[int] = mapped_column(Integer)
    latest_activity: Mapped[date | None] = mapped_column(Date)
    # The ranking keys, each ascending: -(total or percent), -criteria at target,
    # the latest activity (a unit with none last), then the name for the order of equals.
    order_first: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    order_targets: Mapped[int] = mapped_column(Integer)
    order_activity: Mapped[date] = mapped_column(Date)
    # Compared by code point on both databases, as Python compares the casefolded names.
    order_name: Mapped[str] = mapped_column(
        String(200).with_variant(String(200, collation="C"), "postgresql"))
    # The name as a search compares it (slug form: "hoa an" finds "Hòa An").
    search_key: Mapped[str] = mapped_column(String(200))
    scores: Mapped[list] = mapped_column(JSON)
    as_of: Mapped[date] = mapped_column(Date)
    # When the row was last written: what the unit's chart of points over time is cached
    # under (its past moves only with its own changes, or a rebuild of its block).
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    __table_args__ = (
        Index("ix_unit_standing_order", "drive_id", "block_id", "order_first", "order_targets",
              "order_activity", "order_name"),
    )


class UnitRankDay(db.Model):
    """A unit's rank in its block at the end of one Vietnam day, kept once per block and day.

    The rank arrows ("since 7 days") read it instead of recomputing last week's board.
    """

    __tablename__ = "unit_rank_day"

    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"), primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)


class PropagandaTally(db.Model):
    """Verified propaganda activities per criterion, phase, channel and activity day.

    Kept in step with each verification like the unit tallies, so the channel
    sums and weekly charts of the whole drive read a few hundred rows, not
    every verified activity. `phase_id` 0 and `channel` "" stand for none.
    """

    __tablename__ = "propaganda_tally"

    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), primary_key=True)
    phase_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    activities: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(db.Model):
    """One line of the audit log (nhật ký): who changed what, when, before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(48), index=True)
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
    unit: Mapped[Unit | None] = relationship()


class ResultSnapshot(db.Model):
    """One publication of a drive's official results: immutable standings and their SHA-256.

    Numbered 1, 2, … per drive; withdrawing keeps the row (with the public
    reason) and republishing adds the next number, so every published result
    stays on record.
    """

    __tablename__ = "result_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"))
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    payload: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    drive: Mapped[Drive] = relationship()
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    __table_args__ = (UniqueConstraint("drive_id", "number"),)


class AppealStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    AMENDED = "amended"


class Appeal(db.Model):
    """A unit's appeal (khiếu nại) against a decision on an entry or a judged score.

    Exactly one target: `entry_id` (a rejection, an adjusted quantity, a
    returned entry left unanswered) or `assessment_id` (a judge's points).
    An amendment counts in the official result as if made before the freeze.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.OPEN, index=True)
    # The decision appealed against, as it stood (quantity or points), for the change log.
    original_value: Mapped[str] = mapped_column(String(32), default="")
    original_decider_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    amended_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    drive: Mapped[Drive] = relationship()
    unit: Mapped[Unit] = relationship()
    entry: Mapped[Entry | None] = relationship()
    assessment: Mapped[Assessment | None] = relationship()
    original_decider: Mapped[User | None] = relationship(foreign_keys=[original_decider_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class AwardRule(db.Model):
    """An award rule (hình thức khen thưởng) of a drive: which award, for which block, how many."""

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    # Who grants it ("Ban Chấp hành Liên đoàn Lao động tỉnh").
    level: Mapped[str] = mapped_column(String(200), default="")
    # None: every block, `max_units` in each.
    block_id: Mapped[int | None] = mapped_column(ForeignKey("block.id"))
    max_units: Mapped[int] = mapped_column(Integer)
    min_classification: Mapped[str] = mapped_column(String(32))
    min_percent: Mapped[Decimal | None] = mapped_column(Points)
    # The order awards are given in: the highest award first.
    position: Mapped[int] = mapped_column(Integer, default=0)

    drive: Mapped[Drive] = relationship(back_populates="award_rules")
    block: Mapped[Block | None] = relationship()
    __table_args__ = (UniqueConstraint("drive_id", "code"),)


class Commendation(db.Model):
    """The commendation (khen thưởng) of a drive: the proposal from a published snapshot, then
    the decision that locks it; it names the snapshot it was drawn from.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drive.id"), index=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("result_snapshot.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    proposal_number: Mapped[str] = mapped_column(String(64), default="")
    decision_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    decision_date: Mapped[date | None] = mapped_column(Date)
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    drive: Mapped[Drive] = relationship()
    snapshot: Mapped[ResultSnapshot] = relationship()
    items: Mapped[list[CommendationItem]] = relationship(
        back_populates="commendation", cascade="all, delete-orphan",
        order_by="CommendationItem.position",
    )

    @property
    def locked(self) -> bool:
        """The decision is issued: the list no longer changes."""
        return self.decision_number is not None


class CommendationItem(db.Model):
    """One unit on a commendation list, with the figures of the snapshot and how it got there."""

    id: Mapped[int] = mapped_column(primary_key=True)
    commendation_id: Mapped[int] = mapped_column(ForeignKey("commendation.id"))
    award_rule_id: Mapped[int] = mapped_column(ForeignKey("award_rule.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    block_code: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[Decimal | None] = mapped_column(Points)
    percent: Mapped[Decimal | None] = mapped_column(Points)
    classification: Mapped[str] = mapped_column(String(32), default="")
    # proposed | tied (a human decides) | added | removed
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    commendation: Mapped[Commendation] = relationship(back_populates="items")
    award_rule: Mapped[AwardRule] = relationship()
    unit: Mapped[Unit] = relationship()
    __table_args__ = (UniqueConstraint("commendation_id", "unit_id"),)

    @property
    def on_list(self) -> bool:
        return self.status in ("proposed", "added")


class SignInFailure(db.Model):
    """One counted failed sign-in (per account name or per address), for the throttle.

    Kept in the database when no Redis is configured, so every worker and
    server sees the same count; rows older than their window are deleted.
    """

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class EntryFormUse(db.Model):
    """A new-entry form that has been used: its single-use token and the entry it made.

    A second submission of the same form (a double click, a resent request)
    finds the token taken and is shown the entry the first one made.
    """

    __tablename__ = "entry_form_use"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id", ondelete="SET NULL"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


def _aware_on_set(_target, value, _old, _initiator):
    """A moment assigned in Python is kept aware in UTC, as the database gives it back."""
    return as_utc(value) if isinstance(value, datetime) else value


for _mapper in db.Model.registry.mappers:
    for _column in _mapper.columns:
        if isinstance(_column.type, UTCDateTime):
            event.listen(getattr(_mapper.class_, _mapper.get_property_by_column(_column).key),
                         "set", _aware_on_set, retval=True)
