"""增速对比: derivations (grid, series, gaps, missing benchmarks), the sentence generator, and the
page (AppTest)."""
from __future__ import annotations

import pytest

from components import keys
from components.sentences import make_growth_sentence
from metrics.growth import (derive_gap_series, derive_period_comparison, derive_series,
                            districts_with_figures, growth_indicators, nearest_published_industry,
                            period_grid, trim_grid)
from tests.apptest import run_page, texts



def test_period_grid_by_basis():
    assert period_grid("cumulative", 2024, 2024) == [
        "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09",
        "2024-10", "2024-11", "2024"]
    assert period_grid("month", 2024, 2024)[0] == "2024-03"  # Jan and Feb come as 1-2月
    assert period_grid("quarter", 2022, 2022) == ["2022Q1", "2022Q2", "2022Q3", "2022Q4"]
    assert period_grid("annual", 2022, 2024) == ["2022", "2023", "2024"]


def test_series_keeps_missing_periods_missing(obs):
    series = derive_series(obs, "iva_growth_cum", "ALL", ("370200",), 2024, 2024)
    grid = trim_grid(period_grid("cumulative", 2024, 2024), series)
    published = set(series["period"])
    assert "2024-05" in published and "2024-04" not in published
    assert "2024-04" in grid  # the grid keeps the hole, so the line breaks there


def test_series_never_mixes_cumulative_and_single_month(obs):
    series = derive_series(obs, "iva_growth_cum", "ALL", ("000000",), 2024, 2024)
    assert set(series["indicator_id"]) == {"iva_growth_cum"}
    assert series.set_index("period").loc["2024-05", "value"] == 6.2


def test_period_comparison_jan_may_2024(obs):
    c = derive_period_comparison(obs, "iva_growth_cum", "ALL", "2024-05")
    assert c.subject.value == 9.6
    assert {r: b.value for r, b in c.benchmarks.items()} == {"370000": 8.5, "000000": 6.2}
    assert {r: g.signed() for r, g in c.gaps.items()} == {"370000": "+1.1", "000000": "+3.4"}
    assert c.benchmarks["370000"].status == "derived"


def test_missing_benchmark_gives_no_gap(obs):
    c = derive_period_comparison(obs, "profit_growth_cum", "ALL", "2023")
    assert c.benchmarks["370000"] is None and c.gaps["370000"] is None
    assert c.gaps["000000"].signed() == "+12.9"


def test_gap_series_only_where_both_published(obs):
    gaps = derive_gap_series(obs, "iva_growth_cum", "ALL", 2024, 2024)
    by = {(r["period"], r["region_code"]): r["gap_pp"] for _, r in gaps.iterrows()}
    assert by[("2024-05", "370000")] == 1.1 and by[("2024-05", "000000")] == 3.4
    assert by[("2024", "000000")] == pytest.approx(3.6)  # 9.4 - 5.8
    assert ("2024-04", "000000") not in by  # Qingdao published no Jan-Apr 2024 rate


def test_growth_indicators_headline_first(obs):
    ids = growth_indicators(obs)
    assert ids[:2] == ["iva_growth_cum", "profit_growth_cum"]
    assert "iva_growth_avg_annual" not in ids  # a multi-year average is not a series


def test_districts_with_and_without_figures(ds, obs):
    have, none = districts_with_figures(ds, obs, "iva_growth_cum", "ALL")
    assert "370212" in have and "370202" in none and len(have) + len(none) == 10


def test_nearest_published_industry(ds, obs):
    assert nearest_published_industry(ds, obs, "iva_growth_cum", "C16") in ("C", "ALL")
    assert nearest_published_industry(ds, obs, "iva_growth_cum", "ALL") is None


@pytest.mark.parametrize("lang,expected", [
    ("zh", "2024年1-5月，青岛规上工业增加值同比增长9.6%，高于全省1.1个百分点，高于全国3.4个百分点。"),
    ("en", "In Jan-May 2024, Qingdao's above-scale industrial value added grew 9.6% year on year, "
           "1.1 percentage points above Shandong and 3.4 percentage points above China."),
])
def test_sentence_jan_may_2024(ds, obs, lang, expected):
    c = derive_period_comparison(obs, "iva_growth_cum", "ALL", "2024-05")
    assert make_growth_sentence(ds, c, lang) == expected


