"""Open redirects: no target taken from a request sends a browser to another host.

A browser reading `Location` drops tabs and newlines, takes `\\` for `/` and
`//` for the start of a host. `browser_host` reads a Location the same way
(the WHATWG URL rules that matter here), so these tests fail exactly when a
real browser would leave the site.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from competition.redirects import local_target
from tests.access import ROLES
from tests.conftest import Visitor
from tests.security.site import sign_in_as

SITE = "localhost"
HOSTILE_TARGETS = [
    "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example/",
    "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "/\x0b/evil.example/",
    "/\x01/evil.example/", "/\x7f/evil.example/", "/\u2028/evil.example/",
    "https://evil.example/", "HTTPS:evil.example", "javascript:alert(1)",
    "//evil.example:443@localhost/", "/\r\nSet-Cookie: x=1", "\x00/", "evil.example",
    " //evil.example", "/" + "a" * 5000,
]
SAFE_TARGETS = {
    "/bang-xep-hang/huyen?page=2": "/bang-xep-hang/huyen?page=2",
    "/don-vi/ket-qua?status=draft&month=2021-04": "/don-vi/ket-qua?status=draft&month=2021-04",
    "/đơn vị": "/%C4%91%C6%A1n%20v%E1%BB%8B",
    "/a#fragment": "/a",
    "/%0d%0aSet-Cookie:x=1": "/%0d%0aSet-Cookie:x=1",  # encoded: a path, never a header
    "/ /evil.example": "/%20/evil.example",
}
# Query names a view might take a redirect target from.
TARGET_NAMES = ("next", "back", "url", "return_to", "redirect", "target")


def browser_host(location: str) -> str:
    """The host a browser on http://localhost/x would go to for this Location header."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip("\x00- ")).replace("\\", "/")
    return urlsplit(urljoin(f"http://{SITE}/x", cleaned)).hostname or ""


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_a_hostile_target_falls_back_to_home(target):
    assert local_target(target, "/") == "/"


@pytest.mark.parametrize("target, rebuilt", SAFE_TARGETS.items())
def test_a_path_of_this_site_is_kept_rebuilt(target, rebuilt):
    assert local_target(target, "/") == rebuilt


def test_the_checker_itself_sees_what_a_browser_sees():
    """The old check (`/` but not `//`) let `/\\t/evil.example` through; a browser leaves the site."""
    assert browser_host("/\t/evil.example/") == "evil.example"
    assert browser_host("/\\evil.example") == "evil.example"
    assert browser_host("/bang-xep-hang") == SITE


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_signing_in_never_sends_the_browser_elsewhere(world, visitor, target):
    response = visitor.post(f"/tai-khoan/dang-nhap?next={quote(target, safe='')}",
                            {"username": "hoaan", "password": "mat-khau-thu-nghiem"})
    if "\x00" in target:  # refused whole before any view reads it
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert browser_host(response.headers["Location"]) == SITE
    assert response.headers["Location"] == "/don-vi/"  # the reporter's home


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_language_switch_never_sends_the_browser_elsewhere(app, client, target):
    response = client.get(f"/tai-khoan/ngon-ngu/en?next={quote(target, safe='')}")
    if "\x00" in target:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signing_in_returns_to_the_page_asked_for(world, visitor):
    asked = visitor.get("/don-vi/ket-qua?status=draft")
    assert asked.status_code == 302
    login = asked.headers["Location"]
    response = visitor.post(login, {"username": "hoaan", "password": "mat-khau-thu-nghiem"})
    assert response.headers["Location"] == "/don-vi/ket-qua?status=draft"


def test_no_route_of_any_role_redirects_to_another_host(app, district_world, make_visitor):
    """Every rule of the URL map that needs no argument, GET and POST (with a valid CSRF
    token), as every role, with every name a redirect target could hide under."""
    rules = [r for r in app.url_map.iter_rules()
             if not r.arguments and r.endpoint not in ("static", "accounts.logout")]
    redirects = 0
    for role in ROLES:
        visitor: Visitor = sign_in_as(make_visitor(), district_world, role)
        token = visitor.token()
        for target in ("/\t/evil.example/", "//evil.example/", "/\\evil.example/"):
            query = "&".join(f"{name}={quote(target, safe='')}" for name in TARGET_NAMES)
            for rule in rules:
                for method in sorted(rule.methods & {"GET", "POST"}):
                    url = f"{rule.rule}?{query}"
                    response = (visitor.get(url) if method == "GET"
                                else visitor.client.post(url, data={"csrf_token": token}))
                    assert response.status_code < 500, f"{role} {method} {url}"
                    if response.status_code in (301, 302, 303, 307, 308):
                        redirects += 1
                        location = response.headers["Location"]
                        assert browser_host(location) == SITE, f"{role} {method} {url} → {location}"
    assert redirects > 20  # the walk did meet redirects (sign-in, the roles' homes...)
