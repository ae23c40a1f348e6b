"""Pure builders of the tables shown under charts and tiles and exported as CSV.

Columns are named in the interface language; values stay numbers (a bound such as "4,800 or
more" keeps 4800 in the value column and '>' in the qualifier column).
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from metrics.derive import Gap, format_number
from metrics.load import Dataset
from metrics.query import Figure

from components.i18n import t
from components.labels import (figure_industry_label, figure_period_label, region_label,
                               status_label,
                               unit_label)

FIGURE_COLUMNS = ("col_indicator", "col_region", "col_industry", "col_period", "col_value",
                  "col_qualifier", "col_unit", "col_status", "col_gap", "col_derivation",
                  "col_publisher", "col_source_title", "col_source_date", "col_url", "col_tier",
                  "col_quote")


def make_figure_table(ds: Dataset, rows: Iterable[tuple[Figure, Gap | None]],
                      lang: str) -> pd.DataFrame:
    """One row per figure with its gap to Qingdao (for benchmarks) and its full source.

    Lookups are done once per distinct code, not per row: the data page shows every
    observation.
    """
    indicators, sources = ds.indicators_by_id, ds.sources_by_id
    regions: dict[str, str] = {}
    industries: dict[tuple[str, str], str] = {}
    periods: dict[tuple[str, str], str] = {}
    records = []
    for fig, gap in rows:
        ind = {**indicators[fig.indicator_id], "indicator_id": fig.indicator_id}
        src = sources[fig.source_id]
        if fig.region_code not in regions:
            regions[fig.region_code] = region_label(ds, fig.region_code, lang)
        ikey = (fig.industry_code, fig.indicator_id)
        if ikey not in industries:
            industries[ikey] = figure_industry_label(ds, fig.industry_code, ind, lang)
        pkey = (fig.period, ind["period_basis"], fig.period_inferred)
        if pkey not in periods:
            periods[pkey] = figure_period_label(fig, ind, lang)
        derivation = gap.derivation if gap else (fig.derivation or "")
        records.append([
            ind[f"name_{lang}"], regions[fig.region_code], industries[ikey], periods[pkey],
            fig.value, fig.qualifier, unit_label(ind, lang), status_label(fig, lang),
            gap.value_pp if gap else None, derivation, src["publisher"], src["title"],
            src["date_published"], src["url"] or "", src["tier"], fig.quote])
    df = pd.DataFrame(records, columns=[t(c, lang) for c in FIGURE_COLUMNS])
    df[t("col_value", lang)] = df[t("col_value", lang)].astype("float64")
    df[t("col_gap", lang)] = df[t("col_gap", lang)].astype("float64")
    return df


def for_display(df: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.dataframe: numbers as published (no float noise), empty cells blank.

    Exports use the typed frame; this one is only for the screen.
    """
    out = df.copy()
    for col in out.columns:
        if str(col).lower() == "year":  # a year is no quantity: 2026, not 2,026
            out[col] = [("" if v is None or pd.isna(v) or v == "" else str(int(v)))
                        for v in out[col]]
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = [("" if pd.isna(v) else format_number(v)) for v in out[col]]
        elif out[col].dtype == object:
            out[col] = out[col].map(lambda v: "" if v is None else str(v))
    return out


def make_versions_table(folder, lang: str) -> pd.DataFrame:
    """Every data version, oldest first: id, time, files imported, added / revised / removed."""
    from metrics.ingest import history

    rows = [[v["version"],
             t("versions_current", lang) if v["current"]
             else t("versions_interrupted", lang) if v["interrupted"] else "",
             v["time"].replace("T", " ").rstrip("Z"), v["added"], v["revised"], v["removed"],
             "; ".join(v["inputs"]) if v["parent"] else t("versions_base", lang)]
            for v in history(folder)]
    # the long list of files last, so that the counts stay in view
    cols = ["version", "current", "time", "added", "revised", "removed", "inputs"]
    return pd.DataFrame(rows, columns=[t(f"versions_col_{c}", lang) for c in cols])
