"""Pieces of the 产业集群 (Cluster map) page: the cached boundaries, the choices, the map with its
click-to-select, the district card, and pure builders of the tables shown and exported.

Clicking a district: ``st.plotly_chart(on_select=..., selection_mode="points")`` reports, in
streamlit 1.67, a selection whose points carry the clicked polygon's ``location`` (its GB/T 2260
code) for a ``Choroplethmap`` (checked in Chromium). The callback copies it into the URL-kept
district, the same state as the District select box, which works everywhere (also where a map
click does not, e.g. keyboard use).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.clusters import (ANY, BOUNDARY_CREDIT, ENTITY_TYPES, LEVELS,
                              district_label_points, entity_publication_dates,
                              count_recognised_after, default_figure_indicator,
                              default_figure_period, district_figures, figure_indicators,
                              figure_industry, figure_periods, filter_entities,
                              load_district_geojson)
from metrics.load import Dataset
from metrics.memo import per_version
from metrics.query import ALL_INDUSTRIES, LATEST
from metrics.sections.base import with_figure
from metrics.sections.clusters import (build_cluster_entities_section,
                                      build_district_counts_section,
                                      build_district_figures_section)
from metrics.sections.entities import entity_columns, make_entity_rows

from components import keys
from components.a11y import render_sr_only
from components.i18n import t
from components.labels import (figure_industry_label, figure_period_label, format_value,
                               industry_label, period_label, point_label, region_label,
                               unit_label)
from components.map_charts import make_district_map_chart
from components.provenance import md_escape, render_source_caption, render_source_popover
from components.state import (render_url_segmented, render_url_selectbox, set_url_value,
                              url_value)
from components.section import render_section
from components.section_labels import make_labeller

MEASURES = ("count", "figure")
# Widget key of the map: its selection lives in the session only, the district in the URL.
MAP_CHART_KEY = "clusters_map_chart"
# The map's view is fixed (its labels are pinned to it): no buttons to zoom, pan or reset it.
MAP_CONFIG = {"scrollZoom": False, "displaylogo": False,
              "modeBarButtonsToRemove": ["pan2d", "select2d", "lasso2d", "zoomInMap",
                                         "zoomOutMap", "resetViewMap"]}
# Beyond this many figures the card's list scrolls in a box of this height (px).
CARD_LIST_MAX = 8
CARD_LIST_HEIGHT = 320


@functools.lru_cache(maxsize=1)
def get_district_geojson() -> dict:
    """The bundled district boundaries (83 KB), read once per process and shared read-only (not
    st.cache_data, which copies it on every hit); DataError is not cached."""
    return load_district_geojson()


@functools.lru_cache(maxsize=1)
def get_label_points() -> dict[str, tuple[float, float]]:
    """Where each district's name is written on the map, from the bundled boundaries."""
    return district_label_points(load_district_geojson())


def short_district_name(ds: Dataset, code: str, lang: str) -> str:
    """The name as written on the map: '黄岛区', 'Huangdao' (no bracket, no 'District')."""
    name = region_label(ds, code, lang).split("(")[0].split("（")[0].strip()
    if lang == "en":
        for suffix in (" District", " City"):
            name = name.removesuffix(suffix)
    return name


@dataclass(frozen=True)
class MapChoice:
    """What the official chose on the page (all of it kept in the URL)."""

    measure: str
    entity_type: str
    level: str
    district: str
    figure_industry: str
    indicator: str | None
    period: str | None


def type_label(code: str, lang: str) -> str:
    """'产业集群' / 'Industrial cluster'; ``all`` is 'all types'."""
    return t("clusters_all_types" if code == ANY else f"clusters_type_{code}", lang)


def level_label(code: str, lang: str) -> str:
    """'国家级' / 'National'; ``all`` is 'all levels'."""
    return t("clusters_all_levels" if code == ANY else f"clusters_level_{code}", lang)


def entity_industry_label(ds: Dataset, code: str, lang: str) -> str:
    """The industry filter as it applies to entities: ALL means every industry, tagged or not."""
    return (t("clusters_all_industries", lang) if code == ALL_INDUSTRIES
            else industry_label(ds, code, lang))


