"""Sections of the 总览 (Overview) page: the headline tiles' numbers, and the full-year trend."""
from __future__ import annotations

from metrics.overview import Overview, derive_trend
from metrics.query import BENCHMARK_REGIONS, CITY, Figure
from metrics.section import SectionModel
from metrics.sections.base import (Labeller, figure_columns, make_figure_rows, make_model,
                                   view_filters, with_figure)
from metrics.memo import per_version


@per_version
def build_tiles_section(lab: Labeller, overview: Overview, industry: str,
                        point: str) -> SectionModel:
    """Every tile's figure, then each tile's benchmarks with the gap in 百分点."""
    tiles = overview.tiles()
    rows = [(x.figure, None) for x in tiles]
    rows += [(b, g) for x in tiles for b, g in zip(x.benchmarks, x.gaps) if b]
    notes = (lab.t("gap_caption"),) if any(g for x in tiles for g in x.gaps) else ()
    return make_model(lab, "overview_tiles", lab.t("h_table"), figure_columns(lab),
                      make_figure_rows(lab, rows), filters=view_filters(lab, industry, point),
                      stem=("overview", industry, point), notes=notes)


@per_version
def build_trend_section(lab: Labeller, obs, industry: str, point: str,
                        up_to: int | None) -> SectionModel:
    """Full-year value-added growth of Qingdao, Shandong and China, as a chart and its rows."""
    regions = (CITY, *BENCHMARK_REGIONS)
    trend = derive_trend(obs, industry, regions, up_to)
    title = lab.t("trend_title", industry=lab.industry(industry))
    figs = [Figure.from_row(r) for r in trend.to_dict("records")]
    model = make_model(lab, "overview_trend", title, figure_columns(lab),
                       make_figure_rows(lab, [(f, None) for f in figs]),
                       filters=view_filters(lab, industry, point),
                       stem=("overview-trend", industry, point),
                       notes=(lab.t("status_markers"),))
    if trend.empty:
        return with_figure(model, lab.charts.make_empty_chart(lab.t("trend_empty")))
    chart_df = trend.assign(x=trend["year"].astype(str), label=trend["year"].astype(str))
    return with_figure(model, lab.charts.make_trend_chart(
        chart_df, x_values=sorted(chart_df["x"].unique()),
        region_names={r: lab.region(r) for r in regions}, title=title,
        x_title=lab.t("axis_year"), y_title=lab.t("axis_growth"),
        no_figure_text=lab.t("chart_no_figure")))
