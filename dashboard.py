"""总览 Overview: Qingdao's headline industrial figures, each with its benchmarks and source.

This is the entry script of `streamlit run dashboard.py` and the first page. Every page runs the
shared frame first (page config, navigation, language/industry/period filters in the URL).
"""
import streamlit as st

from components.brief import render_brief_downloads
from components.frame import render_footer, render_frame
from components.i18n import t
from components.kpi import render_tile_row, tile_source_ids
from components.labels import industry_label
from components.provenance import render_source_caption
from components.section import render_section
from components.section_labels import make_labeller
from metrics.overview import derive_overview
from metrics.query import ALL_INDUSTRIES
from metrics.sections.overview import build_tiles_section, build_trend_section

view = render_frame("nav_overview")
lang, ds = view.lang, view.ds
lab = make_labeller(ds, lang)

# 1/ Title ------------------------------------------------------------------------------------
st.title(t("app_title", lang))
st.caption(t("app_subtitle", lang))

# 2/ Data: the headline figures as of the chosen point, for the chosen industry ---------------
overview = derive_overview(view.obs, view.industry, view.up_to)
if overview.empty:
    st.info(t("no_figure_industry", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/search_off:")

# 3/ KPI tiles, section by section, each row with its source caption --------------------------
rows = (("h_growth", overview.growth),
        ("h_groups", overview.groups),
        ("h_scale" if view.industry == ALL_INDUSTRIES else "h_figures", overview.scale))
for heading, tiles in rows:
    if tiles:
        st.subheader(t(heading, lang))
        render_tile_row(view, tiles)
        render_source_caption(ds, tile_source_ids(tiles), lang,
                              t("gap_caption", lang) if any(x.gaps for x in tiles) else None)

# 4/ The tiles' numbers as a table, with their downloads ---------------------------------------
models = []
if not overview.empty:
    models.append(build_tiles_section(lab, overview, view.industry, view.point))
    st.subheader(models[-1].title)
    render_section(view, models[-1], key="overview_tiles")

# 5/ Trend: full-year value-added growth, Qingdao against Shandong and China -----------------
st.subheader(t("h_trend", lang))
models.append(build_trend_section(lab, view.obs, view.industry, view.point, view.up_to))
render_section(view, models[-1], key="overview_trend", table="expander")
render_brief_downloads(view, t("nav_overview", lang), models)

render_footer(view)