def point_text(view) -> str:
    """The point in time of an entity count, as chosen in the sidebar (a month end or a year)."""
    if view.point == LATEST or view.up_to is None:
        return t("clusters_point_latest", view.lang)
    return t("clusters_point_year", view.lang, year=point_label(view.point, view.lang))


def render_map_controls(view, districts: list[str]) -> MapChoice:
    """Measure, then what applies to it: for entity counts the level and the entity type, for
    a published district figure the indicator and its period; the district for both. Filters
    that would change nothing in the chosen measure are not shown (their choice is kept for
    when the official switches back) and count as 'all'."""
    lang, ds, obs = view.lang, view.ds, view.obs
    c1, c2 = st.columns([2, 3])
    measure = render_url_segmented(c1, t("clusters_measure", lang), keys.MAP_MEASURE, MEASURES,
                                   "count", lambda m: t(f"clusters_measure_{m}", lang))
    industry = figure_industry(obs, districts, view.industry, view.up_to)
    indicators = figure_indicators(obs, districts, industry, view.up_to)
    by_figure = measure == "figure" and bool(indicators)
    level = etype = ANY
    if by_figure:
        # Hidden, but still read: a link's value is checked, and kept for the way back.
        url_value(keys.MAP_LEVEL, (ANY, *LEVELS), ANY)
        url_value(keys.MAP_ENTITY_TYPE, (ANY, *ENTITY_TYPES), ANY)
        c3, c5, c6 = st.columns([2.6, 3, 2])
    else:
        level = render_url_segmented(c2, t("clusters_level", lang), keys.MAP_LEVEL,
                                     (ANY, *LEVELS), ANY, lambda v: level_label(v, lang))
        c3, c4, _ = st.columns([2.6, 2.6, 2.4])
        etype = render_url_selectbox(c4, t("clusters_type", lang), keys.MAP_ENTITY_TYPE,
                                     (ANY, *ENTITY_TYPES), ANY, lambda v: type_label(v, lang))
    district = render_url_selectbox(
        c3, t("clusters_district", lang), keys.MAP_DISTRICT, (ANY, *districts), ANY,
        lambda c: t("clusters_all_districts", lang) if c == ANY else region_label(ds, c, lang),
        t("clusters_click_help", lang))
    indicator = period = None
    if by_figure:
        default = default_figure_indicator(obs, districts, industry, view.up_to)
        indicator = render_url_selectbox(c5, t("clusters_figure", lang), keys.MAP_FIGURE,
                                         indicators, default,
                                         lambda i: ds.name("indicators", i, lang))
        ind = ds.indicator(indicator)
        period = render_url_selectbox(
            c6, t("clusters_figure_period", lang), keys.MAP_FIGURE_PERIOD,
            figure_periods(obs, districts, indicator, industry, view.up_to),
            default_figure_period(obs, districts, indicator, industry, view.up_to),
            lambda p: period_label(p, ind, lang))
    return MapChoice(measure, etype, level, district, industry, indicator, period)


def render_filter_notes(view, choice: MapChoice, all_entities: pd.DataFrame) -> None:
    """How the industry filter matches entities, and what it and the point in time leave out
    (counted among the entities of the chosen type and level)."""
    lang, industry = view.lang, view.industry
    of_kind = filter_entities(all_entities, entity_type=choice.entity_type, level=choice.level)
    notes = []
    if industry == "HT":
        notes.append(t("clusters_ht_note", lang))
    elif industry == "EQ":
        notes.append(t("clusters_eq_note", lang))
    elif industry == "C":
        notes.append(t("clusters_c_note", lang))
    if industry != ALL_INDUSTRIES:
        untagged = int((of_kind["industry_codes"].map(len) == 0).sum())
        if untagged:
            notes.append(t("clusters_untagged_note", lang, n=untagged))
    later = count_recognised_after(filter_entities(of_kind, industry=industry), view.up_to,
                                   entity_publication_dates(view.ds))
    if later:
        notes.append(t("clusters_after_note", lang, n=later))
    if notes:
        st.caption("  \n".join(md_escape(n) for n in notes))


