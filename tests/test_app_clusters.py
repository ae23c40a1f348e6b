"""产业集群 page (AppTest): both languages, the map's ten codes, filters that change the counts as
the entity table says, the district choice, district figures kept missing, bad links."""
from __future__ import annotations

import json

import pytest

from components import keys
from tests.apptest import run_page, texts

PAGE = "pages/2_clusters.py"
TEN = ["370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281", "370283",
       "370285"]


def map_traces(at) -> list[dict]:
    """The traces of the page's one map, as st.plotly_chart sent them."""
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)["data"]


def mapped(at) -> dict[str, float | None]:
    """District code -> the coloured value (None for a 'no published figure' district)."""
    out = {}
    for trace in map_traces(at):
        assert trace["type"] == "choroplethmap"
        missing = trace.get("showlegend", False)
        for code, z in zip(trace["locations"], trace["z"]):
            out[code] = None if missing else z
    return out


def entity_table(at):
    """The table of entities located in districts (after the district table)."""
    return at.dataframe[-2].value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_renders_in_both_languages_with_all_ten_codes(lang):
    at = run_page(PAGE, lang=lang)
    assert not at.exception, at.exception
    assert sorted(mapped(at)) == TEN
    body = texts(at)
    assert "行政区划边界：cnmaps（高德地图数据）" in body  # the boundary credit, in both languages
    if lang == "zh":
        assert "产业集群" in body and "全市性或跨市载体" in body and "数据来源：" in body
    else:
        assert "Cluster map" in body and "City-wide or multi-city" in body
        assert "Data source: " in body and "数据来源：" not in body and "全部" not in body


def test_counts_default_and_city_wide_kept_apart():
    at = run_page(PAGE, lang="en")
    assert mapped(at) == {**{c: 0 for c in TEN}, "370202": 1, "370211": 6, "370215": 1}
    assert len(entity_table(at)) == 8 and len(at.dataframe[-1].value) == 30
    assert "30 city\\-wide or multi\\-city entities are not counted" in texts(at)


@pytest.mark.parametrize("industry, huangdao", [("C38", 3), ("C39", 2), ("C17", 0), ("HT", 2)])
def test_industry_changes_the_counts_as_the_entity_table_says(industry, huangdao):
    at = run_page(PAGE, lang="en", industry=industry)
    assert not at.exception
    values = mapped(at)
    table = entity_table(at)
    assert values["370211"] == huangdao
    assert sum(values.values()) == len(table)
    for code, n in values.items():
        assert (table["Region code"] == code).sum() == n
    if industry == "HT":
        assert "approximation" in texts(at)
        hover = dict(map_traces(at)[0]["customdata"])["370211"]
        assert hover == ("Huangdao District (West Coast New Area)<br>Entities: 2<br>"
                         "All types · All levels · High-tech manufacturing, as of the latest data")


def test_industry_from_the_sidebar_changes_the_map():
    at = run_page(PAGE, lang="en")
    at.selectbox(key=keys.INDUSTRY).set_value("C38").run()
    assert not at.exception
    assert mapped(at)["370211"] == 3 and len(entity_table(at)) == 3


def test_point_in_time_leaves_out_later_recognitions():
    at = run_page(PAGE, lang="en", industry="C38", period="2022")
    assert mapped(at)["370211"] == 2  # the 2023 washing-machine lighthouse is left out
    # of the C38 entities, the 2023 lighthouse, the 2026 purifier factory and 4 smart factories
    assert "6 entities not yet recognised or not yet reported as of the chosen point are left out" in texts(at)


def test_level_and_type_filters():
    at = run_page(PAGE, lang="en", level="global")
    assert {c: v for c, v in mapped(at).items() if v} == {"370211": 3}
    at = run_page(PAGE, lang="en", etype="base")
    assert {c: v for c, v in mapped(at).items() if v} == {"370202": 1, "370211": 1, "370215": 1}
    assert at.query_params[keys.MAP_ENTITY_TYPE] in (["base"], "base")


def test_choosing_a_district_filters_the_table_and_shows_its_card():
    at = run_page(PAGE, lang="en")
    at.selectbox(key=keys.MAP_DISTRICT).set_value("370211").run()
    assert not at.exception
    table = entity_table(at)
    assert len(table) == 6 and set(table["Region code"]) == {"370211"}
    body = texts(at)
    assert "Entities in Huangdao District" in body
    assert "Published figures for Huangdao District" in body
    assert at.query_params[keys.MAP_DISTRICT] in (["370211"], "370211")
    # the outline follows the choice
    shown = map_traces(at)[0]
    widths = dict(zip(shown["locations"], shown["marker"]["line"]["width"]))
    assert widths["370211"] == 3 and widths["370202"] == 0.8


def test_shared_link_with_district_and_industry():
    at = run_page(PAGE, lang="zh", district="370211", industry="C38")
    assert not at.exception
    assert len(entity_table(at)) == 3
    assert "位于黄岛区\\(西海岸新区\\)的载体（按当前筛选）：3个" in texts(at)  # Markdown-escaped


def test_a_district_with_no_entities_says_so_and_lists_its_figures():
    at = run_page(PAGE, lang="zh", district="370213")
    body = texts(at)
    assert "来源未将符合当前筛选的载体定位到该区市" in body
    # the card's figures (Markdown-escaped)
    assert "- **664\\.42亿元** · 地区生产总值 · 2024年" in body
    assert "- **375\\.95亿元** · 规上工业总产值 · 2024年" in body


