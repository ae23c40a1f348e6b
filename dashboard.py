"""总览 Overview: Qingdao's headline industrial figures, each with its benchmarks and source.

This is the entry script of `streamlit run dashboard.py` and the first page. Every page runs the
shared frame first (page config, navigation, language/industry/period filters in the URL).
"""
import streamlit as st

from components import keys
from components.charts import make_empty_chart, make_trend_chart
from components.export import render_csv_download
from components.frame import render_footer, render_frame
from components.i18n import t
from components.kpi import render_tile_row, tile_source_ids
from components.labels import industry_label, region_label
from components.provenance import render_source_caption
from components.tables import for_display, make_figure_table
from metrics.overview import derive_overview, derive_trend
from metrics.query import BENCHMARK_REGIONS, CITY, Figure

view = render_frame("nav_overview")
lang, ds = view.lang, view.ds

# 1/ Title ------------------------------------------------------------------------------------
st.title(t("app_title", lang))
st.caption(t("app_subtitle", lang))

# 2/ Data: the headline figures as of the chosen point, for the chosen industry ---------------
overview = derive_overview(view.obs, view.industry, view.up_to)
if overview.empty:
    st.info(t("no_figure_industry", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/search_off:")

# 3/ KPI tiles, section by section, each row with its source caption --------------------------
sections = (("h_growth", overview.growth),
            ("h_groups", overview.groups),
            ("h_scale" if view.industry == "ALL" else "h_figures", overview.scale))
for heading, tiles in sections:
    if tiles:
        st.subheader(t(heading, lang))
        render_tile_row(view, tiles)
        render_source_caption(ds, tile_source_ids(tiles), lang,
                              t("gap_caption", lang) if any(x.gaps for x in tiles) else None)

# 4/ Trend: full-year value-added growth, Qingdao against Shandong and China -----------------
regions = (CITY, *BENCHMARK_REGIONS)
trend = derive_trend(view.obs, view.industry, regions, view.up_to)
st.subheader(t("h_trend", lang))
if trend.empty:
    st.plotly_chart(make_empty_chart(t("trend_empty", lang)), key="trend_chart")
else:
    chart_df = trend.assign(x=trend["year"].astype(str), label=trend["year"].astype(str))
    years = sorted(chart_df["x"].unique())
    st.plotly_chart(make_trend_chart(
        chart_df, x_values=years, region_names={r: region_label(ds, r, lang) for r in regions},
        title=t("trend_title", lang, industry=industry_label(ds, view.industry, lang)),
        x_title=t("axis_year", lang), y_title=t("axis_growth", lang),
        no_figure_text=t("chart_no_figure", lang)), key="trend_chart")
    trend_figs = [Figure.from_row(r) for _, r in trend.iterrows()]
    with st.expander(t("h_table", lang)):
        st.dataframe(for_display(make_figure_table(ds, [(f, None) for f in trend_figs], lang)),
                     hide_index=True)
    render_source_caption(ds, [f.source_id for f in trend_figs], lang, t("status_markers", lang))

# 5/ Table and export of exactly the tiles' numbers --------------------------------------------
if not overview.empty:
    st.subheader(t("h_table", lang))
    rows = [(x.figure, None) for x in overview.tiles()]
    rows += [(b, g) for x in overview.tiles() for b, g in zip(x.benchmarks, x.gaps) if b]
    table = make_figure_table(ds, rows, lang)
    st.dataframe(for_display(table), hide_index=True)
    render_source_caption(ds, tile_source_ids(overview.tiles()), lang)
    render_csv_download(view, table, "overview", keys.EXPORT_OVERVIEW)

render_footer(view)
