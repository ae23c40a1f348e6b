"""Hostile and careless links (issue 12, items 1-3), in AppTest, and a fuzz test of every page's
URL parameters.

Each test reproduces a probe of the issue: a rejected value that the browser would auto-link, a
rejected value that travelled on in the sidebar links, a repeated parameter, a right-to-left
override, an unknown page. The fuzz test draws hostile and random values for every declared
parameter of every page (and unknown keys, and repeated values) and checks the three
invariants: no exception, no link or image built from the input, links and the address bar
carry only accepted values.
"""
from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st_

from components import keys
from components.frame import existing_pages
from components.i18n import LANGS, STRINGS
from components.params import (PARAMS, SHARED, clean_text, inline_code, page_params,
                               shown_value)
from components.provenance import md_escape
from components.state import clean_search
from metrics.ingest import history
from metrics.load import load_dataset
from metrics.paths import DATA_DIR
from metrics.query import enrich_observations
from tests.apptest import TIMEOUT_S, run_page

EVIL = "evil.invalid"
RLO = "\u202e"

# --- helpers: what the page rendered, read as Markdown -----------------------------------------

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_ESCAPED = re.compile(r"\\(.)")
# Markdown link or image target: ](url) not preceded by a backslash.
_MD_TARGET = re.compile(r"(?<!\\)\]\(([^)\s]*)")
# What GFM auto-links in text (after escapes are resolved): a scheme URL or www.
_AUTOLINK = re.compile(r"(?i)(?:https?://|www\.)[^\s<]*")


def markdown_texts(at) -> list[str]:
    """Every Markdown string the page rendered (body, captions, alerts, headings)."""
    out = [m.value for m in (*at.markdown, *at.caption, *at.warning, *at.info, *at.error,
                             *at.success)]
    out += [str(x.value) for x in (*at.title, *at.header, *at.subheader)]
    return out


def outside_code(md: str) -> str:
    """``md`` without its code spans (where nothing is a link)."""
    return _CODE_SPAN.sub(" ", md)


def unescaped(md: str) -> str:
    return _ESCAPED.sub(r"\1", md)


def link_targets(md: str) -> list[str]:
    """Targets of Markdown links/images and auto-linked URLs outside code spans."""
    rest = outside_code(md)
    return _MD_TARGET.findall(rest) + _AUTOLINK.findall(unescaped(rest))


def page_links(at) -> list[dict[str, str]]:
    """The query parameters of every st.page_link on the page (sidebar and body)."""
    return [dict(parse_qsl(p.proto.query_string, keep_blank_values=True))
            for p in at.get("page_link")]


def address_bar(at) -> dict[str, str | list[str]]:
    return dict(at.query_params)


@pytest.fixture(scope="module")
def options():
    ds = load_dataset()
    obs = enrich_observations(ds)
    out = {k: list(PARAMS[k].options(ds, obs)) for k in SHARED if PARAMS[k].options}
    # the data version a link may be pinned to: the versions on disk
    out[keys.VERSION] = [v["version"] for v in history(DATA_DIR)]
    return out


@pytest.fixture(scope="module")
def allowed_targets():
    """Link targets that may appear: the dataset's own (source URLs, and any URL in its text)."""
    ds = load_dataset()
    found: set[str] = set()
    for name in ("sources", "observations", "entities", "targets", "indicators"):
        for col in ds[name].columns:
            if ds[name][col].dtype == object:
                for text in ds[name][col].dropna().astype(str):
                    found.update(_AUTOLINK.findall(text))
    return found


def assert_no_link_from(at, allowed: set[str], marker: str = EVIL) -> None:
    for md in markdown_texts(at):
        for target in link_targets(md):
            assert marker not in target, (target, md)
            assert any(target.rstrip(".,;)）。") in a or a in target for a in allowed) \
                or target.startswith("#"), (target, md)
        assert marker not in unescaped(outside_code(md)), md


def assert_links_carry_only_accepted(at, options) -> None:
    for params in page_links(at):
        for key, value in params.items():
            assert key in SHARED, params
            assert value in options[key] and value != PARAMS[key].default, params
    bar = address_bar(at)
    for key, value in bar.items():
        assert isinstance(value, str), (key, value)  # never repeated
        assert key in PARAMS, bar
        if key in SHARED:
            assert value in options[key], bar
        # Exactly the value the page's control holds, checked in this run.
        assert key in at.session_state["_checked_params"], (key, bar)
        assert at.session_state[f"_state.{key}"] == value, (key, bar)


# --- unit: the registry and the text helpers ---------------------------------------------------

def test_every_url_key_is_declared_once_with_a_label():
    url_keys = {v for k, v in vars(keys).items()
                if k.isupper() and isinstance(v, str) and not k.startswith("EXPORT_")}
    assert url_keys == set(PARAMS)
    assert SHARED == keys.SHARED
    for spec in PARAMS.values():
        for lang in LANGS:
            assert spec.label_key in STRINGS[lang], (spec.key, lang)


