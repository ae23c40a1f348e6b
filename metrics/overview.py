"""The overview's headline figures: which ones, as of when, and their benchmark gaps.

For all of above-scale industry the headline set is fixed (growth, then scale and structure).
For one industry or group, every Qingdao figure published for it is shown, since Qingdao
publishes only scattered industry figures (see data/src/README.md and the sources page).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics.derive import Gap, derive_gap
from metrics.query import (ALL_INDUSTRIES, BENCHMARK_REGIONS, CITY, Figure, latest_figure,
                           same_period_figure, select)
from metrics.memo import per_version

# Growth rates compared with Shandong and China (same indicator, industry and period).
HEADLINE_GROWTH = ("iva_growth_cum", "profit_growth_cum")
# The same rates for the two groups that Qingdao reports, shown when the whole of industry is
# selected: they are the city's structural headline ("high-tech grew 9.8 %, pulling 1.1 points").
HEADLINE_GROUPS = ("HT", "EQ")
# Scale and efficiency: stocks and shares, no benchmark of the same kind is published.
HEADLINE_SCALE = ("above_scale_enterprises", "revenue", "rd_institution_coverage",
                  "digital_coverage", "land_share_province", "tax_share_province")
TREND_INDICATOR = "iva_growth_cum"
TREND_YEARS = (2022, 2023, 2024, 2025)


@dataclass(frozen=True)
class Tile:
    """A headline figure, its benchmarks for the same period and the gaps in 百分点."""

    figure: Figure
    benchmarks: tuple[Figure | None, ...] = ()
    gaps: tuple[Gap | None, ...] = ()


@dataclass(frozen=True)
class Overview:
    """What the overview shows for one industry, as of one point in time."""

    growth: list[Tile] = field(default_factory=list)
    groups: list[Tile] = field(default_factory=list)
    scale: list[Tile] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.growth or self.groups or self.scale)

    def tiles(self) -> list[Tile]:
        return self.growth + self.groups + self.scale


def make_tile(obs: pd.DataFrame, fig: Figure, with_benchmarks: bool) -> Tile:
    """A tile for ``fig``, with Shandong's and China's figures for the same period if asked."""
    if not with_benchmarks:
        return Tile(fig)
    bench = tuple(same_period_figure(obs, fig, r) for r in BENCHMARK_REGIONS)
    return Tile(fig, bench, tuple(derive_gap(fig, b) for b in bench))


@per_version
def derive_overview(obs: pd.DataFrame, industry: str, up_to: int | None) -> Overview:
    """The overview's tiles for ``industry`` (``ALL`` for the headline set) as of ``up_to``."""
    if industry == ALL_INDUSTRIES:
        growth = [latest_figure(obs, i, CITY, ALL_INDUSTRIES, up_to) for i in HEADLINE_GROWTH]
        groups = [latest_figure(obs, "iva_growth_cum", CITY, g, up_to) for g in HEADLINE_GROUPS]
        scale = [latest_figure(obs, i, CITY, ALL_INDUSTRIES, up_to) for i in HEADLINE_SCALE]
        return Overview([make_tile(obs, f, True) for f in growth if f],
                        [make_tile(obs, f, True) for f in groups if f],
                        [make_tile(obs, f, False) for f in scale if f])
    rows = select(obs, region_code=CITY, industry_code=industry, up_to=up_to)
    latest = rows.groupby("indicator_id", sort=False).tail(1)
    tiles = [Figure.from_row(r) for _, r in latest.iterrows()]
    kinds = dict(zip(latest["indicator_id"], latest["kind"]))
    return Overview([make_tile(obs, f, True) for f in tiles if kinds[f.indicator_id] == "growth"],
                    [],
                    [make_tile(obs, f, False) for f in tiles if kinds[f.indicator_id] != "growth"])


@per_version
def derive_trend(obs: pd.DataFrame, industry: str, regions: tuple[str, ...],
                 up_to: int | None = None) -> pd.DataFrame:
    """Full-year cumulative growth by region and year as of ``up_to`` (a full year counts
    from its December); a year with no figure is absent."""
    rows = obs[(obs["indicator_id"] == TREND_INDICATOR) & (obs["industry_code"] == industry)
               & obs["region_code"].isin(regions) & obs["period"].str.fullmatch(r"\d{4}")]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    rows = rows[rows["year"].isin(TREND_YEARS)]
    return rows.sort_values(["region_code", "year"]).reset_index(drop=True)
