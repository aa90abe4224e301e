"""Which drive the site shows, and the standings version every cached page names.

A committed change to the standings bumps the version in its own transaction,
so every worker's cached boards of the older version stop being served.
"""

from __future__ import annotations

from flask import abort, g, has_request_context
from sqlalchemy import Select, select, update

from competition.extensions import db
from competition.models import (
    Drive,
)


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


def bump_version(drive_id: int) -> None:
    """Mark every cached board of the drive stale, in the caller's transaction."""
    db.session.execute(
        update(Drive)
        .where(Drive.id == drive_id)
        .values(standings_version=Drive.standings_version + 1)
        .execution_options(synchronize_session=False)
    )
