"""Every place the app writes raw HTML (st.html) escapes what comes from the data or a link.

Data (names, titles, quotes, periods) and a link's parameters reach chart titles, tables and
captions; only these reviewed builders turn text into HTML, and each is fed hostile text here.
A new st.html call fails the inventory test until it is reviewed and added to it.
"""
from __future__ import annotations

import re

import pandas as pd

from components.a11y import make_sr_only_html
from components.coverage_view import make_coverage_table_html
from components.print_header import make_print_header_html
from components.print_table import make_print_table_html
from components.section import _text_alternative
from metrics.load import load_dataset
from metrics.paths import REPO_ROOT
from metrics.section import Column, SectionModel

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'


def _no_markup_from(text: str) -> None:
    assert "<script" not in text and "<img" not in text, text
    assert "&lt;script&gt;" in text or "&lt;img" in text, text


def test_screen_reader_text_is_escaped():
    html_text = make_sr_only_html(HOSTILE)
    assert html_text.startswith('<p class="sr-only">') and html_text.endswith("</p>")
    _no_markup_from(html_text)
    assert make_sr_only_html("") == '<p class="sr-only"></p>'


def test_a_charts_text_alternative_is_plain_text_escaped_where_drawn():
    model = SectionModel(id="x", lang="en", title=HOSTILE,
                         columns=(Column("region", "Region"), Column("period", "Period"),
                                  Column("value", "Value"), Column("unit", "Unit")),
                         rows=pd.DataFrame({"region": [HOSTILE], "period": [HOSTILE],
                                            "value": [5.8], "unit": [HOSTILE]}))
    text = _text_alternative.uncached(model, "en")
    assert HOSTILE in text and "5.8" in text          # plain text: the sentence, unescaped
    _no_markup_from(make_sr_only_html(text))            # ... and escaped where it is drawn


def test_print_header_escapes_the_filters_it_names():
    ds = load_dataset()
    html_text = make_print_header_html(ds, "en", "nav_overview", HOSTILE, "latest")
    assert "qd-print-header" in html_text
    assert "<script" not in html_text and "<img" not in html_text


def test_print_and_coverage_tables_escape_every_cell():
    model = SectionModel(id="x", lang="en", title=HOSTILE, columns=(Column("v", HOSTILE),),
                         rows=pd.DataFrame({"v": [HOSTILE]}))
    _no_markup_from(make_print_table_html.uncached(model))
    table = pd.DataFrame({HOSTILE: [HOSTILE], "b": [HOSTILE]})
    _no_markup_from(make_coverage_table_html.uncached(table, "en", HOSTILE))


# Every st.html call in the app and what it draws: reviewed builders that escape (tested above)
# or static files of the repository.
REVIEWED = {
    "components/a11y.py": ["make_sr_only_html(text)"],
    "components/print_table.py": ["markup"],
    "components/print_header.py": ["make_print_header_html(ds, lang, page_key, industry, point)"],
    "components/coverage_view.py": [
        "make_coverage_table_html(_grid_table(ds, report, lang), lang,",
        'make_coverage_table_html(matrix, lang, t("cov_ind_caption", lang))',
        "make_coverage_table_html(make_division_matrix(ds, counts, lang), lang,"],
    "components/frame.py": ["APP_CSS", "PRINT_CSS"],
    "components/cockpit_view.py": ["COCKPIT_CSS"],
}


def test_every_raw_html_sink_is_a_reviewed_one():
    found: dict[str, list[str]] = {}
    for path in [*sorted((REPO_ROOT / "components").glob("*.py")),
                 *sorted((REPO_ROOT / "pages").glob("*.py")), REPO_ROOT / "dashboard.py"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.search(r"st\.html\((.*)$", line)
            if m and not line.lstrip().startswith("#"):
                arg = m.group(1).split("  #")[0].strip()
                arg = arg[:-1] if arg.endswith(")") and arg.count("(") < arg.count(")") else arg
                found.setdefault(str(path.relative_to(REPO_ROOT)), []).append(arg)
    assert found == REVIEWED
