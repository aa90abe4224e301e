"""A cache that every worker can share: Redis when `REDIS_URL` is set, else per process.

Keys carry the drive's standings version, which is bumped in the same
transaction as every score change. A worker reads the version (one cheap
query) and then either finds the value for that version or computes it, so
no worker ever serves a board older than the last committed change.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from typing import Any, TypeVar

from flask import current_app
from redis.exceptions import LockError

T = TypeVar("T")
LOCAL_ENTRIES = 256
TTL_SECONDS = 24 * 3600
# How long one worker may hold the right to compute a value before another
# stops waiting and computes it too (a cold national board takes seconds).
COMPUTE_LOCK_SECONDS = 60


class LocalCache:
    """A small LRU dict for a single process."""

    def __init__(self, size: int = LOCAL_ENTRIES) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str) -> Any | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def set(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def computing(self, key: str) -> nullcontext:
        """One process computes for itself; nothing to share."""
        return nullcontext()


class RedisCache:
    """The same interface over Redis, shared by every worker and server."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def get(self, key: str) -> Any | None:
        raw = self._redis.get(key)
        return pickle.loads(raw) if raw is not None else None

    def set(self, key: str, value: Any) -> None:
        self._redis.set(key, pickle.dumps(value), ex=TTL_SECONDS)

    def clear(self) -> None:
        for key in self._redis.scan_iter("thidua:*"):
            self._redis.delete(key)

    @contextmanager
    def computing(self, key: str) -> Iterator[None]:
        """Hold a short lock while computing `key`, so other workers wait for the value.

        A worker that waits longer than the lock lives computes anyway: a
        crashed worker never leaves the others without a board.
        """
        lock = self._redis.lock(f"{key}:computing", timeout=COMPUTE_LOCK_SECONDS)
        held = lock.acquire(blocking=True, blocking_timeout=COMPUTE_LOCK_SECONDS)
        try:
            yield
        finally:
            if held:
                # It may have expired while computing; someone else may hold it now.
                with suppress(LockError):
                    lock.release()


def backend() -> LocalCache | RedisCache:
    app = current_app
    cache = app.extensions.get("thidua_cache")
    if cache is None:
        url = app.config.get("REDIS_URL")
        cache = RedisCache(url) if url else LocalCache()
        app.extensions["thidua_cache"] = cache
    return cache


def lookup(key: str) -> Any | None:
    """The value stored under `key`, or None."""
    return backend().get(f"thidua:{key}")


def store(key: str, value: Any) -> None:
    backend().set(f"thidua:{key}", value)


def cached(key: str, compute: Callable[[], T]) -> T:
    """The value under `key`, computed once per key across every worker that shares the backend.

    With Redis, workers that miss the same key at once wait while the first
    computes it, then read its value, instead of all computing the same board.
    """
    value = lookup(key)
    if value is not None:
        return value
    with backend().computing(f"thidua:{key}"):
        value = lookup(key)
        if value is None:
            value = compute()
            store(key, value)
    return value
