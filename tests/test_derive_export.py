"""Gaps in 百分点, tiles with benchmarks, and CSV bytes (golden)."""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from metrics.derive import derive_gap, format_number
from metrics.export import make_csv_bytes, make_zip_bytes, neutralise_cell
from metrics.load import load_dataset
from metrics.overview import derive_overview, derive_trend
from metrics.query import Figure, available_points, enrich_observations, point_to_end


def fig(region: str, value: float, period: str = "2024-05", qualifier: str = "",
        industry: str = "ALL", source: str = "s") -> Figure:
    return Figure("iva_growth_cum", region, industry, period, value, qualifier, "published",
                  source, "q", None, None)


@pytest.mark.parametrize("a,b,expected,derivation", [
    (9.6, 8.5, "+1.1", "9.6 - 8.5 = 1.1"),
    (9.6, 6.2, "+3.4", "9.6 - 6.2 = 3.4"),
    (10.6, -2.3, "+12.9", "10.6 - (-2.3) = 12.9"),
    (7.7, 7.8, "-0.1", "7.7 - 7.8 = -0.1"),
    (8.0, 8.0, "0", "8 - 8 = 0"),
    (10, 8.25, "+1.75", "10 - 8.25 = 1.75"),
])
def test_gap_arithmetic_without_float_noise(a, b, expected, derivation):
    gap = derive_gap(fig("370200", a), fig("370000", b, source="t"))
    assert gap.signed() == expected
    assert gap.derivation == derivation
    assert gap.source_ids == ("s", "t")


def test_no_gap_when_missing_bound_or_other_period():
    city = fig("370200", 9.6)
    assert derive_gap(city, None) is None
    assert derive_gap(city, fig("370000", 10, qualifier=">=")) is None
    assert derive_gap(city, fig("370000", 8.3, period="2024-06")) is None
    assert derive_gap(city, fig("370000", 8.3, industry="HT")) is None


def test_format_number_keeps_published_decimals():
    assert format_number(9.6) == "9.6"
    assert format_number(4800.0) == "4,800"
    assert format_number(-2.3) == "-2.3"
    assert format_number(1.1, 2) == "1.10"


@pytest.fixture(scope="module")
def real_obs():
    return enrich_observations(load_dataset())


def test_overview_as_of_may_2024(real_obs):
    view = derive_overview(real_obs, "ALL", point_to_end("2024-05"))
    iva = next(t for t in view.growth if t.figure.indicator_id == "iva_growth_cum")
    assert (iva.figure.value, iva.figure.period) == (9.6, "2024-05")
    assert [b.value for b in iva.benchmarks] == [8.5, 6.2]
    assert [g.signed() for g in iva.gaps] == ["+1.1", "+3.4"]
    profit = next(t for t in view.growth if t.figure.indicator_id == "profit_growth_cum")
    assert (profit.figure.value, profit.figure.period) == (10.6, "2023")
    assert profit.benchmarks[0] is None or profit.gaps[0] is not None
    assert profit.gaps[1].signed() == "+12.9"


def test_overview_latest_never_shows_a_future_figure(real_obs):
    up_to = point_to_end("2023")
    view = derive_overview(real_obs, "ALL", up_to)
    for tile in view.tiles():
        row = real_obs[(real_obs["period"] == tile.figure.period)
                       & (real_obs["indicator_id"] == tile.figure.indicator_id)].iloc[0]
        assert row["end"] <= up_to


def test_overview_for_an_industry_without_figures(real_obs):
    assert derive_overview(real_obs, "C16", None).empty


def test_trend_is_full_years_only(real_obs):
    trend = derive_trend(real_obs, "ALL", ("370200", "370000", "000000"))
    assert trend["period"].str.fullmatch(r"\d{4}").all()
    qd = trend[trend["region_code"] == "370200"].set_index("year")["value"]
    assert qd.get(2022) == 3.8 and qd.get(2024) == 9.4


def test_points_are_newest_first(real_obs):
    points = available_points(real_obs)
    assert points == sorted(points, key=lambda p: point_to_end(p), reverse=True)
    assert "2024-05" in points and "2024" in points


@pytest.mark.parametrize("cell,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2.3", "'-2.3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("青岛", "青岛"), (-2.3, -2.3),
    (None, None)])
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_csv_bytes_golden():
    df = pd.DataFrame({"指标": ["工业增加值", "=cmd|' /C calc'!A0"], "数值": [9.6, -2.3],
                       "差距": [1.1, None]})
    data = make_csv_bytes(df, {"筛选条件": "行业=规模以上工业", "数据版本": "abc123"})
    expected = ("\ufeff指标,数值,差距,筛选条件,数据版本\r\n"
                "工业增加值,9.6,1.1,行业=规模以上工业,abc123\r\n"
                "'=cmd|' /C calc'!A0,-2.3,,行业=规模以上工业,abc123\r\n")
    assert data == expected.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")


def test_zip_bundle_is_deterministic():
    a = make_zip_bytes("x", b"csv", {"k": "青岛"}, "readme")
    assert a == make_zip_bytes("x", b"csv", {"k": "青岛"}, "readme")
    names = zipfile.ZipFile(io.BytesIO(a)).namelist()
    assert names == ["x.csv", "x.metadata.json", "README.txt"]


def test_readme_of_a_bundle_names_view_data_and_sources():
    from metrics.export import make_readme
    readme = make_readme("Observations", "Every figure.", "abc123", {"Industry": "HT", "Search": ""},
                         2, [{"publisher": "青岛日报", "title": "标题", "date_published": "2024-07",
                              "url": "", "tier": "B"},
                             {"publisher": "x", "title": "y", "date_published": "2025",
                              "url": "http://e.org", "tier": "C"}])
    assert readme.splitlines()[:2] == ["Observations", "============"]
    assert "Data version: abc123" in readme and "Industry: HT" in readme and "Search:" not in readme
    assert "- 青岛日报: 标题 (2024-07)" in readme and (
        "- x (copied on e.org, original not checked): y (2025) [repost] http://e.org" in readme)


def test_no_gap_against_an_inferred_period():
    from dataclasses import replace
    city, bench = fig("370200", 6.1, period="2022-03"), fig("000000", 6.5, period="2022-03")
    assert derive_gap(city, bench) is not None
    assert derive_gap(replace(city, period_inferred=True), bench) is None


def test_trend_as_of_a_point(real_obs):
    trend = derive_trend(real_obs, "ALL", ("370200", "370000", "000000"), point_to_end("2023-04"))
    assert set(trend["year"]) == {2022}
