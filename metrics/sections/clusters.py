"""Sections of the 产业集群 (Cluster map) page: the map's numbers by district (entity counts or a
published district figure) and the entities, in a district and city-wide."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from metrics.clusters import ANY, ENTITY_TYPES
from metrics.section import INTEGER, Column, SectionModel
from metrics.sections.base import (Labeller, figure_columns, make_figure_rows,
                                   make_model, view_filters)
from metrics.sections.entities import entity_columns, make_entity_rows, type_words
from metrics.memo import per_version


def cluster_filters(lab: Labeller, choice, industry: str, point: str) -> dict[str, str]:
    """The map's filters in words: measure, then what applies to it, and the district."""
    extra = [(lab.t("clusters_measure"), lab.t(f"clusters_measure_{choice.measure}"))]
    if choice.indicator:
        ind = lab.ds.indicator(choice.indicator)
        extra += [(lab.t("clusters_figure"), ind[f"name_{lab.lang}"]),
                  (lab.t("clusters_figure_period"), lab.period(choice.period, ind))]
    else:
        extra += [(lab.t("clusters_type"), lab.t("clusters_all_types") if choice.entity_type == ANY
                   else type_words(lab, choice.entity_type)),
                  (lab.t("clusters_level"), lab.t("clusters_all_levels") if choice.level == ANY
                   else lab.t(f"clusters_level_{choice.level}"))]
    extra.append((lab.t("clusters_district"), lab.t("clusters_all_districts")
                  if choice.district == ANY else lab.region(choice.district)))
    return view_filters(lab, industry, point, extra)


def _stem(choice, *parts: str) -> tuple[str, ...]:
    return ("clusters", *parts, choice.measure, choice.indicator or choice.entity_type,
            choice.level, choice.district)


@per_version
def build_district_counts_section(lab: Labeller, counts: pd.DataFrame, choice,
                                  industry: str, point: str,
                                  source_ids: Sequence[str] = ()) -> SectionModel:
    """One row per district: the total and the count of each entity type."""
    rows = pd.DataFrame({"region_code": counts["region_code"],
                         "region": [lab.region(c) for c in counts["region_code"]],
                         "total": counts["total"].astype("int64")})
    cols = [Column("region_code", lab.t("clusters_col_code")),
            Column("region", lab.t("clusters_col_district")),
            Column("total", lab.t("clusters_col_total"), INTEGER)]
    for etype in ENTITY_TYPES:
        rows[f"count_{etype}"] = counts[etype].astype("int64")
    cols += [Column(f"count_{e}", type_words(lab, e), INTEGER) for e in ENTITY_TYPES]
    return make_model(lab, "clusters_districts", lab.t("clusters_h_districts"), tuple(cols),
                      rows, filters=cluster_filters(lab, choice, industry, point),
                      stem=_stem(choice, "districts", industry, point),
                      source_ids=tuple(dict.fromkeys(source_ids)))


@per_version
def build_district_figures_section(lab: Labeller, figures: pd.DataFrame, choice,
                                   industry: str, point: str) -> SectionModel:
    """One row per district with its figure and full source; a district without one keeps its
    row with an empty value and the status 'no published figure' (never 0)."""
    ind = lab.ds.indicator(choice.indicator)
    present = [f for f in figures["figure"] if f is not None]
    table = make_figure_rows(lab, [(f, None) for f in present]).set_index("region_code",
                                                                           drop=False)
    rows = []
    for code, fig in zip(figures["region_code"], figures["figure"]):
        if fig is not None:
            rows.append(table.loc[code].to_dict())
            continue
        rows.append({"indicator_id": choice.indicator, "indicator": ind[f"name_{lab.lang}"],
                     "region_code": code, "region": lab.region(code),
                     "industry_code": choice.figure_industry,
                     "industry": lab.figure_industry(choice.figure_industry, ind),
                     "period": lab.period(choice.period, ind), "value": float("nan"),
                     "unit": lab.unit(ind), "status": lab.t("clusters_no_figure")})
    cols = figure_columns(lab, drop=("gap_pp",))
    out = pd.DataFrame(rows).reindex(columns=[c.id for c in cols])
    out["value"] = out["value"].astype("float64")
    out = out.fillna({c.id: "" for c in cols if c.id != "value"})
    return make_model(lab, "clusters_districts", lab.t("clusters_h_districts"), cols, out,
                      filters=cluster_filters(lab, choice, industry, point),
                      stem=_stem(choice, "districts", industry, point),
                      source_ids=tuple(dict.fromkeys(f.source_id for f in present)))


@per_version
def build_cluster_entities_section(lab: Labeller, entities: pd.DataFrame, title: str, choice,
                                   industry: str, point: str, part: str) -> SectionModel:
    """The entities of one list (``part``: in the chosen district(s), or city-wide)."""
    return make_model(lab, f"clusters_entities_{part}", title, entity_columns(lab),
                      make_entity_rows(lab, entities),
                      filters=cluster_filters(lab, choice, industry, point),
                      stem=_stem(choice, f"entities-{part}", industry, point))
