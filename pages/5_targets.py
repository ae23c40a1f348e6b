"""目标进度 Targets: every target the data holds, with its status light, period and source.

Targets come from the article's "next steps" (2024) and the 2022-2026 plan. The status (met /
on pace / behind / unknown) follows the rules in metrics/progress.py from a published actual of
the same indicator, region and industry; a target without one is "unknown", never 0 % done,
and shows the nearest published proxy as context and the date its next figure is due.
"""
from datetime import date

import streamlit as st

from components import keys
from components.brief import render_brief_downloads
from components.frame import render_footer, render_frame
from components.labels import industry_label
from components.section import render_section
from components.section_labels import make_labeller
from components.state import render_url_segmented
from components.targets_view import render_rules, render_status_counts, render_target_cards
from metrics.progress import STATUSES, count_statuses, derive_targets
from metrics.query import ALL_INDUSTRIES
from metrics.sections.targets import brief_section, build_targets_section, status_words

view = render_frame("nav_targets")
lang, ds = view.lang, view.ds
lab = make_labeller(ds, lang)

# 1/ Data: every target and its status as of the chosen point (next due dates from today) -----
progress = derive_targets(ds, view.obs, view.up_to, date.today())
counts = count_statuses(progress)

# 2/ Title, counts per status, how the status is decided, the status filter (in the URL) ------
st.title(lab.t("targets_title"))
st.caption(lab.t("targets_intro"))
render_status_counts(lab, counts)
st.markdown(lab.t("targets_summary", n=len(progress), **counts,
                  no_actual=sum(p.actual is None for p in progress)))
render_rules(lab)
if view.industry != ALL_INDUSTRIES:
    st.info(lab.t("targets_scope_notice", industry=industry_label(ds, view.industry, lang)),
            icon=":material/info:")
status = render_url_segmented(
    st, lab.t("targets_status"), keys.TARGETS_STATUS, ("all", *STATUSES), "all",
    lambda s: lab.t("targets_status_option",
                    label=lab.t("targets_status_all") if s == "all" else status_words(lab, s),
                    n=len(progress) if s == "all" else counts[s]))
shown = [p for p in progress if status in ("all", p.status)]

# 3/ The section of these targets: progress bars where a share can be drawn, and the table ----
model = build_targets_section(lab, shown, industry=view.industry, point=view.point,
                              status=status)
if not shown:
    st.info(lab.t("targets_none_in_status"), icon=":material/search_off:")
elif model.figure is not None:
    st.plotly_chart(model.figure, key="targets_chart")
else:
    st.info(lab.t("targets_no_share_any", n=len(shown)), icon=":material/info:")

# 4/ One card per target: status light, target, actual or proxy and next due date, rule -------
render_target_cards(view, lab, shown)

# 5/ The table of exactly these targets, its sources and downloads (CSV, Excel, chart image) ---
render_section(view, model, key="targets", heading=True, show_chart=False)
render_brief_downloads(view, lab.t("nav_targets"), [brief_section(model)])

render_footer(view)
