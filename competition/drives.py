"""Loading a drive definition (TOML; see docs/drive-format.md) into the database.

A drive's criteria and targets are data the federation edits, never code.
Loading is an upsert by codes: the drive by its code, phases and criteria by
theirs within the drive, blocks by theirs. Criteria missing from the file are
retired, not deleted, so entries never lose their criterion.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from competition import audit, awards, clock, standings
from competition.extensions import db
from competition.models import AwardRule, Block, Criterion, Drive, Phase, Target
from competition.problems import InvalidData, Problem
from competition.scoring import ROLLUP_MEASURES, Measure, RankBy

MEASURES = {m.value for m in Measure}


class _Reader:
    """Reads typed values out of the parsed TOML, collecting problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, None, where, message))

    def text(self, table: dict, key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "thiếu giá trị bắt buộc")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}.{key}", "phải là chuỗi ký tự không rỗng")
            return ""
        return value.strip()

    def day(self, table: dict, key: str, where: str, required: bool = True) -> date | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "thiếu ngày (dạng YYYY-MM-DD)")
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(f"{where}.{key}", "phải là ngày dạng YYYY-MM-DD")
            return None
        return value

    def moment(self, table: dict, key: str, where: str) -> datetime | None:
        value = table.get(key)
        if value is None:
            return None
        # A local date-time is Vietnam time; one with an offset says its own zone.
        if isinstance(value, datetime):
            return clock.from_local(value)
        if isinstance(value, date):
            return clock.end_of_day(value)
        self.fail(f"{where}.{key}", "phải là thời điểm dạng YYYY-MM-DDTHH:MM:SS")
        return None

    def decimal(
        self, table: dict, key: str, where: str, default: Any = None, minimum: int = 0
    ) -> Decimal | None:
        value = table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool):
            self.fail(f"{where}.{key}", "phải là số")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{where}.{key}", "phải là số")
            return None
        if not number.is_finite() or number < minimum:
            self.fail(f"{where}.{key}", f"phải là số không nhỏ hơn {minimum}")
            return None
        return number


def _read_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.11 gives the place only inside the message: "(at line 3, column 9)".
        found = re.search(r"at line (\d+)", str(error))
        line = int(found.group(1)) if found else None
        raise InvalidData([Problem(file, line, "", f"TOML không hợp lệ: {error}")]) from None


def _settings(r: _Reader, raw: dict[str, Any]) -> dict[str, Any]:
    """The `[drive]` table: the drive's own settings."""
    drive_table = raw.get("drive")
    if not isinstance(drive_table, dict):
        raise InvalidData([Problem(r.file, None, "drive", "thiếu bảng [drive]")])
    thresholds = drive_table.get("thresholds", {})
    drive = {
        "code": r.text(drive_table, "code", "drive"),
        "title": r.text(drive_table, "title", "drive"),
        "issuer": r.text(drive_table, "issuer", "drive"),
        "place": r.text(drive_table, "place", "drive", required=False) or "Cao Bằng",
        "issued_on": r.day(drive_table, "issued_on", "drive", required=False),
        "starts_on": r.day(drive_table, "starts_on", "drive"),
        "ends_on": r.day(drive_table, "ends_on", "drive"),
        "election_day": r.day(drive_table, "election_day", "drive", required=False),
        "freeze_at": r.moment(drive_table, "freeze_at", "drive"),
        "submissions_close_at": r.moment(drive_table, "submissions_close_at", "drive"),
        "appeal_days": r.decimal(drive_table, "appeal_days", "drive", 5, 0),
        "report_deadline_day": r.decimal(drive_table, "report_deadline_day", "drive", 5, 1),
        "threshold_excellent": r.decimal(thresholds, "excellent", "drive.thresholds", 90),
        "threshold_good": r.decimal(thresholds, "good", "drive.thresholds", 70),
        "threshold_passed": r.decimal(thresholds, "passed", "drive.thresholds", 50),
        "rank_by": r.text(drive_table, "rank_by", "drive", required=False) or RankBy.TOTAL,
        "signer_title": r.text(drive_table, "signer_title", "drive", required=False)
        or "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
        "signer_name": r.text(drive_table, "signer_name", "drive", required=False),
        "archive_note": r.text(drive_table, "archive_note", "drive", required=False)
        or "VT, Ban TGNC",
    }
    if drive["rank_by"] not in {b.value for b in RankBy}:
        r.fail("drive.rank_by", "phải là total (xếp theo tổng điểm) hoặc percent (theo tỷ lệ %)")
    if drive["starts_on"] and drive["ends_on"] and drive["starts_on"] > drive["ends_on"]:
        r.fail("drive.ends_on", "ngày kết thúc trước ngày bắt đầu")
    if drive["appeal_days"] is not None and (drive["appeal_days"] > 60
                                             or drive["appeal_days"] != int(drive["appeal_days"])):
        r.fail("drive.appeal_days", "số ngày khiếu nại phải là số nguyên từ 0 đến 60")
    elif drive["appeal_days"] is not None:
        drive["appeal_days"] = int(drive["appeal_days"])
    if drive["report_deadline_day"] is not None and drive["report_deadline_day"] > 28:
        r.fail("drive.report_deadline_day", "hạn báo cáo phải từ ngày 1 đến ngày 28")
    t = [drive["threshold_excellent"], drive["threshold_good"], drive["threshold_passed"]]
    if None not in t and not (100 >= t[0] >= t[1] >= t[2]):
        r.fail("drive.thresholds", "ngưỡng phải giảm dần: xuất sắc ≥ tốt ≥ hoàn thành, tối đa 100")
    return drive


