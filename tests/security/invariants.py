"""What must hold in the database whatever was thrown at the site: the checks after fuzzing and load."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from competition import standings, uploads
from competition.extensions import db
from competition.models import AuditEvent, CriterionTally, Drive, Entry, EntryStatus, Evidence

S = EntryStatus


def _tallies() -> dict[tuple[int, int], tuple[int, int]]:
    return {(t.unit_id, t.criterion_id): (t.quantity, t.items)
            for t in db.session.scalars(select(CriterionTally).where(CriterionTally.items > 0))}


def tally_problems() -> list[str]:
    """The kept tallies must equal a full rebuild from the entries (then rolled back)."""
    kept = _tallies()
    for drive in db.session.scalars(select(Drive)):
        standings.rebuild(drive)
    rebuilt = _tallies()
    db.session.rollback()
    return [f"tally {key}: kept {kept.get(key)}, rebuilt {rebuilt.get(key)}"
            for key in sorted(set(kept) | set(rebuilt)) if kept.get(key) != rebuilt.get(key)]


def entry_problems(audited_from_id: int = 0) -> list[str]:
    """Each entry's fields fit its state, and its state was reached through an audited action.

    Entries with an id above `audited_from_id` were made through the site, so
    their creation is audited too.
    """
    found = []
    events: dict[str, list[AuditEvent]] = {}
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "entry").order_by(AuditEvent.id)
    ):
        events.setdefault(event.object_id, []).append(event)
    for entry in db.session.scalars(select(Entry)):
        mine = events.get(str(entry.id), [])
        label = f"entry {entry.id} ({entry.status})"
        if entry.status == S.VERIFIED and not (entry.verified_at and entry.decided_by_id
                                               and entry.decided_at):
            found.append(f"{label}: verified without verified_at/decided_by/decided_at")
        if entry.status != S.VERIFIED and entry.verified_at is not None:
            found.append(f"{label}: verified_at set")
        if entry.status in (S.RETURNED, S.REJECTED) and not entry.decision_reason:
            found.append(f"{label}: no reason")
        if entry.status != S.DRAFT and entry.submitted_at is None:
            found.append(f"{label}: never submitted")
        if entry.status != S.DRAFT and not any(
            (e.after or {}).get("status") == entry.status for e in mine
        ):
            found.append(f"{label}: no audit event for its state")
        if entry.id > audited_from_id and not any(e.action == "entry.create" for e in mine):
            found.append(f"{label}: created without an audit event")
        if entry.quantity < 0 or (entry.verified_quantity or 0) < 0:
            found.append(f"{label}: negative quantity")
    return found


def evidence_problems(folder: Path) -> list[str]:
    """Every file row has its file, every file has its row, and no temporary file is left."""
    rows = set(db.session.scalars(select(Evidence.stored_name).where(Evidence.stored_name.is_not(None))))
    files = {p.name for p in folder.iterdir()} if folder.exists() else set()
    found = [f"row without file: {name}" for name in sorted(rows - files)]
    found += [f"file without row: {name}" for name in sorted(files - rows)
              if not name.endswith(uploads.TEMP_SUFFIX)]
    found += [f"temporary file left: {name}" for name in sorted(files)
              if name.endswith(uploads.TEMP_SUFFIX)]
    return found


def problems(upload_folder: Path, audited_from_id: int = 0) -> list[str]:
    return tally_problems() + entry_problems(audited_from_id) + evidence_problems(upload_folder)
