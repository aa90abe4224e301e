"""Starting a new drive from an old one: its criteria, targets and award rules, never its entries.

The federation's next drive (the 2026 election, say) measures much the same
things; copying the last drive and editing what differs takes minutes. The
copy gets the new drive's own settings (code, title, dates), the source's
criteria still in use with their block and unit targets, and its award
rules. Blocks and units belong to the federation, not to a drive, so both
drives keep ranking the same blocks. Entries, assessments, monthly reports,
the freeze, publication and commendations stay with the source drive. The
copy becomes the active drive, as a loaded drive does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from competition import audit, standings
from competition.extensions import db
from competition.models import AwardRule, Criterion, Drive, Phase, Target, User
from competition.problems import InvalidData, Problem

CRITERION_COPIED = (
    "code", "name", "group", "measure", "unit_label", "max_points", "default_target", "cap",
    "penalty_per_item", "is_propaganda", "position",
)
AWARD_COPIED = ("code", "name", "level", "block_id", "max_units", "min_classification",
                "min_percent", "position")


def code_taken(code: str) -> bool:
    return db.session.scalar(select(Drive.id).where(Drive.code == code)) is not None


def copy_drive(source: Drive, settings: dict[str, Any], phases: list[dict[str, Any]] = (),
               actor: User | None = None, where: str = "") -> Drive:
    """A new active drive with `settings` and the source's rules (the caller commits).

    Raises `InvalidData` when the new code is already a drive's: nothing is written.
    """
    if code_taken(settings["code"]):
        raise InvalidData([Problem(where, None, "drive.code",
                                   f"mã «{settings['code']}» đã là của một đợt thi đua khác")])
    drive = Drive(**settings)
    db.session.add(drive)
    for row in phases:
        drive.phases.append(Phase(**row))
    for criterion in source.criteria:
        if criterion.retired:
            continue
        copy = Criterion(**{name: getattr(criterion, name) for name in CRITERION_COPIED})
        drive.criteria.append(copy)
        for target in criterion.targets:
            copy.targets.append(Target(block_id=target.block_id, unit_id=target.unit_id,
                                       value=target.value))
    for rule in source.award_rules:
        drive.award_rules.append(AwardRule(**{name: getattr(rule, name) for name in AWARD_COPIED}))
    for other in db.session.scalars(select(Drive).where(Drive.is_active.is_(True))):
        other.is_active = False
    drive.is_active = True
    db.session.flush()
    audit.record(
        "drive.copy", drive, actor=actor, actor_name="cli",
        before={"source": source.code},
        after={"code": drive.code, "criteria": [c.code for c in drive.criteria],
               "awards": [r.code for r in drive.award_rules]},
    )
    standings.bump_version(drive.id)
    return drive
