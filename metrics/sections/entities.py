"""The one entity table (clusters, parks, bases, lighthouse factories, platforms, centres),
shared by the cluster map, the digital and the innovation pages."""
from __future__ import annotations

import re

import pandas as pd

from metrics.sections.base import TEXT, URL, Labeller, columns, source_cells

ENTITY_COLUMNS = (("entity_type", TEXT), ("entity_name", TEXT), ("entity_level", TEXT),
                  ("industry", TEXT), ("district", TEXT), ("year", TEXT), ("product", TEXT),
                  ("note", TEXT), ("publisher", TEXT), ("source_title", TEXT),
                  ("source_date", TEXT), ("url", URL), ("carrier", TEXT), ("carrier_url", URL),
                  ("tier", TEXT), ("quote", TEXT),
                  ("entity_id", TEXT), ("district_code", TEXT), ("source_id", TEXT))

# Entities' notes name a product as 'Product: refrigerators. …'.
_PRODUCT = re.compile(r"^Product: ([^.;]+)")


def entity_product(note: str | None) -> str:
    """The product named in an entity's note ('Product: refrigerators. …'), else ''."""
    match = _PRODUCT.match(note or "")
    return match.group(1).strip() if match else ""


def type_words(lab: Labeller, code: str) -> str:
    """'产业集群' / 'Industrial cluster' (one name per type on every page)."""
    return lab.t(f"clusters_type_{code}")


def level_words(lab: Labeller, code: str) -> str:
    return lab.t(f"clusters_level_{code}")


def make_entity_rows(lab: Labeller, entities: pd.DataFrame,
                     no_district: str = "clusters_citywide_label") -> pd.DataFrame:
    """One row per entity: type, name, level, industries, district, year, product, note and
    its full source, under the stable column ids. An entity with no district is described by
    the catalogue key ``no_district`` (on the map city-wide; elsewhere 'not stated')."""
    sources = lab.ds.sources_by_id
    sep = "、" if lab.lang == "zh" else "; "
    records = []
    for e in entities.to_dict("records"):
        cells = source_cells(lab, sources[e["source_id"]])
        district = e["district_code"] or ""
        records.append({
            "entity_id": e["entity_id"], "entity_type": type_words(lab, e["entity_type"]),
            "entity_name": e[f"name_{lab.lang}"], "entity_level": level_words(lab, e["level"]),
            "industry": sep.join(lab.industry(c) for c in e["industry_codes"])
            or lab.t("clusters_no_industry_tag"),
            "district_code": district,
            "district": lab.region(district) if district else lab.t(no_district),
            "year": "" if pd.isna(e["year"]) else str(int(e["year"])),
            "product": entity_product(e["note"]), "note": e["note"] or "",
            "source_id": e["source_id"], **cells, "quote": e["quote"]})
    return pd.DataFrame(records, columns=[c for c, _ in ENTITY_COLUMNS])


def entity_columns(lab: Labeller):
    return columns(lab, ENTITY_COLUMNS)
