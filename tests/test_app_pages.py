"""AppTest of every page: both languages, the filters, URL state, bad links and broken data."""
from __future__ import annotations

from pathlib import Path

import pytest

from components import keys
from components.data import DATA_DIR_ENV
from components.frame import existing_pages
from metrics.load import load_dataset
from metrics.paths import REPO_ROOT
from tests.apptest import run_page, texts
from components.params import inline_code

@pytest.fixture(scope="module")
def version() -> str:
    return load_dataset().version


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("script", [p[0] for p in existing_pages()])
def test_every_page_renders_in_both_languages(script, lang, version):
    at = run_page(script, lang=lang)
    assert not at.exception, at.exception
    body = texts(at)
    assert version in body  # footer with the data version
    assert ("数据来源：" if lang == "zh" else "Data source: ") in body  # the source caption
    if lang == "en":
        assert "数据来源：" not in body and "同期数据未公布" not in body and "筛选" not in body


def test_overview_headline_gaps_for_jan_may_2024():
    at = run_page("dashboard.py", period="2024-05")
    assert not at.exception
    body = texts(at)
    values = [m.value for m in at.metric]
    assert "9.6%" in values and "10.6%" in values
    assert "比山东8.5%高1.1个百分点" in body
    assert "比全国6.2%高3.4个百分点" in body
    assert "比全国-2.3%高12.9个百分点" in body  # 2023 profit: 10.6 - (-2.3)
    assert "2024年1-5月" in body


def test_overview_english_gaps():
    at = run_page("dashboard.py", period="2024-05", lang="en")
    body = texts(at)
    assert "vs Shandong 8.5%: +1.1 pp" in body
    assert "vs China 6.2%: +3.4 pp" in body
    assert "Jan-May 2024" in body


def test_overview_industry_filter_and_url():
    at = run_page("dashboard.py", period="2024-05")
    at.selectbox(key=keys.INDUSTRY).set_value("HT").run()
    assert not at.exception
    assert at.query_params[keys.INDUSTRY] == ["HT"] or at.query_params[keys.INDUSTRY] == "HT"
    assert "9.8%" in [m.value for m in at.metric]
    # An industry with no published Qingdao figure says so plainly.
    at.selectbox(key=keys.INDUSTRY).set_value("C16").run()
    assert not at.exception
    assert any("烟草制品业" in i.value for i in at.info)
    assert not at.metric


@pytest.mark.parametrize("param,value", [(keys.INDUSTRY, "C99"), (keys.PERIOD, "1999-13"),
                                         (keys.LANG, "fr")])
def test_unknown_url_value_falls_back_with_notice(param, value):
    at = run_page("dashboard.py", **{param: value})
    assert not at.exception
    # The value is shown as a code span (it came from whoever wrote the link).
    assert any(inline_code(value) in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.metric  # the default view is shown


def test_language_switch_keeps_filters():
    at = run_page("dashboard.py", industry="HT")
    at.segmented_control(key=keys.LANG).set_value("en").run()
    assert not at.exception
    assert at.selectbox(key=keys.INDUSTRY).value == "HT"
    assert "Growth" in texts(at)


@pytest.mark.parametrize("breakage", ["corrupt", "missing", "invalid"])
def test_broken_data_gives_message_not_traceback(breakage, tmp_path: Path, monkeypatch):
    import shutil
    from metrics.store import resolve_current

    data = Path(shutil.copytree(REPO_ROOT / "data", tmp_path / "data",
                                ignore=shutil.ignore_patterns("src", "geo", "releases")))
    target = resolve_current(data)[1] / "observations.parquet"  # the version in use
    if breakage == "corrupt":
        target.write_bytes(b"not parquet at all")
    elif breakage == "missing":
        target.unlink()
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq
        table = pq.read_table(target)
        idx = table.schema.get_field_index("source_id")
        ids = table["source_id"].to_pylist()
        ids[3] = "no-such-source"
        table = table.set_column(idx, table.schema.field(idx), pa.array(ids))
        pq.write_table(table, target)
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    for script in [p[0] for p in existing_pages()]:
        at = run_page(script)
        assert not at.exception
        assert at.error and "observations.parquet" in " ".join(x.value for x in at.text)
        assert "python -m metrics.build" in [c.value for c in at.code]


def test_data_page_table_choice_and_search():
    at = run_page("pages/9_data.py", table="sources")
    assert not at.exception
    assert at.query_params[keys.DATA_TABLE] in ("sources", ["sources"])
    at = run_page("pages/9_data.py", lang="en")
    at.text_input(key=keys.DATA_SEARCH).input("90.9").run()
    assert not at.exception
    assert any("rows" in c.value for c in at.caption)


def test_data_search_lives_in_the_url():
    at = run_page("pages/9_data.py", lang="en", q="Haier")
    assert not at.exception
    assert at.text_input(key=keys.DATA_SEARCH).value == "Haier"
    shown = len(at.dataframe[0].value)
    assert 0 < shown < 100
    at.text_input(key=keys.DATA_SEARCH).input("90.9").run()
    assert at.query_params[keys.DATA_SEARCH] in ("90.9", ["90.9"])


def test_link_values_cannot_inject_markdown():
    at = run_page("dashboard.py", industry="![x](http://example.com/p.png)")
    value = "![x](http://example.com/p.png)"
    warning = at.warning[0].value
    # Shown literally inside a code span, and nowhere else.
    assert inline_code(value) in warning
    assert "](" not in warning.replace(inline_code(value), "")


def test_inferred_periods_are_marked_on_screen():
    body = texts(run_page("dashboard.py"))
    assert "2023年（时期为推断）" in body  # revenue: the article gives no period
    assert "(period inferred)" in texts(run_page("dashboard.py", lang="en"))
