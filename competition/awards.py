"""Who is proposed for which award: plain data in, proposed lists out (no Flask, no database).

The rules of commendation (khen thưởng) from a published result snapshot:

- Award rules are taken in their `order`, the highest award first. A unit
  gets the highest award it qualifies for, and only that one.
- A rule applies to one block, or — with no block — to every block
  separately (ranks are only comparable inside a block), `max_units` per block.
- A unit qualifies when its classification is at least `min_classification`
  and, if the rule sets `min_percent`, its percent is at least that value.
- Qualifying units are taken in rank order up to `max_units`. When the last
  place falls inside a tie (units sharing a rank), the tied units are not
  split by name or by chance: they are all flagged `tied` for a human to
  decide, and units ranked above the tie are proposed. A tied unit is held
  for its higher award and not offered a lower one automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from competition.scoring import Classification

# Lowest to highest: a rule's minimum is met by its own grade and every grade above it.
CLASSIFICATION_ORDER = [
    Classification.FAILED,
    Classification.PASSED,
    Classification.GOOD,
    Classification.EXCELLENT,
]
CLASSIFICATION_CODES = [c.value for c in CLASSIFICATION_ORDER]


class Proposal(StrEnum):
    """How a unit stands on a proposed list."""

    PROPOSED = "proposed"  # within max_units, proposed by the rule
    TIED = "tied"  # in a tie across the last place: a human decides


@dataclass(frozen=True)
class AwardRule:
    """An award rule of a drive (drive data, see docs/drive-format.md)."""

    code: str
    name: str
    max_units: int
    min_classification: str
    block: str | None = None  # None: every block, max_units each
    min_percent: Decimal | None = None
    level: str = ""
    order: int = 0


@dataclass(frozen=True)
class Candidate:
    """One line of a proposed list, with the figures the proposal shows."""

    award: str
    block: str
    rank: int
    unit_code: str
    unit_name: str
    total: Decimal
    percent: Decimal
    classification: str
    status: Proposal


def rule_problems(rule: dict[str, Any], block_codes: set[str]) -> list[tuple[str, str]]:
    """What is wrong with an award rule's values, as (field, Vietnamese message) pairs.

    The TOML loader and the admin form both ask this, so they refuse the same things.
    """
    problems = []
    block = rule.get("block")
    if block and block not in block_codes:
        problems.append(("block", f"khối «{block}» không có trong đợt thi đua"))
    if rule.get("min_classification") not in CLASSIFICATION_CODES:
        problems.append((
            "min_classification",
            f"xếp loại «{rule.get('min_classification')}» không tồn tại; dùng một trong "
            + ", ".join(CLASSIFICATION_CODES),
        ))
    max_units = rule.get("max_units")
    if isinstance(max_units, bool) or not isinstance(max_units, int):
        problems.append(("max_units", "số đơn vị tối đa phải là số nguyên"))
    elif max_units < 0:
        problems.append(("max_units", "số đơn vị tối đa không được nhỏ hơn 0"))
    min_percent = rule.get("min_percent")
    if min_percent is not None:
        try:
            value = Decimal(str(min_percent))
        except InvalidOperation:
            value = None
        if isinstance(min_percent, bool) or value is None or not value.is_finite() \
                or not 0 <= value <= 100:
            problems.append(("min_percent", "tỷ lệ tối thiểu phải là số từ 0 đến 100"))
    return problems


def qualifies(rule: AwardRule, classification: str, percent: Decimal) -> bool:
    """The unit's grade and percent reach the rule's minimums (each at its exact value)."""
    if CLASSIFICATION_CODES.index(classification) < CLASSIFICATION_CODES.index(
            rule.min_classification):
        return False
    return rule.min_percent is None or percent >= rule.min_percent


def _take(rule: AwardRule, block: str, eligible: list[dict]) -> list[Candidate]:
    """The first `max_units` of `eligible` (in rank order); a tie across the last place is flagged."""
    if rule.max_units <= 0 or not eligible:
        return []
    if len(eligible) <= rule.max_units:
        chosen, tied_rank = eligible, None
    else:
        last, first_out = eligible[rule.max_units - 1], eligible[rule.max_units]
        if first_out["rank"] == last["rank"]:
            tied_rank = last["rank"]
            chosen = [row for row in eligible if row["rank"] <= tied_rank]
        else:
            tied_rank, chosen = None, eligible[:rule.max_units]
    return [
        Candidate(
            award=rule.code, block=block, rank=row["rank"], unit_code=row["unit_code"],
            unit_name=row["unit_name"], total=Decimal(row["total"]),
            percent=Decimal(row["percent"]), classification=row["classification"],
            status=Proposal.TIED if row["rank"] == tied_rank else Proposal.PROPOSED,
        )
        for row in chosen
    ]


def propose(rules: list[AwardRule], snapshot: dict[str, Any]) -> dict[str, list[Candidate]]:
    """The proposed list of every award (by code), from a snapshot payload.

    Lists are in the order of the snapshot's blocks, then rank, then name.
    """
    blocks = snapshot["blocks"]
    taken: set[str] = set()
    proposal: dict[str, list[Candidate]] = {}
    for rule in sorted(rules, key=lambda r: r.order):
        lines: list[Candidate] = []
        for block in blocks:
            if rule.block is not None and block["code"] != rule.block:
                continue
            standings = sorted(block["standings"], key=lambda s: (s["rank"], s["unit_name"]))
            eligible = [
                row for row in standings
                if row["unit_code"] not in taken
                and qualifies(rule, row["classification"], Decimal(row["percent"]))
            ]
            lines += _take(rule, block["code"], eligible)
        taken.update(line.unit_code for line in lines)
        proposal[rule.code] = lines
    return proposal
