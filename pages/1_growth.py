"""增速对比 Growth vs benchmarks: Qingdao's published growth rates against Shandong's and China's.

The page officials open most. Rates are the published ones (可比口径); gaps are derived in
百分点 from two published rates of the same period; nothing is interpolated.
"""
import streamlit as st

from components.brief import render_brief_downloads
from components.frame import render_footer, render_frame
from components.growth_view import (render_districts, render_growth_controls,
                                    render_growth_section, render_industry_fallback,
                                    render_period_notice, render_rank, render_reading)
from components.i18n import t
from metrics.growth import derive_period_comparison

view = render_frame("nav_growth")
lang, ds = view.lang, view.ds

# 1/ Title and choices (indicator, view, benchmarks, years, period: all in the URL) ------------
st.title(t("growth_title", lang))
st.caption(t("growth_intro", lang))
choice = render_growth_controls(view)
render_period_notice(view, choice)

# 2/ Industry coverage: Qingdao publishes rates for few industries; say so, offer the nearest --
if choice.period is None:
    render_industry_fallback(view, choice)
else:
    comparison = derive_period_comparison(view.obs, choice.indicator, view.industry, choice.period,
                                          benchmarks=choice.benchmarks)

    # 3/ Reading for a report, generated from the figures of the chosen period ------------------
    render_reading(view, comparison, choice)

    # 4/ The chosen view: chart, table, sources and downloads of exactly its numbers -----------
    models = [render_growth_section(view, choice, comparison)]

    # 5/ Districts against the city, and published ranks -------------------------------------
    models.append(render_districts(view, choice))
    render_rank(view, choice)
    render_brief_downloads(view, t("nav_growth", lang), [m for m in models if m is not None])

render_footer(view)
