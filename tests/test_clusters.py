"""产业集群: the district aggregation, the district figures, the boundaries and the map factory.

Expected values are read by hand from data/src/entities/entities.csv (8 of the 38 entities name
a district: 6 in 西海岸新区 370211, the software base in 市南区 370202, the textiles base in 即墨区
370215) and from the district rows of data/src/observations/facts.csv.
"""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from components.clusters_view import (MapChoice, make_district_count_table,
                                      make_district_figure_table, make_entity_table,
                                      selected_location)
from components.map_charts import make_count_colorscale, make_district_map_chart
from metrics.clusters import (entity_publication_dates, ENTITY_TYPES, HT_DIVISIONS, count_recognised_after,
                              default_figure_indicator, default_figure_period,
                              derive_district_counts, derive_district_figures, district_figures,
                              figure_indicators, figure_industry, figure_periods, filter_entities,
                              geojson_codes, load_district_geojson, matches_industry,
                              split_located)
from metrics.growth import district_codes
from metrics.validate import DataError

TEN = ["370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281", "370283",
       "370285"]



@pytest.fixture(scope="module")
def districts(ds):
    return district_codes(ds)


def totals(counts: pd.DataFrame) -> dict[str, int]:
    """The non-zero district totals."""
    return {r: int(n) for r, n in zip(counts["region_code"], counts["total"]) if n}


# --- Industry matching ---------------------------------------------------------------------------

def test_industry_matching_rules():
    assert matches_industry([], "ALL") and matches_industry(["C38"], "ALL")
    assert not matches_industry([], "C")  # untagged (platforms, software) only under ALL
    assert matches_industry(["C17", "C18"], "C") and matches_industry(["HT"], "C")
    assert matches_industry(["C38", "C39"], "C39") and not matches_industry(["C38"], "C39")
    assert not matches_industry(["HT"], "C39")  # a group tag does not imply a division
    # EQ: the eight NBS divisions 33-40
    assert matches_industry(["C37"], "EQ") and matches_industry(["C33"], "EQ")
    assert not matches_industry(["C17"], "EQ") and not matches_industry(["C41"], "EQ")
    # HT: tagged HT, or the divisions (almost) wholly high-tech; rail, ships, appliances are not
    assert HT_DIVISIONS == ("C27", "C39", "C40")
    assert matches_industry(["HT"], "HT") and matches_industry(["C27", "C35"], "HT")
    assert not matches_industry(["C37"], "HT") and not matches_industry(["C38"], "HT")


# --- Counts by district --------------------------------------------------------------------------

def test_all_entities_eight_located_thirty_citywide(ds, districts):
    entities = filter_entities(ds["entities"])
    assert len(entities) == 38
    located, citywide = split_located(entities)
    assert len(located) == 8 and len(citywide) == 30
    # The 青烟威 cluster spans three cities and the appliance base is "青岛市": kept apart.
    assert {"cl-ship-offshore-qyw-prov", "bs-appliances-electronics"} <= set(citywide["entity_id"])
    counts = derive_district_counts(entities, districts)
    assert list(counts["region_code"]) == TEN  # every district has a row
    assert totals(counts) == {"370202": 1, "370211": 6, "370215": 1}
    assert counts["total"].sum() == 8  # city-wide entities are counted in no district
    huangdao = counts.set_index("region_code").loc["370211"]
    assert (huangdao["park"], huangdao["base"], huangdao["lighthouse_factory"]) == (2, 1, 3)
    assert list(counts.columns) == ["region_code", "total", *ENTITY_TYPES]


def test_counts_by_type_and_level(ds, districts):
    def count(**kw):
        return totals(derive_district_counts(filter_entities(ds["entities"], **kw), districts))

    assert count(entity_type="base") == {"370202": 1, "370211": 1, "370215": 1}
    assert count(entity_type="lighthouse_factory") == {"370211": 3}
    assert count(entity_type="cluster") == {}  # every cluster is city-wide or multi-city
    assert count(level="global") == {"370211": 3}
    assert count(level="national") == {"370202": 1, "370211": 1, "370215": 1}
    assert count(level="municipal") == {"370211": 2}
    assert count(level="provincial") == {}
    assert count(entity_type="park", level="municipal") == {"370211": 2}


