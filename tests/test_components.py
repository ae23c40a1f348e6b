"""Interface catalogue, labels, figure factories, source captions, and the docs against the code."""
from __future__ import annotations

import re
import string

import pandas as pd
import pytest

from components.charts import REGION_COLOURS, make_empty_chart, make_trend_chart
from components.frame import PAGES, existing_pages
from components.i18n import STRINGS
from components.labels import format_value, point_label
from components.provenance import make_source_line, md_escape
from metrics.load import load_dataset
from metrics.paths import REPO_ROOT


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_catalogues_have_the_same_keys_and_placeholders():
    zh, en = STRINGS["zh"], STRINGS["en"]
    assert zh.keys() == en.keys()
    # Month names differ by language: the Chinese string takes a number, the English a name.
    per_language = {"month", "month_en"}
    for key in zh:
        assert _fields(zh[key]) - per_language == _fields(en[key]) - per_language, key


def test_english_catalogue_has_no_chinese_except_language_label():
    for key, text in STRINGS["en"].items():
        # The language switch names both languages; the map credit names its source as the
        # boundary README asks (行政区划边界：cnmaps（高德地图数据）).
        if key != "language" and not key.endswith("attribution"):
            assert not re.search(r"[\u4e00-\u9fff]", text), key


@pytest.mark.parametrize("value,qual,unit,lang,expected", [
    (9.6, "", "%", "zh", "9.6%"), (4800, ">", "家", "zh", "4,800多家"),
    (4800, ">", "enterprises", "en", "4,800+ enterprises"), (13000, "~", "亿元", "zh", "约13,000亿元"),
    (12, ">=", "%", "zh", "12%以上"), (-2.3, "", "%", "en", "-2.3%"),
    (95, ">", "%", "zh", "超过95%"), (95, ">", "%", "en", "more than 95%"),
    (500, ">=", "家", "zh", "500家以上"), (12, ">=", "%", "en", "12% or more"),
    (1300, ">", "100 million yuan", "en", "more than CNY 130 billion"),
    (13000, "~", "100 million yuan", "en", "about CNY 1.3 trillion")])
def test_format_value(value, qual, unit, lang, expected):
    ind = {"unit_zh": unit, "unit_en": unit}
    assert format_value(value, qual, ind, lang) == expected


def test_point_labels():
    assert point_label("latest", "zh") == "最新"
    assert point_label("2024", "en") == "Full year 2024"
    assert point_label("2024-05", "zh") == "2024年5月"
    assert point_label("2024-05", "en") == "May 2024"


def test_markdown_escape_blocks_links_images_and_directives():
    hostile = "![x](http://evil.example/a.png) :red[alert] <b>$x$</b>"
    escaped = md_escape(hostile)
    assert "![" not in escaped and "](" not in escaped and ":red[" not in escaped
    assert "<b>" not in escaped and "$x$" not in escaped


def test_source_line_marks_reposts():
    ds = load_dataset()
    src = ds["sources"]
    repost = src[src["tier"] == "C"].iloc[0]["source_id"]
    assert "[转载]" in make_source_line(ds, [repost], "zh")
    assert "[repost]" in make_source_line(ds, [repost], "en")


def test_trend_chart_keeps_gaps_and_colours():
    df = pd.DataFrame({"region_code": ["370200", "370200", "000000"], "x": ["2022", "2024", "2022"],
                       "value": [3.8, 9.4, 3.6], "label": ["2022", "2024", "2022"]})
    fig = make_trend_chart(df, x_values=["2022", "2023", "2024"],
                           region_names={"370200": "青岛", "000000": "全国"},
                           title="t (%)", x_title="年份", y_title="同比增长（%）")
    qd, cn = fig.data
    assert list(qd.y) == [3.8, None, 9.4] and qd.connectgaps is False
    assert list(cn.y) == [3.6, None, None]
    assert qd.line.color == REGION_COLOURS["370200"] and cn.line.color == REGION_COLOURS["000000"]
    assert fig.layout.yaxis.title.text == "同比增长（%）"


def test_empty_chart_says_why():
    fig = make_empty_chart("没有数据")
    assert fig.layout.annotations[0].text == "没有数据" and not fig.data


