"""A few units' scores at past moments, for the charts of points over time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select

from competition import scoring
from competition.extensions import db
from competition.models import Drive, Unit
from competition.standings.facts import (
    Assessed,
    Filed,
    Only,
    assessed_of,
    assessments_at,
    descendants_of,
    filed_of,
    parents_by_code,
    reports_at,
    rolled_up_codes,
    unit_rules_input,
    verified_items,
)


@dataclass(frozen=True)
class UnitsHistory:
    """Everything that moves a few units' scores, read once, to score them at any past moment.

    For charts of points over time: the entries, assessments and reports of
    only the charted units are read (four small queries), then each weekly
    cut-off is tallied in memory by the same rules as the board.
    """

    drive: Drive
    facts: scoring.ScoringInput
    items: list[scoring.VerifiedItem]
    assessed: list[Assessed]
    filed: Filed
    # Verified entries of the units under the charted ones, on rolled-up criteria only.
    below_items: list[scoring.VerifiedItem] = field(default_factory=list)
    parents: dict[str, str | None] = field(default_factory=dict)

    def _below(self, moment: datetime) -> dict[tuple[str, str], scoring.Tally]:
        if not self.below_items:
            return {}
        charted = {unit.code for unit in self.facts.units}
        every = scoring.tally([*self.items, *self.below_items], moment)
        return {key: t for key, t in scoring.roll_up(every, self.parents).items()
                if key[0] in charted}

    def at(self, moment: datetime) -> scoring.ScoringInput:
        """The scoring input of these units as the board stood at `moment`."""
        return replace(
            self.facts,
            tallies=scoring.tally(self.items, moment),
            below=self._below(moment),
            assessments=assessments_at(self.assessed, list(self.facts.units), moment),
            reports=reports_at(self.drive, list(self.facts.units), self.filed, moment),
        )


def units_history(drive: Drive, unit_codes: list[str],
                  moments: Sequence[datetime] = ()) -> UnitsHistory:
    """The history of `unit_codes` (see `UnitsHistory`); with `moments`, only as it stood at
    those moments (the entries summed per moment by the database, `verified_items`)."""
    only = Only(codes=tuple(unit_codes))
    rolled = rolled_up_codes(drive)
    under = descendants_of(unit_codes) if rolled else set()
    below_items = [item for item in verified_items(drive, only=Only(codes=tuple(sorted(under))),
                                                   moments=moments)
                   if item.criterion in rolled] if under else []
    ids = list(db.session.scalars(select(Unit.id).where(Unit.code.in_(unit_codes))))
    # The units, criteria and targets of these units; their tallies, assessments and
    # reports are those of each moment (`at`).
    facts, _placed = unit_rules_input(drive, ids)
    return UnitsHistory(
        drive=drive,
        facts=facts,
        items=verified_items(drive, only=only, moments=moments),
        assessed=assessed_of(drive, ids),
        filed=filed_of(drive, ids),
        below_items=below_items,
        parents=parents_by_code([*unit_codes, *under]) if below_items else {},
    )
