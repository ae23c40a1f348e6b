"""The one renderer of a section model: chart, its text alternative for screen readers, table,
the one source caption, source details, and the downloads (CSV, Excel, chart image).

What is drawn and what is downloaded are the same model (``metrics/section.py``), so they cannot
differ. Every download button sits in a container keyed ``dl_<key>`` (CSS class
``st-key-dl_<key>``) that the print stylesheet hides.
"""
from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.export import export_file_stem, make_csv_bytes, make_xlsx_bytes, XLSX_WORDS
from metrics.memo import per_version
from metrics.query import Figure
from metrics.section import SectionModel

from components.a11y import render_sr_only
from components.i18n import t
from components.print_table import render_print_table
from components.provenance import (make_plain_source_line, md_escape, render_source_caption,
                                   render_source_popover)
from components.tables import for_display

# The chart-image module (kaleido) is optional: without it the section offers CSV and Excel.
HAS_CHART_IMAGE = importlib.util.find_spec("components.chart_image") is not None
# Rows a chart's text alternative reads out; a longer chart points to the table.
MAX_SPOKEN_ROWS = 40
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_context(view, model: SectionModel) -> dict[str, str]:
    """The columns recorded beside exported rows: the filters in words and the data version."""
    lang = view.lang
    return {t("col_filters", lang): "; ".join(f"{k}={v}" for k, v in model.filters.items()),
            t("col_data_version", lang): model.data_version}


def file_stem(model: SectionModel) -> str:
    """The download's name: view, indicator, filters, data version and today's date."""
    return export_file_stem(*model.stem, version=model.data_version,
                            day=date.today().isoformat())


def view_link(model: SectionModel) -> str:
    """The view's full address where the browser told it, else the model's own link."""
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(dict(st.query_params.items()))}" if base else model.link


def make_text_alternative(view, model: SectionModel) -> str:
    """The chart's values as one sentence per figure, for screen readers (plain text: it is
    escaped where it is drawn, components/a11y.py)."""
    return _text_alternative(model, view.lang)


@per_version
def _text_alternative(model: SectionModel, lang: str) -> str:
    rows = model.rows
    if rows.empty or "value" not in rows.columns:
        return ""
    lines = []
    for r in rows.head(MAX_SPOKEN_ROWS).to_dict("records"):
        if pd.isna(r["value"]):
            continue
        value = f"{r.get('qualifier') or ''}{'' if lang == 'zh' else ' '}{r['value']:g}".strip()
        unit = r.get("unit") or ""
        industry = f" · {r['industry']}" if r.get("industry") else ""
        lines.append(t("sr_row", lang, region=r.get("region", ""), industry=industry,
                       period=r.get("period", ""), value=f"{value}{unit}"
                       if unit in ("%", "") or lang == "zh" else f"{value} {unit}"))
    head = t("sr_chart_summary", lang, title=model.title, n=len(rows))
    sep = "；" if lang == "zh" else "; "
    return head + " " + sep.join(lines)


@per_version
def make_plotly_figure(model: SectionModel) -> go.Figure:
    """The model's figure as a plotly Figure (validated once; shared read-only: streamlit only
    serialises it)."""
    return go.Figure(model.figure)


@per_version
def make_display_frame(model: SectionModel) -> pd.DataFrame:
    """The model's rows as the screen shows them (labels, numbers as published)."""
    return for_display(model.labelled())


@per_version
def make_section_csv(model: SectionModel, context: dict[str, str]) -> bytes:
    """The section's CSV (BOM, numbers as numbers, text neutralised), with ``context`` columns."""
    return make_csv_bytes(model.labelled(), context)


def render_downloads(view, model: SectionModel, key: str) -> None:
    """CSV, Excel, and for a chart PNG and SVG (made only when clicked), in one row."""
    lang, ds = view.lang, view.ds
    stem = file_stem(model)
    context = export_context(view, model)
    made = date.today().isoformat()

    linked = replace(model, link=view_link(model))  # read now: the file is made on click

    def xlsx() -> bytes:
        words = {k: t(f"xlsx_{k}", lang) for k in XLSX_WORDS}
        sources = [{**ds.source(s), "source_id": s} for s in model.source_ids]
        return make_xlsx_bytes(linked, sources, words=words, made_on=made)

    # The CSV is made once per data version and view (kept), and given to the button as bytes:
    # a rerun only hands the same bytes over again, and the file is served at once on a click.
    # The other files are made when clicked (a callable). Streamlit serves a file made on click
    # only until two other runs have finished, so under load a click may have to be repeated.
    buttons = [(t("download_csv", lang), make_section_csv(model, context), "csv",
                "text/csv", ":material/download:", t("download_help", lang)),
               (t("download_xlsx", lang), xlsx, "xlsx", MIME_XLSX, ":material/table_view:",
                t("download_xlsx_help", lang))]
    if model.figure is not None and HAS_CHART_IMAGE:
        from components.chart_image import chart_images_available, make_chart_image_bytes

        line = make_plain_source_line(ds, model.source_ids, lang)
        # no chromium here: no image buttons (a click would only meet an error)
        formats = (("png", "image/png"), ("svg", "image/svg+xml"))
        for fmt, mime in formats if chart_images_available() else ():
            buttons.append((t(f"download_{fmt}", lang),
                            lambda fmt=fmt: make_chart_image_bytes(model, fmt, line), fmt, mime,
                            ":material/image:", None))
    with st.container(key=f"dl_{key}", horizontal=True):
        for label, data, ext, mime, icon, help_text in buttons:
            st.download_button(label, data=data, file_name=f"{stem}.{ext}", mime=mime,
                               key=f"dl_{key}_{ext}", help=help_text, on_click="ignore",
                               icon=icon)


def render_section(view, model: SectionModel, *, key: str, heading: bool = False,
                   show_chart: bool = True, chart_kwargs: dict | None = None,
                   table: str = "shown", details: Sequence[Figure | None] = (),
                   derivations: Iterable[str] = (), downloads: bool = True,
                   column_config: dict | None = None) -> None:
    """Draw ``model``: heading, intro, chart and its text alternative, source details,
    table (``table``: 'shown', 'expander', 'expanded' or 'hidden'), the source caption with
    the model's notes, and the downloads."""
    lang = view.lang
    if heading:
        st.subheader(md_escape(model.title))
    if model.intro:
        st.caption(md_escape(model.intro))
    if show_chart and model.figure is not None:
        # A Figure, not the dict: streamlit refuses a dict with no traces (an empty chart).
        st.plotly_chart(make_plotly_figure(model), key=f"{key}_chart", **(chart_kwargs or {}))
        render_sr_only(make_text_alternative(view, model))
    if any(f is not None for f in details):
        render_source_popover(view.ds, details, lang, derivations)
    if table != "hidden":
        config = {c.label: st.column_config.LinkColumn() for c in model.columns if c.kind == "url"}
        frame = make_display_frame(model)
        if table == "shown":
            st.dataframe(frame, hide_index=True, column_config={**config, **(column_config or {})})
            render_print_table(model)  # the grid's printed twin: every row, page-wide
        else:
            with st.expander(t("h_table", lang), expanded=table == "expanded"):
                st.dataframe(frame, hide_index=True,
                             column_config={**config, **(column_config or {})})
                render_print_table(model)
    render_source_caption(view.ds, model.source_ids, lang,
                          " ".join(model.notes) if model.notes else None)
    if downloads and not model.empty:
        render_downloads(view, model, key)
