"""What a visitor of each role can reach: pages found by following links, and the forms on them.

The security tests (headers, fuzzing, stored XSS) walk the site this way
instead of listing routes by hand, so a page or form another area adds later
is covered the day it appears. Every walk goes as each role of the access
matrix (`tests.access.ROLES`), signed in by `sign_in_as`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException

from competition.models import User
from tests.access import ROLES
from tests.conftest import Visitor
from tests.factories import World

# Links a crawler must not follow: they change the visitor's own state, not the site's.
NOT_FOLLOWED = ("/tai-khoan/ngon-ngu/", "/tai-khoan/dang-xuat")
PER_ENDPOINT = 2  # pages of one kind (one unit page, one entry page...) are alike


def accounts(world: World) -> dict[str, User | None]:
    """The account that signs in for each role of the access matrix (None: nobody signs in).

    The district roles exist once `factories.with_district` has given Hòa An its own
    block and council (the `district_world` fixture), so a walk over every role needs that
    world; a role added to the matrix without an account here fails loudly, not silently.
    """
    assert world.district_judge is not None, "walk every role in the `district_world` fixture"
    by_role = {
        "anonymous": None, "reporter_a": world.reporter_thpt, "reporter_b": world.reporter_bao_lam,
        "judge": world.judge, "judge_parent": world.judge_hoa_an,
        "district_judge": world.district_judge, "district_admin": world.district_admin,
        "admin": world.admin,
    }
    assert set(by_role) == set(ROLES), f"no account for {sorted(set(ROLES) - set(by_role))}"
    return by_role


def sign_in_as(visitor: Visitor, world: World, role: str) -> Visitor:
    """This visitor, signed in as the role's account (anonymous stays signed out)."""
    account = accounts(world)[role]
    if account is not None:
        visitor.login(account.username)
    return visitor


@dataclass
class Form:
    """A form as the page draws it: where it posts and the fields a browser would send."""

    page: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, self.action, tuple(sorted(self.fields)))


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    html: str
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    inline_scripts: int = 0
    inline_styles: int = 0


class _Parser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._script_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "style" in a:
            self.inline_styles += 1
        if any(k.startswith("on") for k in a):
            self.inline_scripts += 1
        if tag == "script":
            data_block = a.get("type", "") == "application/json"
            self._script_inline = not a.get("src") and not data_block
        elif tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            action = urljoin(self.url, a.get("action") or self.url)
            self._form = Form(self.url, action, (a.get("method") or "get").upper())
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                self._form.choices.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form.fields[a["name"]] = a.get("value", "on")
                else:
                    self._form.fields.setdefault(a["name"], "")
            elif tag == "input" or a.get("value"):
                self._form.fields[a["name"]] = a.get("value", "")
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.choices[self._select] = []
            self._form.fields.setdefault(self._select, "")
        elif self._form is not None and tag == "option" and self._select:
            value = a.get("value", "")
            self._form.choices[self._select].append(value)
            if "selected" in a or not self._form.fields[self._select]:
                self._form.fields[self._select] = value
        elif self._form is not None and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "script":
            self._script_inline = False

    def handle_data(self, data: str) -> None:
        if self._script_inline and data.strip():
            self.inline_scripts += 1
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data


def parse(url: str, status: int, content_type: str, html: str) -> Page:
    page = Page(url, status, content_type, html)
    if content_type.startswith("text/html"):
        parser = _Parser(url)
        parser.feed(html)
        page.links, page.forms = parser.links, parser.forms
        page.inline_scripts, page.inline_styles = parser.inline_scripts, parser.inline_styles
    return page


def endpoint_of(app: Flask, path: str, method: str = "GET") -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return None
    return endpoint


def argument_free_paths(app: Flask) -> list[str]:
    """Every GET route that needs no argument: the crawl's starting points."""
    return sorted({
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        and not rule.rule.startswith(NOT_FOLLOWED)
    })


def crawl(app: Flask, client, limit: int = 250) -> list[Page]:
    """Pages a visitor reaches from every argument-free route by following the site's links."""
    queue = deque(argument_free_paths(app))
    seen: set[str] = set(queue)
    per_endpoint: dict[str, int] = {}
    pages: list[Page] = []
    while queue and len(pages) < limit:
        path = queue.popleft()
        response = client.get(path)
        kind = response.content_type or ""
        page = parse(path, response.status_code, kind,
                     response.get_data(as_text=True) if kind.startswith("text/html") else "")
        pages.append(page)
        for link in page.links:
            parts = urlsplit(link)
            if parts.netloc not in ("", "localhost") or parts.path.startswith(NOT_FOLLOWED):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            endpoint = endpoint_of(app, parts.path)
            if target in seen or endpoint in (None, "static"):
                continue
            seen.add(target)
            if per_endpoint.get(endpoint, 0) >= PER_ENDPOINT:
                continue
            per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
            queue.append(target)
    return pages


def forms_of(pages: list[Page]) -> list[Form]:
    """Each distinct form once (the same form on many pages is one target)."""
    found: dict[tuple, Form] = {}
    for page in pages:
        for form in page.forms:
            found.setdefault(form.key, form)
    return list(found.values())
