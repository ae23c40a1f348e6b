"""Count indicators of the 数字化转型 and 创新能力 pages: sections, latest counts with their
context, timelines and the named entities behind the counts.

Rules of the data (see data/src/README.md and the quotes in data/src/observations):
- Almost every count is a stock (``period_basis`` ``as_of``) counted at the date of the report
  that gave it, for the whole city (``industry_code`` ``ALL``): Qingdao publishes none of them by
  industry. A page that filters by industry shows them as city-wide figures, never as zero.
- "As of a point" means the latest figure whose period ends in or before that month end
  (metrics.query); a count published later supersedes it (single champions 31 in Mar 2024, 39 in
  Jul 2024, 45 in Jan 2026).
- Context (Shandong, China) is the same indicator. Qingdao's share of it is derived only when
  both counts are for the same period and neither is a bound or an approximation ("99 or so",
  "more than 200"); otherwise the two stand side by side, each with its own date.
- World totals exist only for the WEF lighthouse network (region ``WORLD``); they are context
  like Shandong's and China's, with a share only for the same date.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics.clusters import matches_industry
from metrics.derive import Gap, derive_gap, format_number
from metrics.load import Dataset
from metrics.query import known_by  # noqa: F401  (re-exported: used by tests and pages)
from metrics.query import (ALL_INDUSTRIES, BENCHMARK_REGIONS, CITY, COUNTRY, PROVINCE, WORLD,
                           Figure, latest_figure, same_period_figure, select)
from metrics.memo import per_version


@dataclass(frozen=True)
class Section:
    """A group of count indicators read together, with the entities that name what is counted."""

    key: str
    indicators: tuple[str, ...]
    # Indicators with no Qingdao figure, published only for Shandong or China: shown for scale.
    context_only: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()


# 数字化转型: the figures of the article's section 推动制造业数字化转型 (2 July 2024) and later
# counts of the same things.
DIGITAL_SECTIONS = (
    # 规上工业数字化转型覆盖率: 90.9 % as of Jul 2024; Shandong "more than 95 %" at end-2025 (a
    # bound, another date: shown beside, never subtracted).
    Section("coverage", ("digital_coverage",)),
    # WEF Global Lighthouses: Qingdao 4 (Jul 2024; also 4 at Dec 2023, derived from the FTZ's
    # "three-quarters of the city's" 3) and 8 (Jan 2026); 2 new in the batch of 15 Jan 2026, of
    # China's 16 (same batch: a share is derived); 2nd among Chinese cities (Jan 2026). China's
    # cumulative totals 20 (2021-03) ... about 99 (2026-01, conflicting counts, hence "about").
    Section("lighthouse", ("lighthouse_factories", "lighthouse_factories_new",
                           "lighthouse_city_rank"),
            entity_types=("lighthouse_factory",)),
    # 国家级工业互联网平台 14 and 数字领航企业 3 (Jul 2024); Shandong's national platforms 47
    # (Apr 2024) and 46 (Jan 2026) are other dates. The national 双跨 platforms (50 in Sep 2024,
    # 23 added in 2023) are a narrower list with no Qingdao count: context only. Named
    # platforms: COSMOPlat (卡奥斯) and Lemondou (柠檬豆).
    Section("platforms", ("national_iiot_platforms", "digital_navigators"),
            context_only=("cross_industry_platforms", "cross_industry_platforms_new"),
            entity_types=("platform",)),
    # 智能工厂 64 and 数字化车间和自动化生产线 569 (cumulative, Jul 2024, the city's own lists);
    # 卓越级智能工厂: the first national list (Jan 2025) has 235 in China, 22 in Shandong and 8 in
    # Qingdao, all the same list, so shares are derived. China's 领航级 (15, end-2025) and 国家
    # 智能制造示范工厂 (421, Jul 2024) have no Qingdao count: context only.
    Section("smart", ("smart_factories", "excellence_smart_factories", "digital_workshops_lines"),
            context_only=("navigator_smart_factories", "intelligent_mfg_demo_factories"),
            entity_types=("smart_factory",)),
)

# 创新能力: the article's section 为制造业创新"策源" and later counts, read top to bottom from
# the places where innovation happens to what it produces.
INNOVATION_SECTIONS = (
    # 国家制造业创新中心 2 (smart home appliances, virtual reality; Mar 2024), 省级创新中心 5
    # (Jul 2024), R&D institutions in 85 % of above-scale firms. The named national platforms
    # include the high-speed train platform, which is not a manufacturing innovation centre, so
    # 3 entities stand beside the count of 2.
    Section("centres", ("national_innovation_centres", "provincial_innovation_centres",
                        "rd_institution_coverage"),
            entity_types=("innovation_centre",)),
    # 共性关键技术 12 newly mastered; 产业技术创新协同攻关 60 joint projects (cumulative).
    Section("technology", ("key_technologies", "joint_innovation_projects")),
    # Honoured firms. 单项冠军 31 (Mar 2024) -> 39 (Jul 2024) -> 45 (Jan 2026); Shandong 274 and
    # Qingdao 45 both Jan 2026 (a share is derived); China 125 (2018, two batches only) and 1,557
    # (2024). The 45 champions' 19.7 % of growth and 32.5 % of profits are from an article of
    # c. Jan 2026 that gives no period. 绿色制造企业 66, 服务型制造示范 26 (enterprises,
    # platforms and projects together), 技术创新示范企业 17 (Jul 2024); 高新技术企业 8,650 (2024).
    Section("firms", ("single_champions", "green_mfg_firms", "service_mfg_demos",
                      "tech_innovation_demos", "hnt_enterprises", "champions_growth_contribution",
                      "champions_profit_share")),
    # 创新产品 835 released at about 20 events; 省首台(套) 279; 省首版次高端软件 295.
    Section("products", ("innovative_products", "innovative_product_events",
                         "first_set_equipment", "first_version_software")),
    # More than 20 AI large models; more than 5,000 "工业赋能" and "未来城市" scenarios released.
    Section("ai", ("large_models", "scenarios_released")),
)

# Count indicators deliberately left to other pages: clusters, parks and bases (产业集群 page),
# scale and structure (overview), and the targets' own indicators (目标进度 page), which have no
# Qingdao observation yet.
OTHER_PAGES = ("national_clusters", "national_clusters_new", "national_clusters_output",
               "provincial_clusters", "sme_clusters", "national_demo_bases", "emerging_parks",
               "emerging_parks_projects", "hnt_enterprises_above_scale", "mfg_divisions_covered",
               "above_scale_enterprises", "div_growing_count", "iva_growth_streak_months",
               "doubling_enterprises", "enterprises_digitised", "new_industry_platforms",
               "new_above_scale_enterprises", "iiot_platform_penetration")

# Entity types counted by an indicator: the page says "n named here, of m counted" when the
# sources name fewer entities than they count (lighthouses 6 of 8, platforms 2 of 14).
ENTITY_COUNTS = {"lighthouse_factory": "lighthouse_factories",
                 "platform": "national_iiot_platforms",
                 "smart_factory": "excellence_smart_factories"}
# A share of a benchmark is derived for counts only; rates are compared in 百分点.
SHARE_KINDS = ("count",)
GAP_KINDS = ("share",)
# Regions drawn in a timeline, Qingdao first.
TIMELINE_REGIONS = (CITY, PROVINCE, COUNTRY, WORLD)
# Benchmarks shown beside a count: the world only where a world total is published.
CONTEXT_REGIONS = (*BENCHMARK_REGIONS, WORLD)


@dataclass(frozen=True)
class Context:
    """A benchmark's figure beside Qingdao's, and what may be derived from the pair.

    ``same_period`` is True when both are for the same period; ``share_pct`` (Qingdao's count as
    a share of the benchmark's) or ``gap`` (百分点, for rates) only when that holds and neither
    figure is a bound or an approximation.
    """

    figure: Figure
    same_period: bool
    share_pct: float | None = None
    share_arithmetic: str = ""
    gap: Gap | None = None
    # Either period was inferred, so the dates are not known to match: nothing is derived.
    inferred: bool = False

    @property
    def bound(self) -> bool:
        """True when either figure is a bound or approximate (no arithmetic on it)."""
        return bool(self.figure.qualifier)

    @property
    def derivation(self) -> str | None:
        """The arithmetic behind the share or gap, e.g. '8 / 22 × 100 = 36.4'."""
        if self.gap is not None:
            return self.gap.derivation
        return self.share_arithmetic or None


@dataclass(frozen=True)
class CountTile:
    """Qingdao's (or, for context-only indicators, a benchmark's) latest count as of a point."""

    indicator_id: str
    figure: Figure
    city_wide: bool = False
    context: tuple[Context, ...] = ()
    context_only: bool = False

    def figures(self) -> list[Figure]:
        """The tile's figure and its context figures."""
        return [self.figure, *(c.figure for c in self.context)]