@pytest.mark.parametrize("lang,expected", [
    ("zh", "2023年，青岛规上工业企业利润总额同比增长10.6%，高于全国12.9个百分点，全省同期数据未公布。"),
    ("en", "In 2023, Qingdao's profits of above-scale industrial enterprises grew 10.6% year on "
           "year, 12.9 percentage points above China. Shandong's figure for the period has not "
           "been published."),
])
def test_sentence_with_missing_benchmark(ds, obs, lang, expected):
    c = derive_period_comparison(obs, "profit_growth_cum", "ALL", "2023")
    assert make_growth_sentence(ds, c, lang) == expected


def test_sentence_negative_preliminary_and_below(ds, obs):
    c = derive_period_comparison(obs, "iva_growth_cum", "HT", "2025-11")
    assert make_growth_sentence(ds, c, "zh") == (
        "2025年1-11月，青岛高技术制造业增加值同比增长8.6%，低于全国0.6个百分点，全省同期数据未公布。")
    c = derive_period_comparison(obs, "iva_growth_cum", "ALL", "2025")
    assert "（初步数据）" in make_growth_sentence(ds, c, "zh")
    assert "(preliminary)" in make_growth_sentence(ds, c, "en")


def test_sentence_district_against_city(ds, obs):
    c = derive_period_comparison(obs, "iva_growth_cum", "ALL", "2024-05", subject="370212",
                                 benchmarks=("370200",))
    assert make_growth_sentence(ds, c, "zh") == "2024年1-5月，崂山区规上工业增加值同比增长11.9%，高于全市2.3个百分点。"


# AppTest ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_jan_may_2024_view(lang):
    at = run_page("pages/1_growth.py", lang=lang, at="2024-05", view="period")
    assert not at.exception
    body = texts(at) + "\n".join(c.value for c in at.code)
    table = at.dataframe[0].value.to_string()
    for value in ("9.6", "8.5", "6.2"):
        assert value in table
    assert "+1.1" in body or "1.1" in table
    if lang == "zh":
        assert "高于全省1.1个百分点，高于全国3.4个百分点" in body
    else:
        assert "1.1 percentage points above Shandong and 3.4 percentage points above China" in body
    fig = at.get("plotly_chart")[0].proto.spec
    assert "+1.1" in fig and "+3.4" in fig


@pytest.mark.parametrize("indicator", ["iva_growth_cum", "profit_growth_cum", "iva_growth_month",
                                       "gdp_growth_cum", "iva_growth_quarter"])
@pytest.mark.parametrize("view", ["time", "period", "gap"])
def test_switching_indicator_and_view_never_raises(indicator, view):
    at = run_page("pages/1_growth.py", indicator=indicator, view=view)
    assert not at.exception


@pytest.mark.parametrize("industry", ["HT", "EQ", "C", "C36", "C39", "C16"])
def test_switching_industry_never_raises(industry):
    at = run_page("pages/1_growth.py", industry=industry)
    assert not at.exception
    if industry == "C16":
        assert any("烟草制品业" in i.value for i in at.info)


def test_choices_live_in_the_url():
    at = run_page("pages/1_growth.py")
    at.selectbox(key=keys.GROWTH_INDICATOR).set_value("profit_growth_cum").run()
    at.segmented_control(key=keys.GROWTH_VIEW).set_value("gap").run()
    assert not at.exception
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params[keys.GROWTH_INDICATOR] == "profit_growth_cum"
    assert params[keys.GROWTH_VIEW] == "gap"


def test_unknown_indicator_in_link_falls_back_with_notice():
    at = run_page("pages/1_growth.py", indicator="no_such_indicator")
    assert not at.exception
    # the value is shown escaped or as inline code, never as markup
    assert any("no_such_indicator" in w.value.replace("\\", "") for w in at.warning)


