"""Sections of the 数据与来源 (Data & sources) page: the observations (as figure rows, with their
sources) or any other table of the data as stored, after the search."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.query import Figure
from metrics.section import INTEGER, NUMBER, TEXT, Column, SectionModel
from metrics.sections.base import Labeller, figure_columns, make_figure_rows, make_model
from metrics.memo import per_version


@per_version
def build_observations_section(lab: Labeller, rows: pd.DataFrame, title: str,
                               filters: dict[str, str], stem: tuple[str, ...]) -> SectionModel:
    """Every observation of ``rows`` with its source and quoted sentence."""
    figs = [(Figure.from_row(r), None) for r in rows.to_dict("records")]
    return make_model(lab, "data_observations", title, figure_columns(lab, drop=("gap_pp",)),
                      make_figure_rows(lab, figs), filters=filters, stem=stem)


@per_version
def build_table_section(lab: Labeller, table: pd.DataFrame, name: str, title: str,
                        filters: dict[str, str], stem: tuple[str, ...]) -> SectionModel:
    """A table as stored (column ids are its column names; lists joined with ';')."""
    table = table.reset_index(drop=True).copy()
    cols = []
    for col in table.columns:
        series = table[col]
        if series.map(lambda v: isinstance(v, (list, tuple))).any():
            table[col] = series.map(lambda v: ";".join(v) if isinstance(v, (list, tuple))
                                    else v)
            kind = TEXT
        elif pd.api.types.is_bool_dtype(series):
            table[col] = series.map({True: "true", False: "false"})
            kind = TEXT
        elif _all_whole_numbers(series):
            table[col] = series.astype("Int64")  # a year stays 2024, an empty cell empty
            kind = INTEGER
        elif pd.api.types.is_integer_dtype(series):
            kind = INTEGER
        elif pd.api.types.is_float_dtype(series):
            kind = NUMBER
        else:
            table[col] = series.map(lambda v: "" if v is None or (not isinstance(v, str)
                                                                  and pd.isna(v)) else str(v))
            kind = TEXT
        cols.append(Column(str(col), str(col), kind))
    return make_model(lab, f"data_{name}", title, tuple(cols), table, filters=filters,
                      stem=stem)


def _all_whole_numbers(series: pd.Series) -> bool:
    """Whether every cell is empty or a whole number (a year kept as float or object)."""
    values = series.dropna()
    return (not pd.api.types.is_integer_dtype(series) and not values.empty
            and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                    and float(v).is_integer() for v in values))


def search_rows(model: SectionModel, display: pd.DataFrame, query: str) -> SectionModel:
    """The model narrowed to the rows whose displayed text contains ``query`` (any case)."""
    if not query:
        return model
    found = display.agg(" ".join, axis=1).str.contains(query, case=False, regex=False)
    rows = model.rows[found.to_numpy()].reset_index(drop=True)
    ids = tuple(dict.fromkeys(rows["source_id"])) if "source_id" in rows.columns else ()
    return replace(model, rows=rows, source_ids=ids)
