"""Headers every response carries, and pages that give the Content-Security-Policy nothing to forgive."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEvent
from tests import factories
from tests.conftest import Visitor
from tests.security.site import crawl

ROLES = {"anonymous": None, "reporter": "hoaan", "judge": "thamdinh1", "admin": "admin"}


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["Content-Security-Policy"].split(";")]
    return {d[0]: d[1:] for d in directives if d}


@pytest.mark.parametrize("path", ["/", "/tai-khoan/dang-nhap", "/khong-co-trang-nay"])
def test_every_response_carries_the_security_headers(client, drive, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert policy(response)["frame-ancestors"] == ["'none'"]


def test_scripts_may_come_only_from_the_site_and_the_pinned_chart_file(app, client, drive):
    csp = policy(client.get("/"))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", app.config["CHARTJS_CDN"]]
    assert app.config["CHARTJS_CDN"].endswith(".js")  # a file, not a whole CDN host
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_needs_inline_script_or_style(app, world, make_visitor, role):
    """The policy forbids them, so a page that used them would silently break in the browser."""
    visitor = make_visitor()
    if ROLES[role]:
        visitor.login(ROLES[role])
    factories.entry(world.hoa_an, factories.criterion(world.drive, "TB"), 3, status="verified")
    factories.entry(world.thpt_hoa_an, factories.criterion(world.drive, "HN"), 2, status="submitted")
    pages = [p for p in crawl(app, visitor.client) if p.content_type.startswith("text/html")]
    assert len(pages) > 1
    offenders = [f"{p.url}: {p.inline_scripts} scripts, {p.inline_styles} styles"
                 for p in pages if p.inline_scripts or p.inline_styles]
    assert offenders == []


def signed_failure(app, headers: dict[str, str]) -> str:
    """Fail one sign-in with the given headers; the address the audit log recorded."""
    visitor = Visitor(app.test_client())
    token = visitor.token()
    visitor.client.post("/tai-khoan/dang-nhap", headers=headers,
                        data={"username": "ai-do", "password": "sai-mat-khau-9", "csrf_token": token})
    return db.session.scalars(select(AuditEvent.ip).order_by(AuditEvent.id.desc())).first()


# Over HTTPS Flask-WTF also checks that the form was posted from this very site.
FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "Referer": "https://localhost/tai-khoan/dang-nhap"}


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app, drive):
    """Otherwise anyone could pick the address the throttle and the audit log see."""
    assert signed_failure(app, FORWARDED) == "127.0.0.1"
    assert "Strict-Transport-Security" not in app.test_client().get("/", headers=FORWARDED).headers


def test_behind_one_trusted_proxy_the_real_client_address_and_https_are_seen(drive, another_app):
    proxied = another_app(PROXY_FIX=1)
    with proxied.app_context():
        assert signed_failure(proxied, FORWARDED) == "203.0.113.9"
        response = proxied.test_client().get("/", headers=FORWARDED)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        # Only the nearest hop is trusted: a client cannot prepend an address of its choice.
        assert signed_failure(proxied, {"X-Forwarded-For": "10.9.9.9, 203.0.113.10"}) == "203.0.113.10"