def selected_location(selection) -> str | None:
    """The district code of the clicked point of a plotly selection, else None (also for a box
    or lasso drawn by dragging across the map, which chooses no district)."""
    chosen = (selection or {}).get("selection") or {}
    if chosen.get("box") or chosen.get("lasso"):
        return None
    points = chosen.get("points") or []
    for point in points:
        code = point.get("location") or (point.get("customdata") or [None])[0]
        if code:
            return str(code)
    return None


def _on_map_select(districts: list[str]) -> None:
    # An emptied selection (a second click on the same district) leaves the choice as it is.
    code = selected_location(st.session_state.get(MAP_CHART_KEY))
    if code in districts:
        set_url_value(keys.MAP_DISTRICT, code, ANY)


def _filters_text(view, choice: MapChoice) -> str:
    lang = view.lang
    return " · ".join((type_label(choice.entity_type, lang), level_label(choice.level, lang),
                       entity_industry_label(view.ds, view.industry, lang)))


def _figure_map_texts(view, choice: MapChoice, figures: pd.DataFrame,
                      names: dict[str, str]) -> tuple[list, list[str], str, str, list[str],
                                                      dict[str, str]]:
    """Values, hover texts, title, colour-bar title, sources and on-map labels of a
    district-figure map."""
    ds, lang = view.ds, view.lang
    ind = ds.indicator(choice.indicator)
    name, unit = ind[f"name_{lang}"], unit_label(ind, lang)
    period = period_label(choice.period, ind, lang)
    labels = {code: f"{short_district_name(ds, code, lang)}<br>" + (
        t("clusters_label_missing", lang) if fig is None
        else format_value(fig.value, fig.qualifier, ind, lang, with_unit=False))
        for code, fig in zip(figures["region_code"], figures["figure"])}
    hovers = []
    for code, fig in zip(figures["region_code"], figures["figure"]):
        if fig is None:
            hovers.append(t("clusters_hover_missing", lang, district=names[code],
                            indicator=name, period=period))
            continue
        status = "" if fig.status == "published" else f" ({t('status_' + fig.status, lang)})"
        hovers.append(t("clusters_hover_figure", lang, district=names[code], indicator=name,
                        value=format_value(fig.value, fig.qualifier, ind, lang), period=period,
                        status=status))
    title = t("clusters_map_title_figure", lang, indicator=name, period=period, unit=unit,
              industry=figure_industry_label(ds, choice.figure_industry, ind, lang))
    colorbar = t("clusters_colorbar_figure", lang, indicator=name, unit=unit, period=period)
    sources = [f.source_id for f in figures["figure"] if f is not None]
    return list(figures["value"]), hovers, title, colorbar, sources, labels


def _count_map_texts(view, choice: MapChoice, counts: pd.DataFrame,
                     names: dict[str, str]) -> tuple[list, list[str], str, str, dict[str, str]]:
    """Values, hover texts, title, colour-bar title and on-map labels of an entity-count
    map."""
    lang = view.lang
    filters, point = _filters_text(view, choice), point_text(view)
    hovers = [t("clusters_hover_count", lang, district=names[c], n=n, filters=filters,
                point=point) for c, n in zip(counts["region_code"], counts["total"])]
    labels = {c: f"{short_district_name(view.ds, c, lang)}<br>{int(n):,}"
              for c, n in zip(counts["region_code"], counts["total"])}
    return (list(counts["total"]), hovers,
            t("clusters_map_title_count", lang, filters=filters, point=point),
            t("clusters_colorbar_count", lang, point=point), labels)


@dataclass(frozen=True)
class DistrictMap:
    """The district map of one view: figure, the sentence a screen reader reads, the sources
    of what it colours and the note under it."""

    fig: go.Figure
    alt: str
    sources: tuple[str, ...]
    note: str


