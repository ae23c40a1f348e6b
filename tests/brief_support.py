"""Section models made from what the overview shows today (bundled data), for the chart image
and brief tests and the brief screenshots: the full-year growth trend (a chart) and the headline
tiles (a table). Built as the page builds them: derive_* from metrics, labels from components.
"""
from __future__ import annotations

import pandas as pd

from components.charts import make_trend_chart
from components.i18n import t
from components.labels import period_label, region_label, unit_label
from metrics.load import load_dataset
from metrics.overview import derive_overview, derive_trend
from metrics.query import BENCHMARK_REGIONS, CITY, enrich_observations
from metrics.section import NUMBER, TEXT, Column, SectionModel


def load_bundled():
    ds = load_dataset()
    return ds, enrich_observations(ds)


def _columns(lang: str) -> tuple[Column, ...]:
    return (Column("indicator", t("col_indicator", lang)), Column("region", t("col_region", lang)),
            Column("period", t("col_period", lang)),
            Column("value", t("col_value", lang), NUMBER, decimals=1),
            Column("unit", t("col_unit", lang)),
            Column("source_id", "source_id", TEXT))


def make_trend_model(ds, obs, lang: str, filters: dict[str, str]) -> SectionModel:
    regions = (CITY, *BENCHMARK_REGIONS)
    trend = derive_trend(obs, "ALL", regions)
    ind = {**ds.indicator("iva_growth_cum"), "indicator_id": "iva_growth_cum"}
    rows = pd.DataFrame({
        "indicator": ind[f"name_{lang}"],
        "region": [region_label(ds, r, lang) for r in trend["region_code"]],
        "period": [period_label(p, ind, lang) for p in trend["period"]],
        "value": trend["value"].astype("float64"),
        "unit": unit_label(ind, lang), "source_id": trend["source_id"]})
    chart_df = trend.assign(x=trend["year"].astype(str), label=trend["year"].astype(str))
    years = sorted(chart_df["x"].unique())
    fig = make_trend_chart(chart_df, x_values=years,
                           region_names={r: region_label(ds, r, lang) for r in regions},
                           title=t("trend_title", lang, industry=filters.get("industry", "")),
                           x_title=t("axis_year", lang), y_title=t("axis_growth", lang))
    return SectionModel(
        id="overview_trend", lang=lang, title=t("h_trend", lang), columns=_columns(lang),
        rows=rows, source_ids=tuple(dict.fromkeys(trend["source_id"])),
        period_label=f"{years[0]}–{years[-1]}", figure=fig.to_dict(), filters=filters,
        data_version=ds.version, link="/?lang=" + lang,
        reading=None)


def make_tiles_model(ds, obs, lang: str, filters: dict[str, str]) -> SectionModel:
    overview = derive_overview(obs, "ALL", None)
    records = []
    for tile in overview.tiles():
        fig = tile.figure
        ind = {**ds.indicator(fig.indicator_id), "indicator_id": fig.indicator_id}
        records.append([ind[f"name_{lang}"], region_label(ds, fig.region_code, lang),
                        period_label(fig.period, ind, lang), fig.value, unit_label(ind, lang),
                        fig.source_id])
    rows = pd.DataFrame(records, columns=["indicator", "region", "period", "value", "unit",
                                          "source_id"])
    rows["value"] = rows["value"].astype("float64")
    return SectionModel(
        id="overview_tiles", lang=lang, title=t("h_growth", lang), columns=_columns(lang),
        rows=rows, source_ids=tuple(dict.fromkeys(rows["source_id"])), filters=filters,
        data_version=ds.version, link="/?lang=" + lang)


def sources_of(ds, models) -> dict[str, dict]:
    ids = dict.fromkeys(s for m in models for s in m.source_ids)
    return {sid: dict(ds.source(sid)) for sid in ids}
