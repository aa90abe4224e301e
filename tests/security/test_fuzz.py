"""Fuzzing: thousands of hostile requests against every form and route, for every role.

The targets are discovered, not listed: the forms each role finds by
following the site's links, and every rule of `app.url_map` (its arguments
filled with real ids of any unit, or with junk). Values are Vietnamese text,
control characters, markup, SQL, huge, negative and fractional numbers,
wrong types, missing or forged CSRF tokens, hostile file names and bytes.
No answer may be a 5xx, and afterwards the database must still be whole
(tests/security/invariants.py). Hypothesis is derandomized, so CI replays
the same requests every run.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select
from werkzeug.routing import Rule

from competition.extensions import db
from competition.models import (
    Assessment,
    Block,
    Criterion,
    Entry,
    Evidence,
    MonthlyReport,
    Phase,
    Unit,
    User,
)
from tests import factories
from tests.access import ROLES
from tests.security import invariants
from tests.security.site import Form, crawl, forms_of, sign_in_as

REQUESTS_PER_ROLE = 1700  # for each of the matrix's eight roles: more than 10,000 requests in all
BATCH = 10  # requests drawn per Hypothesis example
STATUSES: Counter[int] = Counter()  # every answer's status, printed at the end
# Routes whose effect is on the fuzzer's own visit rather than on the site (the language
# switch stays: its `next` is a redirect target taken from the request).
SKIPPED_ENDPOINTS = {"static", "accounts.logout"}

HOSTILE = [
    "", " ", "\x00", "\r\n", "\u202e", "\ufeff", "Hội nghị tuyên truyền bầu cử Đợt 2",
    "Đoàn viên, CNVCLĐ được tuyên truyền ≥ 95%", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "'; DROP TABLE entry; --", "1 OR 1=1", "%s%s%n",
    "../../etc/passwd", "..\\..\\boot.ini", "javascript:alert(1)", "http://", "https://x",
    "-1", "0", "1.5", "-0.5", "1e309", "NaN", "inf", "99999999999999999999999999",
    str(2**63), str(-(2**63) - 1), "0x10", "１２", "2021-02-30", "30/02/2021", "2021-05-10",
    "10/05/2021", "9999-12-31", "0001-01-01", "true", "null", "[]", "{}", "x" * 5000,
    # Redirect targets and page numbers with control characters (the review's open redirect).
    "/\t/evil.example/", "/\x01/evil.example", "//evil.example", "/\\evil.example", "\x0b1",
    "1\x1b[2J", "/\r\nSet-Cookie: x=1", "²", "١٢", "/tai-khoan/mat-khau?page=\x07",
]
NUMBERS = st.one_of(
    st.integers(-(2**80), 2**80), st.integers(-3, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
).map(str)
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc")), max_size=60),
    NUMBERS,
)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


FILE_NAMES = st.sampled_from(["anh.png", "../../anh.png", "bao cao.pdf", "x.jpg", "", ".htaccess",
                              "a" * 300 + ".png", "tệp minh chứng.xlsx", "evil.svg", "\x00.png"])
FILE_BYTES = st.one_of(st.just(png()), st.binary(max_size=200),
                       st.just(b"<html><script>alert(1)</script></html>"),
                       st.just(b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF"))


@dataclass
class Target:
    """Something to send: a form as a page draws it, or a bare rule of the URL map."""

    method: str
    form: Form | None = None
    rule: Rule | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.form.action if self.form else self.rule.rule}"


def id_pool() -> list[int]:
    """Ids that exist somewhere (any unit's entry, evidence, user...), to probe others' objects."""
    ids = {0, 1, 2, 10**12, -1}
    for model in (Entry, Evidence, Unit, User, Criterion, Phase, Block, Assessment, MonthlyReport):
        ids.update(db.session.scalars(select(model.id)))
    return sorted(ids)


def slug_pool() -> list[str]:
    return sorted(set(db.session.scalars(select(Unit.slug))) | set(db.session.scalars(select(Unit.code)))
                  | set(db.session.scalars(select(Block.code))))


def targets_for(app: Flask, client) -> list[Target]:
    found = [Target(form.method, form=form) for form in forms_of(crawl(app, client, limit=120))
             if not form.action.startswith(("/tai-khoan/dang-xuat", "/tai-khoan/ngon-ngu"))]
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append(Target(method, rule=rule))
    return found


PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # <name>, <int:name>, <any(a,b):name>
DROP = object()  # a field the request leaves out
WORDS = ["csv", "xlsx", "pdf", "docx", "json", "2021-04", "2021-13", "xac-nhan", "tra-lai",
         "tu-choi", "mo-lai"]
EXTRA_NAMES = st.sampled_from(["quantity", "version", "entry", "unit", "role", "status", "id",
                               "action", "selected", "reason", "password"])
QUERY_NAMES = st.sampled_from(["page", "criterion", "phase", "status", "month", "unit", "block",
                               "q", "sort", "next", "parent", "per_page"])
# Sent in the query string of every POST too: the sign-in form reads `next` there.
POST_QUERY_NAMES = st.sampled_from(["next", "page"])


class Fuzzer:
    """The request strategies of one visitor, built once from what that visitor can reach.

    Strategies are made up front (not inside each draw), so Hypothesis spends
    its time on requests rather than on building the same strategies again.
    """

    def __init__(self, targets: list[Target], ids: list[int], words: list[str], token: str) -> None:
        self.token = token
        self.id = st.sampled_from(ids).map(str)
        self.number = st.one_of(self.id, st.integers(0, 2**70).map(str))
        self.word = st.one_of(st.sampled_from(words + WORDS),
                              TEXT.filter(lambda v: bool(v) and "/" not in v))
        self.csrf = st.sampled_from(["valid", "valid", "valid", "valid", "missing", "forged"])
        self.requests = st.one_of([self._request(t) for t in targets])

    def _field(self, original: str, choices: list[str]):
        options = [st.just(original), st.just(original), TEXT, self.id, st.just(DROP),
                   st.lists(st.one_of(TEXT, self.id), max_size=4)]
        if choices:
            options.append(st.sampled_from(choices))
        return st.one_of(options)

    def _path(self, rule: Rule):
        """The rule's URL with each argument a real id of some unit's object, or junk."""
        kinds = [m.group(1) for m in PLACEHOLDER.finditer(rule.rule)]
        parts = [self.number if kind in ("int", "float") else self.word.map(lambda v: quote(v, safe=""))
                 for kind in kinds]

        def fill(values: tuple[str, ...]) -> str:
            given = iter(values)
            return PLACEHOLDER.sub(lambda _m: next(given), rule.rule)

        return st.tuples(*parts).map(fill)

    def _request(self, target: Target):
        form = target.form
        fields = {name: self._field(value, form.choices.get(name, []))
                  for name, value in (form.fields.items() if form else []) if name != "csrf_token"}
        files = {name: st.one_of(st.just(DROP), st.lists(st.tuples(FILE_BYTES, FILE_NAMES),
                                                         min_size=1, max_size=3))
                 for name in (form.files if form else [])}
        token = form.fields.get("csrf_token", self.token) if form else self.token
        path = st.just(form.action) if form else self._path(target.rule)
        extra = st.dictionaries(QUERY_NAMES if target.method == "GET" else EXTRA_NAMES, TEXT,
                                max_size=3)
        post_query = st.dictionaries(POST_QUERY_NAMES, TEXT, max_size=2)
        csrf = self.csrf.map(lambda how: {"valid": token, "missing": DROP}.get(how, "IjEi.forged"))

        def assemble(parts) -> tuple[str, str, str, dict | None]:
            url, chosen, more, sent_token, uploads, in_query = parts
            data = {k: v for k, v in {**chosen, **more, "csrf_token": sent_token}.items() if v is not DROP}
            if target.method == "GET":
                query = {k: v for k, v in data.items() if isinstance(v, str) and k != "csrf_token"}
                return str(target), "GET", f"{url}?{urlencode(query)}" if query else url, None
            data.update({k: v for k, v in uploads.items() if v is not DROP})
            if in_query:
                url = f"{url}{'&' if '?' in url else '?'}{urlencode(in_query)}"
            return str(target), "POST", url, data

        return st.tuples(path, st.fixed_dictionaries(fields), extra, csrf,
                         st.fixed_dictionaries(files), post_query).map(assemble)


def send(client, method: str, path: str, data: dict | None):
    if method == "GET":
        return client.get(path)
    body = {k: [(io.BytesIO(content), name) for content, name in v]
            if v and isinstance(v, list) and isinstance(v[0], tuple) else v for k, v in data.items()}
    return client.post(path, data=body, content_type="multipart/form-data")


def fuzz_as(app: Flask, visitor, examples: int, role: str) -> int:
    """Send `examples` batches of hostile requests as this visitor; every answer must be < 500."""
    fuzzer = Fuzzer(targets_for(app, visitor.client), id_pool(), slug_pool(), visitor.token())
    sent = 0

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=("generate", "shrink"))
    @given(st.lists(fuzzer.requests, min_size=BATCH, max_size=BATCH))
    def batch(requests) -> None:
        nonlocal sent
        for label, method, path, data in requests:
            response = send(visitor.client, method, path, data)
            sent += 1
            STATUSES[response.status_code] += 1
            assert response.status_code < 500, (
                f"{role}: {label} → {method} {path} {data!r}: {response.status_code}")

    batch()
    return sent


def test_thousands_of_hostile_requests_get_no_server_error_and_leave_the_database_whole(
    app, district_world, make_visitor
):
    world = district_world
    drive = world.drive
    # Hòa An's own grassroots union too: the district judge and admin have entries in their scope.
    for unit in (world.thpt_hoa_an, world.bao_lam, world.hoa_an, world.mn_hoa_an):
        judge = world.district_judge if unit is world.mn_hoa_an else None  # its council's own
        for status in ("draft", "submitted", "verified", "returned", "rejected"):
            factories.entry(unit, factories.criterion(drive, "SK"), 2, status=status, judge=judge)
        factories.entry(unit, factories.criterion(drive, "TB"), 5, status="submitted", judge=judge)
    seeded = db.session.scalar(select(func.max(Entry.id)))
    # One real entry with a file, so evidence routes have something to protect.
    reporter = make_visitor()
    reporter.login("thpt")
    created = reporter.post("/don-vi/ket-qua/moi", {
        **{"criterion": str(factories.criterion(drive, "SK").id), "activity_date": "2021-05-03",
           "quantity": "1", "title": "Có ảnh", "action": "submit"},
        "files": (io.BytesIO(png()), "anh.png")}, token_from="/don-vi/ket-qua/moi",
        content_type="multipart/form-data")
    assert created.status_code == 302

    total = 0
    for n, role in enumerate(ROLES):  # the admin last: its changes would end the others' visits
        visitor = make_visitor()
        # Each from its own address: the anonymous guesser's failed sign-ins must not lock out
        # the next visitor (that throttle is tested in test_signin.py).
        visitor.client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        sign_in_as(visitor, world, role)
        total += fuzz_as(app, visitor, REQUESTS_PER_ROLE // BATCH, role)
    assert total >= 10_000
    print(f"\nfuzz: {total} requests; answers by status: {dict(sorted(STATUSES.items()))}")

    db.session.rollback()
    assert invariants.problems(Path(app.config["UPLOAD_DIR"]), audited_from_id=seeded) == []
