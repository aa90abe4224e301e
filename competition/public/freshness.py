"""Conditional responses for the public pages and the API: ETag, Last-Modified, 304, page cache.

A page's content is a function of the versions of the standings it is made
of (its scopes: a block, the propaganda, the rules; see `scopes`), the page
and its arguments, the language, the reader's perspective (public or staff)
and the day (countdowns, the running phase). The validator is built from
exactly those, read before anything is computed, so a repeat visitor's 304
costs a few small queries and no board.

The page's slot in the shared cache (`competition.cache`) is named after
what the page is; its copy carries the ETag, so any anonymous reader after
the first gets the finished page for those queries too, and the copy of an
older version is overwritten, not kept. Only pages that are the same for
every anonymous reader are kept: signed-in readers (staff see the live
board during a freeze, and their names in the header) are always rendered,
and so is any page whose rendering touched the session (a flashed message,
a CSRF token) — such a page belongs to one visitor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache, wraps
from typing import Any

from flask import Response, abort, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.http import is_resource_modified

from competition import cache, clock, memo, standings
from competition.clock import now
from competition.extensions import db
from competition.models import AuditEvent, Drive
from competition.public.perspective import Perspective, perspective, signed_in
from competition.public.scopes import Scopes


@lru_cache(maxsize=2)
def _drive_and_last_change(by_slug: bool = False) -> Select:
    """Built once per process: building the statement costs as much as running it.

    The drive table's columns (not the entity), so it runs on a bare connection;
    the active drive, or (`by_slug`) the archived drive named in the URL.
    """
    chosen = (select(Drive).where(Drive.slug == bindparam("slug")) if by_slug
              else standings.active_drive_select())
    return chosen.with_only_columns(*Drive.__table__.columns).add_columns(
        select(func.max(AuditEvent.at)).scalar_subquery()
    )


def _drive_from(row: Row) -> Drive:
    """The ORM drive made from the columns already read: rendering the page reads it no more."""
    drive = Drive()
    for column in Drive.__table__.columns:
        set_committed_value(drive, Drive.__mapper__.get_property_by_column(column).key,
                            row._mapping[column])
    make_transient_to_detached(drive)
    return db.session.merge(drive, load=False)


def current_drive() -> Drive | None:
    """The page's drive, read once per request, fresh, with the time of the last audited change.

    The active drive, or the one the archive address names (`g.drive_slug`:
    an unknown slug is 404).

    One statement on a connection of its own in autocommit (no BEGIN and
    ROLLBACK around it: on PostgreSQL three round trips become one), and the
    request's session is not touched: a page served from the cache costs this
    read and nothing else.
    """
    if "thidua_drive" not in g:
        slug = g.get("drive_slug")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            row = connection.execute(_drive_and_last_change(slug is not None),
                                     {"slug": slug} if slug is not None else {}).first()
        if row is None and slug is not None:
            abort(404)
        g.thidua_drive, g.thidua_last_change = (
            (_drive_from(row), row[-1]) if row is not None else (None, None))
        if g.thidua_drive is not None:
            standings.note_version(g.thidua_drive)
    return g.thidua_drive


def current_perspective() -> Perspective:
    """Set by `conditional` before the view runs."""
    return g.thidua_perspective


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _stamp(drive: Drive, view_point: Perspective, depends: Callable[[], Scopes] | None) -> str:
    """The versions the page is made of: its scopes' (any change, without them).

    The board as of the freeze moves only with drive-wide changes (appeals), so
    its pages name the rules' version alone.
    """
    scopes = depends() if depends is not None else None
    if scopes is None:
        return f"{standings.request_version(drive.id)};{clock.today().isoformat()}"
    return standings.stamp_for(drive.id, view_point.cutoff, scopes)


def _validator(drive: Drive, view_point: Perspective,
               depends: Callable[[], Scopes] | None) -> tuple[str, str]:
    """The page's slot in the shared cache (what it is) and its ETag (what it is, as of
    which versions and which day)."""
    # Signed-in pages name the reader in the header.
    reader = current_user.get_id() if signed_in() else ""
    what = [
        str(drive.id), g.get("drive_slug") or "",
        request.endpoint or "", repr(sorted((request.view_args or {}).items())),
        repr(sorted(request.args.items(multi=True))), str(get_locale()), view_point.key,
        reader, request.host_url,
    ]
    return f"page:{_digest(what)}", _digest([*what, _stamp(drive, view_point, depends)])


def _last_modified(drive: Drive) -> datetime:
    """The latest of: the last audited change, the start of today, the freeze once reached."""
    moment = now()
    candidates = [clock.start_of_day(clock.local_day(moment))]
    latest_event = g.thidua_last_change
    if latest_event is not None:
        candidates.append(latest_event)
    if drive.freeze_at is not None and drive.freeze_at <= moment:
        candidates.append(drive.freeze_at)
    # HTTP speaks UTC, to the second.
    return max(candidates).astimezone(UTC).replace(microsecond=0)


def _validate(response: Response, etag: str, last_modified: datetime) -> Response:
    response.set_etag(etag, weak=True)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response


# What a view sets that a cached copy must repeat; the app's own headers
# (security policy, cookies) are added afresh to every response.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
# The query arguments public pages read that take few values. A page asked with any other
# argument (free-text search `q`, a made-up one) is still answered, but not kept in the
# shared cache, so nobody can fill the cache by inventing URLs.
CACHED_ARGUMENTS = frozenset({"page", "per_page", "parent", "phase", "channel", "unit", "from", "to",
                              "limit", "offset",
                              "block", "drive"})


def _shared(public_only: bool) -> bool:
    """The page is the same for everyone who may get it from the cache."""
    if request.method != "GET" or (not public_only and signed_in()):
        return False
    if not set(request.args) <= CACHED_ARGUMENTS:
        return False
    # Without a cookie there is no session, hence no flashed message.
    return not request.cookies or "_flashes" not in session


def _from_cache(slot: str, etag: str) -> Response | None:
    stored = cache.lookup(slot, etag)
    if stored is None:
        return None
    body, headers = stored
    return Response(body, headers=headers)


def _keep(slot: str, etag: str, response: Response) -> None:
    if (session.modified or response.headers.getlist("Set-Cookie") or response.direct_passthrough
            or not memo.shared()):
        return
    headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
    cache.store(slot, etag, (response.get_data(), headers))


def conditional(public_only: bool = False, depends: Callable[[], Scopes] | None = None) -> Callable:
    """Answer 304 when the reader's copy is current, else the cached page, else run the view.

    `public_only` (the API) shows the public board to everyone, signed in or not.
    `depends` names the standings scopes the page is made of (`scopes`); without
    it, any change to the standings makes the page anew.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            drive = current_drive()
            if drive is None:
                return view(*args, **kwargs)
            view_point = perspective(drive, public_only)
            g.thidua_perspective = view_point
            slot, etag = _validator(drive, view_point, depends)
            last_modified = _last_modified(drive)
            if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
                return _validate(Response(status=304), etag, last_modified)
            shared = _shared(public_only)
            response = _from_cache(slot, etag) if shared else None
            if response is None:
                response = make_response(view(*args, **kwargs))
                if response.status_code == 200 and shared:
                    _keep(slot, etag, response)
            if response.status_code == 200:
                _validate(response, etag, last_modified)
            return response

        return wrapped

    return decorator
