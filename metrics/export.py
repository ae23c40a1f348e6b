"""CSV and Excel export bytes that open correctly in Chinese Excel and cannot run as formulas.

- UTF-8 with a byte-order mark, so Excel detects the encoding of Chinese text;
- text cells that start with ``= + - @``, a tab or a carriage return are prefixed with ``'``
  (OWASP's advice against CSV injection); numeric columns stay numbers, so ``-2.3`` is still a
  number;
- the filters and the data version are columns beside the rows, so a snapshot says what it is;
- a section's workbook (:func:`make_xlsx_bytes`) holds the same rows typed, its sources and a
  sheet of its filters, data version and link.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd

from metrics.citation import make_citation

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise_cell(value: object) -> object:
    """A text cell made inert for spreadsheets; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def make_csv_bytes(df: pd.DataFrame, context: dict[str, str]) -> bytes:
    """The rows of ``df`` plus one column per ``context`` entry (filters, data version)."""
    out = df.copy()
    for name, value in context.items():
        out[name] = value
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    text = out.to_csv(index=False, lineterminator="\r\n", float_format=None)
    return (BOM + text).encode("utf-8")


# The readme's fixed wording; the app passes the same keys in the interface language.
README_WORDS = {
    "rows": "Rows",
    "encoding": "The CSV is UTF-8 with a byte-order mark (opens in Excel). Text cells that begin "
                "with = + - @ are prefixed with ' so that spreadsheets do not run them.",
    "cite": "Cite the original source of each figure (columns publisher, title, link, quote); "
            "tier C sources are reposts whose original was not checked.",
    "sources": "Sources",
    "repost": "repost",
}


def make_readme(title: str, description: str, version: str, filters: dict[str, str],
                n_rows: int, sources: list[dict], words: dict[str, str] | None = None,
                lang: str = "en", translate=None) -> str:
    """The readme of a download bundle: what the rows are, which view, which data, sources.

    ``filters`` holds the filter and data-version columns of the CSV (export context). A
    source read on a copy is cited as on screen (metrics.citation): the publisher with the copy
    warning, the original's link when known; ``translate`` (Dataset.translation) gives the
    English names of publishers and copies' sites."""
    from metrics.citation import make_citation

    w = {**README_WORDS, **(words or {})}
    lines = [title, "=" * len(title), "", description, "", f"{w['rows']}: {n_rows}"]
    lines += [f"{k}: {v}" for k, v in filters.items() if v]
    if version not in filters.values():
        lines.append(f"Data version: {version}")
    lines += ["", w["encoding"], w["cite"], ""]
    if sources:
        lines.append(f"{w['sources']} ({len(sources)}):")
        for src in sources:
            cit = make_citation(src, lang, translate)
            repost = f" [{w['repost']}]" if src.get("tier") == "C" else ""
            lines.append(f"- {cit['publisher']}: {src['title']} ({src['date_published']})"
                         f"{repost} {cit['link']}".rstrip())
    return "\n".join(lines) + "\n"


def make_zip_bytes(name: str, csv_bytes: bytes, metadata: dict, readme: str) -> bytes:
    """A bundle of the CSV, its metadata as JSON and a readme, as OWID's downloads are."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for filename, payload in ((f"{name}.csv", csv_bytes),
                                  (f"{name}.metadata.json",
                                   json.dumps(metadata, ensure_ascii=False, indent=2).encode()),
                                  ("README.txt", readme.encode("utf-8"))):
            info = zipfile.ZipInfo(filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, payload)
    return buf.getvalue()


# --- Excel (.xlsx) -----------------------------------------------------------------------------

# The workbook's fixed wording; the app passes the same keys in the interface language.
XLSX_WORDS = {
    "sheet_data": "Data",
    "sheet_sources": "Sources",
    "sheet_about": "About",
    "source_id": "Source id",
    "publisher": "Publisher",
    "title": "Title",
    "date": "Date",
    "url": "Link",
    "carrier": "Copy read on",
    "carrier_url": "Link to the copy",
    "tier": "Tier",
    "quote": "Quote",
    "section": "Section",
    "period": "Period",
    "data_version": "Data version",
    "link": "Link to the view",
    "made": "Made on",
    "notes": "Notes",
}
# Longest text Excel keeps in a cell.
XLSX_MAX_CELL = 32_767
# Characters XML 1.0 cannot hold (openpyxl refuses them): written as U+FFFD.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _exact_number_text(value) -> str:
    """openpyxl writes numbers with 16 significant digits ('%.16g'), which changes some doubles
    (1.3510798882110734e16 comes back as 1.351079888211073e16); the shortest repr is exact."""
    if isinstance(value, float):
        return repr(value)
    return _openpyxl_safe_string(value)


def _use_exact_numbers() -> None:
    global _openpyxl_safe_string
    from openpyxl.cell import _writer

    if _writer.safe_string is not _exact_number_text:
        _openpyxl_safe_string = _writer.safe_string
        _writer.safe_string = _exact_number_text


_openpyxl_safe_string = str


def xlsx_text(value: str) -> str:
    """A text cell as the workbook stores it: neutralised as in the CSV, characters that XML
    cannot hold replaced by U+FFFD, cut to Excel's cell limit."""
    return str(neutralise_cell(_XML_ILLEGAL.sub("\ufffd", value)))[:XLSX_MAX_CELL]


