"""The drive's rules as data a reader can follow: the rules page and a unit's "why" table.

Both read the same facts the board is scored from (`standings.scoring_input`)
and the same pure rules (`scoring.explain`), so what the pages say is what
the board computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from competition import scoring, standings
from competition.extensions import db
from competition.models import Block, Criterion, Drive, Target


@dataclass(frozen=True)
class CriterionRules:
    """One criterion as the rules page lists it: its numbers and its targets per block."""

    criterion: Criterion
    block_targets: dict[str, Decimal]  # block code → target
    unit_overrides: int  # units with a target of their own


def drive_rules(drive: Drive) -> list[CriterionRules]:
    """Every scored criterion of the drive with the targets each block has (two queries)."""
    per_block: dict[str, dict[str, Decimal]] = {}
    for code, block, value in db.session.execute(
        select(Criterion.code, Block.code, Target.value)
        .select_from(Target)
        .join(Criterion, Target.criterion_id == Criterion.id)
        .join(Block, Target.block_id == Block.id)
        .where(Criterion.drive_id == drive.id, Target.unit_id.is_(None))
    ):
        per_block.setdefault(code, {})[block] = Decimal(value)
    overrides = dict(db.session.execute(
        select(Criterion.code, func.count())
        .select_from(Target)
        .join(Criterion, Target.criterion_id == Criterion.id)
        .where(Criterion.drive_id == drive.id, Target.unit_id.is_not(None))
        .group_by(Criterion.code)
    ).all())
    return [CriterionRules(c, per_block.get(c.code, {}), overrides.get(c.code, 0))
            for c in standings.scored_criteria(drive)]


def unit_explanations(
    drive: Drive, unit_code: str, cutoff: datetime | None
) -> tuple[scoring.UnitFacts, list[scoring.Explanation]]:
    """Why `unit_code` has its points on the board as of `cutoff` (None: live)."""
    data = standings.scoring_input(drive, cutoff, standings.Only(codes=(unit_code,)))
    facts = next(u for u in data.units if u.code == unit_code)
    return facts, scoring.explain(facts, data)
