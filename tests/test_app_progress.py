"""AppTest of the 数字化转型, 创新能力 and 目标进度 pages: both languages, the article's figures
on screen as of July 2024 and the later counts that supersede them, the filters, URL state,
and a target with a published actual (on a copy of the data with actuals added)."""
from __future__ import annotations

from pathlib import Path

import pytest

from components import keys
from components.data import DATA_DIR_ENV
from components.i18n_pages.progress import STRINGS
from components.progress_charts import STATUS_BADGES
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


def badges(at) -> list[str]:
    """The status lights' markdown (colour, icon and words), in page order."""
    return [m.value for m in at.markdown if "-badge[" in m.value]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_without_actuals_are_unknown_with_proxy_and_due_date(lang):
    at = run_page(TARGETS, lang=lang, period="2024-07")
    assert not at.exception, at.exception
    body = texts(at).replace("\\", "")
    lights = badges(at)
    if lang == "zh":
        assert "共8项目标：已完成0项，进度正常0项，落后0项，状态未知8项（其中8项未公布实际值）。" in body
        # One box per status: the light (colour, icon, words) and the count.
        assert lights[:4] == [":green-badge[:material/check_circle: 已完成]",
                              ":blue-badge[:material/trending_up: 进度正常]",
                              ":red-badge[:material/trending_down: 落后]",
                              ":gray-badge[:material/help: 未知]"]
        assert [(m.label, m.value) for m in at.metric] == [
            ("已完成", "0项"), ("进度正常", "0项"), ("落后", "0项"), ("未知", "8项")]
        assert lights[4:] == [":gray-badge[:material/help: 未知]"] * 8
        assert body.count("未公布实际值，状态未知（不按0%计）。") == 8
        assert "工业技改投资同比增长：12%以上 · 2024年" in body
        assert ("**参考数据（不是实际值）**：规上工业企业数量 4,800多家（截至2024年7月）。"
                "规上工业企业总数（存量），不是当年新升规纳统的企业数。") in body
        assert body.count("**参考数据（不是实际值）**：") == 5
        assert body.count("2024年的数据，预计2025年4月30日前公布") == 8  # the 2026 targets too
        assert "判定规则：路径规则" in body and "**路径规则**（期限前达到的存量、比重）" in body
    else:
        assert ("8 targets: 0 met, 0 on pace, 0 behind, 8 unknown (8 with no published "
                "actual).") in body
        assert lights[3] == ":gray-badge[:material/help: Unknown]"
        assert [m.value for m in at.metric] == ["0", "0", "0", "8"]
        assert "more than 30% · by 2026 · Manufacturing" in body
        assert ("**Proxy, not the actual**: National industrial-internet platforms 14 platforms "
                "(as of Jul 2024). The cumulative number of national-level industrial-internet "
                "platforms (a stock), not the industry-specific platforms launched in the "
                "year.") in body
        assert body.count("**Proxy, not the actual**: ") == 5
        assert body.count("Next figure: 2024, due by 30 Apr 2025") == 7
        assert body.count("Next figure: as of 2024, due by 30 Apr 2025") == 1  # a stock
        assert "Rule: full-year rule (only the full-year figure decides)" in body
    # As of July 2024 the 2024 high-tech investment figure was not out: no proxy for it yet.
    assert body.count(STRINGS[lang]["targets_no_proxy"]) == 3
    assert not at.get("plotly_chart")  # no bar at all, rather than eight 0 % bars
    table = at.dataframe[0].value
    assert len(table) == 8
    status_col, due_col = (("状态", "下一个数据预计公布") if lang == "zh"
                           else ("Status", "Next figure due by"))
    assert set(table[status_col]) == {STRINGS[lang]["targets_status_unknown"]}
    assert set(table[due_col]) == {"2025-04-30"}


def test_targets_latest_overdue_and_proxy_of_the_target_year():
    at = run_page(TARGETS, lang="en")
    assert not at.exception
    body = texts(at).replace("\\", "")
    assert "The figure for 2024 was due by 30 Apr 2025" in body  # not in the data yet
    assert "Next figure: as of 2026, due by 30 Apr 2027" in body
    assert "**Proxy, not the actual**: High-tech" in body and "45.6% (2024)" in body


def test_targets_status_filter_and_industry_note():
    at = run_page(TARGETS, lang="en", tstatus="met", industry="C38")
    assert not at.exception
    assert "No target has this status." in texts(at)
    control = at.segmented_control(key=keys.TARGETS_STATUS)
    assert control.options == ["All (8)", "Met (0)", "On pace (0)", "Behind (0)", "Unknown (8)"]
    control.set_value("unknown").run()
    body = texts(at)
    assert "City-wide target, not broken down by industry" in body
    assert "Target for Manufacturing as a whole" in body
    assert len(badges(at)) == 4 + 8
    assert at.query_params[keys.TARGETS_STATUS] in (["unknown"], "unknown")


@pytest.mark.parametrize("script,param", [(DIGITAL, keys.DIGITAL_VIEW),
                                          (INNOVATION, keys.INNOVATION_GROUP),
                                          (TARGETS, keys.TARGETS_STATUS)])
def test_unknown_url_value_warns(script, param):
    at = run_page(script, **{param: "bogus"})
    assert not at.exception
    assert any("bogus" in w.value for w in at.warning), [w.value for w in at.warning]


