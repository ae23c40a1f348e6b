"""Queries over the observations: by indicator, region, industry, and "as of" a point in time.

The dashboard's period filter is a point in time (a month end): a view "as of May 2024" shows,
for each indicator, the latest figure published for a period ending in or before May 2024. The
full year 2024 counts as ending in December 2024.
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.load import Dataset
from metrics.memo import per_version, register_owner
from metrics.periods import parse_period

CITY = "370200"
PROVINCE = "370000"
COUNTRY = "000000"
# Not a GB/T 2260 code: world totals (the WEF lighthouse network) only.
WORLD = "WORLD"
BENCHMARK_REGIONS = (PROVINCE, COUNTRY)
LATEST = "latest"
# The industry code of the whole (above-scale industry): the industry filter's default.
ALL_INDUSTRIES = "ALL"


@dataclass(frozen=True)
class Figure:
    """One observation with what a page needs to show and cite it."""

    indicator_id: str
    region_code: str
    industry_code: str
    period: str
    value: float
    qualifier: str
    status: str
    source_id: str
    quote: str
    derivation: str | None
    note: str | None
    # The source does not state the period; it was inferred (see the note).
    period_inferred: bool = False
    # A later release changed the value: the revisions table keeps the earlier vintages.
    revised: bool = False

    @classmethod
    def from_row(cls, row: pd.Series | dict) -> "Figure":
        """A figure from an observations row (a row without ``period_inferred``: stated;
        without ``revised``: never revised)."""
        flags = ("period_inferred", "revised")
        fields = {k: row[k] for k in cls.__dataclass_fields__ if k not in flags}
        for flag in flags:
            value = row.get(flag, False)
            fields[flag] = bool(value) if pd.notna(value) else False
        return cls(**fields)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The observation's key: indicator, region, industry, period."""
        return (self.indicator_id, self.region_code, self.industry_code, self.period)


def enrich_observations(ds: Dataset) -> pd.DataFrame:
    """Observations with their indicator's kind and period basis, and the period's end."""
    obs = ds["observations"]
    ind = ds["indicators"].set_index("indicator_id")
    out = obs.assign(kind=obs["indicator_id"].map(ind["kind"]),
                     period_basis=obs["indicator_id"].map(ind["period_basis"]))
    # parsed once per distinct (period, basis): a million rows hold a few hundred periods
    pairs = pd.MultiIndex.from_arrays([out["period"], out["period_basis"]])
    uniq = pairs.unique()
    parsed = [parse_period(p, b) for p, b in uniq]
    codes = uniq.get_indexer(pairs)
    years = np.array([p.year for p in parsed], dtype=np.int64)[codes]
    months = np.array([p.end_month for p in parsed], dtype=np.int64)[codes]
    revised = ds.revised_keys
    flags = ([k in revised for k in zip(out["indicator_id"], out["region_code"],
                                        out["industry_code"], out["period"])]
             if revised else False)
    return out.assign(year=years, end_month=months, end=years * 100 + months, revised=flags)


def point_to_end(point: str) -> int | None:
    """'2024-05' -> 202405, '2024' -> 202412, 'latest' -> None (no bound)."""
    if point in (None, "", LATEST):
        return None
    p = parse_period(point, "cumulative" if "-" not in point else "month")
    return p.year * 100 + p.end_month


class ObservationIndex:
    """Positions of the rows of one (read-only) observations frame by key, built once per data
    version: a page asks for a few series out of up to millions of rows, and a full-column mask
    per question cost most of a rerun at scale (see the profile notes).

    Register the shared frame with :func:`register_index`; :func:`select` on any other frame
    (a page's own subset) filters with masks as before.
    """

    def __init__(self, obs: pd.DataFrame):
        # a weak reference: the index must not keep an old version's frame alive
        self._obs = weakref.ref(obs)
        # chronological order once (positions into ``obs``; no sorted copy of the frame, which
        # at 10M rows was 130 MB), so every selection comes out sorted
        self.order = (obs[["end", "period"]].reset_index(drop=True)
                      .sort_values(["end", "period"], kind="stable").index.to_numpy())
        rank = np.empty(len(obs), dtype=np.intp)
        rank[self.order] = np.arange(len(obs))

        def chronological(pos) -> np.ndarray:
            pos = np.asarray(pos)
            return pos[np.argsort(rank[pos], kind="stable")]

        self.series = {k: chronological(v) for k, v in obs.groupby(
            ["indicator_id", "region_code", "industry_code"], sort=False).indices.items()}
        self.by_col = {col: {k: chronological(v) for k, v in
                             obs.groupby(col, sort=False).indices.items()}
                       for col in ("indicator_id", "region_code", "industry_code")}
        self.memo: dict[str, object] = {}

    def positions(self, indicator_id, region_code, industry_code) -> np.ndarray | None:
        """Positions in the frame (in chronological order) of the rows with the given key
        parts; None: all rows."""
        if None not in (indicator_id, region_code, industry_code):
            return self.series.get((indicator_id, region_code, industry_code), _EMPTY)
        best = None
        for col, val in (("indicator_id", indicator_id), ("region_code", region_code),
                         ("industry_code", industry_code)):
            if val is not None:
                pos = self.by_col[col].get(val, _EMPTY)
                if best is None or len(pos) < len(best):
                    best = pos
        return best


