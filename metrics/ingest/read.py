"""Reading a release file safely: size and type checks, text decoding, spreadsheets as stored.

Every refusal is an :class:`IngestError` naming the file (and sheet, row, column and rule where
they apply). Nothing here evaluates a formula or follows a link: spreadsheet cells are read as
stored by python-calamine (the cached value of a formula cell), and a zip whose declared content
would expand beyond the limits is refused before it is opened.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_SIDECAR_BYTES = 64 * 1024
# A spreadsheet is a zip: its parts may not declare more than this in all, nor expand one part
# more than MAX_ZIP_RATIO times (a zip bomb declares a small file and expands to gigabytes).
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 5_000
EXTENSIONS = (".csv", ".xlsx", ".xls")
FALLBACK_ENCODINGS = ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be",
                      "big5", "big5hkscs", "cp950")
SIDECAR_SUFFIX = ".source.yml"
SIDECAR_REQUIRED = ("publisher", "title", "date_published", "url", "tier")
SIDECAR_OPTIONAL = ("region", "carrier", "carrier_url", "source_id", "note", "indicator_month",
                    "indicator_cumulative")
SOURCE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{2,80}$")
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class IngestError(Exception):
    """A refusal: the file (and where in it) and the rule it breaks."""

    def __init__(self, file: str, problem: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None, rule: str = ""):
        self.file, self.problem, self.sheet, self.row, self.column, self.rule = (
            file, problem, sheet, row, column, rule)
        super().__init__(self.where() + ": " + problem)

    def where(self) -> str:
        """'release.xlsx, sheet 'Sheet1', row 7, column '1—10月''."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.rule:
            parts.append(f"rule {self.rule}")
        return ", ".join(parts)


@dataclass
class Grid:
    """One sheet (or the CSV) as rows of cells: text, a number, or None for empty."""

    sheet: str | None
    rows: list[list[object]]


@dataclass
class Release:
    """A file read and decoded, with its sidecar."""

    path: Path
    name: str
    sha256: str
    grids: list[Grid]
    sidecar: dict
    sidecar_sha256: str
    encoding: str = ""
    notes: list[str] = field(default_factory=list)


def normalise_text(value: str) -> str:
    """The text without control or bidi characters; otherwise as written (quotes stay
    verbatim: full-width punctuation is kept, and numbers and names are compared after NFKC,
    see parse.squash and parse.parse_number)."""
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf")
                   or ch in "\t\n")


def nfkc(value: str) -> str:
    """Full-width digits, letters, ％, －, （） as their ASCII forms (for matching only)."""
    return unicodedata.normalize("NFKC", value)


def _sniff_type(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return ".xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ".xls"
    return ".csv"


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV and the encoding found: UTF-8 (with or without BOM), else GB18030
    (a superset of GBK and GB2312), else what charset-normalizer detects."""
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(name, "not a table: the file is binary", rule="file-type")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise IngestError(name, f"undecodable text: invalid UTF-8 at byte {exc.start}",
                              rule="encoding") from None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    # Only the other encodings a Chinese table is saved in (Excel's "Unicode text" is UTF-16;
    # Traditional tables are Big5): a guess such as cp1125 turns bad bytes into plausible
    # letters and would let mojibake into the quotes.
    if best is None or best.encoding not in FALLBACK_ENCODINGS:
        raise IngestError(name, "undecodable text: neither UTF-8 nor GBK/GB18030"
                          + (f" (it reads only as {best.encoding})" if best else ""),
                          rule="encoding")
    return str(best), best.encoding


def _csv_grid(text: str, name: str) -> Grid:
    # Comma-separated as spreadsheets save it, or tab-separated as copied from a web table:
    # told apart by the first lines (csv.Sniffer guesses quote characters wrongly on text
    # with Chinese punctuation).
    head = text[:4096].splitlines()[:5]
    tabs = sum(line.count("\t") for line in head)
    delimiter = "\t" if tabs > sum(line.count(",") for line in head) else ","
    rows: list[list[object]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append([cell if cell.strip() else None for cell in row])
            if len(rows) > MAX_ROWS:
                raise IngestError(name, f"more than {MAX_ROWS:,} rows", rule="size")
    except csv.Error as exc:
        raise IngestError(name, f"not a readable CSV table ({exc})", row=len(rows) + 1,
                          rule="file-type") from None
    return Grid(None, rows)


def _check_zip(path: Path, name: str) -> None:
    """Refuse a damaged, truncated or bomb-like zip before any part of it is expanded."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise IngestError(name, "the spreadsheet is truncated or damaged (not a complete zip "
                          "archive)", rule="file-type") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise IngestError(name, "not an .xlsx workbook (a zip archive without xl/workbook.xml)",
                          rule="file-type")
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise IngestError(name, f"the workbook would expand to {total / 1024 ** 2:,.0f} MB, over "
                          f"the limit of {MAX_ZIP_UNCOMPRESSED / 1024 ** 2:,.0f} MB (zip bomb?)",
                          rule="size")
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO \
                and info.file_size > 1024 * 1024:
            raise IngestError(name, f"part {info.filename} would expand "
                              f"{info.file_size / info.compress_size:,.0f} times (zip bomb?)",
                              rule="size")


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS]
    return text if text.strip() else None