# Made-up actuals (test rows, never shipped), one per status rule:
# - above-scale enterprises 520 in 2024 against "500 or more": met (full-year rule);
# - parks' revenue 700 in January-June against "more than 1,300": 53.8 % in half the year, on
#   pace (cumulative rule);
# - platform penetration 30 % in June 2022 (before the plan of November 2022: the baseline) and
#   40 % in July 2024: the path to 50 % by 2026 stands at 38.2 % then, on pace (path rule);
# - platforms 8 in 2024 against "10 or more": behind (full-year rule);
# - technical-upgrade investment 10.5 % in 2024 against "12 % or more": behind (rate rule).
ACTUALS = """\
new_above_scale_enterprises,370200,ALL,2024,520,,published,qdrb-2024-07-industrial-system,TEST ROW 520,,,
emerging_parks_revenue,370200,ALL,2024-06,700,,published,qdrb-2024-07-industrial-system,TEST ROW 700,,,
iiot_platform_penetration,370200,ALL,2022-06,30,,published,qdrb-2024-07-industrial-system,TEST ROW 30%,,,
iiot_platform_penetration,370200,ALL,2024-07,40,,published,qdrb-2024-07-industrial-system,TEST ROW 40%,,,
new_industry_platforms,370200,ALL,2024,8,,published,qdrb-2024-07-industrial-system,TEST ROW 8 platforms,,,
tech_upgrade_investment_growth,370200,ALL,2024,10.5,,published,qdrb-2024-07-industrial-system,TEST ROW 10.5%,,,
"""


@pytest.fixture
def data_with_actuals(real_src_copy: Path, tmp_path: Path, monkeypatch) -> Path:
    """The real data plus made-up actuals (test rows, never shipped)."""
    with (real_src_copy / "observations" / "zz_test_actuals.csv").open("w", encoding="utf-8") as f:
        f.write("indicator_id,region_code,industry_code,period,value,qualifier,status,source_id,"
                "quote,derivation,note,period_inferred\n" + ACTUALS)
    out = tmp_path / "data"
    build(real_src_copy, out)
    monkeypatch.setenv(DATA_DIR_ENV, str(out))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_targets_with_actuals_show_each_status(data_with_actuals, lang):
    at = run_page(TARGETS, lang=lang)
    assert not at.exception, at.exception
    body = texts(at).replace("\\", "")
    if lang == "en":
        assert ("8 targets: 1 met, 2 on pace, 2 behind, 3 unknown (3 with no published "
                "actual).") in body
        assert [(m.label, m.value) for m in at.metric] == [
            ("Met", "1"), ("On pace", "2"), ("Behind", "2"), ("Unknown", "3")]
        assert badges(at)[4:] == [f":{colour}-badge[{icon} {STRINGS['en'][f'targets_status_{s}']}]"
                                  for s, (colour, icon) in (
                                      (s, STATUS_BADGES[s]) for s in
                                      ("unknown", "on_pace", "unknown", "met", "behind", "behind",
                                       "on_pace", "unknown"))]  # by deadline, then target id
        assert "Gap: 2 platforms" in body and "Actual: 8 platforms (2024)" in body
        assert "The year is over." in body
        assert "2024: 10.5% against a target of 12% or more." in body  # the rate rule
        assert "Gap: 1.5 pp" in body  # no share of a rate
        assert ("Jan-Jun 2024: 50% of the year has passed, so on pace would be CNY 65 billion; "
                "actual CNY 70 billion.") in body
        assert ("From the baseline 30% (as of Jun 2022) to 50% or more at the deadline: as of "
                "Jul 2024, 40.8% of the time has passed, so on pace would be 38.2%; "
                "actual 40%.") in body
    else:
        assert "共8项目标：已完成1项，进度正常2项，落后2项，状态未知3项（其中3项未公布实际值）。" in body
        assert "2024年1-6月：全年时间已过50%，按进度应达650亿元，实际700亿元。" in body
    (chart,) = at.get("plotly_chart")
    # Bars for the four targets with a share: 520 of 500, 700 of 1,300, 40 of 50 %, 8 of 10.
    share_line = STRINGS[lang]["targets_share_line"]
    assert sorted(s for s in ("104", "53.8", "80") for _ in range(body.count(
        share_line.format(share=s)))) == ["104", "53.8", "80", "80"]
    assert not at.get("progress")  # no theme-red bar in a card, whatever the status
    # The table's downloads, the chart's image and the page's brief.
    keys_shown = {b.key for b in at.get("download_button")}
    assert {"dl_targets_csv", "dl_targets_xlsx", "dl_targets_png", "dl_brief_docx"} <= keys_shown
    status_col = "Status" if lang == "en" else "状态"
    assert sorted(at.dataframe[0].value[status_col]) == sorted(
        [STRINGS[lang][f"targets_status_{s}"] for s in
         ("met", "on_pace", "on_pace", "behind", "behind", "unknown", "unknown", "unknown")])
    at.segmented_control(key=keys.TARGETS_STATUS).set_value("behind").run()
    assert len(at.dataframe[0].value) == 2 and len(badges(at)) == 4 + 2
    at.segmented_control(key=keys.TARGETS_STATUS).set_value("unknown").run()
    assert not at.get("plotly_chart")
    assert share_line.format(share="80") not in texts(at)
    assert len(at.dataframe[0].value) == 3


def test_digital_world_lighthouse_share_only_for_the_same_date():
    at = run_page(DIGITAL)  # latest: Qingdao 8 and the world 223, both as of Jan 2026
    assert not at.exception
    assert "全球223家（截至2026年1月）：青岛占3.6%" in texts(at)
