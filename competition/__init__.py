"""Thi đua: an emulation drive tracker for Vietnamese trade unions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request

from competition import config as configuration
from competition.extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (
    "public", "accounts", "entries", "judging", "appeals", "reports", "admin", "commendation",
    "api", "notifications",
)


def select_locale() -> str:
    """The language the visitor chose with the switch (a cookie), Vietnamese by default
    (and always outside a request: the command line, exports built in the background)."""
    if not has_request_context():
        return "vi"
    lang = request.cookies.get("lang", "")
    return lang if lang in ("vi", "en") else "vi"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; tests call it many times with their own `config`."""
    app = Flask(
        __name__,
        instance_path=str(configuration.instance_path(ROOT)),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(configuration.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)

    from competition import models  # noqa: F401  (the tables, for migrations)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    from competition.database import init_database

    init_database(app)

    from competition import formatting, navigation, quantities, security
    from competition.errors import register_error_handlers
    from competition.results import lock

    lock.init_app(app)
    formatting.init_app(app)
    quantities.init_app(app)
    navigation.init_app(app)
    security.init_app(app)
    register_error_handlers(app)

    import importlib

    for name in BLUEPRINTS:
        module = importlib.import_module(f"competition.{name}")
        app.register_blueprint(module.bp)

    from competition.cli import register_commands

    register_commands(app)
    return app
