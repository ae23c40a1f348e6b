"""Unit tests of the count and target layers (metrics/counts.py, metrics/progress.py), their
figure factories and tables.

Expected values are read from the data by hand and checked against the quoted sentences, e.g.
"培育4家全球“灯塔工厂”、14个国家级工业互联网平台、3家数字领航企业" (Qingdao Daily, July 2024)
and "山东省...共22家企业上榜，其中青岛贡献了8家" (first list of excellence-level smart factories).
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.charts import REGION_COLOURS
from components.counts_view import entity_product, make_entity_table
from components.i18n_pages.progress import STRINGS
from components.progress_charts import (STATUS_BADGES, STATUS_COLOURS, make_progress_chart,
                                       make_timeline_chart)
from components.section_labels import make_labeller
from metrics.counts import (DIGITAL_SECTIONS, INNOVATION_SECTIONS, OTHER_PAGES, derive_entities,
                            derive_section, derive_share, derive_timeline, known_by,
                            timeline_indicators)
from metrics.export import make_csv_bytes
from metrics.progress import (STATUSES, Due, Target, compare, count_statuses, derive_due,
                              derive_progress, derive_targets, expected_periods, find_actual,
                              find_baseline, find_proxy, reference_date, release_date)
from metrics.query import CITY, Figure, select
from metrics.sections.targets import (BRIEF_COLUMNS, brief_section, build_targets_section,
                                      due_words, proxy_words, status_lines)


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


def test_compare_gives_a_plain_bool_for_numpy_numbers():
    # Observations come from pandas as numpy floats: the rules test "is True".
    import numpy as np
    assert compare(np.float64(520), ">=", 500) is True
    p = derive_progress(target(">=", 500, "count", "annual"), fig(value=np.float64(520)))
    assert p.status == "met"


def test_compare_unknown_comparator():
    with pytest.raises(ValueError, match="comparator"):
        compare(1, "~", 1)


@pytest.mark.parametrize("published,set_on", [("2022-11-11", 202211), ("2024-07", 202407),
                                               ("2023", 202301), ("", None)])
def test_a_target_is_set_on_its_source_date(published, set_on):
    row = {"target_id": "t", "indicator_id": "x", "region_code": CITY, "industry_code": "ALL",
           "period": "2026", "comparator": ">=", "target_value": 50, "source_id": "s",
           "release_rhythm": "annual", "proxy_indicator_id": None}
    t = Target.from_row(row, {"kind": "share", "period_basis": "as_of"},
                        {"date_published": published})
    assert (t.set_on, t.release_rhythm, t.proxy_indicator_id) == (set_on, "annual", "")


def test_each_kind_of_target_has_its_rule():
    assert target(kind="growth").rule == "rate"
    assert target(kind="pp", basis="cumulative").rule == "rate"
    assert target(kind="level", basis="cumulative").rule == "flow_share"
    assert target(kind="count", basis="annual").rule == "full_year"
    assert target(kind="share", basis="as_of", period="2026").rule == "path"
    assert target(kind="share", basis="cumulative", period="2026").rule == "path"


# Rate rule: the year's latest cumulative rate against the target rate.
@pytest.mark.parametrize("period,value,status,gap", [
    ("2024", 12.0, "met", 0.0),          # the full year reached it
    ("2024", 10.5, "behind", 1.5),       # the full year missed it by 1.5 pp
    ("2024", -2.3, "behind", 14.3),
    ("2024-05", 13.0, "on_pace", 0.0),   # January-May above the rate: on pace, not yet met
    ("2024-05", 11.0, "behind", 1.0)])   # January-May below it
def test_rate_rule(period, value, status, gap):
    # "推动工业技改投资增长12%以上": no share of a rate is drawn, the gap is in 百分点.
    p = derive_progress(target(">=", 12, "growth", "cumulative"), fig(period=period, value=value))
    assert (p.status, p.gap, p.share_done, p.pace, p.reason) == (status, gap, None, None, "")


# Cumulative rule: the share of the target reached against the share of the year elapsed.
@pytest.mark.parametrize("period,value,status,elapsed,expected", [
    ("2024-06", 700.0, "on_pace", 50.0, 650.0),  # 53.8 % of the target in half the year
    ("2024-06", 600.0, "behind", 50.0, 650.0),   # 46.2 % in half the year
    ("2024-03", 325.0, "on_pace", 25.0, 325.0),  # exactly on the pace
    ("2024-09", 1301.0, "met", 75.0, None),      # the target is passed before December
    ("2024", 1200.0, "behind", 100.0, None)])    # the year is over, short of the target
def test_flow_share_rule(period, value, status, elapsed, expected):
    # Parks' revenue "突破1300亿元" in 2024 (a level cumulated from January).
    p = derive_progress(target(">", 1300, "level", "cumulative"), fig(period=period, value=value))
    assert (p.status, p.elapsed, p.on_pace_value) == (status, elapsed, expected)


def test_flow_share_rule_gives_the_monthly_pace():
    p = derive_progress(target(">", 1300, "level", "cumulative"), fig(period="2024-06", value=700))
    assert p.share_done == 53.8 and p.gap == 600.0
    assert (p.pace, p.pace_unit, p.remaining) == (100.0, "month", 6)


def test_flow_share_rule_for_a_ceiling():
    # "不超过120" within the year: at most the elapsed share of the ceiling is on pace.
    ceiling = target("<=", 120, "level", "cumulative")
    assert derive_progress(ceiling, fig(period="2024-06", value=55)).status == "on_pace"
    assert derive_progress(ceiling, fig(period="2024-06", value=65)).status == "behind"
    assert derive_progress(ceiling, fig(period="2024-06", value=130)).status == "behind"
    assert derive_progress(ceiling, fig(period="2024", value=110)).status == "met"


def test_full_year_rule():
    # "每年新上线特定行业平台10家以上": 8 in the full year is 80 % done, 2 short, year over.
    p = derive_progress(target(">=", 10, "count", "annual"), fig(value=8))
    assert (p.status, p.share_done, p.gap, p.pace, p.remaining) == ("behind", 80.0, 2.0, None, 0)
    p = derive_progress(target(">=", 10, "count", "annual"), fig(value=12))
    assert (p.status, p.share_done, p.gap) == ("met", 120.0, 0.0)
    assert derive_progress(target("=", 126, "count", "annual"), fig(value=126)).status == "met"
    # A single month's count neither meets nor misses the year's target.
    p = derive_progress(target(">=", 10, "count", "month"), fig(period="2024-05", value=3))
    assert (p.status, p.reason) == ("unknown", "partial_year")


def path_target(comparator=">=", value=50.0, set_on=202211):
    return Target("t", "x", CITY, "ALL", "2026", comparator, value, "share", "as_of", "s",
                  set_on, "annual")


@pytest.mark.parametrize("actual_period,value,status,elapsed,expected", [
    # Penetration ">= 50 % by 2026" set in Nov 2022 from 30 %: 20 pp over 49 months.
    ("2024-07", 40.0, "on_pace", 40.8, 30 + 20 * 20 / 49),
    ("2024-07", 36.0, "behind", 40.8, 30 + 20 * 20 / 49),
    ("2025", 50.0, "met", 75.5, None)])
def test_path_rule(actual_period, value, status, elapsed, expected):
    base = fig(period="2022-06", value=30.0)
    p = derive_progress(path_target(), fig(period=actual_period, value=value), baseline=base)
    assert (p.status, p.elapsed) == (status, elapsed)
    assert p.on_pace_value == (None if expected is None else pytest.approx(expected))
    assert p.baseline == base


def test_path_rule_without_a_baseline_or_a_later_figure_is_unknown():
    p = derive_progress(path_target(), fig(period="2024-07", value=40.0))
    assert (p.status, p.reason) == ("unknown", "no_baseline")
    # The only figure predates the target: nothing shows the pace since it was set.
    only = fig(period="2022-06", value=30.0)
    p = derive_progress(path_target(), only, baseline=only)
    assert (p.status, p.reason) == ("unknown", "no_baseline")


def test_path_rule_deadline_passed_is_met_or_behind():
    p = derive_progress(path_target(), fig(period="2026", value=45.0),
                        baseline=fig(period="2022-06", value=30.0))
    assert (p.status, p.remaining, p.pace) == ("behind", 0, None)


def test_deadline_target_gives_the_yearly_pace():
    # Penetration ">= 50 % by 2026", 40 % as of July 2024: 10 pp over 29 months.
    p = derive_progress(target(">=", 50, "share", "as_of", "2026"), fig(period="2024-07", value=40))
    assert (p.share_done, p.gap, p.remaining, p.pace_unit) == (80.0, 10.0, 29, "year")
    assert p.pace == pytest.approx(10 / 29 * 12)
    p = derive_progress(target(">", 30, "share", "cumulative", "2026"),
                        fig(period="2025", value=28))
    assert (p.gap, p.remaining, p.pace) == (2.0, 12, 2.0)


def test_missing_actual_is_unknown_never_zero():
    proxy = fig(indicator="p", period="2024-07", value=90.9)
    p = derive_progress(target(">=", 1000, "count", "annual"), None, proxy=proxy)
    assert (p.status, p.reason, p.has_actual, p.proxy) == ("unknown", "no_actual", False, proxy)
    assert p.share_done is None and p.gap is None and p.pace is None


@pytest.mark.parametrize("qualifier,value,comparator,goal,status", [
    (">", 95, ">=", 90, "met"), (">", 20, ">=", 50, "unknown"), ("~", 50, ">=", 50, "unknown"),
    (">=", 5, "<=", 3, "behind"), ("", 5, "<=", 3, "behind")])
def test_bounds_and_approximations(qualifier, value, comparator, goal, status):
    p = derive_progress(target(comparator, goal, "share", "as_of", "2026"),
                        fig(period="2026", value=value, qualifier=qualifier))
    assert p.status == status
    assert p.reason == ("bound" if status == "unknown" else "")


def test_a_lower_bound_on_the_rate_decides_only_when_it_reaches_the_target():
    rate = target(">=", 12, "growth", "cumulative")
    assert derive_progress(rate, fig(period="2024-05", value=12, qualifier=">")).status == "on_pace"
    assert derive_progress(rate, fig(period="2024-05", value=11, qualifier=">")).status == "unknown"


def test_at_most_target_has_no_share_and_gap_is_the_excess():
    p = derive_progress(target("<=", 3, "level", "annual"), fig(value=5))
    assert (p.share_done, p.gap, p.status) == (None, 2.0, "behind")


# --- when the next figure is due -------------------------------------------------------------

def due_target(rhythm, kind="level", basis="cumulative", period="2024", set_on=None):
    return Target("t", "x", CITY, "ALL", period, ">=", 1.0, kind, basis, "s", set_on, rhythm)


def test_release_dates_follow_the_rhythm():
    assert release_date(2024, 5, "monthly") == date(2024, 6, 15)  # mid next month
    assert release_date(2024, 12, "monthly") == date(2025, 1, 15)
    assert release_date(2024, 6, "quarterly") == date(2024, 7, 15)
    assert release_date(2024, 12, "annual") == date(2025, 4, 30)  # by the next spring
    with pytest.raises(ValueError, match="rhythm"):
        release_date(2024, 12, "")


def test_monthly_figure_due_mid_next_month():
    t = due_target("monthly")
    # On 31 July 2024 the January-June figure (15 July) is out: January-July comes 15 August.
    assert derive_due(t, None, date(2024, 7, 31)) == Due(date(2024, 8, 15), "2024-07")
    # With January-July already in, the next is still January-August... once July's is in.
    assert derive_due(t, fig(period="2024-07"), date(2024, 8, 20)) == Due(date(2024, 9, 15),
                                                                        "2024-08")
    # The full year counts as "2024" (January-December), due mid-January 2025.
    assert derive_due(t, fig(period="2024-11"), date(2024, 12, 20)) == Due(date(2025, 1, 15),
                                                                         "2024")
    # Everything should be out by 2026: the last one is overdue; with it in, nothing is due.
    assert derive_due(t, None, date(2026, 11, 30)) == Due(date(2025, 1, 15), "2024", True)
    assert derive_due(t, fig(period="2024"), date(2026, 11, 30)) is None


def test_monthly_rhythm_skips_january_released_with_february():
    t = due_target("monthly")
    assert derive_due(t, None, date(2024, 1, 5)) == Due(date(2024, 3, 15), "2024-02")


def test_quarterly_and_annual_and_irregular():
    q = due_target("quarterly", kind="level", basis="quarter")
    assert derive_due(q, None, date(2024, 5, 1)) == Due(date(2024, 7, 15), "2024Q2")
    a = due_target("annual", kind="count", basis="annual")
    assert derive_due(a, None, date(2024, 7, 31)) == Due(date(2025, 4, 30), "2024")
    assert derive_due(due_target(""), None, date(2024, 7, 31)) is None


def test_deadline_target_due_the_next_spring_after_the_chosen_date():
    # A share by 2026, set in Nov 2022: each year's figure comes the next spring.
    t = due_target("annual", kind="share", basis="as_of", period="2026", set_on=202211)
    assert derive_due(t, None, date(2024, 7, 31)) == Due(date(2025, 4, 30), "2024")
    assert derive_due(t, None, date(2026, 11, 30)) == Due(date(2027, 4, 30), "2026")
    assert derive_due(t, fig(period="2026"), date(2026, 11, 30)) is None
    assert expected_periods(t) == [(2022, 12), (2023, 12), (2024, 12), (2025, 12), (2026, 12)]


def test_reference_date_is_the_chosen_month_end_or_today():
    assert reference_date(202402, date(2026, 1, 1)) == date(2024, 2, 29)
    assert reference_date(202412, date(2026, 1, 1)) == date(2024, 12, 31)
    assert reference_date(None, date(2026, 11, 30)) == date(2026, 11, 30)


# --- finding the figures -----------------------------------------------------------------------

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


def test_find_baseline_and_proxy():
    rows = _obs([("b", "2021", 25.0, 202112), ("b", "2022-06", 30.0, 202206),
                 ("b", "2024-07", 40.0, 202407), ("p", "2023", 7.0, 202312),
                 ("p", "2024-07", 9.0, 202407)])
    stock = Target("t", "b", CITY, "ALL", "2026", ">=", 50, "share", "as_of", "s", 202211,
                   "annual", "p")
    assert find_baseline(rows, stock).period == "2022-06"  # the latest at or before Nov 2022
    assert find_proxy(rows, stock, None).value == 9.0
    assert find_proxy(rows, stock, 202406).value == 7.0  # as of the chosen point
    assert find_proxy(rows, target(indicator="b"), None) is None  # no proxy indicator
    assert find_baseline(rows, target(indicator="b")) is None  # no path for a rate


# --- the bundled targets ---------------------------------------------------------------------

TODAY = date(2026, 11, 30)


def test_real_targets_have_no_actual_so_all_are_unknown(ds, obs):
    progress = derive_targets(ds, obs, None, TODAY)
    assert len(progress) == len(ds["targets"]) == 8
    for p in progress:
        t = p.target
        assert not len(select(obs, indicator_id=t.indicator_id, region_code=t.region_code,
                              industry_code=t.industry_code)), t.target_id
        assert (p.status, p.reason, p.share_done) == ("unknown", "no_actual", None)
    assert count_statuses(progress) == {"met": 0, "on_pace": 0, "behind": 0, "unknown": 8}
    rules = {p.target.target_id: p.rule for p in progress}
    assert rules == {"tgt-tech-upgrade-investment-2024": "rate",
                     "tgt-emerging-parks-revenue-2024": "flow_share",
                     "tgt-doubling-enterprises-2024": "full_year",
                     "tgt-new-above-scale-2024": "full_year",
                     "tgt-new-industry-platforms-annual": "full_year",
                     "tgt-enterprises-digitised-annual": "full_year",
                     "tgt-iiot-penetration-2026": "path", "tgt-mfg-share-gdp-2026": "path"}


def test_every_proxy_is_a_real_observation_of_the_target_region_and_industry(ds, obs):
    # The mapping is data (targets.proxy_indicator_id); each proxy names a figure in the data.
    progress = {p.target.target_id: p for p in derive_targets(ds, obs, None, TODAY)}
    mapped = ds["targets"].dropna(subset=["proxy_indicator_id"])
    assert len(mapped) == 6
    for _, row in mapped.iterrows():
        proxy = progress[row["target_id"]].proxy
        assert proxy is not None and proxy.indicator_id == row["proxy_indicator_id"]
        match = obs[(obs["indicator_id"] == proxy.indicator_id) & (obs["period"] == proxy.period)
                    & (obs["region_code"] == row["region_code"])
                    & (obs["industry_code"] == row["industry_code"])]
        assert list(match["value"]) == [proxy.value]
        assert f"{proxy.value:g}" in match.iloc[0]["quote"].replace(",", "")  # quoted verbatim
    # "推动工业技改投资增长12%以上": high-tech investment grew 45.6 % in 2024 (context only).
    tech = progress["tgt-tech-upgrade-investment-2024"]
    assert (tech.proxy.indicator_id, tech.proxy.period, tech.proxy.value) == (
        "hightech_investment_growth", "2024", 45.6)
    assert tech.actual is None and tech.status == "unknown"
    assert progress["tgt-mfg-share-gdp-2026"].proxy is None


def test_real_targets_next_due(ds, obs):
    latest = {p.target.target_id: p.due for p in derive_targets(ds, obs, None, TODAY)}
    # The 2024 targets' full-year figures were due in the spring of 2025 and are not in.
    assert latest["tgt-new-above-scale-2024"] == Due(date(2025, 4, 30), "2024", True)
    # The 2026 targets: the figure for 2026 is due the next spring.
    assert latest["tgt-iiot-penetration-2026"] == Due(date(2027, 4, 30), "2026", False)
    july = {p.target.target_id: p for p in derive_targets(ds, obs, 202407, TODAY)}
    assert july["tgt-new-above-scale-2024"].due == Due(date(2025, 4, 30), "2024", False)
    assert july["tgt-mfg-share-gdp-2026"].due == Due(date(2025, 4, 30), "2024", False)
    # As of July 2024 the 2024 high-tech investment figure was not yet published.
    assert july["tgt-tech-upgrade-investment-2024"].proxy is None


def test_targets_section_carries_status_rule_proxy_and_due(ds, obs):
    lab = make_labeller(ds, "en")
    model = build_targets_section(lab, derive_targets(ds, obs, None, TODAY), industry="ALL",
                                  point="latest", status="all")
    rows = model.rows.set_index("target_id")
    assert rows["actual"].isna().all() and rows["share"].isna().all()
    assert set(rows["status"]) == {"Unknown"}
    tech = rows.loc["tgt-tech-upgrade-investment-2024"]
    assert tech["rule"].startswith("rate rule") and tech["proxy_value"] == 45.6
    assert tech["proxy"].startswith("High-tech") and tech["proxy_period"] == "2024"
    assert (tech["due"], tech["due_period"], tech["overdue"]) == ("2025-04-30", "2024", "yes")
    assert "Status" in model.labelled().columns and "Proxy (not the actual)" in model.labelled()
    text = make_csv_bytes(model.labelled(), {}).decode("utf-8-sig")
    assert "≥,12.0," in text and "'=" not in text  # comparator and value stay apart
    assert "Next figure due by" in text and "2027-04-30" in text
    assert set(model.source_ids) >= {"qdrb-2024-07-industrial-system",
                                     "qdrb-2025-02-16-plan-report"}


def test_targets_section_draws_bars_only_when_a_share_exists(ds, obs):
    lab = make_labeller(ds, "zh")
    progress = derive_targets(ds, obs, None, TODAY)
    assert build_targets_section(lab, progress, industry="ALL", point="latest",
                                 status="all").figure is None  # no actual: no 0 % bars
    platforms = Target("tgt-new-industry-platforms-annual", "new_industry_platforms", CITY,
                       "ALL", "2024", ">=", 10, "count", "annual", "s", None, "annual")
    actual = Figure("new_industry_platforms", CITY, "ALL", "2024", 8.0, "", "published",
                    "qdrb-2024-07-industrial-system", "q", None, None)
    done = derive_progress(platforms, actual)
    model = build_targets_section(lab, [done, *progress[:1]], industry="ALL", point="latest",
                                  status="all")
    (bars,) = model.figure["data"]
    assert list(bars["x"]) == [80.0, None] and bars["text"][0] == "落后：80%（实际8个）"
    assert bars["marker"]["color"][0] == STATUS_COLOURS["behind"]


def test_targets_brief_fits_an_a4_page(ds, obs):
    # The printed brief keeps the columns an A4 page has room for; the PDF is made.
    from components.brief import brief_words
    from metrics.brief import BriefFontMissing, find_cjk_font, make_pdf_bytes

    lab = make_labeller(ds, "zh")
    model = brief_section(build_targets_section(lab, derive_targets(ds, obs, None, TODAY),
                                                industry="ALL", point="latest", status="all"))
    assert [c.id for c in model.columns] == list(BRIEF_COLUMNS)
    try:
        find_cjk_font()
    except BriefFontMissing:
        pytest.skip("no CJK font for the PDF")
    sources = {s: ds.source(s) for s in model.source_ids}
    pdf = make_pdf_bytes("目标进度", "zh", model.filters, ds.version, "/targets", [model], sources,
                         words=brief_words("zh"), images={})
    assert pdf.startswith(b"%PDF")


def test_card_words_label_the_proxy_as_not_the_actual(ds, obs):
    progress = {p.target.target_id: p for p in derive_targets(ds, obs, None, TODAY)}
    for lang, marker in (("zh", "参考数据（不是实际值）："), ("en", "Proxy, not the actual: ")):
        lab = make_labeller(ds, lang)
        line = proxy_words(lab, progress["tgt-iiot-penetration-2026"])
        assert line.startswith(marker) and "90.9" in line
        assert due_words(lab, progress["tgt-iiot-penetration-2026"]) == (
            "下一个数据：截至2026年的数据，预计2027年4月30日前公布（年度数据次年春季随统计公报发布，按4月30日计）。"
            if lang == "zh" else
            "Next figure: as of 2026, due by 30 Apr 2027 (annual figures come out the next "
            "spring with the statistical bulletin, counted as 30 April).")
        assert status_lines(lab, progress["tgt-iiot-penetration-2026"]) == [
            lab.t("targets_reason_no_actual")]


def test_card_words_explain_the_rule_with_an_actual(ds):
    lab = make_labeller(ds, "en")
    parks = Target("tgt-emerging-parks-revenue-2024", "emerging_parks_revenue", CITY, "ALL",
                   "2024", ">", 1300, "level", "cumulative", "s", None, "annual")
    p = derive_progress(parks, fig(indicator="emerging_parks_revenue", period="2024-06",
                                   value=600))
    assert status_lines(lab, p) == [
        "Actual: CNY 60 billion (Jan-Jun 2024)",
        "Jan-Jun 2024: 50% of the year has passed, so on pace would be CNY 65 billion; "
        "actual CNY 60 billion.",
        "Gap: CNY 70 billion", "6 months left: CNY 11.67 billion still needed per month"]
    assert p.status == "behind"


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
    rows = [{"label": "A", "share": 80.0, "status": "behind", "text": "落后：80%"},
            {"label": "B", "share": None, "status": "unknown", "text": "未公布实际值"},
            {"label": "C", "share": 240.0, "status": "met", "text": "已完成：240%"}]
    chart = make_progress_chart(rows, title="t (%)", x_title="%", target_line_text="目标")
    (bars,) = chart.data
    assert list(bars.x) == [80.0, None, 150.0]  # capped for drawing; the text keeps 240 %
    assert list(bars.text) == ["落后：80%", "", "已完成：240%"]  # the status in words too
    assert list(bars.textposition) == ["inside", "outside", "inside"]  # long bars: inside
    assert list(bars.marker.color) == [STATUS_COLOURS["behind"], STATUS_COLOURS["unknown"],
                                       STATUS_COLOURS["met"]]
    assert "未公布实际值" in [a.text for a in chart.layout.annotations]
    assert any(s.x0 == 100 for s in chart.layout.shapes)


def _contrast(hex_a: str, hex_b: str) -> float:
    def lum(h):
        rgb = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(hex_a), lum(hex_b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_status_lights_are_not_colour_alone_and_contrast_enough():
    # WCAG 1.4.1: each status has its own colour, icon shape and words; 1.4.3: 4.5:1 on white.
    assert set(STATUS_BADGES) == set(STATUS_COLOURS) == set(STATUSES)
    assert len({icon for _, icon in STATUS_BADGES.values()}) == len(STATUSES)
    assert len({colour for colour, _ in STATUS_BADGES.values()}) == len(STATUSES)
    for status, colour in STATUS_COLOURS.items():
        assert _contrast(colour, "#FFFFFF") >= 4.5, status
    for lang in ("zh", "en"):
        words = {STRINGS[lang][f"targets_status_{s}"] for s in STATUSES}
        assert len(words) == len(STATUSES)


def test_page_strings_are_prefixed():
    for lang in ("zh", "en"):
        assert all(k.split("_")[0] in ("digital", "innovation", "targets") for k in STRINGS[lang])


def test_context_prefers_the_same_list_at_the_same_date(obs):
    smart = {t.indicator_id: t for t in derive_section(obs, DIGITAL_SECTIONS[3], "ALL", None).tiles}
    china = next(c for c in smart["excellence_smart_factories"].context
                 if c.figure.region_code == "000000")
    assert (china.figure.value, china.same_period, china.share_pct) == (235, True, 3.4)
