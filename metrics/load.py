"""Load the bundled Parquet tables and check them against the contract before any page uses them.

A missing, corrupt or invalid file raises :class:`~metrics.validate.DataError` naming the file,
the column and a sample row; the app shows that message with the rebuild command, never a
traceback.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from metrics.paths import DATA_DIR, MANIFEST_NAME, rel_to_repo
from metrics.schema import SPECS
from metrics.validate import FILE_COL, REBUILD_HINT, ROW_COL, DataError, validate_tables



def load_table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """One table as a DataFrame, after checking the file's schema column by column."""
    spec = SPECS[name]
    path = data_dir / f"{name}.parquet"
    file = rel_to_repo(path)
    if not path.exists():
        raise DataError(file, None, None, f"file is missing. {REBUILD_HINT}")
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(file, None, None,
                        f"not a readable Parquet file ({exc}). {REBUILD_HINT}") from None
    for field in spec.schema:
        if field.name not in table.schema.names:
            raise DataError(file, field.name, None, f"missing column. {REBUILD_HINT}")
        actual = table.schema.field(field.name).type
        if actual != field.type:
            raise DataError(file, field.name, None,
                            f"type {actual}, expected {field.type}. {REBUILD_HINT}")
    extra = [n for n in table.schema.names if n not in spec.schema.names]
    if extra:
        raise DataError(file, extra[0], None, f"unexpected column. {REBUILD_HINT}")
    df = table.select(spec.schema.names).to_pandas()
    for col in spec.list_columns:
        df[col] = df[col].map(lambda v: [] if v is None else list(v))
    df = df.astype({c.name: object for c in spec.columns
                    if pa.types.is_string(c.type)})
    df = df.where(df.notna(), None) if len(df) else df
    for c in spec.columns:
        if pa.types.is_floating(c.type):
            df[c.name] = df[c.name].astype("float64")
    df[FILE_COL] = file
    df[ROW_COL] = [f"row {i + 1}" for i in range(len(df))]
    return df


@dataclass(frozen=True)
class Dataset:
    """The seven validated tables plus the manifest (data version and build time)."""

    tables: dict[str, pd.DataFrame]
    manifest: dict

    @property
    def version(self) -> str:
        """The content hash of data/src that this build came from."""
        return self.manifest["data_version"]

    @property
    def built_at(self) -> str:
        """When the Parquet files were built (UTC, ISO 8601)."""
        return self.manifest.get("built_at", "")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def indicator(self, indicator_id: str) -> dict:
        """The indicators row of ``indicator_id`` as a dict."""
        ind = self.tables["indicators"]
        return ind[ind["indicator_id"] == indicator_id].iloc[0].to_dict()

    def source(self, source_id: str) -> dict:
        """The sources row of ``source_id`` as a dict."""
        src = self.tables["sources"]
        return src[src["source_id"] == source_id].iloc[0].to_dict()

    def name(self, table: str, code: str, lang: str) -> str:
        """The name of a region, industry or indicator in ``lang`` (``zh`` or ``en``)."""
        key = {"regions": "region_code", "industries": "industry_code",
               "indicators": "indicator_id"}[table]
        df = self.tables[table]
        row = df[df[key] == code]
        return str(row.iloc[0][f"name_{lang}"]) if len(row) else code


def load_sidecar(name: str, data_dir: Path = DATA_DIR) -> dict:
    """The metadata sidecar ``<table>.meta.yml`` written by the build (title, columns, units)."""
    import yaml

    path = data_dir / f"{name}.meta.yml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(rel_to_repo(path), None, None, f"unreadable ({exc}). {REBUILD_HINT}") from None


def load_manifest(data_dir: Path = DATA_DIR) -> dict:
    """The manifest written by the build."""
    path = data_dir / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(rel_to_repo(path), None, None, f"file is missing. {REBUILD_HINT}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(rel_to_repo(path), None, None, f"not valid JSON ({exc}). {REBUILD_HINT}") from None
    if not isinstance(manifest, dict) or "data_version" not in manifest:
        raise DataError(rel_to_repo(path), "data_version", None, f"missing. {REBUILD_HINT}")
    return manifest


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """All tables of ``data_dir``, validated together (codes, references, keys, sources)."""
    manifest = load_manifest(data_dir)
    tables = {name: load_table(name, data_dir) for name in SPECS}
    validate_tables(tables)
    return Dataset({k: v.drop(columns=[FILE_COL, ROW_COL]) for k, v in tables.items()}, manifest)
