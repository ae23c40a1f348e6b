"""What every section builder shares: the labeller it is given, the figure rows (one row per
published or derived figure, with its full source) and the columns of those rows.

The data layer never imports the interface: names, periods and units in the model's language
come from a :class:`Labeller` the caller passes in (``components.section_labels.make_labeller``
builds one from the interface catalogue, without streamlit).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

import pandas as pd

from metrics.citation import make_citation
from metrics.derive import Gap, format_number
from metrics.load import Dataset
from metrics.query import Figure
from metrics.memo import per_version
from metrics.section import DATE, INTEGER, NUMBER, TEXT, URL, Column, SectionModel

# Qualifier signs of the observations table and the catalogue key of their words.
QUALIFIER_WORDS = {">": "qual_words_gt", ">=": "qual_words_ge", "~": "qual_words_approx",
                   "<": "qual_words_lt"}


class Labeller(Protocol):
    """Names, periods, units and interface words in one language; ``charts`` holds the pure
    figure factories (``make_trend_chart`` and the others), whose figures the models carry."""

    lang: str
    ds: Dataset
    charts: Any

    def t(self, key: str, **kwargs: object) -> str: ...
    def region(self, code: str) -> str: ...
    def industry(self, code: str) -> str: ...
    def figure_industry(self, code: str, indicator: dict) -> str: ...
    def period(self, code: str, indicator: dict) -> str: ...
    def point(self, point: str) -> str: ...
    def unit(self, indicator: dict) -> str: ...
    def value(self, value: float, qualifier: str, indicator: dict,
              with_unit: bool = True) -> str: ...


# The figure rows' column ids, in order; kinds and the catalogue key of each header.
FIGURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("indicator", TEXT), ("region", TEXT), ("industry", TEXT), ("period", TEXT),
    ("value", NUMBER), ("qualifier", TEXT), ("unit", TEXT), ("period_note", TEXT),
    ("status", TEXT), ("gap_pp", NUMBER), ("derivation", TEXT), ("publisher", TEXT),
    ("source_title", TEXT), ("source_date", DATE), ("url", URL), ("carrier", TEXT),
    ("carrier_url", URL), ("tier", TEXT), ("quote", TEXT), ("indicator_id", TEXT), ("region_code", TEXT), ("industry_code", TEXT),
    ("source_id", TEXT))

# Header keys that differ from 'col_<id>'.
_HEADER_KEYS = {"gap_pp": "col_gap", "source_date": "col_source_date"}


def header(lab: Labeller, column_id: str) -> str:
    return lab.t(_HEADER_KEYS.get(column_id, f"col_{column_id}"))


def columns(lab: Labeller, spec: Iterable[tuple[str, str]]) -> tuple[Column, ...]:
    """Columns of ``(id, kind)`` with headers in the labeller's language."""
    return tuple(Column(cid, header(lab, cid), kind) for cid, kind in spec)


def figure_columns(lab: Labeller, *, drop: Sequence[str] = (),
                   insert: dict[str, tuple[tuple[str, str], ...]] | None = None
                   ) -> tuple[Column, ...]:
    """The figure columns, without ``drop``, with ``insert[before_id]`` placed before a column
    (``insert['']`` first)."""
    insert = insert or {}
    spec = list(insert.get("", ()))
    for cid, kind in FIGURE_COLUMNS:
        spec += insert.get(cid, ())
        if cid not in drop:
            spec.append((cid, kind))
    return columns(lab, spec)


def source_cells(lab: Labeller, src: dict) -> dict[str, str]:
    """The source columns of a row, cited as metrics.citation does on screen: the publisher
    with the copy warning when what was read is a copy (国家统计局（转载：kbm75.com，未核对原文）),
    ``url`` the original's address only, the copy's site and address in ``carrier`` and
    ``carrier_url``."""
    cited = make_citation(src, lab.lang, lab.ds.translation)
    return {"publisher": cited["publisher"], "source_title": src["title"],
            "source_date": src["date_published"],
            "url": "" if cited["link_is_copy"] else cited["link"] or "",
            "carrier": cited["carrier"], "carrier_url": cited["carrier_link"] or "",
            "tier": src["tier"]}


def qualifier_words(lab: Labeller, qualifier: str) -> str:
    """'>' as '多于' / 'more than', '~' as '约' / 'about'; no qualifier, ''."""
    key = QUALIFIER_WORDS.get(qualifier or "")
    return lab.t(key) if key else ""


def status_words(lab: Labeller, fig: Figure) -> str:
    """'已公布', '初步', '推算', marked '· 修订' when a later release revised the figure."""
    words = lab.t(f"status_{fig.status}")
    return f"{words} · {lab.t('revised_mark')}" if fig.revised else words


