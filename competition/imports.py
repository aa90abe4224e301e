"""All-or-nothing imports of units, users, targets and entries from CSV or XLSX.

Each import is planned first: every row is checked and given either its
problems or the effect it would have. Only a plan without problems can be
applied, in one transaction. The command line applies at once; the admin
pages show the plan as a dry run first. Both read files through `read_rows`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from competition import audit, clock, standings
from competition.audit_words import KIND_WORDS, ROLE_WORDS, STATUS_WORDS
from competition.clock import now
from competition.entry_rules import entry_problems
from competition.extensions import db
from competition.formatting import number
from competition.models import (
    Block,
    Criterion,
    Drive,
    Entry,
    EntryStatus,
    Role,
    Target,
    Unit,
    UnitKind,
    User,
)
from competition.permissions import is_conflicted
from competition.problems import InvalidData, Problem
from competition.quantities import quantity as quantity_text
from competition.scoring import Measure

UNIT_COLUMNS = ("code", "name", "kind", "block", "parent_code", "members")
ENTRY_COLUMNS = (
    "unit_code", "criterion_code", "activity_date", "quantity", "status",
    "phase", "channel", "title", "judge",
)
IMPORTED_STATUSES = {s.value for s in EntryStatus}
USER_COLUMNS = ("username", "full_name", "role", "unit_code")
TARGET_COLUMNS = ("criterion_code", "block", "unit_code", "target")


@dataclass
class RowResult:
    line: int
    effect: str = ""
    problems: list[Problem] = field(default_factory=list)
    # Not errors: the row can be written, but the person importing should look twice.
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do, row by row; `apply` writes it (the caller commits)."""

    file: str
    rows: list[RowResult]
    problems: list[Problem]
    apply: Callable[[], int]
    # Passwords a users import generated, by username: shown once, never stored in clear.
    issued: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(data: bytes, file: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file, with their line numbers."""
    if file.lower().endswith(".xlsx"):
        return _xlsx_rows(data, file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidData([Problem(file, None, "", "tệp phải được lưu với mã UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for record in reader:
        clean = {
            (k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
            for k, v in record.items()
        }
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return [(0, {"__header__": ",".join(reader.fieldnames or [])})] + rows


def _xlsx_rows(data: bytes, file: str) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception:  # openpyxl raises many types for a damaged file
        raise InvalidData([Problem(file, None, "", "không đọc được tệp XLSX")]) from None
    lines = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(lines, [])]
    rows: list[tuple[int, dict[str, str]]] = [(0, {"__header__": ",".join(header)})]
    for line_number, values in enumerate(lines, start=2):
        record = {}
        for key, value in zip(header, values, strict=False):
            if isinstance(value, datetime):
                # A date cell, or a date and time (verified_at): keep the time when it has one.
                value = (value.date().isoformat() if value.time() == datetime.min.time()
                         else value.isoformat(sep=" ", timespec="minutes"))
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            record[key] = "" if value is None else str(value).strip()
        if any(record.values()):
            rows.append((line_number, record))
    return rows


def _header(rows) -> set[str]:
    return {h.strip().lower() for h in rows[0][1]["__header__"].split(",")}


def _check_header(rows, columns, file) -> list[Problem]:
    header = _header(rows)
    missing = [c for c in columns if c not in header]
    return [Problem(file, 1, c, "thiếu cột bắt buộc") for c in missing]


def _each_row(
    rows: list[tuple[int, dict[str, str]]], file: str, results: list[RowResult]
) -> Iterator[tuple[int, dict[str, str], RowResult, Callable[[str, str], None]]]:
    """Every data row with its result (added to `results`) and a `bad(column, message)`
    that records a problem at that row, so planners only say what is wrong."""
    for line, row in rows[1:]:
        result = RowResult(line)
        results.append(result)

        def bad(column: str, message: str, result: RowResult = result, line: int = line) -> None:
            result.problems.append(Problem(file, line, column, message))

        yield line, row, result, bad


def slugify(text: str) -> str:
    """A URL slug from a Vietnamese name: 'Hòa An' → 'hoa-an'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "don-vi"


def _whole_number(value: str, allow_empty: bool = False) -> int | None | str:
    if value == "" and allow_empty:
        return None
    if re.fullmatch(r"\d{1,9}", value):
        return int(value)
    return "error"


# --- Units ----------------------------------------------------------------


def plan_units(rows: list[tuple[int, dict[str, str]]], file: str) -> ImportPlan:
    """Check unit rows (code, name, kind, block, parent_code, members[, place]) and plan the upsert."""
    problems = _check_header(rows, UNIT_COLUMNS, file)
    if problems:
        return ImportPlan(file, [], problems, lambda: 0)
    blocks = {b.code: b for b in db.session.scalars(select(Block))}
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    kinds = {k.value for k in UnitKind}
    results: list[RowResult] = []
    parsed: dict[str, dict] = {}
    for line, row, result, bad in _each_row(rows, file, results):
        code = row.get("code", "")
        if not code:
            bad("code", "thiếu mã đơn vị")
        elif code in parsed:
            bad("code", f"mã «{code}» bị trùng với dòng {parsed[code]['line']}")
        if not row.get("name"):
            bad("name", "thiếu tên đơn vị")
        if row.get("kind") not in kinds:
            bad("kind", f"loại «{row.get('kind')}» không hợp lệ; dùng một trong {sorted(kinds)}")
        if row.get("block") and row["block"] not in blocks:
            bad("block", f"khối «{row['block']}» không tồn tại")
        members = _whole_number(row.get("members", ""), allow_empty=True)
        if members == "error":
            bad("members", "số đoàn viên phải là số nguyên không âm")
        if not result.problems:
            parsed[code] = {"line": line, **row, "members": members}
            result.effect = _unit_effect(code in existing, row, blocks, members)

    parents = {code: (u.parent.code if u.parent else "") for code, u in existing.items()}
    for code, row in parsed.items():
        parents[code] = row.get("parent_code", "")
    for code, row in parsed.items():
        parent = row.get("parent_code", "")
        result = next(r for r in results if r.line == row["line"])
        if parent and parent not in parents:
            result.problems.append(
                Problem(file, row["line"], "parent_code", f"đơn vị cấp trên «{parent}» không tồn tại")
            )
        elif _has_cycle(code, parents):
            result.problems.append(
                Problem(file, row["line"], "parent_code", "quan hệ cấp trên tạo thành vòng lặp")
            )
    problems = [p for r in results for p in r.problems]

    def apply() -> int:
        units = dict(existing)
        slugs = {u.slug for u in existing.values()}
        for code, row in parsed.items():
            unit = units.get(code)
            if unit is None:
                unit = Unit(code=code, slug=_free_slug(slugify(row["name"]), slugs))
                db.session.add(unit)
                units[code] = unit
            unit.name, unit.kind, unit.member_count = row["name"], row["kind"], row["members"]
            unit.block = blocks.get(row.get("block", ""))
            if "place" in row:  # optional column: absent, the unit keeps its place
                unit.place = row["place"][:100]
        db.session.flush()
        for code, row in parsed.items():
            units[code].parent = units.get(row.get("parent_code", "")) if row.get("parent_code") else None
        audit.record("units.import", None, after={"file": file, "rows": len(parsed)},
                     actor_name="import")
        _bump_active_drive()
        return len(parsed)

    return ImportPlan(file, results, problems, apply)


def _unit_effect(exists: bool, row: dict[str, str], blocks: dict[str, Block],
                 members: int | None) -> str:
    """What a unit row will do, in words: "thêm HOAAN – LĐLĐ huyện Hòa An · Khối … · 2.900 đoàn viên"."""
    parts = [("cập nhật " if exists else "thêm ") + f"{row['code']} – {row['name']}",
             str(KIND_WORDS.get(row["kind"], row["kind"]))]
    block = blocks.get(row.get("block", ""))
    parts.append(block.name if block else "không xếp hạng")
    if members is not None:
        parts.append(f"{number(members)} đoàn viên")
    return " · ".join(parts)


def _has_cycle(code: str, parents: dict[str, str]) -> bool:
    seen = {code}
    current = parents.get(code, "")
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current, "")
    return False


