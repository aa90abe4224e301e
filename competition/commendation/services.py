"""Every change of a drive's award rules and commendation list, in one place.

Each function checks what the issue of a commendation requires (a published
result, a written reason, an unlocked list, an unused decision number),
records the audit event, and leaves the commit to the caller, like the entry
life cycle. A refusal raises `CommendationError` with the Vietnamese
message to show, before anything is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competition import audit, awards, standings
from competition.clock import now, today
from competition.extensions import db
from competition.models import (
    AwardRule,
    Block,
    Commendation,
    CommendationItem,
    Drive,
    ResultSnapshot,
    Unit,
    User,
)
from competition.results import current_snapshot

DEFAULT_SIGNER_TITLE = "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"


class CommendationError(Exception):
    """A refused change: `message` is shown to the admin, `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# --- Award rules ------------------------------------------------------------


def rule_in_use(rule: AwardRule) -> bool:
    """A commendation list names the rule: it stays, as the record of that list."""
    if rule.id is None:
        return False
    return db.session.scalar(
        select(func.count()).select_from(CommendationItem)
        .where(CommendationItem.award_rule_id == rule.id)) > 0


def _refuse_when_decided(drive: Drive) -> None:
    if decided(drive) is not None:
        raise CommendationError(
            "Quyết định khen thưởng của đợt này đã ban hành: không sửa quy định khen thưởng nữa.")


def rule_values_problems(drive: Drive, rule: AwardRule | None,
                         values: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's problems: the shared rule check plus a code unique within the drive."""
    blocks = {b.code for b in db.session.scalars(select(Block))}
    problems = awards.rule_problems(values, blocks)
    clash = next((r for r in drive.award_rules if r.code == values["code"] and r is not rule), None)
    if clash is not None:
        problems.append(("code", f"mã «{values['code']}» đã có trong đợt thi đua"))
    return problems


def save_rule(drive: Drive, rule: AwardRule | None, values: dict[str, Any],
              actor: User) -> AwardRule:
    """Create or update an award rule from checked values (see `rule_values_problems`)."""
    _refuse_when_decided(drive)
    block = (db.session.scalars(select(Block).where(Block.code == values["block"])).first()
             if values.get("block") else None)
    fields = {
        "code": values["code"], "name": values["name"], "level": values.get("level") or "",
        "block_id": block.id if block else None, "max_units": values["max_units"],
        "min_classification": values["min_classification"],
        "min_percent": (Decimal(str(values["min_percent"]))
                        if values.get("min_percent") is not None else None),
    }
    before = None
    if rule is None:
        rule = AwardRule(position=len(drive.award_rules), **fields)
        drive.award_rules.append(rule)
    else:
        before = {name: getattr(rule, name) for name in fields}
        for name, value in fields.items():
            setattr(rule, name, value)
    db.session.flush()
    audit.record("award_rule.create" if before is None else "award_rule.update", rule,
                 before=before, after=fields, actor=actor)
    return rule


def delete_rule(rule: AwardRule, actor: User) -> None:
    _refuse_when_decided(rule.drive)
    if rule_in_use(rule):
        raise CommendationError("Hình thức khen thưởng này đã có trong danh sách đề nghị; "
                                "không xóa được.")
    audit.record("award_rule.delete", rule, before={"code": rule.code, "name": rule.name},
                 actor=actor)
    rule.drive.award_rules.remove(rule)


def move_rule(rule: AwardRule, direction: str, actor: User) -> None:
    """Give the award earlier or later (the highest award is given first)."""
    _refuse_when_decided(rule.drive)
    rules = list(rule.drive.award_rules)
    index = rules.index(rule)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
        for position, item in enumerate(rules):
            item.position = position
        audit.record("award_rule.move", rule, after={"order": [r.code for r in rules]},
                     actor=actor)


def pure_rules(drive: Drive) -> list[awards.AwardRule]:
    return [
        awards.AwardRule(
            code=r.code, name=r.name, level=r.level, max_units=r.max_units,
            min_classification=r.min_classification, min_percent=r.min_percent,
            block=r.block.code if r.block else None, order=r.position,
        )
        for r in drive.award_rules
    ]


# --- The commendation list --------------------------------------------------


# A list is read whole: its lines with their unit and award in two more queries, not one per line.
WITH_ITEMS = selectinload(Commendation.items).options(
    selectinload(CommendationItem.unit), selectinload(CommendationItem.award_rule))


def latest(drive: Drive) -> Commendation | None:
    """The drive's newest commendation (decided or still a proposal)."""
    return db.session.scalars(
        select(Commendation).where(Commendation.drive_id == drive.id)
        .options(WITH_ITEMS).order_by(Commendation.id.desc())).first()


def decided(drive: Drive) -> Commendation | None:
    """The drive's commendation whose decision is issued, if any."""
    return db.session.scalars(
        select(Commendation).where(Commendation.drive_id == drive.id,
                                   Commendation.decision_number.is_not(None))
        .options(WITH_ITEMS).order_by(Commendation.id.desc())).first()


def _published(drive: Drive) -> ResultSnapshot:
    snapshot = current_snapshot(drive)
    if snapshot is None:
        raise CommendationError("Kết quả chưa được công bố: chỉ đề xuất khen thưởng từ kết "
                                "quả chính thức đã công bố.")
    return snapshot


def propose(drive: Drive, actor: User) -> Commendation:
    """Draw the lists from the current published snapshot; an earlier undecided proposal is
    replaced (after a withdrawal and republication, say)."""
    snapshot = _published(drive)
    if decided(drive) is not None:
        raise CommendationError("Quyết định khen thưởng đã ban hành: danh sách đã khóa.")
    if not drive.award_rules:
        raise CommendationError("Đợt thi đua chưa có quy định khen thưởng nào.")
    previous = latest(drive)
    if previous is not None:
        audit.record("commendation.replace", previous, actor=actor,
                     before={"snapshot": previous.snapshot.number,
                             "units": [i.unit.code for i in previous.items if i.on_list]})
        db.session.delete(previous)
        db.session.flush()
    commendation = Commendation(
        drive_id=drive.id, snapshot=snapshot,
        proposed_by_id=actor.id, signer_title=DEFAULT_SIGNER_TITLE,
    )
    db.session.add(commendation)
    rules = {r.code: r for r in drive.award_rules}
    proposal = awards.propose(pure_rules(drive), snapshot.payload)
    codes = {c.unit_code for lines in proposal.values() for c in lines}
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    position = 0
    for code, lines in proposal.items():
        for line in lines:
            commendation.items.append(CommendationItem(
                award_rule=rules[code], unit=units[line.unit_code], block_code=line.block,
                rank=line.rank, total=line.total, percent=line.percent,
                classification=line.classification, status=line.status.value, reason="",
                position=position,
            ))
            position += 1
    db.session.flush()
    audit.record("commendation.propose", commendation, actor=actor, after={
        "snapshot": snapshot.number, "sha256": snapshot.sha256,
        "lists": {code: [f"{c.unit_code}:{c.status}" for c in lines]
                  for code, lines in proposal.items()},
    })
    return commendation


def _open(commendation: Commendation) -> None:
    if commendation.locked:
        raise CommendationError(
            f"Danh sách đã khóa theo Quyết định số {commendation.decision_number}; không sửa được.")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CommendationError("Hãy ghi lý do cho thay đổi này.", status=400)
    return reason


def remove_unit(commendation: Commendation, item: CommendationItem, reason: str,
                actor: User) -> None:
    """Take a unit off the list (or settle a tie against it), with a written reason."""
    _open(commendation)
    reason = _reason(reason)
    if item.status == "removed":
        raise CommendationError("Đơn vị này đã được bỏ khỏi danh sách.")
    before = {"status": item.status, "award": item.award_rule.code}
    item.status, item.reason = "removed", reason
    audit.record("commendation.remove", commendation, unit_id=item.unit_id, reason=reason,
                 before=before, after={"status": "removed", "unit": item.unit.code},
                 actor=actor)


def _snapshot_row(payload: dict, unit_code: str) -> tuple[str, dict] | None:
    for block in payload["blocks"]:
        for row in block["standings"]:
            if row["unit_code"] == unit_code:
                return block["code"], row
    return None


def add_unit(commendation: Commendation, rule: AwardRule, unit: Unit, reason: str,
             actor: User, payload: dict) -> CommendationItem:
    """Put a unit of the published result on an award's list (or settle a tie for it)."""
    _open(commendation)
    reason = _reason(reason)
    if rule.drive_id != commendation.drive_id:
        raise CommendationError("Hình thức khen thưởng không thuộc đợt thi đua này.", 404)
    found = _snapshot_row(payload, unit.code)
    if found is None:
        raise CommendationError("Đơn vị không có trong kết quả đã công bố.", status=400)
    block_code, row = found
    item = next((i for i in commendation.items if i.unit_id == unit.id), None)
    if item is not None and item.on_list:
        raise CommendationError(
            f"{unit.name} đã có trong danh sách «{item.award_rule.name}»; mỗi đơn vị chỉ nhận "
            "một hình thức khen thưởng.")
    before = {"status": item.status, "award": item.award_rule.code} if item else None
    if item is None:
        item = CommendationItem(unit=unit, position=len(commendation.items))
        commendation.items.append(item)
    item.award_rule, item.block_code, item.rank = rule, block_code, row["rank"]
    item.total, item.percent = Decimal(row["total"]), Decimal(row["percent"])
    item.classification, item.status, item.reason = row["classification"], "added", reason
    db.session.flush()
    audit.record("commendation.add", commendation, unit_id=unit.id, reason=reason,
                 before=before, after={"status": "added", "award": rule.code, "unit": unit.code},
                 actor=actor)
    return item


@dataclass(frozen=True)
class DecisionInput:
    number: str
    day: date | None
    signer_title: str
    signer_name: str
    proposal_number: str = ""


def save_details(commendation: Commendation, values: DecisionInput, actor: User) -> None:
    """Keep the papers' numbers and signer before the decision (the tờ trình prints them)."""
    _open(commendation)
    before = {"proposal_number": commendation.proposal_number,
              "signer_title": commendation.signer_title, "signer_name": commendation.signer_name}
    commendation.proposal_number = values.proposal_number.strip()
    commendation.signer_title = values.signer_title.strip() or DEFAULT_SIGNER_TITLE
    commendation.signer_name = values.signer_name.strip()
    audit.record("commendation.details", commendation, actor=actor, before=before, after={
        "proposal_number": commendation.proposal_number,
        "signer_title": commendation.signer_title, "signer_name": commendation.signer_name})


def issue_decision(commendation: Commendation, values: DecisionInput, actor: User) -> None:
    """Lock the list with the decision's number and date; the documents then carry them."""
    _open(commendation)
    number = values.number.strip()
    if not number:
        raise CommendationError("Hãy nhập số quyết định.", status=400)
    if values.day is None:
        raise CommendationError("Hãy nhập ngày ký quyết định.", status=400)
    if values.day > today():
        raise CommendationError("Ngày ký quyết định không được sau hôm nay.", status=400)
    if not values.signer_name.strip():
        raise CommendationError("Hãy nhập họ tên người ký.", status=400)
    used = db.session.scalar(select(Commendation.id).where(
        Commendation.decision_number == number, Commendation.id != commendation.id))
    if used is not None:
        raise CommendationError(f"Số quyết định «{number}» đã được dùng.")
    undecided = [i.unit.name for i in commendation.items if i.status == "tied"]
    if undecided:
        raise CommendationError("Còn đơn vị đồng hạng ở vị trí cuối chưa được quyết định: "
                                + "; ".join(undecided) + ".")
    if not any(i.on_list for i in commendation.items):
        raise CommendationError("Danh sách khen thưởng đang trống.")
    snapshot = _published(commendation.drive)
    if snapshot.id != commendation.snapshot_id:
        raise CommendationError(
            f"Kết quả đã được công bố lại (lần {snapshot.number}); hãy đề xuất lại danh sách "
            "từ kết quả mới.")
    commendation.decision_number, commendation.decision_date = number, values.day
    commendation.signer_title = values.signer_title.strip() or DEFAULT_SIGNER_TITLE
    commendation.signer_name = values.signer_name.strip()
    commendation.proposal_number = values.proposal_number.strip()
    commendation.decided_at, commendation.decided_by_id = now(), actor.id
    # The public official result now shows the awards: its cached pages are stale.
    standings.bump_version(commendation.drive_id)
    audit.record("commendation.decide", commendation, actor=actor, after={
        "number": number, "date": values.day, "signer": commendation.signer_name,
        "units": [f"{i.award_rule.code}:{i.unit.code}" for i in commendation.items if i.on_list],
    })


def awarded(commendation: Commendation) -> dict[AwardRule, list[CommendationItem]]:
    """The final lists by award, in award order, then block, rank and name."""
    positions = {b.code: b.position for b in db.session.scalars(select(Block))}
    result: dict[AwardRule, list[CommendationItem]] = {}
    for rule in sorted({i.award_rule for i in commendation.items if i.on_list},
                       key=lambda r: r.position):
        result[rule] = sorted((i for i in commendation.items
                               if i.on_list and i.award_rule is rule),
                              key=lambda i: (positions.get(i.block_code, 0), i.rank or 0,
                                             i.unit.name))
    return result
