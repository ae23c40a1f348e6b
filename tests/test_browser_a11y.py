"""Accessibility (WCAG 2.1 AA) of every page in both languages, checked by axe-core in Chromium
against a real `streamlit run`: no violation of impact serious or critical.

axe-core is vendored (tests/assets/axe.min.js, see tests/assets/README.md) and injected into the
rendered page; the test needs no network. A failure prints every violation found (rule, impact,
help, and the elements it names), minor and moderate ones included, so a fix can start there.

With axe-core 4.14.1 and Streamlit 1.67 no element of Streamlit's own markup needed to be left
out: every violation found was fixed in the app (components/assets/app.css, cockpit.css and the
theme's primary colour in .streamlit/config.toml).
"""
from __future__ import annotations

import pytest

from metrics.paths import REPO_ROOT
from tests.browser import streamlit_server, wait_rendered

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "tests" / "assets" / "axe.min.js"
# The pages, each with a view that shows its charts or tables (the cockpit in both colours).
PAGES = ("/", "/growth", "/growth?view=period", "/clusters", "/digital", "/innovation",
         "/targets", "/data", "/cockpit", "/cockpit?theme=light&rotate=30",
         # dark, rotating, with a notice about a rejected value (an alert on the dark page)
         "/cockpit?rotate=30&theme=neon")
LANGS = ("zh", "en")
BLOCKING = ("serious", "critical")
# The tallest window the check opens (px): taller pages are checked down to here.
MAX_HEIGHT = 12_000
# WCAG 2.0 and 2.1, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wait_settled(page, quiet_ms: int = 1500) -> None:
    """Wait until the app has stopped rerunning: no element is dimmed as stale (Streamlit fades
    the previous run's elements to 60 % while a rerun runs, which axe would read as low
    contrast) and the status widget is idle, for ``quiet_ms`` in a row."""
    page.wait_for_function(
        """(quiet) => {
            const busy = document.querySelector("[data-stale='true'], [data-testid='stSkeleton']")
                || (document.querySelector("[data-testid='stStatusWidget']") || {}).innerText;
            const now = performance.now();
            if (busy) { window.__qdQuietSince = now; return false; }
            if (window.__qdQuietSince === undefined) window.__qdQuietSince = now;
            return now - window.__qdQuietSince >= quiet;
        }""", arg=quiet_ms, timeout=60_000, polling=200)


def show_whole_page(page) -> None:
    """Make the window as tall as the page, so that every element is on screen: axe judges the
    contrast of text below the fold as 'incomplete', not as a violation."""
    wait_settled(page)
    tall = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"],
                            "height": min(int(tall) + 100, MAX_HEIGHT)})
    wait_settled(page)


def run_axe(page) -> list[dict]:
    """Every violation axe finds on the rendered page: id, impact, help and the nodes."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                                          html: n.html.slice(0, 160),
                                          summary: (n.failureSummary || '').slice(0, 240)}))}));
        }""", TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}), {len(v['nodes'])} element(s)")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target'][-120:]}\n      {node['html']}\n      "
                         f"{node['summary']}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def base():
    with streamlit_server() as url:
        yield url


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_violation(browser, base, path, lang):
    sep = "&" if "?" in path else "?"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{base}{path}{sep}lang={lang}")
        wait_rendered(page)
        show_whole_page(page)
        assert page.get_by_test_id("stException").count() == 0
        violations = run_axe(page)
        blocking = []
        for v in violations:
            nodes = [n for n in v["nodes"]
                     if (n["impact"] or v["impact"]) in BLOCKING]
            if nodes:
                blocking.append({**v, "nodes": nodes})
        print(f"\n{path} ({lang}): all violations found\n{describe(violations)}")
        assert not blocking, f"{path} ({lang}):\n{describe(blocking)}"
    finally:
        page.close()


def test_keyboard_focus_stays_visible_on_the_dark_cockpit(browser, base):
    """On the dark meeting-room page a focused control gets the light outline (WCAG 2.4.7)."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(f"{base}/cockpit?lang=en&rotate=30")
        wait_rendered(page)
        pause = page.get_by_role("button", name="Pause rotation")
        pause.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus arrives by keyboard: :focus-visible applies
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [document.activeElement.innerText, s.outlineStyle, s.outlineWidth,
                    s.outlineColor]; }""")
        assert "Pause rotation" in style[0]
        assert style[1] == "solid" and style[2] == "3px", style
        assert style[3] == "rgb(255, 209, 102)", style  # #FFD166, 12:1 on the dark page
    finally:
        page.close()
