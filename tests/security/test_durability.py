"""The database settings a crash relies on."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from competition.extensions import db
from tests.conftest import ON_POSTGRES


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL is durable at commit by default")
def test_sqlite_runs_in_wal_mode_with_normal_sync(app):
    """WAL keeps a committed transaction across a crash of the process; NORMAL syncs at checkpoints."""
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="a PostgreSQL setting")
def test_postgresql_commits_are_synchronous(app):
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"
