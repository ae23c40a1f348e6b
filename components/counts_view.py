"""Render pieces shared by the 数字化转型, 创新能力 and 目标进度 pages: count tiles with their
as-of date, context and source; count sections; timelines; named entities; target cards.

Tiles follow components/kpi.py's style (bordered st.metric, period caption, source popover).
Pure table builders (``make_*_table``) return what is shown and exported.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from metrics.counts import (ENTITY_COUNTS, TIMELINE_REGIONS, Context, CountTile, SectionCounts,
                            derive_entities, derive_timeline)
from metrics.derive import format_number
from metrics.load import Dataset
from metrics.progress import Progress
from metrics.query import CITY, Figure, latest_figure

from components.i18n import t
from components.kpi import render_in_rows
from components.labels import (figure_industry_label, figure_period_label, format_value, industry_label,
                               region_label, unit_label)
from components.progress_charts import make_progress_chart, make_timeline_chart
from components.provenance import (make_figure_details, make_source_lines, md_escape,
                                  render_source_caption, render_source_popover)
from components.tables import for_display, make_figure_table

_PRODUCT = re.compile(r"^Product: ([^.;]+)")


# --- values and context lines ------------------------------------------------------------------

def value_text(ds: Dataset, fig: Figure, lang: str) -> str:
    """The figure as shown on a tile: '90.9%', '39家', 'No. 2' for a rank, '5,000+ scenarios'."""
    ind = ds.indicator(fig.indicator_id)
    if ind["kind"] == "rank":
        return t("digital_rank_value", lang, v=format_number(fig.value))
    return format_value(fig.value, fig.qualifier, ind, lang)


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
    with st.container(border=True):
        st.markdown(f"**{md_escape(label)}**")
        st.metric(label, value, label_visibility="collapsed")
        status = "" if fig.status == "published" else f" · {t('status_' + fig.status, lang)}"
        st.caption(f"{figure_period_label(fig, ind, lang)}{status}")
        if tile.context_only:
            st.caption(t("digital_context_only", lang))
        if tile.city_wide:
            st.caption(t("digital_city_wide", lang))
        for ctx in tile.context:
            st.caption(make_context_line(ds, ctx, lang))
        render_source_popover(ds, tile.figures(), lang,
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


def make_counts_table(ds: Dataset, sections: Sequence[SectionCounts], section_names: dict,
                      lang: str) -> pd.DataFrame:
    """Every tile's figure and context figure, one row each, with the section, Qingdao's share
    of the benchmark (when derived) and the full source."""
    rows, extra = [], []
    for counts in sections:
        for tile in counts.all_tiles():
            rows.append((tile.figure, None))
            extra.append((section_names[counts.section.key], None, ""))
            for ctx in tile.context:
                rows.append((ctx.figure, ctx.gap))
                extra.append((section_names[counts.section.key], ctx.share_pct,
                              ctx.derivation or ""))
    table = make_figure_table(ds, rows, lang)
    table.insert(0, t("digital_col_section", lang), [e[0] for e in extra])
    share_col = t("digital_col_share", lang)
    table.insert(table.columns.get_loc(t("col_gap", lang)), share_col,
                 pd.Series([e[1] for e in extra], dtype="float64"))
    der = t("col_derivation", lang)
    table[der] = [e[2] or d for e, d in zip(extra, table[der])]
    return table


# --- timelines -------------------------------------------------------------------------------

def make_timeline_points(ds: Dataset, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's points: value label (with '~' or '+' for bounds) and hover with the source."""
    if rows.empty:
        return rows.assign(text=[], hover=[], derived=[])
    ind = ds.indicator(rows["indicator_id"].iloc[0])
    texts, hovers = [], []
    for _, r in rows.iterrows():
        fig = Figure.from_row(r)
        src = ds.source(fig.source_id)
        texts.append(format_value(fig.value, fig.qualifier, ind, lang, with_unit=False))
        status = "" if fig.status == "published" else f" ({t('status_' + fig.status, lang)})"
        hovers.append(f"{region_label(ds, fig.region_code, lang)} · "
                      f"{figure_period_label(fig, ind, lang)}: {value_text(ds, fig, lang)}{status}"
                      f"<br>{src['publisher']} ({src['date_published']})")
    return rows.assign(text=texts, hover=hovers, derived=list(rows["status"] == "derived"))


