"""Section models built without streamlit on the bundled data: rows under stable column ids,
units, periods without notes, qualifiers and derivations in words, sources; and the renderer
drawing a model (AppTest of a tiny script)."""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pandas as pd
import pytest

from components.section_labels import make_labeller
from metrics.clusters import (ANY, derive_district_counts, derive_district_figures,
                              filter_entities, split_located)
from metrics.counts import DIGITAL_SECTIONS, INNOVATION_SECTIONS, derive_sections
from metrics.export import make_csv_bytes, make_xlsx_bytes
from metrics.growth import derive_period_comparison, district_codes
from metrics.overview import derive_overview
from metrics.paths import REPO_ROOT
from metrics.query import BENCHMARK_REGIONS, CITY, select
from metrics.section import SectionModel
from metrics.sections.base import FIGURE_COLUMNS
from metrics.sections.clusters import (build_cluster_entities_section,
                                       build_district_counts_section,
                                       build_district_figures_section)
from metrics.sections.counts import (build_counts_section, build_entities_section,
                                     build_timeline_section)
from metrics.sections.data import build_observations_section, build_table_section, search_rows
from metrics.sections.growth import build_growth_section
from metrics.sections.overview import build_tiles_section, build_trend_section

FIGURE_IDS = [c for c, _ in FIGURE_COLUMNS]


def growth_choice(mode: str, period: str | None = "2024-05") -> SimpleNamespace:
    return SimpleNamespace(indicator="iva_growth_cum", mode=mode, benchmarks=BENCHMARK_REGIONS,
                           year_from=2022, year_to=2025, period=period,
                           regions=(CITY, *BENCHMARK_REGIONS))


def map_choice(measure="count", indicator=None, period=None) -> SimpleNamespace:
    return SimpleNamespace(measure=measure, entity_type=ANY, level=ANY, district=ANY,
                           figure_industry="ALL", indicator=indicator, period=period)


def assert_sourced(model: SectionModel, ds) -> None:
    """Every row with a value names a known source; the model cites exactly its rows' sources."""
    rows = model.rows
    assert set(rows["source_id"]) - {""} <= set(ds.sources_by_id)
    assert list(model.source_ids) == list(dict.fromkeys(s for s in rows["source_id"] if s))
    assert rows["publisher"].loc[rows["source_id"] != ""].ne("").all()


