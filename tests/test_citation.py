"""No figure is shown under an official publisher with a link to a copy (a content farm, a news
site) unless the copy warning is beside it; the original is linked when its address is known."""
from __future__ import annotations

import re

import pytest

from metrics.citation import is_official_host, make_citation, site_is_publisher, url_domain
from metrics.load import load_dataset

# The publishers whose own pages are on government sites, named one by one (not through the
# module's pattern, so that a pattern too narrow fails here).
OFFICIAL = {"国家统计局", "青岛市统计局", "山东省统计局", "城阳区统计局", "青岛西海岸新区统计局",
            "黄岛区人民政府(政府工作报告)", "青岛西海岸新区政务网"}
WARN = {"zh": ("转载：", "未核对原文"), "en": ("copied on ", "original not checked")}


WARN_SELF = {"zh": ("转载，未注明原始出处", "未核对原文"),
             "en": ("a copy, original outlet not named", "original not checked")}


def _assert_warned(src: dict, lang: str) -> None:
    cit = make_citation(src, lang)
    assert cit["link_is_copy"], (src["source_id"], cit)
    assert cit["warning"], src["source_id"]
    if not src.get("carrier") and site_is_publisher(src["publisher"], cit["link"]):
        # the site is the publisher: the copy is said to name no original outlet
        assert src["publisher"] not in OFFICIAL
        for word in WARN_SELF[lang]:
            assert word in cit["publisher"], (src["source_id"], cit["publisher"])
        return
    for word in WARN[lang]:
        assert word in cit["publisher"], (src["source_id"], cit["publisher"])
    assert cit["publisher"].startswith(src["publisher"])
    # the copy's site is named: as recorded, or the domain of the link followed
    assert cit["carrier"] and (cit["carrier"] == (src.get("carrier") or "")
                               or cit["carrier"] == url_domain(cit["link"]))
    assert cit["carrier"] in cit["publisher"]


@pytest.fixture(scope="module")
def shown_sources():
    """Every source that an observation of the current bundled version cites."""
    ds = load_dataset()
    ids = set(ds["observations"]["source_id"])
    return [s for s in ds["sources"].to_dict("records") if s["source_id"] in ids]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bundled_official_figures_never_link_a_copy_silently(shown_sources, lang):
    checked = 0
    for src in shown_sources:
        cit = make_citation(src, lang)
        link = cit["link"]
        copy_link = bool(link) and (
            (src["publisher"] in OFFICIAL and not is_official_host(link))
            or (bool(src.get("carrier_url")) and link == src["carrier_url"])
            or (src["tier"] == "C" and not src.get("carrier")))
        if copy_link:
            _assert_warned(src, lang)
            checked += 1
        if src["tier"] == "C":
            assert cit["warning"], src["source_id"]
    assert checked > 50  # today most NBS figures are read on copies


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bundled_originals_are_linked_when_known(shown_sources, lang):
    for src in shown_sources:
        url, carrier_url = src.get("url") or "", src.get("carrier_url") or ""
        if url and carrier_url and url_domain(url) != url_domain(carrier_url):
            cit = make_citation(src, lang)
            assert cit["link"] == url and not cit["link_is_copy"]
            assert cit["carrier_link"] == carrier_url
            assert cit["warning"]  # still says the figure was read on a copy


