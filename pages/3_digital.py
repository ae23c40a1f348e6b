"""数字化转型 Digital transformation: how far Qingdao's manufacturing has digitised, in counts.

Every count is a stock published for the whole city at the date of its report (most from the
press conference of 2 July 2024, later ones superseding them), so the industry filter narrows
only the named factories and platforms. China's and Shandong's counts stand beside Qingdao's;
a share is derived only for the same date and list (see metrics/counts.py).
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
from metrics.counts import DIGITAL_SECTIONS, derive_sections, timeline_indicators
from metrics.query import ALL_INDUSTRIES
from metrics.sections.counts import build_counts_section

VIEWS = ("counts", "timeline", "entities")

view = render_frame("nav_digital")
lang, ds = view.lang, view.ds

# 1/ Title, scope under an industry filter, and the choice of view (in the URL) ---------------
st.title(t("digital_title", lang))
st.caption(t("digital_intro", lang))
if view.industry != ALL_INDUSTRIES:
    st.info(t("digital_scope_notice", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/info:")
mode = render_url_segmented(st, t("digital_view", lang), keys.DIGITAL_VIEW, VIEWS, "counts",
                            lambda v: t(f"digital_view_{v}", lang))
view_filter = [(t("digital_view", lang), t(f"digital_view_{mode}", lang))]

# 2/ Data: each section's latest counts as of the chosen point, with their context ------------
sections = derive_sections(view.obs, DIGITAL_SECTIONS, view.industry, view.up_to)
names = {s.key: t(f"digital_h_{s.key}", lang) for s in DIGITAL_SECTIONS}

# 3/ The chosen view: counts by section, timelines of counts that changed, or named entities --
models = []
if mode == "counts":
    for counts in sections:
        render_count_section(view, counts, names[counts.section.key],
                             t(f"digital_intro_{counts.section.key}", lang))
    models.append(build_counts_section(make_labeller(ds, lang), "digital", sections, names,
                                       view.industry, view.point, view_filter))
    if not models[-1].empty:
        st.subheader(models[-1].title)
        render_section(view, models[-1], key="digital_counts")
elif mode == "timeline":
    st.caption(t("digital_timeline_intro", lang))
    models = [render_timeline(view, "digital", ind, "")
              for ind in timeline_indicators(view.obs, sections, view.up_to)]
    if not models:
        st.info(t("digital_no_timeline", lang), icon=":material/search_off:")
else:
    for section in (s for s in DIGITAL_SECTIONS if s.entity_types):
        st.subheader(names[section.key])
        models.append(render_entities(view, "digital", section.entity_types,
                                      names[section.key], view_filter))
render_brief_downloads(view, t("nav_digital", lang), models)

render_footer(view)