def test_counts_by_industry(ds, districts):
    def count(industry):
        return totals(derive_district_counts(filter_entities(ds["entities"], industry=industry),
                                             districts))

    assert count("C38") == {"370211": 3}  # the three Haier lighthouses
    assert count("C39") == {"370211": 2}  # the IC and new-display parks
    assert count("C17") == {"370215": 1}  # the Jimo textiles base
    assert count("C") == {"370211": 6, "370215": 1}  # the software base has no division
    assert count("EQ") == {"370211": 6}
    assert count("HT") == {"370211": 2}
    assert count("C16") == {}
    # HT among the city-wide ones: C39/C40/C27-tagged clusters, parks, centres, factories
    _, citywide = split_located(filter_entities(ds["entities"], industry="HT"))
    assert len(citywide) == 12 and "cl-rail-transit-nat" not in set(citywide["entity_id"])


def test_point_in_time_leaves_out_later_recognitions(ds, districts):
    entities = filter_entities(ds["entities"], up_to=202112)
    assert totals(derive_district_counts(entities, districts)) == {"370202": 1, "370211": 4,
                                                                  "370215": 1}
    # the 2022 and 2023 Haier lighthouses, the 2024 clusters and smart factories, 2026 factories
    assert count_recognised_after(ds["entities"], 202112) == 14
    assert count_recognised_after(ds["entities"], None) == 0
    # an entity whose year is not published is kept at any point in time
    assert "cl-ship-offshore-qyw-prov" in set(entities["entity_id"])


# --- District figures ----------------------------------------------------------------------------

def test_missing_district_figures_stay_missing(obs, districts):
    figs = derive_district_figures(obs, districts, "gdp", "ALL", "2025-06").set_index("region_code")
    assert figs.loc["370211", "value"] == 2656.77 and figs.loc["370202", "value"] == 885.08
    # 李沧 and 莱西 publish no H1 2025 GDP: missing, never 0
    assert math.isnan(figs.loc["370213", "value"]) and figs.loc["370213", "figure"] is None
    assert math.isnan(figs.loc["370285", "value"])
    assert figs["value"].notna().sum() == 8


def test_figure_choices_and_defaults(obs, districts):
    # the indicator and period with the most districts: H1 2025 GDP, 8 districts
    assert default_figure_indicator(obs, districts, "ALL") == "gdp"
    assert default_figure_period(obs, districts, "gdp", "ALL") == "2025-06"
    # 2024-09 and 2024 both have two districts; the exact published rates win over "11%+"
    assert default_figure_period(obs, districts, "iva_growth_cum", "ALL") == "2024-09"
    assert figure_periods(obs, districts, "iva_growth_cum", "ALL")[:3] == ["2025", "2024",
                                                                           "2024-09"]
    assert figure_indicators(obs, districts, "ALL")[:3] == ["iva_growth_cum", "gross_output",
                                                            "gdp"]
    # as of end-2023 the best is full-year 2022 GDP (黄岛, 城阳, 即墨)
    assert default_figure_period(obs, districts, "gdp", "ALL", 202312) == "2022"
    assert "2025-06" not in figure_periods(obs, districts, "gdp", "ALL", 202312)


def test_figure_industry_follows_the_filter_where_districts_publish(obs, districts):
    assert figure_industry(obs, districts, "C39") == "C39"
    assert figure_indicators(obs, districts, "C39") == ["iva_growth_cum"]
    figs = derive_district_figures(obs, districts, "iva_growth_cum", "C39", "2024-05")
    assert figs.set_index("region_code")["value"].dropna().to_dict() == {"370212": 62.0}
    assert figure_industry(obs, districts, "HT") == "ALL"  # no district publishes HT figures


def test_district_card_figures(obs):
    figs = district_figures(obs, "370213")
    assert [(f.indicator_id, f.period, f.value) for f in figs] == [
        ("gdp", "2024", 664.42), ("gross_output", "2024", 375.95)]
    assert district_figures(obs, "370213", 202312) == []


# --- Boundaries and the map ----------------------------------------------------------------------

def test_geojson_has_the_ten_codes_as_text():
    geo = load_district_geojson()
    assert sorted(geojson_codes(geo)) == TEN
    assert geo["features"][0]["properties"]["adcode"] == 370202  # the file itself is unchanged


