"""Measure the board and the standings at scale and print one table: `bench/run.py --help`.

Needs databases made by `bench/generate.py` (a small one with 10,000 entries
and a large one with 1,000,000, same units) for each engine measured. Every
ratio is measured side by side in one run — board and static file, small and
large database, rebuild and scan alternate — so machine noise cancels.
`--cost-paths` times single pages instead; `--mixed` serves pages while a
judge verifies (`bench/mixed.py`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.generate import BENCH_TODAY, data_app, driver_url  # noqa: E402
from bench.mixed import judge, judging_app, run_mixed, submitted_ids  # noqa: E402
from bench.queries import counting_queries  # noqa: E402
from bench.server import get, gunicorn, peak_rss_mb, stop, worker_pids  # noqa: E402
from competition import lifecycle, standings  # noqa: E402
from competition.extensions import db  # noqa: E402
from competition.models import Entry  # noqa: E402


@dataclass
class Engine:
    name: str
    small: str
    large: str
    figures: dict[str, str] = field(default_factory=dict)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", nargs=2, metavar=("SMALL_URL", "LARGE_URL"))
    parser.add_argument("--postgresql", nargs=2, metavar=("SMALL_URL", "LARGE_URL"))
    parser.add_argument("--board-path", default="/bang-xep-hang/nganh",
                        help="the board page served by gunicorn and weighed")
    parser.add_argument("--verifies", type=int, default=40, help="entries verified per database")
    parser.add_argument("--rounds", type=int, default=3, help="rebuild/scan rounds")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run")
    parser.add_argument("--warm-timeout", type=int, default=900,
                        help="seconds a worker may take to compute the first board")
    parser.add_argument("--cost-paths", nargs="+", metavar="PATH",
                        help="instead of the table: time, bytes and peak RSS of these requests, "
                             "in order, from one fresh worker on each large database")
    parser.add_argument("--mixed", nargs="+", metavar="URL",
                        help="instead of the table: pages under wrk, quiet and while a judge "
                             "verifies one entry a second, on each of these databases, without "
                             "and with Redis (bench/mixed.py)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12",
                        help="the Redis database of --mixed's second pass, flushed before and "
                             "after; '' for the per-process cache only")
    return parser.parse_args(argv)


# --- (2) verify cost ---------------------------------------------------------


def verify_growth(engine: Engine, count: int) -> None:
    small_ids, large_ids = submitted_ids(engine.small, count), submitted_ids(engine.large, count)
    apps = {url: judging_app(url) for url in (engine.small, engine.large)}
    timings: dict[str, list[float]] = {engine.small: [], engine.large: []}
    for small_id, large_id in zip(small_ids, large_ids, strict=False):
        for url, entry_id in ((engine.small, small_id), (engine.large, large_id)):
            with apps[url].app_context():
                entry, by = db.session.get(Entry, entry_id), judge()
                started = time.perf_counter()
                lifecycle.verify(entry, by)
                db.session.commit()
                timings[url].append(time.perf_counter() - started)
                lifecycle.reopen(entry, by, "bench: hoàn nguyên")
                db.session.commit()
                db.session.remove()
    small, large = (statistics.median(timings[u]) for u in (engine.small, engine.large))
    engine.figures["verify_small_ms"] = f"{small * 1000:.2f}"
    engine.figures["verify_large_ms"] = f"{large * 1000:.2f}"
    engine.figures["verify_growth"] = f"{large / small:.2f}"
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()


# --- (3) rebuild vs one scan -------------------------------------------------

SCAN = text(
    "SELECT unit_id, criterion_id, SUM(COALESCE(verified_quantity, quantity)), COUNT(*), "
    "MAX(activity_date) FROM entry WHERE status = 'verified' GROUP BY unit_id, criterion_id"
)


def rebuild_vs_scan(engine: Engine, rounds: int) -> None:
    app = data_app(engine.large)
    scans, rebuilds = [], []
    with app.app_context():
        drive = standings.active_drive()
        for _ in range(rounds):
            started = time.perf_counter()
            db.session.execute(SCAN).all()
            db.session.commit()
            scans.append(time.perf_counter() - started)
            started = time.perf_counter()
            standings.rebuild(drive)
            db.session.commit()
            rebuilds.append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    scan, rebuild = statistics.median(scans), statistics.median(rebuilds)
    engine.figures["scan_s"] = f"{scan:.2f}"
    engine.figures["rebuild_s"] = f"{rebuild:.2f}"
    engine.figures["rebuild_scan"] = f"{rebuild / scan:.2f}"


# --- (1) board vs static, (4) memory -----------------------------------------


def _wrk(url: str, seconds: int) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "120s", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"wrk saw {non_2xx.group(1)} failed responses from {url}")
    done = int(re.search(r"(\d+) requests in", out).group(1))
    if done == 0:
        raise RuntimeError(f"no response from {url} within {seconds} s")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def board_vs_static(engine: Engine, path: str, seconds: int, warm_timeout: int) -> None:
    """Gunicorn (2 workers) serves the board and a same-size file from static/, in turns."""
    server, base = gunicorn(engine.large, 2, warm_timeout)
    static_file = None
    try:
        # Each worker computes the board once (per-process cache); ask until both have.
        body = b""
        for _ in range(6):
            body = get(base + path, warm_timeout)
        static_file = ROOT / "static" / f"bench-{os.getpid()}.html"
        static_file.write_bytes(os.urandom(len(body) // 2).hex().encode()[: len(body)])
        board, static = [], []
        for _ in range(2):
            board.append(_wrk(base + path, seconds))
            static.append(_wrk(f"{base}/static/{static_file.name}", seconds))
        workers = worker_pids(server)
        engine.figures["board_rps"] = f"{sum(board) / 2:.2f}"
        engine.figures["static_rps"] = f"{sum(static) / 2:.0f}"
        engine.figures["board_static"] = f"{sum(board) / sum(static):.3f}"
        engine.figures["rss"] = f"{max(peak_rss_mb(pid) for pid in workers):.0f}"
        engine.figures["board_bytes"] = f"{len(body)}"
    finally:
        if static_file is not None:
            static_file.unlink(missing_ok=True)
        stop(server)


# --- the cost of single pages ----------------------------------------------------


@dataclass
class PageCost:
    engine: str
    path: str
    seconds: float
    bytes: int
    rss_mb: float


def page_costs(engine: Engine, paths: list[str], warm_timeout: int) -> list[PageCost]:
    """Each of `paths` in turn from one fresh gunicorn worker: time, bytes, peak RSS so far.

    The first request of a path is cold (nothing cached in the worker); name
    a path twice to see it served warm, or another page of the same block to
    see what the board's cache saves it.
    """
    server, base = gunicorn(engine.large, 1, warm_timeout)
    costs = []
    try:
        (worker,) = worker_pids(server)
        for path in paths:
            started = time.perf_counter()
            body = get(base + path, warm_timeout)
            seconds = time.perf_counter() - started
            costs.append(PageCost(engine.name, path, seconds, len(body), peak_rss_mb(worker)))
    finally:
        stop(server)
    return costs


def cost_table(costs: list[PageCost]) -> str:
    lines = ["| database | request (in order, one fresh worker) | time (s) | bytes | peak RSS (MB) |",
             "|---|---|---|---|---|"]
    lines += [f"| {c.engine} | `{c.path}` | {c.seconds:.2f} | {c.bytes} | {c.rss_mb:.0f} |"
              for c in costs]
    return "\n".join(lines)


# --- (5) queries per request ----------------------------------------------------


def queries_per_request(engine: Engine, path: str, warm_timeout: int) -> None:
    """Statements a board request sends with an empty cache and with a warm one (in process).

    No application context is held around the requests, so each request gets
    its own (its own `g` and session), as under gunicorn.
    """
    os.environ["COMPETITION_TODAY"] = BENCH_TODAY.isoformat()
    from competition import cache, create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": driver_url(engine.large), "REDIS_URL": ""})
    client = app.test_client()
    with app.app_context():
        cache.backend().clear()
        sql = db.engine
    with counting_queries(sql) as cold:
        assert client.get(path).status_code == 200
    with counting_queries(sql) as warm:
        assert client.get(path).status_code == 200
    sql.dispose()
    engine.figures["queries_cold"] = str(cold.count)
    engine.figures["queries_warm"] = str(warm.count)


# --- the table -----------------------------------------------------------------


ROWS = [
    ("board req/s (gunicorn, 2 workers)", "board_rps", ""),
    ("static file req/s (same size)", "static_rps", ""),
    ("board / static", "board_static", "≥ 0.5"),
    ("verify median, 10k entries (ms)", "verify_small_ms", ""),
    ("verify median, 1M entries (ms)", "verify_large_ms", ""),
    ("verify 1M / 10k", "verify_growth", "≤ 1.5"),
    ("GROUP BY scan of entries (s)", "scan_s", ""),
    ("full standings rebuild (s)", "rebuild_s", ""),
    ("rebuild / scan", "rebuild_scan", "≤ 3"),
    ("worker peak RSS at 1M (MB)", "rss", "≤ 150"),
    ("board HTML (bytes)", "board_bytes", ""),
    ("SQL queries, cached board request", "queries_warm", "≤ 3"),
    ("SQL queries, uncached board request", "queries_cold", "≤ 10"),
]


def table(engines: list[Engine]) -> str:
    header = ["figure", *(e.name for e in engines), "goal"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, key, goal in ROWS:
        cells = [e.figures.get(key, "—") for e in engines]
        lines.append("| " + " | ".join([label, *cells, goal]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.mixed:
        if shutil.which("wrk") is None:
            sys.exit("wrk is not installed (Debian package wrk)")
        run_mixed(args.mixed, args.redis_url, args.seconds, args.warm_timeout)
        return
    engines = []
    if args.sqlite:
        engines.append(Engine("SQLite", *(driver_url(u) for u in args.sqlite)))
    if args.postgresql:
        engines.append(Engine("PostgreSQL", *(driver_url(u) for u in args.postgresql)))
    if not engines:
        sys.exit("name at least one engine: --sqlite SMALL LARGE and/or --postgresql SMALL LARGE")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian package wrk)")
    if args.cost_paths:
        costs = []
        for engine in engines:
            print(f"{engine.name}: page costs …", file=sys.stderr)
            costs += page_costs(engine, args.cost_paths, args.warm_timeout)
        print(f"Day pinned to {BENCH_TODAY}; gunicorn -w 1, per-process cache")
        print(cost_table(costs))
        return
    for engine in engines:
        print(f"{engine.name}: verify cost …", file=sys.stderr)
        verify_growth(engine, args.verifies)
        print(f"{engine.name}: rebuild vs scan …", file=sys.stderr)
        rebuild_vs_scan(engine, args.rounds)
        print(f"{engine.name}: board vs static …", file=sys.stderr)
        board_vs_static(engine, args.board_path, args.seconds, args.warm_timeout)
        print(f"{engine.name}: queries per request …", file=sys.stderr)
        queries_per_request(engine, args.board_path, args.warm_timeout)
    print(f"Board page {args.board_path}, day pinned to {BENCH_TODAY}; gunicorn -w 2; "
          f"wrk -t2 -c8 -d{args.seconds}s, board and static alternating twice")
    print(table(engines))


if __name__ == "__main__":
    main()
