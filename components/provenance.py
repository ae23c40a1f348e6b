"""The one source caption used under every KPI row, chart and table, and the source details.

Data text is escaped before it reaches Markdown: a quote can never become a link, an image (an
outside request) or a Streamlit colour directive.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote as url_quote

import streamlit as st

from metrics.citation import english_rendering, make_citation, shown_note
from metrics.load import Dataset
from metrics.query import ALL_INDUSTRIES, Figure

from components.i18n import t
from components.labels import figure_period_label, format_value, industry_label, region_label

# Beyond this many sources a caption points to the table's source columns instead.
MAX_LISTED_SOURCES = 8
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# Control characters and the bidi embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069): invisible, and a right-to-left override scrambles the text around it.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def md_escape(text: object) -> str:
    """``text`` with every Markdown (and Streamlit directive) character backslash-escaped, line
    breaks as spaces, and control and bidi-override characters removed."""
    text = _INVISIBLE.sub("", str(text)).replace("\n", " ").replace("\t", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _safe_url(url: str) -> str:
    return url_quote(url, safe=":/?&=%#~+,;@!$'*")


def _source_parts(ds: Dataset, source_ids: Iterable[str], lang: str, escape) -> list[str]:
    parts = []
    for sid in dict.fromkeys(source_ids):
        src = ds.source(sid)
        title = f"《{src['title']}》" if lang == "zh" else f"“{src['title']}”"
        publisher = (ds.translation(src["publisher"], "en") if lang == "en" else None
                     ) or src["publisher"]
        text = f"{escape(publisher)} {escape(title)} ({escape(src['date_published'])})"
        if src["tier"] == "C":
            text += f" [{t('repost', lang)}]"
        parts.append(text)
    return parts


def make_source_line(ds: Dataset, source_ids: Iterable[str], lang: str) -> str:
    """'数据来源：青岛日报/观海新闻《…》(2024-07)；…' as escaped Markdown, repost marked."""
    parts = [p.replace(f" [{t('repost', lang)}]", f" **[{t('repost', lang)}]**")
             for p in _source_parts(ds, source_ids, lang, md_escape)]
    return t("source_prefix", lang) + ("；" if lang == "zh" else "; ").join(parts)


def make_plain_source_line(ds: Dataset, source_ids: Iterable[str], lang: str) -> str:
    """The same line as plain text (for a chart image); beyond MAX_LISTED_SOURCES, the count."""
    ids = list(dict.fromkeys(source_ids))
    if len(ids) > MAX_LISTED_SOURCES:
        return t("source_prefix", lang) + t("sources_in_table", lang, n=len(ids))
    return (t("source_prefix", lang)
            + ("；" if lang == "zh" else "; ").join(_source_parts(ds, ids, lang, str)))


def render_source_caption(ds: Dataset, source_ids: Iterable[str], lang: str,
                          extra: str | None = None) -> None:
    """The 'Data source' line under a tile row, chart or table (``extra``: e.g. a gap note)."""
    ids = list(dict.fromkeys(source_ids))
    if not ids:
        if extra:
            st.caption(md_escape(extra))
        return
    line = (make_source_line(ds, ids, lang) if len(ids) <= MAX_LISTED_SOURCES
            else t("source_prefix", lang) + t("sources_in_table", lang, n=len(ids)))
    st.caption(line + (f"  \n{md_escape(extra)}" if extra else ""))


def _md_link(url: str) -> str:
    return f"[{md_escape(url)}]({_safe_url(url)})"


def make_source_lines(ds: Dataset, source_id: str, quote: str, lang: str) -> list[str]:
    """The source details of one figure or target as Markdown list items: publisher as cited
    (metrics.citation: a link to a copy always with its warning, the original linked where
    known), title, date, link and the quoted sentence; on English pages a Chinese title and
    quote with their translations. The one builder of source details."""
    src = ds.source(source_id)
    cit = make_citation(src, lang, ds.translation)
    repost = f" **[{t('repost', lang)}]**" if src["tier"] == "C" else ""
    lines = [f"- {t('publisher', lang)}: {md_escape(cit['publisher'])}{repost}"]
    if cit["warning"]:
        lines.append(f"  - {md_escape(cit['warning'])}")
    lines.append(f"- {t('title', lang)}: {md_escape(src['title'])}")
    title_en = english_rendering(src["title"], lang, ds.translation)
    if title_en:
        lines.append(f"  - {t('translation_label', lang)}: {md_escape(title_en)}")
    lines += [f"- {t('date', lang)}: {md_escape(src['date_published'])}",
              f"- {t('link', lang)}: "
              + (_md_link(cit["link"]) if cit["link"] else t("no_link", lang))]
    if cit["carrier_link"] and not cit["link_is_copy"]:
        lines.append(f"- {t('carrier_page', lang)}: {_md_link(cit['carrier_link'])}")
    lines.append(f"- {t('quote', lang)}: “{md_escape(quote)}”")
    quote_en = english_rendering(quote, lang, ds.translation)
    if quote_en:
        lines.append(f"  - {t('translation_label', lang)}: “{md_escape(quote_en)}”")
    return lines


def make_figure_details(ds: Dataset, fig: Figure, lang: str) -> str:
    """Markdown for one figure: value, period, publisher, title, date, link, quote, derivation."""
    ind = ds.indicator(fig.indicator_id)
    industry = ("" if fig.industry_code == ALL_INDUSTRIES
                else f"{md_escape(industry_label(ds, fig.industry_code, lang))} · ")
    head = (f"**{md_escape(region_label(ds, fig.region_code, lang))} · {industry}"
            f"{md_escape(ind['name_' + lang])} · {md_escape(figure_period_label(fig, ind, lang))}: "
            f"{md_escape(format_value(fig.value, fig.qualifier, ind, lang))}**")
    if fig.status != "published":
        head += f" ({t('status_' + fig.status, lang)})"
    if fig.revised:
        head += f" **[{t('revised_mark', lang)}]**"
    lines = [head, *make_source_lines(ds, fig.source_id, fig.quote, lang)]
    if fig.derivation:
        lines.append(f"- {t('derivation', lang)}: {md_escape(fig.derivation)}")
    # the note in the page's language (its translation where it is written in the other)
    note = shown_note(fig.note, lang, ds.translation)
    if note:
        lines.append(f"- {t('note', lang)}: {md_escape(readable_note(ds, note))}")
    if fig.revised:
        lines += make_vintage_lines(ds, fig, ind, lang)
    return "\n".join(lines)


_SOURCE_ID = re.compile(r"\b[a-z0-9][a-z0-9_-]{5,}\b")


def readable_note(ds: Dataset, note: str) -> str:
    """A note with the source ids it mentions ('also reported by stheadline-2025-12-27-…')
    written as publisher and date, as a reader knows them."""
    def name(match: re.Match) -> str:
        src = ds.sources_by_id.get(match.group(0))
        return f"{src['publisher']} ({src['date_published']})" if src else match.group(0)

    return _SOURCE_ID.sub(name, note)


def make_vintage_lines(ds: Dataset, fig: Figure, ind: dict, lang: str) -> list[str]:
    """What was published before a revision: value, publisher, title, date, and the versions."""
    lines = [f"- {t('vintages_head', lang)}"]
    for _, old in ds.vintages(fig.key).iterrows():
        src = ds.source(old["source_id"])
        value = format_value(old["value"], old["qualifier"], ind, lang)
        lines.append("  - " + md_escape(t(
            "vintage_line", lang, value=value, publisher=src["publisher"], title=src["title"],
            date=src["date_published"], published_in=old["published_in"],
            superseded_in=old["superseded_in"], superseded_on=old["superseded_on"])))
    return lines


def render_source_popover(ds: Dataset, figures: Iterable[Figure | None], lang: str,
                          derivations: Iterable[str] = ()) -> None:
    """A '来源' button opening every figure's details (and derived gaps' arithmetic)."""
    figs = [f for f in figures if f is not None]
    with st.popover(t("source_details", lang), icon=":material/info:"):
        for fig in figs:
            st.markdown(make_figure_details(ds, fig, lang))
        for d in derivations:
            st.markdown(f"- {t('derivation', lang)}: {md_escape(d)}")