def number_format(value: float, decimals: int | None) -> str:
    """The Excel number format of a value: the column's decimals, else as many as the value
    was published with (9.6 shows 9.6, 4800 shows 4,800), at most six."""
    if decimals is None:
        text = repr(float(value))
        decimals = 0 if "e" in text else min(6, len(text.split(".")[1].rstrip("0")))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _cell(value: object, kind: str, decimals: int | None):
    """The stored value and number format of one cell of the data sheet."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None, None
    if kind in ("number", "integer") and not isinstance(value, str):
        if kind == "integer":
            return int(value), "0" if decimals is None and abs(value) < 10_000 else "#,##0"
        return float(value), number_format(value, decimals)
    return xlsx_text(str(value)), None


def _write_rows(ws, header: list[str], rows: list[list]) -> None:
    from openpyxl.styles import Font

    ws.append([xlsx_text(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([None if v is None else xlsx_text(str(v)) for v in row])
    ws.freeze_panes = "A2"


def source_quotes(model, column: str = "quote") -> dict[str, list[str]]:
    """The distinct quotes of a model's rows, per source id (first-seen order)."""
    if "source_id" not in model.rows.columns or column not in model.rows.columns:
        return {}
    out: dict[str, list[str]] = {}
    for sid, quote in zip(model.rows["source_id"], model.rows[column]):
        if isinstance(quote, str) and quote and quote not in out.setdefault(sid, []):
            out[sid].append(quote)
    return out


def _source_row(src: dict, lang: str, quotes: dict[str, list[str]]) -> list:
    """A sources-sheet row, cited as on screen (metrics.citation): the publisher with the copy
    warning when what was read is a copy; the original's link apart from the copy's."""
    cited = make_citation(src, lang)
    return [src["source_id"], cited["publisher"], src["title"], src["date_published"],
            "" if cited["link_is_copy"] else cited["link"] or "", cited["carrier"],
            cited["carrier_link"] or "", src["tier"], "\n".join(quotes.get(src["source_id"], []))]


def make_xlsx_bytes(model, sources: list[dict], *, context: dict[str, str] | None = None,
                    words: dict[str, str] | None = None, made_on: str = "") -> bytes:
    """A workbook of one section: the data sheet (numbers typed, with number formats; units in
    the header or the unit column), the sources sheet (publisher, title, date, link, tier and
    the quotes the rows were read from) and a sheet of the section's title, period, filters,
    data version and the link to the view. Text cells are neutralised as in the CSV.

    ``model`` is a :class:`metrics.section.SectionModel`; ``sources`` the sources rows of its
    ``source_ids``; ``context`` the filters in words (label -> value)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _use_exact_numbers()
    w = {**XLSX_WORDS, **(words or {})}
    wb = Workbook()
    data = wb.active
    data.title = w["sheet_data"]
    columns = list(model.columns)
    data.append([xlsx_text(c.label + (f" ({c.unit})" if c.unit else "")) for c in columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for values in model.rows[[c.id for c in columns]].itertuples(index=False, name=None):
        cells = [_cell(v, c.kind, c.decimals) for v, c in zip(values, columns)]
        data.append([v for v, _ in cells])
        for cell, (_, fmt) in zip(data[data.max_row], cells):
            if fmt:
                cell.number_format = fmt
    data.freeze_panes = "A2"
    for i, c in enumerate(columns, start=1):
        width = 14 if c.kind != "text" else min(60, max(10, len(c.label) * 2 + 4))
        data.column_dimensions[data.cell(1, i).column_letter].width = width

    quotes = source_quotes(model)
    _write_rows(wb.create_sheet(w["sheet_sources"]),
                [w[k] for k in ("source_id", "publisher", "title", "date", "url", "carrier",
                                "carrier_url", "tier", "quote")],
                [_source_row(s, model.lang, quotes) for s in sources])
    about = [[w["section"], model.title]]
    if model.period_label:
        about.append([w["period"], model.period_label])
    about += [[k, v] for k, v in (context if context is not None else model.filters).items()]
    about += [[w["data_version"], model.data_version], [w["link"], model.link]]
    if made_on:
        about.append([w["made"], made_on])
    about += [[w["notes"], note] for note in model.notes]
    _write_rows(wb.create_sheet(w["sheet_about"]), ["", ""], about)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- file names ---------------------------------------------------------------------------------

def export_file_stem(*parts: str, version: str, day: str) -> str:
    """'growth_iva-cum_time_ALL_latest_v20261130T1443Z-bb20c850_2026-11-30': the view, its
    indicator and filters, the data version and the day it was made, safe in any file system."""
    named = [re.sub(r"[^A-Za-z0-9-]+", "-", p).strip("-") for p in parts if p]
    return "_".join([*filter(None, named), f"v{re.sub(r'[^A-Za-z0-9-]+', '-', version)}", day])
