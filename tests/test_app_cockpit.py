"""AppTest of the meeting-room mode (pages/0_cockpit.py): both languages and both colour
themes, the same figures as the overview for the same link, every number with its source, the
charts' text alternatives, the rotation with its pause, and hostile theme/rotate values."""
from __future__ import annotations

import json

import pytest

from components import keys
from components.cockpit_view import (CHART_COLOURS, PANELS, make_chart_alt,
                                     make_cockpit_template, style_for_cockpit)
from components.charts import make_trend_chart
from metrics.load import load_dataset
from metrics.overview import derive_trend
from metrics.query import BENCHMARK_REGIONS, CITY, enrich_observations
from tests.apptest import run_page, texts

COCKPIT = "pages/0_cockpit.py"


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def sr_texts(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if 'class="sr-only"' in h.proto.body]


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cockpit_shows_the_overviews_figures_with_sources(lang, theme):
    at = run_page(COCKPIT, lang=lang, theme=theme, period="2024-05")
    assert not at.exception, at.exception
    overview = run_page("dashboard.py", lang=lang, period="2024-05")
    # the same headline tiles as the overview, in the same order, for the same link
    assert [m.value for m in at.metric] == [m.value for m in overview.metric]
    assert [m.delta for m in at.metric] == [m.delta for m in overview.metric]
    body = texts(at)
    assert ("数据来源：" if lang == "zh" else "Data source: ") in body
    assert ("领导驾驶舱" if lang == "zh" else "meeting-room mode") in body
    # a figure older than the view's period is badged, as on the overview
    older = "较早时期" if lang == "zh" else "earlier period"
    assert (older in body) == (older in texts(overview))
    # the two key charts, in the theme's colours, in large type
    specs = chart_specs(at)
    assert len(specs) == 2
    for spec in specs:
        template = spec["layout"]["template"]["layout"]
        assert template["paper_bgcolor"] == CHART_COLOURS[theme]["paper"]
        assert template["font"]["size"] >= 20
    # the theme and the period stay in the URL; the default theme is left out
    assert at.query_params.get(keys.PERIOD) in (["2024-05"], "2024-05")
    assert (keys.COCKPIT_THEME in at.query_params) == (theme != "dark")


def test_every_cockpit_chart_has_a_text_alternative_listing_its_values():
    at = run_page(COCKPIT, lang="en")
    assert not at.exception
    alts = sr_texts(at)
    assert len(alts) == len(chart_specs(at)) == 2
    ds = load_dataset()
    trend = derive_trend(enrich_observations(ds), "ALL", (CITY, *BENCHMARK_REGIONS))
    city = trend[trend["region_code"] == CITY]
    assert len(city)
    for _, row in city.iterrows():
        assert f"{row['year']} {row['value']:g}%" in alts[0], (row["year"], alts[0])
    assert alts[0].count("Qingdao:") == 1 and "Shandong:" in alts[0]


def test_indicator_choice_is_the_growth_pages():
    at = run_page(COCKPIT, indicator="profit_growth_cum", lang="en")
    assert not at.exception
    assert at.selectbox(key=keys.GROWTH_INDICATOR).value == "profit_growth_cum"
    titles = [s["layout"]["title"]["text"] for s in chart_specs(at)]
    assert any("profits" in title.lower() for title in titles), titles
    # the growth page opened in the same session keeps the choice
    at.switch_page("pages/1_growth.py").run()
    assert at.selectbox(key=keys.GROWTH_INDICATOR).value == "profit_growth_cum"


def test_rotation_steps_through_the_panels_and_pauses():
    at = run_page(COCKPIT, rotate="30")
    assert not at.exception
    body = texts(at)
    assert "正在轮播：第 1/4 屏“核心增速”，每 30 秒切换。" in body
    growth_tiles = [m.value for m in at.metric]
    assert growth_tiles and not at.get("plotly_chart")  # the growth tiles alone
    at.button(key="cockpit_next_button").click().run()
    assert "第 2/4 屏“全年增速走势”" in texts(at)
    assert len(at.get("plotly_chart")) == 1 and not at.metric
    at.button(key="cockpit_pause_button").click().run()
    assert "轮播已暂停，当前停在第 2/4 屏：全年增速走势。" in texts(at)
    assert at.button(key="cockpit_pause_button").label == "继续轮播"
    at.button(key="cockpit_pause_button").click().run()
    assert at.button(key="cockpit_pause_button").label == "暂停轮播"
    assert at.query_params.get(keys.COCKPIT_ROTATE) in (["30"], "30")
    at.button(key="cockpit_next_button").click().run()  # 3: growth vs benchmarks
    at.button(key="cockpit_next_button").click().run()  # 4: scale and structure
    assert "第 4/4 屏“规模与效益”" in texts(at)
    scale_tiles = [m.value for m in at.metric]
    overview = run_page("dashboard.py")
    assert growth_tiles + scale_tiles == [m.value for m in overview.metric]
    at.button(key="cockpit_next_button").click().run()  # and round to the first
    assert "第 1/4 屏" in texts(at) and len(PANELS) == 4


def test_no_rotation_shows_every_panel_and_no_pause():
    at = run_page(COCKPIT, rotate="0", lang="en")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 2 and at.metric
    assert not [b for b in at.button if b.key == "cockpit_pause_button"]
    assert keys.COCKPIT_ROTATE not in at.query_params
    version = load_dataset().version
    assert f"All above-scale industry · as of the latest published · data version {version}" \
        in texts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_theme_and_rotate_fall_back_with_a_notice(lang):
    at = run_page(COCKPIT, lang=lang, theme="<img src=http://evil.invalid/x.png>",
                  rotate="javascript:alert(1)")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    if lang == "zh":
        assert "配色" in warnings and "自动轮播" in warnings and "“深色”" in warnings
    else:
        assert "Colours" in warnings and "Rotate panels" in warnings
    assert "](" not in warnings.replace("\\](", "")  # never a Markdown link or image
    assert keys.COCKPIT_THEME not in at.query_params
    assert keys.COCKPIT_ROTATE not in at.query_params
    assert len(at.get("plotly_chart")) == 2  # the defaults: dark, every panel on one screen
    assert chart_specs(at)[0]["layout"]["template"]["layout"]["paper_bgcolor"] == "#0E1726"


def test_chart_alt_lists_values_and_says_no_figure():
    text = make_chart_alt("增速<br><sup>累计</sup>",
                          {"青岛": [("2023年", 5.8), ("2024年", None)], "山东": [("2023年", None)]},
                          "zh")
    assert text == "图表数据：增速 累计。青岛：2023年 5.8%；山东：无公布数据"


def test_cockpit_figures_are_restyled_not_changed():
    import pandas as pd
    df = pd.DataFrame({"region_code": [CITY, CITY], "x": ["2023", "2024"],
                       "label": ["2023", "2024"], "value": [5.8, 9.4]})
    fig = make_trend_chart(df, x_values=["2023", "2024"], region_names={CITY: "Qingdao"},
                           title="t", x_title="x", y_title="y")
    styled = style_for_cockpit(fig, "dark", "Title<br><sup>sub</sup>", 700)
    assert list(styled.data[0].y) == [5.8, 9.4]  # same numbers
    assert styled.layout.height == 700 and styled.layout.margin.t >= 150
    assert styled.data[0].textfont.size >= 20
    dark = make_cockpit_template("dark").layout
    assert dark.paper_bgcolor == "#0E1726" and dark.font.color == "#F2F5F8"
    assert dark.title.pad.t > 0  # the app's title placement kept under the dark template