def test_navigation_lists_exactly_the_pages_that_exist(monkeypatch):
    from components.frame import ADMIN_PAGES
    from metrics.credentials import hash_password

    on_disk = {"dashboard.py"} | {f"pages/{p.name}" for p in (REPO_ROOT / "pages").glob("*.py")}
    assert on_disk <= {p[0] for p in PAGES}
    # the upload page is listed only when the operator configured an admin credential
    monkeypatch.delenv("QD_DASHBOARD_ADMIN_HASH", raising=False)
    assert {p[0] for p in existing_pages()} == on_disk - set(ADMIN_PAGES)
    monkeypatch.setenv("QD_DASHBOARD_ADMIN_HASH", hash_password("a long test password", 100_000))
    assert {p[0] for p in existing_pages()} == on_disk


def test_admin_credential_from_a_secrets_file_and_no_lookup_without_one(monkeypatch, tmp_path):
    """The upload page's credential can come from .streamlit/secrets.toml; without such a file
    st.secrets is not asked at all (it searched under a lock and raised on every page run)."""
    import streamlit as st
    import streamlit.config
    from streamlit.runtime.secrets import Secrets

    from components import upload_view
    from metrics.credentials import hash_password

    monkeypatch.delenv("QD_DASHBOARD_ADMIN_HASH", raising=False)
    secrets_file = tmp_path / "secrets.toml"
    real_get_option = st.get_option

    def get_option(key):
        return [str(secrets_file)] if key == "secrets.files" else real_get_option(key)

    # st.get_option for the page, streamlit.config's for st.secrets
    monkeypatch.setattr(st, "get_option", get_option)
    monkeypatch.setattr(streamlit.config, "get_option", get_option)

    asked = []

    class Watched:
        def get(self, name):
            asked.append(name)

    monkeypatch.setattr(st, "secrets", Watched())
    assert upload_view.admin_hash() is None and not upload_view.admin_enabled()
    assert asked == []
    stored = hash_password("a long test password", 100_000)
    secrets_file.write_text(f'admin_password_hash = "{stored}"\n', encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())
    assert upload_view.admin_hash() == stored and upload_view.admin_enabled()


def test_readme_lists_every_page_and_the_two_commands():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    from components.i18n import t
    for script, label_key, _ in existing_pages():
        assert f"`{script}`" in readme, script
        assert t(label_key, "zh") in readme and t(label_key, "en") in readme
    assert "pip install -r requirements.txt && streamlit run dashboard.py" in readme
    assert "bash tests/run.sh" in readme
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "bash tests/run.sh" in ci


def test_server_config_keeps_the_promises():
    import tomllib
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False  # no outside request
    assert config["client"]["showErrorDetails"] == "none"  # no traceback for users
    assert config["client"]["showSidebarNavigation"] is False  # the frame's translated links
    assert config["client"]["disableDataExport"] is True  # only the formula-safe exporter
    assert config["server"]["enableXsrfProtection"] is True


def test_trend_chart_marks_derived_and_preliminary_points():
    df = pd.DataFrame({"region_code": ["370200"] * 3, "x": ["2023", "2024", "2025"],
                       "value": [5.8, 9.4, 7.9], "label": ["", "", ""],
                       "status": ["derived", "published", "preliminary"]})
    fig = make_trend_chart(df, x_values=["2023", "2024", "2025"], region_names={"370200": "青岛"},
                           title="t", x_title="x", y_title="y")
    assert list(fig.data[0].marker.symbol) == ["circle-open", "circle", "diamond"]


def test_bound_on_a_multiplier_unit_reads_naturally():
    assert format_value(45, ">", {"unit_zh": "万辆", "unit_en": "10k units"}, "zh") == "超过45万辆"
    assert format_value(4800, ">", {"unit_zh": "家", "unit_en": "enterprises"}, "zh") == "4,800多家"


def test_source_details_name_the_industry():
    from components.provenance import make_figure_details
    from metrics.query import enrich_observations, latest_figure
    ds = load_dataset()
    fig = latest_figure(enrich_observations(ds), "iva_growth_cum", "370200", "HT", 202405)
    assert make_figure_details(ds, fig, "zh").startswith("**青岛 · 高技术制造业 · ")


def test_a_loaded_version_is_kept_out_of_full_collections():
    """Loading a version collects once and freezes what lives on (modules, the version), so
    Python's full collections no longer rescan it; dropping the versions thaws it."""
    import gc

    from components.data import forget_loaded, get_loaded

    forget_loaded()
    assert gc.get_freeze_count() == 0
    loaded = get_loaded()
    assert gc.get_freeze_count() > 10_000
    tracked_after = len(gc.get_objects())
    assert tracked_after < gc.get_freeze_count()   # most of the heap is frozen, not rescanned
    forget_loaded()
    assert gc.get_freeze_count() == 0
