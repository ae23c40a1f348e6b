"""Browser tier: every section of every page offers CSV and Excel downloads of the rows on its
screen table: the two files hold the same rows and the same numbers, no text cell can run as a
formula, and each file is named for the view, its filters, the data version and the day."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from metrics.export import FORMULA_PREFIXES
from metrics.load import load_dataset
from tests.browser import is_local, open_page, streamlit_server

pytestmark = pytest.mark.browser

PAGES = ["/?period=2024-05", "/growth?lang=en&view=period&at=2024-05", "/clusters?lang=en",
         "/digital?dview=entities", "/innovation?lang=en", "/data?lang=en&q=Haier"]

# The downloads rows of the page's sections (the brief's row is another test's).
SECTIONS_JS = """() => [...document.querySelectorAll('[class*="st-key-dl_"]')]
  .map(e => [...e.classList].find(c => c.startsWith('st-key-dl_')).slice('st-key-'.length))
  .filter(k => k !== 'dl_brief' && !/_(csv|xlsx|png|svg|zip|docx|pdf)$/.test(k))"""
# Rows of every table drawn on the screen above the brief (a grid's row count includes its
# header); what follows the brief (the data page's coverage) is not a section of the brief.
SCREEN_ROWS_JS = """() => {
  const brief = document.querySelector('.st-key-dl_brief');
  return [...document.querySelectorAll('[data-testid=stDataFrame] [role=grid]')]
    .filter(e => !brief || (e.compareDocumentPosition(brief) & Node.DOCUMENT_POSITION_FOLLOWING))
    .map(e => Number(e.getAttribute('aria-rowcount')) - 1);
}"""


def download(page, section: str, ext: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as info:
        page.locator(f".st-key-{section}_{ext}").get_by_role("button").click()
    return info.value.suggested_filename, open(info.value.path(), "rb").read()


@pytest.mark.parametrize("path", PAGES)
def test_every_section_downloads_its_screen_rows_as_csv_and_excel(browser, path):
    version = load_dataset().version
    with streamlit_server() as base:
        page, requests = open_page(browser, base + path)
        sections = page.evaluate(SECTIONS_JS)
        assert sections, "no section with downloads"
        screen = page.evaluate(SCREEN_ROWS_JS)
        counts = []
        for section in sections:
            csv_name, csv_bytes = download(page, section, "csv")
            xlsx_name, xlsx_bytes = download(page, section, "xlsx")
            assert csv_name.removesuffix(".csv") == xlsx_name.removesuffix(".xlsx")
            assert f"_v{version}_" in csv_name
            rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
            sheet = list(load_workbook(io.BytesIO(xlsx_bytes)).worksheets[0].iter_rows(
                values_only=True))
            header = rows[0][:len(sheet[0])]  # the CSV adds the filters and version columns
            assert [h.split(" (")[0] for h in header] == [str(h).split(" (")[0]
                                                         for h in sheet[0]], section
            assert len(rows) == len(sheet), section
            for text_row, book_row in zip(rows[1:], sheet[1:]):
                for text, cell in zip(text_row, book_row):
                    if isinstance(cell, (int, float)):  # a number in both, -2.3 included
                        assert float(text) == cell, (section, text, cell)
                    elif cell is not None:  # text: the same, and inert in both
                        assert text == cell and not text.startswith(FORMULA_PREFIXES), text
            assert all(r[-1] == version for r in rows[1:])  # the data version column
            counts.append(len(rows) - 1)
        # every table on the screen is the rows of a section's downloads
        assert all(n in counts for n in screen), (screen, counts)
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]
