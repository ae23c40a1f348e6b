"""The bundled dataset: every figure of the seed article present, sourced and quoted verbatim;
the committed Parquet equal to a fresh build; metadata complete; boundaries matching regions."""
from __future__ import annotations

import json
import re

import pyarrow.parquet as pq
import pytest
import yaml

from metrics.build import check
from metrics.load import load_dataset
from metrics.paths import DATA_DIR, GEO_DIR
from metrics.schema import SPECS

ARTICLE = "qdrb-2024-07-industrial-system"
ARTICLE_TEXT = (DATA_DIR / "reference" / "seed-article-qingdao-daily-2024-07.txt").read_text(
    encoding="utf-8")

# (indicator, region, industry, period, value, qualifier, text that the quote must contain),
# read off the article by hand.
ARTICLE_FIGURES = [
    ("above_scale_enterprises", "370200", "ALL", "2024-07", 4800, ">", "4800多家"),
    ("revenue", "370200", "ALL", "2023", 13000, "~", "近1.3万亿元"),
    ("rd_institution_coverage", "370200", "ALL", "2024-07", 85, "", "85%"),
    ("profit_growth_cum", "370200", "ALL", "2023", 10.6, "", "增长10.6%，高于全国12.9个百分点"),
    ("land_share_province", "370200", "ALL", "2024-07", 9.7, "", "9.7%的用地"),
    ("tax_share_province", "370200", "ALL", "2024-07", 13.2, "", "13.2%的税收"),
    ("iva_growth_cum", "370200", "ALL", "2024-05", 9.6, "", "同比增长9.6%，高于全省平均增速1.1个百分点"),
    ("iva_growth_cum", "370200", "HT", "2024-05", 9.8, "", "高技术制造业增加值同比增长9.8%"),
    ("growth_pull_pp", "370200", "HT", "2024-05", 1.1, "", "拉动规上工业增长1.1个百分点"),
    ("growth_contribution", "370200", "HT", "2024-05", 11.5, "", "贡献率达到11.5%"),
    ("single_champions", "370200", "ALL", "2024-07", 39, "", "单项冠军企业39家"),
    ("green_mfg_firms", "370200", "ALL", "2024-07", 66, "", "绿色制造企业66家"),
    ("national_clusters", "370200", "ALL", "2024-07", 2, "", "2个国家级先进制造业集群"),
    ("provincial_clusters", "370200", "ALL", "2024-07", 2, "", "2个产业集群入选首批山东省"),
    ("emerging_parks", "370200", "ALL", "2024-07", 8, "", "8个新兴产业园区"),
    ("emerging_parks_area", "370200", "ALL", "2024-07", 8, ">", "8万多亩"),
    ("key_technologies", "370200", "ALL", "2024-07", 12, "", "共性关键技术12项"),
    ("service_mfg_demos", "370200", "ALL", "2024-07", 26, "", "26家"),
    ("tech_innovation_demos", "370200", "ALL", "2024-07", 17, "", "17家"),
    ("provincial_innovation_centres", "370200", "ALL", "2024-07", 5, "", "5家省级创新中心"),
    ("innovative_products", "370200", "ALL", "2024-07", 835, "", "创新产品835项"),
    ("first_set_equipment", "370200", "ALL", "2024-07", 279, "", "279项产品"),
    ("first_version_software", "370200", "ALL", "2024-07", 295, "", "295项软件产品"),
    ("joint_innovation_projects", "370200", "ALL", "2024-07", 60, "", "累计60项"),
    ("large_models", "370200", "ALL", "2024-07", 20, ">", "20余个"),
    ("scenarios_released", "370200", "ALL", "2024-07", 5000, ">", "5000余个"),
    ("digital_coverage", "370200", "ALL", "2024-07", 90.9, "", "90.9%"),
    ("lighthouse_factories", "370200", "ALL", "2024-07", 4, "", "4家全球“灯塔工厂”"),
    ("national_iiot_platforms", "370200", "ALL", "2024-07", 14, "", "14个国家级工业互联网平台"),
    ("digital_navigators", "370200", "ALL", "2024-07", 3, "", "3家数字领航企业"),
    ("smart_factories", "370200", "ALL", "2024-07", 64, "", "智能工厂64家"),
    ("digital_workshops_lines", "370200", "ALL", "2024-07", 569, "", "自动化生产线569个"),
    ("mfg_divisions_covered", "370200", "ALL", "2024-07", 31, "", "全部31个制造业大类"),
    ("national_demo_bases", "370200", "ALL", "2024-07", 6, "", "6个基地"),
]

