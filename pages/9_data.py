"""数据与来源 Data & sources: every figure with its quoted source, and every table of the data."""
import streamlit as st

from components import keys
from components.coverage_view import render_coverage
from components.data import data_dir, get_sidecar
from components.export import render_zip_download
from components.brief import render_brief_downloads
from components.frame import render_footer, render_frame
from components.i18n import t
from components.section import render_section
from components.section_labels import make_labeller
from components.state import render_url_segmented, render_url_text
from components.tables import for_display, make_data_table, make_versions_table
from metrics.schema import TABLE_NAMES
from metrics.sections.base import view_filters
from metrics.sections.data import build_table_section, search_rows

# A screen table and its export hold at most this many observations; narrower filters or a
# search reach the rest.
MAX_SHOWN_ROWS = 1_000

view = render_frame("nav_data")
lang, ds = view.lang, view.ds
lab = make_labeller(ds, lang)

# 1/ Title and the choice of table -----------------------------------------------------------
st.title(t("data_title", lang))
st.caption(t("data_intro", lang))
table_name = render_url_segmented(st, t("data_table", lang), keys.DATA_TABLE,
                                  ("observations", "sources", "indicators", "entities",
                                   "targets", "regions", "industries", "revisions", "versions"),
                                  "observations", lambda name: t(f"tables_{name}", lang))
assert table_name in TABLE_NAMES + ("versions",)

# 2/ Search across every text column (kept in the URL) --------------------------------------
query = render_url_text(st, t("data_search", lang), keys.DATA_SEARCH).strip()
filters = view_filters(lab, view.industry, view.point,
                       [(t("data_table", lang), t(f"tables_{table_name}", lang)),
                        (t("data_search", lang), query)])
stem = ("data", table_name, view.industry, view.point)
title = t(f"tables_{table_name}", lang)

# 3/ Data: observations follow the sidebar filters (at most MAX_SHOWN_ROWS on screen) ---------
if table_name == "versions":  # read from the data folder on each run: not kept
    st.caption(t("versions_intro", lang))
    model = build_table_section(lab, make_versions_table(data_dir(), lang), table_name, title,
                                filters, stem)
    model, capped = search_rows(model, for_display(model.labelled()), query), None
else:
    model, capped = make_data_table(lab, view.obs, table_name, view.industry, view.up_to, query,
                                    title, filters, stem, MAX_SHOWN_ROWS)
if capped:
    st.info(t("data_rows_capped", lang, shown=capped[0], n=capped[1]),
            icon=":material/filter_list:")

# 4/ Table, its sources, and the downloads of exactly these rows (CSV, Excel, zip bundle) ----
st.caption(t("data_rows", lang, n=len(model.rows)))
tiers = ds["sources"]["tier"].value_counts()
st.caption(t("sources_by_tier", lang, a=tiers.get("A", 0), b=tiers.get("B", 0),
             c=tiers.get("C", 0)))
render_section(view, model, key="data_table",
               column_config={"url": st.column_config.LinkColumn()})
if not model.empty:
    render_zip_download(view, model, keys.EXPORT_DATA_ZIP, description=t("data_intro", lang),
                        metadata=get_sidecar(ds, table_name) if table_name in TABLE_NAMES
                        else {})
render_brief_downloads(view, t("nav_data", lang), [model])

render_coverage(view)
render_footer(view)
