"""数字化转型 Digital transformation: how far Qingdao's manufacturing has digitised, in counts.

Every count is a stock published for the whole city at the date of its report (most from the
press conference of 2 July 2024, later ones superseding them), so the industry filter narrows
only the named factories and platforms. China's and Shandong's counts stand beside Qingdao's;
a share is derived only for the same date and list (see metrics/counts.py).
"""
import pandas as pd
import streamlit as st

from components import keys
from components.counts_view import (make_counts_table, render_count_section, render_entities,
                                    render_timeline)
from components.export import render_csv_download
from components.frame import render_footer, render_frame
from components.i18n import t
from components.labels import industry_label
from components.provenance import render_source_caption
from components.state import render_url_segmented
from components.tables import for_display
from metrics.counts import DIGITAL_SECTIONS, derive_sections, timeline_indicators

VIEWS = ("counts", "timeline", "entities")

view = render_frame("nav_digital")
lang, ds = view.lang, view.ds

# 1/ Title, scope under an industry filter, and the choice of view (in the URL) ---------------
st.title(t("digital_title", lang))
st.caption(t("digital_intro", lang))
if view.industry != "ALL":
    st.info(t("digital_scope_notice", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/info:")
mode = render_url_segmented(st, t("digital_view", lang), keys.DIGITAL_VIEW, VIEWS, "counts",
                            lambda v: t(f"digital_view_{v}", lang))

# 2/ Data: each section's latest counts as of the chosen point, with their context ------------
sections = derive_sections(view.obs, DIGITAL_SECTIONS, view.industry, view.up_to)
names = {s.key: t(f"digital_h_{s.key}", lang) for s in DIGITAL_SECTIONS}

# 3/ The chosen view: counts by section, timelines of counts that changed, or named entities --
if mode == "counts":
    for counts in sections:
        render_count_section(view, counts, names[counts.section.key],
                             t(f"digital_intro_{counts.section.key}", lang))
    table = make_counts_table(ds, sections, names, lang)
    if not table.empty:
        st.subheader(t("h_table", lang))
        st.dataframe(for_display(table), hide_index=True)
        render_source_caption(ds, [s for c in sections for s in c.source_ids()], lang)
elif mode == "timeline":
    st.caption(t("digital_timeline_intro", lang))
    tables = [render_timeline(view, ind, "digital_timeline")[0]
              for ind in timeline_indicators(view.obs, sections, view.up_to)]
    if not tables:
        st.info(t("digital_no_timeline", lang), icon=":material/search_off:")
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
else:
    tables = []
    for section in (s for s in DIGITAL_SECTIONS if s.entity_types):
        st.subheader(names[section.key])
        tables.append(render_entities(view, section.entity_types)[0])
    table = pd.concat(tables, ignore_index=True)

# 4/ Export exactly the table of the chosen view ---------------------------------------------
if not table.empty:
    render_csv_download(view, table, f"digital_{mode}", keys.EXPORT_DIGITAL,
                        {t("digital_view", lang): mode})

render_footer(view)
