"""Load: many unit reporters submit an entry at the same moment through gunicorn.

Each reporter signs in with its own browser-like session (cookie and CSRF
token), opens the real entry form and submits one entry; all submissions are
released together. Afterwards every submission must be stored exactly once,
no response may be a 5xx, and the latency percentiles are printed.

    .venv/bin/python -m bench.load                      # 200 reporters, 4 workers, a temporary SQLite file
    .venv/bin/python -m bench.load --reporters 50 --workers 2
    .venv/bin/python -m bench.load --database-url postgresql://postgres@127.0.0.1/thidua_load
                                                        # an EMPTY database: it is migrated and filled

The pieces (`Server`, `Reporter`, `prepare_reporters`, `run`) are also used by
tests/security (the load test and the kill-a-worker test).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "tai-bench-mat-khau"
TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_PATH = "/don-vi/ket-qua/moi"
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving `app:app` on 127.0.0.1 against one database, for as long as the `with` lasts."""

    def __init__(self, database_url: str, workers: int = 4, env: dict[str, str] | None = None,
                 log: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or Path(tempfile.mkstemp(prefix="thidua-gunicorn-", suffix=".log")[1])
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-secret"),
            "COMPETITION_TODAY": os.environ.get("COMPETITION_TODAY", "2021-05-10"),
            "REDIS_URL": "",
            **(env or {}),
        }
        self.command = [
            sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--bind", f"127.0.0.1:{self.port}", "--timeout", str(int(REQUEST_TIMEOUT)),
            "--backlog", "2048", "app:app",
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,
                                        stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/tai-khoan/dang-nhap", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # polling for readiness, not waiting for an outcome
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


class Reporter:
    """One person with a browser: a cookie jar, the CSRF token of the page they are on."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT, follow_redirects=False)

    def token(self, path: str) -> str:
        page = self.http.get(path)
        match = TOKEN.search(page.text)
        if page.status_code != 200 or not match:
            raise RuntimeError(f"GET {path}: {page.status_code}, no form")
        return match.group(1)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        token = self.token("/tai-khoan/dang-nhap")
        response = self.http.post("/tai-khoan/dang-nhap", data={
            "username": username, "password": password, "csrf_token": token})
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {username}: {response.status_code}")

    def post_form(self, path: str, fields: dict[str, str]) -> httpx.Response:
        return self.http.post(path, data={**fields, "csrf_token": self.token(path)})

    def close(self) -> None:
        self.http.close()


def prepare_reporters(count: int, password: str = PASSWORD) -> list[str]:
    """`count` grassroots unions, each with one reporter; needs an app context and a loaded drive."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from competition.extensions import db
    from competition.models import Block, Role, Unit, UnitKind, User

    block = db.session.scalars(select(Block).where(Block.code == "cdcs")).one()
    # A cheap hash: what is measured is submitting, and 200 real scrypt checks would
    # spend most of the run signing in (real accounts keep the strong default).
    password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    run = uuid.uuid4().hex[:6]
    names = []
    for n in range(count):
        code = f"LOAD-{run}-{n:03d}"
        unit = Unit(code=code, slug=code.lower(), name=f"CĐCS tải thử {n:03d}", kind=UnitKind.CDCS,
                    block=block, member_count=100)
        db.session.add(unit)
        db.session.add(User(username=code.lower(), role=Role.UNIT, unit=unit,
                            password_hash=password_hash, full_name=f"Cán bộ {n:03d}"))
        names.append(code.lower())
    db.session.commit()
    return names


def entry_fields(criterion_id: int, title: str) -> dict[str, str]:
    """What a reporter types into the entry form for one initiative, sent for verification."""
    return {
        "criterion": str(criterion_id), "activity_date": date(2021, 5, 3).isoformat(),
        "quantity": "2", "title": title, "description": "Gửi đồng thời khi tải thử.",
        "phase": "", "channel": "", "people_reached": "", "links": "", "version": "",
        "action": "submit",
    }


@dataclass
class Outcome:
    username: str
    title: str
    status: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class Result:
    outcomes: list[Outcome] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return sorted(o.seconds for o in self.outcomes if o.status)

    def percentile(self, p: float) -> float:
        values = self.latencies
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]

    @property
    def server_errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status >= 500]

    @property
    def failures(self) -> list[Outcome]:
        """Submissions that did not end in the redirect a stored entry gives."""
        return [o for o in self.outcomes if o.status != 302]

    def summary(self) -> str:
        return (f"{len(self.outcomes)} submissions in {self.wall_seconds:.1f} s: "
                f"{len(self.failures)} not stored, {len(self.server_errors)} 5xx; "
                f"latency p50 {self.percentile(50) * 1000:.0f} ms, "
                f"p95 {self.percentile(95) * 1000:.0f} ms, max {self.percentile(100) * 1000:.0f} ms")


