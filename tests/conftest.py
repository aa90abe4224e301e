"""Every test starts from an empty, migrated database: SQLite by default, PostgreSQL
when DATABASE_URL names one (scripts/test runs the suite on both).

Browser tests drive Debian's Chromium through Playwright; in CI a missing
browser is a failure, elsewhere a skip that says why.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

os.environ.setdefault("COMPETITION_TODAY", "2021-05-10")

from competition import create_app  # noqa: E402
from competition.extensions import db  # noqa: E402
from tests import factories  # noqa: E402

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
CHARTJS_FILE = ROOT / "tests" / "browser" / "node_modules" / "chart.js" / "dist" / "chart.umd.js"
AXE_FILE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


def _migrate(uri: str) -> None:
    import flask_migrate

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A migrated database built once per run through the real migrations."""
    if ON_POSTGRES:
        from competition.config import _database_url

        uri = _worker_database(_database_url(Path("/nonexistent")))
        engine = create_engine(uri)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(uri)
        return uri
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return str(path)


def _empty_postgres(uri: str) -> None:
    engine = create_engine(uri)
    with engine.begin() as connection:
        tables = [
            row[0] for row in connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                "AND tablename <> 'alembic_version'"
            ))
        ]
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def _worker_database(uri: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return uri
    base, _, name = uri.rpartition("/")
    own = f"{name}_{worker}"
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}"'))
        connection.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def worker_database(database_template: str, tmp_path_factory) -> str:
    """The database this test process uses: reset to the template before every test."""
    if ON_POSTGRES:
        return database_template
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture
def database_uri(database_template: str, worker_database: str, shared_app) -> str:
    """An empty, migrated database for this test (the worker's, reset)."""
    with shared_app.app_context():
        db.engine.dispose()
    if ON_POSTGRES:
        _empty_postgres(worker_database)
        return worker_database
    path = Path(worker_database.removeprefix("sqlite:///"))
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(database_template, path)
    return worker_database


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context.

    The test itself holds an app context (to build data with the models);
    without this, requests would share its `g` and database session, and a
    test could see what a request never committed. The test's own session
    is committed before and after each request, so it reads fresh rows.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.commit()


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "tests-only-secret",
    "REDIS_URL": "",
}


@pytest.fixture(scope="session")
def shared_app(worker_database: str):
    """One application for the whole run: building one costs half a second (routing
    compiles every rule), and each test only needs a fresh database and config."""
    application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": worker_database})
    application.test_client_class = IsolatedClient
    return application


def _reset(application) -> None:
    """Forget what an earlier test left in the shared app: caches and sign-in counters."""
    from competition.extensions import limiter

    application.extensions.pop("thidua_cache", None)
    limiter.reset()


@pytest.fixture
def app(request, shared_app, database_uri: str, tmp_path: Path, monkeypatch):
    """The application on a fresh database. Tests marked `own_app` (they add routes or
    change what is fixed at creation) get an application of their own."""
    monkeypatch.setenv("COMPETITION_TODAY", "2021-05-10")
    per_test = {"UPLOAD_DIR": str(tmp_path / "uploads")}
    if request.node.get_closest_marker("own_app"):
        application = create_app({**TEST_CONFIG, **per_test,
                                  "SQLALCHEMY_DATABASE_URI": database_uri})
        application.test_client_class = IsolatedClient
    else:
        application = shared_app
    saved = dict(application.config)
    application.config.update(per_test)
    _reset(application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    application.config.clear()
    application.config.update(saved)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Visitor:
    """A test client that behaves like a person with a browser: it signs in and
    sends the CSRF token it was given, as the real forms do."""

    TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

    def __init__(self, client) -> None:
        self.client = client

    def token(self, path: str = "/tai-khoan/dang-nhap") -> str:
        match = self.TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, token_from: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(token_from or "/tai-khoan/dang-nhap"))
        return self.client.post(path, data=data, **kwargs)

    def login(self, username: str, password: str = factories.PASSWORD):
        response = self.post("/tai-khoan/dang-nhap", {"username": username, "password": password})
        assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
        return response

    def logout(self):
        return self.post("/tai-khoan/dang-xuat")


@pytest.fixture
def visitor(client) -> Visitor:
    return Visitor(client)


@pytest.fixture
def make_visitor(app):
    """More than one person at once (two judges, a reporter and a judge)."""
    return lambda: Visitor(app.test_client())


@pytest.fixture
def drive(app):
    """The default drive of Plan 129 (examples/drive-129.toml), with no units yet."""
    return factories.default_drive()


@pytest.fixture
def world(app, drive):
    """A small province: the default drive, a few units in every block, and one user per role."""
    return factories.small_world(drive)


# --- Browser -------------------------------------------------------------


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served over HTTP on 127.0.0.1 for the browser, on the test database."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required in CI", pytrace=False)
    pytest.skip(f"{what} is not installed (scripts/test installs it)")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Debian's Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


@pytest.fixture
def open_page(browser, app):
    """open_page(viewport="phone", cdn=True) → a page whose console errors are collected.

    With cdn=True the pinned Chart.js CDN URL is answered from the npm package
    file; with cdn=False it is blocked, as for a reader whose network drops it.
    """
    contexts = []

    def opener(viewport: str = "desktop", cdn: bool = True):
        if cdn and not CHARTJS_FILE.exists():
            _missing("the npm package chart.js (tests/browser/node_modules)")
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        # Nothing else may leave the machine (routes registered later are matched first).
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
        cdn_url = app.config["CHARTJS_CDN"]
        if cdn:
            page.route(cdn_url, lambda route: route.fulfill(
                path=str(CHARTJS_FILE), content_type="application/javascript",
                headers={"Access-Control-Allow-Origin": "*"},
            ))
        else:
            page.route(cdn_url, lambda route: route.abort())
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
