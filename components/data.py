"""Cached loaders: the one place where pages get data.

The tables are small (hundreds of rows), identical for every user and change only when the
files are rebuilt, so they are loaded once per server and per file version: the cache key
includes the manifest's modification time, and a rebuild is picked up on the next rerun.
``QD_DASHBOARD_DATA_DIR`` points the app at another data folder (tests, a release candidate).
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.load import Dataset, load_dataset, load_sidecar
from metrics.validate import DataError
from metrics.paths import DATA_DIR
from metrics.query import enrich_observations

DATA_DIR_ENV = "QD_DASHBOARD_DATA_DIR"


def data_dir() -> Path:
    """The data folder in use: the bundled ``data/`` unless the environment names another."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


def _stamp(folder: Path) -> float:
    try:
        return max(p.stat().st_mtime for p in folder.glob("*") if p.is_file())
    except ValueError:
        return 0.0


@st.cache_data(show_spinner=False, max_entries=4)
def _load(folder: str, stamp: float) -> tuple[Dataset, pd.DataFrame]:
    """The validated dataset of ``folder`` and its observations enriched with period ends.

    Cached per folder and file time: validation runs once per build, not on every rerun.
    A DataError is raised, not cached, so a fixed file is picked up at once.
    """
    ds = load_dataset(Path(folder))
    return ds, enrich_observations(ds)


@st.cache_data(show_spinner=False, max_entries=16)
def _sidecar(folder: str, name: str, stamp: float) -> dict:
    """A table's metadata sidecar, cached like the tables (per folder and file time)."""
    return load_sidecar(name, Path(folder))


def get_sidecar(name: str) -> dict:
    """The metadata of table ``name`` for a download bundle; a broken sidecar is reported on
    the page and the bundle goes without it."""
    folder = data_dir()
    try:
        return _sidecar(str(folder), name, _stamp(folder))
    except DataError as exc:
        st.warning(str(exc))
        return {}


def get_dataset() -> Dataset:
    """The validated dataset (raises metrics.validate.DataError when a file is broken)."""
    folder = data_dir()
    return _load(str(folder), _stamp(folder))[0]


def get_observations() -> pd.DataFrame:
    """Observations with kind, period basis, year and period end (see metrics.query)."""
    folder = data_dir()
    return _load(str(folder), _stamp(folder))[1]
