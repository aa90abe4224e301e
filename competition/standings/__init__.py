"""The standings service: gathers the facts from the database and asks `scoring` to rank.

Views and the API call only this package for points. Its parts, by what they do:

- `versions`: which drive the site shows and the standings version cached pages name;
- `facts`: the facts `scoring` needs (criteria, units, targets, tallies, assessments,
  reports), live or as of a cut-off;
- `tallies`: the write side, tallies and propaganda sums kept in step with each
  verification, and the rebuild;
- `rows`: the write side of the standing rows, one unit scored when it changes, a
  block rebuilt whole when something drive-wide changed or a new day began;
- `pages`: the read side of the live board, pages, tops and a unit's rank read from
  the standing rows in ranking order;
- `boards`: boards computed from the facts (as of the freeze, or for admin previews);
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
    ranked_unit_count,
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
from competition.standings.pages import BoardPage
from competition.standings.rows import keep_units, refresh, units_moved_by
from competition.standings.tallies import (
    count_entry,
    criterion_points,
    rebuild,
    rebuild_propaganda,
    refresh_tally,
)
from competition.standings.versions import (
    PROPAGANDA,
    RULES,
    active_drive,
    active_drive_select,
    block_scope,
    bump_parts,
    bump_version,
    current_version,
    note_version,
    request_version,
    require_active_drive,
    stamp_for,
    version_stamp,
)

__all__ = [
    "PROPAGANDA",
    "RULES",
    "Board",
    "BoardPage",
    "Only",
    "UnitRow",
    "UnitsHistory",
    "active_drive",
    "active_drive_select",
    "block_scope",
    "blocks",
    "bump_parts",
    "bump_version",
    "compute_board",
    "count_entry",
    "counted_by",
    "criterion_points",
    "current_version",
    "is_counted",
    "keep_units",
    "note_version",
    "pending_at",
    "projected_standing",
    "public_cutoff",
    "public_standings",
    "ranked_blocks",
    "ranked_unit_count",
    "ranked_units",
    "rebuild",
    "rebuild_propaganda",
    "refresh",
    "refresh_tally",
    "request_version",
    "require_active_drive",
    "rule_of",
    "rules",
    "scored_criteria",
    "scoring_input",
    "standing_of",
    "stamp_for",
    "standings",
    "unit_rows",
    "units_history",
    "units_moved_by",
    "verified_items",
    "version_stamp",
]