def test_every_page_reads_the_shared_parameters():
    for script, _, _ in existing_pages():
        declared = [p.key for p in page_params(script)]
        assert declared[:len(SHARED)] == list(SHARED)


def test_clean_text_removes_controls_and_bidi():
    assert clean_text(f"a{RLO}b\u2066c\u200bd\ne\x00f\u2028g") == "abcdefg"
    assert shown_value(f"{RLO}neglish") == "\ufffdneglish"
    assert shown_value("x" * 60).endswith("…") and len(shown_value("x" * 60)) == 41
    assert clean_search(f"  {RLO}Haier\n ") == "Haier"


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "`", "www.evil.invalid",
                                  "![x](http://evil.invalid/x.png)", " pad "])
def test_inline_code_fence_is_longer_than_any_backtick_run(text):
    span = inline_code(text)
    fence = re.match(r"`+", span).group(0)
    assert len(fence) > max((len(r) for r in re.findall(r"`+", text)), default=0)
    assert span == f"{fence} {text} {fence}"


def test_md_escape_removes_bidi_overrides():
    assert RLO not in md_escape(f"{RLO}neglish") and "neglish" in md_escape(f"{RLO}neglish")


# --- item 1: a rejected value never becomes a clickable link -----------------------------------

@pytest.mark.parametrize("script,param,value", [
    ("dashboard.py", keys.LANG, "http://evil.invalid/login"),
    ("dashboard.py", keys.INDUSTRY, "www.evil.invalid"),
    ("pages/1_growth.py", keys.GROWTH_VIEW, "www.evil.invalid"),
    ("pages/2_clusters.py", keys.MAP_MEASURE, "http://evil.invalid/login"),
    ("pages/1_growth.py", keys.GROWTH_INDICATOR, "https://evil.invalid/a?b=c"),
    ("pages/3_digital.py", keys.DIGITAL_VIEW, "mail@evil.invalid"),
])
def test_rejected_value_is_shown_as_inert_code(script, param, value, allowed_targets):
    # (A shared parameter's notice shows on the first page run: run_page opens dashboard.py
    # first, so shared parameters are probed there.)
    at = run_page(script, **{param: value})
    assert not at.exception
    warnings = [w.value for w in at.warning if inline_code(value) in w.value]
    assert warnings, [w.value for w in at.warning]
    assert_no_link_from(at, allowed_targets)


# --- item 2: rejected values do not travel on --------------------------------------------------

def test_rejected_period_is_not_carried_by_the_sidebar_links(options):
    at = run_page("dashboard.py", period="![x](http://evil.invalid/x.png)", industry="HT")
    assert not at.exception
    links = page_links(at)
    assert len(links) >= len(existing_pages())
    assert all(p == {keys.INDUSTRY: "HT"} for p in links), links
    assert address_bar(at) == {keys.INDUSTRY: "HT"}
    assert_links_carry_only_accepted(at, options)


def test_repeated_parameter_last_wins_with_a_notice():
    at = run_page("dashboard.py", lang=["junk", "en"])
    assert not at.exception
    assert at.segmented_control(key=keys.LANG).value == "en"
    assert address_bar(at) == {keys.LANG: "en"}  # one value, the accepted one
    assert any("2 times" in w.value for w in at.warning), [w.value for w in at.warning]
    assert all(p == {keys.LANG: "en"} for p in page_links(at))


def test_repeated_parameter_with_junk_last_falls_back():
    at = run_page("dashboard.py", industry=["HT", "www.evil.invalid"])
    assert not at.exception
    assert at.selectbox(key=keys.INDUSTRY).value == "ALL"
    assert keys.INDUSTRY not in address_bar(at)
    body = " ".join(w.value for w in at.warning)
    assert "2次" in body and inline_code("www.evil.invalid") in body


