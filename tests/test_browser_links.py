"""Browser tier for hostile and careless links (issue 12, items 1-3): what chromium really makes
of them, with GFM auto-linking, the address bar and Streamlit's own page routing.

One server for the module: these links are about what the page shows, not about the first
request to a server.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import is_local, open_page, streamlit_server, wait_rendered

pytestmark = pytest.mark.browser

EVIL = "evil.invalid"


@pytest.fixture(scope="module")
def base(browser):
    with streamlit_server() as url:
        # One page first: the first run of a new server imports the app after Streamlit's own
        # page-not-found answer is sent (see components/state._quiet_streamlit_page_not_found).
        page, _ = open_page(browser, url + "/")
        page.close()
        yield url


def _anchors(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")


def _alerts(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid=stAlert]')].map(a => ({
        text: a.innerText, codes: [...a.querySelectorAll('code')].map(c => c.innerText),
        links: a.querySelectorAll('a').length, images: a.querySelectorAll('img').length}))""")


def _assert_inert(page, requests, value: str) -> None:
    alerts = [a for a in _alerts(page) if value in a["codes"]]
    assert alerts, _alerts(page)
    assert all(a["links"] == 0 and a["images"] == 0 for a in alerts), alerts
    assert not [h for h in _anchors(page) if EVIL in h]
    assert not page.evaluate(
        f"() => [...document.querySelectorAll('img, link, script, iframe')]"
        f".some(e => (e.src || e.href || '').includes('{EVIL}'))")
    assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]


@pytest.mark.parametrize("link,value", [
    ("/?lang=http%3A%2F%2Fevil.invalid%2Flogin", "http://evil.invalid/login"),
    ("/?lang=en&industry=www.evil.invalid", "www.evil.invalid"),
    ("/growth?lang=en&view=https%3A%2F%2Fevil.invalid%2Fa", "https://evil.invalid/a"),
    ("/clusters?measure=mail%40evil.invalid", "mail@evil.invalid"),
])
def test_rejected_value_is_never_a_clickable_link(browser, base, link, value):
    page, requests = open_page(browser, base + link)
    _assert_inert(page, requests, value)
    page.close()


def test_sidebar_links_and_address_bar_carry_only_accepted_values(browser, base):
    link = ("/?period=!%5Bx%5D(http%3A%2F%2Fevil.invalid%2Fx.png)&lang=junk&lang=en"
            "&industry=HT&foo=bar")
    page, requests = open_page(browser, base + link)
    page.wait_for_function("() => !location.search.includes('period')")
    assert parse_qs(urlparse(page.url).query) == {"lang": ["en"], "industry": ["HT"]}
    nav = [h for h in _anchors(page) if urlparse(h).path.strip("/") in
           ("", "growth", "clusters", "digital", "innovation", "targets", "data")]
    assert len(nav) >= 7
    for href in nav:
        assert parse_qs(urlparse(href).query) == {"lang": ["en"], "industry": ["HT"]}, href
    text = page.get_by_test_id("stMain").inner_text()
    assert "2 times" in text  # the repeated lang
    _assert_inert(page, requests, "![x](http://evil.invalid/x.png)")
    page.close()


def test_right_to_left_override_does_not_reach_the_page(browser, base):
    page, _ = open_page(browser, base + "/?lang=en&industry=%E2%80%AEneglish")
    alerts = [a for a in _alerts(page) if any("neglish" in c for c in a["codes"])]
    assert alerts and "\u202e" not in alerts[0]["text"] and "\ufffdneglish" in alerts[0]["codes"]
    page.close()


@pytest.mark.parametrize("lang,title,home", [("zh", "页面不存在", "返回总览"),
                                             ("en", "Page not found", "Go to the overview")])
def test_unknown_page_shows_the_not_found_view(browser, base, lang, title, home):
    page, requests = open_page(browser, base + f"/nosuchpage?lang={lang}")
    main = page.get_by_test_id("stMain")
    assert main.get_by_role("heading", name=title).count() == 1
    assert page.get_by_role("dialog").count() == 0  # not Streamlit's English-only dialog
    assert "/nosuchpage" in main.inner_text()
    main.get_by_role("link", name=home).click()
    wait_rendered(page)
    heading = "青岛工业经济看板" if lang == "zh" else "Qingdao Industrial Economy Dashboard"
    assert page.get_by_test_id("stMain").get_by_role("heading", name=heading).count() == 1
    assert all(is_local(u) for u in requests)
    page.close()