HAND_MADE = [
    # not migrated: tier C, link is the farm's
    {"source_id": "farm", "publisher": "国家统计局", "title": "t", "url":
     "http://www.kbm75.com/news/1.html", "tier": "C", "carrier": None, "carrier_url": None},
    # migrated, original not found: url is the carrier's address again
    {"source_id": "farm2", "publisher": "国家统计局", "title": "t", "url":
     "http://m.jz8899.net/a/2.html", "tier": "C", "carrier": "jz8899.net",
     "carrier_url": "http://m.jz8899.net/a/2.html"},
    # tier B in the row but an NBS figure linked on a non-government site with no carrier
    {"source_id": "farm3", "publisher": "国家统计局", "title": "t", "url":
     "https://dongdongliu.com/p/3", "tier": "B", "carrier": None, "carrier_url": None},
    # the carrier is named but has no link of its own; url is not a government page
    {"source_id": "farm4", "publisher": "青岛市统计局", "title": "t", "url":
     "http://vagaawaga.net.cn/x", "tier": "C", "carrier": "vagaawaga.net.cn", "carrier_url": ""},
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("src", HAND_MADE, ids=[s["source_id"] for s in HAND_MADE])
def test_hand_made_copies_are_warned(src, lang):
    _assert_warned(src, lang)


def test_the_issue_wording():
    src = HAND_MADE[0]
    assert make_citation(src, "zh")["publisher"] == "国家统计局（转载：kbm75.com，未核对原文）"
    assert make_citation(src, "en")["publisher"] == (
        "国家统计局 (copied on kbm75.com, original not checked)")


def test_english_pages_name_the_publisher_in_english():
    names = {("国家统计局", "en"): "NBS"}
    cit = make_citation(HAND_MADE[0], "en", lambda text, lang: names.get((text, lang)))
    assert cit["publisher"] == "NBS (copied on kbm75.com, original not checked)"
    assert "not to a page of NBS" in cit["warning"]
    # the Chinese page keeps the Chinese name
    cit = make_citation(HAND_MADE[0], "zh", lambda text, lang: names.get((text, lang)))
    assert cit["publisher"] == "国家统计局（转载：kbm75.com，未核对原文）"


def test_original_known_is_linked_with_the_carrier_named():
    src = {"publisher": "国家统计局", "url": "https://www.stats.gov.cn/sj/zxfb/1.html",
           "tier": "C", "carrier": "cdmia.com.cn",
           "carrier_url": "http://cdmia.com.cn/news/detail/8172.html"}
    for lang in ("zh", "en"):
        cit = make_citation(src, lang)
        assert cit["link"] == src["url"] and not cit["link_is_copy"]
        assert "cdmia.com.cn" in cit["publisher"] and "cdmia.com.cn" in cit["warning"]


def test_own_pages_carry_no_warning():
    own = [{"publisher": "国家统计局", "url": "https://www.stats.gov.cn/sj/zxfb/1.html",
            "tier": "A", "carrier": None, "carrier_url": None},
           {"publisher": "新华社", "url": "http://www.news.cn/2024/a.htm", "tier": "B"},
           {"publisher": "青岛日报/观海新闻", "url": None, "tier": "B"}]
    for src in own:
        cit = make_citation(src, "zh")
        assert cit["publisher"] == src["publisher"] and not cit["warning"]
        assert not cit["link_is_copy"]


def test_a_site_named_as_publisher_is_a_copy_of_an_unnamed_original():
    src = {"publisher": "网易号 163.com", "url": "https://www.163.com/dy/article/X.html",
           "tier": "C"}
    assert make_citation(src, "zh")["publisher"] == (
        "网易号 163.com（转载，未注明原始出处，未核对原文）")
    assert not site_is_publisher("国家统计局", "http://www.kbm75.com/news/1.html")


def test_copy_without_any_address():
    cit = make_citation({"publisher": "国家统计局", "url": "", "tier": "C"}, "en")
    assert cit["link"] == "" and "not checked" in cit["publisher"] and cit["warning"]


# -- what the source details show (components.provenance.make_source_lines) ------------------

_MD_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_source_details_never_link_a_copy_under_an_official_name_silently(lang):
    """Every observation's source details: a link off the government's sites under an official
    publisher's name comes with the copy warning naming the site."""
    from components.provenance import make_source_lines

    ds = load_dataset()
    obs = ds["observations"]
    warned = 0
    for sid, quote in set(zip(obs["source_id"], obs["quote"])):
        src = ds.source(sid)
        lines = make_source_lines(ds, sid, quote, lang)
        publisher_line = lines[0]
        text = "\n".join(lines)
        for link in _MD_LINK.findall(text):
            copy = ((src["publisher"] in OFFICIAL and not is_official_host(link))
                    or link == (src.get("carrier_url") or "-"))
            if copy:
                # '（转载：kbm75.com，未核对原文）' or '（读自转载：…；链接为原文地址）'
                assert ("转载" if lang == "zh" else "cop") in publisher_line, (sid, text)
                warned += 1
        if src["tier"] == "C":
            assert len(lines) > 1 and lines[1].startswith("  - "), (sid, lines[:2])
    assert warned > 20


def test_source_details_give_english_beside_chinese_on_english_pages():
    from components.provenance import make_source_lines

    ds = load_dataset()
    obs = ds["observations"]
    rows = obs[obs["source_id"] == "qdrb-2024-07-industrial-system"].head(3)
    for _, r in rows.iterrows():
        en = "\n".join(make_source_lines(ds, r["source_id"], r["quote"], "en"))
        zh = "\n".join(make_source_lines(ds, r["source_id"], r["quote"], "zh"))
        assert en.count("Translation:") == 2 and r["quote"][:6] in en
        assert "Translation" not in zh and "译文" not in zh


def test_figure_details_show_notes_in_the_page_language():
    from components.provenance import make_figure_details
    from metrics.citation import text_language
    from metrics.query import Figure

    ds = load_dataset()
    obs = ds["observations"]
    for r in obs[obs["note"].notna()].head(200).to_dict("records"):
        fig = Figure.from_row({**r, "revised": False})
        for lang, other in (("zh", "en"), ("en", "zh")):
            note_lines = [ln for ln in make_figure_details(ds, fig, lang).splitlines()
                          if ln.startswith("- 说明" if lang == "zh" else "- Note")]
            for ln in note_lines:
                assert text_language(ln.split(":", 1)[1].replace("\\", "")) != other, (lang, ln)


@pytest.mark.parametrize("lang,words", [("zh", ["转载：", "未核对原文"]),
                                        ("en", ["copied on", "original not checked",
                                                "Translation:"])])
def test_pages_show_the_copy_warning_and_translations(lang, words):
    from tests.apptest import run_page, texts

    shown = texts(run_page("pages/1_growth.py", lang=lang))
    for word in words:
        assert word in shown, word
    if lang == "zh":
        assert "Translation:" not in shown and "copied on" not in shown
