"""The official results of a drive: published snapshots of its standings.

A snapshot is written once when the admin publishes and never changes; the
public board and the API show the newest one that is not withdrawn.
`current_snapshot` is the one door other parts of the product read it through.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from competition.extensions import db
from competition.models import Drive, ResultSnapshot


def payload_sha256(payload: dict) -> str:
    """The hex SHA-256 of a snapshot's payload in its one canonical JSON form.

    Sorted keys, no spaces, UTF-8 text unescaped: anyone holding the payload
    (from the API) recomputes the same digest.
    """
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def current_snapshot(drive: Drive) -> ResultSnapshot | None:
    """The drive's official result in force: the newest snapshot not withdrawn, or None."""
    return db.session.scalars(
        select(ResultSnapshot)
        .where(ResultSnapshot.drive_id == drive.id, ResultSnapshot.withdrawn_at.is_(None))
        .order_by(ResultSnapshot.number.desc())
        .limit(1)
    ).first()


def public_record(drive: Drive) -> dict[str, ResultSnapshot | None]:
    """What every public page says about the official result: the one in force, else the
    latest withdrawn one (whose public reason must be seen)."""
    history = snapshots(drive)
    current = next((s for s in history if s.withdrawn_at is None), None)
    withdrawn = None if current else next((s for s in history if s.withdrawn_at), None)
    return {"current": current, "withdrawn": withdrawn}


def snapshots(drive: Drive) -> list[ResultSnapshot]:
    """Every snapshot of the drive, newest first (withdrawn ones included, for the record)."""
    return list(db.session.scalars(
        select(ResultSnapshot)
        .where(ResultSnapshot.drive_id == drive.id)
        .order_by(ResultSnapshot.number.desc())
    ))
