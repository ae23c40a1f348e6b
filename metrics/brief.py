"""The printed brief of a page: a Word file and a PDF made from the page's section models.

An official files or edits the brief: A4, the page's title, its filters, data version and link,
then for each section its heading, reading sentence, chart (as an image) and the numbers as a
table, and the sources as footnotes. Both formats are written from one plan (``plan_brief``), so
the Word file and the PDF hold the same text and numbers, and both hold the model's own values:
what the page shows and what is filed cannot differ.

- Word (python-docx): real footnotes (python-docx has no footnote API, so the footnotes part is
  written as XML and related to the document); East Asian text in 宋体 (SimSun), the face every
  Chinese Windows and WPS has.
- PDF (fpdf2): Noto Sans CJK SC, subset and embedded (the PDF opens the same everywhere);
  each source is a numbered note under its section, referred to as [n] after the heading.

Pure: no streamlit, no network. Chart images are made by the caller (components/brief.py with
components/chart_image.py) and passed in as PNG bytes by section id; a section whose chart has
no image gets a line saying so, and its table.
Interface words (headings such as "Filters") come from the caller too, as ``words`` (the keys of
``WORD_KEYS``), so that the catalogue stays in one place.
"""
from __future__ import annotations

import io
import math
import re
import subprocess
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from metrics.citation import make_citation
from metrics.section import INTEGER, NUMBER, URL, SectionModel

WORD_KEYS = ("filters", "data_version", "link", "made_on", "image_unavailable", "rows_cut",
             "empty_section")
# Columns that say where a number comes from: the footnotes carry them, the brief's table does
# not (a table an official pastes into a report holds the figures).
PROVENANCE_COLUMNS = {"source_id", "publisher", "source_title", "source_date", "url", "tier",
                      "quote", "derivation", "note", "period_note", "carrier"}
MAX_TABLE_ROWS = 40
PAGE_MM = (210, 297)
MARGIN_MM = 20
CONTENT_MM = PAGE_MM[0] - 2 * MARGIN_MM
# A column needing at most this much (a number, a unit, a region) is never narrowed.
NARROW_COLUMN_MM = 22
# Word: East Asian and Latin faces; the PDF embeds Noto Sans CJK SC (looked up below).
DOCX_EAST_ASIA_FONT, DOCX_LATIN_FONT = "宋体", "Arial"
CJK_FAMILY = "Noto Sans CJK SC"
# One face only (regular): parsing and subsetting a CJK face costs about a second each, so
# headings stand out by size and colour, table headers by shading, not by a bold face.
CJK_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",)
HEADING_RGB = (20, 40, 90)
# A section heading needs this much room below it on its page, else it starts the next page.
KEEP_WITH_HEADING_MM = 45


class BriefFontMissing(RuntimeError):
    """No CJK font to embed in the PDF on this machine (Debian: apt-get install fonts-noto-cjk)."""


@dataclass(frozen=True)
class BriefTable:
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    cut_note: str | None = None


@dataclass(frozen=True)
class BriefSection:
    heading: str
    reading: str | None
    image: bytes | None
    image_note: str | None
    table: BriefTable | None
    # (footnote number, text) for each source of the section
    notes: list[tuple[int, str]] = field(default_factory=list)


def plain_title(text: str) -> str:
    """A chart title without plotly's markup ('<br>' a space, '<sup>' and the like dropped)."""
    return re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", text)).strip()