@per_version
def make_district_map(view, choice: MapChoice, districts: tuple[str, ...], counts: pd.DataFrame,
                      figures: pd.DataFrame | None, located_sources: tuple[str, ...],
                      n_citywide: int) -> DistrictMap:
    """The map of the chosen measure (district figures, else entity counts), kept per data
    version and view: the GeoJSON figure costs ~150 ms to build."""
    names = {c: region_label(view.ds, c, view.lang) for c in districts}
    lang = view.lang
    by_figure = choice.measure == "figure" and figures is not None
    if by_figure:
        values, hovers, title, colorbar, sources, labels = _figure_map_texts(
            view, choice, figures, names)
        note = t("clusters_figure_note", lang)
    else:
        values, hovers, title, colorbar, labels = _count_map_texts(view, choice, counts, names)
        sources, note = list(located_sources), t("clusters_count_note", lang, n=n_citywide)
    fig = make_district_map_chart(
        get_district_geojson(), locations=list(districts), values=values, hover_texts=hovers,
        title=title, colorbar_title=colorbar, missing_label=t("clusters_no_figure", lang),
        integer_scale=not by_figure, labels=labels, label_points=get_label_points(),
        selected=None if choice.district == ANY else choice.district)
    alt = f"{title}: " + "; ".join(h.replace("<br>", " ") for h in hovers)
    return DistrictMap(fig, alt, tuple(sources), note)


def render_district_map(view, choice: MapChoice, districts: list[str],
                        counts: pd.DataFrame, figures: pd.DataFrame | None,
                        located_sources: list[str], n_citywide: int):
    """The map of the chosen measure, clickable, with its notes, sources and the boundary
    credit; returns the source ids of what it colours and the map's figure.

    With no district figure as of the chosen point, it says so and maps the entity counts.
    """
    ds, lang = view.ds, view.lang
    by_figure = choice.measure == "figure" and figures is not None
    if choice.measure == "figure" and figures is None:
        st.info(t("clusters_no_district_figures", lang), icon=":material/search_off:")
    if by_figure and choice.figure_industry != view.industry:
        st.caption(md_escape(t("clusters_figure_industry_fallback", lang,
                               industry=industry_label(ds, view.industry, lang),
                               fallback=figure_industry_label(
                                   ds, ALL_INDUSTRIES, ds.indicator(choice.indicator), lang))))
    drawn = make_district_map(view, choice, tuple(districts), counts, figures,
                              tuple(located_sources), n_citywide)
    st.plotly_chart(drawn.fig, key=MAP_CHART_KEY, on_select=partial(_on_map_select, districts),
                    selection_mode="points", config=MAP_CONFIG)
    render_sr_only(drawn.alt)
    if drawn.sources:
        render_source_caption(ds, list(drawn.sources), lang, drawn.note)
    else:
        st.caption(md_escape(drawn.note))
    st.caption(t("clusters_attribution", lang, credit=BOUNDARY_CREDIT))
    return list(drawn.sources), drawn.fig


def render_district_card(view, choice: MapChoice, located: pd.DataFrame,
                         citywide: pd.DataFrame, counts: pd.DataFrame) -> None:
    """The chosen district: its entities and its published figures with their sources; with no
    district chosen, how the entities divide between districts and the city as a whole."""
    ds, lang = view.ds, view.lang
    if choice.district == ANY:
        st.info(t("clusters_card_pick", lang), icon=":material/touch_app:")
        st.caption(t("clusters_card_summary", lang, located=len(located),
                     citywide=len(citywide)))
        top = counts.sort_values("total", ascending=False, kind="stable").iloc[0]
        if top["total"] > 0:
            st.caption(t("clusters_card_top", lang, n=int(top["total"]),
                         district=md_escape(region_label(ds, top["region_code"], lang))))
        return
    name = region_label(ds, choice.district, lang)
    st.markdown(f"#### {md_escape(name)} · {choice.district}")
    mine = located[located["district_code"] == choice.district]
    st.markdown(f"**{md_escape(t('clusters_card_entities', lang, district=name, n=len(mine)))}**")
    if mine.empty:
        st.caption(t("clusters_card_no_entities", lang))
    for _, e in mine.iterrows():
        year = "" if pd.isna(e["year"]) else f" · {int(e['year'])}"
        st.markdown(f"- {md_escape(e['name_' + lang])} · {type_label(e['entity_type'], lang)}"
                    f" · {level_label(e['level'], lang)}{md_escape(year)}")
    if len(citywide):
        st.caption(t("clusters_card_citywide", lang, n=len(citywide)))
    st.markdown(f"**{md_escape(t('clusters_card_figures', lang, district=name))}**")
    figs = district_figures(view.obs, choice.district, view.up_to)
    if not figs:
        st.caption(t("clusters_card_no_figures", lang))
        return
    # A list, not a table: it wraps in the narrow card in both languages; a long one scrolls.
    box = st.container(height=CARD_LIST_HEIGHT) if len(figs) > CARD_LIST_MAX else st.container()
    box.markdown("\n".join(
        f"- **{md_escape(_figure_value(ds, f, lang))}** · {md_escape(_figure_name(ds, f, lang))}"
        f" · {md_escape(figure_period_label(f, ds.indicator(f.indicator_id), lang))}"
        for f in figs))
    render_source_caption(ds, [f.source_id for f in figs], lang)
    render_source_popover(ds, figs, lang)


