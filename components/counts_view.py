"""Render pieces shared by the 数字化转型 and 创新能力 pages: count tiles with their as-of date,
context and source; count sections; timelines; named entities (the 目标进度 page's pieces are in
components/targets_view.py).

Count tiles are drawn by the one tile card (components/kpi.render_tile_card); sections' rows are
built in metrics/sections/counts.py and drawn by the one section renderer.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from metrics.counts import ENTITY_COUNTS, Context, CountTile, SectionCounts
from metrics.derive import format_number
from metrics.load import Dataset
from metrics.query import ALL_INDUSTRIES, CITY, Figure, latest_figure
from metrics.sections.counts import build_entities_section, build_timeline_section, count_text
from metrics.sections.entities import entity_columns, make_entity_rows
from metrics.sections.entities import entity_product  # noqa: F401  (read by the tests)

from components.i18n import t
from components.kpi import render_in_rows, render_tile_card
from components.labels import (figure_period_label, format_value, industry_label, region_label,
                               unit_label)
from components.provenance import render_source_caption
from components.section import render_section
from components.section_labels import make_labeller



# --- values and context lines ------------------------------------------------------------------

def value_text(ds: Dataset, fig: Figure, lang: str) -> str:
    """The figure as shown on a tile: '90.9%', '39家', 'No. 2' for a rank, '5,000+ scenarios'."""
    return count_text(make_labeller(ds, lang), fig, ds.indicator(fig.indicator_id))


def tile_label(ds: Dataset, tile: CountTile, lang: str) -> str:
    """The indicator's name, with the region for context-only tiles ('全国 · …')."""
    name = ds.name("indicators", tile.indicator_id, lang)
    if tile.figure.region_code != CITY:
        name = f"{region_label(ds, tile.figure.region_code, lang)} · {name}"
    return name


def make_context_line(ds: Dataset, ctx: Context, lang: str) -> str:
    """'山东 22家（截至2025年1月）：青岛占36.4%', or the two side by side when no share is
    derivable (another date, a bound, an approximation)."""
    fig = ctx.figure
    ind = ds.indicator(fig.indicator_id)
    args = dict(region=region_label(ds, fig.region_code, lang), value=value_text(ds, fig, lang),
                period=figure_period_label(fig, ind, lang))
    if ctx.share_pct is not None:
        return t("digital_ctx_share", lang, share=format_number(ctx.share_pct), **args)
    if ctx.gap is not None:
        return t("digital_ctx_gap", lang, gap=ctx.gap.signed(), **args)
    if ctx.same_period and ctx.inferred:
        return t("digital_ctx_inferred", lang, **args)
    if ctx.same_period and ctx.bound:
        return t("digital_ctx_bound", lang, **args)
    if ctx.same_period:
        return t("digital_ctx_same", lang, **args)
    return t("digital_ctx_other_date", lang, **args)


# --- tiles and sections ----------------------------------------------------------------------

def unit_in_name(name: str, unit: str) -> bool:
    """True when the name already says the unit ('Smart factories' and 'factories'), so that
    the tile does not print it twice ('Smart factories (factories)')."""
    words = [w for w in re.findall(r"[a-z]+", unit.lower()) if w not in ("and", "of")]
    return bool(words) and all(w in name.lower() for w in words)


