"""Load the bundled Parquet tables and check them against the contract before any page uses them.

A missing, corrupt or invalid file raises :class:`~metrics.validate.DataError` naming the file,
the column and a sample row; the app shows that message with the rebuild command, never a
traceback.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from metrics.paths import DATA_DIR
from metrics.schema import SPECS, TableSpec
from metrics.store import read_manifest, resolve_current, shown_path, verify_folder
from metrics.validate import FILE_COL, REBUILD_HINT, ROW_COL, DataError, validate_tables



# Limits checked on the Parquet metadata before anything is read: a small hostile file can
# declare (and decompress to) gigabytes. Rows per table, uncompressed bytes per file, characters
# per text cell, items per list cell. ``QD_DASHBOARD_MAX_ROWS`` raises the observations limit.
MAX_ROWS = {"observations": int(os.environ.get("QD_DASHBOARD_MAX_ROWS", "2000000")),
            "revisions": 1_000_000, "sources": 200_000, "entities": 200_000,
            "targets": 100_000, "indicators": 100_000, "regions": 100_000,
            "industries": 10_000, "translations": 200_000}
# The observations of a version opened at scale are queried on disk, never held whole
# (open_version): their limit is higher. ``QD_DASHBOARD_MAX_SCAN_ROWS`` raises it.
MAX_SCAN_ROWS = int(os.environ.get("QD_DASHBOARD_MAX_SCAN_ROWS", "50000000"))
MAX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3
MAX_TEXT_CHARS = 20_000
MAX_LIST_ITEMS = 200
log = logging.getLogger(__name__)


def _check_declared_size(name: str, path: Path, file: str, max_rows: int | None = None) -> None:
    """Refuse a file whose metadata declares more rows or bytes than the limits."""
    max_rows = MAX_ROWS[name] if max_rows is None else max_rows
    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as exc:
        log.warning("unreadable Parquet %s: %s", path, exc)
        raise DataError(file, None, None, f"not a readable Parquet file. {REBUILD_HINT}") from None
    if meta.num_rows > max_rows:
        raise DataError(file, None, None, f"{meta.num_rows:,} rows, over the limit of "
                        f"{max_rows:,} for this table")
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > MAX_UNCOMPRESSED_BYTES:
        raise DataError(file, None, None, f"declares {size / 1024 ** 2:,.0f} MB uncompressed, "
                        f"over the limit of {MAX_UNCOMPRESSED_BYTES / 1024 ** 2:,.0f} MB")


def _check_cell_sizes(table: pa.Table, file: str) -> None:
    """Refuse text cells or lists longer than any real figure needs, before pandas sees them."""
    for col in table.schema:
        column = table.column(col.name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            longest = pc.max(pc.utf8_length(column)).as_py() or 0
            if longest > MAX_TEXT_CHARS:
                raise DataError(file, col.name, None, f"a text of {longest:,} characters, over "
                                f"the limit of {MAX_TEXT_CHARS:,}")
        elif pa.types.is_list(col.type):
            longest = pc.max(pc.list_value_length(column)).as_py() or 0
            if longest > MAX_LIST_ITEMS:
                raise DataError(file, col.name, None, f"a list of {longest:,} items, over the "
                                f"limit of {MAX_LIST_ITEMS}")


def load_table(name: str, data_dir: Path = DATA_DIR, shown_dir: Path | None = None) -> pd.DataFrame:
    """One table as a DataFrame, after checking its declared size and schema column by column.

    ``shown_dir``: the data folder that messages name files relative to (when outside the repo).
    """
    spec = SPECS[name]
    path = data_dir / f"{name}.parquet"
    file = shown_path(path, shown_dir or data_dir)
    if not path.exists():
        raise DataError(file, None, None, f"file is missing. {REBUILD_HINT}")
    _check_declared_size(name, path, file)
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        log.warning("unreadable Parquet %s: %s", path, exc)
        raise DataError(file, None, None, f"not a readable Parquet file. {REBUILD_HINT}") from None
    for expected in spec.schema:
        if expected.name not in table.schema.names:
            raise DataError(file, expected.name, None, f"missing column. {REBUILD_HINT}")
        actual = table.schema.field(expected.name).type
        if actual != expected.type:
            raise DataError(file, expected.name, None,
                            f"type {actual}, expected {expected.type}. {REBUILD_HINT}")
    extra = [n for n in table.schema.names if n not in spec.schema.names]
    if extra:
        raise DataError(file, extra[0], None, f"unexpected column. {REBUILD_HINT}")
    table = table.select(spec.schema.names)
    _check_cell_sizes(table, file)
    df = arrow_to_frame(table, spec)
    df.attrs["file"] = file
    df[FILE_COL] = file
    # row numbers as integers (formatted 'row N' only when a message names one)
    df[ROW_COL] = np.arange(1, len(df) + 1)
    return df


def _shared_strings(col: pa.ChunkedArray | pa.Array, seen: dict | None = None) -> np.ndarray:
    """A string column as an object array in which equal texts are one Python object
    (``seen``: the texts already made for earlier batches of the same column, kept shared)."""
    if not len(col):
        return np.array([], dtype=object)
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    encoded = col.dictionary_encode()
    words = encoded.dictionary.to_numpy(zero_copy_only=False)
    if seen is not None:
        words = np.array([seen.setdefault(w, w) for w in words], dtype=object)
    words = np.append(words, None)
    codes = encoded.indices.fill_null(len(words) - 1).to_numpy(zero_copy_only=False)
    return words[codes]


def _column_series(col: pa.ChunkedArray, c, spec: TableSpec) -> pd.Series:
    """One non-text column as arrow_to_frame gives it."""
    if c.name in spec.list_columns:
        return pd.Series([[] if v is None else list(v) for v in col.to_pylist()], dtype=object)
    if pa.types.is_floating(c.type):
        return pd.Series(col.to_numpy(zero_copy_only=False), dtype="float64")
    values = col.to_pandas()
    return values.astype(object).where(values.notna(), None) if col.null_count else values


def arrow_to_frame(table: pa.Table, spec: TableSpec) -> pd.DataFrame:
    """The spec's columns of an Arrow table as the frame pages and validation expect: text as
    Python str with None for empty, lists as Python lists, numbers as float64."""
    columns = {}
    for c in spec.columns:
        col = table.column(c.name)
        if pa.types.is_string(c.type):
            # text as Python str with None for empty (what validation and pages expect),
            # straight from Arrow: no per-cell missing-value pass over millions of rows, and
            # one str object per distinct text (a million rows repeat a few hundred codes)
            columns[c.name] = pd.Series(_shared_strings(col), dtype=object, copy=False)
        else:
            columns[c.name] = _column_series(col, c, spec)
    return pd.DataFrame(columns)


def arrow_batches_to_frame(batches: Iterable[pa.RecordBatch], spec: TableSpec,
                           index: str | None = None) -> pd.DataFrame:
    """arrow_to_frame over a stream of record batches, without ever holding the whole Arrow
    result: text is turned into shared Python str batch by batch (the Arrow copy of a large
    result's text, hundreds of MB at 10M rows, was the peak of opening a version); numbers,
    flags and ``index`` (an integer column, the frame's index) stay Arrow until the end."""
    texts = {c.name: [] for c in spec.columns if pa.types.is_string(c.type)}
    seen = {name: {} for name in texts}
    rest = {c.name: [] for c in spec.columns if c.name not in texts}
    positions = []
    schema = None
    for batch in batches:
        schema = batch.schema
        for name, parts in texts.items():
            parts.append(_shared_strings(batch.column(name), seen[name]))
        for name, parts in rest.items():
            parts.append(batch.column(name))
        if index is not None:
            positions.append(batch.column(index))
    columns = {}
    for c in spec.columns:
        if c.name in texts:
            parts = texts[c.name]
            columns[c.name] = pd.Series(np.concatenate(parts) if parts
                                        else np.array([], dtype=object), dtype=object,
                                        copy=False)
            parts.clear()  # the pieces go as the column is made
        else:
            field_type = schema.field(c.name).type if schema is not None else c.type
            columns[c.name] = _column_series(pa.chunked_array(rest[c.name], field_type), c,
                                             spec)
    out = pd.DataFrame(columns)
    if index is not None:
        out.index = pd.Index(pa.chunked_array(positions, pa.int64()).to_numpy()
                             .astype(np.int64) if positions else np.array([], dtype=np.int64))
    return out


@dataclass(frozen=True, eq=False)
class Dataset:
    """The seven validated tables plus the manifest (data version and build time)."""

    tables: dict[str, pd.DataFrame]
    manifest: dict
    # The version folder the tables were read from (sidecars are read from the same one).
    folder: Path | None = field(default=None, compare=False)
    # At scale (metrics.scan.SCAN_ROWS observations and more): the observations file's query
    # path; ``tables["observations"]`` then holds only the rows of the figure pages' regions.
    scan: object | None = field(default=None, compare=False)

    @property
    def version(self) -> str:
        """The content hash of data/src that this build came from."""
        return self.manifest["data_version"]

    @property
    def built_at(self) -> str:
        """When the Parquet files were built (UTC, ISO 8601)."""
        return self.manifest.get("built_at", "")

    @property
    def parent(self) -> str | None:
        """The version this one was published on top of (None for the base version)."""
        return self.manifest.get("parent")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def rows(self, name: str) -> int:
        """How many rows table ``name`` has in this version (all of them, also at scale)."""
        entry = self.manifest.get("tables", {}).get(name, {})
        return int(entry["rows"]) if "rows" in entry else len(self.tables[name])

    @cached_property
    def revised_keys(self) -> frozenset:
        """Observation keys (indicator, region, industry, period) that carry earlier vintages."""
        rev = self.tables["revisions"]
        return frozenset(zip(rev["indicator_id"], rev["region_code"], rev["industry_code"],
                             rev["period"]))

    def vintages(self, key: tuple[str, str, str, str]) -> pd.DataFrame:
        """Earlier vintages of one observation, oldest first."""
        rev = self.tables["revisions"]
        mask = ((rev["indicator_id"] == key[0]) & (rev["region_code"] == key[1])
                & (rev["industry_code"] == key[2]) & (rev["period"] == key[3]))
        return rev[mask].sort_values("superseded_in")

    @cached_property
    def indicators_by_id(self) -> dict[str, dict]:
        """Every indicator row by id, built once per version (pages look them up per figure)."""
        ind = self.tables["indicators"]
        return {r["indicator_id"]: r for r in ind.to_dict("records")}

    @cached_property
    def sources_by_id(self) -> dict[str, dict]:
        """Every source row by id, built once per version."""
        src = self.tables["sources"]
        return {r["source_id"]: r for r in src.to_dict("records")}

    def indicator(self, indicator_id: str) -> dict:
        """The indicators row of ``indicator_id`` as a dict (a copy: callers may change it)."""
        return dict(self.indicators_by_id[indicator_id])

    def source(self, source_id: str) -> dict:
        """The sources row of ``source_id`` as a dict (a copy)."""
        return dict(self.sources_by_id[source_id])

    @cached_property
    def translations_by_text(self) -> dict[tuple[str, str], str]:
        """Every translation by (original text, language of the translation)."""
        tr = self.tables.get("translations")
        if tr is None or tr.empty:
            return {}
        return dict(zip(zip(tr["text"], tr["lang"]), tr["translation"]))

    def translation(self, text: str | None, lang: str) -> str | None:
        """The translation of a title, quote or note into ``lang``; None when there is none."""
        return self.translations_by_text.get((text, lang)) if text else None

    def name(self, table: str, code: str, lang: str) -> str:
        """The name of a region, industry or indicator in ``lang`` (``zh`` or ``en``)."""
        names = self._names[table].get(code)
        return str(names[lang]) if names is not None else code

    @cached_property
    def _names(self) -> dict[str, dict[str, dict[str, str]]]:
        """Names by table and code, built once per version (pages ask per label: a filter of
        the whole table per call cost seconds per rerun with hundreds of regions)."""
        out = {}
        for table, key in (("regions", "region_code"), ("industries", "industry_code"),
                           ("indicators", "indicator_id")):
            df = self.tables[table]
            out[table] = {}
            for code, zh, en in zip(df[key], df["name_zh"], df["name_en"]):
                out[table].setdefault(code, {"zh": zh, "en": en})
        return out


def load_sidecar(name: str, data_dir: Path = DATA_DIR) -> dict:
    """The metadata sidecar ``<table>.meta.yml`` of a version folder (title, columns, units)."""
    import yaml

    path = data_dir / f"{name}.meta.yml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        raise DataError(shown_path(path, data_dir), None, None,
                        f"unreadable. {REBUILD_HINT}") from None


def load_manifest(data_dir: Path = DATA_DIR) -> dict:
    """The manifest of the current version of ``data_dir``."""
    _, folder = resolve_current(data_dir)
    return read_manifest(folder, data_dir)


def load_version(folder: Path, shown_dir: Path | None = None) -> Dataset:
    """One version folder: every file checked against its manifest, then loaded and validated.

    A file that does not match the manifest (a build or publish under way, a hand edit) refuses
    the whole version: the app never serves a mixed set.
    """
    shown_dir = shown_dir or folder
    manifest = read_manifest(folder, shown_dir)
    verify_folder(folder, manifest, shown_dir)
    tables = {name: load_table(name, folder, shown_dir) for name in SPECS}
    for name, df in tables.items():
        rows = manifest["tables"][name].get("rows")
        if rows is not None and rows != len(df):
            raise DataError(df.attrs["file"], None, None, f"{len(df)} rows, the manifest says "
                            f"{rows}. {REBUILD_HINT}")
    validate_tables(tables)
    return Dataset({k: v.drop(columns=[FILE_COL, ROW_COL]) for k, v in tables.items()}, manifest,
                   folder)


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """The current version of ``data_dir`` (see metrics.store), validated as a whole."""
    _, folder = resolve_current(data_dir)
    return load_version(folder, data_dir)


def _check_schema(name: str, path: Path, file: str) -> int:
    """Declared size (the scan's row limit) and column types of a Parquet file, from its
    metadata; returns its rows."""
    spec = SPECS[name]
    if not path.exists():
        raise DataError(file, None, None, f"file is missing. {REBUILD_HINT}")
    _check_declared_size(name, path, file, MAX_SCAN_ROWS)
    schema = pq.read_schema(path)
    for expected in spec.schema:
        if expected.name not in schema.names:
            raise DataError(file, expected.name, None, f"missing column. {REBUILD_HINT}")
        actual = schema.field(expected.name).type
        if actual != expected.type:
            raise DataError(file, expected.name, None,
                            f"type {actual}, expected {expected.type}. {REBUILD_HINT}")
    extra = [n for n in schema.names if n not in spec.schema.names]
    if extra:
        raise DataError(file, extra[0], None, f"unexpected column. {REBUILD_HINT}")
    return pq.ParquetFile(path).metadata.num_rows


def open_version(folder: Path, shown_dir: Path | None = None) -> Dataset:
    """The app's way into a version: :func:`load_version` below ``metrics.scan.SCAN_ROWS``
    observations; from there on every table but the observations in memory, and the
    observations as a :class:`metrics.scan.ObservationScan` over the file (checked against the
    manifest's sha256 and validated in chunks like load_version, never held whole) plus the
    rows of the regions the figure pages show. The import (metrics.ingest) keeps load_version:
    it rewrites whole tables.
    """
    from metrics.scan import (OBS_COLUMNS, SCAN_ROWS, ObservationScan, page_regions,
                              release_memory, validate_observations_sql)
    from metrics.validate import validate_table

    shown_dir = shown_dir or folder
    manifest = read_manifest(folder, shown_dir)
    entry = manifest.get("tables", {}).get("observations") if isinstance(
        manifest.get("tables"), dict) else None
    declared = entry.get("rows") if isinstance(entry, dict) else None
    if not isinstance(declared, int) or declared < SCAN_ROWS:
        return load_version(folder, shown_dir)
    verify_folder(folder, manifest, shown_dir)
    tables = {name: load_table(name, folder, shown_dir) for name in SPECS
              if name != "observations"}
    path = folder / "observations.parquet"
    file = shown_path(path, shown_dir)
    n_obs = _check_schema("observations", path, file)
    for name, df in [*tables.items(), ("observations", None)]:
        rows = manifest["tables"][name].get("rows")
        n = n_obs if df is None else len(df)
        if rows is not None and rows != n:
            raise DataError(file if df is None else df.attrs["file"], None, None,
                            f"{n} rows, the manifest says {rows}. {REBUILD_HINT}")
    for name in SPECS:
        if name != "observations":
            validate_table(name, tables[name])
    validate_observations_sql(path, tables, file, MAX_TEXT_CHARS)
    release_memory()  # the checks read every row; the figure pages' rows are read next
    tables = {k: v.drop(columns=[FILE_COL, ROW_COL]) for k, v in tables.items()}
    rev = tables["revisions"]
    revised = frozenset(zip(rev["indicator_id"], rev["region_code"], rev["industry_code"],
                            rev["period"]))
    scan = ObservationScan(path, tables["indicators"], revised)
    tables["observations"] = scan.rows_in_file_order(page_regions(tables["regions"]))
    release_memory()  # the checks and the scan read every row: hand that memory back
    return Dataset(tables, manifest, folder, scan=scan)
