"""The data page's coverage section: the monthly grid of cumulative value-added growth, periods
per indicator and region, and regions per division (see metrics.coverage)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.coverage import (GridReport, derive_division_coverage, derive_grid_report,
                              derive_period_coverage, region_order)
from metrics.periods import label_period
from metrics.query import CITY, COUNTRY, PROVINCE

from components.i18n import t
from components.labels import format_value, industry_label, region_label
from components.provenance import render_source_caption

# Cell colours: a figure, a gap, nothing at all (light enough for black text, both themes).
_FILLED, _GAP, _NONE = "background-color: #d9efe0", "background-color: #f8d7d3", "color: #888"


def _grid_table(ds, report: GridReport, lang: str) -> pd.DataFrame:
    """One row per period of the grid, one column per region: the value, or 'gap'."""
    ind = ds.indicator(report.indicator_id)
    rows = []
    for p in report.grid:
        row = {t("cov_col_period", lang): label_period(p, report.basis, lang)}
        for r in report.regions:
            cell = report.cells.get((r, p))
            row[region_label(ds, r, lang)] = (
                format_value(cell["value"], cell["qualifier"], ind, lang) if cell
                else t("cov_gap", lang))
        rows.append(row)
    return pd.DataFrame(rows)


def _style_gaps(table: pd.DataFrame, lang: str, first_col: bool = True):
    gap = t("cov_gap", lang)

    def colour(value: object) -> str:
        text = str(value)
        if text in ("", "—"):
            return _NONE
        return _GAP if gap in text else _FILLED
    cols = list(table.columns[1:] if first_col else table.columns)
    return table.style.map(colour, subset=cols)


# Coverage is counted once per data version and filter (the observations are the same for every
# session); the frame itself is not hashed (leading underscore), the version names it.
@st.cache_data(max_entries=64, show_spinner=False)
def _grid_report(version: str, up_to: int | None, _obs: pd.DataFrame) -> GridReport:
    return derive_grid_report(_obs, up_to=up_to)


@st.cache_data(max_entries=64, show_spinner=False)
def _period_coverage(version: str, industry: str, up_to: int | None,
                     _obs: pd.DataFrame) -> pd.DataFrame:
    return derive_period_coverage(_obs, industry, up_to=up_to)


@st.cache_data(max_entries=64, show_spinner=False)
def _division_coverage(version: str, up_to: int | None, _obs: pd.DataFrame,
                       _industries: pd.DataFrame) -> pd.DataFrame:
    return derive_division_coverage(_obs, _industries, up_to=up_to)


def render_grid_report(view) -> None:
    """Qingdao, Shandong and China, every month since January 2023: filled and gap months."""
    ds, lang = view.ds, view.lang
    report = _grid_report(ds.version, view.up_to, view.obs)
    name = ds.name("indicators", report.indicator_id, lang)
    if not report.grid:
        st.info(t("cov_grid_empty", lang, indicator=name, first=2023))
        return
    st.markdown("**" + t("cov_grid_head", lang, indicator=name,
                         first=label_period(report.grid[0], report.basis, lang),
                         last=label_period(report.grid[-1], report.basis, lang),
                         industry=industry_label(ds, report.industry_code, lang)) + "**")
    st.caption(t("cov_grid_note", lang))
    table = _grid_table(ds, report, lang)
    st.dataframe(_style_gaps(table, lang), hide_index=True, height=300)
    sep = "、" if lang == "zh" else ", "
    lines = []
    for r in report.regions:
        gaps = report.gaps(r)
        gap_list = (t("cov_gap_list", lang, periods=sep.join(
            label_period(p, report.basis, lang) for p in gaps)) if gaps else "")
        lines.append(t("cov_grid_region", lang, region=region_label(ds, r, lang),
                       n_grid=len(report.grid), n_filled=len(report.filled(r)),
                       n_gaps=len(gaps), gap_list=gap_list))
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("cov_source", lang, version=ds.version))
    render_source_caption(ds, report.source_ids, lang)


def make_indicator_matrix(ds, coverage: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators down, regions across: 'n' periods, '· gap k' when some are missing."""
    if coverage.empty:
        return pd.DataFrame()
    regions = region_order(coverage["region_code"], ds["regions"])
    gap = t("cov_gap", lang)
    cells = {}
    for r in coverage.to_dict("records"):
        text = str(r["n_periods"])
        if pd.notna(r["n_gaps"]) and r["n_gaps"]:
            text += f" · {gap} {r['n_gaps']}"
        cells[(r["indicator_id"], r["region_code"])] = text
    rows = []
    for ind in dict.fromkeys(coverage["indicator_id"]):
        row = {t("cov_col_indicator", lang): ds.name("indicators", ind, lang)}
        for reg in regions:
            row[region_label(ds, reg, lang)] = cells.get((ind, reg), "—")
        rows.append(row)
    return pd.DataFrame(rows)


