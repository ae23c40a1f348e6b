"""The chart image (kaleido) and the printed brief (Word, PDF) made from section models.

Hand-made models hold what the pages' sections hold (a chart section with its figure and rows,
a tiles section with values only); one test makes the overview's models from the bundled data.
"""
from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import plotly.graph_objects as go
import pytest

from components.brief import brief_words
from components.chart_image import (ChartImageUnavailable, compose_image_figure, find_chromium,
                                    make_chart_image_bytes)
from components.print_table import make_print_table_html
from metrics.brief import (MAX_TABLE_ROWS, brief_table, format_cell, make_docx_bytes,
                           make_pdf_bytes, note_range, plan_brief)
from metrics.section import NUMBER, TEXT, URL, Column, SectionModel

VERSION = "20261130T142912Z-ce42c13d"
SOURCES = {
    "qd-2026": {"publisher": "青岛市统计局", "title": "2025年青岛市国民经济和社会发展统计公报",
                "date_published": "2026-03-20", "url": "http://qdtj.qingdao.gov.cn/a.html",
                "tier": "A", "carrier": "", "carrier_url": ""},
    "nbs-2026": {"publisher": "国家统计局", "title": "2025年国民经济和社会发展统计公报",
                 "date_published": "2026-02-28", "url": "https://www.stats.gov.cn/b.html",
                 "tier": "A", "carrier": "", "carrier_url": ""},
}
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="no chromium here")


def make_chart_model(lang: str = "zh") -> SectionModel:
    years = ["2022", "2023", "2024", "2025"]
    names = {"zh": ("青岛", "全国"), "en": ("Qingdao", "China")}[lang]
    qd, cn = [3.8, 5.8, 9.4, 7.9], [3.6, 4.6, 5.8, 5.9]
    fig = go.Figure([go.Scatter(x=years, y=qd, name=names[0]),
                     go.Scatter(x=years, y=cn, name=names[1])])
    fig.update_layout(height=380, margin=dict(t=105, b=50))
    rows = pd.DataFrame({"region": [names[0]] * 4 + [names[1]] * 4, "period": years * 2,
                         "value": qd + cn, "source_id": ["qd-2026"] * 4 + ["nbs-2026"] * 4,
                         "url": ["http://qdtj.qingdao.gov.cn/a.html"] * 8})
    title = {"zh": "工业增加值增速走势（全年）", "en": "Value-added growth (full year)"}[lang]
    return SectionModel(
        id="overview_trend", lang=lang, title=title,
        columns=(Column("region", "地区" if lang == "zh" else "Region"),
                 Column("period", "时期" if lang == "zh" else "Period"),
                 Column("value", "增速" if lang == "zh" else "Growth", NUMBER, unit="%",
                        decimals=1),
                 Column("source_id", "来源编号", TEXT), Column("url", "链接", URL)),
        rows=rows, source_ids=("qd-2026", "nbs-2026"), period_label="2022–2025",
        reading={"zh": "2025年青岛规上工业增加值增长7.9%，高于全国2.0个百分点。",
                 "en": "In 2025 Qingdao's value added grew 7.9 %, 2.0 points above China."}[lang],
        figure=fig.to_dict(), data_version=VERSION, link="/?lang=" + lang)


def make_tiles_model(lang: str = "zh", n: int = 3) -> SectionModel:
    rows = pd.DataFrame({"indicator": [f"指标{i}" for i in range(n)],
                         "value": [4812.0 + i for i in range(n)],
                         "unit": ["家"] * n, "source_id": ["qd-2026"] * n,
                         "quote": ["规上工业企业4812家。"] * n})
    return SectionModel(
        id="overview_tiles", lang=lang, title="规模与效益" if lang == "zh" else "Scale",
        columns=(Column("indicator", "指标"), Column("value", "数值", NUMBER, decimals=0),
                 Column("unit", "单位"), Column("source_id", "来源编号"),
                 Column("quote", "原文")),
        rows=rows, source_ids=("qd-2026",), data_version=VERSION)


def filters(lang: str) -> dict[str, str]:
    return ({"行业": "规模以上工业", "时点": "最新"} if lang == "zh"
            else {"Industry": "All above-scale industry", "Period": "Latest"})


def make_brief(writer, lang: str) -> tuple[list[SectionModel], bytes]:
    """The hand-made tiles and chart sections, and their brief by ``writer`` (no images)."""
    models = [make_tiles_model(lang), make_chart_model(lang)]
    title = "总览简报" if lang == "zh" else "Overview: brief"
    return models, writer(title, lang, filters(lang), VERSION, "http://127.0.0.1/?lang=" + lang,
                          models, SOURCES, words=brief_words(lang), images={})


# --- chart image -----------------------------------------------------------------------------

def test_image_figure_carries_title_period_source_and_version():
    model = make_chart_model("en")
    fig = compose_image_figure(model, "Source: NBS (2026-02-28)")
    layout = fig["layout"]
    assert model.title in layout["title"]["text"] and "2022–2025" in layout["title"]["text"]
    footer = layout["annotations"][-1]["text"]
    assert "Source: NBS (2026-02-28)" in footer and f"Data version {VERSION}" in footer
    assert "Noto Sans CJK SC" in layout["font"]["family"]
    assert model.figure["layout"].get("annotations") in (None, [])  # the model is untouched


