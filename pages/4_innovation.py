"""创新能力 Innovation: Qingdao's innovation platforms, breakthroughs, honoured firms, products
and AI, read top to bottom, each count with its date and source.

The counts are city-wide stocks at the date of each report (most from the press conference of
2 July 2024); a later count supersedes an earlier one (single champions 31, 39, 45), and counts
that changed are drawn as a timeline. The industry filter narrows only the named centres.
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
from metrics.counts import INNOVATION_SECTIONS, derive_sections, timeline_indicators

view = render_frame("nav_innovation")
lang, ds = view.lang, view.ds
names = {s.key: t(f"innovation_h_{s.key}", lang) for s in INNOVATION_SECTIONS}

# 1/ Title, scope under an industry filter, and the group to read (in the URL) ----------------
st.title(t("innovation_title", lang))
st.caption(t("innovation_intro", lang))
if view.industry != "ALL":
    st.info(t("digital_scope_notice", lang, industry=industry_label(ds, view.industry, lang)),
            icon=":material/info:")
group = render_url_segmented(st, t("innovation_group", lang), keys.INNOVATION_GROUP,
                             ("all", *names), "all",
                             lambda g: t("innovation_all", lang) if g == "all" else names[g])

# 2/ Data: the chosen sections' latest counts as of the chosen point ---------------------------
chosen = tuple(s for s in INNOVATION_SECTIONS if group in ("all", s.key))
sections = derive_sections(view.obs, chosen, view.industry, view.up_to)

# 3/ Section by section: counts, the timeline of counts that changed, the named entities -------
timeline_tables = []
for counts in sections:
    key = counts.section.key
    render_count_section(view, counts, names[key], t(f"innovation_intro_{key}", lang))
    for ind in timeline_indicators(view.obs, [counts], view.up_to):
        timeline, _ = render_timeline(view, ind, "innovation_timeline")
        timeline_tables.append(timeline.assign(**{t("digital_col_section", lang): names[key]}))
    if counts.section.entity_types:
        st.markdown(f"**{t('innovation_named', lang)}**")
        render_entities(view, counts.section.entity_types)

# 4/ Table of every count on screen (timeline points included) and its export ----------------
table = pd.concat([make_counts_table(ds, sections, names, lang), *timeline_tables],
                  ignore_index=True)
# A count on a tile can also be a point of its timeline: list each figure once.
key_cols = [t(c, lang) for c in ("col_indicator", "col_region", "col_industry", "col_period")]
table = table.drop_duplicates([c for c in key_cols if c in table.columns], ignore_index=True)
if not table.empty:
    st.subheader(t("h_table", lang))
    st.dataframe(for_display(table), hide_index=True)
    render_source_caption(ds, [s for c in sections for s in c.source_ids()], lang)
    render_csv_download(view, table, "innovation", keys.EXPORT_INNOVATION,
                        {t("innovation_group", lang): group})

render_footer(view)
