"""Unit tests of the count and target layers (metrics/counts.py, metrics/progress.py), their
figure factories and tables.

Expected values are read from the data by hand and checked against the quoted sentences, e.g.
"培育4家全球“灯塔工厂”、14个国家级工业互联网平台、3家数字领航企业" (Qingdao Daily, July 2024)
and "山东省...共22家企业上榜，其中青岛贡献了8家" (first list of excellence-level smart factories).
"""
from __future__ import annotations

import pandas as pd
import pytest

from components.charts import REGION_COLOURS
from components.counts_view import entity_product, make_entity_table, make_targets_table
from components.i18n_pages.progress import STRINGS
from components.progress_charts import make_progress_chart, make_timeline_chart
from metrics.counts import (DIGITAL_SECTIONS, INNOVATION_SECTIONS, OTHER_PAGES, derive_entities,
                            derive_section, derive_share, derive_timeline, known_by,
                            timeline_indicators)
from metrics.export import make_csv_bytes
from metrics.progress import (Target, compare, count_states, derive_progress, derive_targets,
                              find_actual)
from metrics.query import CITY, Figure, select



def fig(indicator="x", period="2024", value=1.0, qualifier="", region=CITY, status="published"):
    return Figure(indicator, region, "ALL", period, value, qualifier, status, "s", "q", None, None)


def target(comparator=">=", value=12.0, kind="growth", basis="annual", period="2024",
           indicator="x"):
    return Target("t", indicator, CITY, "ALL", period, comparator, value, kind, basis, "s")


# --- progress arithmetic ---------------------------------------------------------------------

@pytest.mark.parametrize("value,comparator,goal,expected", [
    (12, ">=", 12, True), (11.9, ">=", 12, False), (12, ">", 12, False), (12.1, ">", 12, True),
    (3, "<=", 3, True), (3.1, "<=", 3, False), (126, "=", 126, True), (125, "=", 126, False)])
def test_compare(value, comparator, goal, expected):
    assert compare(value, comparator, goal) is expected


def test_compare_unknown_comparator():
    with pytest.raises(ValueError, match="comparator"):
        compare(1, "~", 1)


def test_growth_target_of_12_percent_or_more():
    # "推动工业技改投资增长12%以上": a rate of one year; no share of a rate, the gap in 百分点.
    p = derive_progress(target(">=", 12), fig(value=10.5))
    assert (p.state, p.gap, p.share_done, p.pace) == ("not_met", 1.5, None, None)
    p = derive_progress(target(">=", 12), fig(value=12))
    assert (p.state, p.gap) == ("met", 0.0)
    p = derive_progress(target(">=", 12), fig(value=-2.3))
    assert (p.state, p.gap) == ("not_met", 14.3)


def test_count_per_year_full_year_actual():
    # "每年新上线特定行业平台10家以上": 8 in the full year is 80 % done, 2 short, year over.
    p = derive_progress(target(">=", 10, "count", "annual"), fig(value=8))
    assert (p.state, p.share_done, p.gap, p.pace, p.remaining) == ("not_met", 80.0, 2.0, None, 0)
    p = derive_progress(target(">=", 10, "count", "annual"), fig(value=12))
    assert (p.state, p.share_done, p.gap) == ("met", 120.0, 0.0)


def test_level_within_the_year_gives_the_monthly_pace():
    # Parks' revenue "突破1300亿元" in 2024, January-June 700: 600 left over 6 months.
    p = derive_progress(target(">", 1300, "level", "cumulative"), fig(period="2024-06", value=700))
    assert p.state == "not_met" and p.share_done == 53.8 and p.gap == 600.0
    assert (p.pace, p.pace_unit, p.remaining) == (100.0, "month", 6)


def test_more_than_target_reached_exactly_is_not_met():
    p = derive_progress(target(">", 30, "share", "cumulative", "2026"), fig(period="2026", value=30))
    assert p.state == "not_met" and p.gap == 0.0 and p.pace is None


def test_deadline_target_gives_the_yearly_pace():
    # Penetration ">= 50 % by 2026", 40 % as of July 2024: 10 pp over 29 months.
    p = derive_progress(target(">=", 50, "share", "as_of", "2026"), fig(period="2024-07", value=40))
    assert (p.state, p.share_done, p.gap, p.remaining, p.pace_unit) == (
        "not_met", 80.0, 10.0, 29, "year")
    assert p.pace == pytest.approx(10 / 29 * 12)
    # Manufacturing "> 30 % of GDP by 2026": a share, so the latest year counts, per year.
    p = derive_progress(target(">", 30, "share", "cumulative", "2026"), fig(period="2025", value=28))
    assert (p.gap, p.remaining, p.pace) == (2.0, 12, 2.0)