def format_cell(value: object, kind: str, decimals: int | None) -> str:
    """A cell as the page shows it: numbers with the column's decimals, missing as '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind in (NUMBER, INTEGER):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if math.isnan(number):
            return "—"
        if kind == INTEGER or (decimals == 0):
            return f"{number:,.0f}"
        if decimals is not None:
            return f"{number:,.{decimals}f}"
        return f"{number:,.6f}".rstrip("0").rstrip(".")
    return str(value)


def brief_table(model: SectionModel, words: Mapping[str, str] | None = None,
                max_rows: int | None = MAX_TABLE_ROWS) -> BriefTable | None:
    """The section's figures as a table: every column but the provenance and code columns;
    at most ``max_rows`` rows (None: all), with a note saying so (``words['rows_cut']``)."""
    if model.empty:
        return None
    columns = [c for c in model.columns
               if c.kind != URL and c.id not in PROVENANCE_COLUMNS
               and not c.id.endswith(("_id", "_code"))]
    if not columns:
        return None
    shown = model.rows if max_rows is None else model.rows.head(max_rows)
    rows = [[format_cell(v, c.kind, c.decimals) for c, v in zip(columns, values)]
            for values in shown[[c.id for c in columns]].itertuples(index=False, name=None)]
    header = [c.label + (f" ({c.unit})" if c.unit else "") for c in columns]
    cut = (words["rows_cut"].format(n=len(shown), total=len(model.rows))
           if len(model.rows) > len(shown) else None)
    return BriefTable(header, rows, [c.kind in (NUMBER, INTEGER) for c in columns], cut)


def source_note(source: Mapping[str, object], lang: str) -> str:
    """A footnote for one source: publisher (with the copy warning), title, date, link."""
    cite = make_citation(dict(source), lang)
    title, day = str(source.get("title") or ""), str(source.get("date_published") or "")
    if lang == "zh":
        text = f"{cite['publisher']}《{title}》，{day}。"
    else:
        text = f"{cite['publisher']}, “{title}”, {day}."
    if cite["link"]:
        text += f" {cite['link']}"
    if cite["warning"]:
        text += f" {cite['warning']}"
    return text


def plan_brief(models: list[SectionModel], sources: Mapping[str, Mapping[str, object]],
               words: Mapping[str, str], lang: str,
               images: Mapping[str, bytes | None] | None = None) -> list[BriefSection]:
    """What the brief holds, section by section, the same for Word and PDF."""
    missing = [k for k in WORD_KEYS if k not in words]
    if missing:
        raise KeyError(f"brief words missing: {missing}")
    images = images or {}
    plan, number = [], 0
    for model in models:
        notes = []
        for sid in model.source_ids:
            if sid in sources:
                number += 1
                notes.append((number, source_note(sources[sid], lang)))
        image = images.get(model.id) if model.figure is not None else None
        image_note = (words["image_unavailable"]
                      if model.figure is not None and image is None else None)
        plan.append(BriefSection(plain_title(model.title), model.reading, image, image_note,
                                 brief_table(model, words), notes))
    return plan


def note_range(numbers: list[int]) -> str:
    """'[1]', '[2][3]', or '[8–19]' for a run of more than two notes."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"[{numbers[0]}–{numbers[-1]}]"
    return "".join(f"[{n}]" for n in numbers)


def _head_lines(filters: Mapping[str, str], data_version: str, link: str,
                words: Mapping[str, str], lang: str) -> list[str]:
    sep = "：" if lang == "zh" else ": "
    joined = ("；" if lang == "zh" else "; ").join(f"{k}{sep}{v}" for k, v in filters.items())
    lines = [f"{words['filters']}{sep}{joined}"] if filters else []
    lines.append(f"{words['data_version']}{sep}{data_version}")
    if link:
        lines.append(f"{words['link']}{sep}{link}")
    lines.append(f"{words['made_on']}{sep}{date.today().isoformat()}")
    return lines


def column_widths(table: BriefTable, measure: Callable[[str], float]) -> tuple[float, ...]:
    """Column widths (mm) from each column's text: narrow columns (numbers, units, regions) get
    all they need, so a number never wraps; the wide ones (names) get room for their longest
    word, then share what is left in proportion to their length. ``measure`` gives a text's
    width in mm at the table's type size."""
    natural, floor = [], []
    for i, head in enumerate(table.header):
        texts = [r[i] for r in table.rows] + [head]
        longest = max(measure(x) for x in texts[:-1] or [""])
        word = max(measure(w) for x in texts for w in (x.split() or [""]))
        natural.append(max(longest, min(word, 25), 6) + 3)
        floor.append(min(word, 30) + 3)
    if sum(natural) <= CONTENT_MM:
        return tuple(natural)
    wide = [i for i, w in enumerate(natural) if w > NARROW_COLUMN_MM]
    room = CONTENT_MM - sum(w for i, w in enumerate(natural) if i not in wide)
    spare = max(room - sum(floor[i] for i in wide), 0)
    extra = sum(natural[i] - floor[i] for i in wide) or 1
    return tuple(floor[i] + spare * (natural[i] - floor[i]) / extra if i in wide else w
                 for i, w in enumerate(natural))