def render_timeline(view, indicator_id: str, key: str) -> tuple[pd.DataFrame, list[str]]:
    """A count's timeline (Qingdao, Shandong, China as of the chosen point), its table and
    sources; returns the table and the source ids."""
    lang, ds = view.lang, view.ds
    ind = ds.indicator(indicator_id)
    rows = derive_timeline(view.obs, indicator_id, view.up_to)
    points = make_timeline_points(ds, rows, lang)
    names = {c: region_label(ds, c, lang) for c in TIMELINE_REGIONS}
    unit = unit_label(ind, lang)
    st.plotly_chart(make_timeline_chart(
        points, region_names=names,
        title=t("digital_timeline_title", lang, indicator=ind[f"name_{lang}"], unit=unit),
        y_title=unit), key=f"{key}_{indicator_id}")
    figs = [Figure.from_row(r) for _, r in rows.iterrows()]
    table = make_figure_table(ds, [(f, None) for f in figs], lang)
    with st.expander(t("h_table", lang)):
        st.dataframe(for_display(table), hide_index=True)
    source_ids = [f.source_id for f in figs]
    notes = [t("digital_timeline_note", lang)]
    if any(f.status == "derived" for f in figs):
        notes.append(t("digital_timeline_derived", lang))
    if view.industry != "ALL":
        notes.append(t("digital_city_wide", lang))
    render_source_caption(ds, source_ids, lang, " ".join(notes))
    return table, source_ids


# --- named entities ----------------------------------------------------------------------------

def entity_product(note: str | None) -> str:
    """The product named in an entity's note ('Product: refrigerators. …'), else ''."""
    match = _PRODUCT.match(note or "")
    return match.group(1).strip() if match else ""


