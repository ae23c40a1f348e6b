"""Browser tier for the 数字化转型, 创新能力 and 目标进度 pages: one fresh server, each page opened by
a deep link (the first as the server's very first request), rendered with its figures, charts
drawn, Chinese glyphs rendering, and no request leaving 127.0.0.1; the targets page's status
lights at 1280x720 in both languages: icon and words beside the colour, a measured contrast of
at least 4.5:1, and the status filter within the window."""
from __future__ import annotations

import pytest

from tests.browser import (cjk_glyphs_render, is_local, launch_browser, streamlit_server,
                           wait_rendered)

pytestmark = pytest.mark.browser
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

# (deep link, texts that must be on the page, plotly charts expected)
PAGES = (
    ("/digital?period=2024-07", ("数字化转型：青岛制造业走了多远", "90.9%", "569", "截至2024年7月"), 0),
    ("/digital?lang=en&dview=timeline", ("WEF Global Lighthouse factories", "about 99"), 1),
    ("/innovation?lang=en", ("Honoured firms", "a period is inferred, no share derived", "835"), 1),
    ("/targets?lang=en&industry=C38", ("8 targets: 0 met, 0 on pace, 0 behind, 8 unknown (8 "
                                       "with no published actual).", "City-wide target",
                                       "Proxy, not the actual"), 0),
)


def test_three_pages_render_on_one_fresh_server_with_no_outside_request():
    with streamlit_server() as base, sync_playwright() as pw:
        browser = launch_browser(pw)
        requests: list[str] = []
        try:
            for path, expected, charts in PAGES:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.on("request", lambda r: requests.append(r.url))
                page.goto(base + path)
                wait_rendered(page)
                main = page.get_by_test_id("stMain").inner_text()
                for text in expected:
                    assert text in main, (path, text)
                assert page.get_by_test_id("stException").count() == 0, path
                assert page.locator(".js-plotly-plot .main-svg").count() >= charts, path
                if "lang=en" not in path:
                    assert cjk_glyphs_render(page), "install fonts-noto-cjk"
                page.close()
        finally:
            browser.close()
        assert requests and all(is_local(u) for u in requests), [
            u for u in requests if not is_local(u)]


# Each status light as drawn: its words, icon, text colour and background (the badge's own).
LIGHTS_JS = """() => [...document.querySelectorAll('[data-testid=stMain] span.stMarkdownBadge')]
  .map(s => ({text: s.innerText, icon: (s.querySelector('[role=img]') || {}).ariaLabel || '',
              color: getComputedStyle(s).color, bg: getComputedStyle(s).backgroundColor}))"""


def _luminance(css: str) -> float:
    r, g, b = (int(x) / 255 for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


LIGHT_WORDS = {"zh": ("已完成", "进度正常", "落后", "未知"),
               "en": ("Met", "On pace", "Behind", "Unknown")}


def test_status_lights_have_words_icons_and_contrast():
    with streamlit_server() as base, sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            for lang, words in LIGHT_WORDS.items():
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                page.goto(f"{base}/targets?lang={lang}")
                wait_rendered(page)
                lights = page.evaluate(LIGHTS_JS)
                # The four count boxes, then one light per target card (all unknown in the data).
                assert [light["text"].split(" ", 1)[1] for light in lights[:4]] == list(words)
                assert len(lights) == 4 + 8
                icons = [light["icon"] for light in lights[:4]]
                assert icons == ["check_circle icon", "trending_up icon", "trending_down icon",
                                 "help icon"]  # four shapes, named for screen readers
                assert len({light["color"] for light in lights[:4]}) == 4  # four colours
                for light in lights:
                    assert contrast(light["color"], light["bg"]) >= 4.5, light
                box = page.get_by_test_id("stButtonGroup").last.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280
                assert page.get_by_test_id("stException").count() == 0
                page.close()
        finally:
            browser.close()
