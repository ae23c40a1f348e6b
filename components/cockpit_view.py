"""Render pieces of the meeting-room mode (领导驾驶舱): a full-screen view for a 1920x1080
projector, read from the back of the room.

It shows the overview's headline tiles (metrics.overview.derive_overview), the overview's
full-year trend and the growth page's Qingdao / Shandong / China series for the chosen
indicator, in large type, on a dark or light background, optionally rotating through these
panels. The figures, their periods, the "earlier period" badges and the source captions are the
same as on the other pages: only the size and the colours change.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from metrics.growth import (derive_series, growth_indicators, period_end_dates, period_grid,
                            series_years, trim_grid)
from metrics.overview import Overview, derive_overview, derive_trend
from metrics.paths import REPO_ROOT
from metrics.memo import per_version
from metrics.query import BENCHMARK_REGIONS, CITY, LATEST, Figure

from components import keys
from components.charts import (THEME, TOOLBAR_ROOM, make_empty_chart, make_trend_chart,
                               wrap_title)
from components.a11y import render_sr_only
from components.i18n import t
from components.kpi import render_tile, tile_source_ids, view_end
from components.labels import (figure_industry_label, industry_label, period_label,
                               point_label, region_label)
from components.provenance import render_source_caption
from components.state import render_url_segmented, render_url_selectbox

THEMES = ("dark", "light")
DEFAULT_THEME = "dark"
# Seconds between panels ("0": no rotation, every panel on one screen).
ROTATIONS = ("0", "30", "60")
DEFAULT_ROTATION = "0"
# One screen each at 1920x1080: growth tiles, the two charts, scale and structure tiles.
PANELS = ("tiles", "trend", "growth", "scale")
# The growth panel shows this many years up to the latest one with a figure.
GROWTH_YEARS = 4
COCKPIT_CSS = REPO_ROOT / "components" / "assets" / "cockpit.css"

# Session keys: the rotation's paused flag, the panel shown and when it was switched to.
PAUSED = "_cockpit_paused"
PANEL_INDEX = "_cockpit_panel"
PANEL_SINCE = "_cockpit_panel_since"

# Chart colours per theme; the regions keep their colours (components.charts.REGION_COLOURS).
# Text on the dark background is #F2F5F8 on #0E1726 (contrast 16:1), muted text #C3CDD8 (10:1).
CHART_COLOURS = {
    "dark": dict(paper="#0E1726", plot="#0E1726", text="#F2F5F8", grid="#34445A",
                 line="#8A9BB0"),
    "light": dict(paper="#FFFFFF", plot="#FFFFFF", text="#1F2A36", grid="#E5E8E8",
                  line="#B3B6B7"),
}
# Font sizes of the charts (px): read from a meeting-room seat.
CHART_FONT, TITLE_FONT = 20, 24
TITLE_LINE, SUB_LINE, LEGEND_ROW = 32, 26, 44
# A title line holds at most this many width units (a CJK character counts 2): at 24 px it fits
# a phone's chart (~340 px); the projector's charts show it on two or three lines.
TITLE_UNITS = 28
# The title's top below the strip kept for the toolbars (its first line's box starts above the
# pad by about half the font size).
TITLE_PAD = TOOLBAR_ROOM + TITLE_FONT // 2


@dataclass(frozen=True)
class CockpitChoice:
    """What the meeting-room view shows (all of it in the URL but the pause)."""

    theme: str
    rotate: int  # seconds between panels; 0 = every panel on one screen
    indicator: str  # the growth panel's indicator (the growth page's choice)
    paused: bool


def make_cockpit_template(theme: str) -> go.layout.Template:
    """The app's chart theme (components.charts.THEME) in the cockpit's colours and type sizes:
    plotly's dark template under it for ``dark``."""
    colours = CHART_COLOURS[theme]
    template = go.layout.Template(THEME)
    if theme == "dark":
        dark = go.layout.Template(pio.templates["plotly_dark"])
        dark.layout.update(THEME.layout)  # the app's title, legend and margin placement
        template = dark
    template.layout.update(
        paper_bgcolor=colours["paper"], plot_bgcolor=colours["plot"],
        font=dict(size=CHART_FONT, color=colours["text"]),
        title=dict(font=dict(size=TITLE_FONT, color=colours["text"])),
        legend=dict(font=dict(size=CHART_FONT, color=colours["text"])),
        xaxis=dict(linecolor=colours["line"], gridcolor=colours["grid"],
                   tickfont=dict(size=CHART_FONT, color=colours["text"])),
        yaxis=dict(gridcolor=colours["grid"], zerolinecolor=colours["line"],
                   linecolor=colours["line"], tickfont=dict(size=CHART_FONT,
                                                            color=colours["text"])))
    return template


