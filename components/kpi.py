"""KPI tiles: value, unit, period, benchmarks in 百分点, and the source one click away."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from metrics.overview import Tile
from metrics.periods import parse_period
from metrics.query import ALL_INDUSTRIES, BENCHMARK_REGIONS, end_to_point

from components.i18n import t
from components.labels import (figure_period_label, format_value, is_multiplier_unit,
                               point_label, region_label, unit_label)
from components.provenance import md_escape, render_source_popover

TILES_PER_ROW = 3


def make_gap_line(view, tile: Tile, index: int) -> str:
    """'比山东8.5%高1.1个百分点' / 'vs Shandong 8.5%: +1.1 pp', or why there is no gap."""
    lang, ds = view.lang, view.ds
    bench, gap = tile.benchmarks[index], tile.gaps[index]
    region = region_label(ds, BENCHMARK_REGIONS[index], lang)
    if bench is None:
        return t("no_benchmark", lang, region=region)
    ind = ds.indicator(bench.indicator_id)
    value = format_value(bench.value, bench.qualifier, ind, lang)
    if gap is None:
        return t("no_gap_bound", lang, region=region, value=value)
    if lang == "zh":
        sign = "高" if gap.value_pp > 0 else "低" if gap.value_pp < 0 else "持平"
        gap_txt = gap.signed().lstrip("+-") if gap.value_pp else ""
        if not gap.value_pp:
            return f"与{region}持平（均为{value}）"
        return t("gap_vs", lang, region=region, value=value, sign=sign, gap=gap_txt)
    return t("gap_vs", lang, region=region, value=value, sign="", gap=gap.signed())


def figure_end(fig, indicator: dict) -> int:
    """A figure's period end as YYYYMM."""
    period = parse_period(fig.period, indicator["period_basis"])
    return period.year * 100 + period.end_month


def view_end(view, tiles: Sequence[Tile]) -> int | None:
    """The month end a row of tiles is read at: the chosen period, or in the 'latest' view the
    newest period among the row's own figures (a row of growth rates is not judged against
    a count dated later)."""
    if view.up_to is not None:
        return view.up_to
    ends = [figure_end(t.figure, view.ds.indicators_by_id[t.figure.indicator_id]) for t in tiles]
    return max(ends) if ends else None


def is_older(fig, indicator: dict, end: int | None) -> bool:
    """Whether a figure's period ends before the view's period (a tile must not read as
    current beside figures of the chosen period)."""
    return end is not None and figure_end(fig, indicator) < end


def render_tile(view, tile: Tile, end: int | None = None) -> None:
    """One bordered tile; a figure older than the view's period (``end``) is badged."""
    lang, ds = view.lang, view.ds
    fig = tile.figure
    ind = ds.indicator(fig.indicator_id)
    label = ind[f"name_{lang}"]
    if fig.industry_code != ALL_INDUSTRIES:
        label = f"{ds.name('industries', fig.industry_code, lang)} · {label}"
    unit = unit_label(ind, lang)
    # the unit goes with the value where it reads better there ('%', 'CNY 130 billion'), and
    # is not repeated when the name says it ('Smart factories', not '... (factories)')
    in_value = unit == "%" or (lang == "en" and is_multiplier_unit(unit))
    if not in_value and unit.lower() not in label.lower():
        label += f"（{unit}）" if lang == "zh" else f" ({unit})"
    first_gap = next((g for g in tile.gaps if g is not None), None)
    delta = None
    if first_gap is not None:
        region = region_label(ds, first_gap.benchmark.region_code, lang)
        delta = (f"{first_gap.signed()} 百分点（比{region}）" if lang == "zh"
                 else f"{first_gap.signed()} pp vs {region}")
    render_tile_card(view, fig, label,
                     format_value(fig.value, fig.qualifier, ind, lang, with_unit=in_value),
                     [make_gap_line(view, tile, i) for i in range(len(tile.benchmarks))],
                     [fig, *tile.benchmarks], [g.derivation for g in tile.gaps if g is not None],
                     delta=delta, end=end)


def render_tile_card(view, fig, label: str, value: str, lines: Sequence[str],
                     figures: Sequence, derivations: Sequence[str] = (), *,
                     delta: str | None = None, end: int | None = None) -> None:
    """The one tile of every page: a bordered card with the name above the value, the delta,
    the period (and status), the 'earlier period' and 'revised' badges, the lines under it
    (benchmarks, context) and the source details one click away."""
    lang, ds = view.lang, view.ds
    ind = ds.indicator(fig.indicator_id)
    with st.container(border=True):
        # The name above the value, in full: st.metric cuts long labels to one line, and "share
        # of the province's land" and "... tax" must stay apart.
        st.markdown(f"**{md_escape(label)}**")
        st.metric(label, value, delta=delta, delta_color="inverse" if lang == "zh" else "normal",
                  label_visibility="collapsed")
        status = "" if fig.status == "published" else f" · {t('status_' + fig.status, lang)}"
        st.caption(f"{figure_period_label(fig, ind, lang)}{status}")
        if is_older(fig, ind, end):
            st.badge(t("older_mark", lang), icon=":material/schedule:", color="gray",
                     help=t("older_help", lang, period=figure_period_label(fig, ind, lang),
                            view=point_label(end_to_point(end), lang)))
        if fig.revised:
            st.badge(t("revised_mark", lang), icon=":material/history:", color="orange",
                     help=t("revised_help", lang))
        for line in lines:
            st.caption(line)
        render_source_popover(ds, figures, lang, derivations)


def render_in_rows(items: Sequence, render_one: Callable[[object], None]) -> None:
    """Lay out any tiles in rows of TILES_PER_ROW columns, ``render_one`` drawing each.

    A section of fewer tiles spreads them over the page's width (two tiles, two halves), so a
    wide screen is not left a third empty; a single tile keeps half the width.
    """
    per_row = TILES_PER_ROW if len(items) >= TILES_PER_ROW else max(2, len(items))
    for start in range(0, len(items), TILES_PER_ROW):
        cols = st.columns(per_row)
        for col, item in zip(cols, items[start:start + TILES_PER_ROW]):
            with col:
                render_one(item)


def render_tile_row(view, tiles: Sequence[Tile]) -> None:
    """Headline tiles in rows of three."""
    end = view_end(view, tiles)
    render_in_rows(tiles, lambda tile: render_tile(view, tile, end))


def tile_source_ids(tiles: Sequence[Tile]) -> list[str]:
    """Every source behind a row of tiles, benchmarks included, first-seen order."""
    ids: list[str] = []
    for tile in tiles:
        ids += [f.source_id for f in (tile.figure, *tile.benchmarks) if f is not None]
    return list(dict.fromkeys(ids))