def _free_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _bump_active_drive() -> None:
    drive = standings.active_drive()
    if drive is not None:
        standings.bump_version(drive.id)


# --- Entries --------------------------------------------------------------


def _entry_key(unit_id, criterion_id, day, quantity, title) -> tuple:
    return unit_id, criterion_id, day, int(quantity), " ".join(title.split()).casefold()


def _warn_duplicates(planned: list[dict]) -> None:
    """Warn about rows that repeat an entry already in the database, or an earlier row:
    same unit, criterion, date, quantity and title (one query for the file's units)."""
    if not planned:
        return
    existing: dict[tuple, int] = {}
    for entry_id, *key in db.session.execute(
        select(Entry.id, Entry.unit_id, Entry.criterion_id, Entry.activity_date, Entry.quantity,
               Entry.title)
        .where(Entry.unit_id.in_({item["unit"].id for item in planned}))
    ):
        existing.setdefault(_entry_key(*key), entry_id)
    seen: dict[tuple, int] = {}
    for item in planned:
        key = _entry_key(item["unit"].id, item["criterion"].id, item["activity_date"],
                         item["quantity"], item["title"])
        result = item["result"]
        if key in existing:
            result.warnings.append(
                f"trùng với kết quả số {existing[key]} đã có (cùng đơn vị, tiêu chí, ngày, "
                "số lượng và tên)")
        if key in seen:
            result.warnings.append(f"trùng với dòng {seen[key]} của tệp")
        seen.setdefault(key, result.line)


