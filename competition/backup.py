"""Backing up and restoring the whole database: one JSON file, or a SQLite copy.

The JSON file holds every table of the application — the drive's definition
(drive, phases, blocks, criteria, targets), units, users without password
hashes, entries, evidence metadata (not the files), assessments, monthly
reports, tallies and the audit log — with their ids, so a restore gives back
the same standings and the same audit log. It works the same on SQLite and
PostgreSQL and moves a drive between them. Restored accounts cannot sign in
until an admin resets their password (or they are given one by the CLI):
a backup file must never be a way to carry password hashes around.

For SQLite the CLI can also take an exact copy with SQLite's online backup
API, which is safe while the application keeps running.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Numeric, Table, func, select, text

from competition import audit, cache, standings
from competition.audit import json_value
from competition.clock import UTCDateTime, now
from competition.extensions import db
from competition.models import Drive, User
from competition.results import lock

FORMAT = "thidua-backup"
VERSION = 1
# Never written to a backup: a restored account gets a new session and no usable password.
SECRET_COLUMNS = {"user": {"password_hash", "session_token"}}
# `check_password_hash` refuses any hash without a method, so no password matches this.
UNUSABLE_PASSWORD = "!restored"


class RestoreError(Exception):
    """The file cannot be restored; nothing was changed. The message is Vietnamese."""


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)


def dump() -> dict[str, Any]:
    """Every table as plain JSON-ready rows, in primary-key order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        hidden = SECRET_COLUMNS.get(table.name, set())
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        tables[table.name] = [
            {key: json_value(value) for key, value in row.items() if key not in hidden} for row in rows
        ]
    drive = db.session.scalars(select(Drive).where(Drive.is_active.is_(True))).first()
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now().isoformat(timespec="seconds"),
        "drive": drive.code if drive else None,
        "tables": tables,
    }


def dumps() -> str:
    return json.dumps(dump(), ensure_ascii=False, indent=1)