@dataclass(frozen=True)
class SectionCounts:
    """What one section shows as of a point: tiles, context-only tiles, and what is missing."""

    section: Section
    tiles: list[CountTile] = field(default_factory=list)
    context_tiles: list[CountTile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def all_tiles(self) -> list[CountTile]:
        """Qingdao's tiles, then the context-only ones."""
        return self.tiles + self.context_tiles

    def source_ids(self) -> list[str]:
        """Every source behind the section's tiles, first-seen order."""
        ids = [f.source_id for tile in self.all_tiles() for f in tile.figures()]
        return list(dict.fromkeys(ids))


def derive_share(city: Figure, bench: Figure) -> tuple[float, str] | None:
    """Qingdao's count as a % of the benchmark's, with the arithmetic; None when not derivable.

    Derivable only for the same indicator, industry and period, exact figures (no qualifier) and
    a positive benchmark.
    """
    if city.qualifier or bench.qualifier or bench.value <= 0:
        return None
    if city.period_inferred or bench.period_inferred:  # dates not known to match
        return None
    if (city.indicator_id, city.industry_code, city.period) != (
            bench.indicator_id, bench.industry_code, bench.period):
        return None
    share = round(city.value / bench.value * 100, 1) + 0.0
    text = (f"{format_number(city.value)} / {format_number(bench.value)} × 100 = "
            f"{format_number(share, 1)}")
    return share, text


def derive_context(obs: pd.DataFrame, fig: Figure, kind: str,
                   up_to: int | None) -> tuple[Context, ...]:
    """Shandong's, China's (and the world's) latest figures of the same indicator as of ``up_to``, each with
    Qingdao's share (counts) or gap (rates) when they are for the same period."""
    out = []
    for region in CONTEXT_REGIONS:
        # The same list at the same date first (8 of China's 235 excellence-level smart
        # factories), else the benchmark's latest figure, shown beside with its own date.
        bench = (same_period_figure(obs, fig, region)
                 or latest_figure(obs, fig.indicator_id, region, fig.industry_code, up_to))
        if bench is None:
            continue
        same = bench.period == fig.period
        share = derive_share(fig, bench) if same and kind in SHARE_KINDS else None
        gap = derive_gap(fig, bench) if same and kind in GAP_KINDS else None
        out.append(Context(bench, same, share[0] if share else None,
                           share[1] if share else "", gap,
                           fig.period_inferred or bench.period_inferred))
    return tuple(out)


@per_version
def derive_section(obs: pd.DataFrame, section: Section, industry: str,
                   up_to: int | None) -> SectionCounts:
    """The section's tiles as of ``up_to``: Qingdao's figure for ``industry`` where published,
    else the city-wide (``ALL``) figure marked as such; context-only indicators from China (or
    Shandong); the indicators not yet published as of ``up_to`` in ``missing``."""
    tiles, missing = [], []
    for ind in section.indicators:
        fig = latest_figure(obs, ind, CITY, industry, up_to) if industry != ALL_INDUSTRIES else None
        city_wide = fig is None and industry != ALL_INDUSTRIES
        fig = fig or latest_figure(obs, ind, CITY, ALL_INDUSTRIES, up_to)
        if fig is None:
            missing.append(ind)
            continue
        kind = _kind(obs, ind)
        tiles.append(CountTile(ind, fig, city_wide, derive_context(obs, fig, kind, up_to)))
    context_tiles = []
    for ind in section.context_only:
        fig = next((f for f in (latest_figure(obs, ind, r, ALL_INDUSTRIES, up_to)
                                for r in (COUNTRY, PROVINCE)) if f is not None), None)
        if fig is not None:
            context_tiles.append(CountTile(ind, fig, industry != ALL_INDUSTRIES, context_only=True))
    return SectionCounts(section, tiles, context_tiles, missing)


def _kind(obs: pd.DataFrame, indicator_id: str) -> str:
    kinds = obs.loc[obs["indicator_id"] == indicator_id, "kind"]
    return str(kinds.iloc[0]) if len(kinds) else ""


@per_version
def derive_sections(obs: pd.DataFrame, sections: tuple[Section, ...], industry: str,
                    up_to: int | None) -> list[SectionCounts]:
    """:func:`derive_section` for each of ``sections``."""
    return [derive_section(obs, s, industry, up_to) for s in sections]


def period_date(period: str, end: int) -> pd.Timestamp:
    """The date a timeline places a figure at: the day when given, else the period's last day."""
    parts = period.split("-")
    if len(parts) == 3:
        return pd.Timestamp(period)
    start = pd.Timestamp(year=end // 100, month=end % 100, day=1)
    return start + pd.offsets.MonthEnd(0)


@per_version
def derive_timeline(obs: pd.DataFrame, indicator_id: str, up_to: int | None,
                    regions: tuple[str, ...] = TIMELINE_REGIONS) -> pd.DataFrame:
    """Every published figure of a count for ``regions`` (industry ALL) as of ``up_to``, with
    the date each is placed at; columns of the observations plus ``date``."""
    rows = select(obs, indicator_id=indicator_id, industry_code=ALL_INDUSTRIES, up_to=up_to)
    rows = rows[rows["region_code"].isin(regions)]
    dates = [period_date(p, e) for p, e in zip(rows["period"], rows["end"])]
    return rows.assign(date=dates).sort_values(["region_code", "date"]).reset_index(drop=True)


@per_version
def timeline_indicators(obs: pd.DataFrame, sections: list[SectionCounts] | tuple[Section, ...],
                        up_to: int | None) -> list[str]:
    """The section indicators with two or more Qingdao figures as of ``up_to``: counts that
    changed over time (lighthouses 4 -> 8, single champions 31 -> 39 -> 45)."""
    out = []
    for s in sections:
        section = s.section if isinstance(s, SectionCounts) else s
        for ind in section.indicators:
            n = len(select(obs, indicator_id=ind, region_code=CITY, industry_code=ALL_INDUSTRIES,
                           up_to=up_to))
            if n >= 2:
                out.append(ind)
    return out


@dataclass(frozen=True)
class EntitySelection:
    """Named entities of some types as of a point, for an industry."""

    rows: pd.DataFrame
    without_codes: int = 0  # left out under an industry filter: no industry codes recorded
    later: int = 0  # recognised after the chosen point
    other_industries: int = 0  # tagged with other industries


@per_version
def derive_entities(ds: Dataset, entity_types: tuple[str, ...], industry: str,
                    up_to: int | None) -> EntitySelection:
    """Entities of ``entity_types`` narrowed to ``industry`` by their industry codes, then to
    those known as of ``up_to`` (:func:`known_by`); ordered by type and year."""
    ent = ds["entities"]
    ent = ent[ent["entity_type"].isin(entity_types)]
    without = other = 0
    if industry != ALL_INDUSTRIES:
        # One rule with the cluster map: divisions, C = any division, HT/EQ = their divisions.
        has_codes = ent["industry_codes"].map(bool)
        match = ent["industry_codes"].map(lambda codes: matches_industry(codes, industry))
        without = int((~has_codes).sum())
        other = int((has_codes & ~match).sum())
        ent = ent[match]
    src = ds["sources"].set_index("source_id")["date_published"]
    known = [known_by(y, src[s], up_to) for y, s in zip(ent["year"], ent["source_id"])]
    later = len(known) - sum(known)
    ent = ent[pd.Series(known, index=ent.index, dtype=bool)]
    ent = ent.sort_values(["entity_type", "year", "entity_id"], na_position="last", kind="stable")
    return EntitySelection(ent.reset_index(drop=True), without, later, other)