def test_missing_actual_is_its_own_state_never_zero():
    p = derive_progress(target(">=", 1000, "count", "annual"), None)
    assert p.state == "no_actual" and not p.has_actual
    assert p.share_done is None and p.gap is None and p.pace is None


@pytest.mark.parametrize("qualifier,value,comparator,goal,state", [
    (">", 95, ">=", 90, "met"), (">", 20, ">=", 50, "undetermined"),
    ("~", 50, ">=", 50, "undetermined"), (">=", 5, "<=", 3, "not_met"), ("", 5, "<=", 3, "not_met")])
def test_bounds_and_approximations(qualifier, value, comparator, goal, state):
    p = derive_progress(target(comparator, goal, "share", "as_of", "2026"),
                        fig(period="2025", value=value, qualifier=qualifier))
    assert p.state == state


def test_at_most_target_has_no_share_and_gap_is_the_excess():
    p = derive_progress(target("<=", 3, "level", "annual"), fig(value=5))
    assert (p.share_done, p.gap) == (None, 2.0)


def test_exact_count_target():
    assert derive_progress(target("=", 126, "count", "annual"), fig(value=126)).state == "met"


def _obs(rows):
    df = pd.DataFrame(rows, columns=["indicator_id", "period", "value", "end"])
    return df.assign(region_code=CITY, industry_code="ALL", qualifier="", status="published",
                     source_id="s", quote="q", derivation=None, note=None,
                     year=df["end"] // 100)


def test_find_actual_keeps_to_the_target_year_or_deadline():
    rows = _obs([("a", "2023", 9.0, 202312), ("a", "2024", 8.0, 202412),
                 ("b", "2024-07", 40.0, 202407), ("b", "2027", 60.0, 202712)])
    flow = target(">=", 10, "count", "annual", indicator="a")
    assert find_actual(rows, flow, None).value == 8.0
    assert find_actual(rows, flow, 202406) is None  # 2023's figure is not 2024's actual
    stock = target(">=", 50, "share", "as_of", "2026", indicator="b")
    assert find_actual(rows, stock, None).period == "2024-07"  # 2027 is after the deadline


def test_real_targets_without_observations_say_no_actual(ds, obs):
    progress = derive_targets(ds, obs, None)
    assert len(progress) == len(ds["targets"]) == 8
    for p in progress:
        t = p.target
        has_rows = len(select(obs, indicator_id=t.indicator_id, region_code=t.region_code,
                              industry_code=t.industry_code))
        if not has_rows:
            assert p.state == "no_actual" and p.share_done is None
    assert sum(count_states(progress).values()) == 8
    tech = next(p for p in progress if p.target.indicator_id == "tech_upgrade_investment_growth")
    assert (tech.target.comparator, tech.target.target_value, tech.target.period) == (
        ">=", 12.0, "2024")


def test_targets_table_keeps_missing_actuals_empty(ds, obs):
    table = make_targets_table(ds, derive_targets(ds, obs, None), "en")
    assert table["Actual"].isna().all() and table["Share reached (%)"].isna().all()
    assert set(table["Status"]) == {"no published actual"}
    text = make_csv_bytes(table, {}).decode("utf-8-sig")
    assert "≥,12.0," in text and "'=" not in text  # comparator and value stay apart


# --- counts ----------------------------------------------------------------------------------

def test_share_only_for_the_same_period_and_exact_figures():
    assert derive_share(fig(period="2025-01", value=8), fig(period="2025-01", value=22)) == (
        36.4, "8 / 22 × 100 = 36.4")
    assert derive_share(fig(period="2024-07", value=4), fig(period="2023-12", value=62)) is None
    assert derive_share(fig(period="2026-01", value=8),
                        fig(period="2026-01", value=99, qualifier="~")) is None


def test_digital_counts_as_of_july_2024(obs):
    got = {}
    for section in DIGITAL_SECTIONS:
        for tile in derive_section(obs, section, "ALL", 202407).tiles:
            got[tile.indicator_id] = tile
    values = {k: v.figure.value for k, v in got.items()}
    assert values == {"digital_coverage": 90.9, "lighthouse_factories": 4,
                      "national_iiot_platforms": 14, "digital_navigators": 3,
                      "smart_factories": 64, "digital_workshops_lines": 569}
    # China's 62 and the world's 153 lighthouses are of Dec 2023: beside Qingdao's 4 of Jul
    # 2024, no share.
    china, world = got["lighthouse_factories"].context
    assert (china.figure.value, china.figure.period, china.same_period, china.share_pct) == (
        62, "2023-12", False, None)
    assert (world.figure.region_code, world.figure.value, world.share_pct) == ("WORLD", 153, None)


def test_digital_counts_latest_supersede_and_derive_same_date_shares(obs):
    lighthouse = derive_section(obs, DIGITAL_SECTIONS[1], "ALL", None)
    tiles = {t.indicator_id: t for t in lighthouse.tiles}
    assert tiles["lighthouse_factories"].figure.value == 8
    china, world = tiles["lighthouse_factories"].context
    assert china.same_period and china.bound and china.share_pct is None  # "about 99"
    # The world's 223 is of the same month and exact: 8 / 223 × 100 = 3.6.
    assert (world.figure.value, world.share_pct, world.share_arithmetic) == (
        223, 3.6, "8 / 223 × 100 = 3.6")
    (batch,) = tiles["lighthouse_factories_new"].context
    assert (batch.figure.value, batch.share_pct) == (16, 12.5)
    smart = {t.indicator_id: t for t in derive_section(obs, DIGITAL_SECTIONS[3], "ALL", None).tiles}
    shandong = smart["excellence_smart_factories"].context[0]
    assert (shandong.figure.region_code, shandong.share_pct) == ("370000", 36.4)


@pytest.mark.parametrize("up_to,expected", [(202403, 31), (202407, 39), (None, 45)])
def test_single_champions_as_of(obs, up_to, expected):
    firms = derive_section(obs, INNOVATION_SECTIONS[2], "ALL", up_to)
    assert firms.tiles[0].figure.value == expected


def test_industry_filter_falls_back_to_city_wide(obs):
    counts = derive_section(obs, DIGITAL_SECTIONS[0], "C38", 202407)
    (tile,) = counts.tiles
    assert tile.city_wide and tile.figure.industry_code == "ALL" and tile.figure.value == 90.9
    assert not derive_section(obs, DIGITAL_SECTIONS[0], "ALL", 202407).tiles[0].city_wide


def test_not_yet_published_is_listed_not_zero(obs):
    counts = derive_section(obs, DIGITAL_SECTIONS[1], "ALL", 202407)
    assert counts.missing == ["lighthouse_factories_new", "lighthouse_city_rank"]
    assert all(t.figure.value > 0 for t in counts.tiles)


def test_timelines_are_the_counts_that_changed(obs):
    assert timeline_indicators(obs, DIGITAL_SECTIONS + INNOVATION_SECTIONS, None) == [
        "lighthouse_factories", "single_champions"]
    rows = derive_timeline(obs, "single_champions", None)
    city = rows[rows["region_code"] == CITY]
    assert list(city["value"]) == [31, 39, 45]
    assert list(city["date"].dt.strftime("%Y-%m-%d")) == ["2024-03-31", "2024-07-31", "2026-01-31"]
    assert derive_timeline(obs, "lighthouse_factories_new", None)["date"].iloc[0] == pd.Timestamp(
        "2026-01-15")


def test_sections_cover_every_count_indicator_once(ds):
    counted = [i for s in DIGITAL_SECTIONS + INNOVATION_SECTIONS
               for i in (*s.indicators, *s.context_only)]
    assert len(counted) == len(set(counted)) and not set(counted) & set(OTHER_PAGES)
    ind = ds["indicators"]
    counts = set(ind.loc[ind["kind"] == "count", "indicator_id"])
    # Every count indicator is on these pages or deliberately left to another page.
    assert counts <= set(counted) | set(OTHER_PAGES)


# --- entities --------------------------------------------------------------------------------

def test_lighthouse_entities_as_of_and_by_industry(ds):
    sel = derive_entities(ds, ("lighthouse_factory",), "ALL", 202407)
    assert list(sel.rows["year"]) == [2018, 2021, 2022, 2023] and sel.later == 2
    c38 = derive_entities(ds, ("lighthouse_factory",), "C38", None)
    assert len(c38.rows) == 4 and c38.other_industries == 2
    manufacturing = derive_entities(ds, ("lighthouse_factory", "platform"), "C", None)
    assert len(manufacturing.rows) == 6 and manufacturing.without_codes == 2
    # HT is matched through its divisions (C27, C39, C40), as on the cluster map.
    assert list(derive_entities(ds, ("lighthouse_factory",), "HT", None).rows["entity_id"]) == [
        "lh-hisense-tv"]


def test_entities_of_the_chosen_year_count_from_their_source_date(ds):
    # The 2024 list of excellence-level smart factories was published in January 2025.
    assert derive_entities(ds, ("smart_factory",), "ALL", 202407).rows.empty
    assert len(derive_entities(ds, ("smart_factory",), "ALL", 202501).rows) == 8
    assert known_by(2023.0, "2023-12-20", 202312) and not known_by(2023.0, "2023-12-20", 202311)
    assert known_by(None, "2024-07", 201502) and known_by(float("nan"), "2024-07", 201502)


def test_entity_table_names_year_district_product(ds):
    sel = derive_entities(ds, ("lighthouse_factory",), "ALL", None)
    table = make_entity_table(ds, sel.rows, "zh")
    first = table.iloc[0]
    assert first["名称"] == "海尔中央空调互联工厂 (青岛)" and first["认定年份"] == "2018"
    assert first["区市"] == "黄岛区(西海岸新区)" and first["产品（据备注，英文）"] == "central air conditioners"
    assert "来源未注明" in set(table["区市"])
    assert entity_product("Product: water purifiers; first lighthouse") == "water purifiers"
    assert entity_product(None) == ""


# --- figure factories and strings ------------------------------------------------------------

def test_timeline_chart_one_panel_per_region_with_open_markers_for_derived():
    points = pd.DataFrame({
        "region_code": ["370200", "370200", "000000"],
        "date": pd.to_datetime(["2023-12-31", "2024-07-31", "2023-12-31"]),
        "value": [4.0, 4.0, 62.0], "text": ["4", "4", "62"], "hover": ["a", "b", "c"],
        "derived": [True, False, False]})
    chart = make_timeline_chart(points, region_names={"370200": "青岛", "370000": "山东",
                                                      "000000": "全国"},
                                title="全球灯塔工厂数量（家）", y_title="家")
    qd, cn = chart.data
    assert qd.marker.color == REGION_COLOURS["370200"] and cn.marker.color == REGION_COLOURS["000000"]
    assert list(qd.marker.symbol) == ["circle-open", "circle"]
    assert [a.text for a in chart.layout.annotations] == ["青岛", "全国"]  # no empty Shandong panel
    assert chart.layout.xaxis.type == "date"


def test_progress_chart_draws_no_bar_without_a_share():
    rows = [{"label": "A", "share": 80.0, "text": "80%"},
            {"label": "B", "share": None, "text": "未公布实际值"},
            {"label": "C", "share": 240.0, "text": "240%"}]
    chart = make_progress_chart(rows, title="t (%)", x_title="%", target_line_text="目标")
    (bars,) = chart.data
    assert list(bars.x) == [80.0, None, 150.0]  # capped for drawing; the text keeps 240 %
    assert list(bars.text) == ["80%", "", "240%"]
    assert "未公布实际值" in [a.text for a in chart.layout.annotations]
    assert any(s.x0 == 100 for s in chart.layout.shapes)


def test_page_strings_are_prefixed():
    for lang in ("zh", "en"):
        assert all(k.split("_")[0] in ("digital", "innovation", "targets") for k in STRINGS[lang])


def test_context_prefers_the_same_list_at_the_same_date(obs):
    smart = {t.indicator_id: t for t in derive_section(obs, DIGITAL_SECTIONS[3], "ALL", None).tiles}
    china = next(c for c in smart["excellence_smart_factories"].context
                 if c.figure.region_code == "000000")
    assert (china.figure.value, china.same_period, china.share_pct) == (235, True, 3.4)


def test_part_year_rate_does_not_decide_an_annual_growth_target():
    # 13 % in January-May 2024 against "12 % or more" for 2024: not yet met, not missed.
    early = derive_progress(target(">=", 12, "growth", "cumulative"), fig(period="2024-05", value=13))
    assert early.state == "undetermined"
    full = derive_progress(target(">=", 12, "growth", "cumulative"), fig(period="2024", value=13))
    assert full.state == "met"