def test_benchmark_choice_with_a_period_only_another_region_published():
    # Shandong only: the period list holds only periods where Qingdao or Shandong published.
    at = run_page("pages/1_growth.py", bench="province", at="2024-08")
    assert not at.exception


def test_as_of_point_bounds_series_rank_and_districts():
    at = run_page("pages/1_growth.py", lang="en", period="2024-05")
    assert not at.exception
    periods = set(at.dataframe[0].value["Period"])
    assert "Jan-May 2024" in periods and not any("2025" in p for p in periods)
    assert not any("No. 2" in m.value for m in at.markdown)  # the 2024 rank came out in 2025
    at = run_page("pages/1_growth.py", lang="en", period="2022", gdistrict="370215")
    assert not at.exception
    assert not any("Jimo" in c.value and "2024" in c.value for c in at.code)


def test_district_list_as_of_a_point(ds, obs):
    have, _ = districts_with_figures(ds, obs, "iva_growth_cum", "ALL", up_to=202405)
    assert "370212" in have and "370281" not in have  # Jiaozhou's first figure is for 2025


# Issue 11: a switch never strands the page on a period without Qingdao's figure; ranks only
# for what is chosen ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_industry_switch_moves_to_qingdaos_latest_period(lang):
    at = run_page("pages/1_growth.py", lang=lang)
    assert at.selectbox(key=keys.GROWTH_AT).value == "2025"
    at.selectbox(key=keys.INDUSTRY).set_value("HT").run()
    assert not at.exception
    assert at.selectbox(key=keys.GROWTH_AT).value == "2025-11"  # Jan-Nov 2025, 8.6 %
    moved = [i.value for i in at.info]
    reading = "\n".join(c.value for c in at.code)
    if lang == "zh":
        assert any("时期已改为青岛最近公布的2025年1-11月" in m for m in moved), moved
        assert "8.6%" in reading
    else:
        assert any("the period is now Jan-Nov 2025, Qingdao's latest" in m for m in moved), moved
        assert "8.6%" in reading
    assert "growth_no_city" not in texts(at) and "未公布2025年的该项数据" not in texts(at)


def test_indicator_switch_to_profits_moves_to_2023():
    at = run_page("pages/1_growth.py", lang="en")
    at.selectbox(key=keys.GROWTH_INDICATOR).set_value("profit_growth_cum").run()
    assert not at.exception
    assert at.selectbox(key=keys.GROWTH_AT).value == "2023"
    assert any("for 2025; the period is now 2023" in i.value for i in at.info)
    assert any("10.6%" in c.value for c in at.code)  # Qingdao's 2023 profit growth


def test_a_period_chosen_under_the_same_indicator_is_kept():
    at = run_page("pages/1_growth.py", lang="en", at="2024-08")  # China only published it
    assert not at.exception
    assert at.selectbox(key=keys.GROWTH_AT).value == "2024-08"
    assert not any("the period is now" in i.value for i in at.info)


def test_rank_only_for_the_chosen_indicator_industry_and_period():
    # the full-year 2024 value-added rank, for the full year 2024, all industry: shown
    at = run_page("pages/1_growth.py", lang="en", at="2024")
    plain = lambda els: [e.value.replace("\\", "") for e in els]  # noqa: E731 (md escapes)
    lines = [m for m in plain(at.markdown) if "No. 2" in m]
    assert lines and "(2024)" in lines[0] and "a rank of" not in lines[0]
    # high-tech, Jan-May 2024: not that rank; it is listed apart, saying what it ranks
    at = run_page("pages/1_growth.py", lang="en", industry="HT", at="2024-05", view="period")
    assert not at.exception
    assert not any("No. 2" in m for m in plain(at.markdown) if "a rank of" not in m)
    assert any("No published rank of Industrial value added" in c and "High-tech" in c
               for c in plain(at.caption))
    other = next(e for e in at.expander if e.label.startswith("Other published ranks"))
    assert other.label.startswith("Other published ranks")
    assert any("No. 2 (2024), a rank of Industrial value added, YoY growth (cumulative) for "
               "All above-scale industry" in m for m in plain(other.markdown))