def test_right_to_left_override_is_stripped_from_the_notice():
    at = run_page("dashboard.py", industry=f"{RLO}neglish", lang="en")
    assert not at.exception
    notice = [w.value for w in at.warning if "neglish" in w.value]
    assert notice and RLO not in notice[0] and inline_code("\ufffdneglish") in notice[0]
    for md in markdown_texts(at):
        assert not any(ch in md for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_rejected_and_unknown_page_parameters_leave_the_address_bar(options):
    at = run_page("pages/1_growth.py", indicator="www.evil.invalid", view="gap", foo="bar",
                  measure="count")
    assert not at.exception
    bar = address_bar(at)
    assert bar == {keys.GROWTH_VIEW: "gap"}, bar
    assert any(inline_code("www.evil.invalid") in w.value for w in at.warning)
    assert_links_carry_only_accepted(at, options)


def test_search_from_a_link_is_cleaned():
    at = run_page("pages/9_data.py", q=f"{RLO}Haier\n")
    assert not at.exception
    assert at.text_input(key=keys.DATA_SEARCH).value == "Haier"
    assert address_bar(at) == {keys.DATA_SEARCH: "Haier"}


# --- item 3: an unknown page shows the app's own not-found view --------------------------------

@pytest.mark.parametrize("lang,title", [("zh", "页面不存在"), ("en", "Page not found")])
def test_unknown_page_shows_the_not_found_view(lang, title):
    from streamlit.testing.v1 import AppTest

    from metrics.paths import REPO_ROOT

    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    at.query_params[keys.LANG] = lang
    # What the browser asks for at /nosuchpage, as AppTest can say it: a page hash that no page
    # has (AppTest has no public way to request a page by an unknown name).
    at._page_hash = "0" * 32
    at.run()
    assert not at.exception
    assert [x.value for x in at.title] == [title]
    home = [p for p in at.get("page_link") if p.proto.label in ("返回总览", "Go to the overview")]
    assert home and home[0].proto.page in ("", "dashboard")
    assert not at.metric  # not the overview


def test_known_pages_do_not_show_the_not_found_view():
    for script, _, _ in existing_pages():
        at = run_page(script)
        assert not at.exception
        assert all(x.value not in ("页面不存在", "Page not found") for x in at.title), script


# --- the fuzz test: every page, every declared parameter ---------------------------------------

HOSTILE = [
    "http://evil.invalid/login", "www.evil.invalid", "https://evil.invalid/a?b=1&c=2",
    "![x](http://evil.invalid/x.png)", "[click](http://evil.invalid)", "<http://evil.invalid>",
    "<img src=http://evil.invalid/i.png>", f"{RLO}neglish.evil.invalid", "a@evil.invalid",
    "`www.evil.invalid`", "``` www.evil.invalid", ":red[evil.invalid]",
    ":material/home: evil.invalid", "$x$ evil.invalid", "evil.invalid\nwww.evil.invalid",
    "x" * 300 + "evil.invalid", "", " ", "\x00evil.invalid", "%2e%2e/evil.invalid",
]
PLAUSIBLE = ["zh", "en", "ALL", "C", "HT", "EQ", "C39", "C99", "latest", "2024", "2024-05",
             "2023", "time", "period", "gap", "all", "province", "country", "count", "figure",
             "national", "370212", "370200", "iva_growth_cum", "sources", "observations",
             "met", "no_actual", "counts", "Haier"]
_TEXT = st_.text(st_.characters(blacklist_categories=("Cs",)), max_size=40)
VALUES = st_.one_of(st_.sampled_from(HOSTILE), st_.sampled_from(PLAUSIBLE), _TEXT)
# Examples per page (about 1 s each); QD_FUZZ_EXAMPLES=100 for a deeper run.
FUZZ_EXAMPLES = int(os.environ.get("QD_FUZZ_EXAMPLES", "15"))


def _page_keys(script: str) -> list[str]:
    return [p.key for p in page_params(script)] + ["foo", "utm_source"]


@pytest.mark.parametrize("script", [p[0] for p in existing_pages()])
def test_fuzz_url_parameters(script, options, allowed_targets):
    strategy = st_.dictionaries(
        st_.sampled_from(_page_keys(script)),
        st_.one_of(VALUES, st_.lists(VALUES, min_size=2, max_size=3)), max_size=5)

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(params=strategy)
    def check(params):
        at = run_page(script, **params)
        assert not at.exception, (params, at.exception)
        assert_no_link_from(at, allowed_targets)
        assert_links_carry_only_accepted(at, options)

    check()


@pytest.mark.parametrize("asked,expected", [("growth/extra", "growth/extra"),
                                            ("data/x/y", "data/x/y"), ("nosuchpage", "nosuchpage"),
                                            ("growth", None), ("", None)])
def test_unknown_page_names_what_was_asked(monkeypatch, asked, expected):
    """The detection behind the not-found view, for the names a browser sends (a nested path
    reaches the app as one page name when the proxy serves it; see the deploy notes)."""
    from types import SimpleNamespace

    import streamlit.runtime.scriptrunner as scriptrunner

    from components.state import unknown_page

    pages = {"h0": {"url_pathname": ""}, "h1": {"url_pathname": "growth"},
             "h9": {"url_pathname": "data"}}
    running = "h1" if asked == "growth" else "h0"
    manager = SimpleNamespace(get_pages=lambda: pages, intended_page_script_hash="",
                              intended_page_name=asked)
    monkeypatch.setattr(scriptrunner, "get_script_run_ctx",
                        lambda: SimpleNamespace(page_script_hash=running, pages_manager=manager))
    assert unknown_page() == expected
