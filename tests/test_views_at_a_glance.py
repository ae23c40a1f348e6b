"""Issue 11 (views that read right at a glance), AppTest and figure tier: no empty series, no
line across years without a count, English labels without doubled units, axis ticks that adapt
to the range, chart titles that fit a phone."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from components.charts import TITLE_UNITS, TOOLBAR_ROOM, _units, make_trend_chart, wrap_title
from components.counts_view import tile_heading, unit_in_name
from components.progress_charts import make_timeline_chart
from tests.apptest import run_page, texts


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


# --- 7. empty series ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang, note", [("zh", "无公布数据：青岛 · 山东"),
                                        ("en", "No published figure: Qingdao · Shandong")])
def test_overview_c38_draws_no_empty_series_and_says_which_have_no_figure(lang, note):
    at = run_page("dashboard.py", lang=lang, industry="C38")
    assert not at.exception
    (trend,) = [s for s in chart_specs(at) if s["data"]]
    assert [d["name"] for d in trend["data"]] == ["全国" if lang == "zh" else "China"]
    assert all(any(v is not None for v in d["y"]) for d in trend["data"])
    assert note in [a["text"] for a in trend["layout"]["annotations"]]


def test_trend_chart_without_any_figure_for_a_region_has_no_trace():
    df = pd.DataFrame({"region_code": ["000000"], "x": ["2022"], "value": [11.9], "label": [""]})
    fig = make_trend_chart(df, x_values=["2022", "2023"], region_names={
        "370200": "青岛", "000000": "全国"}, title="t", x_title="x", y_title="y",
        no_figure_text="无公布数据：{names}")
    assert [d.name for d in fig.data] == ["全国"]
    assert fig.layout.annotations[0].text == "无公布数据：青岛"


def test_innovation_timeline_never_joins_china_2018_and_2024():
    at = run_page("pages/4_innovation.py", lang="en")
    assert not at.exception
    (timeline,) = [s for s in chart_specs(at) if len(s["data"]) >= 2]
    china = [d for d in timeline["data"] if d["name"] == "China"][0]
    ys = china["y"]
    assert ys[0] == 125 and ys[-1] == 1557
    assert None in ys and china["connectgaps"] is False  # a break between 2018 and 2024


def test_timeline_breaks_only_across_a_whole_year_without_a_count():
    points = pd.DataFrame({
        "region_code": ["370200"] * 4,
        "date": pd.to_datetime(["2023-12-31", "2024-07-31", "2026-01-31", "2026-06-30"]),
        "value": [4.0, 4.0, 8.0, 9.0], "text": ["4", "4", "8", "9"], "hover": ["a"] * 4,
        "derived": [False] * 4})
    fig = make_timeline_chart(points, region_names={"370200": "青岛"}, title="t", y_title="家")
    assert list(fig.data[0].y) == [4.0, 4.0, None, 8.0, 9.0]  # 2025: no count, no line


# --- 8. English labels -------------------------------------------------------------------------

def test_unit_is_not_repeated_when_the_name_says_it():
    assert unit_in_name("Smart factories", "factories")
    assert unit_in_name("Digital workshops and automated production lines", "workshops and lines")
    assert tile_heading("Smart factories", "factories", "count", "en") == "Smart factories"
    assert tile_heading("Provincial first-set technical equipment", "products", "count",
                        "en") == "Provincial first-set technical equipment (products)"
    assert tile_heading("智能工厂数量", "家", "count", "zh") == "智能工厂数量（家）"


def test_digital_page_in_english_has_no_doubled_unit():
    at = run_page("pages/3_digital.py", lang="en")
    assert not at.exception
    body = texts(at)
    assert "**Smart factories**" in body
    for doubled in ("Smart factories (factories)", "Lighthouse factories (factories)",
                    "platforms (platforms)", "enterprises (enterprises)"):
        assert doubled not in body, doubled
    assert "MIIT grades smart factories in four tiers" in body


# --- 5. charts that read at any width ----------------------------------------------------------

def test_growth_chart_uses_a_date_axis_with_adaptive_ticks_not_44_labels():
    at = run_page("pages/1_growth.py", lang="en")
    (chart,) = chart_specs(at)
    xaxis = chart["layout"]["xaxis"]
    assert xaxis["type"] == "date" and xaxis["tickangle"] == 0
    assert {s["value"] for s in xaxis["tickformatstops"]} == {"%Y", "%Y-%m"}
    assert "tickvals" not in xaxis  # plotly picks years, half-years or quarters by width
    qd = [d for d in chart["data"] if d["name"] == "Qingdao"][0]
    assert len(qd["x"]) >= 44 and None in qd["y"]  # every period kept (2022 on), gaps as gaps


def test_titles_wrap_to_a_phone_and_sit_below_the_toolbar():
    text, main, sub = wrap_title("Industrial value added, YoY growth (cumulative), 2022-2025, %"
                                 "<br><sup>Industry above designated size (all) · cumulative"
                                 "</sup>")
    assert main == 2 and sub >= 1
    for line in text.split("<br>"):
        plain = line.replace("<sup>", "").replace("</sup>", "")
        assert _units(plain) <= TITLE_UNITS * 1.3
    at = run_page("pages/1_growth.py", lang="en")
    (chart,) = chart_specs(at)
    pad = chart["layout"]["title"].get("pad") or chart["layout"]["template"]["layout"]["title"][
        "pad"]
    assert pad["t"] >= TOOLBAR_ROOM  # the title starts below the toolbar's strip
    assert chart["layout"]["margin"]["t"] >= TOOLBAR_ROOM + 2 * 22 + 17