def test_image_figure_needs_a_chart():
    with pytest.raises(ValueError):
        compose_image_figure(make_tiles_model(), "x")
    with pytest.raises(ValueError):
        make_chart_image_bytes(make_chart_model(), "jpeg", "x")


@needs_chromium
def test_chart_image_png_and_svg():
    model = make_chart_model("zh")
    line = "数据来源：国家统计局《2025年国民经济和社会发展统计公报》(2026-02-28)"
    png = make_chart_image_bytes(model, "png", line)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (2 * 1000, 2 * compose_image_figure(model, line)["layout"]["height"])
    svg = make_chart_image_bytes(model, "svg", line).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", svg))
    assert "国家统计局" in text and VERSION in text and "2025" in text
    assert model.title in text


@needs_chromium
def test_chart_renderer_loads_nothing_from_outside():
    from components.chart_image import _RENDERER
    from urllib.parse import urlparse
    from pathlib import Path

    make_chart_image_bytes(make_chart_model("en"), "svg", "Source: x")
    page = Path(urlparse(_RENDERER._kaleido._index).path).read_text()
    scripts = re.findall(r'src="([^"]+)"', page)
    assert scripts and all(s.startswith("file://") for s in scripts), scripts


def test_no_chromium_is_a_clear_error(monkeypatch):
    from components import chart_image

    fresh = chart_image._Renderer()
    monkeypatch.setattr(chart_image, "_RENDERER", fresh)
    monkeypatch.setattr(chart_image, "find_chromium", lambda: None)
    assert not chart_image.chart_images_available()
    with pytest.raises(ChartImageUnavailable, match="chromium"):
        make_chart_image_bytes(make_chart_model(), "png", "x")


# --- the brief's plan ------------------------------------------------------------------------

def test_brief_table_keeps_the_figures_not_the_provenance():
    table = brief_table(make_chart_model("zh"), brief_words("zh"))
    assert table.header == ["地区", "时期", "增速 (%)"]
    assert table.rows[3] == ["青岛", "2025", "7.9"] and table.numeric == [False, False, True]
    long = brief_table(make_tiles_model("zh", MAX_TABLE_ROWS + 5), brief_words("zh"))
    assert len(long.rows) == MAX_TABLE_ROWS and str(MAX_TABLE_ROWS + 5) in long.cut_note
    assert format_cell(float("nan"), NUMBER, 1) == "—"
    assert format_cell(12345.0, NUMBER, 0) == "12,345"


def test_plan_numbers_notes_and_says_when_an_image_is_missing():
    models = [make_tiles_model("zh"), make_chart_model("zh")]
    plan = plan_brief(models, SOURCES, brief_words("zh"), "zh", images={})
    assert [n for n, _ in plan[0].notes] == [1] and [n for n, _ in plan[1].notes] == [2, 3]
    assert plan[1].image is None and plan[1].image_note == brief_words("zh")["image_unavailable"]
    assert "青岛市统计局《2025年青岛市国民经济和社会发展统计公报》" in plan[0].notes[0][1]
    assert note_range([2, 3]) == "[2][3]" and note_range([8, 9, 10]) == "[8–10]"


def test_print_table_escapes_and_holds_every_row():
    model = make_tiles_model("zh", 60)
    markup = make_print_table_html(model)
    assert markup.count("<tr>") == 61 and "qd-print-table" in markup and "4,871" in markup
    hostile = SectionModel(id="x", lang="zh", title="增速<br><sup>全年</sup>",
                           columns=(Column("v", "v"),),
                           rows=pd.DataFrame({"v": ["<script>alert(1)</script>"]}))
    markup = make_print_table_html(hostile)
    assert "<script>" not in markup and "<caption>增速 全年</caption>" in markup


# --- Word --------------------------------------------------------------------------------------