# (indicator, comparator, value, text in the quote): the article's "next steps".
ARTICLE_TARGETS = [
    ("tech_upgrade_investment_growth", ">=", 12, "技改投资增长12%以上"),
    ("doubling_enterprises", "=", 126, "126家倍增企业"),
    ("new_above_scale_enterprises", ">=", 500, "500家以上企业升规纳统"),
    ("new_industry_platforms", ">=", 10, "每年新上线特定行业平台10家以上"),
    ("enterprises_digitised", ">=", 1000, "带动数字化转型企业1000家以上"),
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def obs(ds):
    return ds["observations"].set_index(["indicator_id", "region_code", "industry_code", "period"])


@pytest.mark.parametrize("ind,region,industry,period,value,qualifier,text", ARTICLE_FIGURES,
                         ids=[f[0] + ":" + f[2] for f in ARTICLE_FIGURES])
def test_article_figure_present(obs, ind, region, industry, period, value, qualifier, text):
    row = obs.loc[(ind, region, industry, period)]
    assert row["value"] == value
    assert row["qualifier"] == qualifier
    assert row["source_id"] == ARTICLE
    assert row["status"] == "published"
    assert text in _squash(row["quote"])


def test_article_benchmarks_derived_and_published(obs):
    shandong = obs.loc[("iva_growth_cum", "370000", "ALL", "2024-05")]
    assert (shandong["value"], shandong["status"], shandong["derivation"]) == (8.5, "derived", "9.6 - 1.1")
    assert shandong["source_id"] == ARTICLE
    # National figures are published by NBS; the article's implied -2.3 matches and is noted.
    profit = obs.loc[("profit_growth_cum", "000000", "ALL", "2023")]
    assert (profit["value"], profit["status"]) == (-2.3, "published")
    assert "10.6 − 12.9 = −2.3" in obs.loc[("profit_growth_cum", "370200", "ALL", "2023")]["note"]
    national = obs.loc[("iva_growth_cum", "000000", "ALL", "2024-05")]
    assert (national["value"], national["status"]) == (6.2, "published")


@pytest.mark.parametrize("ind,comparator,value,text", ARTICLE_TARGETS)
def test_article_targets(ds, ind, comparator, value, text):
    rows = ds["targets"][ds["targets"]["indicator_id"] == ind]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["comparator"], row["target_value"], row["source_id"]) == (comparator, value, ARTICLE)
    assert text in _squash(row["quote"])


def test_every_article_quote_is_verbatim(ds):
    article = _squash(ARTICLE_TEXT)
    for table in ("observations", "entities", "targets"):
        df = ds[table]
        for quote in df.loc[df["source_id"] == ARTICLE, "quote"]:
            assert _squash(quote) in article, (table, quote)


def test_no_value_without_source_and_quote(ds):
    for table in ("observations", "entities", "targets"):
        df = ds[table]
        assert df["source_id"].notna().all() and (df["source_id"] != "").all()
        assert (df["quote"].str.strip() != "").all()
    derived = ds["observations"][ds["observations"]["status"] == "derived"]
    assert (derived["derivation"].str.len() > 0).all()


def test_repost_sources_are_marked(ds):
    src = ds["sources"]
    assert set(src["tier"]) <= {"A", "B", "C"}
    reposts = src[src["tier"] == "C"]
    assert len(reposts) > 0  # facts.csv relies on reposts; they must stay visible as such


def test_committed_parquet_equals_fresh_build():
    assert check() == []


@pytest.mark.parametrize("table", list(SPECS))
def test_sidecar_describes_every_column(table):
    meta = yaml.safe_load((DATA_DIR / f"{table}.meta.yml").read_text(encoding="utf-8"))
    columns = pq.read_schema(DATA_DIR / f"{table}.parquet").names
    assert list(meta["columns"]) == columns
    for col in columns:
        assert meta["columns"][col]["title_zh"] and meta["columns"][col]["title_en"]
    assert meta["table"]["title_en"] and meta["table"]["description"] and meta["table"]["processing"]


def test_boundaries_match_the_ten_districts(ds):
    geo = json.loads((GEO_DIR / "qingdao_districts.geojson").read_text(encoding="utf-8"))
    codes = {str(f["properties"]["adcode"]) for f in geo["features"]}
    regions = ds["regions"]
    assert codes == set(regions.loc[regions["parent_code"] == "370200", "region_code"])
    assert len(codes) == 10


def test_entities_city_wide_have_no_district(ds):
    ent = ds["entities"].set_index("entity_id")
    assert ent["district_code"].isna().any()  # e.g. the 青烟威 shipbuilding cluster
    placed = ent["district_code"].dropna()
    assert placed.str.startswith("3702").all()


