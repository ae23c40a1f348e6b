"""Build the Parquet tables, their sidecars and the manifest from ``data/src``.

    python -m metrics.build            # rebuild data/ from data/src
    python -m metrics.build --check    # rebuild into a temporary folder and compare with data/
    python -m metrics.build --src /tmp/synth-src --out /tmp/synth   # another tree and folder

Observation files of STREAM_BYTES and more are built in chunks (a few hundred MB of memory for
ten million rows); smaller ones in one piece, as before.

The data version is a content hash of every CSV in ``data/src`` (README included), so two builds
of the same sources carry the same version, and any edit to a source changes it.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from metrics.paths import DATA_DIR, MANIFEST_NAME, SRC_DIR, rel_to_repo
from metrics.schema import SPECS, TableSpec, sidecar_dict
from metrics.store import (PARQUET_COMPRESSION, sha256_file, utc_now, write_manifest,
                           write_table_files)
from metrics.validate import FILE_COL, ROW_COL, DataError, validate_table, validate_tables


def _convert(spec: TableSpec, raw: dict[str, str], file: str, row: str) -> dict:
    """One CSV record to typed Python values, per the table's schema."""
    out: dict = {}
    for col in spec.columns:
        text = (raw.get(col.name) or "").strip() if col.name != "quote" else raw.get(col.name) or ""
        if col.name in spec.list_columns:
            out[col.name] = [c.strip() for c in text.split(";") if c.strip()]
        elif pa.types.is_floating(col.type):
            try:
                out[col.name] = float(text)
            except ValueError:
                raise DataError(file, col.name, row, f"{text!r} is not a number") from None
        elif pa.types.is_boolean(col.type):
            if text.lower() not in ("", "true", "false"):
                raise DataError(file, col.name, row, f"{text!r}: write true, false or leave empty")
            out[col.name] = text.lower() == "true"
        elif pa.types.is_integer(col.type):
            if text == "":
                out[col.name] = None
            elif text.isdigit():
                out[col.name] = int(text)
            else:
                raise DataError(file, col.name, row, f"{text!r} is not a whole number")
        elif col.nullable and text == "":
            out[col.name] = None
        else:
            out[col.name] = text
    return out


def read_source_table(spec: TableSpec, src_dir: Path = SRC_DIR) -> tuple[pd.DataFrame, list[str]]:
    """All CSV files of ``src_dir/<table>/`` as one frame with typed values and row origins."""
    folder = src_dir / spec.name
    files = sorted(folder.glob("*.csv"))
    if not files and spec.name == "translations" and not folder.exists():
        # an optional table: a source tree without it builds it empty
        return pd.DataFrame(columns=[c.name for c in spec.columns] + [FILE_COL, ROW_COL]), []
    if not files:
        raise DataError(rel_to_repo(folder), None, None, "no CSV file for this table")
    records: list[dict] = []
    expected = [c.name for c in spec.columns]
    for path in files:
        file = rel_to_repo(path)
        with path.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        if text.startswith("\ufeff"):
            raise DataError(file, None, "line 1", "file starts with a BOM; save as UTF-8 without BOM")
        reader = csv.DictReader(text.splitlines(keepends=True))
        header = reader.fieldnames or []
        missing = [c for c in expected if c not in header]
        if missing:
            raise DataError(file, missing[0], "line 1", f"missing column (header: {', '.join(header)})")
        extra = [c for c in header if c not in expected]
        if extra:
            raise DataError(file, extra[0], "line 1", "unexpected column; expected "
                            + ", ".join(expected))
        for raw in reader:
            row = f"line {reader.line_num}"
            if None in raw:
                raise DataError(file, None, row, "more fields than the header (unquoted comma?)")
            if any(v is None for v in raw.values()):
                raise DataError(file, None, row, "fewer fields than the header")
            rec = _convert(spec, raw, file, row)
            rec[FILE_COL], rec[ROW_COL] = file, row
            records.append(rec)
    df = pd.DataFrame.from_records(records, columns=expected + [FILE_COL, ROW_COL])
    return df, [rel_to_repo(p) for p in files]


