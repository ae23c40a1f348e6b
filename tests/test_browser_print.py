"""Browser print of the overview and the growth page, in both languages, to A4 (``page.pdf``).

Under print media the DOM must show no sidebar, toolbar, control or download button, a print
header with the filters and the data version, every chart scaled into its column (its latest
year's tick inside the chart's box), every table as its printed twin (every row, the value
column) instead of the canvas grid. The PDF itself (read with poppler's ``pdftotext -bbox``)
must hold the latest year and the values with no word past the paper's right edge; its pages
are rendered to PNG (``pdftoppm``) in $QD_SCREENSHOT_DIR for looking at.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser import is_local, launch_browser, open_page, streamlit_server

pytestmark = pytest.mark.browser

PAGES = (("/?lang=zh", "overview_zh"), ("/?lang=en", "overview_en"),
         ("/growth?lang=zh", "growth_zh"), ("/growth?lang=en", "growth_en"))
SHOTS = Path(os.environ.get("QD_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="qd_print_"))
A4_WIDTH_PT = 595.92

PRINT_DOM_JS = """() => {
    const shown = (el) => { const r = el.getBoundingClientRect();
        return getComputedStyle(el).display !== 'none' && r.width > 0 && r.height > 0; };
    const main = document.querySelector("[data-testid='stMainBlockContainer']")
        .getBoundingClientRect();
    const hidden = ["stSidebar", "stHeader", "stToolbar", "stDownloadButton", "stSelectbox",
                    "stButton", "stSegmentedControl", "stRadio", "stPageLink"];
    const visible_controls = hidden.flatMap((id) =>
        [...document.querySelectorAll(`[data-testid='${id}']`)].filter(shown).map(() => id));
    const header = document.querySelector('.qd-print-header');
    const charts = [...document.querySelectorAll('.js-plotly-plot .svg-container')].map((box) => {
        const r = box.getBoundingClientRect();
        const ticks = [...box.querySelectorAll('.xtick text')];
        const last = ticks.length ? ticks[ticks.length - 1] : null;
        const t = last ? last.getBoundingClientRect() : null;
        return {fit: box.classList.contains('qd-print-fit'),
                viewBox: box.querySelector('svg.main-svg').getAttribute('viewBox'),
                left: r.left, right: r.right, mainRight: main.right,
                lastTick: last ? last.textContent : null,
                tickRight: t ? t.right : null};
    });
    const grids = [...document.querySelectorAll("[data-testid='stDataFrame']")]
        .filter(shown).length;
    const tables = [...document.querySelectorAll('.qd-print-table')].map((tb) => ({
        shown: shown(tb), right: tb.getBoundingClientRect().right, mainRight: main.right,
        header: [...tb.querySelectorAll('thead th')].map((th) => th.textContent),
        rows: [...tb.querySelectorAll('tbody tr')].map((tr) =>
            [...tr.querySelectorAll('td')].map((td) => [td.textContent, td.className]))}));
    return {controls: visible_controls, header: header && shown(header) ? header.innerText : null,
            charts, grids, tables};
}"""


def pdf_words(pdf: Path) -> tuple[list[tuple[float, str]], float]:
    """(right edge, text) of every word of the PDF, and the page width (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = [(float(x), w) for x, w in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', out)]
    return words, width


@pytest.fixture(scope="module")
def app():
    """One server and one browser for the module: (base URL, browser)."""
    from playwright.sync_api import sync_playwright

    with streamlit_server() as base, sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            yield base, browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def printed(app):
    """Each page opened, printed under print media, with the DOM facts and its PDF."""
    base, browser = app
    results = {}
    for path, name in PAGES:
        page, _ = open_page(browser, base + path)
        page.emulate_media(media="print")
        page.wait_for_timeout(600)
        dom = page.evaluate(PRINT_DOM_JS)
        pdf = SHOTS / f"print_{name}.pdf"
        pdf.write_bytes(page.pdf(format="A4", print_background=True))
        results[name] = (dom, pdf)
        page.close()
    return results


@pytest.mark.parametrize("name", [n for _, n in PAGES])
def test_print_dom_is_clean_and_fits(printed, name):
    dom, _ = printed[name]
    assert dom["controls"] == [], dom["controls"]
    lang = name.rsplit("_", 1)[1]
    header = dom["header"]
    assert header and re.search(r"(数据版本|Data version) [0-9A-Za-z-]{8,}", header), header
    assert ("筛选条件" if lang == "zh" else "Filters") in header
    assert dom["charts"], "a chart to print"
    for chart in dom["charts"]:
        assert chart["fit"] and chart["viewBox"], chart
        assert chart["right"] <= chart["mainRight"] + 1, chart
        assert chart["lastTick"] and chart["tickRight"] <= chart["right"] + 1, chart
    # no canvas grid printed: each has its twin, which holds every row with a number column
    assert dom["grids"] == 0
    assert dom["tables"], "a printed table"
    for table in dom["tables"]:
        assert table["shown"] and table["right"] <= table["mainRight"] + 1
        assert table["rows"] and all(len(r) == len(table["header"]) for r in table["rows"])
        assert all(any(cls == "num" for _, cls in r) for r in table["rows"])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("name", [n for _, n in PAGES])
def test_printed_pdf_holds_the_latest_year_within_the_page(printed, name):
    dom, pdf = printed[name]
    words, width = pdf_words(pdf)
    assert abs(width - A4_WIDTH_PT) < 2  # A4 portrait
    past = [(x, w) for x, w in words if x > width + 0.5]
    assert past == [], past[:10]
    texts = {w for _, w in words}
    for chart in dom["charts"]:
        assert chart["lastTick"] in texts, chart["lastTick"]
    # the printed tables' values are text in the PDF (not pixels of a canvas)
    values = {v for t in dom["tables"] for r in t["rows"] for v, cls in r if cls == "num" and v}
    joined = "".join(w for _, w in words)
    missing = [v for v in values if v not in joined]
    assert not missing, missing[:10]
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SHOTS / pdf.stem)],
                       check=True)


