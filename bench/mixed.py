"""Pages while judges work: `bench/run.py --mixed URL [URL ...]`.

The board-vs-static figure is read on a quiet server; readers meet the site
while judges verify, and every verification moves the standings' version, so
the cached pages go cold again. For each database, first with each gunicorn
worker keeping its own cache and then with Redis, this serves five paths to
wrk twice, quiet and while a judge verifies one random submitted entry a
second; then times the first request of each path after one verification,
and weighs the workers (and Redis) before and after. Entries verified here
are reopened afterwards, so the database comes back to the same standings.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.generate import BENCH_TODAY, data_app, driver_url
from bench.server import get, gunicorn, memory_kb, stop, worker_pids
from competition import lifecycle
from competition.extensions import db
from competition.models import Block, Entry, EntryStatus, Role, Unit, User

LATENCY_SCRIPT = Path(__file__).resolve().parent / "latency.lua"
CONNECTIONS = 16
REOPEN_REASON = "bench: hoàn nguyên"


# --- the judge ------------------------------------------------------------------


def judge() -> User:
    """The judge `generate.py` made (attached to no unit, so no unit of its own to stay out of)."""
    return db.session.scalars(
        select(User).where(User.role == Role.JUDGE, User.unit_id.is_(None))).first()


def submitted_ids(url: str, count: int) -> list[int]:
    """Random submitted entries: drawn per entry, so busy units come up as often as they report."""
    app = data_app(url)
    with app.app_context():
        ids = db.session.scalars(
            select(Entry.id).where(Entry.status == EntryStatus.SUBMITTED)
            .order_by(func.random()).limit(count)).all()
        db.session.remove()
        db.engine.dispose()
    return list(ids)


def judging_app(url: str, redis_url: str = "") -> Flask:
    """The whole application on `url`, as a judge's request has it, with the benchmark's day.

    Not `data_app`: a transition's notification links to the entry's page, so
    the blueprints' routes must be there.
    """
    from competition import create_app

    os.environ["COMPETITION_TODAY"] = BENCH_TODAY.isoformat()
    return create_app({"SQLALCHEMY_DATABASE_URI": driver_url(url), "REDIS_URL": redis_url})


def verify(app: Flask, entry_id: int) -> None:
    """One verification through the app's own service, committed as the judging page does."""
    with app.app_context():
        lifecycle.verify(db.session.get(Entry, entry_id), judge())
        db.session.commit()
        db.session.remove()


def reopen(app: Flask, entry_ids: list[int]) -> None:
    """Take the entries verified here back to the queue (untimed), so the next run finds them."""
    with app.app_context():
        by = judge()
        for entry_id in entry_ids:
            entry = db.session.get(Entry, entry_id)
            if entry.status == EntryStatus.VERIFIED:
                lifecycle.reopen(entry, by, REOPEN_REASON)
                db.session.commit()
        db.session.remove()


