"""The growth and cluster pages (and the pages drawn by the same chart factories) at a phone's,
a laptop's and a meeting-room screen's size (390x844, 1280x720, 1920x1080), in both languages,
in Chromium: no control is cut off (each lies within the viewport and within every box that
clips it), no chart title runs under plotly's toolbar or Streamlit's chart toolbar, and the
map's labels sit on their districts (also after a click redraws it). Screenshots go to
$QD_SCREENSHOT_DIR (default: a temporary folder) for looking at."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.browser import is_local, streamlit_server, wait_rendered

pytestmark = pytest.mark.browser

SIZES = ((390, 844), (1280, 720), (1920, 1080))
PAGES = ("/growth", "/growth?lang=en", "/growth?lang=en&view=gap&from=2021",
         "/clusters", "/clusters?lang=en&measure=figure",
         # pages whose charts come from the same factories (timelines, progress bars)
         "/digital?lang=en&dview=timeline", "/innovation", "/targets?lang=en",
         # the overview (tiles, trend chart) and the data page (tables only)
         "/?period=2024-05", "/?lang=en", "/data?lang=en&table=versions",
         # the meeting-room mode, both colours (made for 1920x1080, usable on the others)
         "/cockpit", "/cockpit?lang=en&theme=light")
SHOTS = Path(os.environ.get("QD_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="qd_layouts_"))

# Controls of the page (not of the sidebar, not inside a data grid) whose box is cut: outside
# the viewport, or outside an ancestor that clips its overflow.
CUT_CONTROLS_JS = """() => {
    const vw = document.documentElement.clientWidth;
    const cut = [];
    const main = document.querySelector("[data-testid='stMain']");
    const controls = main.querySelectorAll(
        "button, [role='combobox'], input, [data-testid='stWidgetLabel']");
    for (const el of controls) {
        if (el.closest("[data-testid='stDataFrame'], .js-plotly-plot, "
                       + "[data-testid='stExpanderDetails'], [data-testid='stElementToolbar']"))
            continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const name = (el.innerText || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 40);
        if (r.left < -1 || r.right > vw + 1) { cut.push(['viewport', name, r.left, r.right, vw]); continue; }
        for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
            const s = getComputedStyle(a);
            if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
            const b = a.getBoundingClientRect();
            if (r.left < b.left - 1 || r.right > b.right + 1) {
                cut.push(['clipped', name, r.left, r.right, b.left, b.right]); break;
            }
        }
    }
    return cut;
}"""
# Every chart: its title's box and its toolbars' boxes (plotly's modebar and Streamlit's element
# toolbar, both shown while the pointer is over the chart).
BOXES_JS = """(i) => {
    const plot = document.querySelectorAll('.js-plotly-plot')[i];
    const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
        return (r.width && r.height) ? [r.left, r.top, r.right, r.bottom] : null; };
    const element = plot.closest("[data-testid='stElementContainer'], .element-container");
    return {title: box(plot.querySelector('.gtitle')),
            modebar: box(plot.querySelector('.modebar')),
            toolbar: box(element && element.querySelector("[data-testid='stElementToolbar']"))};
}"""
# The map's labels: where each one's text is drawn and where MapLibre puts its district's point.
LABELS_JS = """(points) => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout.map);
    const map = gd._fullLayout.map._subplot.map;
    const box = map.getContainer().getBoundingClientRect();
    const out = {};
    const groups = gd.querySelectorAll('.annotation');
    gd._fullLayout.annotations.forEach((a, i) => {
        if (!a.name || !a.name.startsWith('label-') || a.showarrow) return;
        const code = a.name.slice(6), p = map.project(points[code]);
        const r = groups[i].querySelector('.annotation-text-g').getBoundingClientRect();
        out[code] = [r.left + r.width / 2 - (box.left + p.x), r.top + r.height / 2 - (box.top + p.y)];
    });
    return out;
}"""


def overlap(a, b) -> bool:
    return bool(a and b) and a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 \
        and b[1] < a[3] - 1


@pytest.fixture(scope="module")
def base():
    with streamlit_server() as url:
        yield url


def open_at(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    wait_rendered(page)
    # A phone shows the page, not the sidebar (collapse it if the app opened it).
    if width < 700 and page.locator("[data-testid='stSidebar'][data-collapsed='false']").count():
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        page.wait_for_timeout(600)
    return page, requests


@pytest.mark.parametrize("width, height", SIZES)
@pytest.mark.parametrize("path", PAGES)
def test_no_control_cut_and_no_title_under_a_toolbar(browser, base, path, width, height):
    page, requests = open_at(browser, base + path, width, height)
    try:
        assert page.get_by_test_id("stException").count() == 0
        name = f"{path.strip('/').replace('?', '_').replace('&', '_').replace('=', '-')}_{width}"
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        assert page.evaluate(CUT_CONTROLS_JS) == []
        n = page.locator(".js-plotly-plot").count()
        assert n >= 1 or path.startswith(("/targets", "/data"))
        for i in range(n):
            chart = page.locator(".js-plotly-plot").nth(i)
            chart.scroll_into_view_if_needed()
            bounds = chart.bounding_box()
            # hover the chart's lower half, away from the title, so both toolbars show
            page.mouse.move(bounds["x"] + bounds["width"] / 2,
                            bounds["y"] + bounds["height"] * 0.75)
            page.wait_for_timeout(300)
            boxes = page.evaluate(BOXES_JS, i)
            assert boxes["title"], (path, width, i)
            assert not overlap(boxes["title"], boxes["modebar"]), (path, width, i, boxes)
            assert not overlap(boxes["title"], boxes["toolbar"]), (path, width, i, boxes)
            assert boxes["title"][2] <= page.viewport_size["width"] + 1  # no title cut
        if width == 1920:
            page.screenshot(path=str(SHOTS / f"{name}_chart.png"))
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]
    finally:
        page.close()


@pytest.mark.parametrize("width, height", SIZES)
def test_map_labels_sit_on_their_districts(browser, base, width, height):
    from metrics.clusters import district_label_points, load_district_geojson
    points = {k: list(v) for k, v in district_label_points(load_district_geojson()).items()}
    page, _ = open_at(browser, base + "/clusters?lang=en", width, height)
    try:
        page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot');"
            " return gd && gd._fullLayout.map && gd._fullLayout.map._subplot.map.loaded(); }",
            timeout=30_000)
        offsets = page.evaluate(LABELS_JS, points)
        assert len(offsets) == 6  # the four small city districts have leader lines
        for code, (dx, dy) in offsets.items():
            assert abs(dx) <= 2 and abs(dy) <= 2, (code, dx, dy, width)
        # a click redraws the map in place: the labels still sit on their districts
        page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        x, y = page.evaluate(
            "([lon, lat]) => { const m = document.querySelector('.js-plotly-plot')"
            "._fullLayout.map._subplot.map; const b = m.getContainer().getBoundingClientRect();"
            " const p = m.project([lon, lat]); return [b.left + p.x, b.top + p.y]; }",
            points["370283"])
        page.mouse.click(x, y)  # on Pingdu's label: the label lets the click through
        page.wait_for_url("**district=370283**", timeout=30_000)
        wait_rendered(page)
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map"
            ".loaded()", timeout=30_000)
        after = page.evaluate(LABELS_JS, points)
        assert all(abs(dx) <= 2 and abs(dy) <= 2 for dx, dy in after.values()), after
    finally:
        page.close()