def style_for_cockpit(fig: go.Figure, theme: str, title: str, height: int) -> go.Figure:
    """A figure of the app's factories restyled for the projector: the cockpit template, large
    type, the title wrapped for its size with the top margin its lines need."""
    text, main, sub = wrap_title(title, TITLE_UNITS)
    top = TITLE_PAD + main * TITLE_LINE + sub * SUB_LINE + LEGEND_ROW
    fig.update_layout(template=make_cockpit_template(theme), height=height,
                      title=dict(text=text, pad=dict(t=TITLE_PAD)),
                      margin=dict(t=top, l=80, r=30, b=70))
    fig.update_xaxes(title_font=dict(size=CHART_FONT))
    fig.update_yaxes(title_font=dict(size=CHART_FONT))
    # point labels and the 'no figure' note in the theme's text colour, large
    fig.update_traces(textfont=dict(size=CHART_FONT, color=CHART_COLOURS[theme]["text"]),
                      marker=dict(size=12), line=dict(width=4), selector=dict(type="scatter"))
    fig.update_annotations(font=dict(size=CHART_FONT, color=CHART_COLOURS[theme]["text"]))
    return fig


def make_chart_alt(title: str, series: dict[str, list[tuple[str, float | None]]],
                   lang: str) -> str:
    """The chart's text alternative for a screen reader: its title, then each region's values
    period by period ('青岛：2022年 4.1%、2023年 5.8%'); a region with none says so."""
    sep, item_sep = ("；", "、") if lang == "zh" else ("; ", ", ")
    parts = []
    for region, points in series.items():
        shown = [f"{label} {value:g}%" for label, value in points if value is not None]
        parts.append(t("cockpit_alt_series", lang, region=region,
                       points=item_sep.join(shown) if shown else t("cockpit_alt_none", lang)))
    plain = title.replace("<br>", " ").replace("<sup>", "").replace("</sup>", "")
    return t("cockpit_chart_alt", lang, title=plain, values=sep.join(parts))


def render_chart_alt(text: str) -> None:
    """A visually hidden paragraph a screen reader reads (escaped: components/a11y.py)."""
    render_sr_only(text)


def render_cockpit_style() -> None:
    """The cockpit's own CSS (scoped to this page by its root container's key): static, from a
    file in the repository."""
    st.html(COCKPIT_CSS)


def render_cockpit_controls(view) -> CockpitChoice:
    """Title, what the view shows, and the controls: indicator, colours, rotation, pause."""
    lang, ds, obs = view.lang, view.ds, view.obs
    st.title(t("cockpit_title", lang))
    st.markdown(t("cockpit_context", lang, industry=industry_label(ds, view.industry, lang),
                  point=(t("cockpit_point_latest", lang) if view.point == LATEST
                         else point_label(view.point, lang)), version=ds.version))
    # one row of controls; on a phone they stack
    c_ind, c_theme, c_rotate, c_pause = st.columns([3, 1.5, 2.5, 1.6],
                                                   vertical_alignment="bottom")
    indicators = growth_indicators(obs)
    indicator = render_url_selectbox(
        c_ind, t("growth_indicator", lang), keys.GROWTH_INDICATOR, indicators, indicators[0],
        lambda i: ds.name("indicators", i, lang)) if indicators else ""
    theme = render_url_segmented(c_theme, t("cockpit_theme", lang), keys.COCKPIT_THEME,
                                 THEMES, DEFAULT_THEME, lambda v: t(f"cockpit_theme_{v}", lang))
    rotate = render_url_segmented(c_rotate, t("cockpit_rotate", lang), keys.COCKPIT_ROTATE,
                                  ROTATIONS, DEFAULT_ROTATION,
                                  lambda v: t(f"cockpit_rotate_{v}", lang))
    paused = bool(st.session_state.get(PAUSED, False))
    if rotate != "0":
        c_pause.button(t("cockpit_resume" if paused else "cockpit_pause", lang),
                       key="cockpit_pause_button",
                       icon=":material/play_arrow:" if paused else ":material/pause:",
                       on_click=_toggle_pause, width="stretch")
    return CockpitChoice(theme, int(rotate), indicator, paused and rotate != "0")


def _toggle_pause() -> None:
    st.session_state[PAUSED] = not st.session_state.get(PAUSED, False)


