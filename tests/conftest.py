"""Shared fixtures: a tiny source tree with its own fake sources, built into a temporary folder.

Unit tests of the data layer use the tiny tree; only the dataset tests read the real data/.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics.build import build
from metrics.load import load_dataset
from metrics.paths import SRC_DIR
from metrics.query import enrich_observations

TINY = {
    "regions/regions.csv": """region_code,name_zh,name_en,level,parent_code
000000,全国,China,country,
370000,山东省,Shandong,province,000000
370200,青岛市,Qingdao,city,370000
370212,崂山区,Laoshan District,district,370200
""",
    "industries/industries.csv": """industry_code,name_zh,name_en,level,parent_code,note
ALL,规模以上工业,All above-scale industry,total,,
C,制造业,Manufacturing,section,ALL,
HT,高技术制造业,High-tech manufacturing,group,ALL,
C39,计算机、通信和其他电子设备制造业,Manufacture of Computers,division,C,
""",
    "indicators/core.csv": """indicator_id,name_zh,name_en,unit_zh,unit_en,kind,period_basis,scope,definition_zh,definition_en
iva_growth_cum,工业增加值同比增长(累计),"Industrial value added, YoY growth (cumulative)",%,%,growth,cumulative,规模以上,累计,cumulative
above_scale_enterprises,规上工业企业数量,Above-scale industrial enterprises,家,enterprises,count,as_of,规模以上,户数,count
""",
    "sources/s.csv": """source_id,publisher,title,date_published,url,tier,note,carrier,carrier_url
test-a,测试日报,测试标题,2024-07-03,https://example.org/a,B,,,
test-b,转载站,转载标题,2024-06-17,,C,repost,,
""",
    "observations/o.csv": """indicator_id,region_code,industry_code,period,value,qualifier,status,source_id,quote,derivation,note,period_inferred
iva_growth_cum,370200,ALL,2024-05,9.6,,published,test-a,1-5月增长9.6%，高于全省1.1个百分点。,,,
iva_growth_cum,370000,ALL,2024-05,8.5,,derived,test-a,1-5月增长9.6%，高于全省1.1个百分点。,9.6 - 1.1,Qingdao minus the stated gap,
iva_growth_cum,000000,ALL,2024-05,6.2,,published,test-b,1-5月全国增长6.2%。,,,
iva_growth_cum,370200,HT,2024-05,9.8,,published,test-a,高技术制造业增长9.8%。,,,
iva_growth_cum,370200,ALL,2023,5.8,,published,test-a,2023年增长5.8%。,,,
iva_growth_cum,000000,ALL,2023,4.6,,published,test-b,2023年全国增长4.6%。,,,
above_scale_enterprises,370200,ALL,2024-07,4800,>,published,test-a,规上工业企业达到4800多家。,,,
""",
    "entities/e.csv": """entity_id,entity_type,name_zh,name_en,level,industry_codes,district_code,year,source_id,quote,note
vr-centre,innovation_centre,虚拟现实创新中心,VR innovation centre,national,C39,370212,2023,test-a,建设了虚拟现实国家级创新平台。,
appliance-cluster,cluster,智能家电集群,Smart home appliance cluster,national,C39;HT,,2022,test-a,智能家电国家级先进制造业集群。,city-wide
""",
    "targets/t.csv": """target_id,indicator_id,region_code,industry_code,period,comparator,target_value,description_zh,description_en,source_id,quote,note,release_rhythm,proxy_indicator_id,proxy_note_zh,proxy_note_en
ent-2026,above_scale_enterprises,370200,ALL,2026,>=,5000,规上企业5000家以上,5000 or more,test-a,力争达到5000家以上。,,annual,,,
""",
    "revisions/r.csv": """indicator_id,region_code,industry_code,period,value,qualifier,status,source_id,quote,published_in,superseded_in,superseded_on,note
""",
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``; returns ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tiny_src(tmp_path: Path) -> Path:
    """A valid tiny data/src tree."""
    return write_tree(tmp_path / "src", TINY)


@pytest.fixture
def tiny_data(tiny_src: Path) -> Path:
    """The tiny tree built into a data folder."""
    out = tiny_src.parent / "data"
    build(tiny_src, out)
    return out


@pytest.fixture
def real_src_copy(tmp_path: Path) -> Path:
    """A copy of the real data/src to break on purpose."""
    return Path(shutil.copytree(SRC_DIR, tmp_path / "src"))


@pytest.fixture(scope="session")
def ds():
    """The bundled dataset (data/), loaded and validated once per test run."""
    return load_dataset()


@pytest.fixture(scope="session")
def obs(ds):
    """The bundled observations with kind, period basis and period end (metrics.query)."""
    return enrich_observations(ds)


@pytest.fixture(scope="module")
def browser():
    """Debian chromium through Playwright, shared by a module's browser tests."""
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    from tests.browser import launch_browser
    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()
