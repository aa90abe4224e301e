"""The demo: Plan 129's default drive, Cao Bằng's union units of 2021, accounts and entries.

Deterministic (a fixed random seed) and idempotent: running it twice leaves
one copy. The entries are spread over the three propaganda phases up to the
demo's "today" (10/5/2021, inside Đợt 2), with every status represented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from competition import audit, clock, drives, scoring, standings
from competition.extensions import db
from competition.models import (
    Block,
    Channel,
    Entry,
    EntryStatus,
    MonthlyReport,
    Role,
    Unit,
    UnitKind,
    User,
)
from competition.notifications import triggers as notify
from competition.permissions import can_judge
from competition.results import appeals, calendar

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRIVE = ROOT / "examples" / "drive-129.toml"
DEMO_PASSWORD = "thidua2021"

PROVINCE = ("LDLD-CB", "Liên đoàn Lao động tỉnh Cao Bằng")
PROVINCE_MEMBERS = 35000
# Member counts are inclusive: a district's count includes its grassroots unions'.
DISTRICTS = [
    ("TPCB", "LĐLĐ Thành phố Cao Bằng", 3600),
    ("BLAM", "LĐLĐ huyện Bảo Lâm", 1500),
    ("BLAC", "LĐLĐ huyện Bảo Lạc", 1300),
    ("HQUANG", "LĐLĐ huyện Hà Quảng", 1800),
    ("TKHANH", "LĐLĐ huyện Trùng Khánh", 1700),
    ("HLANG", "LĐLĐ huyện Hạ Lang", 1000),
    ("QHOA", "LĐLĐ huyện Quảng Hòa", 1900),
    ("HOAAN", "LĐLĐ huyện Hòa An", 2100),
    ("NBINH", "LĐLĐ huyện Nguyên Bình", 1300),
    ("TAN", "LĐLĐ huyện Thạch An", 1100),
]
SECTORS = [
    ("CDN-GD", "Công đoàn ngành Giáo dục", UnitKind.CONG_DOAN_NGANH, 8200),
    ("CDN-YT", "Công đoàn ngành Y tế", UnitKind.CONG_DOAN_NGANH, 3100),
    ("CDN-CT", "Công đoàn ngành Công Thương", UnitKind.CONG_DOAN_NGANH, 1100),
    ("CDN-NN", "Công đoàn ngành Nông nghiệp và PTNT", UnitKind.CONG_DOAN_NGANH, None),
    ("CDVC", "Công đoàn Viên chức tỉnh", UnitKind.CONG_DOAN_VIEN_CHUC, 2600),
]
# (code, name, parent, members): those under the province alone are "CĐCS trực thuộc";
# the others sit in their district's or sector's own block, ranked by its council.
GRASSROOTS = [
    ("CS-DIENLUC", "CĐCS Công ty Điện lực Cao Bằng", PROVINCE[0], 380),
    ("CS-XIMANG", "CĐCS Công ty CP Xi măng Cao Bằng", PROVINCE[0], 240),
    ("CS-BUUDIEN", "CĐCS Bưu điện tỉnh Cao Bằng", PROVINCE[0], 150),
    ("CS-VIETTEL", "CĐCS Viettel Cao Bằng", PROVINCE[0], 210),
    ("CS-MN-TPCB", "CĐCS Trường Mầm non Hoa Sen", "TPCB", 45),
    ("CS-KS-TPCB", "CĐCS Công ty CP Khoáng sản Cao Bằng", "TPCB", 260),
    ("CS-THCS-HG", "CĐCS Trường THCS Hợp Giang", "TPCB", 60),
    ("CS-THPT-HOAAN", "CĐCS Trường THPT Hòa An", "HOAAN", 85),
    ("CS-TTYT-HOAAN", "CĐCS Trung tâm Y tế huyện Hòa An", "HOAAN", 120),
    ("CS-UBND-HOAAN", "CĐCS Cơ quan UBND huyện Hòa An", "HOAAN", 70),
    ("CS-MN-HOAAN", "CĐCS Trường Mầm non Nước Hai", "HOAAN", 40),
    ("CS-THPT-BLAM", "CĐCS Trường THPT Bảo Lâm", "BLAM", 75),
    ("CS-TTYT-BLAM", "CĐCS Trung tâm Y tế huyện Bảo Lâm", "BLAM", 110),
    ("CS-THPT-BLAC", "CĐCS Trường THPT Bảo Lạc", "BLAC", 70),
    ("CS-TTYT-BLAC", "CĐCS Trung tâm Y tế huyện Bảo Lạc", "BLAC", 100),
    ("CS-THPT-HQ", "CĐCS Trường THPT Hà Quảng", "HQUANG", 80),
    ("CS-TTYT-HQ", "CĐCS Trung tâm Y tế huyện Hà Quảng", "HQUANG", 115),
    ("CS-UBND-HQ", "CĐCS Cơ quan UBND huyện Hà Quảng", "HQUANG", 65),
    ("CS-THPT-TK", "CĐCS Trường THPT Trùng Khánh", "TKHANH", 85),
    ("CS-TTYT-TK", "CĐCS Trung tâm Y tế huyện Trùng Khánh", "TKHANH", 120),
    ("CS-THPT-HL", "CĐCS Trường THPT Hạ Lang", "HLANG", 55),
    ("CS-TTYT-HL", "CĐCS Trung tâm Y tế huyện Hạ Lang", "HLANG", 80),
    ("CS-THPT-QH", "CĐCS Trường THPT Quảng Hòa", "QHOA", 90),
    ("CS-TTYT-QH", "CĐCS Trung tâm Y tế huyện Quảng Hòa", "QHOA", 125),
    ("CS-CAOSU-QH", "CĐCS Công ty TNHH Chế biến nông sản Quảng Hòa", "QHOA", 150),
    ("CS-THPT-NB", "CĐCS Trường THPT Nguyên Bình", "NBINH", 70),
    ("CS-TTYT-NB", "CĐCS Trung tâm Y tế huyện Nguyên Bình", "NBINH", 95),
    ("CS-THPT-TA", "CĐCS Trường THPT Thạch An", "TAN", 65),
    ("CS-TTYT-TA", "CĐCS Trung tâm Y tế huyện Thạch An", "TAN", 90),
    ("CS-THPT-CHUYEN", "CĐCS Trường THPT Chuyên Cao Bằng", "CDN-GD", 95),
    ("CS-CDSP", "CĐCS Trường Cao đẳng Sư phạm Cao Bằng", "CDN-GD", 110),
    ("CS-BVDK", "CĐCS Bệnh viện Đa khoa tỉnh Cao Bằng", "CDN-YT", 620),
    ("CS-CDC", "CĐCS Trung tâm Kiểm soát bệnh tật tỉnh", "CDN-YT", 140),
]
# One judge on each lower council (a district's or sector's that organises a block).
ORGANISERS = sorted({parent for _c, _n, parent, _m in GRASSROOTS if parent != PROVINCE[0]})


def council_judge(organiser_code: str) -> str:
    return f"thamdinh.{organiser_code.lower()}"


TITLES = {
    "KH": ["Kế hoạch tuyên truyền bầu cử đại biểu Quốc hội khóa XV"],
    "HN": ["Hội nghị quán triệt Chỉ thị 45-CT/TW", "Sinh hoạt chuyên đề về quyền của cử tri",
           "Tọa đàm tiêu chuẩn đại biểu Hội đồng nhân dân", "Hội nghị giao ban công tác bầu cử"],
    "TB": ["Tin bài về ngày hội non sông", "Video tuyên truyền thể thức bầu cử",
           "Ảnh hoạt động treo pano, khẩu hiệu", "Bài viết trên fanpage công đoàn"],
    "PT": ["Tuyên truyền trực tiếp cho đoàn viên tại cơ sở"],
    "CT": ["Công trình sửa chữa nhà văn hóa", "Phần việc vệ sinh môi trường chào mừng bầu cử"],
    "SK": ["Sáng kiến cải tiến quy trình làm việc"],
    "DV": ["Kết nạp đoàn viên mới"],
    "CS": ["Thành lập công đoàn cơ sở doanh nghiệp ngoài nhà nước"],
    "PL": ["Đoàn viên dự thi tìm hiểu pháp luật về bầu cử"],
}
PROPAGANDA_CHANNELS = {
    "HN": [Channel.HOI_NGHI],
    "TB": [Channel.FACEBOOK, Channel.ZALO, Channel.WEBSITE, Channel.FANPAGE,
           Channel.BAO_CHI, Channel.PHAT_THANH_TRUYEN_HINH, Channel.PANO_KHAU_HIEU],
}
STATUS_WEIGHTS = [
    (EntryStatus.VERIFIED, 62), (EntryStatus.SUBMITTED, 18), (EntryStatus.RETURNED, 6),
    (EntryStatus.REJECTED, 4), (EntryStatus.DRAFT, 10),
]
RETURN_REASONS = ["Thiếu ảnh minh chứng, đề nghị bổ sung.", "Số liệu chưa khớp với báo cáo tháng."]
REJECT_REASONS = ["Hoạt động không thuộc nội dung tuyên truyền bầu cử."]


def has_demo() -> bool:
    return db.session.scalar(select(func.count()).select_from(Unit)) > 0


def load_demo() -> list[tuple[str, str, str]]:
    """Load the default drive and the demo if the database holds no units yet.

    A database that already has units (the demo, or a real federation's) is
    left exactly as it is, so restarting the server never undoes an admin's work.
    """
    if not has_demo():
        drive = standings.active_drive() or drives.load_drive(DEFAULT_DRIVE)
        rng = random.Random(129)
        units = _units()
        users = _users(units)
        _entries(drive, units, users, rng)
        _reports(drive, units, users, rng)
        standings.rebuild(drive)
        audit.record("demo.load", drive, actor_name="cli")
        _appeals(drive, users)
        db.session.commit()
    return logins()


def logins() -> list[tuple[str, str, str]]:
    """(username, role and unit, password) of the demo accounts that exist."""
    names = ["admin", "thamdinh1", "thamdinh2", "quantri.hoaan"] + [
        council_judge(code) for code in ORGANISERS] + [
        code.lower() for code, *_ in DISTRICTS + SECTORS + GRASSROOTS
    ]
    found = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))}
    rows = []
    for name in names:
        if name in found:
            user = found[name]
            where = user.unit.name if user.unit else ""
            if user.council is not None and user.council.parent_id is not None:
                where = f"{where} (hội đồng {user.council.name})".strip()
            rows.append((name, f"{user.role} {where}".strip(), DEMO_PASSWORD))
    return rows


def _units() -> dict[str, Unit]:
    blocks = {b.code: b for b in db.session.scalars(select(Block))}
    units: dict[str, Unit] = {}

    def add(code, name, kind, block, parent, members, place=""):
        unit = Unit(code=code, slug=code.lower(), name=name, kind=kind,
                    block=blocks.get(block) if block else None,
                    parent=units.get(parent) if parent else None, member_count=members,
                    place=place)
        db.session.add(unit)
        units[code] = unit

    add(PROVINCE[0], PROVINCE[1], UnitKind.LDLD_TINH, None, None, PROVINCE_MEMBERS)
    for code, name, members in DISTRICTS:
        # A district's documents are dated from the district: "Hòa An, ngày …".
        place = name.removeprefix("LĐLĐ huyện ").removeprefix("LĐLĐ Thành phố ")
        add(code, name, UnitKind.LDLD_HUYEN, "huyen", PROVINCE[0], members, place)
    for code, name, kind, members in SECTORS:
        add(code, name, kind, "nganh", PROVINCE[0], members)
    for block in blocks.values():
        block.organiser = units[PROVINCE[0]]  # the province's council ranks the top blocks
    for position, code in enumerate(ORGANISERS, start=len(blocks)):
        organiser = units[code]
        blocks[f"cdcs-{code.lower()}"] = Block(
            code=f"cdcs-{code.lower()}", name=f"Khối CĐCS thuộc {organiser.name}",
            position=position, organiser=organiser)
    for code, name, parent, members in GRASSROOTS:
        block = "cdcs" if parent == PROVINCE[0] else f"cdcs-{parent.lower()}"
        add(code, name, UnitKind.CDCS, block, parent, members)
    db.session.flush()
    return units


def _users(units: dict[str, Unit]) -> dict[str, User]:
    users: dict[str, User] = {}
    # Every demo account shares the printed password; hashing it once keeps the demo quick.
    shared_hash = generate_password_hash(DEMO_PASSWORD)

    def add(username, full_name, role, unit=None):
        user = User(username=username, full_name=full_name, role=role, unit=unit,
                    password_hash=shared_hash)
        db.session.add(user)
        users[username] = user

    add("admin", "Văn phòng LĐLĐ tỉnh", Role.ADMIN)
    # Council members sit for the province, not for a unit under it: no unit, no conflict.
    add("thamdinh1", "Nguyễn Thị Lan (Ban Tuyên giáo)", Role.JUDGE)
    # A judge from Hòa An: may judge everyone except Hòa An and the unions under it.
    add("thamdinh2", "Hoàng Văn Minh (LĐLĐ Hòa An)", Role.JUDGE, units["HOAAN"])
    # Each district's or sector's council verifies its own grassroots unions (first level).
    for code in ORGANISERS:
        add(council_judge(code), f"Tổ thẩm định {units[code].name}", Role.JUDGE)
        users[council_judge(code)].council = units[code]
    # Hòa An's office manages its own grassroots unions, their accounts and targets.
    add("quantri.hoaan", "Văn phòng LĐLĐ huyện Hòa An", Role.ADMIN)
    users["quantri.hoaan"].council = units["HOAAN"]
    for unit in units.values():
        if unit.block is not None:
            add(unit.code.lower(), f"Cán bộ {unit.name}", Role.UNIT, unit)
    db.session.flush()
    return users


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a Vietnam day (stored as UTC)."""
    return clock.from_local(datetime.combine(day, time(hour, minute)))


def _moment(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of a Vietnam day."""
    return _at(day, rng.randint(8, 16), rng.randint(0, 59))


def _entries(drive, units, users, rng: random.Random) -> None:
    criteria = {c.code: c for c in drive.criteria}
    phases = list(drive.phases)
    judges = [users["thamdinh1"], users["thamdinh2"]] + [
        users[council_judge(code)] for code in ORGANISERS]
    ranked = [u for u in units.values() if u.block is not None]
    made: list[Entry] = []
    for position, unit in enumerate(ranked):
        activity = 1.6 - position / len(ranked)  # a few busy units, many quieter ones
        reporter = users[unit.code.lower()]
        plan = [("KH", 1)] + [(code, max(1, round(n * activity))) for code, n in
                              (("HN", 5), ("TB", 8), ("CT", 1), ("SK", 1), ("DV", 2),
                               ("PT", 1), ("PL", 1))]
        if unit.kind != UnitKind.CDCS:
            plan.append(("CS", 1))
        for code, count in plan:
            for _ in range(count):
                made.append(_entry(drive, criteria[code], unit, reporter, judges, phases, rng))
    # A collective work stoppage recorded by a judge (penalty criterion).
    stoppage = Entry(
        unit=units["CS-XIMANG"], criterion=criteria["AN"], activity_date=date(2021, 4, 14),
        quantity=1, title="Ngừng việc tập thể tại phân xưởng nghiền", status=EntryStatus.VERIFIED,
        created_by=users["thamdinh1"], submitted_at=_at(date(2021, 4, 15), 9),
        decided_at=_at(date(2021, 4, 15), 10), decided_by=users["thamdinh1"],
        verified_at=_at(date(2021, 4, 15), 10),
    )
    db.session.add(stoppage)
    made.append(stoppage)
    db.session.flush()
    _audit_verifications([e for e in made if e.status == EntryStatus.VERIFIED])
    for entry in made:
        notify.entry_decided_earlier(entry)


def _audit_verifications(verified: list[Entry]) -> None:
    """Write the verification events in the order they happened, with the points each moved."""
    running: dict[tuple[int, int], scoring.Tally] = {}
    for entry in sorted(verified, key=lambda e: e.verified_at):
        key = (entry.unit_id, entry.criterion_id)
        old = running.get(key, scoring.Tally())
        new = scoring.Tally(
            old.quantity + entry.counted_quantity, old.items + 1,
            max(d for d in (old.latest_activity, entry.activity_date) if d),
        )
        running[key] = new
        delta = (standings.criterion_points(entry.unit, entry.criterion, new)
                 - standings.criterion_points(entry.unit, entry.criterion, old))
        event = audit.record(
            "entry.verify", entry, unit_id=entry.unit_id, actor=entry.decided_by,
            reason=entry.decision_reason, before={"status": EntryStatus.SUBMITTED},
            after={**audit.entry_snapshot(entry), "points_delta": str(delta)},
        )
        event.at = entry.verified_at


def _entry(drive, criterion, unit, reporter, judges, phases, rng: random.Random) -> Entry:
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
    phase = channel = None
    people = None
    if criterion.is_propaganda:
        phase = rng.choices(phases, [4, 5, 1])[0]
        channel = rng.choice(PROPAGANDA_CHANNELS[criterion.code])
        people = rng.randint(20, 400)
    today = _demo_today()
    start = max(drive.starts_on, phase.starts_on if phase else drive.starts_on)
    end = min(today - timedelta(days=2), phase.ends_on if phase else drive.ends_on)
    if phase is not None and phase.starts_on > today:
        # Đợt 3 lies after the demo's today: nothing is dated in it yet, so the unit has a
        # plan (a draft) in the phase under way instead.
        phase = max((p for p in phases if p.starts_on <= today), key=lambda p: p.starts_on)
        status = EntryStatus.DRAFT
        start = max(drive.starts_on, phase.starts_on)
        end = min(today - timedelta(days=2), phase.ends_on)
    day = start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
    members = unit.member_count or 100
    quantity = {
        "KH": 1, "HN": rng.randint(1, 3), "TB": rng.randint(1, 6), "CT": 1, "SK": 1,
        "DV": rng.randint(3, 30), "CS": 1,
        "PT": round(members * rng.uniform(0.5, 1.0)), "PL": round(members * rng.uniform(0.1, 0.4)),
    }[criterion.code]
    # Submitted by the demo's today and by the drive's submission close.
    submitted = _moment(min(day + timedelta(days=rng.randint(0, 2)), today, drive.ends_on), rng)
    # Decisions lie before the demo's today and, once it is past, before the freeze (a
    # working-hours moment of the drive's last day is before its 17:00 freeze).
    decided = _moment(min(day + timedelta(days=rng.randint(2, 6)), today - timedelta(days=1),
                          drive.ends_on), rng)
    decided = max(decided, submitted + timedelta(hours=1))
    if drive.freeze_at is not None and decided >= drive.freeze_at and status != EntryStatus.DRAFT:
        status = EntryStatus.SUBMITTED  # still waiting for a judge at the freeze
    judge = next(j for j in judges if can_judge(j, unit))
    entry = Entry(
        unit=unit, criterion=criterion, phase=phase, channel=channel, activity_date=day,
        quantity=quantity, people_reached=people,
        title=rng.choice(TITLES[criterion.code]), description="",
        status=status, created_by=reporter, created_at=submitted, updated_at=submitted,
        submitted_at=submitted if status != EntryStatus.DRAFT else None,
    )
    if status in (EntryStatus.VERIFIED, EntryStatus.RETURNED, EntryStatus.REJECTED):
        entry.decided_at, entry.decided_by = decided, judge
    if status == EntryStatus.VERIFIED:
        entry.verified_at = decided
        if criterion.code == "TB" and rng.random() < 0.1 and quantity > 1:
            entry.verified_quantity = quantity - 1
            entry.decision_reason = "Một tin trùng với tin đã báo cáo."
    elif status == EntryStatus.RETURNED:
        entry.decision_reason = rng.choice(RETURN_REASONS)
    elif status == EntryStatus.REJECTED:
        entry.decision_reason = rng.choice(REJECT_REASONS)
    db.session.add(entry)
    return entry


def _demo_today() -> date:
    """The demo's own today (COMPETITION_TODAY): nothing in it happens after this day."""
    return clock.today()


def _reports(drive, units, users, rng: random.Random) -> None:
    today = _demo_today()
    for unit in units.values():
        if unit.block is None:
            continue
        for month in scoring.month_starts(drive.starts_on, min(drive.ends_on, today)):
            deadline = (month + timedelta(days=32)).replace(day=drive.report_deadline_day)
            if deadline - timedelta(days=4) > today:
                continue  # a report is written in the days before its deadline
            roll = rng.random()
            if roll < 0.15:
                continue  # not filed
            late = roll > 0.85
            filed_day = min(today, deadline + timedelta(days=rng.randint(1, 4)) if late else
                            deadline - timedelta(days=rng.randint(0, 4)))
            db.session.add(MonthlyReport(
                drive=drive, unit=unit, month=month,
                highlights="Tổ chức tốt các hoạt động tuyên truyền bầu cử.",
                filed_at=_moment(filed_day, rng), filed_by=users[unit.code.lower()],
            ))


APPEALS = [
    ("rejected", "Hoạt động có nội dung tuyên truyền bầu cử; đề nghị xem lại biên bản kèm theo."),
    ("rejected", "Đơn vị đã bổ sung ảnh và danh sách người dự; đề nghị công nhận."),
    ("adjusted", "Số tin bài đăng trên fanpage khác với tin trên Zalo, không trùng nhau."),
    ("rejected", "Hội nghị có sự tham gia của cử tri là đoàn viên; đề nghị công nhận."),
]


def _appeals(drive, users) -> None:
    """Inside the appeal window the demo shows units' appeals: three open, one upheld.

    Filed through the real rules (the unit's own reporter, inside the window), so
    the judges' queue, the unit's page and the public change log show them as they would.
    """
    if not calendar.in_appeal_window(drive):
        return
    candidates = db.session.scalars(
        select(Entry).where(Entry.status.in_([EntryStatus.REJECTED, EntryStatus.VERIFIED]))
        .order_by(Entry.id)).all()
    used: set[int] = set()
    filed = []
    for kind, reason in APPEALS:
        entry = next((e for e in candidates if e.unit_id not in used
                      and appeals.entry_kind(e) == kind and e.unit.block is not None), None)
        if entry is None:
            continue
        used.add(entry.unit_id)
        filed.append(appeals.file_appeal(users[entry.unit.code.lower()], reason, entry=entry))
    if filed:
        appeal = filed[-1]
        decider = next(u for u in (users["thamdinh1"], users["thamdinh2"])
                       if appeals.may_decide(u, appeal) is None)
        appeals.decide(appeal, decider, "uphold",
                       "Hội nghị không thuộc nội dung tuyên truyền bầu cử theo Kế hoạch 129.")
