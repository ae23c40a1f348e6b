"""Keyboard focus is visible and distinct from the current-page highlight (WCAG 2.4.7), and a
phone's first view is the page, not the sidebar (issue 11 items 5 and 10)."""
from __future__ import annotations

import pytest

from tests.browser import open_page, streamlit_server, wait_rendered

pytestmark = pytest.mark.browser


def test_focus_is_visible_and_the_phone_starts_with_the_page(browser):
    with streamlit_server() as base:
        page, _ = open_page(browser, base + "/?lang=en")
        link = page.get_by_test_id("stSidebar").get_by_role("link", name="Growth vs benchmarks")
        unfocused = link.evaluate("e => getComputedStyle(e).outlineStyle")
        link.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus arrives by keyboard: :focus-visible applies
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }""")
        assert style[0] == "solid" and style[1] == "3px", style
        assert unfocused in ("none", "")
        # the current page's link is highlighted without any outline: the two look different
        current = page.get_by_test_id("stSidebar").get_by_role("link", name="Overview")
        assert current.evaluate("e => getComputedStyle(e).outlineStyle") in ("none", "")

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(base + "/?lang=en")
        wait_rendered(phone)
        phone.screenshot(path="/tmp/qd-shots/phone-first-view.png")
        side = phone.get_by_test_id("stSidebar").bounding_box()
        # closed: the sidebar is off screen (or has no width), so it covers nothing
        assert side is None or side["x"] + side["width"] <= 1 or side["width"] <= 1, side
        assert "Qingdao Industrial Economy Dashboard" in phone.get_by_test_id(
            "stMain").inner_text()
        phone.close()
