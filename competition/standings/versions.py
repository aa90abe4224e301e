"""Which drive the site shows, and the versions every cached page names.

A committed change to the standings bumps versions in its own transaction, so
every worker's cached pages of the older version stop being served. The
drive's `standings_version` counts every change (the API shows it); the
scopes (`StandingsScope`) count the parts, so a verification in one block
leaves the pages of every other block cached:

- `rules`: anything drive-wide (criteria, targets, units, appeals, results);
  every page names it;
- `block:<code>`: a unit of the block changed (a verification, an assessment, a
  monthly report, or a unit under it on a rolled-up criterion);
- `propaganda`: a verification on a propaganda criterion (the feed and its sums).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import abort, g, has_request_context
from sqlalchemy import Select, delete, select, update

from competition import clock
from competition.database import dialect_insert
from competition.extensions import db
from competition.models import Drive, StandingsScope, UnitRankDay

RULES = "rules"
PROPAGANDA = "propaganda"


def block_scope(block_code: str) -> str:
    return f"block:{block_code}"


def active_drive_select() -> Select:
    """The query of the drive the site is about: the newest active one."""
    return select(Drive).where(Drive.is_active.is_(True)).order_by(Drive.id.desc()).limit(1)


def active_drive() -> Drive | None:
    return db.session.scalars(active_drive_select()).first()


def require_active_drive() -> Drive:
    """The active drive for a page that cannot work without one (404 otherwise)."""
    drive = active_drive()
    if drive is None:
        abort(404)
    return drive


def current_version(drive_id: int) -> int:
    """The committed standings version, read fresh (never from the session's identity map)."""
    return db.session.execute(
        select(Drive.standings_version).where(Drive.id == drive_id)
    ).scalar_one()


def request_version(drive_id: int) -> int:
    """The standings version, read once per web request (fresh outside one).

    Every cache key a page builds then names the same version, and a page
    made of several cached parts costs one version read, not one per part.
    """
    if not has_request_context():
        return current_version(drive_id)
    seen = g.setdefault("thidua_versions", {})
    if drive_id not in seen:
        seen[drive_id] = current_version(drive_id)
    return seen[drive_id]


def note_version(drive: Drive) -> None:
    """The drive row was just read from the database: its version is this request's version.

    Saves the public pages a query: one read gives the drive and the version
    every cache key of the request names (`request_version`).
    """
    g.setdefault("thidua_versions", {})[drive.id] = drive.standings_version


def _bump_counter(drive_id: int) -> None:
    db.session.execute(
        update(Drive)
        .where(Drive.id == drive_id)
        .values(standings_version=Drive.standings_version + 1)
        .execution_options(synchronize_session=False)
    )


def _bump_scopes(drive_id: int, scopes: Iterable[str]) -> None:
    """Add one to each scope's version (creating the scopes it lacks), in one INSERT … ON CONFLICT."""
    rows = [{"drive_id": drive_id, "scope": scope, "version": 2} for scope in scopes]
    if not rows:
        return
    insert = dialect_insert(StandingsScope)
    db.session.execute(insert.values(rows).on_conflict_do_update(
        index_elements=["drive_id", "scope"],
        set_={"version": StandingsScope.version + 1},
    ))


def bump_version(drive_id: int) -> None:
    """Something drive-wide changed: every cached page of the drive is stale, and so are
    every block's standing rows (each block rebuilds them at its next read) and the ranks
    kept per day (kept again, by the new rules, when next asked for)."""
    _bump_counter(drive_id)
    _bump_scopes(drive_id, [RULES])
    # The ranks kept per day were ranked by the old rules: the arrows would compare two rules.
    db.session.execute(delete(UnitRankDay).where(UnitRankDay.drive_id == drive_id))
    db.session.execute(
        update(StandingsScope)
        .where(StandingsScope.drive_id == drive_id, StandingsScope.scope.like("block:%"))
        .values(as_of=None)
        .execution_options(synchronize_session=False)
    )


def bump_parts(drive_id: int, block_codes: Iterable[str], propaganda: bool = False) -> None:
    """Some units changed: only their blocks' pages (and the propaganda's, if it moved) are stale."""
    _bump_counter(drive_id)
    scopes = [block_scope(code) for code in sorted(set(block_codes))]
    _bump_scopes(drive_id, [*scopes, PROPAGANDA] if propaganda else scopes)


def scope_versions(drive_id: int, scopes: Iterable[str]) -> dict[str, int]:
    """The versions of `scopes` (a scope never bumped is at 1), read once per web request."""
    wanted = sorted(set(scopes))
    seen = g.setdefault("thidua_scopes", {}) if has_request_context() else {}
    missing = [scope for scope in wanted if (drive_id, scope) not in seen]
    if missing:
        found = dict(db.session.execute(
            select(StandingsScope.scope, StandingsScope.version)
            .where(StandingsScope.drive_id == drive_id, StandingsScope.scope.in_(missing))
        ).all())
        for scope in missing:
            seen[(drive_id, scope)] = found.get(scope, 1)
    return {scope: seen[(drive_id, scope)] for scope in wanted}


def version_stamp(drive_id: int, scopes: Iterable[str]) -> str:
    """What a cached part made of `scopes` names: the rules' version and each scope's."""
    found = scope_versions(drive_id, [RULES, *scopes])
    return ",".join(f"{scope}={version}" for scope, version in found.items())


def stamp_for(drive_id: int, cutoff: datetime | None, scopes: Iterable[str]) -> str:
    """The stamp of a part of a page made of `scopes`, on the live board or as of `cutoff`.

    The board as of the freeze moves only with drive-wide changes (appeals, results), so a
    part of it names the rules' version alone. The day is part of it too: the running phase,
    countdowns and monthly reports falling due move with the calendar.
    """
    return f"{version_stamp(drive_id, [] if cutoff else scopes)};{clock.today().isoformat()}"
