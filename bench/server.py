"""The gunicorn that `bench/run.py` measures: started, asked, weighed and stopped the same way
by the board-vs-static run, the page costs and the mixed load (`bench/mixed.py`)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.generate import BENCH_TODAY

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def gunicorn(url: str, workers: int, warm_timeout: int,
             redis_url: str = "") -> tuple[subprocess.Popen, str]:
    """A gunicorn serving the app on `url`'s database, once it answers.

    The day is pinned to the benchmark's; `redis_url` empty keeps each
    worker's cache in its own memory, as without Redis in production.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "COMPETITION_TODAY": BENCH_TODAY.isoformat(),
           "REDIS_URL": redis_url}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", str(warm_timeout), "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            get(base + "/static/css/app.css", 1)
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def worker_pids(server: subprocess.Popen) -> list[int]:
    return [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]


def memory_kb(pid: int, field: str) -> int:
    """`VmRSS` (now) or `VmHWM` (peak) of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1))


def peak_rss_mb(pid: int) -> float:
    return memory_kb(pid, "VmHWM") / 1024


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
