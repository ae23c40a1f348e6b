"""Data versions on disk: immutable folders, one atomic pointer, an append-only audit log.

A data folder (the bundled ``data/`` or the one ``QD_DASHBOARD_DATA_DIR`` names) holds::

    <table>.parquet, <table>.meta.yml, manifest.json   the base version: ``python -m metrics.build``
                                                        makes it from data/src
    versions/<id>/                                      every version published by an import, with
                                                        the same files; never changed once written
    CURRENT                                             the id of the current version (no file:
                                                        the base version is current)
    audit.jsonl                                         one JSON line per check, publish, refusal
                                                        and rollback; only ever appended to

A version is written in a hidden temporary folder, checked, then renamed into ``versions/`` (one
atomic step); ``CURRENT`` is switched by ``os.replace`` of a fully written file (another atomic
step). A crash or kill at any moment leaves the old or the new version current, never a mix.
Readers resolve ``CURRENT`` once and then read only that immutable folder, after checking every
file against its manifest (sha256 and row count).
"""
from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import re
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from metrics.paths import MANIFEST_NAME, rel_to_repo
from metrics.schema import SPECS, sidecar_dict
from metrics.validate import FILE_COL, REBUILD_HINT, ROW_COL, DataError

PARQUET_COMPRESSION = "zstd"
VERSIONS_DIR = "versions"
CURRENT_NAME = "CURRENT"
AUDIT_NAME = "audit.jsonl"
LOCK_NAME = ".lock"
# A published version's id: its UTC time and the first digits of its content hash.
VERSION_ID_RE = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")
BASE_ID_RE = re.compile(r"^[0-9a-f]{12}$")