def test_geojson_missing_or_broken_names_the_file(tmp_path):
    with pytest.raises(DataError, match="missing"):
        load_district_geojson(tmp_path / "none.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="bad.geojson"):
        load_district_geojson(bad)


def test_count_colorscale_has_one_band_per_integer():
    scale, zmin, zmax, ticks = make_count_colorscale(6)
    assert (zmin, zmax, ticks) == (-0.5, 6.5, [0, 1, 2, 3, 4, 5, 6])
    assert len(scale) == 14 and scale[0][1] == scale[1][1]  # flat bands
    assert make_count_colorscale(0)[1:] == (-0.5, 0.5, [0])


def test_map_chart_keeps_missing_apart_and_every_code():
    geo = load_district_geojson()
    values = [1.0, None, 6.0] + [float("nan")] * 7
    fig = make_district_map_chart(geo, locations=TEN, values=values, hover_texts=TEN,
                                  title="t", colorbar_title="GDP<br>亿元 · 2025年1-6月",
                                  missing_label="无公布数据", attribution="行政区划边界", selected="370211")
    shown, missing = fig.data
    assert list(shown.locations) == ["370202", "370211"] and list(shown.z) == [1.0, 6.0]
    assert missing.name == "无公布数据" and missing.showlegend and len(missing.locations) == 8
    assert sorted([*shown.locations, *missing.locations]) == TEN
    assert shown.colorbar.title.text == "GDP<br>亿元 · 2025年1-6月"
    assert list(shown.marker.line.width) == [0.8, 3]  # the chosen district is outlined
    assert fig.layout.map.style == "white-bg" and fig.layout.map.zoom == 7.3
    assert [c[0] for c in shown.customdata] == ["370202", "370211"]
    assert "行政区划边界" in fig.layout.annotations[0].text
    json.loads(fig.to_json())  # serialisable as st.plotly_chart sends it


def test_selected_location_from_a_plotly_selection():
    click = {"selection": {"points": [{"curve_number": 0, "point_index": 8, "location": "370283",
                                       "customdata": ["370283", "平度市"]}],
                           "point_indices": [8], "box": [], "lasso": []}}
    assert selected_location(click) == "370283"
    assert selected_location({"selection": {"points": [{"customdata": ["370211"]}]}}) == "370211"
    assert selected_location({"selection": {"points": []}}) is None
    assert selected_location(None) is None


# --- Tables --------------------------------------------------------------------------------------

def test_tables_keep_numbers_and_sources(ds, obs, districts):
    entities = filter_entities(ds["entities"], industry="C38")
    table = make_entity_table(ds, entities, "en")
    assert len(table) == 11 and table["Region code"].tolist().count("370211") == 3
    assert set(table.loc[table["Region code"] == "", "District"]) == {"City-wide or multi-city"}
    assert table["Publisher"].ne("").all() and table["Quoted sentence"].ne("").all()
    counts = make_district_count_table(ds, derive_district_counts(entities, districts), "zh")
    assert counts.set_index("区划代码").loc["370211", "载体数量"] == 3
    choice = MapChoice("figure", "all", "all", "all", "ALL", "gdp", "2025-06")
    figs = derive_district_figures(obs, districts, "gdp", "ALL", "2025-06")
    ftable = make_district_figure_table(ds, figs, choice, "zh").set_index("区划代码")
    assert ftable.loc["370211", "数值"] == 2656.77 and ftable.loc["370211", "发布机构"]
    assert math.isnan(ftable.loc["370213", "数值"]) and ftable.loc["370213", "状态"] == "无公布数据"
    assert ftable.loc["370213", "时期"] == "2025年1-6月"



def test_entities_known_by_their_source_date(ds):
    # The 8 excellence-level smart factories of the 2024 cycle were published in January 2025:
    # not known as of May 2024 (nor December 2024), known as of January 2025.
    published = entity_publication_dates(ds)
    smart = lambda up_to: filter_entities(ds["entities"], entity_type="smart_factory",  # noqa: E731
                                          up_to=up_to, published=published)
    assert len(smart(202405)) == 0 and len(smart(202412)) == 0
    assert len(smart(202501)) == 8


def test_left_out_count_follows_each_entitys_own_source_date(ds):
    published = entity_publication_dates(ds)
    smart = filter_entities(ds["entities"], entity_type="smart_factory")
    assert count_recognised_after(smart, 202501, published) == 0
    assert count_recognised_after(smart, 202412, published) == 8
    national = filter_entities(ds["entities"], level="national")
    later = count_recognised_after(national, 202405, published)
    assert later == len(national) - len(filter_entities(ds["entities"], level="national",
                                                        up_to=202405, published=published))


def test_label_points_lie_inside_their_districts_and_project_onto_the_map():
    from metrics.clusters import _inside, _rings, district_label_points
    from components.map_charts import project
    geo = load_district_geojson()
    points = district_label_points(geo)
    assert sorted(points) == TEN
    for feature in geo["features"]:
        lon, lat = points[feature["id"]]
        assert any(_inside(lon, lat, ring) for ring in _rings(feature["geometry"])), feature["id"]
        dx, dy = project(lon, lat)
        assert abs(dx) < 175 and abs(dy) < 200  # within a 390 px phone's map
    assert project(120.29, 36.36) == (0, 0)
    x_east, _ = project(120.39, 36.36)
    _, y_north = project(120.29, 36.46)
    assert x_east > 0 and y_north < 0  # east is right, north is up
