"""Configuration read from the environment, with safe defaults for one machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo


def instance_path(root: Path) -> Path:
    """Where the app may write its own files: `INSTANCE_PATH`, else `instance/` beside the code."""
    configured = os.environ.get("INSTANCE_PATH", "").strip()
    return Path(configured).resolve() if configured else root / "instance"


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'thidua.sqlite'}"
    # Heroku-style URLs name the old driver; psycopg 3 is what we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _mail_settings() -> dict:
    """Email over SMTP (Flask-Mailman) and the notification worker's schedule."""
    return {
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "thidua@localhost"),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "20")),
        # The address emails link to (no request exists when the worker writes them).
        "SITE_URL": os.environ.get("SITE_URL", "http://localhost:8000"),
        # The daily reminders and digests: at this Vietnam time, for entries waiting this long.
        "NOTIFY_DAILY_AT": os.environ.get("NOTIFY_DAILY_AT", "07:00"),
        "NOTIFY_WAITING_DAYS": int(os.environ.get("NOTIFY_WAITING_DAYS", "3")),
        "NOTIFY_POLL_SECONDS": int(os.environ.get("NOTIFY_POLL_SECONDS", "30")),
    }


def _time_zone() -> str:
    """TIMEZONE from the environment (an IANA name), checked so a typo fails at start-up."""
    name = os.environ.get("TIMEZONE", "").strip() or "Asia/Ho_Chi_Minh"
    ZoneInfo(name)  # raises ZoneInfoNotFoundError for an unknown zone
    return name


def from_environment(instance_path: Path) -> dict:
    """The settings; the instance folder is created only when a default needs it (no
    SECRET_KEY, no DATABASE_URL), so a read-only checkout runs with both set. Uploads
    go to UPLOAD_DIR, created on the first upload."""
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance_path / "uploads")),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        # What one worker keeps of cached pages in its own memory when there is no Redis.
        "LOCAL_CACHE_BYTES": int(os.environ.get("LOCAL_CACHE_BYTES", str(32 * 1024 * 1024))),
        "MAX_UPLOAD_MB": int(os.environ.get("MAX_UPLOAD_MB", "10")),
        "MAX_FILES_PER_ENTRY": int(os.environ.get("MAX_FILES_PER_ENTRY", "10")),
        # Failed sign-ins allowed before the next attempt waits (moving window, see security.py).
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("LOGIN_LIMIT_ACCOUNT", "5 per minute"),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("LOGIN_LIMIT_ADDRESS", "20 per minute"),
        "PROXY_FIX": int(os.environ.get("PROXY_FIX", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "vi",
        # The federation's clock: today, deadlines, the freeze and every time shown (clock.py).
        "TIMEZONE": _time_zone(),
        "BABEL_DEFAULT_TIMEZONE": _time_zone(),
        "LANGUAGES": ["vi", "en"],
        # The catalogues live at the repository's top (translations/), not inside the package.
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "CHARTJS_CDN": "https://cdn.jsdelivr.net/npm/chart.js@4.4.7/dist/chart.umd.js",
        # The integrity hash of that exact file (tests check it against the npm package).
        "CHARTJS_SRI": "sha384-zYPBGXwO4633CABX/5Spf6emCKUJCfoOkhOMYyxMsatqQZPnDblmmOewfjsIVWCM",
        "ENTRIES_PER_PAGE": 20,
        "WTF_CSRF_TIME_LIMIT": None,
        **_mail_settings(),
    }
