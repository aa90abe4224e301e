"""Response headers, proxy handling, request size and rate-limit storage that every page shares."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, abort, current_app, request
from flask_limiter import RequestLimit
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from competition.extensions import limiter

MEGABYTE = 1024 * 1024
LARGEST_ID = 2**31 - 1  # PostgreSQL's integer; a larger id in a URL would fail in the query


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: an id the database cannot hold matches no route (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = LARGEST_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def database_id(value: str) -> int:
    """A positive id or page number from a query string that the database can hold.

    Used as `request.args.get(name, type=database_id)`: anything else raises
    ValueError, so the argument falls back to its default instead of failing
    in the query.
    """
    number = int(value)
    if not 1 <= number <= LARGEST_ID:
        raise ValueError(value)
    return number


def optional_id(value: str | None) -> int | None:
    """`database_id` for a value that may be missing or nonsense: the id, or None.

    Every id a view reads from a query string or a form field name goes
    through here or `database_id`, never `int()` after `str.isdigit()`
    (which accepts `²` that `int()` refuses, and numbers no column holds).
    """
    try:
        return database_id(value or "")
    except ValueError:
        return None


def page_number() -> int:
    """`?page=` of a staff list: a page the database can count to, else the first page."""
    return request.args.get("page", 1, type=database_id)


def content_security_policy() -> str:
    """Only the app itself and the pinned Chart.js file; no inline script or style anywhere.

    The CDN is named down to the file (a path source), so nothing else on that
    host can run; `object-src 'none'` and `base-uri 'self'` close the classic
    bypasses, `frame-ancestors 'none'` forbids framing.
    """
    chart = current_app.config["CHARTJS_CDN"]
    return (
        "default-src 'self'; "
        f"script-src 'self' {chart}; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        # Only said over HTTPS (as seen through ProxyFix), so a plain-HTTP test box is never locked out.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def is_private(response: Response) -> bool:
    """A download, or anything a signed-in person is shown: never to be kept by a browser or proxy.

    Downloads (backups, exports, reports, evidence) are private copies of the
    data; signed-in pages carry names, drafts and CSRF tokens. A shared
    computer's cache or an intermediary must not keep either. Anonymous
    public pages keep their revalidated caching (`public.freshness`).
    """
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        return True
    # A request without a cookie has no session: anonymous without loading a user.
    return bool(request.cookies) and current_user.is_authenticated


def forbid_storing_private(response: Response) -> Response:
    if is_private(response) and "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def configure_limits(app: Flask) -> None:
    """Rate limits live in Redis when `REDIS_URL` is set, else in the application's database.

    Either way every worker and server of the site shares one count (memory
    would give each gunicorn worker its own). Called after the app's own
    config is applied, so a test's `REDIS_URL=""` wins over the environment.
    """
    from competition.limit_storage import SCHEME  # registers the storage with `limits`

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or f"{SCHEME}://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "thidua")
    limiter.init_app(app)


def wait_seconds(breached: RequestLimit | None) -> int:
    """Whole seconds until a breached limit lets one more request through (1 to its period)."""
    if breached is None:
        return 60
    period = breached.limit.get_expiry()
    return max(1, min(period, math.ceil(breached.reset_at - time.time())))


def refuse_nul_characters() -> None:
    """A NUL character has no place in any text a person types, and PostgreSQL cannot store
    one: such a request is refused as a whole (400) before any view or query sees it."""
    fields = [*request.args.items(multi=True)]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        fields += [*request.form.items(multi=True)]
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in fields):
        abort(400)


def init_app(app: Flask) -> None:
    # Before any blueprint adds its routes, so every <int:...> uses it.
    app.url_map.converters["int"] = DatabaseId
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        from competition.uploads import body_limit

        app.config["MAX_CONTENT_LENGTH"] = body_limit(
            app.config["MAX_UPLOAD_MB"], app.config["MAX_FILES_PER_ENTRY"]
        )
    hops = app.config.get("PROXY_FIX", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(refuse_nul_characters)  # before the sign-in throttle reads the form
    configure_limits(app)
    app.after_request(add_security_headers)
    app.after_request(forbid_storing_private)