def _figure_name(ds: Dataset, fig, lang: str) -> str:
    # The industry is named only when the figure is for one (GDP and the like are not split).
    name = ds.name("indicators", fig.indicator_id, lang)
    if fig.industry_code == ALL_INDUSTRIES:
        return name
    return f"{name} · {industry_label(ds, fig.industry_code, lang)}"


def _figure_value(ds: Dataset, fig, lang: str) -> str:
    value = format_value(fig.value, fig.qualifier, ds.indicator(fig.indicator_id), lang)
    return value if fig.status == "published" else f"{value} ({t('status_' + fig.status, lang)})"


def render_entity_section(view, choice: MapChoice, entities: pd.DataFrame, title: str,
                          part: str):
    """One list of entities (in the chosen district(s), or city-wide) through the one
    renderer, with its count; returns its model."""
    lang = view.lang
    model = build_cluster_entities_section(make_labeller(view.ds, lang), entities, title, choice,
                                           view.industry, view.point, part)
    st.caption(t("clusters_rows", lang, n=len(entities)) if len(entities)
               else t("clusters_none", lang))
    render_section(view, model, key=f"clusters_entities_{part}")
    return model


def render_district_section(view, choice: MapChoice, counts: pd.DataFrame,
                            figures: pd.DataFrame | None, map_figure, map_sources: list[str]):
    """The map's numbers by district (counts or the published figure) through the one renderer;
    the model carries the map for its image download. Returns the model."""
    lab = make_labeller(view.ds, view.lang)
    if choice.measure == "figure" and figures is not None:
        model = build_district_figures_section(lab, figures, choice, view.industry, view.point)
    else:
        model = build_district_counts_section(lab, counts, choice, view.industry, view.point,
                                              map_sources)
    model = with_figure(model, map_figure)
    render_section(view, model, key="clusters_districts", show_chart=False)
    return model


# --- Pure table builders (for the tests and the data page) -----------------------------------

def make_entity_table(ds: Dataset, entities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The one entity table with headers in ``lang``; no district means city-wide here."""
    lab = make_labeller(ds, lang)
    return make_entity_rows(lab, entities).set_axis([c.label for c in entity_columns(lab)],
                                                    axis=1)


def make_district_count_table(ds: Dataset, counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The map's counts: one row per district, the total and the count of each entity type."""
    choice = MapChoice("count", ANY, ANY, ANY, ALL_INDUSTRIES, None, None)
    return build_district_counts_section(make_labeller(ds, lang), counts, choice,
                                         ALL_INDUSTRIES, LATEST).labelled()


def make_district_figure_table(ds: Dataset, figures: pd.DataFrame, choice: MapChoice,
                               lang: str) -> pd.DataFrame:
    """The map's figures: one row per district with its full source; a district without a
    figure keeps its row with an empty value and the status 'no published figure'."""
    return build_district_figures_section(make_labeller(ds, lang), figures, choice,
                                          ALL_INDUSTRIES, LATEST).labelled()