def estimate_width_mm(text: str) -> float:
    """A text's width at 9 pt in a CJK-and-Latin face, for Word tables (whose widths are set
    before any font measures them): about 3.5 mm a CJK character, 1.9 mm another, and 2 mm
    more for Word's wider cell margins."""
    return sum(3.5 if unicodedata.east_asian_width(c) in "WF" else 1.9 for c in text) + 2


# --- Word ----------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _set_fonts(style, east_asia: str, latin: str) -> None:
    from docx.oxml.ns import qn

    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _footnote_reference(paragraph, number: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(
        f'<w:r xmlns:w="{_W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{number}"/></w:r>'))


def _footnotes_part_xml(notes: list[tuple[int, str]]) -> bytes:
    """The footnotes part: Word's two separators (ids -1 and 0), then one footnote per note."""
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W}">',
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote>',
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
             '<w:continuationSeparator/></w:r></w:p></w:footnote>']
    for number, text in notes:
        parts.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {escape(text)}'
            '</w:t></w:r></w:p></w:footnote>')
    parts.append("</w:footnotes>")
    return "".join(parts).encode("utf-8")


def _declare_separators(doc) -> None:
    """Name the separator footnotes in the settings, as Word does (before w:compat: the
    settings' children have a fixed order)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    settings = doc.settings.element
    if settings.find(qn("w:footnotePr")) is not None:
        return
    declared = parse_xml(f'<w:footnotePr xmlns:w="{_W}"><w:footnote w:id="-1"/>'
                         '<w:footnote w:id="0"/></w:footnotePr>')
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(declared)
    else:
        settings.append(declared)


def make_docx_bytes(title: str, lang: str, filters: Mapping[str, str], data_version: str,
                    link: str, models: list[SectionModel],
                    sources: Mapping[str, Mapping[str, object]], *,
                    words: Mapping[str, str],
                    images: Mapping[str, bytes | None] | None = None) -> bytes:
    """The brief as a Word file (.docx), A4, with the sources as real footnotes."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.shared import Mm, Pt

    plan = plan_brief(models, sources, words, lang, images)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        _set_fonts(doc.styles[name], DOCX_EAST_ASIA_FONT, DOCX_LATIN_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"

    doc.add_heading(title, level=0)
    for line in _head_lines(filters, data_version, link, words, lang):
        doc.add_paragraph(line).paragraph_format.space_after = Pt(2)
    all_notes: list[tuple[int, str]] = []
    for part in plan:
        heading = doc.add_heading(part.heading, level=1)
        for i, (number, _) in enumerate(part.notes):
            if i:
                heading.add_run(",").font.superscript = True
            _footnote_reference(heading, number)
        all_notes += part.notes
        if part.reading:
            doc.add_paragraph(part.reading)
        if part.image is not None:
            doc.add_picture(io.BytesIO(part.image), width=Mm(CONTENT_MM))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif part.image_note:
            doc.add_paragraph(part.image_note).runs[0].italic = True
        if part.table is None:
            if part.image is None and not part.reading:
                doc.add_paragraph(words["empty_section"])
            continue
        table = doc.add_table(rows=1, cols=len(part.table.header), style="Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Mm(w) for w in column_widths(part.table, estimate_width_mm)]
        for column, width in zip(table.columns, widths):  # the grid (LibreOffice reads it)
            column.width = width
        for row_values, bold in [(part.table.header, True)] + [(r, False)
                                                              for r in part.table.rows]:
            cells = table.rows[0].cells if bold else table.add_row().cells
            for cell, text, width, numeric in zip(cells, row_values, widths,
                                                  part.table.numeric):
                cell.width = width
                run = cell.paragraphs[0].add_run(text)
                run.bold, run.font.size = bold, Pt(9)
                if numeric and not bold:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if part.table.cut_note:
            doc.add_paragraph(part.table.cut_note)

    if all_notes:
        footnotes = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES,
                         _footnotes_part_xml(all_notes), doc.part.package)
        doc.part.relate_to(footnotes, RELATIONSHIP_TYPE.FOOTNOTES)
        _declare_separators(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def find_cjk_font() -> tuple[str, int]:
    """(font file, face index) of Noto Sans CJK SC (regular) on this machine."""
    from fontTools.ttLib import TTCollection, TTFont

    candidates = list(CJK_FONT_FILES)
    try:  # wherever fontconfig knows it (another distribution's path)
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{CJK_FAMILY}:style=Regular"],
            capture_output=True, text=True, timeout=10, check=False).stdout.strip()
        if found:
            candidates.append(found)
    except (OSError, subprocess.SubprocessError):
        pass
    for path in candidates:
        if not Path(path).is_file():
            continue
        if path.lower().endswith((".ttc", ".otc")):
            fonts = TTCollection(path, lazy=True).fonts
        else:
            fonts = [TTFont(path, lazy=True)]
        for index, font in enumerate(fonts):
            if font["name"].getDebugName(1) == CJK_FAMILY:
                return path, index
    raise BriefFontMissing(f"{CJK_FAMILY} not found: install fonts-noto-cjk")


def make_pdf_bytes(title: str, lang: str, filters: Mapping[str, str], data_version: str,
                   link: str, models: list[SectionModel],
                   sources: Mapping[str, Mapping[str, object]], *,
                   words: Mapping[str, str],
                   images: Mapping[str, bytes | None] | None = None) -> bytes:
    """The brief as a PDF, A4, Noto Sans CJK SC embedded, each source a numbered note."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    plan = plan_brief(models, sources, words, lang, images)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.set_title(title)
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    path, index = find_cjk_font()
    pdf.add_font("cjk", "", path, collection_font_number=index)
    pdf.add_page()

    def para(text: str, size: float, gap: float = 1.5, heading: bool = False) -> None:
        pdf.set_font("cjk", "", size)
        pdf.set_text_color(*(HEADING_RGB if heading else (0, 0, 0)))
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para(title, 18, 3, heading=True)
    for line in _head_lines(filters, data_version, link, words, lang):
        para(line, 9, 0.5)
    for part in plan:
        pdf.ln(4)
        if pdf.will_page_break(KEEP_WITH_HEADING_MM):  # no heading alone at a page's foot
            pdf.add_page()
        refs = note_range([n for n, _ in part.notes])
        para(f"{part.heading} {refs}".strip(), 13, 2, heading=True)
        if part.reading:
            para(part.reading, 10.5, 2)
        if part.image is not None:
            if pdf.will_page_break(CONTENT_MM * 0.5):
                pdf.add_page()
            pdf.image(io.BytesIO(part.image), w=CONTENT_MM)
            pdf.ln(2)
        elif part.image_note:
            para(part.image_note, 9, 1.5)
        if part.table is not None:
            pdf.set_font("cjk", "", 8.5)
            align = ["RIGHT" if n else "LEFT" for n in part.table.numeric]
            with pdf.table(text_align=align, line_height=4.6, padding=1,
                           col_widths=column_widths(part.table, pdf.get_string_width),
                           headings_style=FontFace(fill_color=(225, 230, 240))) as table:
                table.row(part.table.header)
                for values in part.table.rows:
                    table.row(values)
            if part.table.cut_note:
                para(part.table.cut_note, 8.5, 1)
        elif part.image is None and not part.reading:
            para(words["empty_section"], 10, 1)
        if part.notes:
            pdf.ln(1)
            y = pdf.get_y()
            pdf.set_draw_color(150, 150, 150)
            pdf.line(MARGIN_MM, y, MARGIN_MM + 40, y)
            pdf.ln(1)
            for number, text in part.notes:
                para(f"[{number}] {text}", 7.5, 0.5)
    return bytes(pdf.output())