def parse(raw: bytes | str) -> dict[str, Any]:
    """Read and check a backup file; raises RestoreError with a message for the admin."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise RestoreError("Tệp không phải là JSON hợp lệ.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError("Tệp không phải là bản sao lưu của Thi đua.")
    if data.get("version") != VERSION:
        raise RestoreError(f"Phiên bản sao lưu {data.get('version')!r} không được hỗ trợ.")
    tables = data.get("tables")
    known = {t.name: t for t in _tables()}
    if not isinstance(tables, dict):
        raise RestoreError("Tệp sao lưu thiếu phần dữ liệu (tables).")
    for name, rows in tables.items():
        table = known.get(name)
        if table is None:
            raise RestoreError(f"Bảng «{name}» không có trong cơ sở dữ liệu này.")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise RestoreError(f"Bảng «{name}» không đúng định dạng.")
        columns = set(table.columns.keys())
        for row in rows:
            unknown = set(row) - columns
            if unknown:
                raise RestoreError(f"Bảng «{name}» có cột lạ: {', '.join(sorted(unknown))}.")
    return data


def summary(data: dict[str, Any]) -> dict[str, int]:
    """Rows per table, for the admin to check before replacing everything."""
    return {name: len(rows) for name, rows in data["tables"].items()}


def is_empty() -> bool:
    return not any(
        db.session.scalar(select(func.count()).select_from(table)) for table in _tables()
    )


def wipe() -> None:
    """Delete every row of every table (children first), in the caller's transaction."""
    for table in reversed(_tables()):
        db.session.execute(table.delete())


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    typed = {}
    for key, value in row.items():
        kind = table.columns[key].type
        if value is not None and isinstance(value, str):
            if isinstance(kind, DateTime | UTCDateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(kind, Date):
                value = date.fromisoformat(value)
            elif isinstance(kind, Numeric):
                value = Decimal(value)
        typed[key] = value
    return typed


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units ordered so that a parent is inserted before its children."""
    by_id = {row["id"]: row for row in rows}
    ordered, placed = [], set()

    def place(row: dict[str, Any], path: set) -> None:
        if row["id"] in placed:
            return
        parent = by_id.get(row.get("parent_id"))
        if parent is not None and parent["id"] not in path:
            place(parent, path | {row["id"]})
        placed.add(row["id"])
        ordered.append(row)

    for row in rows:
        place(row, {row["id"]})
    return ordered


def restore(
    data: dict[str, Any], *, replace: bool = False, keep: User | None = None
) -> dict[str, int]:
    """Replace the database's content with a parsed backup, in the caller's transaction.

    Without `replace` the database must be empty. `keep` (the admin restoring
    from the pages) keeps their own password when the backup has their
    username, so they are not locked out. Returns rows restored per table.
    """
    if not replace and not is_empty():
        raise RestoreError("Cơ sở dữ liệu đang có dữ liệu; dùng --replace để thay thế toàn bộ.")
    _refuse_over_published()
    kept_hash = (keep.username, keep.password_hash) if keep is not None else None
    wipe()
    counts = {}
    for table in _tables():
        rows = [_typed(table, row) for row in data["tables"].get(table.name, [])]
        if table.name == "unit":
            rows = _parents_first(rows)
        if table.name == "user":
            for row in rows:
                row["password_hash"] = UNUSABLE_PASSWORD
                row["session_token"] = secrets.token_hex(16)
                row["must_change_password"] = True
                if kept_hash and row.get("username") == kept_hash[0]:
                    row["password_hash"] = kept_hash[1]
                    row["must_change_password"] = False
        if rows:
            db.session.execute(table.insert(), rows)
        counts[table.name] = len(rows)
    _reset_sequences()
    db.session.expire_all()  # rows were replaced underneath the session's objects
    actor = None
    if kept_hash:
        actor = db.session.scalars(select(User).where(User.username == kept_hash[0])).first()
    # Boards cached before the restore must not be served for the restored versions.
    cache.backend().clear()
    # Every version moves on, and every block's standing rows are rebuilt at their next read.
    for drive_id in db.session.scalars(select(Drive.id)).all():
        standings.bump_version(drive_id)
    audit.record("backup.restore", None, after={"created_at": data.get("created_at"),
                                                "rows": sum(counts.values())},
                 actor=actor, actor_name="cli")
    return counts


def _refuse_over_published() -> None:
    """A restore replaces every drive's data: never while an official result is in force."""
    if lock.published_drive_ids():
        raise RestoreError(str(lock.MESSAGE))


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which an insert with explicit ids does not move."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        column = table.columns.get("id")
        if column is not None and column.primary_key and isinstance(column.type, Integer):
            quoted = f'"{table.name}"'
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{quoted}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {quoted}), 1), "
                f"(SELECT MAX(id) FROM {quoted}) IS NOT NULL)"
            ))


# --- SQLite file copies -----------------------------------------------------


def _sqlite_connection():
    if db.engine.dialect.name != "sqlite":
        raise RestoreError(
            "Bản sao .sqlite chỉ dùng được với cơ sở dữ liệu SQLite; hãy dùng tệp .json."
        )
    return db.engine.raw_connection()


def backup_sqlite(target: Path) -> None:
    """Copy the live SQLite database to `target` with the online backup API."""
    raw = _sqlite_connection()
    try:
        with sqlite3.connect(target) as destination:
            raw.driver_connection.backup(destination)
        destination.close()
    finally:
        raw.close()


def restore_sqlite(source: Path) -> None:
    """Overwrite the live SQLite database with the copy in `source` (online backup API)."""
    _refuse_over_published()
    with sqlite3.connect(source) as origin:
        found = origin.execute("SELECT count(*) FROM sqlite_master WHERE name='alembic_version'")
        if found.fetchone()[0] == 0:
            raise RestoreError("Tệp .sqlite không phải là cơ sở dữ liệu của Thi đua.")
        db.session.remove()
        raw = _sqlite_connection()
        try:
            origin.backup(raw.driver_connection)
        finally:
            raw.close()
    origin.close()
    db.engine.dispose()