_EMPTY = np.array([], dtype=np.intp)
_INDEXES: dict[int, ObservationIndex] = {}
_INDEX_LOCK = threading.Lock()


def register_index(obs: pd.DataFrame) -> ObservationIndex:
    """Index ``obs`` (the shared, never modified observations of a data version)."""
    index = ObservationIndex(obs)
    register_owner(obs)  # results derived from it are kept once per version (metrics.memo)
    with _INDEX_LOCK:
        _INDEXES[id(obs)] = index
        weakref.finalize(obs, _INDEXES.pop, id(obs), None)
    return index


def _index_of(obs: pd.DataFrame) -> ObservationIndex | None:
    index = _INDEXES.get(id(obs))
    return index if index is not None and index._obs() is obs else None


# At scale (metrics.scan) the shared frame holds only the figure pages' regions. A selection
# made on it remembers its criteria, so that limit_rows (the data page's screen table) can ask
# the version's whole file for the same rows: {id(selection): (weak ref, scan, criteria)}.
_SCANS: dict[int, tuple[weakref.ref, object]] = {}
_SELECTIONS: dict[int, tuple[weakref.ref, object, dict]] = {}
_SELECTIONS_KEPT = 64


def register_scan(obs: pd.DataFrame, scan) -> None:
    """Mark ``obs`` (registered with :func:`register_index`) as the figure pages' part of a
    version that ``scan`` (a metrics.scan.ObservationScan) reads whole."""
    with _INDEX_LOCK:
        _SCANS[id(obs)] = (weakref.ref(obs), scan)
        weakref.finalize(obs, _SCANS.pop, id(obs), None)


def _scan_of(obs: pd.DataFrame):
    hit = _SCANS.get(id(obs))
    return hit[1] if hit is not None and hit[0]() is obs else None


def _remember_selection(rows: pd.DataFrame, scan, criteria: dict) -> None:
    with _INDEX_LOCK:
        if len(_SELECTIONS) >= _SELECTIONS_KEPT:
            for key in [k for k, (ref, _, _) in _SELECTIONS.items() if ref() is None]:
                del _SELECTIONS[key]
            while len(_SELECTIONS) >= _SELECTIONS_KEPT:
                del _SELECTIONS[next(iter(_SELECTIONS))]
        _SELECTIONS[id(rows)] = (weakref.ref(rows), scan, criteria)


def _selection_of(rows: pd.DataFrame):
    hit = _SELECTIONS.get(id(rows))
    return hit[1:] if hit is not None and hit[0]() is rows else None


def end_to_point(end: int) -> str:
    """202405 -> '2024-05', 202412 -> '2024' (a full year is a December end)."""
    return f"{end // 100}" if end % 100 == 12 else f"{end // 100}-{end % 100:02d}"


def available_points(obs: pd.DataFrame) -> list[str]:
    """The month ends at which Qingdao (city or district) figures exist, newest first."""
    index = _index_of(obs)
    if index is not None and "points" in index.memo:
        return list(index.memo["points"])
    local = obs[obs["region_code"].str.startswith("3702")]
    ends = sorted(set(local["end"]), reverse=True)
    points = [end_to_point(e) for e in ends]
    if index is not None:
        index.memo["points"] = tuple(points)
    return points