def data_version(src_dir: Path = SRC_DIR) -> str:
    """Content hash of every file under ``src_dir`` (paths and bytes), 12 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(p for p in src_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(src_dir).as_posix().encode())
        digest.update(b"\0")
        with path.open("rb") as fh:     # in blocks: a source file may be gigabytes
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def build(src_dir: Path = SRC_DIR, out_dir: Path = DATA_DIR,
          stream_bytes: int | None = None) -> dict:
    """Read, validate and write every table; returns the manifest.

    The files are written to a temporary folder beside the data, then moved into place one by
    one with the manifest last. A reader checks every file against the manifest, so a build
    killed half-way is refused as a mixed set instead of served.

    Observation CSV files of ``stream_bytes`` (default STREAM_BYTES) or more are streamed
    (:func:`stream_observations`): read, converted and validated a chunk at a time, so that
    memory stays flat however many rows there are.
    """
    limit = STREAM_BYTES if stream_bytes is None else stream_bytes
    obs_files = sorted((src_dir / "observations").glob("*.csv"))
    streaming = sum(p.stat().st_size for p in obs_files) >= limit
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, list[str]] = {}
    for name, spec in SPECS.items():
        if streaming and name == "observations":
            continue
        tables[name], files[name] = read_source_table(spec, src_dir)
    if not streaming:
        validate_tables(tables)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        if streaming:
            for name in SPECS:
                if name != "observations":
                    validate_table(name, tables[name])
            streamed = tmp / ".observations.streamed.parquet"
            n_obs, files["observations"] = stream_observations(src_dir, tables, streamed, tmp)
            # every other table as usual; the observations file is then the streamed one
            tables["observations"] = pd.DataFrame(
                {c.name: pd.Series(dtype=object) for c in SPECS["observations"].columns})
            entries = write_table_files(tmp, tables, files)
            os.replace(streamed, tmp / "observations.parquet")
            entries["observations"] = _table_entry(tmp, "observations", n_obs,
                                                   files["observations"])
        else:
            entries = write_table_files(tmp, tables, files)
        manifest = {"data_version": data_version(src_dir), "built_at": utc_now(),
                    **({"synthetic": True} if (src_dir / SYNTHETIC_MARK).exists() else {}),
                    "tables": entries}
        write_manifest(tmp, manifest)
        for path in sorted(tmp.iterdir()):
            if path.name != MANIFEST_NAME and not path.name.startswith("."):
                os.replace(path, out_dir / path.name)
        os.replace(tmp / MANIFEST_NAME, out_dir / MANIFEST_NAME)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


# -- the streaming build of the observations -------------------------------------------------

# Observation CSV files of this size and more are streamed (a million rows are about 150 MB).
STREAM_BYTES = 64 * 1024 ** 2
CHUNK_ROWS = 200_000
# Rows per Parquet row group of a streamed file: small enough for the scan's filter pushdown
# (row-group statistics on the sorted key), large enough to compress well.
ROW_GROUP_ROWS = 250_000
# DuckDB's memory while it checks keys and sorts: beyond it, it spills to the build folder.
BUILD_DUCKDB_MEMORY = "768MB"
# A source tree holding this file is synthetic (tools/synth.py): the version says so, and every
# page warns that its figures are made up.
SYNTHETIC_MARK = "SYNTHETIC"
_LINE_COL, _FILE_IX_COL = "_line", "_file_ix"


def _read_header(path: Path, file: str, expected: list[str]):
    """The open file's csv reader after the header was checked as read_source_table does."""
    fh = path.open(encoding="utf-8", newline="")
    if fh.read(1) == "\ufeff":
        fh.close()
        raise DataError(file, None, "line 1", "file starts with a BOM; save as UTF-8 without BOM")
    fh.seek(0)
    reader = csv.reader(fh)
    header = next(reader, [])
    missing = [c for c in expected if c not in header]
    if missing:
        fh.close()
        raise DataError(file, missing[0], "line 1", f"missing column (header: {', '.join(header)})")
    extra = [c for c in header if c not in expected]
    if extra:
        fh.close()
        raise DataError(file, extra[0], "line 1", "unexpected column; expected "
                        + ", ".join(expected))
    return fh, reader, header


def convert_chunk(spec: TableSpec, columns: dict[str, list[str]], lines: list[int],
                  file: str) -> pd.DataFrame:
    """CSV text columns to typed columns exactly as :func:`_convert` does row by row; the first
    row with a bad value (then the first such column) is the one reported."""
    out: dict[str, object] = {}
    first_bad: tuple[int, int, str, str] | None = None     # row, column index, column, problem
    for c_ix, col in enumerate(spec.columns):
        raw = columns[col.name]
        text = raw if col.name == "quote" else [v.strip() for v in raw]
        if col.name in spec.list_columns:
            out[col.name] = [[c.strip() for c in v.split(";") if c.strip()] for v in text]
            continue
        if pa.types.is_floating(col.type) or pa.types.is_boolean(col.type) or \
                pa.types.is_integer(col.type):
            # converted once per distinct text: a million rows hold few distinct numbers
            mapping, bad = {}, None
            for v in dict.fromkeys(text):
                try:
                    mapping[v] = _convert_cell(col, v)
                except ValueError as exc:
                    bad = bad or {}
                    bad[v] = str(exc)
            if bad:
                row = next(i for i, v in enumerate(text) if v in bad)
                if first_bad is None or (row, c_ix) < first_bad[:2]:
                    first_bad = (row, c_ix, col.name, bad[text[row]])
                continue
            values = [mapping[v] for v in text]
            out[col.name] = (pd.Series(values, dtype="float64") if pa.types.is_floating(col.type)
                             else pd.Series(values, dtype=bool) if pa.types.is_boolean(col.type)
                             else pd.Series(values, dtype=object))
        elif col.nullable:
            out[col.name] = pd.Series([v if v != "" else None for v in text], dtype=object)
        else:
            out[col.name] = pd.Series(text, dtype=object)
    if first_bad is not None:
        row, _, column, problem = first_bad
        raise DataError(file, column, f"line {lines[row]}", problem)
    df = pd.DataFrame(out)
    df.attrs["file"] = file
    df[FILE_COL] = file
    df[ROW_COL] = [f"line {n}" for n in lines]
    return df