def _phases(r: _Reader, raw: dict[str, Any]) -> list[dict[str, Any]]:
    phases = []
    for i, table in enumerate(raw.get("phases", [])):
        where = f"phases[{i + 1}]"
        phase = {
            "code": r.text(table, "code", where),
            "name": r.text(table, "name", where),
            "description": r.text(table, "description", where, required=False),
            "starts_on": r.day(table, "starts_on", where),
            "ends_on": r.day(table, "ends_on", where),
            "position": i,
        }
        if phase["starts_on"] and phase["ends_on"] and phase["starts_on"] > phase["ends_on"]:
            r.fail(f"{where}.ends_on", "ngày kết thúc trước ngày bắt đầu")
        phases.append(phase)
    _unique(r, phases, "phases")
    return phases


def parse_copy_settings(text: str, file: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The new drive's `[drive]` table and `[[phases]]` for `drive copy`; the rules come from
    the source drive, so a file that also defines criteria, blocks or awards is refused."""
    raw = _read_toml(text, file)
    r = _Reader(file)
    settings = _settings(r, raw)
    phases = _phases(r, raw)
    for table in ("criteria", "blocks", "awards"):
        if table in raw:
            r.fail(table, "khi sao chép, tiêu chí, khối và khen thưởng lấy từ đợt nguồn; "
                          "hãy bỏ bảng này khỏi tệp (hoặc dùng `drive load`)")
    if r.problems:
        raise InvalidData(r.problems)
    for whole in ("report_deadline_day", "appeal_days"):
        settings[whole] = int(settings[whole])
    return settings, phases


def parse_drive(text: str, file: str) -> dict[str, Any]:
    """Parse and check a drive definition; raises `InvalidData` listing every problem."""
    raw = _read_toml(text, file)
    r = _Reader(file)
    drive = _settings(r, raw)

    blocks = []
    for i, table in enumerate(raw.get("blocks", [])):
        where = f"blocks[{i + 1}]"
        blocks.append({
            "code": r.text(table, "code", where),
            "name": r.text(table, "name", where),
            "position": i,
        })
    _unique(r, blocks, "blocks")
    block_codes = {b["code"] for b in blocks}
    phases = _phases(r, raw)

    criteria = []
    for i, table in enumerate(raw.get("criteria", [])):
        where = f"criteria[{i + 1}]"
        measure = r.text(table, "measure", where)
        if measure and measure not in MEASURES:
            r.fail(f"{where}.measure", f"«{measure}» không phải là một trong {sorted(MEASURES)}")
        criterion = {
            "code": r.text(table, "code", where),
            "name": r.text(table, "name", where),
            "group": r.text(table, "group", where, required=False),
            "measure": measure,
            "unit_label": r.text(table, "unit_label", where, required=False),
            "max_points": r.decimal(table, "points", where),
            "default_target": r.decimal(table, "target", where),
            "cap": r.decimal(table, "cap", where, 1),
            "penalty_per_item": r.decimal(table, "penalty_per_item", where),
            "is_propaganda": bool(table.get("propaganda", False)),
            "rollup": bool(table.get("rollup", False)),
            "position": i,
            "block_targets": {},
        }
        if criterion["max_points"] is None and "points" not in table:
            r.fail(f"{where}.points", "thiếu số điểm tối đa")
        if criterion["is_propaganda"] and measure not in ("count", ""):
            r.fail(f"{where}.propaganda", "chỉ tiêu chí đếm (count) mới là tiêu chí tuyên truyền")
        if criterion["rollup"] and measure and measure not in ROLLUP_MEASURES:
            r.fail(f"{where}.rollup", "chỉ tiêu chí count, percent hoặc yes_no mới cộng dồn "
                                      "được từ đơn vị cấp dưới")
        for block in table.get("block_targets", {}):
            if block not in block_codes:
                r.fail(f"{where}.block_targets.{block}", f"khối «{block}» không có trong [[blocks]]")
                continue
            criterion["block_targets"][block] = r.decimal(
                table["block_targets"], block, f"{where}.block_targets"
            )
        criteria.append(criterion)
    _unique(r, criteria, "criteria")
    if not criteria:
        r.fail("criteria", "đợt thi đua cần ít nhất một tiêu chí")
    award_rules = _award_rules(r, raw.get("awards", []), block_codes)
    if r.problems:
        raise InvalidData(r.problems)
    return {"drive": drive, "blocks": blocks, "phases": phases, "criteria": criteria,
            "awards": award_rules}


def _award_rules(r: _Reader, tables: list[dict], block_codes: set[str]) -> list[dict]:
    """`[[awards]]`: checked by the same rule as the admin form (`awards.rule_problems`)."""
    rules = []
    for i, table in enumerate(tables):
        where = f"awards[{i + 1}]"
        rule = {
            "code": r.text(table, "code", where),
            "name": r.text(table, "name", where),
            "level": r.text(table, "level", where, required=False),
            "block": table.get("block") or None,
            "max_units": table.get("max_units"),
            "min_classification": table.get("min_classification"),
            "min_percent": table.get("min_percent"),
        }
        problems = awards.rule_problems(rule, block_codes)
        for field, message in problems:
            r.fail(f"{where}.{field}", message)
        order = table.get("order", i + 1)
        if isinstance(order, bool) or not isinstance(order, int):
            r.fail(f"{where}.order", "thứ tự phải là số nguyên")
            order = i + 1
        rule["position"] = order
        if rule["min_percent"] is not None and "min_percent" not in dict(problems):
            rule["min_percent"] = Decimal(str(rule["min_percent"]))
        rules.append(rule)
    _unique(r, rules, "awards")
    return sorted(rules, key=lambda rule: rule["position"])


def _unique(r: _Reader, rows: list[dict], where: str) -> None:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row["code"] in seen:
            r.fail(f"{where}[{i + 1}].code", f"mã «{row['code']}» bị trùng")
        seen.add(row["code"])


def load_drive(path: Path) -> Drive:
    """Load a drive definition file in one transaction and make it the active drive."""
    definition = parse_drive(path.read_text(encoding="utf-8"), str(path))
    drive = apply_definition(definition)
    db.session.commit()
    return drive


def apply_definition(definition: dict[str, Any]) -> Drive:
    """Upsert a parsed definition into the session (the caller commits)."""
    values = dict(definition["drive"])
    values["report_deadline_day"] = int(values["report_deadline_day"])
    drive = db.session.scalars(select(Drive).where(Drive.code == values["code"])).first()
    created = drive is None
    if created:
        drive = Drive(**values)
        db.session.add(drive)
    else:
        for key, value in values.items():
            setattr(drive, key, value)
    for other in db.session.scalars(select(Drive).where(Drive.code != values["code"])):
        other.is_active = False
    drive.is_active = True

    blocks = {b.code: b for b in db.session.scalars(select(Block))}
    for row in definition["blocks"]:
        block = blocks.get(row["code"]) or Block(code=row["code"])
        block.name, block.position = row["name"], row["position"]
        db.session.add(block)
        blocks[row["code"]] = block

    phases = {p.code: p for p in drive.phases}
    for row in definition["phases"]:
        phase = phases.get(row["code"]) or Phase(code=row["code"], drive=drive)
        for key, value in row.items():
            setattr(phase, key, value)
        db.session.add(phase)

    existing = {c.code: c for c in drive.criteria}
    for row in definition["criteria"]:
        row = dict(row)
        block_targets = row.pop("block_targets")
        criterion = existing.pop(row["code"], None) or Criterion(code=row["code"], drive=drive)
        for key, value in row.items():
            setattr(criterion, key, value)
        criterion.retired = False
        db.session.add(criterion)
        db.session.flush()
        current = {t.block_id: t for t in criterion.targets if t.unit_id is None}
        for block_code, value in block_targets.items():
            block = blocks[block_code]
            target = current.get(block.id) or Target(criterion=criterion, block=block)
            target.value = value
            db.session.add(target)
    for leftover in existing.values():
        leftover.retired = True
    _apply_award_rules(drive, definition.get("awards", []), blocks)
    db.session.flush()
    audit.record(
        "drive.create" if created else "drive.load", drive,
        after={"code": drive.code, "criteria": [c["code"] for c in definition["criteria"]]},
        actor_name="cli",
    )
    standings.bump_version(drive.id)
    return drive


def _apply_award_rules(drive: Drive, rows: list[dict], blocks: dict[str, Block]) -> None:
    """Upsert the award rules by code; rules missing from the file are removed, unless a
    commendation already names them (then they stay, as the record of that decision)."""
    from competition.commendation.services import rule_in_use

    existing = {rule.code: rule for rule in drive.award_rules}
    for position, row in enumerate(rows):
        rule = existing.pop(row["code"], None) or AwardRule(code=row["code"])
        rule.name, rule.level = row["name"], row["level"]
        rule.block = blocks[row["block"]] if row["block"] else None
        rule.max_units, rule.min_classification = row["max_units"], row["min_classification"]
        rule.min_percent, rule.position = row["min_percent"], position
        if rule not in drive.award_rules:
            drive.award_rules.append(rule)
    for leftover in existing.values():
        if not rule_in_use(leftover):
            drive.award_rules.remove(leftover)
