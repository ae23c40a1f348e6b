"""AppTest of the 数字化转型, 创新能力 and 目标进度 pages: both languages, the article's figures
on screen as of July 2024 and the later counts that supersede them, the filters, URL state,
and a target with a published actual (on a copy of the data with actuals added)."""
from __future__ import annotations

from pathlib import Path

import pytest

from components import keys
from components.data import DATA_DIR_ENV
from metrics.build import build
from tests.apptest import run_page, texts

DIGITAL, INNOVATION, TARGETS = "pages/3_digital.py", "pages/4_innovation.py", "pages/5_targets.py"


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_digital_article_figures_july_2024(lang):
    at = run_page(DIGITAL, lang=lang, period="2024-07")
    assert not at.exception, at.exception
    assert {"90.9%", "4", "14", "3", "64", "569"} <= set(metrics(at))
    body = texts(at)
    if lang == "zh":
        assert "截至2024年7月" in body and "全国62家（截至2023年12月）：时点不同，仅并列" in body
        assert "数据来源：" in body and "尚未公布" in body
        assert "全球153家（截至2023年12月）：时点不同，仅并列" in body
    else:
        assert "as of Jul 2024" in body and "China 62 factories (as of Dec 2023): another date" in body
        assert "数据来源：" not in body and "Data source: " in body
        assert "World 153 factories (as of Dec 2023): another date" in body
    assert "：青岛占" not in body and "): Qingdao's share" not in body  # no same-date pair yet


def test_digital_latest_supersedes_and_shows_same_date_shares():
    at = run_page(DIGITAL)
    assert not at.exception
    values = metrics(at)
    assert "8" in values and "第2位" in values and "4" not in values
    body = texts(at)
    assert "全国16家（截至2026年1月15日）：青岛占12.5%" in body
    assert "山东22家（截至2025年1月）：青岛占36.4%" in body
    assert "全国约99家（截至2026年1月）：为约数或区间值，不计算占比" in body
    assert "2 / 16 × 100 = 12.5" in body.replace("\\", "")  # the arithmetic, in the details


def test_digital_industry_filter_marks_city_wide_and_narrows_entities():
    at = run_page(DIGITAL, lang="en", industry="C38", period="2024-07")
    assert not at.exception
    body = texts(at)
    assert "City-wide figure, not broken down by industry" in body
    assert "every count on this page is a city-wide figure" in body.lower()
    assert "90.9%" in metrics(at)
    at.segmented_control(key=keys.DIGITAL_VIEW).set_value("entities").run()
    assert not at.exception
    names = " ".join(" ".join(df.value.iloc[:, 1]) for df in at.dataframe)
    assert "Haier refrigerator" in names and "Tsingtao" not in names and "Hisense" not in names
    assert "2 more carry no industry code" in texts(at)
    assert at.query_params[keys.DIGITAL_VIEW] in (["entities"], "entities")


def test_digital_timeline_and_entities_views():
    at = run_page(DIGITAL, dview="timeline")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    assert "空心点为推算值" in texts(at)
    at = run_page(DIGITAL, lang="en", dview="entities")
    assert not at.exception
    lighthouses = at.dataframe[0].value
    assert len(lighthouses) == 6 and list(lighthouses["Year recognised"]) == [
        "2018", "2021", "2022", "2023", "2026", "2026"]
    assert "6 Global Lighthouse factory entries are named in the data" in texts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_innovation_article_figures_july_2024(lang):
    at = run_page(INNOVATION, lang=lang, period="2024-07")
    assert not at.exception, at.exception
    values = set(metrics(at))
    assert {"2", "5", "85%", "12", "60", "39", "66", "26", "17", "835", "279", "295"} <= values
    assert ({"20多", "5,000多", "约20"} if lang == "zh" else {"20+", "5,000+", "about 20"}) <= values
    assert "45" not in values
    assert len(at.get("plotly_chart")) == 1  # single champions 31 -> 39


