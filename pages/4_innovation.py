"""创新能力 Innovation: Qingdao's innovation platforms, breakthroughs, honoured firms, products
and AI, read top to bottom, each count with its date and source.

The counts are city-wide stocks at the date of each report (most from the press conference of
2 July 2024); a later count supersedes an earlier one (single champions 31, 39, 45), and counts
that changed are drawn as a timeline. The industry filter narrows only the named centres.
"""
import streamlit as st

from components import keys
from components.counts_view import render_count_section, render_entities, render_timeline
from components.brief import render_brief_downloads
from components.frame import render_footer, render_frame
from components.i18n import t
from components.labels import industry_label
from components.section import render_section
from components.section_labels import make_labeller
from components.state import render_url_segmented
from metrics.counts import INNOVATION_SECTIONS, derive_sections, timeline_indicators
from metrics.query import ALL_INDUSTRIES
from metrics.sections.counts import build_counts_section

view = render_frame("nav_innovation")
lang, ds = view.lang, view.ds
names = {s.key: t(f"innovation_h_{s.key}", lang) for s in INNOVATION_SECTIONS}

# 1/ Title, scope under an industry filter, and the group to read (in the URL) ----------------
st.title(t("innovation_title", lang))
st.caption(t("innovation_intro", lang))
if view.industry != ALL_INDUSTRIES:
    st.info(t("digital_scope_notice", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/info:")
group = render_url_segmented(st, t("innovation_group", lang), keys.INNOVATION_GROUP,
                             ("all", *names), "all",
                             lambda g: t("innovation_all", lang) if g == "all" else names[g])
group_filter = [(t("innovation_group", lang),
                 t("innovation_all", lang) if group == "all" else names[group])]

# 2/ Data: the chosen sections' latest counts as of the chosen point ---------------------------
chosen = tuple(s for s in INNOVATION_SECTIONS if group in ("all", s.key))
sections = derive_sections(view.obs, chosen, view.industry, view.up_to)

# 3/ Section by section: counts, the timeline of counts that changed, the named entities -------
timelines, models = [], []
for counts in sections:
    key = counts.section.key
    render_count_section(view, counts, names[key], t(f"innovation_intro_{key}", lang))
    for ind in timeline_indicators(view.obs, [counts], view.up_to):
        timelines.append(render_timeline(view, "innovation", ind, names[key]))
    if counts.section.entity_types:
        st.markdown(f"**{t('innovation_named', lang)}**")
        models.append(render_entities(view, "innovation", counts.section.entity_types,
                                      names[key], group_filter))

# 4/ Table of every count on screen (timeline points listed once) and its downloads ----------
table = build_counts_section(make_labeller(ds, lang), "innovation", sections, names,
                             view.industry, view.point, group_filter, timelines)
if not table.empty:
    st.subheader(table.title)
    render_section(view, table, key="innovation_counts")
render_brief_downloads(view, t("nav_innovation", lang), [table, *timelines, *models])

render_footer(view)