def render_panels(view, choice: CockpitChoice) -> None:
    """Every panel on one screen, or one panel at a time switching every ``rotate`` seconds
    (a fragment reruns alone, so the rest of the page and the URL stay as they are)."""
    if choice.rotate == 0:
        overview = derive_overview(view.obs, view.industry, view.up_to)
        render_tiles_panel(view, overview, scale=False)
        left, right = st.columns(2)
        with left:
            render_trend_panel(view, choice, height=560)
        with right:
            render_growth_panel(view, choice, height=560)
        render_tiles_panel(view, overview, growth=False, say_empty=False)
        return

    @st.fragment(run_every=None if choice.paused else choice.rotate)
    def rotating() -> None:
        index = _current_panel(choice)
        panel = PANELS[index]
        name = t(f"cockpit_panel_{panel}", view.lang)
        status, step = st.columns([6, 1], vertical_alignment="center")
        status.markdown(t("cockpit_paused" if choice.paused else "cockpit_rotating", view.lang,
                          n=index + 1, total=len(PANELS), panel=name, seconds=choice.rotate))
        step.button(t("cockpit_next", view.lang), key="cockpit_next_button",
                    icon=":material/skip_next:", on_click=_step_panel,
                    use_container_width=True)
        if panel in ("tiles", "scale"):
            render_tiles_panel(view, derive_overview(view.obs, view.industry, view.up_to),
                               growth=panel == "tiles", scale=panel == "scale")
        elif panel == "trend":
            render_trend_panel(view, choice, height=760)
        else:
            render_growth_panel(view, choice, height=760)

    rotating()


def _current_panel(choice: CockpitChoice) -> int:
    """The panel to show in this run: the next one once ``rotate`` seconds have passed since the
    last switch (a rerun of the whole page for another reason keeps the panel)."""
    now = time.monotonic()
    index = st.session_state.get(PANEL_INDEX, 0) % len(PANELS)
    since = st.session_state.get(PANEL_SINCE)
    if since is None:
        st.session_state[PANEL_SINCE] = now
    elif not choice.paused and now - since >= choice.rotate * 0.9:
        index = (index + 1) % len(PANELS)
        st.session_state[PANEL_SINCE] = now
    st.session_state[PANEL_INDEX] = index
    return index


def _step_panel() -> None:
    st.session_state[PANEL_INDEX] = (st.session_state.get(PANEL_INDEX, 0) + 1) % len(PANELS)
    st.session_state[PANEL_SINCE] = time.monotonic()


def render_tiles_panel(view, overview: Overview, growth: bool = True, scale: bool = True,
                       say_empty: bool = True) -> None:
    """The overview's headline tiles: growth and the two groups four to a row, then scale and
    structure three to a row; each row group with its source caption. With none to show, says
    so (when ``say_empty``)."""
    lang, ds = view.lang, view.ds
    shown = (overview.growth + overview.groups if growth else []) + (overview.scale if scale
                                                                     else [])
    if not shown:
        if say_empty:
            st.info(t("cockpit_no_tiles", lang, industry=industry_label(ds, view.industry, lang)),
                    icon=":material/search_off:")
        return
    groups = ([(overview.growth + overview.groups, 4)] if growth else []) \
        + ([(overview.scale, 3)] if scale else [])
    for tiles, per_row in groups:
        if not tiles:
            continue
        end = view_end(view, tiles)
        for start in range(0, len(tiles), per_row):
            cols = st.columns(per_row)
            for col, tile in zip(cols, tiles[start:start + per_row]):
                with col:
                    render_tile(view, tile, end)
        render_source_caption(ds, tile_source_ids(tiles), lang,
                              t("gap_caption", lang) if any(x.gaps for x in tiles) else None)


def _series_points(df: pd.DataFrame, x_values: Sequence[str], codes: dict[str, str]
                   ) -> dict[str, list[tuple[str, float | None]]]:
    """Each region's (period label, value) along the chart's x values, for the text
    alternative."""
    out = {}
    for code, name in codes.items():
        values = df[df["region_code"] == code].set_index("x")["value"].dropna()
        out[name] = [(x, float(values[x]) if x in values.index else None) for x in x_values]
    return out


@dataclass(frozen=True)
class SeriesPanel:
    """A cockpit series chart ready to draw: the styled figure, its text alternative and the
    sources of the observations it plots (none for an empty chart)."""

    fig: go.Figure
    alt: str
    source_ids: tuple[str, ...]


def _series_panel(fig, title: str, theme: str, height: int, lang: str, points,
                  rows: pd.DataFrame) -> SeriesPanel:
    figs = [Figure.from_row(r) for _, r in rows.iterrows()]
    return SeriesPanel(style_for_cockpit(fig, theme, title, height),
                       make_chart_alt(title, points, lang), tuple(f.source_id for f in figs))


