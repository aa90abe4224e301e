"""Every public and staff page on a phone (390×844) and a desktop (1366×768) in Chromium.

On each page: nothing scrolls sideways — neither the page nor any box inside
it (a table in an `overflow-x: auto` box wider than the box counts); no bar
chart cuts a unit's name (each axis label, in the axis' own font, fits the
axis); axe-core finds nothing serious or critical. A screenshot of each is
kept in tests/artifacts/layout-<who>-<page>-<viewport>.png.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competition.demo import DEMO_PASSWORD, load_demo
from competition.extensions import db
from competition.models import Criterion, Entry, EntryStatus, Unit, User
from tests.conftest import AXE_FILE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE_URL = "/__tests__/axe.min.js"
AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}"""

# The page, then every element whose content is wider than its own box and that can scroll
# (overflow auto/scroll) or spills past the viewport's right edge.
SIDEWAYS = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) found.push(`page: ${root.scrollWidth} > ${root.clientWidth}`);
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("[hidden], .visually-hidden, .skip-link, canvas")) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.position === "absolute") continue;
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    if (scrolls && el.scrollWidth > el.clientWidth + 1) {
      found.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    const box = el.getBoundingClientRect();
    if (box.width && box.right > root.clientWidth + 1) {
      found.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}`);
    }
  }
  return found.slice(0, 8);
}"""

# Every horizontal bar chart: each label, measured in the axis' font, fits the axis.
CLIPPED_LABELS = """() => {
  const cut = [];
  for (const canvas of document.querySelectorAll("canvas")) {
    const chart = window.Chart && Chart.getChart(canvas);
    if (!chart || chart.options.indexAxis !== "y") continue;
    const axis = chart.scales.y;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = Chart.helpers.toFont(axis.options.ticks.font).string;
    axis.ticks.forEach((tick) => {
      const width = ctx.measureText(tick.label).width;
      if (axis.left < 0 || width > axis.width) cut.push(`${canvas.id}: ${tick.label}`);
    });
    ctx.restore();
    const full = chart.data.labels;
    axis.ticks.forEach((tick, i) => {
      const shown = String(tick.label);
      if (shown !== full[i] && !(shown.endsWith("…") && full[i].startsWith(shown.slice(0, -1)))) {
        cut.push(`${canvas.id}: "${shown}" is not a start of "${full[i]}"`);
      }
    });
  }
  return cut;
}"""

PUBLIC = {
    "home": "/",
    "leaderboard": "/bang-xep-hang/huyen",
    "leaderboard-cdcs": "/bang-xep-hang/cdcs",
    "unit": "/don-vi-thi-dua/hoaan",
    "unit-sector": "/don-vi-thi-dua/cdn-nn",
    "propaganda": "/tuyen-truyen",
    "changes": "/nhat-ky-xep-hang",
    "rules": "/the-le",
    "login": "/tai-khoan/dang-nhap",
}


def _staff_pages() -> dict[str, dict[str, str]]:
    """The pages each role works in, with real ids from the demo."""
    ids = {
        "entry": db.session.scalar(
            select(Entry.id).join(Unit).where(Unit.code == "HOAAN").order_by(Entry.id)),
        "pending": db.session.scalar(
            select(Entry.id).where(Entry.status == EntryStatus.SUBMITTED).order_by(Entry.id)),
        "unit": db.session.scalar(select(Unit.id).where(Unit.code == "HOAAN")),
        "user": db.session.scalar(select(User.id).where(User.username == "hoaan")),
        "criterion": db.session.scalar(select(Criterion.id).where(Criterion.code == "PL")),
    }
    db.session.rollback()  # end the read: the live server signs people in (a write)
    return {
        "hoaan": {
            "dashboard": "/don-vi/", "entries": "/don-vi/ket-qua",
            "new-entry": "/don-vi/ket-qua/moi", "entry": f"/don-vi/ket-qua/{ids['entry']}",
            "reports": "/bao-cao/", "monthly": "/bao-cao/hoaan/2021-04",
            "monthly-print": "/bao-cao/hoaan/2021-04/in", "password": "/tai-khoan/mat-khau",
        },
        "thamdinh1": {
            "queue": "/tham-dinh/", "judge-entry": f"/tham-dinh/ket-qua/{ids['pending']}",
            "assessments": "/tham-dinh/cham-diem", "penalty": "/tham-dinh/vi-pham/moi",
            "summary": "/bao-cao/tong-hop", "summary-print": "/bao-cao/tong-hop/2021-04/in",
        },
        "admin": {
            "admin": "/quan-tri/", "drive": "/quan-tri/dot-thi-dua", "blocks": "/quan-tri/khoi",
            "criteria": "/quan-tri/tieu-chi", "criterion": f"/quan-tri/tieu-chi/{ids['criterion']}",
            "targets": "/quan-tri/chi-tieu", "units": "/quan-tri/don-vi",
            "unit-form": f"/quan-tri/don-vi/{ids['unit']}", "users": "/quan-tri/tai-khoan",
            "user-form": f"/quan-tri/tai-khoan/{ids['user']}",
            "import": "/quan-tri/nhap-du-lieu", "backup": "/quan-tri/sao-luu",
            "audit": "/quan-tri/nhat-ky", "exports": "/bao-cao/xuat",
            "phase-form": "/quan-tri/dot-tuyen-truyen/moi",
        },
    }


@pytest.fixture
def site(app, request) -> str:
    load_demo()
    db.session.rollback()  # hold no read open: the live server signs people in (a write)
    return request.getfixturevalue("live_server")


def _check(page, site, artifacts, label, path):
    page.console_errors.clear()
    response = page.goto(site + path)
    assert response.status == 200, f"{label}: HTTP {response.status}"
    page.wait_for_load_state("load")
    page.screenshot(path=str(artifacts / f"layout-{label}.png"), full_page=True)
    assert page.evaluate(SIDEWAYS) == [], f"{label}: something scrolls sideways"
    assert page.evaluate(CLIPPED_LABELS) == [], f"{label}: a chart cuts a label"
    page.add_script_tag(url=site + AXE_URL)
    assert page.evaluate(AXE) == [], f"{label}: accessibility violations"
    assert page.console_errors == [], f"{label}: {page.console_errors}"


def _sign_in(page, site, username):
    page.goto(site + "/tai-khoan/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_public_pages_fit_the_screen(site, open_page, artifacts, viewport):
    page = open_page(viewport=viewport)
    page.route(site + AXE_URL, lambda route: route.fulfill(
        path=str(AXE_FILE), content_type="application/javascript"))
    for name, path in PUBLIC.items():
        _check(page, site, artifacts, f"public-{name}-{viewport}", path)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_staff_pages_fit_the_screen(site, open_page, artifacts, viewport):
    for username, pages in _staff_pages().items():
        page = open_page(viewport=viewport)
        page.route(site + AXE_URL, lambda route: route.fulfill(
            path=str(AXE_FILE), content_type="application/javascript"))
        _sign_in(page, site, username)
        for name, path in pages.items():
            _check(page, site, artifacts, f"{username}-{name}-{viewport}", path)


def test_the_phone_header_is_a_compact_bar_with_a_menu(site, open_page, artifacts):
    page = open_page(viewport="phone")
    _sign_in(page, site, "admin")
    page.goto(site + "/bang-xep-hang/huyen")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 64
    toggle = page.locator(".menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#site-menu").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Quản trị", exact=True).is_visible()
    page.screenshot(path=str(artifacts / "layout-phone-menu-open.png"))
    desktop = open_page(viewport="desktop")
    desktop.goto(site + "/")
    assert desktop.locator(".menu-toggle").is_hidden()
    assert desktop.get_by_role("link", name="Bảng xếp hạng", exact=True).is_visible()


def test_leaderboard_cards_put_rank_unit_points_and_classification_first(
    site, open_page, artifacts
):
    page = open_page(viewport="phone")
    page.goto(site + "/bang-xep-hang/huyen")
    card = page.locator("table.standings tbody tr").first
    order = card.evaluate("""(tr) => Array.from(tr.cells)
        .filter((td) => getComputedStyle(td).display !== 'none')
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((td) => ['rank', 'unit-cell', 'total', 'classification']
          .find((name) => td.classList.contains(name)) || td.className)""")
    assert order[:4] == ["rank", "unit-cell", "total", "classification"]
