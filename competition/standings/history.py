"""A few units' scores at past moments, for the charts of points over time."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from competition import scoring
from competition.models import (
    Drive,
)
from competition.standings.facts import (
    Assessed,
    Filed,
    Only,
    assessed_of,
    assessments_at,
    filed_of,
    rank_by_of,
    reports_at,
    rules,
    targets_of,
    thresholds_of,
    unit_facts,
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

    def at(self, moment: datetime) -> scoring.ScoringInput:
        """The scoring input of these units as the board stood at `moment`."""
        return replace(
            self.facts,
            tallies=scoring.tally(self.items, moment),
            assessments=assessments_at(self.assessed, list(self.facts.units), moment),
            reports=reports_at(self.drive, list(self.facts.units), self.filed, moment),
        )


def units_history(drive: Drive, unit_codes: list[str]) -> UnitsHistory:
    """The history of `unit_codes` (see `UnitsHistory`)."""
    only = Only(codes=tuple(unit_codes))
    return UnitsHistory(
        drive=drive,
        facts=scoring.ScoringInput(
            criteria=rules(drive),
            units=unit_facts(only),
            targets=targets_of(drive),
            thresholds=thresholds_of(drive),
            rank_by=rank_by_of(drive),
        ),
        items=verified_items(drive, only=only),
        assessed=assessed_of(drive),
        filed=filed_of(drive),
    )