def run(base_url: str, usernames: list[str], fields_for: Callable[[str], dict[str, str]],
        timeout: float = 300.0) -> Result:
    """Sign everyone in, then release all submissions at once; time each POST of the form."""
    barrier = threading.Barrier(len(usernames), timeout=timeout)
    result = Result()

    def reporter(username: str) -> Outcome:
        title = f"Sáng kiến của {username} #{uuid.uuid4().hex[:8]}"
        outcome = Outcome(username, title)
        person = Reporter(base_url)
        try:
            person.sign_in(username)
            token = person.token(FORM_PATH)
            barrier.wait()
            started = time.perf_counter()
            response = person.http.post(FORM_PATH, data={**fields_for(title), "csrf_token": token})
            outcome.seconds = time.perf_counter() - started
            outcome.status = response.status_code
        except (httpx.HTTPError, RuntimeError, threading.BrokenBarrierError) as error:
            outcome.error = f"{type(error).__name__}: {error}"
            barrier.abort()
        finally:
            person.close()
        return outcome

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(usernames)) as pool:
        result.outcomes = list(pool.map(reporter, usernames, timeout=timeout))
    result.wall_seconds = time.perf_counter() - started
    return result


def stored_copies(titles: list[str]) -> dict[str, int]:
    """How many entries carry each title (each must be exactly 1); needs an app context."""
    from sqlalchemy import func, select

    from competition.extensions import db
    from competition.models import Entry

    rows = db.session.execute(
        select(Entry.title, func.count()).where(Entry.title.in_(titles)).group_by(Entry.title)
    ).all()
    found = dict(rows)
    return {title: found.get(title, 0) for title in titles}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="", help="an empty database (default: temporary SQLite)")
    args = parser.parse_args(argv)

    import flask_migrate

    from competition import create_app, drives
    from competition.extensions import db

    folder = tempfile.mkdtemp(prefix="thidua-load-")
    url = args.database_url or f"sqlite:///{folder}/load.sqlite"
    os.environ["DATABASE_URL"] = url
    app = create_app({"REDIS_URL": ""})
    with app.app_context():
        flask_migrate.upgrade()
        drive = drives.load_drive(ROOT / "examples" / "drive-129.toml")
        criterion_id = next(c.id for c in drive.criteria if c.code == "SK")
        usernames = prepare_reporters(args.reporters)
        db.session.remove()
        with Server(url, workers=args.workers, env={"UPLOAD_DIR": f"{folder}/uploads"}) as server:
            result = run(server.url, usernames, lambda title: entry_fields(criterion_id, title))
        copies = stored_copies([o.title for o in result.outcomes])
    wrong = {title: n for title, n in copies.items() if n != 1}
    print(f"{args.reporters} reporters, {args.workers} gunicorn workers, {url.split(':')[0]}")
    print(result.summary())
    print(f"stored exactly once: {len(copies) - len(wrong)} of {len(copies)}")
    for outcome in result.failures[:5]:
        print(f"  {outcome.username}: {outcome.status} {outcome.error}")
    return 0 if not wrong and not result.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