def gap_derivation(lab: Labeller, gap: Gap) -> str:
    """'青岛9.6 − 山东8.5 = 1.1（百分点）': the arithmetic with both inputs named."""
    return lab.t("derivation_gap", city=lab.region(gap.city.region_code),
                 a=format_number(gap.city.value), bench=lab.region(gap.benchmark.region_code),
                 b=format_number(gap.benchmark.value),
                 gap=format_number(gap.value_pp, gap.decimals))


def make_figure_rows(lab: Labeller, rows: Iterable[tuple[Figure, Gap | None]],
                     extra: Callable[[Figure, Gap | None], dict] | None = None
                     ) -> pd.DataFrame:
    """One row per figure with its gap to Qingdao (for benchmarks) and its full source, under
    the stable column ids; ``extra`` adds columns (or overrides cells) row by row.

    Lookups are done once per distinct code, not per row: the data page shows every
    observation."""
    ds = lab.ds
    indicators, sources = ds.indicators_by_id, ds.sources_by_id
    regions: dict[str, str] = {}
    industries: dict[tuple[str, str], str] = {}
    periods: dict[tuple[str, str], str] = {}
    inferred_note = lab.t("period_inferred_note")
    cited: dict[str, dict[str, str]] = {}
    records = []
    for fig, gap in rows:
        ind = indicators[fig.indicator_id]
        if fig.source_id not in cited:
            cited[fig.source_id] = source_cells(lab, sources[fig.source_id])
        if fig.region_code not in regions:
            regions[fig.region_code] = lab.region(fig.region_code)
        ikey = (fig.industry_code, fig.indicator_id)
        if ikey not in industries:
            industries[ikey] = lab.figure_industry(fig.industry_code, ind)
        pkey = (fig.period, fig.indicator_id)
        if pkey not in periods:
            periods[pkey] = lab.period(fig.period, ind)
        record = {
            "indicator_id": fig.indicator_id, "indicator": ind[f"name_{lab.lang}"],
            "region_code": fig.region_code, "region": regions[fig.region_code],
            "industry_code": fig.industry_code, "industry": industries[ikey],
            "period": periods[pkey], "period_note": inferred_note if fig.period_inferred else "",
            "value": fig.value, "qualifier": qualifier_words(lab, fig.qualifier),
            "unit": lab.unit(ind), "status": status_words(lab, fig),
            "gap_pp": gap.value_pp if gap else None,
            "derivation": gap_derivation(lab, gap) if gap else (fig.derivation or ""),
            "source_id": fig.source_id, **cited[fig.source_id], "quote": fig.quote}
        if extra:
            record.update(extra(fig, gap))
        records.append(record)
    df = pd.DataFrame(records, columns=[c for c, _ in FIGURE_COLUMNS] if not records else None)
    for col in ("value", "gap_pp"):
        df[col] = df[col].astype("float64")
    return df


def view_filters(lab: Labeller, industry: str, point: str,
                 extra: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """The view's filters in words, label -> value: the industry and the period, then the
    page's own choices (already in words)."""
    return {lab.t("industry"): lab.industry(industry), lab.t("period"): lab.point(point),
            **dict(extra)}


def make_model(lab: Labeller, section_id: str, title: str, cols: tuple[Column, ...],
               rows: pd.DataFrame, *, filters: dict[str, str], stem: Sequence[str] = (),
               **fields) -> SectionModel:
    """A model in the labeller's language for the current data version; its source ids are
    those of its rows (first-seen order) unless given."""
    if "source_ids" not in fields:
        fields["source_ids"] = (tuple(dict.fromkeys(rows["source_id"]))
                                if "source_id" in rows.columns else ())
    missing = [c.id for c in cols if c.id not in rows.columns]
    rows = rows.assign(**{c: "" for c in missing}) if missing else rows
    return SectionModel(id=section_id, lang=lab.lang, title=title, columns=cols, rows=rows,
                        filters=filters, data_version=lab.ds.version, stem=tuple(stem),
                        **fields)


@per_version
def with_figure(model: SectionModel, fig) -> SectionModel:
    """The model with a plotly figure's spec (a dict, so the model stays plain data)."""
    return replace(model, figure=None if fig is None else fig.to_dict())


__all__ = ["Labeller", "source_cells", "FIGURE_COLUMNS", "figure_columns", "columns", "make_figure_rows",
           "qualifier_words", "gap_derivation", "view_filters", "make_model", "with_figure",
           "INTEGER", "NUMBER", "TEXT", "URL", "DATE"]