def test_models_are_built_without_streamlit():
    code = textwrap.dedent("""
        import sys
        from components.section_labels import make_labeller
        from metrics.load import load_dataset
        from metrics.overview import derive_overview
        from metrics.query import enrich_observations
        from metrics.sections.overview import build_tiles_section, build_trend_section
        import metrics.sections.growth, metrics.sections.counts, metrics.sections.clusters
        import metrics.sections.data, metrics.export
        ds = load_dataset(); obs = enrich_observations(ds); lab = make_labeller(ds, "en")
        build_tiles_section(lab, derive_overview(obs, "ALL", 202405), "ALL", "2024-05")
        build_trend_section(lab, obs, "ALL", "latest", None)
        assert "streamlit" not in sys.modules, "a section builder imported streamlit"
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_overview_tiles_section_rows_units_and_gaps(ds, obs):
    lab = make_labeller(ds, "zh")
    model = build_tiles_section(lab, derive_overview(obs, "ALL", 202405), "ALL", "2024-05")
    assert [c.id for c in model.columns] == FIGURE_IDS
    rows = model.rows.set_index(["indicator_id", "region_code", "industry_code", "period"])
    city = rows.loc[("iva_growth_cum", CITY, "ALL", "2024年1-5月")]
    assert (city["value"], city["unit"], city["period_note"], city["status"]) == (
        9.6, "%", "", "已公布")
    shandong = rows.loc[("iva_growth_cum", "370000", "ALL", "2024年1-5月")]
    assert shandong["gap_pp"] == pytest.approx(1.1)
    assert shandong["derivation"] == "青岛9.6 − 山东8.5 = 1.1（百分点）"  # both inputs named
    assert model.filters == {"行业": "规模以上工业", "时点": "2024年5月"}
    assert model.rows["value"].dtype == "float64" and model.data_version == ds.version
    assert_sourced(model, ds)


def test_period_cell_is_the_period_only_and_the_note_has_its_column(ds, obs):
    lab = make_labeller(ds, "zh")
    inferred = obs[obs["period_inferred"].fillna(False).astype(bool)]
    assert len(inferred), "the bundled data has figures with an inferred period"
    model = build_observations_section(lab, inferred, "t", {}, ("data",))
    assert not model.rows["period"].str.contains("推断").any()
    assert set(model.rows["period_note"]) == {"时期为推断（来源未写明）"}
    csv = make_csv_bytes(model.labelled(), {}).decode("utf-8-sig")
    assert "（时期为推断）" not in csv


def test_qualifiers_in_words(ds, obs):
    for lang, words in (("zh", {"多于", "约", "不少于"}), ("en", {"more than", "about",
                                                                 "at least"})):
        model = build_observations_section(make_labeller(ds, lang),
                                           obs[obs["qualifier"] != ""], "t", {}, ("data",))
        assert set(model.rows["qualifier"]) == words
        assert not model.rows["qualifier"].isin([">", "~", ">="]).any()


@pytest.mark.parametrize("mode", ["time", "period", "gap"])
def test_growth_sections_carry_their_figure_and_rows(ds, obs, mode):
    lab = make_labeller(ds, "en")
    choice = growth_choice(mode)
    comparison = derive_period_comparison(obs, "iva_growth_cum", "ALL", "2024-05",
                                          benchmarks=BENCHMARK_REGIONS)
    model = build_growth_section(lab, obs, choice, "ALL", "latest", None, comparison, "r")
    assert model.figure is not None and model.figure["data"]
    assert not model.empty and set(model.rows["unit"]) == {"%"}
    assert model.filters["Indicator"] == ds.name("indicators", "iva_growth_cum", "en")
    assert model.filters["View"] and model.reading == "r"
    assert "iva_growth_cum" in model.stem and mode in model.stem
    if mode == "period":
        assert list(model.rows["region"]) == ["Qingdao", "Shandong", "China"]
        assert list(model.rows["value"]) == [9.6, 8.5, 6.2]
    if mode == "gap":
        gaps = model.rows.dropna(subset=["gap_pp"])
        assert len(gaps) and gaps["derivation"].str.startswith("Qingdao ").all()
    assert_sourced(model, ds)


def test_trend_section_is_full_years(ds, obs):
    model = build_trend_section(make_labeller(ds, "en"), obs, "ALL", "latest", None)
    assert model.rows["period"].str.fullmatch(r"\d{4}").all()
    assert set(model.rows["region_code"]) <= {CITY, *BENCHMARK_REGIONS}
    assert model.figure["layout"]["title"]
    assert_sourced(model, ds)


def test_counts_sections_with_shares_and_timeline(ds, obs):
    lab = make_labeller(ds, "zh")
    sections = derive_sections(obs, DIGITAL_SECTIONS, "ALL", None)
    names = {s.key: s.key for s in DIGITAL_SECTIONS}
    model = build_counts_section(lab, "digital", sections, names, "ALL", "latest",
                                 [("视图", "数量")])
    assert model.columns[0].id == "section" and "share" in model.rows.columns
    shared = model.rows.dropna(subset=["share"])
    assert len(shared) and shared["derivation"].str.contains("÷").all()
    assert model.filters["视图"] == "数量"
    assert_sourced(model, ds)
    inn = derive_sections(obs, INNOVATION_SECTIONS, "ALL", None)
    timeline = build_timeline_section(lab, "innovation", obs, "single_champions", "s", "ALL",
                                      "latest", None)
    assert timeline.figure is not None and len(timeline.rows) >= 3
    table = build_counts_section(lab, "innovation", inn,
                                 {s.key: s.key for s in INNOVATION_SECTIONS}, "ALL", "latest",
                                 timelines=[timeline])
    keys = table.rows[["indicator_id", "region_code", "industry_code", "period"]]
    assert not keys.duplicated().any()  # a tile's count is not listed again from its timeline
    assert set(timeline.rows["period"]) <= set(table.rows["period"])


def test_one_entity_table_on_every_page(ds):
    lab = make_labeller(ds, "en")
    model, sel = build_entities_section(lab, "digital", ("lighthouse_factory",), "t", "ALL",
                                        "latest", None)
    assert len(model.rows) == len(sel.rows) > 0
    assert set(model.rows["entity_type"]) == {"Lighthouse factory"}
    located, citywide = split_located(filter_entities(ds["entities"]))
    clusters = build_cluster_entities_section(lab, citywide, "t", map_choice(), "ALL", "latest",
                                              "citywide")
    assert [c.id for c in clusters.columns] == [c.id for c in model.columns]
    assert set(clusters.rows["district"]) == {"City-wide or multi-city"}
    assert_sourced(clusters, ds)


def test_cluster_district_sections(ds, obs):
    lab = make_labeller(ds, "zh")
    districts = district_codes(ds)
    counts = derive_district_counts(filter_entities(ds["entities"], industry="C38"), districts)
    model = build_district_counts_section(lab, counts, map_choice(), "C38", "latest", ["x"])
    assert model.rows.set_index("region_code").loc["370211", "total"] == 3
    assert model.column("total").kind == "integer"
    assert model.filters["计量"] if "计量" in model.filters else len(model.filters) >= 4
    choice = map_choice("figure", "gdp", "2025-06")
    figs = derive_district_figures(obs, districts, "gdp", "ALL", "2025-06")
    fmodel = build_district_figures_section(lab, figs, choice, "ALL", "latest")
    rows = fmodel.rows.set_index("region_code")
    assert rows.loc["370211", "value"] == 2656.77 and rows.loc["370211", "publisher"]
    assert pd.isna(rows.loc["370213", "value"]) and rows.loc["370213", "status"] == "无公布数据"
    assert "gap_pp" not in fmodel.rows.columns
    assert_sourced(fmodel, ds)


def test_data_sections_search_and_tables(ds, obs):
    lab = make_labeller(ds, "en")
    model = build_observations_section(lab, select(obs, region_code=CITY), "Observations", {},
                                       ("data",))
    from components.tables import for_display
    found = search_rows(model, for_display(model.labelled()), "Haier")
    assert 0 < len(found.rows) < len(model.rows)
    assert set(found.source_ids) == set(found.rows["source_id"])
    entities = build_table_section(lab, ds["entities"], "entities", "Entities", {}, ("data",))
    assert entities.column("year").kind == "integer"
    assert entities.rows["industry_codes"].map(lambda v: isinstance(v, str)).all()


def test_xlsx_of_a_section_holds_numbers_units_sources_and_filters(ds, obs):
    from openpyxl import load_workbook

    lab = make_labeller(ds, "en")
    model = build_tiles_section(lab, derive_overview(obs, "ALL", 202405), "ALL", "2024-05")
    data = make_xlsx_bytes(model, [{**ds.source(s), "source_id": s} for s in model.source_ids])
    wb = load_workbook(io.BytesIO(data))
    sheet = wb["Data"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Indicator", "Region", "Industry", "Period", "Value"]
    values = [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == list(model.rows["value"]) and 9.6 in values
    assert sheet.cell(2, 5).number_format == "#,##0.0"
    sources = list(wb["Sources"].iter_rows(min_row=2, values_only=True))
    assert [s[0] for s in sources] == list(model.source_ids)
    assert all(s[1] and s[8] for s in sources)  # publisher and the quotes read from it
    # a copy's address never stands in the link column under the publisher's name
    for s in sources:
        if s[6]:
            assert s[5] and s[4] != s[6]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Industry"] == "All above-scale industry" and about["Data version"] == ds.version


def test_renderer_draws_chart_text_alternative_table_caption_and_downloads(tmp_path):
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "one_section.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from types import SimpleNamespace
        import streamlit as st
        from components.data import get_loaded
        from components.section import render_section
        from components.section_labels import make_labeller
        from metrics.sections.overview import build_trend_section
        loaded = get_loaded()
        view = SimpleNamespace(ds=loaded.ds, obs=loaded.obs, lang="en", industry="ALL",
                               point="latest", up_to=None)
        model = build_trend_section(make_labeller(view.ds, "en"), view.obs, "ALL", "latest", None)
        render_section(view, model, key="trend")
        st.session_state["n_rows"] = len(model.rows)
    """))
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception
    n = at.session_state["n_rows"]
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == n
    assert at.get("plotly_chart")
    html = [h.proto.body for h in at.get("html")]
    assert any('class="sr-only"' in h and "Qingdao" in h for h in html)
    assert any("Source" in c.value for c in at.caption), [c.value for c in at.caption]
    keys = [b.proto.id for b in at.get("download_button")]
    assert len(keys) >= 2  # CSV and Excel (and the chart images where kaleido is installed)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_copy_link_under_an_official_name_in_any_table(ds, obs, lang):
    """Every observation as the tables and exports show it: a copy's address is never in the
    link column; when a row cites a copy, the publisher cell says so and names the carrier."""
    from metrics.citation import is_official_publisher
    from metrics.query import Figure
    from metrics.sections.base import make_figure_rows

    rows = make_figure_rows(make_labeller(ds, lang),
                            [(Figure.from_row(r), None) for r in obs.to_dict("records")])
    sources = ds.sources_by_id
    for row in rows.to_dict("records"):
        src = sources[row["source_id"]]
        if src.get("carrier_url"):
            assert row["url"] != src["carrier_url"]
            assert row["carrier_url"] == src["carrier_url"] and row["carrier"]
        if row["carrier"] and is_official_publisher(src["publisher"]):
            assert row["carrier"] in row["publisher"], row["publisher"]
