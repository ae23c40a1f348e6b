"""产业集群 Cluster map: clusters, parks, bases and factories by district, or a district figure.

Entities are placed in the district their source names; city-wide and multi-city ones are listed
apart, never forced into a district. District figures are sparse: a district without one is
drawn as "no published figure", never as zero. The map makes no request outside the server.
"""
import streamlit as st

from components.clusters_view import (render_district_card,
                                      render_district_map, render_district_section,
                                      render_entity_section, render_filter_notes,
                                      render_map_controls)
from components.brief import render_brief_downloads
from components.frame import render_footer, render_frame
from components.i18n import t
from components.labels import region_label
from components.provenance import md_escape
from metrics.clusters import (ANY, derive_district_counts, derive_district_figures,
                              entity_publication_dates, filter_entities, split_located)
from metrics.growth import district_codes
from metrics.validate import DataError

view = render_frame("nav_clusters")
lang, ds = view.lang, view.ds
districts = district_codes(ds)

# 1/ Title and choices (measure, level, type, district, figure and period: all in the URL) -----
st.title(t("clusters_title", lang))
st.caption(t("clusters_intro", lang))
choice = render_map_controls(view, districts)
render_filter_notes(view, choice, ds["entities"])

# 2/ Data: entities under the filters, split into located and city-wide; the district figures --
entities = filter_entities(ds["entities"], entity_type=choice.entity_type, level=choice.level,
                           industry=view.industry, up_to=view.up_to,
                           published=entity_publication_dates(ds))
located, citywide = split_located(entities)
counts = derive_district_counts(entities, districts)
figures = (derive_district_figures(view.obs, districts, choice.indicator, choice.figure_industry,
                                   choice.period) if choice.indicator else None)

# 3/ Map (click a district to select it) and the chosen district's card -------------------------
col_map, col_card = st.columns([3, 2], gap="medium")
with col_map:
    try:
        map_sources, map_figure = render_district_map(
            view, choice, districts, counts, figures,
            list(located["source_id"]), len(citywide))
    except DataError as exc:  # the boundary file is missing or broken: say which, no traceback
        st.error(str(exc))
        map_sources, map_figure = list(located["source_id"]), None
with col_card:
    render_district_card(view, choice, located, citywide, counts)

# 4/ The map's numbers as a table, with its downloads (the map's image among them) --------------
st.subheader(t("clusters_h_districts", lang))
models = [render_district_section(view, choice, counts, figures, map_figure, map_sources)]

# 5/ The entities: those in the chosen district (or all districts), then the city-wide ones ------
shown = located if choice.district == ANY else located[located["district_code"] == choice.district]
title = (t("clusters_h_entities", lang) if choice.district == ANY else
         t("clusters_h_entities_in", lang, district=region_label(ds, choice.district, lang)))
st.subheader(md_escape(title))
models.append(render_entity_section(view, choice, shown, title, "districts"))
st.subheader(t("clusters_h_citywide", lang))
st.caption(t("clusters_citywide_help", lang))
models.append(render_entity_section(view, choice, citywide, t("clusters_h_citywide", lang),
                                    "citywide"))
render_brief_downloads(view, t("nav_clusters", lang), models)

render_footer(view)
