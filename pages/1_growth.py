"""增速对比 Growth vs benchmarks: Qingdao's published growth rates against Shandong's and China's.

The page officials open most. Rates are the published ones (可比口径); gaps are derived in
百分点 from two published rates of the same period; nothing is interpolated.
"""
import streamlit as st

from components import keys
from components.export import render_csv_download
from components.frame import render_footer, render_frame
from components.growth_view import (render_districts, render_gap_view, render_growth_controls,
                                    render_industry_fallback, render_period_notice,
                                    render_period_view, render_rank, render_reading,
                                    render_time_view)
from components.i18n import t
from components.provenance import render_source_caption
from components.tables import for_display
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

    # 4/ The chosen view, its table, its sources, and the export of exactly its numbers --------
    if choice.mode == "time":
        table, source_ids = render_time_view(view, choice)
    elif choice.mode == "period":
        table, source_ids = render_period_view(view, choice, comparison)
    else:
        table, source_ids = render_gap_view(view, choice)
    with st.expander(t("h_table", lang), expanded=choice.mode == "period"):
        st.dataframe(for_display(table), hide_index=True)
    render_source_caption(ds, source_ids, lang, t("growth_gap_note", lang))
    render_csv_download(view, table, f"growth_{choice.indicator}_{choice.mode}",
                        keys.EXPORT_GROWTH,
                        {t("growth_indicator", lang): ds.name("indicators", choice.indicator, lang),
                         t("growth_view", lang): t(f"growth_view_{choice.mode}", lang)})

    # 5/ Districts against the city, and published ranks -------------------------------------
    render_districts(view, choice)
    render_rank(view, choice)

render_footer(view)
