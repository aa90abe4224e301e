"""Database connection behaviour that the rest of the code relies on.

SQLite runs in WAL mode with a busy timeout and `synchronous=NORMAL`, and a
request that may write (anything but GET/HEAD/OPTIONS) takes the write lock
at BEGIN, so two writers queue instead of failing half-way with
"database is locked". PostgreSQL needs none of this.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30_000


def _begin_statement() -> str:
    if has_request_context() and request.method in READ_ONLY_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the explicit BEGIN on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql(_begin_statement())


def init_database(app: Flask) -> None:
    from competition.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)


def dialect_insert(target):
    """An INSERT that knows `ON CONFLICT` (`on_conflict_do_nothing`, `on_conflict_do_update`).

    Both databases we run on have the clause, each in its own dialect; this
    picks the one of the session's connection.
    """
    from competition.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(target)
