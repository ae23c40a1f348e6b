"""Sections of the 增速对比 (Growth vs benchmarks) page: the chosen view (rates over time, one
period side by side, or the gap over time) and a district against the city.

``choice`` is the page's choice (indicator, mode, benchmarks, year range, period; see
``components.growth_view.GrowthChoice``): every field of it is in the URL.
"""
from __future__ import annotations

from metrics.growth import (PeriodComparison, derive_gap_series, derive_series,
                            period_end_dates, period_grid, trim_grid)
from metrics.query import CITY, Figure
from metrics.section import SectionModel
from metrics.sections.base import (Labeller, figure_columns, make_figure_rows, make_model,
                                   view_filters, with_figure)
from metrics.memo import per_version


def growth_filters(lab: Labeller, choice, industry: str, point: str) -> dict[str, str]:
    """The page's filters in words: industry, period, indicator, view, benchmarks, years."""
    ind = lab.ds.indicator(choice.indicator)
    extra = [(lab.t("growth_indicator"), ind[f"name_{lab.lang}"]),
             (lab.t("growth_view"), lab.t(f"growth_view_{choice.mode}")),
             (lab.t("growth_bench"), "、".join(lab.region(r) for r in choice.benchmarks)
              if lab.lang == "zh" else ", ".join(lab.region(r) for r in choice.benchmarks)),
             (lab.t("growth_from"), str(choice.year_from)),
             (lab.t("growth_to"), str(choice.year_to))]
    if choice.period:
        extra.append((lab.t("growth_at"), lab.period(choice.period, ind)))
    return view_filters(lab, industry, point, extra)


def chart_title(lab: Labeller, choice, industry: str, key: str, **extra) -> str:
    ind = lab.ds.indicator(choice.indicator)
    years = (f"{choice.year_from}" if choice.year_from == choice.year_to
             else f"{choice.year_from}-{choice.year_to}")
    return lab.t(key, indicator=ind[f"name_{lab.lang}"],
                 industry=lab.figure_industry(industry, ind),
                 basis=lab.t(f"growth_basis_{ind['period_basis']}"), years=years, **extra)


@per_version
def build_growth_section(lab: Labeller, obs, choice, industry: str, point: str,
                         up_to: int | None, comparison: PeriodComparison | None = None,
                         reading: str | None = None) -> SectionModel:
    """The chosen view as a chart and exactly its plotted figures (gaps in 百分点)."""
    builder = {"time": _time_view, "period": _period_view, "gap": _gap_view}[choice.mode]
    key, rows, fig, intro = builder(lab, obs, choice, industry, up_to, comparison)
    ind = lab.ds.indicator(choice.indicator)
    model = make_model(lab, f"growth_{choice.mode}", chart_title(lab, choice, industry, key,
                       period=lab.period(choice.period, ind) if choice.period else ""),
                       figure_columns(lab), make_figure_rows(lab, rows),
                       filters=growth_filters(lab, choice, industry, point),
                       stem=("growth", choice.indicator, choice.mode, industry, point),
                       notes=(lab.t("growth_gap_note"),), intro=intro, reading=reading,
                       period_label=lab.period(choice.period, ind) if choice.period else "")
    return with_figure(model, fig)


def _time_view(lab, obs, choice, industry, up_to, _comparison):
    """Rates period by period on the full grid (a missing period is a gap, never joined)."""
    ind = lab.ds.indicator(choice.indicator)
    series = derive_series(obs, choice.indicator, industry, choice.regions, choice.year_from,
                           choice.year_to, up_to)
    if series.empty:
        return ("growth_chart_time", [], lab.charts.make_empty_chart(lab.t("growth_no_series")),
                "")
    grid = trim_grid(period_grid(ind["period_basis"], choice.year_from, choice.year_to), series)
    labels = {p: lab.period(p, ind) for p in grid}
    chart_df = series.assign(x=series["period"].map(labels), label=series["period"].map(labels))
    fig = lab.charts.make_trend_chart(
        chart_df, x_values=[labels[p] for p in grid],
        region_names={r: lab.region(r) for r in choice.regions},
        title=chart_title(lab, choice, industry, "growth_chart_time"),
        x_title=lab.t("growth_axis_period"), y_title=lab.t("growth_axis_rate"),
        x_dates=period_end_dates(grid, ind["period_basis"]),
        no_figure_text=lab.t("chart_no_figure"))
    figs = [Figure.from_row(r) for r in series.to_dict("records")]
    return "growth_chart_time", [(f, None) for f in figs], fig, lab.t("status_markers")


