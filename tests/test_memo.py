"""Results kept once per data version (metrics.memo): what is kept, under which key, when it
goes, and that a page's warm rerun computes nothing again and shows the same as a cold one."""
from __future__ import annotations

import gc

import pandas as pd
import pytest

from metrics import memo
from metrics.memo import memo_stats, per_version, register_owner
from metrics.query import enrich_observations, latest_figure, register_index
from metrics.load import load_dataset
from tests.apptest import run_page, texts

CALLS: list[tuple] = []


@per_version
def _total(frame: pd.DataFrame, column: str, factor: int | list = 1) -> float:
    CALLS.append((id(frame), column, str(factor)[:20]))
    return float(frame[column].sum()) * (factor if isinstance(factor, int) else len(factor))


@per_version
def _head(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    CALLS.append(("head", n))
    return frame.head(n)


@per_version
def _rows_of(frame: pd.DataFrame) -> int:
    CALLS.append(("rows", id(frame)))
    return len(frame)


@pytest.fixture()
def frame():
    CALLS.clear()
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})
    register_owner(df)
    return df


def test_a_result_is_computed_once_per_owner_and_arguments(frame):
    assert _total(frame, "a") == 6.0
    assert _total(frame, "a") == 6.0
    assert _total(frame, "a", factor=2) == 12.0
    assert _total(frame, "b") == 15.0
    assert len(CALLS) == 3
    other = frame.copy()
    register_owner(other)
    assert _total(other, "a") == 6.0     # another version: its own entry
    assert len(CALLS) == 4


def test_an_unregistered_frame_is_computed_every_time(frame):
    loose = frame.copy()
    before = memo_stats()["uncached"]
    _total(loose, "a")
    _total(loose, "a")
    assert len(CALLS) == 2
    assert memo_stats()["uncached"] == before + 2


def test_a_result_passed_on_keys_the_next_call_but_a_copy_does_not(frame):
    head = _head(frame, 2)
    assert _head(frame, 2) is head
    _rows_of(head)
    _rows_of(head)
    assert CALLS.count(("rows", id(head))) == 1
    copy = head.copy()
    _rows_of(copy)
    _rows_of(copy)
    assert CALLS.count(("rows", id(copy))) == 2


def test_unhashable_or_large_arguments_are_not_kept(frame):
    before = memo_stats()["uncached"]
    _total(frame, "a", factor=[1] * 10)             # a list of numbers: kept
    _total(frame, "a", factor=[1] * 10)
    assert len(CALLS) == 1
    big = list(range(memo.MAX_KEY_PARTS + 10))     # too large to be worth a key
    assert _total(frame, "a", factor=big) == _total(frame, "a", factor=big)
    assert len(CALLS) == 3
    assert memo_stats()["uncached"] == before + 2


def test_entries_go_with_their_version():
    version = pd.DataFrame({"a": [1.0, 2.0]})
    register_owner(version)
    _total(version, "a")
    serial = memo._is_owner(version)
    assert any(serial in k[1] for k in memo._ENTRIES)
    del version
    gc.collect()
    _total(pd.DataFrame({"a": [1.0]}), "a")   # the next call drops the released entries
    assert not any(serial in k[1] for k in memo._ENTRIES)


def test_an_object_given_a_released_owners_id_does_not_meet_its_entries():
    version = pd.DataFrame({"a": [1.0, 2.0]})
    register_owner(version)
    assert _total(version, "a") == 3.0
    old_id = id(version)
    del version
    gc.collect()
    for _ in range(200):   # an object at the same address: a new owner, a new serial
        other = pd.DataFrame({"a": [10.0, 20.0]})
        if id(other) == old_id:
            break
    register_owner(other)
    assert _total(other, "a") == 30.0


def test_the_number_of_entries_is_bounded(frame, monkeypatch):
    monkeypatch.setattr(memo, "MAX_ENTRIES", 5)
    for factor in range(20):
        _total(frame, "a", factor=factor)
    assert memo_stats()["entries"] <= 5
    _total(frame, "a", factor=19)                  # the most recent ones stay
    assert len(CALLS) == 20


def test_figures_of_the_bundled_version_are_shared_not_recomputed():
    ds = load_dataset()
    obs = enrich_observations(ds)
    register_index(obs)
    first = latest_figure(obs, "iva_growth_cum", "370200", "ALL")
    assert latest_figure(obs, "iva_growth_cum", "370200", "ALL") is first
    # the same figure as the uncached function gives
    assert latest_figure.uncached(obs, "iva_growth_cum", "370200", "ALL") == first


PAGES = ["dashboard.py", "pages/0_cockpit.py", "pages/1_growth.py", "pages/2_clusters.py",
         "pages/3_digital.py", "pages/4_innovation.py", "pages/5_targets.py", "pages/9_data.py"]


@pytest.mark.parametrize("page", PAGES)
def test_a_warm_rerun_computes_nothing_again_and_shows_the_same(page):
    """The first run of a view fills the memo; a rerun of the same view only reads it, and
    shows exactly what a run with an empty memo showed."""
    at = run_page(page, lang="en")
    at.run()   # a page's first run may write its defaults to the URL: the view settles
    memo.clear_memo()
    at.run()
    assert not at.exception
    cold = texts(at)
    misses = memo_stats()["misses"]
    at.run()
    assert not at.exception
    assert memo_stats()["misses"] == misses, "a warm rerun derived something again"
    assert texts(at) == cold
