"""A cache that every worker can share: Redis when `REDIS_URL` is set, else per process.

Each value lives in a slot named after what it is (a page and its arguments,
a block's board as of the freeze) and carries the stamp of the versions it was
made from (`standings.version_stamp`, bumped in the same transaction as every
change it depends on). A reader whose stamp differs computes the value again
and overwrites the slot: a superseded version is dropped at once, in the
process and in Redis, never left to expire, so memory follows the number of
pages, not the number of changes. The per-process cache is bounded in bytes
(values are kept pickled, so their size is known), least recently used first out.
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
# A slot nobody reads for a day goes (a page of a URL nobody asks for any more).
TTL_SECONDS = 24 * 3600
# How long one worker may hold the right to compute a value before another
# stops waiting and computes it too.
COMPUTE_LOCK_SECONDS = 60


class LocalCache:
    """An LRU of pickled values for a single process, bounded in bytes."""

    def __init__(self, limit: int) -> None:
        # A value larger than a quarter of the limit is not kept (it would empty the rest).
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit
        self.size = 0

    def get(self, key: str) -> Any | None:
        with self._lock:
            raw = self._items.get(key)
            if raw is None:
                return None
            self._items.move_to_end(key)
        return pickle.loads(raw)

    def set(self, key: str, value: Any) -> None:
        raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old)
            if len(raw) > self._limit // 4:
                return
            self._items[key] = raw
            self.size += len(raw)
            while self.size > self._limit:
                _key, evicted = self._items.popitem(last=False)
                self.size -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

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
        self._redis.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                        ex=TTL_SECONDS)

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
        cache = RedisCache(url) if url else LocalCache(app.config["LOCAL_CACHE_BYTES"])
        app.extensions["thidua_cache"] = cache
    return cache


def lookup(slot: str, stamp: str) -> Any | None:
    """The value in `slot` if it was made from the versions `stamp` names, else None."""
    found = backend().get(f"thidua:{slot}")
    if found is None or found[0] != stamp:
        return None
    return found[1]


def store(slot: str, stamp: str, value: Any) -> None:
    """Put `value`, made from the versions `stamp` names, in `slot` (the older value goes)."""
    backend().set(f"thidua:{slot}", (stamp, value))


def cached(slot: str, stamp: str, compute: Callable[[], T]) -> T:
    """The value of `slot` for `stamp`, computed once across every worker that shares the backend.

    With Redis, workers that miss the same slot at once wait while the first
    computes it, then read its value, instead of all computing the same thing.
    """
    value = lookup(slot, stamp)
    if value is not None:
        return value
    with backend().computing(f"thidua:{slot}"):
        value = lookup(slot, stamp)
        if value is None:
            value = compute()
            store(slot, stamp, value)
    return value