def tile_heading(name: str, unit: str, kind: str, lang: str) -> str:
    """A count tile's heading: the name, and the unit in brackets where it adds something
    ('智能工厂数量（家）', 'Smart factories', 'Provincial first-set equipment (products)')."""
    if unit == "%" or kind == "rank" or (lang == "en" and unit_in_name(name, unit)):
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def render_count_tile(view, tile: CountTile) -> None:
    """One bordered tile: name and unit, value, as-of date, scope, context lines, and the
    source one click away. The name is written above the value (a metric label would cut a
    long indicator name short)."""
    lang, ds = view.lang, view.ds
    fig = tile.figure
    ind = ds.indicator(fig.indicator_id)
    unit = unit_label(ind, lang)
    label = tile_heading(tile_label(ds, tile, lang), unit, ind["kind"], lang)
    if ind["kind"] == "rank":
        value = value_text(ds, fig, lang)
    else:
        value = format_value(fig.value, fig.qualifier, ind, lang, with_unit=unit == "%")
    lines = [t("digital_context_only", lang)] if tile.context_only else []
    lines += [t("digital_city_wide", lang)] if tile.city_wide else []
    lines += [make_context_line(ds, ctx, lang) for ctx in tile.context]
    render_tile_card(view, fig, label, value, lines, tile.figures(),
                     [c.derivation for c in tile.context if c.derivation])


def render_tiles(view, tiles: Sequence[CountTile]) -> None:
    """Count tiles in the same grid as the overview's headline tiles."""
    render_in_rows(tiles, lambda tile: render_count_tile(view, tile))


def render_count_section(view, counts: SectionCounts, heading: str, intro: str = "") -> None:
    """A section: heading, its tiles, the indicators not yet published, one source caption."""
    lang, ds = view.lang, view.ds
    st.subheader(heading)
    if intro:
        st.caption(intro)
    render_tiles(view, counts.all_tiles())
    if counts.missing:
        names = "、".join if lang == "zh" else "; ".join
        st.caption(t("digital_missing", lang, names=names(
            ds.name("indicators", i, lang) for i in counts.missing)))
    if not counts.all_tiles():
        st.info(t("digital_section_empty", lang), icon=":material/search_off:")
    extra = t("digital_share_note", lang) if any(
        c.derivation for x in counts.tiles for c in x.context) else None
    render_source_caption(ds, counts.source_ids(), lang, extra)


# --- timelines and named entities -------------------------------------------------------------

def render_timeline(view, page: str, indicator_id: str, section: str):
    """A count's timeline (Qingdao, Shandong, China as of the chosen point) through the one
    section renderer; returns its model."""
    model = build_timeline_section(make_labeller(view.ds, view.lang), page, view.obs,
                                   indicator_id, section, view.industry, view.point,
                                   view.up_to)
    render_section(view, model, key=f"{page}_timeline_{indicator_id}", table="expander")
    return model


def make_entity_table(ds: Dataset, entities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The one entity table (metrics/sections/entities.py) with headers in ``lang``; an entity
    with no district is 'not stated in the source'."""
    lab = make_labeller(ds, lang)
    rows = make_entity_rows(lab, entities, "digital_no_district")
    return rows.set_axis([c.label for c in entity_columns(lab)], axis=1)


def render_entities(view, page: str, entity_types: tuple[str, ...], title: str,
                    extra_filters=()):
    """The named entities of ``entity_types`` as of the chosen point and industry: how many are
    named against the published count, then the section (table, sources, downloads); returns
    its model."""
    lang, ds = view.lang, view.ds
    model, sel = build_entities_section(make_labeller(ds, lang), page, entity_types, title,
                                        view.industry, view.point, view.up_to, extra_filters)
    for etype in entity_types:
        named = int((sel.rows["entity_type"] == etype).sum())
        count_id = ENTITY_COUNTS.get(etype)
        fig = (latest_figure(view.obs, count_id, CITY, ALL_INDUSTRIES, view.up_to)
               if count_id else None)
        if fig is not None and view.industry == ALL_INDUSTRIES and named != fig.value:
            ind = ds.indicator(count_id)
            st.caption(t("digital_named_of", lang, named=named,
                         type=t(f"digital_etype_{etype}", lang),
                         count=value_text(ds, fig, lang), indicator=ind[f"name_{lang}"],
                         period=figure_period_label(fig, ind, lang)))
    if model.empty:
        st.info(t("digital_no_entities", lang,
                  industry=industry_label(ds, view.industry, lang)), icon=":material/search_off:")
    render_section(view, model, key=f"{page}_entities_{'-'.join(entity_types)}")
    return model
