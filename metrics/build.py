"""Build the Parquet tables, their sidecars and the manifest from ``data/src``.

    python -m metrics.build            # rebuild data/ from data/src
    python -m metrics.build --check    # rebuild into a temporary folder and compare with data/

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

from metrics.paths import DATA_DIR, MANIFEST_NAME, SRC_DIR, rel_to_repo
from metrics.schema import SPECS, TableSpec
from metrics.store import utc_now, write_manifest, write_table_files
from metrics.validate import FILE_COL, ROW_COL, DataError, validate_tables


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
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build(src_dir: Path = SRC_DIR, out_dir: Path = DATA_DIR) -> dict:
    """Read, validate and write every table; returns the manifest.

    The files are written to a temporary folder beside the data, then moved into place one by
    one with the manifest last. A reader checks every file against the manifest, so a build
    killed half-way is refused as a mixed set instead of served.
    """
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, list[str]] = {}
    for name, spec in SPECS.items():
        tables[name], files[name] = read_source_table(spec, src_dir)
    validate_tables(tables)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        entries = write_table_files(tmp, tables, files)
        manifest = {"data_version": data_version(src_dir), "built_at": utc_now(),
                    "tables": entries}
        write_manifest(tmp, manifest)
        for path in sorted(tmp.iterdir()):
            if path.name != MANIFEST_NAME:
                os.replace(path, out_dir / path.name)
        os.replace(tmp / MANIFEST_NAME, out_dir / MANIFEST_NAME)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


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
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check()
            for p in problems:
                print(p, file=sys.stderr)
            print("data/ matches a fresh build" if not problems else
                  "data/ is stale: run `python -m metrics.build`")
            return 1 if problems else 0
        manifest = build()
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{k} {v['rows']}" for k, v in manifest["tables"].items())
    print(f"built data version {manifest['data_version']}: {rows}")
    stale = published_on_another_base(DATA_DIR)
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
