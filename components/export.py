"""The shared export button: CSV bytes (UTF-8 with BOM, formula-safe) with filters and version."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from metrics.export import make_csv_bytes, make_readme, make_zip_bytes

from components.i18n import t
from components.labels import industry_label, point_label


def export_context(view, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The columns recorded beside exported rows: the filters and the data version."""
    lang = view.lang
    filters = [f"{t('industry', lang)}={industry_label(view.ds, view.industry, lang)}",
               f"{t('period', lang)}={point_label(view.point, lang)}"]
    filters += [f"{k}={v}" for k, v in (extra or {}).items()]
    return {t("col_filters", lang): "; ".join(filters),
            t("col_data_version", lang): view.ds.version}


def export_file_name(stem: str, view) -> str:
    """e.g. 'overview_ALL_latest_3f2a9c1b0d4e.csv': what, which filters, which data."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{stem}_{view.industry}_{view.point}")
    return f"{safe}_{view.ds.version}.csv"


def render_zip_download(view, df: pd.DataFrame, stem: str, key: str, *, title: str,
                        description: str, metadata: dict, source_ids: list[str],
                        extra: dict[str, str] | None = None) -> None:
    """A download of the same rows as a zip: the CSV, its metadata (JSON) and a readme that
    lists the view's filters, the data version and every source cited."""
    context = export_context(view, extra)
    csv_bytes = make_csv_bytes(df, context)
    sources = [view.ds.source(s) for s in dict.fromkeys(source_ids)]
    words = {k: t(f"readme_{k}", view.lang) for k in ("rows", "encoding", "cite", "sources",
                                                      "repost")}
    readme = make_readme(title, description, view.ds.version, context, len(df), sources, words,
                         view.lang)
    meta = {**metadata, "data_version": view.ds.version, "built_at": view.ds.built_at,
            "filters": context, "rows": len(df)}
    name = export_file_name(stem, view).removesuffix(".csv")
    st.download_button(t("download_zip", view.lang),
                       data=make_zip_bytes(name, csv_bytes, meta, readme),
                       file_name=f"{name}.zip", mime="application/zip", key=key,
                       help=t("download_help", view.lang), on_click="ignore",
                       icon=":material/folder_zip:")


def render_csv_download(view, df: pd.DataFrame, stem: str, key: str,
                        extra: dict[str, str] | None = None) -> None:
    """A download button for exactly ``df`` plus the filter and version columns."""
    data = make_csv_bytes(df, export_context(view, extra))
    st.download_button(t("download_csv", view.lang), data=data,
                       file_name=export_file_name(stem, view), mime="text/csv", key=key,
                       help=t("download_help", view.lang), on_click="ignore",
                       icon=":material/download:")