def make_indicator_details(ds, coverage: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per indicator and region: basis, count, first, last and the gap periods."""
    sep = "、" if lang == "zh" else ", "
    rows = []
    for r in coverage.to_dict("records"):
        basis = r["period_basis"]
        rows.append({
            t("cov_col_indicator", lang): ds.name("indicators", r["indicator_id"], lang),
            t("cov_col_region", lang): region_label(ds, r["region_code"], lang),
            t("cov_col_basis", lang): t(f"cov_basis_{basis}", lang),
            t("cov_col_n", lang): r["n_periods"],
            t("cov_col_first", lang): label_period(r["first"], basis, lang),
            t("cov_col_last", lang): label_period(r["last"], basis, lang),
            t("cov_col_gaps", lang): sep.join(label_period(p, basis, lang) for p in r["gaps"]),
        })
    return pd.DataFrame(rows)


def make_division_matrix(ds, counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Divisions down, regions across: the number of figures, '—' for none."""
    regions = region_order(counts.columns, ds["regions"])
    rows = []
    for code, row in counts.iterrows():
        label = industry_label(ds, code, lang)
        # manufacturing labels carry the division number ('38 电气机械…'): 'C38 电气机械…'
        number = code[1:] + " "
        shown = code + " " + (label[len(number):] if label.startswith(number) else label)
        out = {t("cov_col_division", lang): shown}
        for reg in regions:
            out[region_label(ds, reg, lang)] = str(row[reg]) if row[reg] else "—"
        rows.append(out)
    return pd.DataFrame(rows)


def render_coverage(view) -> None:
    """The coverage section of the data page, in the view's language, following the sidebar's
    industry (for the periods per indicator) and period (for all three)."""
    ds, lang = view.ds, view.lang
    st.subheader(t("cov_title", lang))
    st.caption(t("cov_intro", lang))
    render_grid_report(view)

    coverage = _period_coverage(ds.version, view.industry, view.up_to, view.obs)
    st.markdown("**" + t("cov_ind_head", lang,
                         industry=industry_label(ds, view.industry, lang)) + "**")
    st.caption(t("cov_ind_note", lang))
    matrix = make_indicator_matrix(ds, coverage, lang)
    if not matrix.empty:
        st.dataframe(_style_gaps(matrix, lang), hide_index=True, height=320)
        with st.expander(t("cov_ind_detail", lang)):
            st.dataframe(make_indicator_details(ds, coverage, lang), hide_index=True)

    counts = _division_coverage(ds.version, view.up_to, view.obs, ds["industries"])
    st.markdown("**" + t("cov_div_head", lang) + "**")
    st.caption(t("cov_div_note", lang))
    have = {reg: int((counts[reg] > 0).sum()) if reg in counts else 0
            for reg in (COUNTRY, PROVINCE, CITY)}
    st.caption(t("cov_div_summary", lang, n_div=len(counts), n_cn=have[COUNTRY],
                 n_sd=have[PROVINCE], n_qd=have[CITY]))
    st.dataframe(_style_gaps(make_division_matrix(ds, counts, lang), lang), hide_index=True,
                 height=320)
