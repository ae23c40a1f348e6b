"""Growth against the benchmarks: series on a full period grid, gaps, one-period comparisons,
districts against the city, and the nearest industry level with published rates.

Rules of the data (see data/src/README.md):
- Cumulative (1-N月) and single-month (当月) rates are different indicators and never mixed: a
  series is one indicator.
- January and February are published together, so a cumulative year starts at ``YYYY-02`` and
  single-month rates start in March; the full year is the plain ``YYYY``.
- Missing periods stay missing: the grid lists every period that could be published, so a line
  breaks where nothing was published instead of joining its neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.derive import Gap, derive_gap
from metrics.load import Dataset
from metrics.periods import parse_period
from metrics.query import (BENCHMARK_REGIONS, CITY, Figure, latest_figure, same_period_figure,
                           select)
from metrics.memo import per_version

# Bases that form a time series of rates (multi-year averages and as-of values do not).
SERIES_BASES = ("cumulative", "month", "quarter", "annual")
# Indicators listed first in the choice, in this order; any other growth indicator follows.
PREFERRED_ORDER = ("iva_growth_cum", "profit_growth_cum", "iva_growth_month",
                   "profit_growth_month", "iva_growth_quarter", "gdp_growth_cum",
                   "secondary_va_growth_cum")
# The 15 sub-provincial cities (副省级城市) other than Qingdao: the regions table's level for
# them. Their rates are compared with Qingdao's only for the same indicator, industry and period.
PEER_LEVEL = "peer_city"
# Published ranks of a growth rate, and the growth indicator each one ranks.
RANK_INDICATORS = {"iva_growth_rank_subprov": "iva_growth_cum"}


@per_version
def growth_indicators(obs: pd.DataFrame) -> list[str]:
    """Growth indicators that have a time series, the headline ones first."""
    ids = set(obs.loc[(obs["kind"] == "growth") & obs["period_basis"].isin(SERIES_BASES),
                      "indicator_id"])
    first = [i for i in PREFERRED_ORDER if i in ids]
    return first + sorted(ids - set(first))


def period_grid(basis: str, year_from: int, year_to: int) -> list[str]:
    """Every period that could be published between two years, in order."""
    grid: list[str] = []
    for year in range(year_from, year_to + 1):
        if basis == "cumulative":
            grid += [f"{year}-{m:02d}" for m in range(2, 12)] + [str(year)]
        elif basis == "month":
            grid += [f"{year}-{m:02d}" for m in range(3, 13)]
        elif basis == "quarter":
            grid += [f"{year}Q{q}" for q in range(1, 5)]
        else:
            grid.append(str(year))
    return grid


def period_end_dates(grid: list[str], basis: str) -> list[pd.Timestamp]:
    """The last day of each period of ``grid`` (a full year ends on 31 December), for a date
    axis whose ticks adapt to the range."""
    ends = []
    for code in grid:
        p = parse_period(code, basis)
        ends.append(pd.Timestamp(p.year, p.end_month, 1) + pd.offsets.MonthEnd(0))
    return ends


@per_version
def series_years(obs: pd.DataFrame, indicator_id: str, up_to: int | None = None) -> list[int]:
    """The years in which the indicator has any figure (any region, any industry) as of
    ``up_to``."""
    rows = obs[obs["indicator_id"] == indicator_id]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    return sorted(set(rows["year"]))


@per_version
def derive_series(obs: pd.DataFrame, indicator_id: str, industry: str, regions: tuple[str, ...],
                  year_from: int, year_to: int, up_to: int | None = None) -> pd.DataFrame:
    """Published (or derived) rates of ``regions`` in the year range as of ``up_to``."""
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["industry_code"] == industry)
               & obs["region_code"].isin(regions) & obs["year"].between(year_from, year_to)]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    return rows.sort_values(["end", "region_code"]).reset_index(drop=True)


def trim_grid(grid: list[str], series: pd.DataFrame) -> list[str]:
    """The grid from the first to the last period with a figure (empty when there is none)."""
    present = [i for i, p in enumerate(grid) if p in set(series["period"])]
    return grid[present[0]:present[-1] + 1] if present else []


@dataclass(frozen=True)
class PeriodComparison:
    """Qingdao (or a district) and its benchmarks for one period, with the gaps in 百分点."""

    subject: Figure | None
    benchmarks: dict[str, Figure | None]
    gaps: dict[str, Gap | None]


def _figure(obs: pd.DataFrame, indicator_id: str, region: str, industry: str,
            period: str) -> Figure | None:
    rows = select(obs, indicator_id=indicator_id, region_code=region, industry_code=industry,
                  period=period)
    return Figure.from_row(rows.iloc[0]) if len(rows) else None


@per_version
def derive_period_comparison(obs: pd.DataFrame, indicator_id: str, industry: str, period: str,
                             subject: str = CITY,
                             benchmarks: tuple[str, ...] = BENCHMARK_REGIONS) -> PeriodComparison:
    """The subject's rate for ``period`` against each benchmark's rate for the same period."""
    fig = _figure(obs, indicator_id, subject, industry, period)
    bench = {r: _figure(obs, indicator_id, r, industry, period) for r in benchmarks}
    return PeriodComparison(fig, bench, {r: derive_gap(fig, b) for r, b in bench.items()})


@per_version
def derive_gap_series(obs: pd.DataFrame, indicator_id: str, industry: str, year_from: int,
                      year_to: int, benchmarks: tuple[str, ...] = BENCHMARK_REGIONS,
                      up_to: int | None = None) -> pd.DataFrame:
    """Qingdao minus each benchmark, period by period, where both rates are published."""
    city = derive_series(obs, indicator_id, industry, (CITY,), year_from, year_to, up_to)
    records = []
    for _, row in city.iterrows():
        fig = Figure.from_row(row)
        for region in benchmarks:
            gap = derive_gap(fig, same_period_figure(obs, fig, region))
            if gap is not None:
                records.append({"period": fig.period, "end": row["end"], "region_code": region,
                                "gap_pp": gap.value_pp, "gap": gap})
    return pd.DataFrame.from_records(
        records, columns=["period", "end", "region_code", "gap_pp", "gap"])


@per_version
def comparison_periods(obs: pd.DataFrame, indicator_id: str, industry: str,
                       regions: tuple[str, ...] = (CITY,), up_to: int | None = None) -> list[str]:
    """Periods with a figure for any of ``regions`` as of ``up_to``, newest first."""
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["industry_code"] == industry)
               & obs["region_code"].isin(regions)]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    rows = rows.drop_duplicates("period").sort_values("end", ascending=False)
    return list(rows["period"])


@per_version
def default_period(obs: pd.DataFrame, indicator_id: str, industry: str,
                   up_to: int | None) -> str | None:
    """Qingdao's latest period as of ``up_to``; else any region's latest."""
    for region in (CITY, *BENCHMARK_REGIONS):
        fig = latest_figure(obs, indicator_id, region, industry, up_to)
        if fig is not None:
            return fig.period
    return None


def district_codes(ds: Dataset) -> list[str]:
    """The ten county-level units of Qingdao."""
    reg = ds["regions"]
    return list(reg.loc[reg["parent_code"] == CITY, "region_code"])


@per_version
def districts_with_figures(ds: Dataset, obs: pd.DataFrame, indicator_id: str, industry: str,
                           up_to: int | None = None) -> tuple[list[str], list[str]]:
    """(districts with at least one figure for the indicator and industry as of ``up_to``,
    districts with none)."""
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["industry_code"] == industry)]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    have = set(rows["region_code"])
    codes = district_codes(ds)
    return [c for c in codes if c in have], [c for c in codes if c not in have]


@per_version
def nearest_published_industry(ds: Dataset, obs: pd.DataFrame, indicator_id: str,
                               industry: str) -> str | None:
    """The closest level up the industry tree (division -> manufacturing -> all) with rates."""
    parents = ds["industries"].set_index("industry_code")["parent_code"]
    have = set(obs.loc[obs["indicator_id"] == indicator_id, "industry_code"])
    code = parents.get(industry)
    while code:
        if code in have:
            return code
        code = parents.get(code)
    return None


@per_version
def city_periods(obs: pd.DataFrame, indicator_id: str, industry: str,
                 up_to: int | None = None) -> list[str]:
    """Periods with a Qingdao figure for the indicator and industry as of ``up_to``, newest
    first."""
    return comparison_periods(obs, indicator_id, industry, (CITY,), up_to)


@per_version
def rank_figures(obs: pd.DataFrame, indicator_id: str, industry: str, period: str,
                 up_to: int | None = None) -> tuple[list[Figure], list[Figure]]:
    """Qingdao's published growth ranks as of ``up_to`` (a full-year rank counts from the end of
    its year): (those that rank ``indicator_id`` for ``industry`` and ``period`` exactly, the
    others, which rank another indicator, industry or period)."""
    rows = obs[obs["indicator_id"].isin(list(RANK_INDICATORS)) & (obs["region_code"] == CITY)]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    same, other = [], []
    for _, row in rows.sort_values("end", ascending=False).iterrows():
        fig = Figure.from_row(row)
        match = (RANK_INDICATORS[fig.indicator_id] == indicator_id
                 and fig.industry_code == industry and fig.period == period)
        (same if match else other).append(fig)
    return same, other


def peer_codes(ds: Dataset) -> list[str]:
    """The peer cities (the other sub-provincial cities), by GB/T 2260 code."""
    reg = ds["regions"]
    return sorted(reg.loc[reg["level"] == PEER_LEVEL, "region_code"])


@per_version
def peers_with_figures(ds: Dataset, obs: pd.DataFrame, indicator_id: str, industry: str,
                       up_to: int | None = None) -> list[str]:
    """Peer cities with at least one figure for the indicator and industry as of ``up_to``
    (the picker offers only these: a city with nothing to plot is said, not drawn)."""
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["industry_code"] == industry)]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    have = set(rows["region_code"])
    return [c for c in peer_codes(ds) if c in have]


@dataclass(frozen=True)
class PeerRank:
    """Qingdao's place among the chosen peers with a figure for the same period.

    ``rank`` counts from the fastest (1 = fastest; equal rates share a place); ``ranked`` is
    Qingdao plus the peers that published for the period, ``missing`` the chosen peers that did
    not (left out of the rank, never counted as last)."""

    period: str
    rank: int
    ranked: tuple[Figure, ...]
    missing: tuple[str, ...]


@per_version
def derive_peer_rank(obs: pd.DataFrame, indicator_id: str, industry: str, period: str,
                     peers: tuple[str, ...]) -> PeerRank | None:
    """Qingdao's rank among ``peers`` for exactly ``period`` (None without Qingdao's figure or
    without a single peer's figure for it: a rank of one is no rank)."""
    city = _figure(obs, indicator_id, CITY, industry, period)
    if city is None:
        return None
    figs = {p: _figure(obs, indicator_id, p, industry, period) for p in peers}
    have = [f for f in figs.values() if f is not None]
    if not have:
        return None
    ranked = sorted([city, *have], key=lambda f: -f.value)
    rank = 1 + sum(1 for f in have if f.value > city.value)
    return PeerRank(period, rank, tuple(ranked),
                    tuple(p for p, f in figs.items() if f is None))