def _convert_cell(col, text: str):
    """One cell as :func:`_convert` types it; ValueError with _convert's message when bad."""
    if pa.types.is_floating(col.type):
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if pa.types.is_boolean(col.type):
        if text.lower() not in ("", "true", "false"):
            raise ValueError(f"{text!r}: write true, false or leave empty")
        return text.lower() == "true"
    if text == "":
        return None
    if text.isdigit():
        return int(text)
    raise ValueError(f"{text!r} is not a whole number")


def _csv_chunks(spec: TableSpec, paths: list[Path]):
    """Every CSV file of a table, in file-name order, as converted chunks of CHUNK_ROWS rows."""
    expected = [c.name for c in spec.columns]
    for path in paths:
        file = rel_to_repo(path)
        fh, reader, header = _read_header(path, file, expected)
        with fh:
            at = {name: header.index(name) for name in expected}
            columns: dict[str, list[str]] = {name: [] for name in expected}
            lines: list[int] = []
            for record in reader:
                if not record:          # a blank line, skipped as csv.DictReader does
                    continue
                problem = ("more fields than the header (unquoted comma?)"
                           if len(record) > len(header) else
                           "fewer fields than the header" if len(record) < len(header) else None)
                if problem:
                    row = f"line {reader.line_num}"
                    if lines:           # an earlier row's bad value is reported first
                        convert_chunk(spec, columns, lines, file)
                    raise DataError(file, None, row, problem)
                for name, ix in at.items():
                    columns[name].append(record[ix])
                lines.append(reader.line_num)
                if len(lines) >= CHUNK_ROWS:
                    yield convert_chunk(spec, columns, lines, file)
                    columns = {name: [] for name in expected}
                    lines = []
            if lines:
                yield convert_chunk(spec, columns, lines, file)


def stream_observations(src_dir: Path, tables: dict[str, pd.DataFrame], out: Path,
                        work_dir: Path) -> tuple[int, list[str]]:
    """Build the observations file from ``src_dir/observations/*.csv`` in chunks.

    Each chunk is converted, validated (metrics.scan.validate_observation_chunks: every check
    of metrics.validate against the other tables, already validated alone) and appended to an
    unsorted Parquet file with its CSV origin. DuckDB then finds any key repeated across chunks
    and sorts the rows by key into ``out`` (contract schema, row groups of ROW_GROUP_ROWS),
    spilling to ``work_dir`` beyond BUILD_DUCKDB_MEMORY. Returns the rows and the CSV files.
    """
    import duckdb

    from metrics.scan import first_duplicate_key, validate_observation_chunks

    spec = SPECS["observations"]
    paths = sorted((src_dir / "observations").glob("*.csv"))
    if not paths:
        raise DataError(rel_to_repo(src_dir / "observations"), None, None,
                        "no CSV file for this table")
    files = [rel_to_repo(p) for p in paths]
    file_ix = {f: i for i, f in enumerate(files)}
    unsorted = work_dir / ".observations.unsorted.parquet"
    schema = spec.schema.append(pa.field(_FILE_IX_COL, pa.int32())).append(
        pa.field(_LINE_COL, pa.int64()))
    rows = 0
    with pq.ParquetWriter(unsorted, schema, compression="zstd") as writer:
        def validated_then_written():
            nonlocal rows
            for chunk in _csv_chunks(spec, paths):
                yield chunk      # validated by the consumer before the loop comes back here
                data = chunk.drop(columns=[FILE_COL, ROW_COL]).assign(**{
                    _FILE_IX_COL: chunk[FILE_COL].map(file_ix).astype("int32"),
                    _LINE_COL: chunk[ROW_COL].str.slice(5).astype("int64")})
                writer.write_table(pa.Table.from_pandas(data, schema=schema,
                                                        preserve_index=False))
                rows += len(chunk)

        validate_observation_chunks(validated_then_written(), tables, files[0])
    con = duckdb.connect(":memory:", config={"memory_limit": BUILD_DUCKDB_MEMORY,
                                             "temp_directory": str(work_dir / ".duckdb-spill"),
                                             "preserve_insertion_order": False})
    try:
        found = first_duplicate_key(unsorted, spec.key, con)
        if found is not None:
            pos, n, key = found
            origin = con.execute(f"SELECT {_FILE_IX_COL}, {_LINE_COL} FROM read_parquet(?, "
                                 "file_row_number = true) WHERE file_row_number = ?",
                                 [str(unsorted), pos]).fetchall()[0]
            raise DataError(files[origin[0]], ",".join(spec.key),
                            f"line {origin[1]} ({', '.join(key)})",
                            "duplicate key" + (f" ({n} rows)" if n > 1 else ""))
        cols = ", ".join(spec.schema.names)
        reader = con.sql(f"SELECT {cols} FROM read_parquet(?) ORDER BY {', '.join(spec.key)}",
                         params=[str(unsorted)]).to_arrow_reader(ROW_GROUP_ROWS)
        with pq.ParquetWriter(out, spec.schema, compression=PARQUET_COMPRESSION) as writer:
            pending: list[pa.RecordBatch] = []
            size = 0
            for batch in reader:
                pending.append(batch)
                size += batch.num_rows
                if size >= ROW_GROUP_ROWS:
                    writer.write_table(pa.Table.from_batches(pending).cast(spec.schema),
                                       row_group_size=size)
                    pending, size = [], 0
            if pending:
                writer.write_table(pa.Table.from_batches(pending).cast(spec.schema),
                                   row_group_size=size)
    finally:
        con.close()
        unsorted.unlink(missing_ok=True)
    return rows, files


