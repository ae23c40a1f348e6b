"""The one place where pages get data: the current data version, loaded once per process.

The tables are identical for every user and change only when a new version is published (or the
base is rebuilt). So they are loaded once per version and held in this process, read-only, and
shared by every session without a copy: not in ``st.cache_data``, which unpickles a copy on
every hit, and out of reach of the client's "clear cache" message, which would make every other
session reload. A publish is picked up at the next rerun without a restart: each rerun reads the
``CURRENT`` pointer once (:func:`get_loaded`) and then uses only that version. A version of
millions of observations is opened through metrics.scan (DuckDB over its Parquet file): only the
rows the figure pages show are held here.
``QD_DASHBOARD_DATA_DIR`` points the app at another data folder (tests, a release candidate).
"""
from __future__ import annotations

import gc
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.load import Dataset, load_sidecar, open_version
from metrics.memo import register_owner
from metrics.paths import DATA_DIR
from metrics.query import enrich_observations, register_index, register_scan
from metrics.scan import release_memory
from metrics.store import (MANIFEST_NAME, current_version_id, list_versions, resolve_current,
                           version_folder)
from metrics.validate import DataError

DATA_DIR_ENV = "QD_DASHBOARD_DATA_DIR"
# Versions held at once: the current one and the one before it (sessions mid-switch).
KEEP_VERSIONS = 2


@dataclass(frozen=True)
class Loaded:
    """One version's validated dataset and its observations enriched with period ends."""

    ds: Dataset
    obs: pd.DataFrame


_LOADED: OrderedDict[tuple, Loaded | DataError] = OrderedDict()
_SIDECARS: dict[tuple[str, str], dict] = {}
_LOCK = threading.Lock()


def data_dir() -> Path:
    """The data folder in use: the bundled ``data/`` unless the environment names another."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


def _stamp(folder: Path) -> tuple[int, int]:
    """The manifest's change time and size: a rebuilt base version gets a new cache entry
    (a published version never changes)."""
    try:
        st_ = (folder / MANIFEST_NAME).stat()
    except OSError:
        return (0, 0)
    return (st_.st_mtime_ns, st_.st_size)


def get_loaded(version_id: str | None = None) -> Loaded:
    """The current version (or ``version_id``, a version a link is pinned to), loaded once per
    process (raises DataError when it is broken).

    A broken version is remembered for its stamp, so a page does not re-hash every file on each
    rerun; a fixed or newly published version has another key and is loaded at once.
    """
    root = data_dir()
    if version_id is None:
        version_id, folder = resolve_current(root)
    else:
        folder = version_folder(root, version_id)
    key = (str(folder), version_id, _stamp(folder))
    with _LOCK:
        hit = _LOADED.get(key)
        if hit is None:
            try:
                # at scale (metrics.scan.SCAN_ROWS observations) the frame holds the figure
                # pages' regions and the data page reads the file through ds.scan
                ds = open_version(folder, root)
                obs = enrich_observations(ds)
                register_index(obs)  # once per version: pages select series by key
                # results derived from the version's tables are kept once per version
                for owner in (ds, *ds.tables.values()):
                    register_owner(owner)
                if ds.scan is not None:
                    register_scan(obs, ds.scan)
                    # the enrichment's and the index's temporaries, handed back at scale
                    release_memory()
                hit = Loaded(ds, obs)
            except DataError as exc:
                hit = exc
            _LOADED[key] = hit
            while len(_LOADED) > KEEP_VERSIONS:
                _LOADED.popitem(last=False)
            if isinstance(hit, Loaded):
                _settle_heap()
        else:
            _LOADED.move_to_end(key)
    if isinstance(hit, DataError):
        raise hit
    return hit


def get_sidecar(ds: Dataset, name: str) -> dict:
    """The metadata of table ``name`` in the version ``ds`` was read from (for downloads).

    A broken sidecar is reported on the page (as plain text) and the bundle goes without it.
    """
    folder = ds.folder or data_dir()
    key = (str(folder), name)
    with _LOCK:
        if key not in _SIDECARS:
            try:
                _SIDECARS[key] = load_sidecar(name, folder)
            except DataError as exc:
                st.warning(str(exc).replace("\n", " "), icon=":material/warning:")
                return {}
        return _SIDECARS[key]


def _settle_heap() -> None:
    """Keep the long-lived objects out of Python's full garbage collections.

    The imported modules and the loaded versions (frames, the index's keys) are most of the
    objects the cyclic collector tracks (128,000 of 153,000 after a page), and they live as long
    as the process or the version. Every full collection scanned them again: 62 ms, now and then
    in the middle of a page run (the reruns' p95). Collected once and frozen here (gc.freeze),
    a full collection takes 11 ms. Frozen objects that later lose their last reference are still
    freed; those in reference cycles wait until the next load thaws everything first."""
    gc.unfreeze()   # a version dropped above goes back under the collector
    gc.collect()
    gc.freeze()


def forget_loaded() -> None:
    """Drop every loaded version (tests that rewrite a data folder in place)."""
    with _LOCK:
        _LOADED.clear()
        _SIDECARS.clear()
        gc.unfreeze()


def version_ids() -> tuple[list[str], str]:
    """Every data version on disk (oldest first) and the current one's id."""
    root = data_dir()
    return [m["data_version"] for m in list_versions(root)], current_version_id(root)
