"""A synthetic drive at national scale, loaded in minutes: `bench/generate.py --help`.

The default drive of Plan 129 (examples/drive-129.toml) with N units in a
three-level hierarchy (the federation, district federations and sector
unions, grassroots unions) over the three blocks (`--shape flat`), or the
whole country's five levels (`--shape national`: the confederation, 63
provinces, ~700 districts, ~120,000 grassroots unions and a few member
unions under some of them, each level ranked in its organiser's own
blocks), and M entries across the
three propaganda phases and every status. Activity is skewed the way real
drives are: a Zipf-like weight per unit gives a few very busy units and a
long tail of quiet ones, so a benchmark meets a unit with a huge history.

Rows go in with SQLAlchemy Core executemany (SQLite) or COPY (PostgreSQL),
never through the ORM, then `standings.rebuild` builds the tallies once.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import bindparam, create_engine, func, select, text  # noqa: E402

from competition import drives, standings  # noqa: E402
from competition.database import init_database  # noqa: E402
from competition.extensions import db, migrate  # noqa: E402
from competition.models import (  # noqa: E402
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

DEFAULT_DRIVE = ROOT / "examples" / "drive-129.toml"
# The day the benchmark's app believes it is: inside Đợt 3, before the freeze,
# so all three phases hold verified work and the public board is live.
BENCH_TODAY = date(2021, 6, 25)
SECTOR_UNITS = 50  # the "nganh" block: the 50-row block whose page weight is measured
STATUS_WEIGHTS = {
    EntryStatus.VERIFIED: 62, EntryStatus.SUBMITTED: 18, EntryStatus.RETURNED: 6,
    EntryStatus.REJECTED: 4, EntryStatus.DRAFT: 10,
}
# How often each criterion is reported: news items and meetings dominate,
# a plan (KH) is one entry, a work stoppage (AN, penalty) is rare.
CRITERION_WEIGHTS = {
    "TB": 40, "HN": 20, "CT": 6, "SK": 5, "DV": 10, "PT": 6, "PL": 5, "KH": 4, "CS": 2,
    "BC": 2, "AN": 0.05,
}
TITLES = {
    "TB": "Tin bài tuyên truyền bầu cử", "HN": "Hội nghị tuyên truyền bầu cử",
    "CT": "Công trình chào mừng bầu cử", "SK": "Sáng kiến, giải pháp",
    "DV": "Kết nạp đoàn viên mới", "PT": "Tuyên truyền trực tiếp cho đoàn viên",
    "PL": "Dự thi tìm hiểu pháp luật bầu cử", "KH": "Kế hoạch tuyên truyền bầu cử",
    "CS": "Thành lập công đoàn cơ sở", "BC": "Đoàn viên đi bầu cử",
    "AN": "Ngừng việc tập thể",
}
PROPAGANDA_CHANNELS = {
    "HN": [Channel.HOI_NGHI, Channel.PANO_KHAU_HIEU],
    "TB": [Channel.FACEBOOK, Channel.ZALO, Channel.WEBSITE, Channel.FANPAGE,
           Channel.BAO_CHI, Channel.PHAT_THANH_TRUYEN_HINH],
}
ENTRY_COLUMNS = (
    "unit_id", "criterion_id", "phase_id", "channel", "activity_date", "quantity",
    "verified_quantity", "people_reached", "title", "description", "status",
    "created_by_id", "created_at", "updated_at", "submitted_at", "decided_at",
    "decided_by_id", "decision_reason", "verified_at", "version",
)
BATCH = 50_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="SQLite or PostgreSQL URL (default: DATABASE_URL); emptied first")
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=129)
    parser.add_argument("--shape", choices=("flat", "national"), default="flat",
                        help="flat: one province's three blocks; national: the confederation's "
                             "five levels, each in its organiser's blocks (--units is then the "
                             "number of grassroots unions, default 120,000)")
    return parser.parse_args(argv)


def driver_url(url: str) -> str:
    """The URL with the psycopg 3 driver named, as the app's configuration does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def empty_database(url: str) -> None:
    """Start from nothing: a fresh SQLite file or an empty PostgreSQL schema, then migrate."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def data_app(url: str) -> Flask:
    """The data layer alone on `url` (no blueprints): all that loading needs.

    The benchmark's day is pinned, as the served app's is.
    """
    os.environ["COMPETITION_TODAY"] = BENCH_TODAY.isoformat()
    app = Flask("bench", instance_path=tempfile.gettempdir())
    app.config["SQLALCHEMY_DATABASE_URI"] = driver_url(url)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    init_database(app)
    return app


def make_units(rng: random.Random, count: int) -> list[tuple[int, int | None]]:
    """The federation, ~1.5 % district federations, 50 sector unions, grassroots unions under them."""
    blocks = {b.code: b for b in db.session.scalars(select(Block))}
    province = Unit(code="LDLD", slug="ldld", name="Liên đoàn Lao động (tổng hợp)",
                    kind=UnitKind.LDLD_TINH, member_count=None)
    db.session.add(province)
    districts = max(1, (count - 1 - SECTOR_UNITS) * 3 // 200)
    middle: list[Unit] = []
    for number in range(1, districts + 1):
        middle.append(Unit(code=f"H{number:05d}", slug=f"h{number:05d}",
                           name=f"LĐLĐ huyện số {number}", kind=UnitKind.LDLD_HUYEN,
                           block=blocks["huyen"], parent=province,
                           member_count=rng.randint(800, 6000)))
    for number in range(1, SECTOR_UNITS + 1):
        kind = UnitKind.CONG_DOAN_VIEN_CHUC if number == 1 else UnitKind.CONG_DOAN_NGANH
        middle.append(Unit(code=f"N{number:05d}", slug=f"n{number:05d}",
                           name=f"Công đoàn ngành số {number}", kind=kind,
                           block=blocks["nganh"], parent=province,
                           # A few sector unions never sent their member count.
                           member_count=None if number % 17 == 0 else rng.randint(500, 12000)))
    db.session.add_all(middle)
    db.session.flush()
    grassroots = []
    for number in range(1, count - len(middle)):
        parent = province if rng.random() < 0.05 else rng.choice(middle)
        grassroots.append({
            "code": f"CS{number:06d}", "slug": f"cs{number:06d}",
            "name": f"CĐCS đơn vị số {number}", "kind": UnitKind.CDCS,
            "parent_id": parent.id, "block_id": blocks["cdcs"].id,
            "member_count": rng.randint(8, 600), "active": True,
        })
    if grassroots:
        db.session.execute(Unit.__table__.insert(), grassroots)
    return db.session.execute(
        select(Unit.id, Unit.member_count).where(Unit.block_id.is_not(None))
    ).all()


PROVINCES = 63
DISTRICTS_PER_PROVINCE = 11  # ~700 districts
MEMBER_UNION_PARENTS = 200  # grassroots unions with member unions under them (level 5)


def _block(code: str, name: str, organiser_id: int, position: int) -> dict:
    return {"code": code, "name": name, "organiser_id": organiser_id, "position": position}


def _insert_returning_ids(table, rows: list[dict], key: str = "code") -> dict[str, int]:
    """Insert rows in bulk and read their ids back by code (both engines, no RETURNING needed)."""
    if rows:
        for start in range(0, len(rows), BATCH):
            db.session.execute(table.insert(), rows[start:start + BATCH])
    codes = [row[key] for row in rows]
    found: dict[str, int] = {}
    for start in range(0, len(codes), 30_000):
        chunk = codes[start:start + 30_000]
        found.update(db.session.execute(
            select(table.c[key], table.c.id).where(table.c[key].in_(chunk))).all())
    return found


def make_national_units(rng: random.Random, grassroots: int) -> list[tuple[int, int | None]]:
    """Confederation → 63 provinces → ~700 districts → `grassroots` unions → member unions.

    The confederation ranks the provinces; each province ranks its districts;
    each district its grassroots unions; a few grassroots unions rank member
    unions of their own (the fifth level). Member counts are inclusive.
    """
    unit_table, block_table = Unit.__table__, Block.__table__
    top = Unit(code="TLD", slug="tld", name="Tổng Liên đoàn Lao động Việt Nam",
               kind=UnitKind.LDLD_TINH, member_count=10_500_000)
    db.session.add(top)
    db.session.flush()
    blocks = [_block("tinh", "Khối LĐLĐ tỉnh, thành phố", top.id, 0)]
    provinces = [{"code": f"P{n:02d}", "slug": f"p{n:02d}", "name": f"LĐLĐ tỉnh số {n}",
                  "kind": UnitKind.LDLD_TINH, "parent_id": top.id, "block_id": None,
                  "member_count": rng.randint(60_000, 300_000), "active": True}
                 for n in range(1, PROVINCES + 1)]
    province_ids = _insert_returning_ids(unit_table, provinces)
    districts = []
    for p_code, p_id in sorted(province_ids.items()):
        blocks.append(_block(f"huyen-{p_code}", f"Khối LĐLĐ huyện thuộc {p_code}", p_id,
                             len(blocks)))
        for n in range(1, DISTRICTS_PER_PROVINCE + 1):
            code = f"{p_code}H{n:02d}"
            districts.append({"code": code, "slug": code.lower(), "name": f"LĐLĐ huyện {code}",
                              "kind": UnitKind.LDLD_HUYEN, "parent_id": p_id, "block_code":
                              f"huyen-{p_code}", "member_count": rng.randint(3_000, 20_000)})
    district_ids = _insert_returning_ids(unit_table, [
        {k: v for k, v in d.items() if k != "block_code"} | {"block_id": None, "active": True}
        for d in districts])
    for d_code, d_id in sorted(district_ids.items()):
        blocks.append(_block(f"cdcs-{d_code}", f"Khối CĐCS thuộc LĐLĐ huyện {d_code}", d_id,
                             len(blocks)))
    codes = sorted(district_ids)
    unions = []
    for n in range(1, grassroots + 1):
        d_code = codes[(n - 1) % len(codes)]
        unions.append({"code": f"CS{n:06d}", "slug": f"cs{n:06d}", "name": f"CĐCS số {n}",
                       "kind": UnitKind.CDCS, "parent_id": district_ids[d_code],
                       "block_code": f"cdcs-{d_code}", "member_count": rng.randint(8, 600)})
    union_ids = _insert_returning_ids(unit_table, [
        {k: v for k, v in u.items() if k != "block_code"} | {"block_id": None, "active": True}
        for u in unions])
    members = []
    for union in unions[:MEMBER_UNION_PARENTS]:
        parent_code = union["code"]
        blocks.append(_block(f"tv-{parent_code}", f"Khối công đoàn thành viên của {parent_code}",
                             union_ids[parent_code], len(blocks)))
        for k in (1, 2, 3):
            code = f"{parent_code}-{k}"
            members.append({"code": code, "slug": code.lower(), "name": f"Công đoàn {code}",
                            "kind": UnitKind.CDCS, "parent_id": union_ids[parent_code],
                            "block_code": f"tv-{parent_code}", "member_count": rng.randint(5, 60)})
    member_ids = _insert_returning_ids(unit_table, [
        {k: v for k, v in m.items() if k != "block_code"} | {"block_id": None, "active": True}
        for m in members])
    block_ids = _insert_returning_ids(block_table, blocks)
    placed = [("P", province_ids, {p["code"]: "tinh" for p in provinces}),
              ("H", district_ids, {d["code"]: d["block_code"] for d in districts}),
              ("C", union_ids, {u["code"]: u["block_code"] for u in unions}),
              ("M", member_ids, {m["code"]: m["block_code"] for m in members})]
    for _level, ids, block_of in placed:
        rows = [{"u": ids[code], "b": block_ids[block]} for code, block in block_of.items()]
        for start in range(0, len(rows), BATCH):
            db.session.execute(
                unit_table.update().where(unit_table.c.id == bindparam("u"))
                .values(block_id=bindparam("b")), rows[start:start + BATCH])
    return db.session.execute(
        select(Unit.id, Unit.member_count).where(Unit.block_id.is_not(None))
    ).all()


def make_users() -> tuple[User, User]:
    from werkzeug.security import generate_password_hash

    shared = generate_password_hash("bench-only-password")
    admin = User(username="admin", full_name="Quản trị (bench)", role=Role.ADMIN,
                 password_hash=shared)
    judge = User(username="thamdinh1", full_name="Thẩm định (bench)", role=Role.JUDGE,
                 password_hash=shared)
    db.session.add_all([admin, judge])
    db.session.flush()
    return admin, judge


def entry_rows(rng: random.Random, drive, units: list[tuple[int, int | None]], judge_id: int,
               count: int) -> Iterator[tuple]:
    """`count` entries as tuples in ENTRY_COLUMNS order, units drawn with a Zipf-like skew."""
    criteria = {c.code: (c.id, c.is_propaganda) for c in drive.criteria
                if c.code in CRITERION_WEIGHTS}
    codes = list(criteria)
    code_weights = [CRITERION_WEIGHTS[c] for c in codes]
    phases = [(p.id, p.starts_on, p.ends_on) for p in drive.phases]
    statuses = list(STATUS_WEIGHTS)
    status_weights = list(STATUS_WEIGHTS.values())
    order = units[:]
    rng.shuffle(order)
    unit_weights = [1 / (rank ** 0.9) for rank in range(1, len(order) + 1)]
    picked_units = rng.choices(order, unit_weights, k=count)
    picked_codes = rng.choices(codes, code_weights, k=count)
    picked_statuses = rng.choices(statuses, status_weights, k=count)
    first_day, last_day = drive.starts_on, BENCH_TODAY - timedelta(days=1)
    # Everything read from the database is read above, before the first row is
    # asked for: during a COPY the connection can run no other statement.
    return _rows(rng, zip(picked_units, picked_codes, picked_statuses, strict=True), criteria,
                 phases, first_day, last_day, judge_id)


def _rows(rng, picks, criteria, phases, first_day, last_day, judge_id) -> Iterator[tuple]:
    for (unit_id, members), code, status in picks:
        criterion_id, propaganda = criteria[code]
        phase_id = channel = people = None
        start, end = first_day, last_day
        if propaganda:
            phase_id, phase_start, phase_end = rng.choices(phases, (4, 5, 2))[0]
            channel = rng.choice(PROPAGANDA_CHANNELS[code])
            people = rng.randint(10, 500)
            start, end = max(start, phase_start), min(end, phase_end)
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        members = members or 100
        quantity = {
            "PT": max(1, members // rng.randint(20, 60)), "PL": max(1, members // rng.randint(50, 200)),
            "BC": max(1, members // rng.randint(30, 90)), "DV": rng.randint(1, 20),
            "TB": rng.randint(1, 6), "HN": rng.randint(1, 3),
        }.get(code, 1)
        created = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(8, 17))
        submitted = created + timedelta(hours=rng.randint(1, 48)) if status != EntryStatus.DRAFT else None
        decided = verified = None
        decided_by = None
        verified_quantity = None
        reason = ""
        if status in (EntryStatus.VERIFIED, EntryStatus.RETURNED, EntryStatus.REJECTED):
            decided = submitted + timedelta(hours=rng.randint(2, 96))
            decided_by = judge_id
            if status == EntryStatus.VERIFIED:
                verified = decided
                if quantity > 1 and rng.random() < 0.05:
                    verified_quantity, reason = quantity - 1, "Điều chỉnh theo minh chứng."
            else:
                reason = "Bổ sung minh chứng." if status == EntryStatus.RETURNED else "Không đúng nội dung."
        yield (
            unit_id, criterion_id, phase_id, channel, day, quantity, verified_quantity, people,
            TITLES[code], "", str(status), None, created, decided or submitted or created,
            submitted, decided, decided_by, reason, verified, 1,
        )


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_entries(rows: Iterator[tuple]) -> int:
    """Bulk-load entries: COPY on PostgreSQL, Core executemany on SQLite."""
    connection = db.session.connection()
    loaded = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        columns = ", ".join(ENTRY_COLUMNS)
        with raw.cursor() as cursor, cursor.copy(f"COPY entry ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                loaded += 1
        return loaded
    table = Entry.__table__
    for chunk in _chunks(rows, BATCH):
        connection.execute(table.insert(), [dict(zip(ENTRY_COLUMNS, r, strict=True)) for r in chunk])
        loaded += len(chunk)
    return loaded


def make_reports(rng: random.Random, drive_id: int, units: list[tuple[int, int | None]]) -> None:
    """Monthly reports for March to May: most on time, some late, some missing."""
    rows = []
    for unit_id, _ in units:
        for month, deadline in ((date(2021, 3, 1), date(2021, 4, 5)),
                                (date(2021, 4, 1), date(2021, 5, 5)),
                                (date(2021, 5, 1), date(2021, 6, 5))):
            roll = rng.random()
            if roll < 0.1:
                continue
            filed = deadline + timedelta(days=rng.randint(-4, 0 if roll < 0.85 else 4))
            moment = datetime.combine(filed, datetime.min.time()) + timedelta(hours=10)
            rows.append({"drive_id": drive_id, "unit_id": unit_id, "month": month, "number": "",
                         "highlights": "", "difficulties": "", "proposals": "",
                         "filed_at": moment, "updated_at": moment})
    db.session.execute(MonthlyReport.__table__.insert(), rows)


def analyse() -> None:
    """Fresh planner statistics, as a maintained production database would have."""
    connection = db.session.connection()
    connection.exec_driver_sql("ANALYZE")


def generate(url: str, units: int, entries: int, seed: int, echo=print,
             shape: str = "flat") -> dict:
    """Build the synthetic drive in the (emptied) database at `url`; returns what was made."""
    import flask_migrate

    url = driver_url(url)
    rng = random.Random(seed)
    started = time.perf_counter()
    empty_database(url)
    app = data_app(url)
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        drive = drives.load_drive(DEFAULT_DRIVE)
        if shape == "national":
            made_units = make_national_units(rng, units)
        else:
            made_units = make_units(rng, units)
        _, judge = make_users()
        judge_id = judge.id
        db.session.commit()
        echo(f"{len(made_units) + 1} units in {time.perf_counter() - started:.1f} s")
        loaded = load_entries(entry_rows(rng, drive, made_units, judge_id, entries))
        make_reports(rng, drive.id, made_units)
        db.session.commit()
        echo(f"{loaded} entries in {time.perf_counter() - started:.1f} s")
        tallies = standings.rebuild(drive)
        db.session.commit()
        analyse()
        db.session.commit()
        verified = db.session.scalar(
            select(func.count()).select_from(Entry).where(Entry.status == EntryStatus.VERIFIED))
        echo(f"{tallies} tallies rebuilt, {verified} verified entries; "
             f"done in {time.perf_counter() - started:.1f} s")
        db.session.remove()
        db.engine.dispose()
    return {"units": len(made_units) + 1, "entries": loaded, "tallies": tallies}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not args.database_url:
        sys.exit("--database-url (or DATABASE_URL) is required: the database is emptied first")
    units = args.units
    if args.shape == "national" and units == parse_args([]).units:
        units = 120_000
    generate(args.database_url, units, args.entries, args.seed, shape=args.shape)


if __name__ == "__main__":
    main()
