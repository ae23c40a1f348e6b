"""Sections of the 数字化转型 (Digital) and 创新能力 (Innovation) pages: the counts of each
section with their context, a count's timeline, and the named entities."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from metrics.counts import (TIMELINE_REGIONS, Context, SectionCounts, derive_entities,
                            derive_timeline)
from metrics.derive import format_number
from metrics.query import ALL_INDUSTRIES, Figure
from metrics.section import SectionModel
from metrics.sections.base import (NUMBER, TEXT, Labeller, figure_columns, make_figure_rows,
                                   make_model, view_filters, with_figure)
from metrics.sections.entities import entity_columns, make_entity_rows
from metrics.memo import per_version


def share_derivation(lab: Labeller, city: Figure, ctx: Context) -> str:
    """'青岛8 ÷ 山东22 = 36.4%': Qingdao's share of the benchmark, both inputs named."""
    return lab.t("derivation_share", city=lab.region(city.region_code),
                 a=format_number(city.value), bench=lab.region(ctx.figure.region_code),
                 b=format_number(ctx.figure.value), share=format_number(ctx.share_pct))


@per_version
def build_counts_section(lab: Labeller, page: str, sections: Sequence[SectionCounts],
                         names: dict[str, str], industry: str, point: str,
                         extra_filters: Sequence[tuple[str, str]] = (),
                         timelines: Sequence[SectionModel] = ()) -> SectionModel:
    """Every tile's figure and context figure, one row each, with its section, Qingdao's share
    of the benchmark (when derived) and the full source; then the points of ``timelines`` not
    already listed (a count on a tile is often a point of its timeline)."""
    rows, extra = [], {}
    for counts in sections:
        name = names[counts.section.key]
        for tile in counts.all_tiles():
            rows.append((tile.figure, None))
            extra[tile.figure.key] = {"section": name, "share": None}
            for ctx in tile.context:
                rows.append((ctx.figure, ctx.gap))
                cell = {"section": name, "share": ctx.share_pct}
                if ctx.share_pct is not None:
                    cell["derivation"] = share_derivation(lab, tile.figure, ctx)
                extra[ctx.figure.key] = cell
    table = make_figure_rows(lab, rows, lambda f, g: extra[f.key])
    listed = set(zip(table["indicator_id"], table["region_code"], table["industry_code"],
                     table["period"]))
    for tl in timelines:
        new = tl.rows[[k not in listed for k in zip(tl.rows["indicator_id"], tl.rows["region_code"],
                                                    tl.rows["industry_code"], tl.rows["period"])]]
        table = pd.concat([t for t in (table, new) if not t.empty] or [table],
                          ignore_index=True)
        listed |= set(zip(new["indicator_id"], new["region_code"], new["industry_code"],
                          new["period"]))
    table["share"] = table["share"].astype("float64")
    cols = figure_columns(lab, insert={"": (("section", TEXT),), "gap_pp": (("share", NUMBER),)})
    return make_model(lab, f"{page}_counts", lab.t("h_table"), cols, table,
                      filters=view_filters(lab, industry, point, extra_filters),
                      stem=(page, "counts", industry, point))


@per_version
def build_timeline_section(lab: Labeller, page: str, obs, indicator_id: str, section: str,
                           industry: str, point: str, up_to: int | None) -> SectionModel:
    """A count's timeline for Qingdao, Shandong and China as of the chosen point."""
    ds = lab.ds
    ind = ds.indicator(indicator_id)
    rows = derive_timeline(obs, indicator_id, up_to)
    figs = [Figure.from_row(r) for r in rows.to_dict("records")]
    unit = lab.unit(ind)
    title = lab.t("digital_timeline_title", indicator=ind[f"name_{lab.lang}"], unit=unit)
    notes = [lab.t("digital_timeline_note")]
    if any(f.status == "derived" for f in figs):
        notes.append(lab.t("digital_timeline_derived"))
    if industry != ALL_INDUSTRIES:
        notes.append(lab.t("digital_city_wide"))
    table = make_figure_rows(lab, [(f, None) for f in figs],
                             lambda f, g: {"section": section, "share": None})
    cols = figure_columns(lab, insert={"": (("section", TEXT),)})
    model = make_model(lab, f"{page}_timeline_{indicator_id}", title, cols, table,
                       filters=view_filters(lab, industry, point),
                       stem=(page, "timeline", indicator_id, industry, point),
                       notes=(" ".join(notes),))
    points = _timeline_points(lab, rows, ind)
    return with_figure(model, lab.charts.make_timeline_chart(
        points, region_names={c: lab.region(c) for c in TIMELINE_REGIONS}, title=title,
        y_title=unit))


def _timeline_points(lab: Labeller, rows, ind: dict):
    """The chart's points: value label (with '~' or '+' for bounds) and hover with the source."""
    if rows.empty:
        return rows.assign(text=[], hover=[], derived=[])
    texts, hovers = [], []
    for r in rows.to_dict("records"):
        fig = Figure.from_row(r)
        src = lab.ds.source(fig.source_id)
        texts.append(lab.value(fig.value, fig.qualifier, ind, with_unit=False))
        status = "" if fig.status == "published" else f" ({lab.t('status_' + fig.status)})"
        hovers.append(f"{lab.region(fig.region_code)} · {lab.period(fig.period, ind)}: "
                      f"{count_text(lab, fig, ind)}{status}"
                      f"<br>{src['publisher']} ({src['date_published']})")
    return rows.assign(text=texts, hover=hovers, derived=list(rows["status"] == "derived"))


def count_text(lab: Labeller, fig: Figure, ind: dict) -> str:
    """A count as a tile shows it: '90.9%', '39家', 'No. 2' for a rank."""
    if ind["kind"] == "rank":
        return lab.t("digital_rank_value", v=format_number(fig.value))
    return lab.value(fig.value, fig.qualifier, ind)


@per_version
def build_entities_section(lab: Labeller, page: str, entity_types: tuple[str, ...],
                           title: str, industry: str, point: str, up_to: int | None,
                           extra_filters: Sequence[tuple[str, str]] = ()):
    """The named entities of ``entity_types`` as of the chosen point and industry; returns
    the model and the selection (for the notes on what the filters left out)."""
    sel = derive_entities(lab.ds, entity_types, industry, up_to)
    notes = []
    if sel.later:
        notes.append(lab.t("digital_entities_later", n=sel.later))
    if sel.without_codes:
        notes.append(lab.t("digital_entities_no_codes", n=sel.without_codes))
    if industry in ("HT", "EQ"):
        notes.append(lab.t("digital_entities_groups"))
    notes.append(lab.t("digital_entities_note"))
    model = make_model(lab, f"{page}_entities_{'-'.join(entity_types)}", title,
                       entity_columns(lab), make_entity_rows(lab, sel.rows, "digital_no_district"),
                       filters=view_filters(lab, industry, point, extra_filters),
                       stem=(page, "entities", *entity_types, industry, point),
                       notes=tuple(notes))
    return model, sel