BRIEF_PAGES = (("/?lang=zh", "zh"), ("/growth?lang=en", "en"))


@pytest.mark.parametrize("path,lang", BRIEF_PAGES)
def test_brief_downloads_hold_what_the_page_shows(app, path, lang):
    """The page's Word and PDF briefs, downloaded in the browser: the Word file's headings are
    the page's sections, its tables hold the numbers of the page's tables, its footnotes cite
    the sources; the PDF embeds its CJK font and holds the same numbers."""
    import io
    import zipfile

    from docx import Document

    from components.i18n import t
    from metrics.brief import MAX_TABLE_ROWS

    base, browser = app
    page, requests = open_page(browser, base + path)
    try:
        # the numbers of each printed table's first rows (the brief lists at most
        # MAX_TABLE_ROWS of a table)
        shown = page.evaluate("""(n) => [...document.querySelectorAll('.qd-print-table')]
            .map((tb) => [...tb.querySelectorAll('tbody tr')].slice(0, n)
            .flatMap((tr) => [...tr.querySelectorAll('td.num')].map((td) => td.textContent))
            .filter((v) => v))""", MAX_TABLE_ROWS)
        files = {}
        for kind in ("docx", "pdf"):
            button = page.get_by_role("button", name=t(f"brief_{kind}", lang))
            button.wait_for(state="visible", timeout=60_000)
            with page.expect_download(timeout=120_000) as info:
                button.click(timeout=60_000)
            files[kind] = Path(info.value.path()).read_bytes()
            assert info.value.suggested_filename.endswith("." + kind)
    finally:
        page.close()
    doc = Document(io.BytesIO(files["docx"]))
    assert doc.paragraphs[0].style.name == "Title"
    cells = {c.text for table in doc.tables for row in table.rows for c in row.cells}
    values = {v for table in shown for v in table}
    assert values and values <= cells, sorted(values - cells)[:10]
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as z:
        assert "word/footnotes.xml" in z.namelist()
        assert len(z.read("word/footnotes.xml")) > 500
    assert files["pdf"].startswith(b"%PDF") and b"/FontFile" in files["pdf"]
    assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)][:5]
