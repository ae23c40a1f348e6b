"""产业集群 Cluster map: entities by district, the district figures, and the district boundaries.

Entities (data/entities.parquet) are recognitions: clusters, parks, demonstration bases, WEF
lighthouse factories, innovation centres, industrial-internet platforms, smart factories. A row's
``district_code`` is empty when its source places it city-wide or across several cities (the
青烟威 ship cluster spans Qingdao, Yantai and Weihai; the appliance base is located as "青岛市";
many sources name no location at all). Those rows are kept apart, never forced into a district,
so a district count of 0 means "no entity of this kind is located in the district by our
sources", not that none exists there.

District figures are observations whose region is one of the ten county-level units (3702xx).
They are few and scattered: each district publishes different indicators for different periods
(e.g. H1 2025 GDP for eight districts, full-year 2022 GDP for three). For one indicator and period
the districts without a figure stay missing (NaN), never 0.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from metrics.paths import GEO_DIR, rel_to_repo
from metrics.load import Dataset
from metrics.query import ALL_INDUSTRIES, Figure, known_by
from metrics.validate import DataError
from metrics.memo import per_version

ANY = "all"
ENTITY_TYPES = ("cluster", "park", "base", "lighthouse_factory", "innovation_centre", "platform",
                "smart_factory")
LEVELS = ("global", "national", "provincial", "municipal")

# How the industry filter matches an entity's ``industry_codes`` (GB/T 4754-2017 codes):
# - ALL matches every entity, also those without an industry tag (platforms, the software base,
#   parks named by a non-manufacturing industry); every other choice leaves those out.
# - a division (C13..C43) matches entities tagged with exactly that division;
# - C (manufacturing, 门类 C) matches entities tagged with any division, or with C, HT or EQ;
# - EQ and HT match entities tagged EQ / HT, or tagged with one of the divisions below.
#
# 装备制造业 (EQ): NBS's releases define equipment manufacturing as eight whole divisions: 金属制品业,
# 通用设备, 专用设备, 汽车, 铁路船舶航空航天和其他运输设备, 电气机械和器材, 计算机通信和其他电子设备,
# 仪器仪表制造业 = C33-C40. The mapping is exact.
EQ_DIVISIONS = tuple(f"C{n}" for n in range(33, 41))
# 高技术制造业 (HT): NBS 《高技术产业（制造业）分类（2017）》 defines six groups at the class (小类)
# level, not by division: 医药制造; 航空、航天器及设备制造; 电子及通信设备制造; 计算机及办公设备制造;
# 医疗仪器设备及仪器仪表制造; 信息化学品制造. Only three divisions lie (almost) wholly inside it:
# C27 医药制造业, C39 计算机、通信和其他电子设备制造业 and C40 仪器仪表制造业 (all but clocks and a few
# classes). Divisions with only a few high-tech classes (C26 information chemicals, C34 office
# machines, C35 medical devices, C37 aerospace only, C38 lithium batteries and optical fibre) do
# NOT match: an entity tagged C37 (rail, ships) or C38 (appliances) is not high-tech. So HT is an
# approximation at division level, and the page says so.
HT_DIVISIONS = ("C27", "C39", "C40")
GROUP_DIVISIONS = {"EQ": EQ_DIVISIONS, "HT": HT_DIVISIONS}

# Indicators listed first in the district-figure choice, in this order; others follow by id.
PREFERRED_FIGURES = ("iva_growth_cum", "gross_output", "gdp", "gdp_growth_cum", "revenue",
                     "above_scale_enterprises")

GEOJSON_NAME = "qingdao_districts.geojson"
# The credit data/geo/README.md asks for, verbatim, wherever the map is shown (in both languages).
BOUNDARY_CREDIT = "行政区划边界：cnmaps（高德地图数据）"


def is_division(code: str) -> bool:
    """True for a GB/T 4754-2017 manufacturing division code such as ``C39``."""
    return len(code) == 3 and code[0] == "C" and code[1:].isdigit()


def matches_industry(codes: Iterable[str], industry: str) -> bool:
    """Whether an entity tagged ``codes`` belongs to the filter ``industry`` (rules above)."""
    if industry == ALL_INDUSTRIES:
        return True
    tags = set(codes)
    if industry in tags:
        return True
    if industry == "C":
        return any(is_division(c) for c in tags) or bool(tags & {"HT", "EQ"})
    return bool(tags & set(GROUP_DIVISIONS.get(industry, ())))


@per_version
def filter_entities(entities: pd.DataFrame, *, entity_type: str = ANY, level: str = ANY,
                    industry: str = ALL_INDUSTRIES, up_to: int | None = None,
                    published: pd.Series | None = None) -> pd.DataFrame:
    """Entities of the chosen type, level and industry, known as of the month end ``up_to``.

    Known means recognised in an earlier year, or in the same year once its source had reported
    it (``published``: the source's date per entity; see metrics.query.known_by). An entity whose
    year of recognition is not published is kept at any point in time.
    Rows come sorted by district (city-wide last), type, level, year and name.
    """
    mask = pd.Series(True, index=entities.index)
    if entity_type != ANY:
        mask &= entities["entity_type"] == entity_type
    if level != ANY:
        mask &= entities["level"] == level
    mask &= entities["industry_codes"].map(lambda codes: matches_industry(codes, industry))
    if up_to is not None:
        mask &= known_mask(entities, up_to, published)
    out = entities[mask]
    order = out.assign(
        _d=out["district_code"].fillna("999999"),
        _t=out["entity_type"].map({t: i for i, t in enumerate(ENTITY_TYPES)}),
        _l=out["level"].map({lvl: i for i, lvl in enumerate(LEVELS)}),
        _y=out["year"].fillna(9999))
    return (order.sort_values(["_d", "_t", "_l", "_y", "entity_id"], kind="stable")
            .drop(columns=["_d", "_t", "_l", "_y"]).reset_index(drop=True))


def known_mask(entities: pd.DataFrame, up_to: int,
               published: pd.Series | None = None) -> pd.Series:
    """True for the entities known as of ``up_to``; without source dates, a year counts from
    its end."""
    # ``published`` is keyed by entity_id, so filtered or re-sorted frames keep their dates.
    dates = (entities["entity_id"].map(published) if published is not None
             else entities["year"].map(lambda y: f"{int(y)}-12" if pd.notna(y) else ""))
    return pd.Series([known_by(y, d, up_to) for y, d in zip(entities["year"], dates)],
                     index=entities.index, dtype=bool)


@per_version
def entity_publication_dates(ds: Dataset) -> pd.Series:
    """The date of each entity's source, by entity_id (for :func:`known_mask`)."""
    dates = ds["sources"].set_index("source_id")["date_published"]
    ent = ds["entities"]
    return pd.Series(ent["source_id"].map(dates).values, index=ent["entity_id"].values)


def count_recognised_after(entities: pd.DataFrame, up_to: int | None,
                           published: pd.Series | None = None) -> int:
    """How many entities were not yet known as of ``up_to`` (left out of a view as of then)."""
    if up_to is None:
        return 0
    return int((~known_mask(entities, up_to, published)).sum())


@per_version
def split_located(entities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(entities placed in a district, city-wide or multi-city entities with no district)."""
    located = entities["district_code"].notna()
    return (entities[located].reset_index(drop=True),
            entities[~located].reset_index(drop=True))


@per_version
def derive_district_counts(entities: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """Entities per district: ``region_code``, ``total`` and one column per entity type.

    Every district of ``districts`` has a row (0 where none is located); entities without a
    district are not counted in any row.
    """
    located = entities[entities["district_code"].isin(districts)]
    table = pd.crosstab(located["district_code"], located["entity_type"])
    table = table.reindex(index=list(districts), columns=list(ENTITY_TYPES), fill_value=0)
    table = table.fillna(0).astype("int64")
    table.insert(0, "total", table.sum(axis=1).astype("int64"))
    return table.rename_axis(index="region_code", columns=None).reset_index()


# --- District figures --------------------------------------------------------------------------

@per_version
def district_observations(obs: pd.DataFrame, districts: Sequence[str],
                          up_to: int | None = None) -> pd.DataFrame:
    """Observations of the ``districts`` for periods ending by ``up_to`` (None: all)."""
    rows = obs[obs["region_code"].isin(districts)]
    if up_to is not None:
        rows = rows[rows["end"] <= up_to]
    return rows


@per_version
def figure_industry(obs: pd.DataFrame, districts: Sequence[str], industry: str,
                    up_to: int | None = None) -> str:
    """The industry whose district figures are mapped: the filter's, when any district publishes
    a figure for it, else ``ALL`` (districts publish very few figures by industry)."""
    rows = district_observations(obs, districts, up_to)
    return industry if (rows["industry_code"] == industry).any() else ALL_INDUSTRIES


@per_version
def figure_indicators(obs: pd.DataFrame, districts: Sequence[str], industry: str,
                      up_to: int | None = None) -> list[str]:
    """Indicators with at least one district figure for ``industry``, the headline ones first."""
    rows = district_observations(obs, districts, up_to)
    ids = set(rows.loc[rows["industry_code"] == industry, "indicator_id"])
    first = [i for i in PREFERRED_FIGURES if i in ids]
    return first + sorted(ids - set(first))


def _districts_per_period(obs: pd.DataFrame, districts: Sequence[str], indicator_id: str,
                          industry: str, up_to: int | None) -> pd.DataFrame:
    rows = district_observations(obs, districts, up_to)
    rows = rows[(rows["indicator_id"] == indicator_id) & (rows["industry_code"] == industry)]
    rows = rows.assign(exact=rows["qualifier"].fillna("").eq("") & rows["status"].eq("published"))
    return (rows.groupby("period")
            .agg(n=("region_code", "nunique"), exact=("exact", "sum"), end=("end", "max"))
            .reset_index())


@per_version
def figure_periods(obs: pd.DataFrame, districts: Sequence[str], indicator_id: str,
                   industry: str, up_to: int | None = None) -> list[str]:
    """Periods with a district figure for the indicator and industry, newest first."""
    per = _districts_per_period(obs, districts, indicator_id, industry, up_to)
    return list(per.sort_values(["end", "period"], ascending=False)["period"])


@per_version
def default_figure_period(obs: pd.DataFrame, districts: Sequence[str], indicator_id: str,
                          industry: str, up_to: int | None = None) -> str | None:
    """The period in which most districts publish the indicator; among equals the one with more
    exact published figures (not bounds such as "10%+" or preliminary ones), then the latest."""
    per = _districts_per_period(obs, districts, indicator_id, industry, up_to)
    if per.empty:
        return None
    best = per.sort_values(["n", "exact", "end", "period"], ascending=False).iloc[0]
    return str(best["period"])


@per_version
def default_figure_indicator(obs: pd.DataFrame, districts: Sequence[str], industry: str,
                             up_to: int | None = None) -> str | None:
    """The indicator whose best period covers the most districts (the headline one of equals)."""
    best, best_n = None, 0
    for indicator_id in figure_indicators(obs, districts, industry, up_to):
        per = _districts_per_period(obs, districts, indicator_id, industry, up_to)
        if len(per) and per["n"].max() > best_n:
            best, best_n = indicator_id, int(per["n"].max())
    return best


@per_version
def derive_district_figures(obs: pd.DataFrame, districts: Sequence[str], indicator_id: str,
                            industry: str, period: str) -> pd.DataFrame:
    """One row per district: ``region_code``, ``value`` (NaN where no figure is published) and
    ``figure`` (the :class:`Figure`, or None). A missing figure is never 0."""
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["industry_code"] == industry)
               & (obs["period"] == period) & obs["region_code"].isin(districts)]
    by_region = {r["region_code"]: Figure.from_row(r) for _, r in rows.iterrows()}
    figures = [by_region.get(code) for code in districts]
    return pd.DataFrame({"region_code": list(districts),
                         "value": [f.value if f else float("nan") for f in figures],
                         "figure": figures}).astype({"value": "float64"})


@per_version
def district_figures(obs: pd.DataFrame, district: str, up_to: int | None = None) -> list[Figure]:
    """Every figure published for one district by ``up_to``, by indicator then period."""
    rows = district_observations(obs, [district], up_to)
    rows = rows.sort_values(["indicator_id", "industry_code", "end", "period"], kind="stable")
    return [Figure.from_row(r) for _, r in rows.iterrows()]


# --- Boundaries ----------------------------------------------------------------------------------

def load_district_geojson(path: Path = GEO_DIR / GEOJSON_NAME) -> dict:
    """The ten county-level boundaries, each feature with ``id`` = its GB/T 2260 code as text.

    The file (see data/geo/README.md) stores ``adcode`` as an integer; the map matches features
    to the six-character region codes of the data through ``id``. Raises DataError naming the
    file when it is missing, unreadable or has a feature without an adcode.
    """
    file = rel_to_repo(path)
    hint = "Restore it from the repository (see data/geo/README.md)."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(file, None, None, f"file is missing. {hint}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(file, None, None, f"not readable GeoJSON ({exc}). {hint}") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not features:
        raise DataError(file, "features", None, f"no features. {hint}")
    for i, feature in enumerate(features):
        adcode = (feature.get("properties") or {}).get("adcode")
        if adcode is None or feature.get("geometry") is None:
            raise DataError(file, "properties.adcode", f"feature {i + 1}",
                            f"feature without adcode or geometry. {hint}")
        feature["id"] = f"{int(adcode):06d}"
    return data


def geojson_codes(geojson: dict) -> list[str]:
    """The region codes of the boundaries, in file order."""
    return [f["id"] for f in geojson["features"]]


def _rings(geometry: dict) -> list[list[list[float]]]:
    """The outer rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [poly[0] for poly in geometry["coordinates"]]


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(signed area, centroid lon, centroid lat) of a ring by the shoelace formula."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    return (a, cx / (6 * a), cy / (6 * a)) if a else (0.0, ring[0][0], ring[0][1])


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def district_label_points(geojson: dict) -> dict[str, tuple[float, float]]:
    """Where to write each district's name on the map: the centroid of its largest polygon,
    or, when that falls outside the polygon (a crescent-shaped coast), the middle of the
    polygon's widest horizontal chord through the centroid's latitude."""
    points = {}
    for feature in geojson["features"]:
        ring = max(_rings(feature["geometry"]), key=lambda r: abs(_ring_area_centroid(r)[0]))
        _, lon, lat = _ring_area_centroid(ring)
        if not _inside(lon, lat, ring):
            xs = sorted(x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
                        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])
                        if (y0 > lat) != (y1 > lat))
            lon = max(((b - a, (a + b) / 2) for a, b in zip(xs[::2], xs[1::2])),
                      default=(0, lon))[1]
        points[feature["id"]] = (round(lon, 4), round(lat, 4))
    return points
