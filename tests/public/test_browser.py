"""The public pages in Debian's Chromium, on a phone and a desktop, with and without the CDN.

The demo is loaded so every chart has data. With the CDN answered from the
npm package file the charts must draw the expected series without a
console error and pass axe-core; with the CDN blocked the same numbers
must be readable in the tables and nothing may overflow the screen.
"""

from __future__ import annotations

import pytest

from competition.demo import load_demo
from tests.conftest import AXE_FILE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Each page and the datasets each of its charts must draw.
PAGES = {
    "home": ("/", {"chart-top-huyen": 1, "chart-top-nganh": 1, "chart-top-cdcs": 1,
                   "chart-channels": 1}),
    "leaderboard": ("/bang-xep-hang/huyen", {"chart-block": 1, "chart-series": 5}),
    # A district's own board, searched: the bar chart shows the rows found, the lines the
    # block's top units (Hòa An ranks four grassroots unions).
    "grassroots": ("/bang-xep-hang/cdcs-hoaan?q=truong", {"chart-block": 1, "chart-series": 4}),
    "unit": ("/don-vi-thi-dua/hoaan", {"chart-unit-series": 1}),
    "propaganda": ("/tuyen-truyen", {"chart-channels": 1, "chart-weeks": 2}),
    "changes": ("/nhat-ky-xep-hang", {}),
}

DATASETS = """(id) => {
  const chart = window.Chart && Chart.getChart(document.getElementById(id));
  return chart ? chart.data.datasets.length : null;
}"""

AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}"""

# axe-core is served as if from the site itself, so the page's CSP (script-src 'self') admits it.
AXE_URL = "/__tests__/axe.min.js"

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


VIEWPORTS = ("phone", "desktop")


@pytest.fixture
def site(app, request) -> str:
    load_demo()
    return request.getfixturevalue("live_server")


def test_public_pages_draw_their_charts_and_pass_axe(site, open_page, artifacts):
    for viewport in VIEWPORTS:
        page = open_page(viewport=viewport)
        page.route(site + AXE_URL, lambda route: route.fulfill(
            path=str(AXE_FILE), content_type="application/javascript"))
        for name, (path, charts) in PAGES.items():
            _check_drawn(page, site, artifacts, viewport, name, path, charts)


def _check_drawn(page, site, artifacts, viewport, name, path, charts):
    page.console_errors.clear()
    page.goto(site + path)
    page.wait_for_load_state("load")
    drawn = {canvas: page.evaluate(DATASETS, canvas) for canvas in charts}
    assert drawn == charts, f"{name}: charts drawn {drawn}"
    page.screenshot(path=str(artifacts / f"public-{name}-{viewport}.png"), full_page=True)
    assert page.console_errors == [], f"{name}: {page.console_errors}"
    page.add_script_tag(url=site + AXE_URL)
    assert page.evaluate(AXE) == [], f"{name}: accessibility violations"
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: the page scrolls sideways"


def test_without_the_cdn_the_tables_say_everything(site, open_page, artifacts):
    for viewport in VIEWPORTS:
        page = open_page(viewport=viewport, cdn=False)
        for name, (path, charts) in PAGES.items():
            _check_tables(page, site, artifacts, viewport, name, path, charts)


def _check_tables(page, site, artifacts, viewport, name, path, charts):
    page.goto(site + path)
    page.wait_for_load_state("load")
    for canvas in charts:
        figure = page.locator(f"figure:has(#{canvas})")
        assert figure.locator(".chart-box").is_hidden(), f"{name}: empty chart box shown"
        details = figure.locator("details.chart-table")
        assert details.evaluate("d => d.open"), f"{name}: the table of {canvas} is folded"
        # The block chart's numbers are the leaderboard's own table; the others carry one.
        table = details.locator("table") if canvas != "chart-block" else page.locator(
            "table.standings")
        assert table.is_visible(), f"{name}: the table of {canvas} is hidden"
        assert table.locator("tbody tr").count() > 0
    page.screenshot(path=str(artifacts / f"public-{name}-{viewport}-no-cdn.png"),
                    full_page=True)
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: the page scrolls sideways"