def test_inferred_periods_are_flagged(obs):
    # The article dates neither the revenue nor the land and tax shares.
    for key in [("revenue", "370200", "ALL", "2023"),
                ("land_share_province", "370200", "ALL", "2024-07"),
                ("tax_share_province", "370200", "ALL", "2024-07")]:
        assert bool(obs.loc[key, "period_inferred"]) is True
    assert bool(obs.loc[("iva_growth_cum", "370200", "ALL", "2024-05"), "period_inferred"]) is False


def test_current_version_rests_on_the_committed_base():
    """The bundled data = the base built from data/src + the releases published on it
    (data/versions, CURRENT). A base rebuilt without publishing the releases again is caught."""
    from metrics.build import published_on_another_base
    from metrics.ingest import history

    assert published_on_another_base(DATA_DIR) is None
    versions = history(DATA_DIR)
    assert versions[-1]["current"] and not any(v["interrupted"] for v in versions)
    releases = sorted(p.name for p in (DATA_DIR / "releases").glob("*.csv"))
    published = sorted(f for v in versions if v["parent"] for f in v["inputs"])
    assert published == releases  # every release file in data/releases is in the data


def test_release_quotes_contain_their_values(ds):
    """Every figure published from data/releases quotes the number it gives (a fall may be
    written 下降x, so the sign is not required)."""
    import re

    ids = {yaml.safe_load(p.read_text(encoding="utf-8"))["source_id"]
           for p in (DATA_DIR / "releases").glob("*.source.yml")}
    obs = ds["observations"]
    rows = obs[obs["source_id"].isin(ids)]
    assert len(rows) == 225
    for _, r in rows.iterrows():
        squashed = re.sub(r"[,，\s]", "", r["quote"])
        assert f"{abs(r['value']):g}" in squashed, (r["source_id"], r["value"], r["quote"])


# Publishers that are official bodies: their figures must never be linked to another site as if
# it were theirs (issue 9: 国家统计局 with a link to a content farm).
OFFICIAL_PUBLISHER = re.compile(r"统计局|人民政府|国务院|工业和信息化|政务|新华社|政府新闻办")


def _host(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc.lower()


def test_official_publishers_link_only_to_their_originals(ds):
    """An official publisher's url is an official address (gov.cn) or empty; a copy it was read
    on is named as the carrier, with the copy's link apart."""
    src = ds["sources"].fillna("")
    official = src[src["publisher"].str.contains(OFFICIAL_PUBLISHER)]
    assert len(official) > 40
    for _, r in official.iterrows():
        assert r["url"] == "" or _host(r["url"]).endswith("gov.cn"), (r["source_id"], r["url"])
        if r["carrier_url"]:
            assert r["carrier"], r["source_id"]


def test_copies_name_their_carrier(ds):
    """A copy's address is never shown as the original's: a carrier link differs from the url, a
    carrier link has the carrier's name, and a tier-C url belongs to the publisher itself (the
    site is the publisher when the original outlet is not named) or to a government site."""
    src = ds["sources"].fillna("")
    assert ((src["carrier_url"] == "") | (src["carrier_url"] != src["url"])).all()
    assert ((src["carrier_url"] == "") | (src["carrier"] != "")).all()
    for _, r in src[(src["tier"] == "C") & (src["url"] != "")].iterrows():
        host = _host(r["url"])
        labels = [lab for lab in host.split(".") if lab not in ("www", "m", "com", "cn", "net")]
        assert host.endswith("gov.cn") or any(lab in r["publisher"].lower() for lab in labels), (
            r["source_id"], r["publisher"], r["url"])


# The 15 sub-provincial cities (Qingdao among them) that the growth page compares Qingdao with.
PEER_CITIES = {"440300": "深圳市", "440100": "广州市", "320100": "南京市", "330100": "杭州市",
               "330200": "宁波市", "350200": "厦门市", "370100": "济南市", "210200": "大连市",
               "210100": "沈阳市", "220100": "长春市", "230100": "哈尔滨市", "420100": "武汉市",
               "510100": "成都市", "610100": "西安市"}


def test_peer_cities_have_their_gb2260_codes(ds):
    reg = ds["regions"].set_index("region_code")
    peers = reg[reg["level"] == "peer_city"]
    assert dict(peers["name_zh"]) == PEER_CITIES
    # a prefecture-level code: six digits, the last two 00, not a province (xx0000)
    assert all(re.fullmatch(r"\d{4}00", code) and not code.endswith("0000")
               for code in peers.index)
    assert reg.loc["370200", "level"] == "city"  # Qingdao itself stays the dashboard's city
    # a peer is never one of Qingdao's districts (the map and the district views)
    assert not (peers["parent_code"] == "370200").any()
    obs = ds["observations"]
    assert set(obs.loc[obs["region_code"].isin(PEER_CITIES), "region_code"]) >= {
        "370100", "330200", "440300"}
