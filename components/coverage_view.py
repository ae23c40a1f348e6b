"""The data page's coverage section: the monthly grid of cumulative value-added growth, periods
per indicator and region, and regions per division (see metrics.coverage)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from metrics.coverage import (GridReport, derive_division_coverage, derive_grid_report,
                              derive_period_coverage, region_order)
from metrics.memo import per_version
from metrics.periods import label_period
from metrics.query import CITY, COUNTRY, PROVINCE

from components.i18n import t
from components.labels import format_value, industry_label, region_label
from components.provenance import render_source_caption

# Cell classes (colours in components/assets/app.css, dark text on light fills in both themes,
# at least 7:1): a figure, a gap, nothing at all. The words in the cell say the same.
_FILLED, _GAP, _NONE = "cov-filled", "cov-gap", "cov-none"


@per_version
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


def _cell_class(text: str, gap: str) -> str:
    if text in ("", "—"):
        return _NONE
    return _GAP if gap in text else _FILLED


@per_version
def make_coverage_table_html(table: pd.DataFrame, lang: str, caption: str,
                             first_col: bool = True) -> str:
    """A coverage matrix as an HTML table (every cell escaped): the row names as row headers,
    each cell coloured by what it holds. HTML, not a styled st.dataframe: pandas' Styler cost
    ~130 ms a rerun on this page, and the whole table prints."""
    gap = t("cov_gap", lang)
    cols = list(table.columns)
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in cols)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for i, value in enumerate(row):
            text = html.escape(str(value))
            if i == 0 and first_col:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td class="{_cell_class(str(value), gap)}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="qd-cov-wrap" tabindex="0" role="region" '
            f'aria-label="{html.escape(caption)}"><table class="qd-cov-table">'
            f"<caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def render_grid_report(view) -> None:
    """Qingdao, Shandong and China, every month since January 2023: filled and gap months."""
    ds, lang = view.ds, view.lang
    report = derive_grid_report(view.obs, up_to=view.up_to)
    name = ds.name("indicators", report.indicator_id, lang)
    if not report.grid:
        st.info(t("cov_grid_empty", lang, indicator=name, first=2023))
        return
    st.markdown("**" + t("cov_grid_head", lang, indicator=name,
                         first=label_period(report.grid[0], report.basis, lang),
                         last=label_period(report.grid[-1], report.basis, lang),
                         industry=industry_label(ds, report.industry_code, lang)) + "**")
    st.caption(t("cov_grid_note", lang))
    st.html(make_coverage_table_html(_grid_table(ds, report, lang), lang,
                                     t("cov_grid_caption", lang, indicator=name)))
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


@per_version
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


@per_version
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


@per_version
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

    coverage = derive_period_coverage(view.obs, view.industry, up_to=view.up_to)
    st.markdown("**" + t("cov_ind_head", lang,
                         industry=industry_label(ds, view.industry, lang)) + "**")
    st.caption(t("cov_ind_note", lang))
    matrix = make_indicator_matrix(ds, coverage, lang)
    if not matrix.empty:
        st.html(make_coverage_table_html(matrix, lang, t("cov_ind_caption", lang)))
        with st.expander(t("cov_ind_detail", lang)):
            st.dataframe(make_indicator_details(ds, coverage, lang), hide_index=True)

    counts = derive_division_coverage(view.obs, ds["industries"], up_to=view.up_to)
    st.markdown("**" + t("cov_div_head", lang) + "**")
    st.caption(t("cov_div_note", lang))
    have = {reg: int((counts[reg] > 0).sum()) if reg in counts else 0
            for reg in (COUNTRY, PROVINCE, CITY)}
    st.caption(t("cov_div_summary", lang, n_div=len(counts), n_cn=have[COUNTRY],
                 n_sd=have[PROVINCE], n_qd=have[CITY]))
    st.html(make_coverage_table_html(make_division_matrix(ds, counts, lang), lang,
                                     t("cov_div_caption", lang)))
