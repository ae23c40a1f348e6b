"""What the data holds and what it lacks: periods per indicator and region, regions per
manufacturing division, and the monthly grid of cumulative value-added growth.

A gap is a period on the release calendar of the indicator's basis (metrics.growth.period_grid:
cumulative figures come as Jan-Feb, Jan-Mar, ..., Jan-Nov and the full year; single months from
March; quarters; years) for which the data holds no figure. A gap says "no figure loaded", not
"never published": the official may know a release that the dataset lacks.

Pure: works on the enriched observations (metrics.query.enrich_observations).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from metrics.growth import period_grid
from metrics.periods import parse_period
from metrics.query import CITY, COUNTRY, PROVINCE
from metrics.memo import per_version

# Bases with a release calendar; as-of counts and multi-year averages have none, so no gaps.
GRID_BASES = ("cumulative", "month", "quarter", "annual")
# The monthly grid the issue asks for: cumulative value-added growth from January 2023 (released
# with February, as Jan-Feb) for Qingdao, Shandong and China.
GRID_INDICATOR = "iva_growth_cum"
GRID_REGIONS = (CITY, PROVINCE, COUNTRY)
GRID_FIRST_YEAR = 2023


@lru_cache(maxsize=4096)
def _end(code: str, basis: str) -> int:
    p = parse_period(code, basis)
    return p.year * 100 + p.end_month


@lru_cache(maxsize=1024)
def _grid(basis: str, year_from: int, year_to: int) -> tuple[tuple[str, int], ...]:
    """The period grid of ``basis`` between two years, each period with its end (yyyymm)."""
    return tuple((p, _end(p, basis)) for p in period_grid(basis, year_from, year_to))


def _as_of(obs: pd.DataFrame, up_to: int | None, mask: pd.Series) -> pd.Series:
    """``mask`` and, with ``up_to``, the rows published by then. The functions below filter
    with one mask and take only the columns they read: at 10M rows a whole-frame copy per
    filter (790,000 rows) cost the data page 100 MB of memory at once."""
    return mask if up_to is None else mask & (obs["end"] <= up_to)


@dataclass(frozen=True)
class GridReport:
    """One indicator's figures on its full period grid for a few regions."""

    indicator_id: str
    industry_code: str
    basis: str
    regions: tuple[str, ...]
    # every period from the first of the grid to the latest published by any of the regions
    grid: tuple[str, ...]
    # (region, period) -> the row of the figure (value, qualifier, source_id, quote, status)
    cells: dict

    def filled(self, region: str) -> list[str]:
        """Periods of the grid with a figure for ``region``, in order."""
        return [p for p in self.grid if (region, p) in self.cells]

    def gaps(self, region: str) -> list[str]:
        """Periods of the grid without a figure for ``region``, in order."""
        return [p for p in self.grid if (region, p) not in self.cells]

    @property
    def source_ids(self) -> list[str]:
        """The sources of every figure on the grid, in grid order."""
        return list(dict.fromkeys(self.cells[(r, p)]["source_id"]
                                  for p in self.grid for r in self.regions if (r, p) in self.cells))


@per_version
def derive_grid_report(obs: pd.DataFrame, indicator_id: str = GRID_INDICATOR,
                       industry_code: str = "ALL", regions: tuple[str, ...] = GRID_REGIONS,
                       first_year: int = GRID_FIRST_YEAR, up_to: int | None = None) -> GridReport:
    """The grid of ``indicator_id`` for ``regions`` from ``first_year`` to the latest period any
    of them published (as of ``up_to``): which periods are filled, which are gaps."""
    rows = obs[_as_of(obs, up_to, (obs["indicator_id"] == indicator_id)
                      & (obs["industry_code"] == industry_code)
                      & obs["region_code"].isin(regions) & (obs["year"] >= first_year))]
    basis = str(rows["period_basis"].iloc[0]) if len(rows) else "cumulative"
    if rows.empty:
        return GridReport(indicator_id, industry_code, basis, tuple(regions), (), {})
    latest = int(rows["end"].max())
    grid = tuple(p for p, end in _grid(basis, first_year, latest // 100) if end <= latest)
    cells = {(r["region_code"], r["period"]): r for r in rows.to_dict("records")}
    return GridReport(indicator_id, industry_code, basis, tuple(regions), grid, cells)


@per_version
def derive_period_coverage(obs: pd.DataFrame, industry_code: str = "ALL",
                           up_to: int | None = None) -> pd.DataFrame:
    """Per indicator and region (for one industry): the periods with a figure, the first and
    the last, and the gaps between them on the indicator's period grid.

    Columns: indicator_id, period_basis, region_code, n_periods, first, last, periods (list),
    gaps (list; empty for bases without a calendar), n_gaps (None for those bases).
    """
    rows = obs.loc[_as_of(obs, up_to, obs["industry_code"] == industry_code),
                   ["indicator_id", "region_code", "period", "period_basis", "end"]]
    # one row per period is all that counts (a million rows hold few distinct periods)
    rows = rows.drop_duplicates(["indicator_id", "region_code", "period"])
    rows = rows.sort_values(["indicator_id", "region_code", "end", "period"], kind="stable")
    groups: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
    for ind, region, period, basis, end in zip(rows["indicator_id"], rows["region_code"],
                                               rows["period"], rows["period_basis"],
                                               rows["end"]):
        groups.setdefault((ind, region), []).append((period, basis, int(end)))
    out = []
    for (ind, region), items in groups.items():
        basis = str(items[0][1])
        periods = [p for p, _, _ in items]
        gaps: list[str] = []
        if basis in GRID_BASES:
            first_end, last_end = items[0][2], items[-1][2]
            have = set(periods)
            gaps = [p for p, end in _grid(basis, first_end // 100, last_end // 100)
                    if first_end <= end <= last_end and p not in have]
        out.append({"indicator_id": ind, "period_basis": basis, "region_code": region,
                    "n_periods": len(periods), "first": periods[0], "last": periods[-1],
                    "periods": periods, "gaps": gaps,
                    "n_gaps": len(gaps) if basis in GRID_BASES else None})
    frame = pd.DataFrame(out, columns=["indicator_id", "period_basis", "region_code",
                                       "n_periods", "first", "last", "periods", "gaps", "n_gaps"])
    return frame.astype({"n_periods": "int64", "n_gaps": "Int64"})


@per_version
def derive_division_coverage(obs: pd.DataFrame, industries: pd.DataFrame,
                             up_to: int | None = None) -> pd.DataFrame:
    """Per manufacturing (or other) division: how many figures each region has.

    One row per industry of level 'division' (every division, those without any figure too),
    one column per region that has a figure for some division; 0 where none.
    """
    divisions = industries.loc[industries["level"] == "division", "industry_code"].tolist()
    rows = obs.loc[_as_of(obs, up_to, obs["industry_code"].isin(divisions)),
                   ["industry_code", "region_code"]]
    counts = (rows.groupby(["industry_code", "region_code"]).size().unstack(fill_value=0)
              if len(rows) else pd.DataFrame(index=pd.Index([], name="industry_code")))
    counts = counts.reindex(divisions, fill_value=0)
    counts.columns.name = "region_code"
    counts.index.name = "industry_code"
    return counts.astype(int)


def region_order(codes, regions: pd.DataFrame) -> list[str]:
    """China, Shandong and Qingdao first, then the other regions in code order."""
    head = [c for c in (COUNTRY, PROVINCE, CITY) if c in set(codes)]
    known = set(regions["region_code"])
    rest = sorted(c for c in set(codes) - set(head) if c in known)
    return head + rest + sorted(set(codes) - set(head) - set(rest))
