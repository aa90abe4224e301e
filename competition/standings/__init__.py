"""The standings service: gathers the facts from the database and asks `scoring` to rank.

Views and the API call only this package for points. Its parts, by what they do:

- `versions`: which drive the site shows and the standings version cached pages name;
- `facts`: the facts `scoring` needs (criteria, units, targets, tallies, assessments,
  reports), live or as of a cut-off;
- `tallies`: the write side, tallies kept in step with each verification, and the rebuild;
- `boards`: the read side, ranked boards per block, cached per version;
- `history`: a few units' scores at past moments, for charts.
"""

from competition.standings.boards import (
    Board,
    compute_board,
    pending_at,
    projected_standing,
    public_cutoff,
    public_standings,
    ranked_blocks,
    ranked_units,
    standing_of,
    standings,
)
from competition.standings.facts import (
    Only,
    UnitRow,
    blocks,
    counted_by,
    is_counted,
    rule_of,
    rules,
    scored_criteria,
    scoring_input,
    unit_rows,
    verified_items,
)
from competition.standings.history import UnitsHistory, units_history
from competition.standings.tallies import count_entry, criterion_points, rebuild, refresh_tally
from competition.standings.versions import (
    active_drive,
    active_drive_select,
    bump_version,
    current_version,
    note_version,
    request_version,
    require_active_drive,
)

__all__ = [
    "Board",
    "Only",
    "UnitRow",
    "UnitsHistory",
    "active_drive",
    "active_drive_select",
    "blocks",
    "bump_version",
    "compute_board",
    "count_entry",
    "counted_by",
    "criterion_points",
    "current_version",
    "is_counted",
    "note_version",
    "pending_at",
    "projected_standing",
    "public_cutoff",
    "public_standings",
    "ranked_blocks",
    "ranked_units",
    "rebuild",
    "refresh_tally",
    "request_version",
    "require_active_drive",
    "rule_of",
    "rules",
    "scored_criteria",
    "scoring_input",
    "standing_of",
    "standings",
    "unit_rows",
    "units_history",
    "verified_items",
]
