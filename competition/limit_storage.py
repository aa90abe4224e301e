"""Rate-limit counters in the application's own database, for set-ups without Redis.

Flask-Limiter keeps its counters in a `limits` storage. Memory would give
every gunicorn worker a count of its own (four workers, four times the
guesses), so without `REDIS_URL` the counters live in the table
`sign_in_failure`, which every worker and server already shares. Only the
moving window (the strategy the app uses) is needed; each counted hit is a
row with its time, and a window's count is a COUNT over those rows.

The rows are written through the request's own session: a separate
connection would wait on SQLite's write lock that this very request holds.
"""

from __future__ import annotations

import time

from flask import has_app_context
from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from competition.extensions import db
from competition.models import SignInFailure

SCHEME = "thidua-database"


class DatabaseStorage(Storage, MovingWindowSupport):
    """`RATELIMIT_STORAGE_URI = "thidua-database://"`: counters in `sign_in_failure`."""

    STORAGE_SCHEME = [SCHEME]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    # --- The moving window -------------------------------------------------

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(the oldest hit still inside the window, the number of hits inside it)."""
        moment = time.time()
        oldest, count = db.session.execute(
            select(func.min(SignInFailure.at), func.count())
            .where(SignInFailure.key == key, SignInFailure.at > moment - expiry)
        ).one()
        return (oldest if oldest is not None else moment), int(count)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count `amount` hits unless that would pass `limit` inside the window."""
        if amount > limit:
            return False
        _start, count = self.get_moving_window(key, limit, expiry)
        if count + amount > limit:
            return False
        self._add(key, expiry, amount)
        return True

    def _add(self, key: str, expiry: int, amount: int) -> None:
        moment = time.time()
        db.session.execute(delete(SignInFailure).where(SignInFailure.expires_at < moment))
        db.session.add_all(SignInFailure(key=key, at=moment, expires_at=moment + expiry)
                           for _ in range(amount))
        db.session.commit()

    # --- The plain counter interface `limits` asks every storage for --------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        self._add(key, expiry, amount)
        return self.get(key)

    def get(self, key: str) -> int:
        return int(db.session.scalar(
            select(func.count()).where(SignInFailure.key == key,
                                       SignInFailure.expires_at > time.time())
        ) or 0)

    def get_expiry(self, key: str) -> float:
        latest = db.session.scalar(
            select(func.max(SignInFailure.expires_at)).where(SignInFailure.key == key)
        )
        return latest if latest is not None else time.time()

    def check(self) -> bool:
        try:
            db.session.execute(select(func.count()).select_from(SignInFailure))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter (outside an application there is no database to clear)."""
        if not has_app_context():
            return None
        removed = db.session.execute(delete(SignInFailure)).rowcount
        db.session.commit()
        return removed

    def clear(self, key: str) -> None:
        db.session.execute(delete(SignInFailure).where(SignInFailure.key == key))
        db.session.commit()
