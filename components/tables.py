"""The screen copy of a section's rows (numbers as published, empty cells blank), and the
versions table. Section rows themselves are built in ``metrics/sections``."""
from __future__ import annotations

import pandas as pd

from metrics.derive import format_number
from metrics.memo import per_version
from metrics.query import ALL_INDUSTRIES, select_limited
from metrics.section import SectionModel
from metrics.sections.data import build_observations_section, build_table_section, search_rows

from components.i18n import t


def for_display(df: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.dataframe: numbers as published (no float noise), empty cells blank.

    Exports use the typed frame; this one is only for the screen.
    """
    out = df.copy()
    for col in out.columns:
        if str(col).lower() == "year":  # a year is no quantity: 2026, not 2,026
            out[col] = [("" if v is None or pd.isna(v) or v == "" else str(int(v)))
                        for v in out[col]]
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = [("" if pd.isna(v) else format_number(v)) for v in out[col]]
        elif out[col].dtype == object:
            out[col] = out[col].map(lambda v: "" if v is None else str(v))
    return out


@per_version
def make_data_table(lab, obs: pd.DataFrame, table_name: str, industry: str, up_to: int | None,
                    query: str, title: str, filters: dict[str, str], stem: tuple[str, ...],
                    limit: int) -> tuple[SectionModel, tuple[int, int] | None]:
    """The data page's table of ``table_name`` under the filters and the search, and
    (rows shown, rows in all) when the observations were capped at ``limit``; kept per data
    version and view. Observations follow the industry and period filters."""
    capped = None
    if table_name == "observations":
        code = None if industry == ALL_INDUSTRIES else industry
        rows, total = select_limited(obs, query, limit, industry_code=code, up_to=up_to)
        capped = (len(rows), total) if total > len(rows) else None
        model = build_observations_section(lab, rows, title, filters, stem)
    else:
        model = build_table_section(lab, lab.ds[table_name], table_name, title, filters, stem)
    return search_rows(model, for_display(model.labelled()), query), capped


def make_versions_table(folder, lang: str) -> pd.DataFrame:
    """Every data version, oldest first: id, time, files imported, added / revised / removed."""
    from metrics.ingest import history

    rows = [[v["version"],
             t("versions_current", lang) if v["current"]
             else t("versions_interrupted", lang) if v["interrupted"] else "",
             v["time"].replace("T", " ").rstrip("Z"), v["added"], v["revised"], v["removed"],
             "; ".join(v["inputs"]) if v["parent"] else t("versions_base", lang)]
            for v in history(folder)]
    # the long list of files last, so that the counts stay in view
    cols = ["version", "current", "time", "added", "revised", "removed", "inputs"]
    return pd.DataFrame(rows, columns=[t(f"versions_col_{c}", lang) for c in cols])
