"""The model of one page section: what the screen draws and every export writes.

One model, many outputs (as Datasette renders one row dict as HTML, JSON and CSV): a section
builder (a pure function, no streamlit) returns a ``SectionModel``; one renderer in
``components/section.py`` draws it (chart, table, caption, source details, downloads) and the
exporters (CSV, Excel, chart image, the printed brief) read the same model, so what is on the
screen and what is downloaded cannot differ.

Rows are a DataFrame whose columns are the stable column ids of ``columns`` (``value``,
``period``, ``source_id``, ...); headers in the model's language are in ``Column.label``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Column kinds: how exporters type a cell (a number stays a number in CSV and Excel).
TEXT, NUMBER, INTEGER, DATE, URL = "text", "number", "integer", "date", "url"
KINDS = (TEXT, NUMBER, INTEGER, DATE, URL)


@dataclass(frozen=True)
class Column:
    """A column of a section's rows: stable id, header in the model's language, kind, and the
    unit and decimals when every row shares them (else the rows carry a ``unit`` column)."""

    id: str
    label: str
    kind: str = TEXT
    unit: str | None = None
    decimals: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.id}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class SectionModel:
    """One section of a page, in one language, for one set of filters and one data version.

    ``figure`` is the plotly figure spec (``fig.to_dict()``) when the section has a chart;
    ``reading`` the generated sentence for a briefing where there is one; ``filters`` the
    view's filters as label -> value label, in order; ``link`` the view's address (relative,
    with its query string) so an export says how to reopen it; ``stem`` the parts of the
    download's file name (view, indicator, filter codes); ``intro`` a line read before the
    chart; ``notes`` lines read with the source caption.
    """

    id: str
    lang: str
    title: str
    columns: tuple[Column, ...]
    rows: pd.DataFrame
    source_ids: tuple[str, ...] = ()
    period_label: str = ""
    notes: tuple[str, ...] = ()
    reading: str | None = None
    figure: dict | None = None
    filters: dict[str, str] = field(default_factory=dict)
    data_version: str = ""
    link: str = ""
    stem: tuple[str, ...] = ()
    intro: str = ""

    def __post_init__(self) -> None:
        ids = [c.id for c in self.columns]
        if len(set(ids)) != len(ids):
            raise ValueError(f"section {self.id}: repeated column ids")
        missing = [i for i in ids if i not in self.rows.columns]
        if missing:
            raise ValueError(f"section {self.id}: rows lack columns {missing}")

    @property
    def empty(self) -> bool:
        return self.rows.empty

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def labelled(self) -> pd.DataFrame:
        """The rows with headers in the model's language, columns in the declared order."""
        out = self.rows[[c.id for c in self.columns]].copy()
        out.columns = [c.label for c in self.columns]
        return out
