"""Coverage: the monthly grid's filled and gap months (exact on hand-made data, true on the
bundled data), periods per indicator and region, regions per division, and the data page."""
from __future__ import annotations

import pandas as pd
import pytest

from metrics.coverage import (derive_division_coverage, derive_grid_report,
                              derive_period_coverage)
from metrics.load import load_dataset
from metrics.periods import parse_period
from metrics.query import enrich_observations
from tests.apptest import run_page, texts


def _obs(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """(indicator, basis, region, industry, period) rows as enriched observations."""
    out = []
    for ind, basis, region, industry, period in rows:
        p = parse_period(period, basis)
        out.append({"indicator_id": ind, "period_basis": basis, "region_code": region,
                    "industry_code": industry, "period": period, "value": 5.0,
                    "qualifier": "", "status": "published", "source_id": f"s-{period}",
                    "quote": "5.0%", "year": p.year, "end_month": p.end_month,
                    "end": p.year * 100 + p.end_month})
    return pd.DataFrame(out)


HAND = _obs(
    [("iva_growth_cum", "cumulative", "000000", "ALL", p)
     for p in ["2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "2023-07", "2023-08",
               "2023-09", "2023-10", "2023-11", "2023", "2024-02", "2024-03"]]
    + [("iva_growth_cum", "cumulative", "370200", "ALL", p)
       for p in ["2022-11", "2023-03", "2023-06", "2023", "2024-03"]]
    + [("iva_growth_cum", "cumulative", "370000", "ALL", p) for p in ["2023-06"]]
    # another industry and another indicator must not fill the grid
    + [("iva_growth_cum", "cumulative", "370000", "C38", "2023-09"),
       ("iva_growth_month", "month", "370000", "ALL", "2023-10")])


def test_grid_report_lists_the_exact_gap_months():
    rep = derive_grid_report(HAND)
    assert rep.grid == ("2023-02", "2023-03", "2023-04", "2023-05", "2023-06", "2023-07",
                        "2023-08", "2023-09", "2023-10", "2023-11", "2023", "2024-02", "2024-03")
    assert rep.filled("000000") == list(rep.grid) and rep.gaps("000000") == []
    assert rep.filled("370200") == ["2023-03", "2023-06", "2023", "2024-03"]
    assert rep.gaps("370200") == ["2023-02", "2023-04", "2023-05", "2023-07", "2023-08",
                                  "2023-09", "2023-10", "2023-11", "2024-02"]
    assert rep.gaps("370000") == [p for p in rep.grid if p != "2023-06"]
    assert rep.source_ids[0] == "s-2023-02"


def test_grid_report_ends_at_the_view_period_and_at_the_latest_release():
    rep = derive_grid_report(HAND, up_to=202310)
    assert rep.grid[-1] == "2023-10"
    rep = derive_grid_report(HAND[HAND["region_code"] != "000000"])
    assert rep.grid[-1] == "2024-03"  # Qingdao's latest is the grid's end
    assert derive_grid_report(HAND, up_to=202212).grid == ()


def test_period_coverage_gaps_between_first_and_last():
    cov = derive_period_coverage(HAND).set_index(["indicator_id", "region_code"])
    qd = cov.loc[("iva_growth_cum", "370200")]
    assert qd["first"] == "2022-11" and qd["last"] == "2024-03" and qd["n_periods"] == 5
    assert qd["gaps"] == ["2022", "2023-02", "2023-04", "2023-05", "2023-07", "2023-08",
                          "2023-09", "2023-10", "2023-11", "2024-02"]
    assert cov.loc[("iva_growth_cum", "000000"), "n_gaps"] == 0
    c38 = derive_period_coverage(HAND, "C38")
    assert list(c38["region_code"]) == ["370000"] and c38["n_periods"].tolist() == [1]


def test_division_coverage_counts_every_division():
    industries = pd.DataFrame({"industry_code": ["ALL", "C37", "C38"],
                               "level": ["total", "division", "division"]})
    counts = derive_division_coverage(HAND, industries)
    assert list(counts.index) == ["C37", "C38"]
    assert counts.loc["C38", "370000"] == 1 and counts.loc["C37", "370000"] == 0


@pytest.fixture(scope="module")
def bundled():
    ds = load_dataset()
    return ds, enrich_observations(ds)


def test_bundled_gaps_really_have_no_figure_and_filled_months_do(bundled):
    ds, obs = bundled
    rep = derive_grid_report(obs)
    assert rep.grid[0] == "2023-02" and len(rep.grid) >= 34
    raw = ds["observations"]
    have = set(zip(raw.loc[(raw["indicator_id"] == "iva_growth_cum")
                           & (raw["industry_code"] == "ALL"), "region_code"],
                   raw.loc[(raw["indicator_id"] == "iva_growth_cum")
                           & (raw["industry_code"] == "ALL"), "period"]))
    for region in ("370200", "370000", "000000"):
        assert sorted(rep.filled(region) + rep.gaps(region)) == sorted(rep.grid)
        for p in rep.gaps(region):
            assert (region, p) not in have, (region, p)
        for p in rep.filled(region):
            assert (region, p) in have, (region, p)
    # the latest month published by any of the three ends the grid
    latest = obs.loc[(obs["indicator_id"] == "iva_growth_cum") & (obs["industry_code"] == "ALL")
                     & obs["region_code"].isin(["370200", "370000", "000000"]), "end"].max()
    last = parse_period(rep.grid[-1], "cumulative")
    assert last.year * 100 + last.end_month == latest


def test_bundled_period_coverage_gaps_have_no_figure(bundled):
    ds, obs = bundled
    have = set(zip(obs["indicator_id"], obs["region_code"], obs["industry_code"], obs["period"]))
    cov = derive_period_coverage(obs)
    assert len(cov) > 50
    for r in cov.to_dict("records"):
        assert r["n_periods"] == len(r["periods"])
        for p in r["gaps"]:
            assert (r["indicator_id"], r["region_code"], "ALL", p) not in have


@pytest.mark.parametrize("lang,words", [
    ("zh", ["数据覆盖情况", "逐月完整性", "青岛：", "各指标各地区的时期覆盖", "行业大类有数据的地区"]),
    ("en", ["Data coverage", "month by month", "Qingdao:", "Periods per indicator and region",
            "Regions with figures per manufacturing"])])
def test_data_page_shows_coverage(lang, words):
    at = run_page("pages/9_data.py", lang=lang)
    assert not at.exception
    shown = texts(at)
    for word in words:
        assert word in shown, word
    # the grid table and the two matrices: HTML tables, each cell coloured by what it holds
    tables = [h.proto.body for h in at.get("html") if "<table class=\"qd-cov-table\"" in h.proto.body]
    assert len(tables) == 3
    gap = "缺" if lang == "zh" else "gap"
    grid = tables[0]
    assert f'<td class="cov-gap">{gap}</td>' in grid        # the bundled grid has gap months
    assert 'class="cov-filled"' in grid and "<caption>" in grid and 'scope="row"' in grid
    assert 'class="cov-none">—</td>' in tables[2]          # divisions with no figure somewhere
    # the detail table stays a grid (sortable, searchable)
    assert len(at.dataframe) >= 2
    other = "缺" if lang == "en" else " gaps"
    assert other not in shown.split("Data coverage" if lang == "en" else "数据覆盖情况")[-1]


def test_coverage_table_html_escapes_every_cell_and_caption():
    from components.coverage_view import make_coverage_table_html
    table = pd.DataFrame({"<b>name</b>": ['<script>alert(1)</script>', "x"],
                          'a"b': ["3 · gap 1", "—"]})
    html_text = make_coverage_table_html.uncached(table, "en", 'cap"<i>')
    assert "<script>" not in html_text and "<b>" not in html_text and "<i>" not in html_text
    assert "&lt;script&gt;" in html_text and 'aria-label="cap&quot;&lt;i&gt;"' in html_text
    assert '<td class="cov-gap">3 · gap 1</td>' in html_text
    assert '<td class="cov-none">—</td>' in html_text
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in html_text