def _period_view(lab, obs, choice, industry, up_to, comparison: PeriodComparison):
    """The rates side by side for one period, the gaps labelled in 百分点."""
    ind = lab.ds.indicator(choice.indicator)
    period = lab.period(choice.period, ind) if choice.period else ""
    bars = [(CITY, lab.region(CITY), comparison.subject.value if comparison.subject else None)]
    bars += [(r, lab.region(r), b.value if b else None) for r, b in comparison.benchmarks.items()]
    gap_texts = {r: lab.t("growth_gap_label", gap=g.signed())
                 for r, g in comparison.gaps.items() if g is not None}
    figures = {CITY: comparison.subject, **comparison.benchmarks}
    notes = {r: lab.t(f"status_{f.status}") for r, f in figures.items()
             if f is not None and f.status != "published"}
    fig = lab.charts.make_period_bars_chart(
        bars, title=chart_title(lab, choice, industry, "growth_chart_period", period=period),
        y_title=lab.t("growth_axis_rate"), missing_text=lab.t("growth_not_published"),
        gap_texts=gap_texts, notes=notes)
    rows = [(comparison.subject, None)] if comparison.subject else []
    rows += [(b, comparison.gaps[r]) for r, b in comparison.benchmarks.items() if b]
    return "growth_chart_period", rows, fig, ""


def _gap_view(lab, obs, choice, industry, up_to, _comparison):
    """Qingdao minus each benchmark over time, in 百分点, where both rates are published."""
    ind = lab.ds.indicator(choice.indicator)
    gaps = derive_gap_series(obs, choice.indicator, industry, choice.year_from, choice.year_to,
                             choice.benchmarks, up_to)
    if gaps.empty:
        return "growth_chart_gap", [], lab.charts.make_empty_chart(lab.t("growth_no_gap")), ""
    grid = trim_grid(period_grid(ind["period_basis"], choice.year_from, choice.year_to), gaps)
    labels = {p: lab.period(p, ind) for p in grid}
    fig = lab.charts.make_gap_chart(
        gaps.assign(x=gaps["period"].map(labels)), x_values=[labels[p] for p in grid],
        region_names={r: lab.region(r) for r in choice.benchmarks},
        title=chart_title(lab, choice, industry, "growth_chart_gap"),
        y_title=lab.t("growth_axis_gap"), x_dates=period_end_dates(grid, ind["period_basis"]))
    rows = []
    for gap in gaps["gap"]:
        rows += [(gap.city, None), (gap.benchmark, gap)]
    unique = list({(f.region_code, f.period): (f, g) for f, g in rows}.values())
    return "growth_chart_gap", unique, fig, ""


@per_version
def build_district_section(lab: Labeller, comparisons: list[PeriodComparison], choice,
                           district: str, industry: str, point: str,
                           reading: str | None = None) -> SectionModel:
    """A district's rates period by period with the city's for the same period and the gap."""
    rows = []
    for c in comparisons:
        rows.append((c.subject, None))
        if c.benchmarks[CITY] is not None:
            rows.append((c.benchmarks[CITY], c.gaps[CITY]))
    filters = growth_filters(lab, choice, industry, point)
    filters[lab.t("growth_district")] = lab.region(district)
    return make_model(lab, "growth_district", lab.t("growth_districts"), figure_columns(lab),
                      make_figure_rows(lab, rows), filters=filters, reading=reading,
                      stem=("growth-district", choice.indicator, district, industry, point))
