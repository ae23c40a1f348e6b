"""The meeting-room mode on a 1920x1080 projector, in Chromium against a real `streamlit run`:
sidebar closed, values in large type, the theme's colours, every control on screen, both
languages and both colours (screenshots to $QD_SCREENSHOT_DIR for looking at); and the
rotation, which moves to the next panel on its own, keeps the URL, and stops when paused."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from components.cockpit_view import CHART_COLOURS
from tests.browser import is_local, streamlit_server, wait_rendered

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("QD_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="qd_cockpit_"))
BACKGROUND = {"dark": "rgb(14, 23, 38)", "light": "rgb(255, 255, 255)"}
STATUS_JS = """() => [...document.querySelectorAll("[data-testid='stMarkdownContainer'] p")]
    .map(p => p.innerText).find(t => /\\d\\/4|of 4/.test(t)) || ''"""


@pytest.fixture(scope="module")
def base():
    with streamlit_server() as url:
        yield url


def open_1920(browser, url: str):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    wait_rendered(page)
    return page, requests


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cockpit_reads_from_the_back_of_the_room(browser, base, lang, theme):
    page, requests = open_1920(browser, f"{base}/cockpit?lang={lang}&theme={theme}")
    try:
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(SHOTS / f"cockpit_{lang}_{theme}_1920.png"))
        # the sidebar starts closed: the page has the whole width
        side = page.get_by_test_id("stSidebar").bounding_box()
        assert side is None or side["x"] + side["width"] <= 1 or side["width"] <= 1, side
        sizes = page.evaluate("""() => [...document.querySelectorAll(
            "[data-testid='stMetricValue']")].map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert sizes and min(sizes) >= 48, sizes
        colours = page.evaluate("""() => [getComputedStyle(document.querySelector('.stApp'))
            .backgroundColor, getComputedStyle(document.querySelector('h1')).color]""")
        assert colours[0] == BACKGROUND[theme], colours
        # the charts are drawn in the theme's colours with large tick labels
        charts = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(
            g => [g._fullLayout.paper_bgcolor, g._fullLayout.xaxis.tickfont.size])""")
        assert len(charts) == 2, charts
        for paper, tick in charts:
            assert paper.upper() == CHART_COLOURS[theme]["paper"] and tick >= 20, charts
        # every control of the header row lies on screen
        boxes = page.evaluate("""() => [...document.querySelectorAll(
            "[data-testid='stMain'] button, [data-testid='stMain'] [role='combobox']")]
            .map(e => e.getBoundingClientRect()).filter(r => r.width && r.top < 300)
            .map(r => [r.left, r.right])""")
        assert boxes and all(0 <= left and right <= 1920 for left, right in boxes), boxes
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]
    finally:
        page.close()


def test_rotation_moves_on_keeps_the_url_and_pauses(browser, base):
    page, _ = open_1920(browser, f"{base}/cockpit?lang=en&rotate=30&period=2024-05")
    try:
        url = page.url
        assert "panel 1 of 4" in page.evaluate(STATUS_JS)
        # the fragment reruns alone after 30 s and shows the next panel
        page.wait_for_function(f"() => ({STATUS_JS})().includes('panel 2 of 4')", timeout=50_000)
        wait_rendered(page)
        page.screenshot(path=str(SHOTS / "cockpit_rotating_panel2_1920.png"))
        assert page.url == url  # same URL state
        assert page.locator(".js-plotly-plot").count() == 1
        page.get_by_role("button", name="Pause rotation").click()
        page.wait_for_function(f"() => ({STATUS_JS})().includes('paused')", timeout=30_000)
        page.wait_for_timeout(35_000)  # longer than the interval: nothing moves
        assert "paused on panel 2 of 4" in page.evaluate(STATUS_JS).lower()
        assert page.get_by_role("button", name="Resume rotation").count() == 1
    finally:
        page.close()