class Judging(threading.Thread):
    """Verifies one entry a second, each committed, until stopped or out of entries.

    Bounded by the entries it is given, so a run can never drain the queue.
    """

    def __init__(self, app: Flask, entry_ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.app, self.entry_ids = app, entry_ids
        self.verified: list[int] = []
        # How long each verification took, committed (ms): what a judge waits for.
        self.durations: list[float] = []
        self.failures: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        due = time.monotonic()
        for entry_id in self.entry_ids:
            if self.stopping.wait(max(0.0, due - time.monotonic())):
                return
            try:
                started = time.perf_counter()
                verify(self.app, entry_id)
                self.durations.append((time.perf_counter() - started) * 1000)
                self.verified.append(entry_id)
            except Exception as error:  # reported under the table, the run goes on
                self.failures.append(f"{entry_id}: {error!r}")
            due += 1.0

    def stop(self) -> None:
        self.stopping.set()
        self.join()


# --- what wrk and /proc say -----------------------------------------------------


@dataclass
class Load:
    """One wrk run: throughput and the latency histogram's figures (ms)."""

    rps: float
    completed: int
    samples: int
    over_1s: int
    p50_ms: float
    p99_ms: float
    errors: int


def load(url: str, seconds: int) -> Load:
    """`wrk -t2 -c16` on one URL; the figures come from `bench/latency.lua`'s done()."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", f"{seconds + 10}s",
               "--latency", "-s", str(LATENCY_SCRIPT), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = dict(re.findall(r"(\w+)=(\d+)", out.split("bench-latency", 1)[1]))
    return Load(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        completed=int(figures["completed"]),
        samples=int(figures["samples"]),
        over_1s=int(figures["over_1s"]),
        p50_ms=int(figures["p50_us"]) / 1000,
        p99_ms=int(figures["p99_us"]) / 1000,
        errors=int(figures["status_errors"]) + int(figures["socket_errors"]),
    )


@dataclass
class Memory:
    """The gunicorn workers' memory (MB): now (VmRSS) and at their peak (VmHWM)."""

    rss_sum: float
    rss_max: float
    peak_sum: float
    peak_max: float

    def __str__(self) -> str:
        return (f"VmRSS sum {self.rss_sum:.0f} MB, max {self.rss_max:.0f} MB; "
                f"VmHWM sum {self.peak_sum:.0f} MB, max {self.peak_max:.0f} MB")


def worker_memory(pids: list[int]) -> Memory:
    """Sum and max over the workers: the sum is what the machine pays, the max what one costs."""
    rss = [memory_kb(pid, "VmRSS") / 1024 for pid in pids]
    peak = [memory_kb(pid, "VmHWM") / 1024 for pid in pids]
    return Memory(sum(rss), max(rss), sum(peak), max(peak))


def redis_memory(redis_url: str) -> str:
    """`INFO memory` used_memory (the whole server's) and the keys in the bench's database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    used = client.info("memory")["used_memory"]
    return f"used_memory {used / 1024 / 1024:.1f} MB, {client.dbsize()} keys in its database"


def flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def _serving(pids: list[int], port: int) -> bool:
    """Whether a worker holds a client's connection or one waits to be accepted.

    wrk stops without waiting for replies, but the requests it sent stay: the
    one a worker is computing (its socket on the server's port) and those
    queued on the listener (its accept queue, `rx_queue` of a listening socket
    in /proc/net/tcp). Workers compute them all, for seconds when the pages
    are cold, and that would steal the next run's time.
    """
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], fields[9]
        if inode not in inodes or local_port != port:
            continue
        queued = int(fields[4].split(":")[1], 16)
        if state != "0A" or queued:  # 0A: listening
            return True
    return False


def settle(pids: list[int], base: str, timeout: int) -> None:
    """Wait until the workers have answered every request sent so far (seen idle twice)."""
    port = int(base.rsplit(":", 1)[1])
    deadline = time.monotonic() + timeout
    idle = 0
    while idle < 2 and time.monotonic() < deadline:
        idle = 0 if _serving(pids, port) else idle + 1
        time.sleep(0.1)


def warm(base: str, paths: list[str], timeout: int) -> None:
    """Each path computed by every worker: four requests at once, twice, so both take one."""
    with ThreadPoolExecutor(4) as pool:
        for path in paths:
            for _ in range(2):
                list(pool.map(lambda url: get(url, timeout), [base + path] * 4))


# --- one database, one cache ----------------------------------------------------


@dataclass
class PathFigures:
    path: str
    quiet: Load | None = None
    verifying: Load | None = None
    cold_ms: float | None = None


@dataclass
class MixedRun:
    database: str
    cache: str
    paths: list[PathFigures]
    memory: dict[str, Memory] = field(default_factory=dict)
    redis: dict[str, str] = field(default_factory=dict)
    verified: int = 0
    verify_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def target_paths(url: str) -> tuple[list[str], int]:
    """The home page, the largest and smallest block boards, the busiest unit, the block API.

    Chosen from the database (blocks by active units, the unit by entries), so
    the same command serves any generated drive; also the number of entries.
    """
    app = data_app(url)
    with app.app_context():
        active = func.count(Unit.id)
        blocks = db.session.execute(
            select(Block.code, active).join(Unit, Unit.block_id == Block.id)
            .where(Unit.active.is_(True)).group_by(Block.code)
            .order_by(active.desc(), Block.code)).all()
        busiest = db.session.scalar(
            select(Unit.slug).join(Entry, Entry.unit_id == Unit.id)
            .where(Unit.active.is_(True), Unit.block_id.is_not(None))
            .group_by(Unit.id, Unit.slug).order_by(func.count(Entry.id).desc()).limit(1))
        entries = db.session.scalar(select(func.count()).select_from(Entry))
        db.session.remove()
        db.engine.dispose()
    largest, smallest = blocks[0][0], blocks[-1][0]
    return [
        "/",
        f"/bang-xep-hang/{largest}",
        f"/bang-xep-hang/{smallest}",
        f"/don-vi-thi-dua/{busiest}",
        f"/api/v1/leaderboard?block={largest}&limit=100",
    ], entries


def _progress(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def measure(url: str, label: str, paths: list[str], redis_url: str, seconds: int,
            warm_timeout: int) -> MixedRun:
    """Quiet runs, the cold cost after one verification, then runs while judging, on one gunicorn."""
    run = MixedRun(label, f"Redis ({redis_url})" if redis_url else "per-process cache",
                   [PathFigures(p) for p in paths])
    app = judging_app(url, redis_url)
    pool = submitted_ids(url, len(paths) * (seconds + 3) + len(paths))
    verified: list[int] = []
    if redis_url:
        flush_redis(redis_url)
    server, base = gunicorn(url, 2, warm_timeout, redis_url)
    try:
        pids = worker_pids(server)
        _progress(f"{label}, {run.cache}: warming {len(paths)} paths")
        warm(base, paths, warm_timeout)
        for figures in run.paths:
            _progress(f"  quiet {figures.path}")
            figures.quiet = load(base + figures.path, seconds)
            settle(pids, base, warm_timeout)
        run.memory["before"] = worker_memory(pids)
        if redis_url:
            run.redis["before"] = redis_memory(redis_url)
        for figures in run.paths:
            _progress(f"  cold after one verification {figures.path}")
            settle(pids, base, warm_timeout)
            entry_id = pool.pop()
            verify(app, entry_id)
            verified.append(entry_id)
            started = time.perf_counter()
            get(base + figures.path, warm_timeout)
            figures.cold_ms = (time.perf_counter() - started) * 1000
        for figures in run.paths:
            _progress(f"  verifying {figures.path}")
            judging = Judging(app, [pool.pop() for _ in range(seconds + 3)])
            judging.start()
            try:
                figures.verifying = load(base + figures.path, seconds)
            finally:
                judging.stop()
                verified += judging.verified
                run.verify_ms += judging.durations
                run.failures += judging.failures
            settle(pids, base, warm_timeout)
        run.memory["after"] = worker_memory(pids)
        if redis_url:
            run.redis["after"] = redis_memory(redis_url)
    finally:
        stop(server)
        run.verified = len(verified)
        reopen(app, verified)
        if redis_url:
            flush_redis(redis_url)
        with app.app_context():
            db.engine.dispose()
    return run


# --- the table ------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(run: MixedRun, seconds: int) -> str:
    """One markdown table per database and cache, the way bench/README.md keeps its figures."""
    lines = [
        f"### {run.database}, {run.cache}",
        "",
        "| path | quiet req/s | verifying req/s | ratio | quiet p99 (ms) | verifying p99 (ms) "
        "| verifying p50 (ms) | >1 s while verifying | cold (ms) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for f in run.paths:
        quiet, busy = f.quiet, f.verifying
        ratio = f"{busy.rps / quiet.rps:.2f}" if quiet.rps else "—"
        lines.append(
            f"| `{f.path}` | {quiet.rps:.1f} | {busy.rps:.1f} | {ratio} | {_ms(quiet.p99_ms)} "
            f"| {_ms(busy.p99_ms)} | {_ms(busy.p50_ms)} | {busy.over_1s} of {busy.samples} "
            f"| {_ms(f.cold_ms)} |")
        for name, figures in (("quiet", quiet), ("verifying", busy)):
            if figures.errors:
                notes.append(f"`{f.path}` {name}: {figures.errors} failed or non-2xx responses")
            if figures.completed == 0:
                notes.append(f"`{f.path}` {name}: no request completed in {seconds} s")
    lines.append("")
    lines.append(f"- worker memory after the quiet runs: {run.memory['before']}")
    lines.append(f"- worker memory after the cold requests and the verifying runs: "
                 f"{run.memory['after']}")
    if run.redis:
        lines.append(f"- Redis after the quiet runs: {run.redis['before']}; "
                     f"after the verifying runs: {run.redis['after']}")
    lines.append(f"- {run.verified} entries verified (reopened afterwards)")
    if run.verify_ms:
        timed = sorted(run.verify_ms)
        lines.append(f"- a verification while pages are served (through `lifecycle.verify`, "
                     f"committed): median {_ms(statistics.median(timed))} ms, p95 "
                     f"{_ms(timed[int(len(timed) * 0.95)])} ms over {len(timed)}")
    lines += [f"- {note}" for note in notes]
    lines += [f"- verification failed: {failure}" for failure in run.failures[:5]]
    return "\n".join(lines)


def describe(url: str, entries: int) -> str:
    """The database as a table's title names it: engine, file or database name, size."""
    parsed = make_url(url)
    name = Path(parsed.database).name if parsed.get_backend_name() == "sqlite" else parsed.database
    engine = "SQLite" if parsed.get_backend_name() == "sqlite" else "PostgreSQL"
    return f"{engine} `{name}` ({entries:,} entries)"


def run_mixed(urls: list[str], redis_url: str, seconds: int, warm_timeout: int) -> None:
    """Every database without Redis and (unless `redis_url` is empty) with it; prints the tables."""
    started = time.monotonic()
    print(f"Day pinned to {BENCH_TODAY}; gunicorn -w 2; wrk -t2 -c{CONNECTIONS} -d{seconds}s "
          f"per path, quiet, then while one entry a second is verified and committed. "
          f"p50, p99 and >1 s: wrk's latency histogram, corrected for coordinated omission "
          f"(bench/latency.lua); cold: the first GET of the path after one verification.\n")
    for url in urls:
        url = driver_url(url)
        paths, entries = target_paths(url)
        label = describe(url, entries)
        for cache in ("", redis_url) if redis_url else ("",):
            print(table(measure(url, label, paths, cache, seconds, warm_timeout), seconds), "\n",
                  flush=True)
    print(f"({(time.monotonic() - started) / 60:.1f} minutes in all)")
