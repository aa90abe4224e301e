"""Counting the SQL statements a piece of work sends, with an SQLAlchemy event hook.

Shared by the benchmark (queries per board request) and the tests that fail
when a page's query count grows with the number of units (an N+1).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Transaction control and connection pragmas are not queries a page chooses to make.
NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


class QueryLog:
    """The statements seen while counting, in order."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return "\n".join(f"{n}. {s[:200]}" for n, s in enumerate(self.statements, 1))


@contextmanager
def counting_queries(engine: Engine) -> Iterator[QueryLog]:
    """Every query `engine` runs inside the block (from any session or thread)."""
    log = QueryLog()

    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:
        if not statement.lstrip().upper().startswith(NOT_QUERIES):
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", seen)
