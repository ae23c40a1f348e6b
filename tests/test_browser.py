"""Browser tier: Playwright drives Debian chromium against a real `streamlit run`.

Each test that is about the first request starts its own server, so the deep link really is
the first thing the server sees (the `pages/` trap in the project notes).
"""
from __future__ import annotations

import pytest

from tests.browser import (cjk_glyphs_render, is_local, open_page, streamlit_server,
                           wait_rendered)

pytestmark = pytest.mark.browser



def test_deep_link_as_first_request_renders_frame_and_page(browser):
    with streamlit_server() as base:
        page, requests = open_page(browser, base + "/data?lang=en&industry=HT&table=sources")
        main = page.get_by_test_id("stMain").inner_text()
        sidebar = page.get_by_test_id("stSidebar").inner_text()
        assert "Data & sources" in main
        # the frame ran, with the link's filter
        assert page.get_by_role("combobox", name="Industry").input_value() == "High-tech manufacturing"
        assert "Overview" in sidebar and "pages/" not in sidebar and "9_data" not in sidebar
        assert "Data version" in main
        # The same link later in the life of the server renders the same view.
        again, _ = open_page(browser, base + "/data?lang=en&industry=HT&table=sources")
        assert again.get_by_test_id("stMain").inner_text() == main
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]


def test_overview_in_chinese_no_outside_request_and_csv_download(browser):
    with streamlit_server() as base:
        page, requests = open_page(browser, base + "/?period=2024-05")
        main = page.get_by_test_id("stMain").inner_text()
        assert "比山东8.5%高1.1个百分点" in main
        assert "比全国6.2%高3.4个百分点" in main
        assert cjk_glyphs_render(page), "Chinese characters render as boxes: install fonts-noto-cjk"
        assert page.locator(".js-plotly-plot .main-svg").count() >= 1
        with page.expect_download() as info:
            page.get_by_test_id("stDownloadButton").first.get_by_role("button").click()
        data = open(info.value.path(), "rb").read()
        assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        assert "工业增加值同比增长(累计),青岛,规模以上工业,2024年1-5月,9.6," in text
        assert ",山东,规模以上工业,2024年1-5月,8.5," in text
        # the trend's chart image, made on the server when clicked
        trend = page.locator(".st-key-dl_overview_trend")
        for name, magic in (("下载图片（PNG）", b"\x89PNG"), ("下载图片（SVG）", b"<svg")):
            with page.expect_download(timeout=60_000) as info:
                trend.get_by_role("button", name=name).click()
            image = open(info.value.path(), "rb").read()
            assert magic in image[:200] and info.value.suggested_filename.startswith(
                "overview-trend_ALL_2024-05_v")
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]


def test_language_switch_and_navigation_keep_the_view(browser):
    with streamlit_server() as base:
        page, _ = open_page(browser, base + "/?industry=HT&period=2024-05")
        page.get_by_test_id("stSidebar").get_by_text("English").click()
        wait_rendered(page)
        assert "lang=en" in page.url and "industry=HT" in page.url
        page.get_by_test_id("stSidebar").get_by_text("Data & sources").click()
        page.wait_for_url("**/data**")
        wait_rendered(page)
        assert "lang=en" in page.url and "industry=HT" in page.url
        assert page.get_by_role("combobox", name="Industry").input_value() == "High-tech manufacturing"


def test_growth_shared_link_first_request_and_csv_matches_chart(browser):
    link = "/growth?lang=en&indicator=iva_growth_cum&view=period&at=2024-05"
    with streamlit_server() as base:
        page, requests = open_page(browser, base + link)
        main = page.get_by_test_id("stMain").inner_text()
        assert ("In Jan-May 2024, Qingdao's above-scale industrial value added grew 9.6% year on "
                "year, 1.1 percentage points above Shandong and 3.4 percentage points above China."
                ) in main
        plotted = page.evaluate(
            "() => document.querySelector('.js-plotly-plot').data.map(d => [d.x[0], d.y[0]])")
        assert plotted == [["Qingdao", 9.6], ["Shandong", 8.5], ["China", 6.2]]
        with page.expect_download() as info:
            page.get_by_test_id("stDownloadButton").first.get_by_role("button").click()
        import csv
        import io
        text = open(info.value.path(), encoding="utf-8-sig").read()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["Region"], float(r["Value"])) for r in rows] == [tuple(p) for p in plotted]
        assert [r["Gap (pp)"] for r in rows] == ["", "1.1", "3.4"]
        assert all(r["Period"] == "Jan-May 2024" for r in rows)
        assert "Indicator=" in rows[0]["Filters"] and "View=One period" in rows[0]["Filters"]
        # the Excel file of the same section: the same numbers, typed, its sources and filters
        from openpyxl import load_workbook
        with page.expect_download() as info:
            page.locator(".st-key-dl_growth_period").get_by_role(
                "button", name="Download Excel").click()
        name = info.value.suggested_filename
        assert name.startswith("growth_iva-growth-cum_period_ALL_latest_v") and name.endswith(
            ".xlsx")
        book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
        sheet = list(book["Data"].iter_rows(values_only=True))
        head = list(sheet[0])
        got = [(r[head.index("Region")], r[head.index("Value")]) for r in sheet[1:]]
        assert got == [tuple(p) for p in plotted]
        assert [r[head.index("Gap (pp)")] for r in sheet[1:]] == [None, 1.1, 3.4]
        assert len(list(book["Sources"].iter_rows())) > 1
        about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True)}
        assert about["View"] == "One period" and about["Link to the view"].startswith(base)
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]


def test_data_page_zip_bundle_matches_the_rows_on_screen(browser):
    import csv
    import io
    import json
    import re
    import zipfile
    with streamlit_server() as base:
        page, requests = open_page(browser, base + "/data?lang=en&q=Haier")
        shown = int(re.search(r"(\d+) rows", page.get_by_test_id("stMain").inner_text()).group(1))
        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV + metadata (zip)").click()
        bundle = zipfile.ZipFile(info.value.path())
        names = bundle.namelist()
        csv_name = next(n for n in names if n.endswith(".csv"))
        rows = list(csv.DictReader(io.StringIO(bundle.read(csv_name).decode("utf-8-sig"))))
        assert len(rows) == shown > 0
        assert all("Haier" in " ".join(r.values()) for r in rows)
        meta = json.loads(bundle.read(next(n for n in names if n.endswith(".metadata.json"))))
        assert meta["rows"] == shown and meta["table"]["name"] == "observations"
        readme = bundle.read("README.txt").decode("utf-8")
        assert "=Haier" in readme and "Sources (" in readme  # the search is among the filters
        assert all(is_local(u) for u in requests)
