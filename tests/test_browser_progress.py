"""Browser tier for the 数字化转型, 创新能力 and 目标进度 pages: one fresh server, each page opened by
a deep link (the first as the server's very first request), rendered with its figures, charts
drawn, Chinese glyphs rendering, and no request leaving 127.0.0.1."""
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
    ("/targets?lang=en&industry=C38", ("8 targets: 0 met, 0 not met, 0 undetermined, 8 with no "
                                       "published actual.", "City-wide target"), 0),
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
