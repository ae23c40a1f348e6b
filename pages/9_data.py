"""数据与来源 Data & sources: every figure with its quoted source, and every table of the data."""
import streamlit as st

from components import keys
from components.coverage_view import render_coverage
from components.data import data_dir, get_sidecar
from components.export import render_csv_download, render_zip_download
from components.frame import render_footer, render_frame
from components.i18n import t
from components.provenance import render_source_caption
from components.state import render_url_segmented, render_url_text
from components.tables import for_display, make_figure_table, make_versions_table
from metrics.query import Figure, limit_rows, select
from metrics.schema import TABLE_NAMES

# A screen table and its export hold at most this many observations; narrower filters or a
# search reach the rest.
MAX_SHOWN_ROWS = 1_000

view = render_frame("nav_data")
lang, ds = view.lang, view.ds

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

# 3/ Data: observations follow the sidebar filters (at most MAX_SHOWN_ROWS on screen) ---------
capped = None
if table_name == "observations":
    industry = None if view.industry == "ALL" else view.industry
    rows, total = limit_rows(select(view.obs, industry_code=industry, up_to=view.up_to), query,
                             MAX_SHOWN_ROWS)
    capped = (len(rows), total) if total > len(rows) else None
    table = make_figure_table(ds, [(Figure.from_row(r), None) for r in rows.to_dict("records")],
                              lang)
    source_ids = list(rows["source_id"])
elif table_name == "versions":
    st.caption(t("versions_intro", lang))
    table = make_versions_table(data_dir(), lang)
    source_ids = []
else:
    table = ds[table_name].copy().reset_index(drop=True)
    if "industry_codes" in table:
        table["industry_codes"] = table["industry_codes"].map(";".join)
    source_ids = list(table["source_id"]) if "source_id" in table else []
if query:
    found = for_display(table).agg(" ".join, axis=1).str.contains(query, case=False, regex=False)
    table = table[found]
    source_ids = [s for s, keep in zip(source_ids, found) if keep] if source_ids else []
if capped:
    st.info(t("data_rows_capped", lang, shown=capped[0], n=capped[1]),
            icon=":material/filter_list:")

# 4/ Table, its sources, and the export of exactly these rows -------------------------------
st.caption(t("data_rows", lang, n=len(table)))
st.dataframe(for_display(table), hide_index=True,
             column_config={t("col_url", lang): st.column_config.LinkColumn(),
                            "url": st.column_config.LinkColumn()})
tiers = ds["sources"]["tier"].value_counts()
st.caption(t("sources_by_tier", lang, a=tiers.get("A", 0), b=tiers.get("B", 0),
             c=tiers.get("C", 0)))
render_source_caption(ds, source_ids, lang)
filters = {t("data_table", lang): t(f"tables_{table_name}", lang), t("data_search", lang): query}
c1, c2 = st.columns([1, 3])
with c1:
    render_csv_download(view, table, f"data_{table_name}", keys.EXPORT_DATA, filters)
with c2:
    render_zip_download(view, table, f"data_{table_name}", keys.EXPORT_DATA_ZIP,
                        title=t(f"tables_{table_name}", lang), description=t("data_intro", lang),
                        metadata=get_sidecar(ds, table_name) if table_name in TABLE_NAMES
                        else {}, source_ids=source_ids,
                        extra=filters)

render_coverage(view)
render_footer(view)