def _table_entry(folder: Path, name: str, rows: int, built_from: list[str]) -> dict:
    """Sidecar and manifest entry of a table file written outside write_table_files."""
    meta_path = folder / f"{name}.meta.yml"
    meta = sidecar_dict(SPECS[name], rows, built_from)
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
    for p in (folder / f"{name}.parquet", meta_path):
        with p.open("rb") as fh:
            os.fsync(fh.fileno())
    return {"rows": rows, "sha256": sha256_file(folder / f"{name}.parquet"),
            "meta_sha256": sha256_file(meta_path)}


def check(src_dir: Path = SRC_DIR, data_dir: Path = DATA_DIR) -> list[str]:
    """Differences between the committed build in ``data_dir`` and a fresh build (empty = same)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        build(src_dir, fresh)
        problems = []
        for path in sorted(p for p in fresh.iterdir() if p.is_file()):
            committed = data_dir / path.name
            if not committed.exists():
                problems.append(f"{path.name}: missing in {data_dir}")
            elif path.name == MANIFEST_NAME:
                a = json.loads(path.read_text(encoding="utf-8"))
                b = json.loads(committed.read_text(encoding="utf-8"))
                a.pop("built_at"), b.pop("built_at", None)
                if a != b:
                    problems.append(f"{path.name}: differs from a fresh build")
            elif path.read_bytes() != committed.read_bytes():
                problems.append(f"{path.name}: differs from a fresh build")
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare data/ with a fresh build instead of writing it")
    parser.add_argument("--src", type=Path, default=SRC_DIR,
                        help="source tree to build from (default data/src)")
    parser.add_argument("--out", type=Path, default=DATA_DIR,
                        help="data folder to write (default data/)")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check()
            for p in problems:
                print(p, file=sys.stderr)
            print("data/ matches a fresh build" if not problems else
                  "data/ is stale: run `python -m metrics.build`")
            return 1 if problems else 0
        manifest = build(args.src, args.out)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{k} {v['rows']}" for k, v in manifest["tables"].items())
    print(f"built data version {manifest['data_version']}: {rows}")
    stale = published_on_another_base(args.out)
    if stale:
        print(f"warning: the current version {stale} was published on an earlier base, so the "
              "app keeps showing it. Publish the releases again on the new base "
              "(python -m metrics.ingest rollback "
              f"{manifest['data_version']} && python -m metrics.ingest publish "
              "data/releases/*.csv), or roll back to the base.", file=sys.stderr)
    return 0


def published_on_another_base(data_dir: Path) -> str | None:
    """The current version's id when it descends from a base other than the one built now."""
    from metrics.store import base_version_id, current_version_id, read_manifest, version_folder

    base = base_version_id(data_dir)
    current = version = current_version_id(data_dir)
    seen = set()
    while version != base:
        if version in seen:
            return current
        seen.add(version)
        try:
            version = read_manifest(version_folder(data_dir, version), data_dir).get("parent")
        except DataError:
            return current
        if not version:
            return current
    return None


if __name__ == "__main__":
    sys.exit(main())
