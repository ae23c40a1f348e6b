"""Releases in: read a bureau's release, check it, publish it as a new data version.

The steps, shared by the command line (``python -m metrics.ingest``) and the upload page:

1. :func:`check_files` reads each file with its sidecar (metrics.ingest.read), maps its layout to
   candidate observations (metrics.ingest.parse), refuses impossible or duplicate values and
   compares the rest with the current version (metrics.ingest.apply). It writes no data; it
   records the check in the audit log.
2. :func:`publish_files` does the same under the data folder's lock, builds the next version's
   tables, validates them against the whole data contract, and publishes them (metrics.store):
   a new immutable folder, then one atomic switch of ``CURRENT``.
3. :func:`rollback`, :func:`history` and :func:`diff_versions` work on the published versions.

Any refusal publishes nothing and leaves every data file byte for byte as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from metrics.ingest.apply import (Changes, check_values, compare, dedupe, inputs_digest,
                                  next_tables, source_row)
from metrics.ingest.parse import Candidate, Reference, parse_release
from metrics.ingest.read import IngestError, Release, read_release
from metrics.load import load_version
from metrics.store import (audit, clean_temporary, list_versions, locked, new_version_id,
                           publish_version, read_audit, resolve_current, set_current,
                           version_folder)
from metrics.validate import FILE_COL, ROW_COL, DataError, validate_tables

__all__ = ["IngestError", "Preview", "check_files", "publish_files", "rollback", "history",
           "diff_versions"]


@dataclass
class Preview:
    """What a set of release files would change, file by file."""

    parent: str
    changes: Changes
    releases: list[Release] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    sources: list[tuple[dict, list[Candidate]]] = field(default_factory=list)
    # the current version's tables the preview was made against (the next version's start)
    current_tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def refused(self) -> list[IngestError]:
        return self.changes.refused

    def inputs(self) -> list[dict]:
        """The input files as the manifest and audit log record them."""
        return [{"file": r.name, "sha256": r.sha256, "sidecar_sha256": r.sidecar_sha256,
                 "layout": self.layouts.get(r.name, ""),
                 "source_id": next((s["source_id"] for s, c in self.sources
                                    if c and c[0].where.startswith(r.name)), "")}
                for r in self.releases]


def _current_tables(data_dir: Path) -> tuple[str, dict[str, pd.DataFrame]]:
    version_id, folder = resolve_current(data_dir)
    ds = load_version(folder, data_dir)
    return version_id, dict(ds.tables)


def _prepare(paths: list[Path], data_dir: Path, allow_implausible: bool, today: date) -> Preview:
    parent, tables = _current_tables(data_dir)
    ref = Reference.from_tables(tables)
    preview = Preview(parent, Changes())
    candidates: list[Candidate] = []
    refused: list[IngestError] = []
    sources: dict[str, tuple[dict, list[Candidate]]] = {}
    existing = tables["sources"].set_index("source_id")
    for path in paths:
        release = read_release(Path(path), today)
        parsed = parse_release(release, ref, today)
        preview.releases.append(release)
        preview.layouts[release.name] = parsed.layout
        preview.skipped += [f"{release.name}, {s}" for s in parsed.skipped]
        src = source_row(release)
        if src["source_id"] in existing.index:
            old = existing.loc[src["source_id"]].to_dict()
            if any((old.get(k) or None) != (v or None) for k, v in src.items()
                   if k != "source_id"):
                raise IngestError(release.name + ".source.yml", f"source_id {src['source_id']!r}"
                                  " exists already with other details; give this release its "
                                  "own source_id", column="source_id", rule="sidecar")
        if src["source_id"] in sources:
            if sources[src["source_id"]][0] != src:
                raise IngestError(release.name + ".source.yml", f"source_id {src['source_id']!r}"
                                  " is used by another input with other details",
                                  column="source_id", rule="sidecar")
        else:
            sources[src["source_id"]] = (src, [])
        sources[src["source_id"]][1].extend(parsed.candidates)
        candidates += parsed.candidates
        refused += parsed.refused
    indicators = tables["indicators"].set_index("indicator_id")
    candidates, value_refusals = check_values(candidates, indicators, allow_implausible)
    candidates, duplicate_refusals = dedupe(candidates)
    preview.changes = compare(tables, candidates)
    preview.changes.refused = refused + value_refusals + duplicate_refusals
    kept = {id(c) for c in candidates}
    preview.sources = [(s, [c for c in cands if id(c) in kept]) for s, cands in sources.values()]
    preview.sources = [(s, c) for s, c in preview.sources if c]
    preview.current_tables = tables
    return preview


def _files_for_audit(paths: list[Path]) -> list[dict]:
    import hashlib

    out = []
    for p in paths:
        p = Path(p)
        entry = {"file": p.name}
        try:
            if p.is_file() and p.stat().st_size <= 64 * 1024 * 1024:
                entry["sha256"] = hashlib.sha256(p.read_bytes()).hexdigest()
        except OSError:
            pass
        out.append(entry)
    return out


def check_files(paths: list[Path], data_dir: Path, *, allow_implausible: bool = False,
                today: date | None = None) -> Preview:
    """Read, map and validate; the preview of what publishing would change. Writes no data
    (the check is recorded in the audit log). Raises IngestError for a refused file."""
    today = today or date.today()
    try:
        preview = _prepare(paths, data_dir, allow_implausible, today)
    except (IngestError, DataError) as exc:
        audit(data_dir, "check", "refused", files=_files_for_audit(paths), message=str(exc))
        raise
    audit(data_dir, "check", "refused" if preview.refused else "ok", files=preview.inputs(),
          counts=preview.changes.counts(), parent=preview.parent,
          **({"message": str(preview.refused[0])} if preview.refused else {}),
          **({"allow_implausible": True} if allow_implausible else {}))
    return preview


def publish_files(paths: list[Path], data_dir: Path, *, allow_implausible: bool = False,
                  today: date | None = None) -> tuple[str | None, Preview]:
    """Check, then publish the result as a new version and make it current.

    Returns (version id, preview); the id is None when nothing would change. Raises
    IngestError when any figure or file is refused: then nothing is written.
    """
    today = today or date.today()
    with locked(data_dir):
        clean_temporary(data_dir)
        try:
            preview = _prepare(paths, data_dir, allow_implausible, today)
            if preview.refused:
                first = preview.refused[0]
                more = len(preview.refused) - 1
                raise IngestError(first.file, first.problem + (f" (and {more} more refusals; "
                                  "run check for the list)" if more else ""), sheet=first.sheet,
                                  row=first.row, column=first.column, rule=first.rule)
            changes = preview.changes
            if not changes.added and not changes.revised:
                audit(data_dir, "publish", "nothing-new", files=preview.inputs(),
                      counts=changes.counts(), parent=preview.parent)
                return None, preview
            version_id = new_version_id(inputs_digest(preview.parent, preview.releases), data_dir)
            tables = next_tables(preview.current_tables, changes, preview.sources,
                                 preview.parent, version_id, today)
            check = {k: v.assign(**{FILE_COL: f"{k} (next version)",
                                    ROW_COL: [f"row {i + 1}" for i in range(len(v))]})
                     for k, v in tables.items()}
            try:
                validate_tables(check)
            except DataError as exc:
                raise IngestError(", ".join(r.name for r in preview.releases),
                                  f"the next version would break the data contract: {exc}",
                                  rule="contract") from None
            built_from = {name: [f"{version_folder(data_dir, preview.parent).name}/{name}"
                                 ".parquet"] + [r.name for r in preview.releases]
                          for name in tables}
            publish_version(data_dir, tables, version_id=version_id, parent=preview.parent,
                            inputs=preview.inputs(), changes=changes.counts(),
                            built_from=built_from)
        except (IngestError, DataError) as exc:
            audit(data_dir, "publish", "refused", files=_files_for_audit(paths),
                  message=str(exc))
            raise
        audit(data_dir, "publish", "ok", version=version_id, parent=preview.parent,
              files=preview.inputs(), counts=changes.counts(),
              **({"allow_implausible": True} if allow_implausible else {}))
        return version_id, preview


def rollback(data_dir: Path, version_id: str) -> str:
    """Make an earlier version current again (a new event; nothing is deleted).

    Returns the version that was current before. Raises DataError for an unknown or broken
    version (then nothing changes).
    """
    with locked(data_dir):
        before, _ = resolve_current(data_dir)
        try:
            folder = version_folder(data_dir, version_id)
            load_version(folder, data_dir)  # whole and valid, or refused
            set_current(data_dir, version_id)
        except DataError as exc:
            audit(data_dir, "rollback", "refused", version=version_id, message=str(exc))
            raise
        audit(data_dir, "rollback", "ok", version=version_id, previous=before)
        return before


def history(data_dir: Path) -> list[dict]:
    """Every version, oldest first: id, time, input files, counts, parent, whether current."""
    current, _ = resolve_current(data_dir)
    # A version folder whose publish was interrupted (killed after the folder was written,
    # before CURRENT switched) was never in use: it is listed, marked, and can still be chosen
    # by a rollback after a look at it.
    published = {e.get("version") for e in read_audit(data_dir)
                  if e.get("outcome") == "ok" and e.get("action") in ("publish", "rollback")}
    out = []
    for manifest in list_versions(data_dir):
        vid = manifest["data_version"]
        changes = manifest.get("changes") or {}
        inputs = manifest.get("inputs")
        if inputs is None:  # the base version, built from data/src
            inputs = [{"file": "data/src (python -m metrics.build)"}]
            obs_rows = (manifest.get("tables", {}).get("observations") or {}).get("rows", 0)
            changes = {"added": obs_rows, "revised": 0, "removed": 0}
        out.append({"version": vid, "time": manifest.get("built_at", ""),
                    "inputs": [i.get("file", "") for i in inputs],
                    "added": changes.get("added", 0), "revised": changes.get("revised", 0),
                    "removed": changes.get("removed", 0), "parent": manifest.get("parent"),
                    "current": vid == current,
                    "interrupted": bool(manifest.get("parent")) and vid != current
                    and vid not in published})
    return out


def diff_versions(data_dir: Path, a: str, b: str) -> dict[str, list]:
    """What changed in the observations from version ``a`` to ``b``: added, removed, changed
    (each change as (key, old value, new value))."""
    import pyarrow.parquet as pq

    from metrics.store import read_manifest, verify_folder

    frames = []
    for vid in (a, b):
        folder = version_folder(data_dir, vid)
        verify_folder(folder, read_manifest(folder, data_dir), data_dir)
        frames.append(pq.read_table(folder / "observations.parquet",
                                    columns=["indicator_id", "region_code", "industry_code",
                                             "period", "value", "qualifier"]).to_pandas())
    old, new = ({tuple(r[:4]): (r[4], r[5]) for r in f.itertuples(index=False)} for f in frames)
    return {"added": sorted((k, new[k][0]) for k in new.keys() - old.keys()),
            "removed": sorted((k, old[k][0]) for k in old.keys() - new.keys()),
            "changed": sorted((k, old[k][0], new[k][0]) for k in old.keys() & new.keys()
                              if old[k] != new[k])}
