"""The page's brief as two downloads, Word and PDF, made from the page's section models.

The files are made only when a button is clicked (a callable as the button's data): a brief
with charts takes a second or two (chart images, font subsetting), which no page view should
pay for. What goes in is what the page shows: the same models the sections drew.
"""
from __future__ import annotations

import re
from datetime import date

import streamlit as st

from metrics.brief import (WORD_KEYS, BriefFontMissing, find_cjk_font, make_docx_bytes,
                           make_pdf_bytes)
from metrics.load import Dataset
from metrics.section import SectionModel

from components.chart_image import ChartImageUnavailable, make_chart_image_bytes
from components.frame import View, make_pinned_link
from components.i18n import t
from components.print_header import view_filters

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def brief_words(lang: str) -> dict[str, str]:
    return {k: t(f"brief_w_{k}", lang) for k in WORD_KEYS}


def make_brief_images(ds: Dataset, lang: str,
                      models: list[SectionModel]) -> dict[str, bytes | None]:
    """Each charted section's PNG (None for all when no image can be made here)."""
    from components.provenance import make_plain_source_line  # the line the screen shows

    images: dict[str, bytes | None] = {}
    for model in models:
        if model.figure is None:
            continue
        line = make_plain_source_line(ds, model.source_ids, lang)
        try:
            images[model.id] = make_chart_image_bytes(model, "png", line)
        except ChartImageUnavailable:
            return {m.id: None for m in models}
    return images


def brief_file_name(view: View, models: list[SectionModel], ext: str) -> str:
    """'brief_overview_ALL_latest_zh_<version>_<date>.docx': view, filters, language, data
    version, day."""
    page = models[0].id.split("_")[0] if models else "page"
    parts = ["brief", page, view.industry, view.point, view.lang, view.ds.version,
             date.today().isoformat()]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "_".join(parts)) + f".{ext}"


def render_brief_downloads(view: View, title: str, models: list[SectionModel]) -> None:
    """The 'make a brief' row: a Word and a PDF download of the page's sections."""
    lang, ds = view.lang, view.ds
    filters = {**view_filters(ds, lang, view.industry, view.point),
               **(models[0].filters if models else {})}
    brief_title = t("brief_title", lang, page=title)
    sources = {sid: ds.source(sid) for m in models for sid in m.source_ids}
    link = make_pinned_link(view)

    def make(writer) -> bytes:
        return writer(brief_title, lang, filters, ds.version, link, models, sources,
                      words=brief_words(lang), images=make_brief_images(ds, lang, models))

    try:
        find_cjk_font()
        pdf_ok = True
    except BriefFontMissing:
        pdf_ok = False
    # one keyed block (CSS class st-key-dl_brief): the print stylesheet leaves it out
    with st.container(key="dl_brief"):
        st.subheader(t("brief_heading", lang))
        with st.container(horizontal=True):
            st.download_button(t("brief_docx", lang), data=lambda: make(make_docx_bytes),
                               file_name=brief_file_name(view, models, "docx"), mime=MIME_DOCX,
                               key="dl_brief_docx", on_click="ignore",
                               icon=":material/description:", help=t("brief_help", lang))
            if pdf_ok:
                st.download_button(t("brief_pdf", lang), data=lambda: make(make_pdf_bytes),
                                   file_name=brief_file_name(view, models, "pdf"),
                                   mime="application/pdf", key="dl_brief_pdf",
                                   on_click="ignore", icon=":material/picture_as_pdf:",
                                   help=t("brief_help", lang))
        if not pdf_ok:
            st.caption(t("brief_pdf_unavailable", lang))
