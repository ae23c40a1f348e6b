"""CSV export bytes that open correctly in Chinese Excel and cannot run as formulas.

- UTF-8 with a byte-order mark, so Excel detects the encoding of Chinese text;
- text cells that start with ``= + - @``, a tab or a carriage return are prefixed with ``'``
  (OWASP's advice against CSV injection); numeric columns stay numbers, so ``-2.3`` is still a
  number;
- the filters and the data version are columns beside the rows, so a snapshot says what it is.
"""
from __future__ import annotations

import io
import json
import zipfile

import pandas as pd

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
                lang: str = "en") -> str:
    """The readme of a download bundle: what the rows are, which view, which data, sources.

    ``filters`` holds the filter and data-version columns of the CSV (export context). A
    source read on a copy is cited as on screen (metrics.citation): the publisher with the copy
    warning, the original's link when known."""
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
            cit = make_citation(src, lang)
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