def docx_footnotes(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/footnotes.xml").decode("utf-8")
    notes = re.findall(r'<w:footnote w:id="(\d+)">(.*?)</w:footnote>', xml)
    return [re.sub(r"<[^>]+>", "", body).strip() for _, body in notes]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_brief(lang):
    from docx import Document
    from docx.shared import Mm

    models, data = make_brief(make_docx_bytes, lang)
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    # (a heading's text ends with the commas between its footnote references)
    headings = [p.text.rstrip(",") for p in doc.paragraphs
                if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [("总览简报" if lang == "zh" else "Overview: brief"),
                        models[0].title, models[1].title]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert filters(lang)["行业" if lang == "zh" else "Industry"] in text and VERSION in text
    assert models[1].reading in text
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    assert ["指标0", "4,812", "家"] in cells
    assert [models[1].rows["region"][3], "2025", "7.9"] in cells
    notes = docx_footnotes(data)
    assert len(notes) == 3 and "国家统计局" in notes[2] and "https://www.stats.gov.cn/b.html" in notes[2]
    # every footnote is referred to from the document body
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
    assert sorted(re.findall(r'w:footnoteReference w:id="(\d+)"', body)) == ["1", "2", "3"]
    assert "footnotes+xml" in types
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        from lxml import etree

        etree.fromstring(z.read("word/footnotes.xml"))  # well-formed
        settings = z.read("word/settings.xml").decode("utf-8")
    assert settings.index("<w:footnotePr>") < settings.index("<w:compat")


@needs_chromium
def test_docx_brief_holds_the_chart_image():
    from docx import Document

    model = make_chart_model("zh")
    png = make_chart_image_bytes(model, "png", "数据来源：测试")
    data = make_docx_bytes("简报", "zh", filters("zh"), VERSION, "", [model], SOURCES,
                           words=brief_words("zh"), images={model.id: png})
    doc = Document(io.BytesIO(data))
    assert len(doc.inline_shapes) == 1
    blobs = [r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype]
    assert blobs == [png]


# --- PDF ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_brief(lang):
    from pypdf import PdfReader

    models, data = make_brief(make_pdf_bytes, lang)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    size_mm = [round(float(x) / 72 * 25.4) for x in (box.width, box.height)]
    assert size_mm == [210, 297]
    # the CJK font is embedded (a CFF font file), not referred to by name
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", []):
                fd = desc.get_object()["/FontDescriptor"].get_object()
                if any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    fonts.add(str(fd["/FontName"]))
    assert any("NotoSansCJK" in f for f in fonts), fonts
    # (pypdf reads this font's two-byte codes with a NUL before each character)
    text = re.sub(r"[\s\x00]+", "", "".join(p.extract_text() for p in reader.pages))
    for needed in ("4,812", "7.9", "9.4", "2025", VERSION, models[1].title.replace(" ", ""),
                   "[3]国家统计局"):
        assert needed.replace(" ", "") in text, needed


def test_pdf_without_cjk_font_is_a_clear_error(monkeypatch):
    from metrics import brief

    brief.find_cjk_font.cache_clear()
    monkeypatch.setattr(brief, "CJK_FONT_FILES", ("/nonexistent.ttc",))
    monkeypatch.setattr(brief, "CJK_FAMILY", "No Such Font CJK")
    try:
        with pytest.raises(brief.BriefFontMissing):
            make_pdf_bytes("t", "zh", {}, VERSION, "", [make_tiles_model()], SOURCES,
                           words=brief_words("zh"))
    finally:
        brief.find_cjk_font.cache_clear()


# --- the overview's own models, on the bundled data --------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_brief_from_the_page_models(lang):
    """The brief of the overview as the page makes it: the tiles' table and the trend chart's
    section, built by the page's own builders on the bundled data."""
    from docx import Document

    from components.brief import make_brief_images
    from components.section_labels import make_labeller
    from metrics.load import load_dataset
    from metrics.overview import derive_overview
    from metrics.query import ALL_INDUSTRIES, LATEST, enrich_observations
    from metrics.sections.overview import build_tiles_section, build_trend_section

    ds = load_dataset()
    obs = enrich_observations(ds)
    lab = make_labeller(ds, lang)
    models = [build_tiles_section(lab, derive_overview(obs, ALL_INDUSTRIES, None),
                                  ALL_INDUSTRIES, LATEST),
              build_trend_section(lab, obs, ALL_INDUSTRIES, LATEST, None)]
    sources = {sid: ds.source(sid) for m in models for sid in m.source_ids}
    images = {}
    if find_chromium() is not None:
        images = make_brief_images(ds, lang, models)
        assert images["overview_trend"][:4] == b"\x89PNG"
    data = make_docx_bytes("brief", lang, models[0].filters, ds.version, "", models, sources,
                           words=brief_words(lang), images=images)
    doc = Document(io.BytesIO(data))
    cells = {c.text for table in doc.tables for row in table.rows for c in row.cells}
    tiles = models[0]
    column = tiles.column("value")
    for value in tiles.rows["value"]:
        assert format_cell(value, column.kind, column.decimals) in cells
    notes = docx_footnotes(data)
    assert len(notes) == len(tiles.source_ids) + len(models[1].source_ids)
    first = ds.source(tiles.source_ids[0])
    assert first["title"] in notes[0]
    pdf = make_pdf_bytes("brief", lang, models[0].filters, ds.version, "", models, sources,
                         words=brief_words(lang), images=images)
    assert b"/FontFile3" in pdf or b"/FontFile2" in pdf


# --- the print header ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_header_says_filters_in_words_and_the_version(tiny_data, lang):
    from datetime import date

    from components.print_header import make_print_header_html
    from metrics.load import load_dataset

    ds = load_dataset(tiny_data)
    markup = make_print_header_html(ds, lang, "nav_growth", "HT", "2024-05", date(2026, 11, 30))
    assert 'class="qd-print-only qd-print-header"' in markup
    assert ("高技术制造业" if lang == "zh" else "High-tech manufacturing") in markup
    assert ("2024年5月" if lang == "zh" else "May 2024") in markup and "HT" not in markup
    assert ds.version in markup and "2026-11-30" in markup