def utc_now() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks (files may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_table_files(folder: Path, frames: dict[str, pd.DataFrame],
                      built_from: dict[str, list[str]]) -> dict:
    """Write every table as Parquet (explicit schema, sorted by key) plus its sidecar.

    Returns the manifest's ``tables`` entry: rows, sha256 of the Parquet file and of the sidecar.
    Files are flushed to disk before this returns.
    """
    entries = {}
    for name, spec in SPECS.items():
        df = frames[name].drop(columns=[c for c in (FILE_COL, ROW_COL) if c in frames[name]])
        df = df.sort_values(list(spec.key), kind="stable").reset_index(drop=True)
        table = pa.Table.from_pandas(df, schema=spec.schema, preserve_index=False)
        table = table.replace_schema_metadata(None)
        path = folder / f"{name}.parquet"
        pq.write_table(table, path, compression=PARQUET_COMPRESSION)
        meta_path = folder / f"{name}.meta.yml"
        meta = sidecar_dict(spec, len(df), built_from.get(name, []))
        meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                             encoding="utf-8")
        for p in (path, meta_path):
            with p.open("rb") as fh:
                os.fsync(fh.fileno())
        entries[name] = {"rows": len(df), "sha256": sha256_file(path),
                         "meta_sha256": sha256_file(meta_path)}
    return entries


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest.json`` through a temporary file and an atomic rename."""
    tmp = folder / (MANIFEST_NAME + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / MANIFEST_NAME)


def shown_path(path: Path, data_dir: Path | None = None) -> str:
    """A file name for messages: relative to the repository, else to the data folder."""
    shown = rel_to_repo(path)
    if not os.path.isabs(shown):
        return shown
    if data_dir is not None:
        with contextlib.suppress(ValueError):
            return path.resolve().relative_to(data_dir.resolve()).as_posix()
    return path.name


def verify_folder(folder: Path, manifest: dict, data_dir: Path | None = None) -> None:
    """Check every table file of a version against its manifest (sha256, then rows on load).

    A mismatch means a rebuild or publish is under way or a file was changed by hand: the
    folder is refused whole, so that the app never serves a mixed set.
    """
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        raise DataError(shown_path(folder / MANIFEST_NAME, data_dir), "tables", None,
                        "the manifest lists no tables")
    for name in SPECS:
        entry = tables.get(name)
        path = folder / f"{name}.parquet"
        if not isinstance(entry, dict) or "sha256" not in entry:
            raise DataError(shown_path(folder / MANIFEST_NAME, data_dir), name, None,
                            "the manifest has no checksum for this table")
        if not path.exists():
            raise DataError(shown_path(path, data_dir), None, None,
                            f"file is missing. {REBUILD_HINT}")
        if sha256_file(path) != entry["sha256"]:
            raise DataError(shown_path(path, data_dir), None, None,
                            "the file does not match the manifest's checksum (the data is being "
                            f"rebuilt or published, or a file was changed by hand). {REBUILD_HINT}")
        meta = folder / f"{name}.meta.yml"
        if "meta_sha256" in entry and (not meta.exists()
                                       or sha256_file(meta) != entry["meta_sha256"]):
            raise DataError(shown_path(meta, data_dir), None, None,
                            "the sidecar does not match the manifest's checksum")


# -- versions -------------------------------------------------------------------------------

def read_manifest(folder: Path, data_dir: Path | None = None) -> dict:
    """A version folder's manifest; DataError when it is missing or not a manifest."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(shown_path(path, data_dir), None, None, "file is missing") from None
    except (OSError, ValueError):
        raise DataError(shown_path(path, data_dir), None, None, "not valid JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("data_version"), str):
        raise DataError(shown_path(path, data_dir), "data_version", None, "missing")
    return manifest


def base_version_id(data_dir: Path) -> str:
    """The id of the base version (the data version of ``python -m metrics.build``)."""
    return read_manifest(data_dir, data_dir)["data_version"]


def current_version_id(data_dir: Path) -> str:
    """The id named by ``CURRENT``, or the base version's when there is no pointer."""
    pointer = data_dir / CURRENT_NAME
    try:
        text = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return base_version_id(data_dir)
    if not (VERSION_ID_RE.match(text) or BASE_ID_RE.match(text)):
        raise DataError(shown_path(pointer, data_dir), None, None,
                        "does not name a data version")
    return text


def version_folder(data_dir: Path, version_id: str) -> Path:
    """Where version ``version_id`` lives (the base version is the data folder itself)."""
    if VERSION_ID_RE.match(version_id):
        folder = data_dir / VERSIONS_DIR / version_id
        if (folder / MANIFEST_NAME).exists():
            return folder
    elif BASE_ID_RE.match(version_id) and version_id == base_version_id(data_dir):
        return data_dir
    raise DataError(shown_path(data_dir / VERSIONS_DIR, data_dir), None, None,
                    f"no data version {version_id!r}")


def resolve_current(data_dir: Path) -> tuple[str, Path]:
    """The current version's id and folder, resolved once (a reader then uses only that)."""
    version_id = current_version_id(data_dir)
    return version_id, version_folder(data_dir, version_id)


def list_versions(data_dir: Path) -> list[dict]:
    """Every version's manifest, oldest first (the base version first)."""
    out = [read_manifest(data_dir, data_dir)]
    folder = data_dir / VERSIONS_DIR
    if folder.is_dir():
        published = []
        for sub in folder.iterdir():
            if sub.is_dir() and VERSION_ID_RE.match(sub.name):
                with contextlib.suppress(DataError):
                    published.append(read_manifest(sub, data_dir))
        out += sorted(published, key=lambda m: m["data_version"])
    return out


@contextlib.contextmanager
def locked(data_dir: Path):
    """Hold the data folder's lock: one publish or rollback at a time."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_NAME).open("a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def set_current(data_dir: Path, version_id: str) -> None:
    """Make ``version_id`` current: write the pointer in full, then one atomic rename."""
    version_folder(data_dir, version_id)  # it must exist
    tmp = data_dir / (CURRENT_NAME + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(version_id + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / CURRENT_NAME)
    _fsync_dir(data_dir)


def new_version_id(digest: str, data_dir: Path | None = None) -> str:
    """A new version's id: the UTC time now and 8 hex digits of what it was made from.

    Ids sort in publishing order (history and vintages are sorted by id): with ``data_dir``, a
    publish in the same second as an earlier version waits for the next second (the hex digits
    would otherwise order the two at random).
    """
    import time

    for _ in range(30):
        version_id = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{digest[:8]}"
        folder = data_dir / VERSIONS_DIR if data_dir is not None else None
        if folder is None or not folder.is_dir() or not any(
                p.name[:16] == version_id[:16] for p in folder.iterdir()):
            return version_id
        time.sleep(0.05)
    return version_id


def publish_version(data_dir: Path, frames: dict[str, pd.DataFrame], *, version_id: str,
                    parent: str, inputs: list[dict], changes: dict,
                    built_from: dict[str, list[str]]) -> str:
    """Write ``frames`` as version ``version_id`` (immutable), then make it current.

    The caller holds :func:`locked` and has validated the tables.
    """
    if not VERSION_ID_RE.match(version_id):
        raise ValueError(f"not a version id: {version_id!r}")
    versions = data_dir / VERSIONS_DIR
    versions.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=versions))
    try:
        entries = write_table_files(tmp, frames, built_from)
        manifest = {"data_version": version_id, "built_at": utc_now(), "parent": parent,
                    "published_by": os_user(), "inputs": inputs, "changes": changes,
                    "tables": entries}
        write_manifest(tmp, manifest)
        verify_folder(tmp, manifest, data_dir)
        _fsync_dir(tmp)
        final = versions / version_id
        if final.exists():
            raise DataError(shown_path(final, data_dir), None, None,
                            "a version with this id exists already; publish again")
        os.rename(tmp, final)
        _fsync_dir(versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    set_current(data_dir, version_id)
    return version_id


def clean_temporary(data_dir: Path) -> None:
    """Remove half-written version folders left by a killed publish (never a real version)."""
    folder = data_dir / VERSIONS_DIR
    if folder.is_dir():
        for sub in folder.glob(".tmp-*"):
            shutil.rmtree(sub, ignore_errors=True)


# -- audit log ------------------------------------------------------------------------------

def os_user() -> str:
    """The operating-system user running this process."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def audit(data_dir: Path, action: str, outcome: str, **fields) -> dict:
    """Append one event to ``audit.jsonl`` (time, OS user, action, outcome, details)."""
    event = {"time": utc_now(), "user": os_user(), "action": action, "outcome": outcome,
             **fields}
    data_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(event, ensure_ascii=False, default=str) + "\n"
    fd = os.open(data_dir / AUDIT_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return event


def read_audit(data_dir: Path) -> list[dict]:
    """Every audit event, oldest first (a damaged line is skipped, never fatal)."""
    path = data_dir / AUDIT_NAME
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            event = json.loads(line)
            if isinstance(event, dict):
                events.append(event)
    return events
