"""Peer cities on the growth page: the picker (URL state), the series and Qingdao's rank among
the chosen peers, computed only from figures of the same period (issue 9)."""
from __future__ import annotations

import pandas as pd
import pytest

from components.charts import REGION_COLOURS, region_colours
from metrics.growth import derive_peer_rank, peer_codes, peers_with_figures
from tests.apptest import run_page, texts

JINAN, NINGBO, SHENZHEN = "370100", "330200", "440300"
SUB_PROVINCIAL = {"440300", "440100", "320100", "330100", "330200", "350200", "370100",
                  "210200", "210100", "220100", "230100", "420100", "510100", "610100"}


def _obs(rows):
    """Hand-made observations of iva_growth_cum for ALL: (region, period, value)."""
    from metrics.query import Figure
    fields = list(Figure.__dataclass_fields__)
    records = [dict(indicator_id="iva_growth_cum", region_code=r, industry_code="ALL",
                    period=p, value=v, qualifier="", status="published", source_id="s",
                    quote=f"{v}", derivation=None, note=None, period_inferred=False,
                    revised=False, end=int(p[:4]) * 100 + 12) for r, p, v in rows]
    return pd.DataFrame.from_records(records, columns=[*fields, "end"])


def test_peer_cities_are_the_other_sub_provincial_cities(ds):
    assert set(peer_codes(ds)) == SUB_PROVINCIAL - {"370200"}


def test_rank_counts_only_peers_of_the_same_period():
    obs = _obs([("370200", "2024", 9.4), (JINAN, "2024", 6.5), (NINGBO, "2023", 12.0),
                (SHENZHEN, "2024", 10.1)])
    rank = derive_peer_rank(obs, "iva_growth_cum", "ALL", "2024", (JINAN, NINGBO, SHENZHEN))
    assert rank.rank == 2  # Shenzhen 10.1 ahead; Ningbo's 2023 figure never counts for 2024
    assert [f.region_code for f in rank.ranked] == [SHENZHEN, "370200", JINAN]
    assert rank.missing == (NINGBO,)


def test_equal_rates_share_a_place_and_no_rank_without_a_peer_figure():
    obs = _obs([("370200", "2024", 6.5), (JINAN, "2024", 6.5), (NINGBO, "2023", 1.0)])
    assert derive_peer_rank(obs, "iva_growth_cum", "ALL", "2024", (JINAN,)).rank == 1
    assert derive_peer_rank(obs, "iva_growth_cum", "ALL", "2024", (NINGBO,)) is None
    assert derive_peer_rank(obs, "iva_growth_cum", "ALL", "2023", (NINGBO,)) is None


def test_picker_offers_peers_with_figures(ds, obs):
    have = peers_with_figures(ds, obs, "iva_growth_cum", "ALL")
    assert JINAN in have and "210100" not in have
    for code in have:
        assert ((obs["region_code"] == code) & (obs["indicator_id"] == "iva_growth_cum")).any()


def test_each_region_of_a_chart_has_its_own_colour():
    codes = ["370200", "370000", "000000", JINAN, NINGBO, SHENZHEN]
    colours = region_colours(codes)
    assert colours["370200"] == REGION_COLOURS["370200"]
    assert len(set(colours.values())) == len(codes)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_growth_page_compares_qingdao_with_chosen_peers(lang):
    at = run_page("pages/1_growth.py", lang=lang, peers=f"{NINGBO},{JINAN}", view="period",
                  at="2024")
    assert not at.exception
    assert at.multiselect(key="peers").value == [NINGBO, JINAN] or \
        set(at.multiselect(key="peers").value) == {NINGBO, JINAN}
    text = texts(at).replace("\\", "")  # Markdown escapes out
    if lang == "zh":
        assert "青岛在所选城市中居第1位（2个城市有同期数据：青岛 9.4%、济南市 6.5%）" in text
        assert "宁波市没有2024年的已公布数字，未计入排名" in text
    else:
        assert "Qingdao ranks 1 of the 2 chosen cities" in text
        assert "Ningbo: no figure published for 2024, left out of the rank" in text
    tables = " ".join(df.value.to_string() for df in at.dataframe)
    assert ("济南市" if lang == "zh" else "Jinan") in tables


def test_unknown_peer_in_a_link_gives_a_notice_and_keeps_the_known_ones():
    at = run_page("pages/1_growth.py", peers=f"{JINAN},<b>x</b>")
    assert not at.exception
    assert at.multiselect(key="peers").value == [JINAN]
    assert at.query_params["peers"] == [JINAN] or at.query_params["peers"] == JINAN
    assert "<b>x</b>" in texts(at)  # shown as inert text in the notice