def select(obs: pd.DataFrame, *, indicator_id: str | None = None, region_code: str | None = None,
           industry_code: str | None = None, period: str | None = None,
           up_to: int | None = None) -> pd.DataFrame:
    """Rows matching every given criterion, in chronological order.

    On a version opened at scale, the rows of the figure pages' regions; :func:`limit_rows`
    reaches every region's rows for the same criteria.
    """
    index = _index_of(obs)
    if index is not None:
        pos = index.positions(indicator_id, region_code, industry_code)
        rows = obs.iloc[index.order if pos is None else pos]
        mask = None
        for col, val in (("indicator_id", indicator_id), ("region_code", region_code),
                         ("industry_code", industry_code), ("period", period)):
            if val is not None:
                mask = (rows[col] == val) if mask is None else mask & (rows[col] == val)
        if up_to is not None:
            mask = (rows["end"] <= up_to) if mask is None else mask & (rows["end"] <= up_to)
        rows = rows if mask is None else rows[mask]
        scan = _scan_of(obs)
        if scan is not None:
            _remember_selection(rows, scan, {
                "indicator_id": indicator_id, "region_code": region_code,
                "industry_code": industry_code, "period": period, "up_to": up_to})
        return rows
    mask = pd.Series(True, index=obs.index)
    for col, val in (("indicator_id", indicator_id), ("region_code", region_code),
                     ("industry_code", industry_code), ("period", period)):
        if val is not None:
            mask &= obs[col] == val
    if up_to is not None:
        mask &= obs["end"] <= up_to
    return obs[mask].sort_values(["end", "period"], kind="stable")


def limit_rows(rows: pd.DataFrame, query: str, limit: int) -> tuple[pd.DataFrame, int]:
    """At most ``limit`` rows for a screen table, and how many there were.

    Beyond the limit, a search is first applied to the raw text (codes, period, quote, source,
    note) so that it still reaches every row; the page then searches the displayed names too.
    ``rows`` made by :func:`select` on a version opened at scale: the same criteria over every
    row of the version's file (metrics.scan), only ``limit`` of them read.
    """
    selection = _selection_of(rows)
    if selection is not None:
        scan, criteria = selection
        return scan.page(criteria, query, limit)
    if len(rows) > limit and query:
        mask = pd.Series(False, index=rows.index)
        for col in ("indicator_id", "region_code", "industry_code", "period", "quote",
                    "source_id", "note"):
            mask |= rows[col].fillna("").str.contains(query, case=False, regex=False)
        rows = rows[mask]
    return rows.head(limit), len(rows)


def select_limited(obs: pd.DataFrame, query: str, limit: int, *,
                   indicator_id: str | None = None, region_code: str | None = None,
                   industry_code: str | None = None, period: str | None = None,
                   up_to: int | None = None) -> tuple[pd.DataFrame, int]:
    """``limit_rows(select(obs, ...), query, limit)``, without making the whole selection on a
    version opened at scale: the file gives the ``limit`` rows and the count at once (at 10M
    rows, selecting every row of the frame first was a copy of 790,000 rows, 110 MB)."""
    criteria = {"indicator_id": indicator_id, "region_code": region_code,
                "industry_code": industry_code, "period": period, "up_to": up_to}
    scan = _scan_of(obs)
    if scan is not None:
        return scan.page(criteria, query, limit)
    return limit_rows(select(obs, **criteria), query, limit)


@per_version
def latest_figure(obs: pd.DataFrame, indicator_id: str, region_code: str, industry_code: str,
                  up_to: int | None = None) -> Figure | None:
    """The latest figure of an indicator for a region and industry, as of ``up_to``."""
    rows = select(obs, indicator_id=indicator_id, region_code=region_code,
                  industry_code=industry_code, up_to=up_to)
    return Figure.from_row(rows.iloc[-1]) if len(rows) else None


@per_version
def same_period_figure(obs: pd.DataFrame, fig: Figure, region_code: str) -> Figure | None:
    """The figure of another region for exactly the same indicator, industry and period."""
    rows = select(obs, indicator_id=fig.indicator_id, region_code=region_code,
                  industry_code=fig.industry_code, period=fig.period)
    return Figure.from_row(rows.iloc[0]) if len(rows) else None


def known_by(year: float | None, published: str, up_to: int | None) -> bool:
    """Whether an entity recognised in ``year`` is known as of ``up_to``: a year before the
    chosen one, or the same year once the source had reported it (the first national list of
    excellence-level smart factories, the 2024 cycle, was published in January 2025). An entity
    with no recorded year is always kept."""
    if up_to is None or year is None or pd.isna(year):
        return True
    if year != up_to // 100:
        return year < up_to // 100
    parts = str(published).split("-")
    month = int(parts[1]) if len(parts) > 1 else 12  # a source dated by year only: its end
    if int(parts[0]) > year:
        # A later source looking back (e.g. a December 2023 article on a 2022 lighthouse): the
        # month of recognition is unknown, so the entity counts from the end of its year.
        return up_to % 100 == 12
    return int(parts[0]) * 100 + month <= up_to
