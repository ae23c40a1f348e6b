"""How a source is cited on screen and in exports: who published it, which link to follow, and
the warning when that link is a copy on another site.

A source row keeps apart who published the figure (``publisher``: 国家统计局, 青岛市统计局, 新华社),
the site where the copy was read (``carrier``, ``carrier_url``) and the original's address
(``url``, the carrier's address again when the original was not found). Many NBS and bureau
figures were read on content farms that copied the release; a reader must never see such a link
under the bureau's name as if it were the bureau's own page. Hence the rules:

- the original is linked whenever its address is known (``url`` differs from ``carrier_url``);
- a link to a copy is always shown with "国家统计局（转载：kbm75.com，未核对原文）" /
  "NBS (copied on kbm75.com, original not checked)";
- a tier-C source whose row has no carrier yet is a copy too: the carrier is its url's domain;
- an official publisher (a bureau, a government) linked outside the government's domains is
  a copy on that domain, whatever the row says.

Pure: no Streamlit; the pages, the exports and the tests share it.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# Publishers whose own pages live on government domains: statistics bureaus, people's
# governments and their departments, ministries, the State Council.
_OFFICIAL_PUBLISHER = re.compile(
    r"统计局|人民政府|政府|国务院|工业和信息化部|工信部|发展和改革委员会|发改委|商务厅|工信厅"
    r"|工业和信息化局|部$|委员会$|Statistics|Bureau|Ministry|Government|\bNBS\b", re.I)
# Where government pages are: *.gov.cn, and the official sites off that domain (Select Shandong
# is the Shandong Department of Commerce's own investment portal).
_OFFICIAL_HOST = re.compile(r"(^|\.)gov\.cn$|(^|\.)selectshandong\.com$")

WORDS = {
    "zh": {
        # a copy shown, its original not found or not checked
        "copy_unchecked": "{publisher}（转载：{carrier}，未核对原文）",
        # the original linked, the figure read on a copy
        "copy_original_linked": "{publisher}（读自转载：{carrier}；链接为原文地址）",
        "copy_no_link": "{publisher}（转载，网址未记录，未核对原文）",
        # the site itself is named as publisher: a copy whose original outlet is not named
        "copy_self": "{publisher}（转载，未注明原始出处，未核对原文）",
        "warning_self": "{carrier} 上的转载，未注明原始出处；原文未经核对。",
        "warning_unchecked": "链接为 {carrier} 上的转载，不是{publisher}的原始页面；原文未经核对。",
        "warning_original_linked": "数字读自 {carrier} 上的转载；链接为{publisher}的原文地址，"
                                   "引文尚未与原文逐字核对。",
        "warning_no_link": "转载来源，网址未记录；原文未经核对。",
    },
    "en": {
        "copy_unchecked": "{publisher} (copied on {carrier}, original not checked)",
        "copy_original_linked": "{publisher} (read on a copy at {carrier}; link to the original)",
        "copy_no_link": "{publisher} (a copy, address not recorded, original not checked)",
        "copy_self": "{publisher} (a copy, original outlet not named, original not checked)",
        "warning_self": "A copy on {carrier} that does not name its original outlet; the "
                        "original was not checked.",
        "warning_unchecked": "The link goes to a copy on {carrier}, not to a page of "
                             "{publisher}; the original was not checked.",
        "warning_original_linked": "The figure was read on a copy at {carrier}; the link goes "
                                   "to the original of {publisher}, against which the quote "
                                   "was not checked word for word.",
        "warning_no_link": "A copy whose address was not recorded; the original was not checked.",
    },
}


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value).strip()


def url_domain(url: str) -> str:
    """The host of ``url`` without 'www.' / 'm.' ('http://m.kbm75.com/a' -> 'kbm75.com')."""
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return re.sub(r"^(www|m|wap)\.", "", host)


def is_official_publisher(publisher: str) -> bool:
    """A statistics bureau, a government or one of its departments (not a newspaper)."""
    return bool(_OFFICIAL_PUBLISHER.search(publisher or ""))


def is_official_host(url: str) -> bool:
    """A link on a government domain (*.gov.cn)."""
    return bool(_OFFICIAL_HOST.search(url_domain(url)))


def site_is_publisher(publisher: str, url: str) -> bool:
    """The site of ``url`` is the publisher named ('agwp.cn', '网易号 163.com',
    'GlobeNewswire' for globenewswire.com): a copy whose original outlet is not named."""
    domain = url_domain(url)
    if not domain:
        return False
    labels = domain.split(".")
    names = {domain, ".".join(labels[-2:]), ".".join(labels[-3:])}
    names |= {x for x in labels if len(x) >= 4 and x not in ("news", "www", "wap")}
    return any(n in publisher.lower() for n in names)


def _carrier_name(carrier: str, carrier_url: str, url: str) -> str:
    """What the reader is told the copy's site is: the carrier's name as recorded, else the
    domain of its link."""
    return carrier or url_domain(carrier_url or url)


def make_citation(source: dict, lang: str, translate=None) -> dict:
    """How to cite ``source`` (a sources row) in ``lang``; ``translate(text, lang)`` (e.g.
    Dataset.translation) gives English pages the publisher's English name ('NBS').

    Returns ``publisher`` (the label to show: the publisher, with the copy warning in brackets
    when there is one), ``link`` (the address to link, '' when none), ``link_is_copy`` (the link
    goes to a carrier, not to the publisher's page), ``carrier`` (the copy's site, '' when the
    figure was read at the publisher's), ``carrier_link`` and ``warning`` (a sentence, '' when
    nothing needs saying).
    """
    w = WORDS[lang]
    publisher = source_publisher = _text(source.get("publisher"))
    official = is_official_publisher(publisher)
    if translate is not None and lang == "en" and text_language(publisher) == "zh":
        publisher = translate(publisher, "en") or publisher
    url, tier = _text(source.get("url")), _text(source.get("tier"))
    carrier, carrier_url = _text(source.get("carrier")), _text(source.get("carrier_url"))
    # the original's address is known when ``url`` is not the copy's own address (with no
    # carrier link recorded, only a government page counts as the original; a row with no
    # carrier at all is a copy read at ``url`` itself)
    original_known = bool(url) and bool(carrier or carrier_url) and (
        url_domain(url) != url_domain(carrier_url) if carrier_url else is_official_host(url))
    if carrier or carrier_url:
        is_copy = True
    elif tier == "C":
        # not migrated yet: the recorded link is the repost's
        is_copy = True
    else:
        # an official publisher's figure linked off the government's domains is a copy there
        is_copy = bool(url) and official and not is_official_host(url)
    out = {"publisher": publisher, "link": url, "link_is_copy": False, "carrier": "",
           "carrier_link": "", "warning": ""}
    if not is_copy:
        return out
    name = _carrier_name(carrier, carrier_url, url)
    if translate is not None and lang == "en" and text_language(name) == "zh":
        name = translate(name, "en") or name
    out["carrier"], out["carrier_link"] = name, carrier_url or ("" if original_known else url)
    if original_known:
        out["publisher"] = w["copy_original_linked"].format(publisher=publisher, carrier=name)
        out["warning"] = w["warning_original_linked"].format(publisher=publisher, carrier=name)
        return out
    if not (url or carrier_url):
        out["publisher"] = w["copy_no_link"].format(publisher=publisher)
        out["warning"] = w["warning_no_link"]
        out["carrier"] = name
        return out
    out["link"] = carrier_url or url
    out["link_is_copy"] = True
    if not carrier and site_is_publisher(source_publisher, out["link"]):
        out["publisher"] = w["copy_self"].format(publisher=publisher)
        out["warning"] = w["warning_self"].format(carrier=name)
        return out
    out["publisher"] = w["copy_unchecked"].format(publisher=publisher, carrier=name)
    out["warning"] = w["warning_unchecked"].format(publisher=publisher, carrier=name)
    return out


# -- translations of titles, quotes and notes ------------------------------------------------

_CJK = re.compile("[\u3400-\u9fff]")
_LATIN = re.compile("[A-Za-z]")


# Source ids, addresses and domains a note may cite: the same in both languages.
_CODES = re.compile(r"https?://\S+|[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+")


def text_language(text: str) -> str:
    """'zh' when a text has more Chinese characters than Latin letters (source ids, addresses
    and domains not counted), else 'en'; '' for a text with neither (a number, a code)."""
    words = _CODES.sub(" ", text or "")
    cjk, latin = len(_CJK.findall(words)), len(_LATIN.findall(words))
    if not cjk and not latin:
        return ""
    return "zh" if cjk > latin else "en"


def is_language_neutral(text: str) -> bool:
    # a bare address or domain ('laoshan.gov.cn') reads the same in both languages
    return not _CJK.search(text) and " " not in text.strip()


def shown_note(note: str | None, lang: str, translate) -> str | None:
    """The note as a page in ``lang`` shows it: its translation into ``lang`` where there is
    one, the note itself where it is written in ``lang`` (or is a bare address), else None:
    a Chinese page never shows an English note, nor an English page a Chinese one.

    ``translate(text, lang)`` gives a stored translation or None (Dataset.translation).
    """
    if not note or not str(note).strip():
        return None
    done = translate(note, lang)
    if done:
        return done
    if is_language_neutral(note) or text_language(note) in (lang, ""):
        return note
    return None


def english_rendering(text: str | None, lang: str, translate) -> str | None:
    """On an English page, the English translation of a Chinese title or quote (None on a
    Chinese page, for an English original, or where none is stored)."""
    if lang != "en" or not text or text_language(text) != "zh":
        return None
    return translate(text, "en")