def make_entity_table(ds: Dataset, entities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per entity: type, name, level, industries, district, year, product, source."""
    records = []
    for _, e in entities.iterrows():
        src = ds.source(e["source_id"])
        records.append([
            t(f"digital_etype_{e['entity_type']}", lang), e[f"name_{lang}"],
            t(f"digital_level_{e['level']}", lang),
            "; ".join(industry_label(ds, c, lang) for c in e["industry_codes"])
            or t("digital_no_industry", lang),
            region_label(ds, e["district_code"], lang) if e["district_code"]
            else t("digital_no_district", lang),
            "" if pd.isna(e["year"]) else str(int(e["year"])), entity_product(e["note"]),
            src["publisher"], src["title"], src["date_published"], src["url"] or "", src["tier"],
            e["quote"], e["note"] or ""])
    cols = ["digital_col_etype", "digital_col_name", "digital_col_level", "col_industry",
            "digital_col_district", "digital_col_year", "digital_col_product", "col_publisher",
            "col_source_title", "col_source_date", "col_url", "col_tier", "col_quote", "note"]
    return pd.DataFrame(records, columns=[t(c, lang) for c in cols])


def render_entities(view, entity_types: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """The named entities of ``entity_types`` as of the chosen point and industry: how many are
    named against the published count, the table, and its sources."""
    lang, ds = view.lang, view.ds
    sel = derive_entities(ds, entity_types, view.industry, view.up_to)
    for etype in entity_types:
        named = int((sel.rows["entity_type"] == etype).sum())
        count_id = ENTITY_COUNTS.get(etype)
        fig = latest_figure(view.obs, count_id, CITY, "ALL", view.up_to) if count_id else None
        if fig is not None and view.industry == "ALL" and named != fig.value:
            ind = ds.indicator(count_id)
            st.caption(t("digital_named_of", lang, named=named,
                         type=t(f"digital_etype_{etype}", lang),
                         count=value_text(ds, fig, lang), indicator=ind[f"name_{lang}"],
                         period=figure_period_label(fig, ind, lang)))
    table = make_entity_table(ds, sel.rows, lang)
    if sel.rows.empty:
        st.info(t("digital_no_entities", lang,
                  industry=industry_label(ds, view.industry, lang)), icon=":material/search_off:")
    else:
        st.dataframe(for_display(table), hide_index=True,
                     column_config={t("col_url", lang): st.column_config.LinkColumn()})
    notes = []
    if sel.later:
        notes.append(t("digital_entities_later", lang, n=sel.later))
    if sel.without_codes:
        notes.append(t("digital_entities_no_codes", lang, n=sel.without_codes))
    if view.industry in ("HT", "EQ"):
        notes.append(t("digital_entities_groups", lang))
    for note in notes:
        st.caption(note)
    source_ids = list(sel.rows["source_id"])
    render_source_caption(ds, source_ids, lang, t("digital_entities_note", lang))
    return table, source_ids


# --- targets -----------------------------------------------------------------------------------

# Comparators as printed in tables and CSV: signs, not ASCII ('=' would open a spreadsheet
# formula and be exported as "'=").
COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "=": "＝"}

def target_value_text(ds: Dataset, target_row: dict, lang: str) -> str:
    """The target as written: '12%以上' / '12 % or more', '超过1,300亿元' / 'more than 1,300 …'."""
    ind = ds.indicator(target_row["indicator_id"])
    value = format_value(target_row["target_value"], "", ind, lang)
    key = {">=": "targets_cmp_ge", ">": "targets_cmp_gt", "<=": "targets_cmp_le",
           "=": "targets_cmp_eq"}[target_row["comparator"]]
    return t(key, lang, v=value)


def amount_text(ds: Dataset, indicator_id: str, amount: float, lang: str) -> str:
    """A gap or pace in the indicator's unit; 百分点 / pp for percentages."""
    ind = ds.indicator(indicator_id)
    amount = round(amount, 1) + 0.0
    if unit_label(ind, lang) == "%":
        return t("targets_pp", lang, v=format_number(amount))
    return format_value(amount, "", ind, lang)


def target_period_text(p: Progress, lang: str) -> str:
    """'2024年' for a target of one year, '2026年前' / 'by 2026' for a level to reach by then."""
    key = "targets_period_in" if p.target.within_year else "targets_period_by"
    return t(key, lang, year=p.target.deadline_end // 100)


def target_row(ds: Dataset, target_id: str) -> dict:
    """The targets row of ``target_id`` as a dict."""
    tg = ds["targets"]
    return tg[tg["target_id"] == target_id].iloc[0].to_dict()


def make_target_details(ds: Dataset, row: dict, lang: str) -> str:
    """Markdown for a target's source: publisher, title, date, link, quote, note."""
    lines = [f"**{md_escape(row['description_' + lang])}**",
             *make_source_lines(ds, row["source_id"], row["quote"], lang)]
    if row.get("note"):
        lines.append(f"- {t('note', lang)}: {md_escape(row['note'])}")
    return "\n".join(lines)


def progress_lines(ds: Dataset, p: Progress, lang: str) -> list[str]:
    """The sentences under a target: actual, state, gap, pace, or why there is none (the share
    done is the card's progress bar)."""
    tg = p.target
    if p.actual is None:
        return [t("targets_no_actual_line", lang)]
    ind = ds.indicator(tg.indicator_id)
    lines = [t("targets_actual_line", lang, value=value_text(ds, p.actual, lang),
               period=figure_period_label(p.actual, ind, lang))]
    lines.append(t(f"targets_state_{p.state}", lang))
    if p.gap and p.state != "met":
        lines.append(t("targets_gap_line", lang, gap=amount_text(ds, tg.indicator_id, p.gap, lang)))
    if p.pace is not None:
        lines.append(t(f"targets_pace_{p.pace_unit}", lang, n=p.remaining,
                       pace=amount_text(ds, tg.indicator_id, p.pace, lang)))
    elif p.state != "met" and tg.within_year and p.remaining == 0:
        lines.append(t("targets_year_closed", lang))
    return lines


def render_target_card(view, p: Progress) -> None:
    """One bordered card: the target, its period, its progress (a bar only with an actual)."""
    lang, ds = view.lang, view.ds
    row = target_row(ds, p.target.target_id)
    ind = ds.indicator(p.target.indicator_id)
    with st.container(border=True):
        st.markdown(f"**{md_escape(row['description_' + lang])}**")
        st.caption(t("targets_card_meta", lang, indicator=ind[f"name_{lang}"],
                     target=target_value_text(ds, row, lang),
                     period=target_period_text(p, lang),
                     industry=figure_industry_label(ds, p.target.industry_code, ind, lang)))
        if p.share_done is not None:
            st.progress(min(p.share_done, 100.0) / 100,
                        text=t("targets_share_line", lang, share=format_number(p.share_done)))
        for line in progress_lines(ds, p, lang):
            st.caption(line)
        if view.industry not in ("ALL", p.target.industry_code):
            st.caption(t("targets_city_wide_all", lang) if p.target.industry_code == "ALL"
                       else t("targets_city_wide", lang,
                              industry=industry_label(ds, p.target.industry_code, lang)))
        with st.popover(t("source_details", lang), icon=":material/info:"):
            st.markdown(make_target_details(ds, row, lang))
            if p.actual is not None:
                st.markdown(make_figure_details(ds, p.actual, lang))


def make_targets_table(ds: Dataset, progress: Sequence[Progress], lang: str) -> pd.DataFrame:
    """One row per target: what, by when, target, actual (or none), state, share, gap, pace,
    and the target's source."""
    records = []
    for p in progress:
        row = target_row(ds, p.target.target_id)
        ind = ds.indicator(p.target.indicator_id)
        src = ds.source(row["source_id"])
        a = p.actual
        records.append([
            row[f"description_{lang}"], ind[f"name_{lang}"],
            region_label(ds, p.target.region_code, lang),
            figure_industry_label(ds, p.target.industry_code, ind, lang),
            target_period_text(p, lang),
            COMPARATOR_SIGNS[p.target.comparator], p.target.target_value, unit_label(ind, lang),
            None if a is None else a.value, "" if a is None else a.qualifier,
            "" if a is None else figure_period_label(a, ind, lang),
            t(f"targets_state_short_{p.state}", lang), p.share_done, p.gap, p.pace,
            "" if p.pace_unit is None else t(f"targets_per_{p.pace_unit}", lang),
            src["publisher"], src["title"], src["date_published"], src["url"] or "", src["tier"],
            row["quote"], "" if a is None else ds.source(a.source_id)["title"]])
    cols = ["targets_col_target", "col_indicator", "col_region", "col_industry",
            "targets_col_deadline", "targets_col_comparator", "targets_col_value", "col_unit",
            "targets_col_actual", "col_qualifier", "targets_col_actual_period",
            "targets_col_state", "targets_col_share", "targets_col_gap", "targets_col_pace",
            "targets_col_pace_unit", "col_publisher", "col_source_title", "col_source_date",
            "col_url", "col_tier", "col_quote", "targets_col_actual_source"]
    table = pd.DataFrame(records, columns=[t(c, lang) for c in cols])
    for c in ("targets_col_value", "targets_col_actual", "targets_col_share", "targets_col_gap",
              "targets_col_pace"):
        table[t(c, lang)] = table[t(c, lang)].astype("float64")
    return table


def render_progress_chart(view, progress: Sequence[Progress]) -> None:
    """The bars of share done for the targets that have an actual; rows without one say so."""
    lang, ds = view.lang, view.ds
    rows = []
    for p in progress:
        row = target_row(ds, p.target.target_id)
        if p.actual is None:
            text = t("targets_no_actual_short", lang)
        elif p.share_done is None:
            text = t("targets_rate_no_bar", lang, value=value_text(ds, p.actual, lang),
                     target=target_value_text(ds, row, lang))
        else:
            text = t("targets_bar_text", lang, share=format_number(p.share_done),
                     value=value_text(ds, p.actual, lang))
        rows.append({"label": row[f"description_{lang}"], "share": p.share_done, "text": text})
    st.plotly_chart(make_progress_chart(rows, title=t("targets_chart_title", lang),
                                        x_title=t("targets_chart_x", lang),
                                        target_line_text=t("targets_chart_line", lang)),
                    key="targets_chart")
