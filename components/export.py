"""The data page's bundle download: the section's CSV, its metadata (JSON) and a readme that
lists the view's filters, the data version and every source cited. CSV and Excel downloads of
every section are drawn by ``components/section.py``."""
from __future__ import annotations

import streamlit as st

from metrics.export import make_csv_bytes, make_readme, make_zip_bytes
from metrics.section import SectionModel

from components.i18n import t
from components.section import export_context, file_stem


def render_zip_download(view, model: SectionModel, key: str, *, description: str,
                        metadata: dict) -> None:
    """A download of the section's rows as a zip: the CSV (the same bytes as its CSV button),
    its metadata and a readme."""
    context = export_context(view, model)
    name = file_stem(model)
    lang, ds = view.lang, view.ds

    def bundle() -> bytes:
        # made when clicked: a rerun only draws the button
        csv_bytes = make_csv_bytes(model.labelled(), context)
        sources = [ds.source(s) for s in model.source_ids]
        words = {k: t(f"readme_{k}", lang) for k in ("rows", "encoding", "cite", "sources",
                                                      "repost")}
        readme = make_readme(model.title, description, model.data_version, context,
                             len(model.rows), sources, words, lang=lang,
                             translate=ds.translation)
        meta = {**metadata, "data_version": model.data_version, "built_at": ds.built_at,
                "filters": context, "rows": len(model.rows)}
        return make_zip_bytes(name, csv_bytes, meta, readme)

    st.download_button(t("download_zip", lang), data=bundle,
                       file_name=f"{name}.zip", mime="application/zip", key=key,
                       help=t("download_help", view.lang), on_click="ignore",
                       icon=":material/folder_zip:")