@per_version
def make_trend_panel(ds, obs, industry: str, up_to: int | None, lang: str, theme: str,
                     height: int) -> SeriesPanel:
    """The overview's trend: full-year value-added growth, Qingdao against Shandong and
    China (kept per data version and view: restyling a figure costs ~100 ms)."""
    regions = (CITY, *BENCHMARK_REGIONS)
    trend = derive_trend(obs, industry, regions, up_to)
    title = t("trend_title", lang, industry=industry_label(ds, industry, lang))
    if trend.empty:
        return SeriesPanel(style_for_cockpit(make_empty_chart(t("trend_empty", lang)), theme,
                                             title, 300), "", ())
    chart_df = trend.assign(x=trend["year"].astype(str), label=trend["year"].astype(str))
    years = sorted(chart_df["x"].unique())
    names = {r: region_label(ds, r, lang) for r in regions}
    fig = make_trend_chart(chart_df, x_values=years, region_names=names, title=title,
                           x_title=t("axis_year", lang), y_title=t("axis_growth", lang),
                           no_figure_text=t("chart_no_figure", lang))
    return _series_panel(fig, title, theme, height, lang, _series_points(chart_df, years, names),
                         trend)


def render_trend_panel(view, choice: CockpitChoice, height: int) -> None:
    """The overview's trend panel (:func:`make_trend_panel`)."""
    _draw_series_panel(view, make_trend_panel(view.ds, view.obs, view.industry, view.up_to,
                                              view.lang, choice.theme, height),
                       "cockpit_trend_chart")


@per_version
def make_growth_panel(ds, obs, indicator: str, industry: str, up_to: int | None, lang: str,
                      theme: str, height: int) -> SeriesPanel | str:
    """The growth page's time view for ``indicator`` over the last few years: Qingdao,
    Shandong and China on the full period grid (a missing period is a gap, never joined); the
    'no figure' message when there is none."""
    ind = ds.indicator(indicator)
    regions = (CITY, *BENCHMARK_REGIONS)
    years = series_years(obs, indicator, up_to)
    year_to = years[-1] if years else 0
    year_from = max(years[0], year_to - GROWTH_YEARS + 1) if years else 0
    series = derive_series(obs, indicator, industry, regions, year_from, year_to, up_to)
    industry_name = figure_industry_label(ds, industry, ind, lang)
    indicator_name = ds.name("indicators", indicator, lang)
    title = t("cockpit_growth_years", lang, indicator=indicator_name, industry=industry_name,
              basis=t(f"growth_basis_{ind['period_basis']}", lang),
              years=f"{year_from}-{year_to}" if year_from != year_to else f"{year_to}")
    if series.empty:
        return t("cockpit_no_growth", lang, industry=industry_name, indicator=indicator_name)
    grid = trim_grid(period_grid(ind["period_basis"], year_from, year_to), series)
    labels = {p: period_label(p, ind, lang) for p in grid}
    chart_df = series.assign(x=series["period"].map(labels), label=series["period"].map(labels))
    x_values = [labels[p] for p in grid]
    names = {r: region_label(ds, r, lang) for r in regions}
    fig = make_trend_chart(chart_df, x_values=x_values, region_names=names, title=title,
                           x_title=t("growth_axis_period", lang),
                           y_title=t("growth_axis_rate", lang),
                           x_dates=period_end_dates(grid, ind["period_basis"]),
                           no_figure_text=t("chart_no_figure", lang))
    return _series_panel(fig, title, theme, height, lang,
                         _series_points(chart_df, x_values, names), series)


def render_growth_panel(view, choice: CockpitChoice, height: int) -> None:
    """The growth panel (:func:`make_growth_panel`), or why it has no figure."""
    if not choice.indicator:
        return
    panel = make_growth_panel(view.ds, view.obs, choice.indicator, view.industry, view.up_to,
                              view.lang, choice.theme, height)
    if isinstance(panel, str):
        st.info(panel, icon=":material/search_off:")
        return
    _draw_series_panel(view, panel, "cockpit_growth_chart")


def _draw_series_panel(view, panel: SeriesPanel, key: str) -> None:
    """A series chart in the cockpit's style, its text alternative (the plotted values) and
    the source caption of the observations it plots."""
    lang = view.lang
    st.plotly_chart(panel.fig, key=key, theme=None)
    if panel.alt:
        render_chart_alt(panel.alt)
        render_source_caption(view.ds, list(panel.source_ids), lang, t("status_markers", lang))