def _verified_at(text: str, status: str, bad: Callable[[str, str], None]) -> datetime | None:
    """The optional `verified_at` column: when a verified row was verified, in Vietnam time.

    Loading history faithfully keeps the freeze honest: an entry verified before
    the freeze counts as of the freeze. Never in the future, only on verified rows.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        wall = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        bad("verified_at", "thời điểm phải có dạng YYYY-MM-DD HH:MM (giờ Việt Nam)")
        return None
    if status != EntryStatus.VERIFIED:
        bad("verified_at", "chỉ dòng đã xác nhận (verified) mới có thời điểm xác nhận")
        return None
    moment = clock.from_local(wall)
    if moment > clock.now():
        bad("verified_at", "thời điểm xác nhận không được sau hiện tại")
        return None
    return moment


def plan_entries(rows: list[tuple[int, dict[str, str]]], file: str, drive: Drive) -> ImportPlan:
    """Check entry rows of the active drive and plan their insertion."""
    problems = _check_header(rows, ENTRY_COLUMNS, file)
    if problems:
        return ImportPlan(file, [], problems, lambda: 0)
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    criteria = {c.code: c for c in drive.criteria if not c.retired}
    phases = {p.code: p for p in drive.phases}
    judges = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.role.in_([Role.JUDGE, Role.ADMIN])))
    }
    results: list[RowResult] = []
    planned: list[dict] = []
    for _line, row, result, bad in _each_row(rows, file, results):
        unit = units.get(row.get("unit_code", ""))
        if unit is None:
            bad("unit_code", f"đơn vị «{row.get('unit_code', '')}» không tồn tại")
        criterion = criteria.get(row.get("criterion_code", ""))
        if criterion is None:
            bad("criterion_code", f"tiêu chí «{row.get('criterion_code', '')}» không tồn tại")
        try:
            activity_date = date.fromisoformat(row.get("activity_date", ""))
        except ValueError:
            activity_date = None
            bad("activity_date", "ngày phải có dạng YYYY-MM-DD")
        quantity = _whole_number(row.get("quantity", ""))
        if quantity == "error":
            bad("quantity", "số lượng phải là số nguyên không âm")
        status = row.get("status", "") or EntryStatus.SUBMITTED
        if status not in IMPORTED_STATUSES:
            bad("status", f"trạng thái «{status}» không hợp lệ")
        phase = None
        if row.get("phase"):
            phase = phases.get(row["phase"])
            if phase is None:
                bad("phase", f"đợt «{row['phase']}» không tồn tại")
        if not row.get("title"):
            bad("title", "thiếu tiêu đề")
        verified_at = _verified_at(row.get("verified_at", ""), status, bad)
        judge = None
        if status == EntryStatus.VERIFIED:
            judge = judges.get(row.get("judge", ""))
            if judge is None:
                bad("judge", "dòng đã xác nhận cần tên đăng nhập của thành viên tổ thẩm định")
            elif unit is not None and is_conflicted(judge, unit):
                bad("judge", "thành viên thẩm định không được xác nhận đơn vị của mình")
        if criterion and activity_date and quantity != "error" and not result.problems:
            for column, message in entry_problems(
                drive, criterion, activity_date, quantity, phase, row.get("channel") or None
            ):
                bad(column, message)
        if not result.problems:
            planned.append({
                "unit": unit, "criterion": criterion, "phase": phase,
                "channel": row.get("channel") or None, "activity_date": activity_date,
                "quantity": quantity, "status": status, "title": row["title"], "judge": judge,
                "verified_at": verified_at,
            })
            result.effect = (
                f"thêm: {unit.name} · {criterion.code} {criterion.name} · "
                f"{quantity_text(quantity, criterion)} · ngày {activity_date:%d/%m/%Y} · "
                f"{STATUS_WORDS.get(status, status)}"
                + (f" (xác nhận: {judge.full_name or judge.username})" if judge else "")
            )
            planned[-1]["result"] = result
    _warn_duplicates(planned)
    problems = [p for r in results for p in r.problems]

    def apply() -> int:
        moment = now()
        touched = set()
        for item in planned:
            verified = item["status"] == EntryStatus.VERIFIED
            decided = item["status"] in (EntryStatus.VERIFIED, EntryStatus.RETURNED,
                                         EntryStatus.REJECTED)
            db.session.add(Entry(
                unit=item["unit"], criterion=item["criterion"], phase=item["phase"],
                channel=item["channel"], activity_date=item["activity_date"],
                quantity=item["quantity"], title=item["title"], status=item["status"],
                submitted_at=(item["verified_at"] or moment)
                if item["status"] != EntryStatus.DRAFT else None,
                decided_at=(item["verified_at"] or moment) if decided else None,
                decided_by=item["judge"],
                verified_at=(item["verified_at"] or moment) if verified else None,
            ))
            if verified:
                touched.add((item["unit"], item["criterion"]))
        db.session.flush()
        for unit, criterion in touched:
            standings.refresh_tally(unit.id, criterion.id)
        audit.record("entries.import", None, after={"file": file, "rows": len(planned)},
                     actor_name="import")
        standings.bump_version(drive.id)
        return len(planned)

    return ImportPlan(file, results, problems, apply)


# --- Users ----------------------------------------------------------------


def plan_users(rows: list[tuple[int, dict[str, str]]], file: str) -> ImportPlan:
    """Check user rows (username, full_name, role, unit_code[, password][, email]) and plan
    the upsert.

    New accounts get the row's password or a generated one (in `plan.issued`
    after apply) and must change it at first sign-in; existing accounts keep
    their password and get the row's name, role and unit. With an `email`
    column every account gets the row's address (a blank cell removes it);
    without one, addresses stay as they are.
    """
    from competition.accounts.passwords import password_problem
    from competition.notifications.addresses import clean_email

    problems = _check_header(rows, USER_COLUMNS, file)
    if problems:
        return ImportPlan(file, [], problems, lambda: 0)
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    existing = {u.username: u for u in db.session.scalars(select(User))}
    roles = {r.value for r in Role}
    with_email = "email" in _header(rows)
    results: list[RowResult] = []
    parsed: dict[str, dict] = {}
    for line, row, result, bad in _each_row(rows, file, results):
        username = row.get("username", "")
        if not re.fullmatch(r"[a-z0-9._\-]{3,64}", username):
            bad("username", "tên đăng nhập gồm 3–64 chữ thường không dấu, số hoặc . _ -")
        elif username in parsed:
            bad("username", f"tên «{username}» bị trùng với dòng {parsed[username]['line']}")
        role = row.get("role", "")
        if role not in roles:
            bad("role", f"vai trò «{role}» không hợp lệ; dùng một trong {sorted(roles)}")
        unit = None
        if row.get("unit_code"):
            unit = units.get(row["unit_code"])
            if unit is None:
                bad("unit_code", f"đơn vị «{row['unit_code']}» không tồn tại")
        elif role == Role.UNIT:
            bad("unit_code", "cán bộ đơn vị cần mã đơn vị")
        email = None
        try:
            email = clean_email(row.get("email", ""))
        except ValueError as error:
            bad("email", str(error))
        password = row.get("password", "")
        if password and username not in existing:
            problem = password_problem(password, username)
            if problem:
                bad("password", problem)
        if not result.problems:
            parsed[username] = {"line": line, "full_name": row.get("full_name", ""), "role": role,
                                "unit": unit, "password": password, "email": email}
            result.effect = (("cập nhật " if username in existing else "thêm ") + username
                             + f" · {ROLE_WORDS.get(role, role)}")
    problems = [p for r in results for p in r.problems]
    plan = ImportPlan(file, results, problems, lambda: 0)

    def apply() -> int:
        from competition.admin.services import new_password

        for username, row in parsed.items():
            user = existing.get(username)
            if user is None:
                user = User(username=username, must_change_password=True)
                password = row["password"] or new_password()
                user.set_password(password)
                if not row["password"]:
                    plan.issued[username] = password
                db.session.add(user)
            user.full_name, user.role, user.unit = row["full_name"], row["role"], row["unit"]
            if with_email:
                user.email = row["email"]
        audit.record("users.import", None, after={"file": file, "rows": len(parsed)},
                     actor_name="import")
        return len(parsed)

    plan.apply = apply
    return plan


# --- Targets --------------------------------------------------------------


def parse_decimal(text: str) -> Decimal | None:
    """A number typed or pasted by office staff: 12 · 12,5 · 12.5 · 1.234,5 (None when blank).

    Raises ValueError for anything that is not a non-negative number.
    """
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"\d{1,10}(\.\d{1,2})?", text):
        raise ValueError(text)
    return Decimal(text)


def set_target(
    criterion: Criterion, value: Decimal | None, *, unit: Unit | None = None,
    block: Block | None = None,
) -> Decimal | None:
    """Set (or with None remove) a unit's or a block's target override; returns the old value."""
    existing = db.session.scalars(
        select(Target).where(
            Target.criterion_id == criterion.id,
            Target.unit_id == unit.id if unit else Target.unit_id.is_(None),
            Target.block_id == block.id if block else Target.block_id.is_(None),
        )
    ).first()
    before = Decimal(existing.value) if existing else None
    if value is None:
        if existing is not None:
            db.session.delete(existing)
    elif existing is None:
        db.session.add(Target(criterion=criterion, unit=unit, block=block, value=value))
    else:
        existing.value = value
    return before


def plan_targets(rows: list[tuple[int, dict[str, str]]], file: str, drive: Drive) -> ImportPlan:
    """Check target rows (criterion_code, block, unit_code, target) and plan the overrides.

    Each row names a block or a unit (not both); an empty target removes the override.
    """
    problems = _check_header(rows, TARGET_COLUMNS, file)
    if problems:
        return ImportPlan(file, [], problems, lambda: 0)
    criteria = {c.code: c for c in drive.criteria if not c.retired}
    blocks = {b.code: b for b in db.session.scalars(select(Block))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    results: list[RowResult] = []
    planned: list[tuple[Criterion, Unit | None, Block | None, Decimal | None]] = []
    seen: dict[tuple, int] = {}
    for line, row, result, bad in _each_row(rows, file, results):
        criterion = criteria.get(row.get("criterion_code", ""))
        if criterion is None:
            bad("criterion_code", f"tiêu chí «{row.get('criterion_code', '')}» không tồn tại")
        elif criterion.measure not in (Measure.COUNT, Measure.PERCENT):
            bad("criterion_code", "chỉ tiêu chí đếm hoặc tỷ lệ mới có chỉ tiêu giao")
        block = unit = None
        if bool(row.get("block")) == bool(row.get("unit_code")):
            bad("block", "mỗi dòng ghi một khối hoặc một đơn vị (không cả hai)")
        elif row.get("block"):
            block = blocks.get(row["block"])
            if block is None:
                bad("block", f"khối «{row['block']}» không tồn tại")
        else:
            unit = units.get(row["unit_code"])
            if unit is None:
                bad("unit_code", f"đơn vị «{row['unit_code']}» không tồn tại")
        try:
            value = parse_decimal(row.get("target", ""))
        except ValueError:
            value = None
            bad("target", "chỉ tiêu phải là số không âm (để trống để bỏ chỉ tiêu riêng)")
        key = (row.get("criterion_code"), row.get("block"), row.get("unit_code"))
        if not result.problems and key in seen:
            bad("criterion_code", f"trùng với dòng {seen[key]}")
        if not result.problems:
            seen[key] = line
            planned.append((criterion, unit, block, value))
            owner = unit.name if unit else block.name
            result.effect = (f"{criterion.code} {criterion.name} · {owner}: "
                             + (f"chỉ tiêu {number(value)}" if value is not None
                                else "bỏ chỉ tiêu riêng"))
    problems = [p for r in results for p in r.problems]

    def apply() -> int:
        before, after = {}, {}
        for criterion, unit, block, value in planned:
            key = f"{criterion.code}@{'unit:' + unit.code if unit else 'block:' + block.code}"
            before[key] = set_target(criterion, value, unit=unit, block=block)
            after[key] = value
        audit.record("targets.import", drive, before=before,
                     after={"file": file, **after}, actor_name="import")
        standings.bump_version(drive.id)
        return len(planned)

    return ImportPlan(file, results, problems, apply)


def run_import(path: Path, planner: Callable[..., ImportPlan], *args) -> int:
    """Plan an import from a file and apply it in one transaction, or raise `InvalidData`."""
    rows = read_rows(path.read_bytes(), str(path))
    plan = planner(rows, str(path), *args)
    if not plan.ok:
        raise InvalidData(plan.problems)
    count = plan.apply()
    db.session.commit()
    return count
