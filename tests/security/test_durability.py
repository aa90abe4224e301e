"""The database settings a crash relies on."""

from __future__ import annotations

from sqlalchemy import text

from competition.extensions import db
from tests.conftest import ON_POSTGRES


def test_the_database_keeps_a_committed_action_across_a_crash(app):
    """SQLite: WAL keeps a committed transaction when the process dies, NORMAL syncs at
    checkpoints, foreign keys are enforced. PostgreSQL: commits are synchronous."""
    with db.engine.connect() as connection:
        if ON_POSTGRES:
            assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
            return
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