def _spreadsheet_grids(path: Path, name: str) -> list[Grid]:
    """Every sheet as stored: cached values, merged regions filled from their first cell."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise IngestError(name, f"not a readable spreadsheet ({type(exc).__name__})",
                          rule="file-type") from None
    grids = []
    try:
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            if sheet.total_height > MAX_ROWS or sheet.total_width > MAX_COLUMNS:
                raise IngestError(name, f"{sheet.total_height:,} rows x {sheet.total_width:,} "
                                  "columns, over the limits", sheet=sheet_name, rule="size")
            rows = [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or []):
                if r0 >= len(rows):
                    continue
                first = rows[r0][c0] if c0 < len(rows[r0]) else None
                for r in range(r0, min(r1, len(rows) - 1) + 1):
                    for c in range(c0, c1 + 1):
                        if c < len(rows[r]) and rows[r][c] is None:
                            rows[r][c] = first
            if any(any(v is not None for v in row) for row in rows):
                grids.append(Grid(sheet_name, rows))
    except CalamineError as exc:
        raise IngestError(name, f"not a readable spreadsheet ({type(exc).__name__})",
                          rule="file-type") from None
    return grids


def read_sidecar(path: Path, name: str, today: date) -> tuple[dict, str]:
    """The release's ``<file name>.source.yml``, complete and well-formed, and its sha256."""
    import hashlib

    side = path.with_name(path.name + SIDECAR_SUFFIX)
    side_name = name + SIDECAR_SUFFIX
    if not side.is_file():
        raise IngestError(name, f"no sidecar {side_name}: a release is imported only with its "
                          "source (publisher, title, date_published, url, tier)", rule="sidecar")
    data = side.read_bytes()
    if len(data) > MAX_SIDECAR_BYTES:
        raise IngestError(side_name, "the sidecar is over 64 KB", rule="sidecar")
    try:
        meta = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        raise IngestError(side_name, "not valid UTF-8 YAML", rule="sidecar") from None
    if not isinstance(meta, dict):
        raise IngestError(side_name, "expected keys publisher, title, date_published, url, "
                          "tier", rule="sidecar")
    meta = {str(k): ("" if v is None else normalise_text(str(v)).strip())
            for k, v in meta.items()}
    # url is the original publisher's address; it may stay empty when that address is unknown
    # and the copy actually read is named (carrier_url).
    missing = [k for k in SIDECAR_REQUIRED if not meta.get(k)
               and not (k == "url" and meta.get("carrier_url"))]
    if missing:
        raise IngestError(side_name, f"incomplete sidecar: missing {', '.join(missing)}",
                          column=missing[0], rule="sidecar")
    unknown = [k for k in meta if k not in SIDECAR_REQUIRED + SIDECAR_OPTIONAL]
    if unknown:
        raise IngestError(side_name, f"unknown key {unknown[0]!r}", column=unknown[0],
                          rule="sidecar")
    if meta["tier"] not in ("A", "B", "C"):
        raise IngestError(side_name, "tier must be A, B or C", column="tier", rule="sidecar")
    if not DATE_RE.match(meta["date_published"]):
        raise IngestError(side_name, "date_published must be YYYY-MM-DD",
                          column="date_published", rule="sidecar")
    if date.fromisoformat(meta["date_published"]) > today:
        raise IngestError(side_name, "date_published is in the future", column="date_published",
                          rule="sidecar")
    for key in ("url", "carrier_url"):
        if meta.get(key) and not re.match(r"^https?://[^\s<>\"]+$", meta[key]):
            raise IngestError(side_name, f"{key} must be an http(s) address", column=key,
                              rule="sidecar")
    if meta.get("carrier_url") and not meta.get("carrier"):
        raise IngestError(side_name, "carrier_url needs carrier (the site's name)",
                          column="carrier", rule="sidecar")
    if meta.get("source_id") and not SOURCE_ID_RE.match(meta["source_id"]):
        raise IngestError(side_name, "source_id: lower-case letters, digits, '-' and '_'",
                          column="source_id", rule="sidecar")
    for key in ("publisher", "title", "note", "carrier"):
        if len(meta.get(key, "")) > 1000:
            raise IngestError(side_name, f"{key} is over 1,000 characters", column=key,
                              rule="sidecar")
    return meta, hashlib.sha256(data).hexdigest()


def read_release(path: Path, today: date) -> Release:
    """Read one release file and its sidecar, or refuse it with the reason."""
    import hashlib

    name = path.name
    if not path.is_file():
        raise IngestError(name, "no such file", rule="file")
    ext = path.suffix.lower()
    if ext not in EXTENSIONS:
        raise IngestError(name, f"unsupported file type {ext or '(none)'}: use .csv, .xlsx or "
                          ".xls", rule="file-type")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise IngestError(name, f"{size / 1024 ** 2:,.1f} MB, over the limit of "
                          f"{MAX_FILE_BYTES / 1024 ** 2:,.0f} MB", rule="size")
    if size == 0:
        raise IngestError(name, "the file is empty", rule="empty")
    sidecar, sidecar_sha = read_sidecar(path, name, today)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    kind = _sniff_type(data[:8])
    if kind != ext and not (kind == ".csv" and ext == ".csv"):
        raise IngestError(name, f"not a table of its type: the content is not {ext} "
                          f"(it looks like {kind if kind != '.csv' else 'text or binary'})",
                          rule="file-type")
    encoding = ""
    if ext == ".csv":
        text, encoding = _decode(data, name)
        grids = [_csv_grid(normalise_text(text), name)]
    else:
        if ext == ".xlsx":
            _check_zip(path, name)
        grids = _spreadsheet_grids(path, name)
        grids = [Grid(g.sheet, [[normalise_text(c) if isinstance(c, str) else c for c in row]
                                for row in g.rows]) for g in grids]
    if not any(any(v is not None for v in row) for g in grids for row in g.rows):
        raise IngestError(name, "the file holds no table (empty)", rule="empty")
    return Release(path, name, sha, grids, sidecar, sidecar_sha, encoding)
