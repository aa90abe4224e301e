"""Building blocks for tests: the default drive, units, users and entries.

Entries are moved through the real life cycle (`competition.lifecycle`), so
tallies, the standings version and the audit log are what the product makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from competition import clock, drives, lifecycle
from competition.extensions import db
from competition.imports import slugify
from competition.models import (
    Block,
    Criterion,
    Drive,
    Entry,
    EntryStatus,
    Phase,
    Role,
    Unit,
    UnitKind,
    User,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRIVE = ROOT / "examples" / "drive-129.toml"
PASSWORD = "mat-khau-thu-nghiem"
# Test accounts use a cheap hash so hundreds of sign-ins stay quick; the product's own
# hashing (werkzeug's scrypt default) is untouched and used by every real account.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
       microsecond: int = 0) -> datetime:
    """A moment read on the Vietnam clock (what a reporter's watch shows), as aware UTC."""
    return clock.from_local(datetime(year, month, day, hour, minute, second, microsecond))


def default_drive() -> Drive:
    return drives.load_drive(DEFAULT_DRIVE)


def block(code: str) -> Block:
    return db.session.scalars(select(Block).where(Block.code == code)).one()


def criterion(drive: Drive, code: str) -> Criterion:
    return next(c for c in drive.criteria if c.code == code)


def phase(drive: Drive, code: str) -> Phase:
    return next(p for p in drive.phases if p.code == code)


def unit(
    code: str,
    name: str | None = None,
    block_code: str | None = "huyen",
    parent: Unit | None = None,
    members: int | None = 1000,
    kind: str = UnitKind.LDLD_HUYEN,
) -> Unit:
    name = name or f"Đơn vị {code}"
    made = Unit(
        code=code, slug=slugify(code), name=name, kind=kind,
        block=block(block_code) if block_code else None, parent=parent, member_count=members,
    )
    db.session.add(made)
    db.session.commit()
    return made


def user(username: str, role: str = Role.UNIT, unit: Unit | None = None, **fields) -> User:
    made = User(username=username, role=role, unit=unit, password_hash=_HASH,
                full_name=fields.pop("full_name", username), **fields)
    db.session.add(made)
    db.session.commit()
    return made


def entry(
    unit: Unit,
    criterion: Criterion,
    quantity: int = 1,
    *,
    status: str = EntryStatus.DRAFT,
    activity_date: date = date(2021, 4, 20),
    phase: Phase | None = None,
    channel: str | None = None,
    judge: User | None = None,
    title: str = "Hoạt động tuyên truyền",
    verified_quantity: int | None = None,
) -> Entry:
    """An entry brought to `status` through the real transitions."""
    if criterion.is_propaganda and phase is None:
        phase = next(p for p in criterion.drive.phases if p.contains(activity_date))
        channel = channel or "facebook"
    reporter = db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.role == Role.UNIT)
    ).first()
    made = Entry(
        unit=unit, criterion=criterion, quantity=quantity, activity_date=activity_date,
        phase=phase, channel=channel, title=title, created_by=reporter,
    )
    db.session.add(made)
    db.session.commit()
    if status == EntryStatus.DRAFT:
        return made
    submitter = judge if criterion.entered_by_staff else reporter
    if submitter is None:
        submitter = user(f"cb-{unit.code.lower()}", Role.UNIT, unit)
    lifecycle.submit(made, submitter)
    db.session.commit()
    if status == EntryStatus.SUBMITTED:
        return made
    judge = judge or _any_judge()
    action = {
        EntryStatus.VERIFIED: lambda: lifecycle.verify(made, judge, verified_quantity,
                                                       "điều chỉnh" if verified_quantity else ""),
        EntryStatus.RETURNED: lambda: lifecycle.return_for_revision(made, judge, "bổ sung"),
        EntryStatus.REJECTED: lambda: lifecycle.reject(made, judge, "không đúng nội dung"),
    }[status]
    action()
    db.session.commit()
    return made


def _any_judge() -> User:
    found = db.session.scalars(
        select(User).where(User.role == Role.JUDGE, User.unit_id.is_(None))
    ).first()
    return found or user("judge-auto", Role.JUDGE)


@dataclass
class World:
    """A small province for tests: two districts (one with a grassroots union), a sector
    union, a direct grassroots union, their reporters, two judges and an admin."""

    drive: Drive
    hoa_an: Unit
    bao_lam: Unit
    thpt_hoa_an: Unit
    giao_duc: Unit
    dien_luc: Unit
    admin: User
    judge: User
    judge_hoa_an: User
    reporter_hoa_an: User
    reporter_bao_lam: User
    reporter_thpt: User
    # Filled by `with_district`: Hòa An's own block of grassroots unions and its council.
    mn_hoa_an: Unit | None = None
    reporter_mn: User | None = None
    district_judge: User | None = None
    district_admin: User | None = None


def small_world(drive: Drive) -> World:
    province = unit("LDLD-CB", "Liên đoàn Lao động tỉnh Cao Bằng", None, members=35000,
                    kind=UnitKind.LDLD_TINH)
    hoa_an = unit("HOAAN", "LĐLĐ huyện Hòa An", "huyen", province, 2900)
    bao_lam = unit("BLAM", "LĐLĐ huyện Bảo Lâm", "huyen", province, 2100)
    thpt = unit("CS-THPT-HOAAN", "CĐCS Trường THPT Hòa An", "cdcs", hoa_an, 85, UnitKind.CDCS)
    giao_duc = unit("CDN-GD", "Công đoàn ngành Giáo dục", "nganh", province, 9800,
                    UnitKind.CONG_DOAN_NGANH)
    dien_luc = unit("CS-DIENLUC", "CĐCS Công ty Điện lực Cao Bằng", "cdcs", province, 380,
                    UnitKind.CDCS)
    return World(
        drive=drive, hoa_an=hoa_an, bao_lam=bao_lam, thpt_hoa_an=thpt, giao_duc=giao_duc,
        dien_luc=dien_luc,
        admin=user("admin", Role.ADMIN),
        judge=user("thamdinh1", Role.JUDGE),
        judge_hoa_an=user("thamdinh2", Role.JUDGE, hoa_an),
        reporter_hoa_an=user("hoaan", Role.UNIT, hoa_an),
        reporter_bao_lam=user("blam", Role.UNIT, bao_lam),
        reporter_thpt=user("thpt", Role.UNIT, thpt),
    )


def district_block(organiser: Unit, code: str, name: str) -> Block:
    made = Block(code=code, name=name, organiser=organiser, position=10)
    db.session.add(made)
    db.session.commit()
    return made


def with_district(world: World) -> World:
    """Hòa An organises a block of its own grassroots unions (a kindergarten's union in it),
    with a judge on Hòa An's council and an admin scoped to Hòa An."""
    district_block(world.hoa_an, "cdcs-hoaan", "Khối CĐCS thuộc LĐLĐ huyện Hòa An")
    world.mn_hoa_an = unit("CS-MN-HOASEN", "CĐCS Trường Mầm non Hoa Sen", "cdcs-hoaan",
                           world.hoa_an, 40, UnitKind.CDCS)
    world.reporter_mn = user("mnhoasen", Role.UNIT, world.mn_hoa_an)
    world.district_judge = user("thamdinh-hoaan", Role.JUDGE, council=world.hoa_an)
    world.district_admin = user("quantri-hoaan", Role.ADMIN, council=world.hoa_an)
    return world
