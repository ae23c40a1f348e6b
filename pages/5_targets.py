"""目标进度 Targets: every target the data holds, with its period, source and progress.

Targets come from the article's "next steps" (2024) and the 2022-2026 plan. An actual is a
published figure of the same indicator, region and industry (metrics/progress.py); a target
without one says so and is never drawn as 0 % done.
"""
import streamlit as st

from components import keys
from components.counts_view import (make_targets_table, render_progress_chart,
                                    render_target_card)
from components.export import render_csv_download
from components.frame import render_footer, render_frame
from components.i18n import t
from components.labels import industry_label
from components.provenance import render_source_caption
from components.state import render_url_segmented
from components.tables import for_display
from metrics.progress import STATES, count_states, derive_targets

CARDS_PER_ROW = 2

view = render_frame("nav_targets")
lang, ds = view.lang, view.ds

# 1/ Data: every target and its progress as of the chosen point --------------------------------
progress = derive_targets(ds, view.obs, view.up_to)
counts = count_states(progress)

# 2/ Title, summary, and the status filter (in the URL) ----------------------------------------
st.title(t("targets_title", lang))
st.caption(t("targets_intro", lang))
st.markdown(t("targets_summary", lang, n=len(progress), **counts))
if view.industry != "ALL":
    st.info(t("targets_scope_notice", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/info:")
status = render_url_segmented(
    st, t("targets_status", lang), keys.TARGETS_STATUS, ("all", *STATES), "all",
    lambda s: t(f"targets_status_{s}", lang, n=len(progress) if s == "all" else counts[s]))
shown = [p for p in progress if status in ("all", p.state)]

# 3/ Progress bars for the targets with an actual; the others say so in their row ------------
if not shown:
    st.info(t("targets_none_in_status", lang), icon=":material/search_off:")
elif any(p.actual is not None for p in shown):
    render_progress_chart(view, shown)
else:
    st.info(t("targets_no_actual_any", lang, n=len(shown)), icon=":material/info:")

# 4/ One card per target: target, period, actual or its absence, gap and pace, source ---------
for start in range(0, len(shown), CARDS_PER_ROW):
    for col, p in zip(st.columns(CARDS_PER_ROW), shown[start:start + CARDS_PER_ROW]):
        with col:
            render_target_card(view, p)
source_ids = [p.target.source_id for p in shown] + [p.actual.source_id for p in shown if p.actual]
render_source_caption(ds, source_ids, lang)

# 5/ Table of exactly these targets and its export --------------------------------------------
table = make_targets_table(ds, shown, lang)
st.subheader(t("h_table", lang))
st.dataframe(for_display(table), hide_index=True)
render_source_caption(ds, source_ids, lang)
render_csv_download(view, table, "targets", keys.EXPORT_TARGETS,
                    {t("targets_status", lang): status})

render_footer(view)