def test_figure_measure_keeps_missing_districts_missing():
    at = run_page(PAGE, lang="en", measure="figure")
    assert not at.exception
    values = mapped(at)
    assert values["370211"] == 2656.77 and values["370213"] is None and values["370285"] is None
    missing = [t for t in map_traces(at) if t.get("showlegend")][0]
    assert missing["name"] == "No published figure"
    shown = map_traces(at)[0]
    assert "Jan-Jun 2025" in shown["colorbar"]["title"]["text"]
    assert "100 million yuan" in shown["colorbar"]["title"]["text"]
    hover = dict(shown["customdata"])["370211"]
    assert hover == ("Huangdao District (West Coast New Area)<br>Gross domestic product: "
                     "CNY 265.677 billion<br>Jan-Jun 2025")
    assert dict(missing["customdata"])["370213"] == (
        "Licang District<br>No published figure<br>Gross domestic product, Jan-Jun 2025")
    table = at.dataframe[0].value.set_index("Region code")
    assert table.loc["370213", "Status"] == "No published figure"
    assert table.loc["370213", "Value"] == ""  # shown empty, never 0


def test_figure_choice_in_the_url_and_industry_fallback():
    at = run_page(PAGE, lang="en", measure="figure", figure="iva_growth_cum", fperiod="2024-09")
    assert {c: v for c, v in mapped(at).items() if v is not None} == {"370214": 11.5,
                                                                     "370215": 10.9}
    at = run_page(PAGE, lang="en", measure="figure", industry="HT")
    assert "No district publishes figures for High\\-tech manufacturing" in texts(at)
    at = run_page(PAGE, lang="zh", measure="figure", industry="C39")
    assert {c: v for c, v in mapped(at).items() if v is not None} == {"370212": 62.0}


def test_unknown_link_values_warn_and_fall_back():
    at = run_page(PAGE, lang="en", district="999999", etype="castle", measure="figure",
                  fperiod="1999")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "999999" in warnings and "castle" in warnings and "1999" in warnings
    assert sorted(mapped(at)) == TEN


# Issue 11: names and values on the map, zero apart from missing, one boundary credit, and
# only the filters that apply ----------------------------------------------------------------

def map_labels(at) -> dict[str, str]:
    """District code -> the label written on the map."""
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    return {a["name"][6:]: a["text"] for a in layout.get("annotations", [])
            if a.get("name", "").startswith("label-")}


def test_map_writes_names_and_counts_of_every_district():
    at = run_page(PAGE, lang="en")
    labels = map_labels(at)
    assert sorted(labels) == TEN
    assert labels["370211"] == "Huangdao<br>6" and labels["370283"] == "Pingdu<br>0"
    at = run_page(PAGE, lang="zh")
    assert map_labels(at)["370211"] == "黄岛区<br>6"


def test_figure_map_labels_tell_zero_from_missing():
    at = run_page(PAGE, lang="zh", measure="figure")
    labels = map_labels(at)
    assert labels["370211"] == "黄岛区<br>2,656.77"  # thousands separated
    assert labels["370213"] == "李沧区<br>无数据" and labels["370285"] == "莱西市<br>无数据"
    traces = map_traces(at)
    missing = [t for t in traces if t.get("showlegend")][0]
    shown = [t for t in traces if not t.get("showlegend")][0]
    from components.map_charts import MISSING_COLOUR, ZERO_COLOUR
    assert missing["colorscale"][0][1] == MISSING_COLOUR != ZERO_COLOUR
    assert MISSING_COLOUR not in {c for _, c in shown["colorscale"]}  # never a value's colour
    assert "标有“无数据”的区市" in texts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_boundary_credit_shown_once(lang):
    at = run_page(PAGE, lang=lang)
    credit = "行政区划边界：cnmaps（高德地图数据）"
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    on_map = sum(credit in a.get("text", "") for a in layout.get("annotations", []))
    in_text = sum(c.value.count(credit) for c in at.caption)
    assert on_map + in_text == 1


def test_figure_mode_hides_entity_filters_and_keeps_them_for_the_way_back():
    at = run_page(PAGE, lang="en", level="global", etype="lighthouse_factory")
    assert {s.key for s in at.selectbox} >= {keys.MAP_ENTITY_TYPE}
    at.segmented_control(key=keys.MAP_MEASURE).set_value("figure").run()
    assert not at.exception
    assert keys.MAP_ENTITY_TYPE not in {s.key for s in at.selectbox}
    assert keys.MAP_LEVEL not in {s.key for s in at.segmented_control}
    assert {keys.MAP_FIGURE, keys.MAP_FIGURE_PERIOD} <= {s.key for s in at.selectbox}
    assert len(entity_table(at)) == 8  # the lists are not narrowed by hidden filters
    at.segmented_control(key=keys.MAP_MEASURE).set_value("count").run()
    assert at.selectbox(key=keys.MAP_ENTITY_TYPE).value == "lighthouse_factory"
    assert at.segmented_control(key=keys.MAP_LEVEL).value == "global"


def test_a_dragged_box_chooses_no_district():
    from components.clusters_view import selected_location
    click = {"selection": {"points": [{"location": "370283"}], "box": [], "lasso": []}}
    box = {"selection": {"points": [{"location": "370283"}], "box": [{"x": [1, 2]}]}}
    assert selected_location(click) == "370283" and selected_location(box) is None
