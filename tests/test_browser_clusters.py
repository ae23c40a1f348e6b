"""产业集群 in a real browser: a shared link as the first request to a new server renders the map
(MapLibre draws the district polygons) with zero requests outside 127.0.0.1; a click on the map
and the District box both select a district and filter the table."""
from __future__ import annotations

import csv
import io

import pytest

from tests.browser import is_local, streamlit_server, wait_rendered
from tests.browser import open_page as open_browser_page

pytestmark = pytest.mark.browser

TEN = ["370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281", "370283",
       "370285"]
# Inside 平度市 (370283) and 即墨区 (370215), well away from their borders.
PINGDU = (119.95, 36.80)
JIMO = (120.55, 36.50)

# The map as drawn: the plot's locations, whether MapLibre has its canvas and loaded style, and
# which polygons MapLibre rendered under two points (proof that the GeoJSON was drawn).
MAP_STATE_JS = """([pingdu, jimo]) => {
    const gd = document.querySelector('.js-plotly-plot');
    const map = gd._fullLayout.map._subplot.map;
    const under = ([lon, lat]) => map.queryRenderedFeatures(map.project([lon, lat]))
        .filter(f => f.layer.type === 'fill').map(f => String(f.id));
    return {locations: gd.data.flatMap(d => d.locations),
            canvas: !!gd.querySelector('canvas.maplibregl-canvas'),
            loaded: map.loaded() && map.isStyleLoaded(),
            pingdu: under(pingdu), jimo: under(jimo)};
}"""
# Page coordinates of a longitude/latitude on the map.
POINT_JS = """([lon, lat]) => {
    const map = document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map;
    const box = map.getContainer().getBoundingClientRect();
    const p = map.project([lon, lat]);
    return [box.left + p.x, box.top + p.y];
}"""



def open_page(browser, url: str):
    """A new page at ``url`` once its map has loaded: (page, requests)."""
    page, requests = open_browser_page(browser, url)
    loaded = ("() => { const gd = document.querySelector('.js-plotly-plot');"
              " return gd && gd._fullLayout.map && gd._fullLayout.map._subplot.map.loaded()"
              " && gd._fullLayout.map._subplot.map.isStyleLoaded(); }")
    page.wait_for_function(loaded, timeout=30_000)
    page.wait_for_timeout(500)  # plotly may restyle the map once more after the first load
    page.wait_for_function(loaded, timeout=30_000)
    return page, requests


def main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


# The page's text as seen (the map's text alternative for screen readers left out).
SEEN_TEXT_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]').cloneNode(true);
  main.querySelectorAll('.sr-only').forEach(e => e.remove());
  document.body.appendChild(main);
  const text = main.innerText;
  main.remove();
  return text;
}"""


def test_shared_link_first_request_draws_the_map_offline(browser):
    link = "/clusters?lang=en&district=370211&industry=C38"
    with streamlit_server() as base:
        page, requests = open_page(browser, base + link)
        state = page.evaluate(MAP_STATE_JS, [PINGDU, JIMO])
        assert sorted(state["locations"]) == TEN
        assert state["canvas"] and state["loaded"]
        assert state["pingdu"] == ["370283"] and state["jimo"] == ["370215"]  # polygons drawn
        text = main_text(page)
        assert "Entities in Huangdao District (West Coast New Area) (current filters): 3" in text
        assert "Entities: 3" in text and "Entities: 8" in text  # located, then city-wide
        assert "行政区划边界：cnmaps（高德地图数据）" in text
        district = page.get_by_role("combobox", name="District").input_value()
        assert district.startswith("Huangdao District")
        assert page.get_by_role("combobox", name="Industry").input_value().startswith("38 ")
        # each entity list's CSV holds exactly its table on screen: 3 in the district, 8
        # city-wide, with the filters in words and the data version
        rows = {}
        for part in ("districts", "citywide"):
            with page.expect_download() as info:
                page.locator(f".st-key-dl_clusters_entities_{part}").get_by_test_id(
                    "stDownloadButton").first.get_by_role("button").click()
            data = open(info.value.path(), "rb").read()
            assert data.startswith(b"\xef\xbb\xbf")
            assert info.value.suggested_filename.endswith(".csv")
            rows[part] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert [r["Region code"] for r in rows["districts"]] == ["370211"] * 3
        assert [r["Region code"] for r in rows["citywide"]] == [""] * 8
        assert {r["District"] for r in rows["citywide"]} == {"City-wide or multi-city"}
        assert all(r["Data version"] and "Industry=38 " in r["Filters"]
                   and "District=Huangdao" in r["Filters"] for r in rows["districts"])
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]


def test_click_and_select_box_choose_a_district(browser):
    with streamlit_server() as base:
        page, requests = open_page(browser, base + "/clusters?lang=en")
        assert "Entities: 8" in main_text(page)
        # a click on 平度 selects it: URL, select box, card and table follow
        x, y = page.evaluate(POINT_JS, list(PINGDU))
        page.mouse.click(x, y)
        page.wait_for_url("**district=370283**", timeout=30_000)
        wait_rendered(page)
        text = main_text(page)
        assert "Entities in Pingdu City (current filters): 0" in text
        assert "No entity matches the current filters." in text
        assert "Entities: 0" not in page.evaluate(SEEN_TEXT_JS)  # said in words instead
        assert "Pingdu City" in page.locator(".sr-only").first.inner_text()  # map in words
        assert page.get_by_role("combobox", name="District").input_value() == "Pingdu City"
        # the select box works too (and always): 即墨 has the textiles base
        page.get_by_role("combobox", name="District").click()
        page.get_by_role("option", name="Jimo District").click()
        page.wait_for_url("**district=370215**", timeout=30_000)
        wait_rendered(page)
        text = main_text(page)
        assert "Entities in Jimo District (current filters): 1" in text
        assert "Entities: 1" in text
        assert "Textiles and apparel demonstration base" in text  # in the card
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]