def test_innovation_latest_single_champions_and_group_filter():
    at = run_page(INNOVATION, lang="en")
    assert not at.exception
    body = texts(at)
    assert "45" in metrics(at)
    # Qingdao's 45 is dated only approximately (period inferred): no share of Shandong's 274.
    assert ("Shandong 274 enterprises (as of Jan 2026): a period is inferred, no share derived"
            in body)
    at = run_page(INNOVATION, group="products")
    assert not at.exception
    assert set(metrics(at)) == {"835", "约20", "279", "295"}
    at = run_page(INNOVATION, period="2024-03")
    assert "31" in metrics(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_without_actuals_say_so(lang):
    at = run_page(TARGETS, lang=lang, period="2024-07")
    assert not at.exception, at.exception
    body = texts(at)
    if lang == "zh":
        assert "共8项目标：已完成0项，未完成0项，无法判断0项，未公布实际值8项。" in body
        assert body.count("未公布实际值，完成进度未知（不按0%计）。") == 8
        assert "工业技改投资同比增长：12%以上 · 2024年" in body
        assert "工业互联网平台普及率：50%以上 · 2026年前" in body
    else:
        assert "8 targets: 0 met, 0 not met, 0 undetermined, 8 with no published actual." in body
        assert "more than 30% · by 2026 · Manufacturing" in body
    assert not at.get("plotly_chart")  # no bar at all, rather than eight 0 % bars
    assert len(at.dataframe[0].value) == 8


def test_targets_status_filter_and_industry_note():
    at = run_page(TARGETS, lang="en", tstatus="met", industry="C38")
    assert not at.exception
    assert "No target has this status." in texts(at)
    at.segmented_control(key=keys.TARGETS_STATUS).set_value("no_actual").run()
    body = texts(at)
    assert "City-wide target, not broken down by industry" in body
    assert "Target for Manufacturing as a whole" in body


@pytest.mark.parametrize("script,param", [(DIGITAL, keys.DIGITAL_VIEW),
                                          (INNOVATION, keys.INNOVATION_GROUP),
                                          (TARGETS, keys.TARGETS_STATUS)])
def test_unknown_url_value_warns(script, param):
    at = run_page(script, **{param: "bogus"})
    assert not at.exception
    assert any("bogus" in w.value for w in at.warning), [w.value for w in at.warning]


ACTUALS = """\
new_industry_platforms,370200,ALL,2024,8,,published,qdrb-2024-07-industrial-system,TEST ROW 8 platforms,,,
tech_upgrade_investment_growth,370200,ALL,2024,10.5,,published,qdrb-2024-07-industrial-system,TEST ROW 10.5%,,,
iiot_platform_penetration,370200,ALL,2024-07,40,,published,qdrb-2024-07-industrial-system,TEST ROW 40%,,,
"""


@pytest.fixture
def data_with_actuals(real_src_copy: Path, tmp_path: Path, monkeypatch) -> Path:
    """The real data plus three made-up actuals (test rows, never shipped)."""
    with (real_src_copy / "observations" / "zz_test_actuals.csv").open("w", encoding="utf-8") as f:
        f.write("indicator_id,region_code,industry_code,period,value,qualifier,status,source_id,"
                "quote,derivation,note,period_inferred\n" + ACTUALS)
    out = tmp_path / "data"
    build(real_src_copy, out)
    monkeypatch.setenv(DATA_DIR_ENV, str(out))
    return out


def test_targets_with_actuals_show_share_gap_and_pace(data_with_actuals):
    at = run_page(TARGETS, lang="en")
    assert not at.exception, at.exception
    body = texts(at)
    assert "8 targets: 0 met, 3 not met, 0 undetermined, 5 with no published actual." in body
    assert "Gap: 2 platforms" in body and "Actual: 8 platforms (2024)" in body
    assert "The year is over." in body
    assert "Gap: 1.5 pp" in body  # 12 % or more, actual 10.5 %: no share of a rate
    assert "29 months to the deadline: 4.1 pp still needed per year" in body
    (chart,) = at.get("plotly_chart")
    # Bars only for the two targets with a share: 8 of 10 platforms, 40 of 50 % penetration.
    assert [(p.value, p.text) for p in at.get("progress")] == [
        (80, "80% of the target reached")] * 2
    at.segmented_control(key=keys.TARGETS_STATUS).set_value("no_actual").run()
    assert not at.get("plotly_chart") and not at.get("progress")
    assert "None of these 5 targets has a published actual" in texts(at)


def test_digital_world_lighthouse_share_only_for_the_same_date():
    at = run_page(DIGITAL)  # latest: Qingdao 8 and the world 223, both as of Jan 2026
    assert not at.exception
    assert "全球223家（截至2026年1月）：青岛占3.6%" in texts(at)
