"""What a printed page carries that the screen does not show: a header with the page, the
filters and the data version, and the small script that fits charts to the paper's width.

The header is a block that ``components/assets/print.css`` hides on screen and shows in print
(a printout must say what it shows: filters as words, never codes, and which data version).
The script (``components/assets/print.js``, static, no data in it) runs before printing: it
scales every chart and table drawn at the screen's width to the page's width, so that nothing
is cut at the right.
"""
from __future__ import annotations

import html
from datetime import date

import streamlit as st

from metrics.load import Dataset
from metrics.paths import REPO_ROOT

from components import keys
from components.i18n import t
from components.params import PARAMS

PRINT_JS = REPO_ROOT / "components" / "assets" / "print.js"


def view_filters(ds: Dataset, lang: str, industry: str, point: str) -> dict[str, str]:
    """The shared filters as label -> value, in words (the registry's labellers)."""
    return {t(PARAMS[key].label_key, lang): PARAMS[key].labeller(code, ds, lang)
            for key, code in ((keys.INDUSTRY, industry), (keys.PERIOD, point))}


def make_print_header_html(ds: Dataset, lang: str, page_key: str, industry: str, point: str,
                           today: date | None = None) -> str:
    """The print header's HTML, every text escaped (filter labels come from the data)."""
    sep = "：" if lang == "zh" else ": "
    join = "；" if lang == "zh" else "; "
    filters = join.join(f"{k}{sep}{v}" for k, v in view_filters(ds, lang, industry,
                                                               point).items())
    lines = [t("print_header_line", lang, app=t("app_title", lang), page=t(page_key, lang)),
             t("print_filters", lang, filters=filters),
             t("print_version", lang, version=ds.version, built=ds.built_at[:10],
               today=(today or date.today()).isoformat())]
    first, *rest = (html.escape(line) for line in lines)
    body = "".join(f"<div>{line}</div>" for line in rest)
    return f'<div class="qd-print-only qd-print-header"><strong>{first}</strong>{body}</div>'


def render_print_header(ds: Dataset, lang: str, page_key: str, industry: str,
                        point: str) -> None:
    """The print-only header, with the script that fits charts and tables to the page."""
    script = PRINT_JS.read_text(encoding="utf-8")
    st.html(make_print_header_html(ds, lang, page_key, industry, point)
            + f"<script>{script}</script>", unsafe_allow_javascript=True)
