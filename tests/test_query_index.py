"""The indexed query path returns exactly the rows of the plain pandas path (issue 13).

The app indexes the shared observations of a data version once (metrics.query.register_index);
every select, latest_figure and same_period_figure then reads positions instead of masking every
row. Compared here on the bundled data and on a 100k-row synthetic dataset.
"""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from metrics.load import load_dataset
from metrics.paths import REPO_ROOT
from metrics.query import available_points, enrich_observations, register_index, select


def _compare(obs, n: int, seed: int = 7) -> int:
    plain = obs.copy()  # another frame: the mask path
    register_index(obs)
    keys = list(zip(obs["indicator_id"], obs["region_code"], obs["industry_code"],
                    obs["period"]))
    rng = random.Random(seed)
    checked = 0
    for _ in range(n):
        k = rng.choice(keys)
        args = {"indicator_id": rng.choice([k[0], None]), "region_code": rng.choice([k[1], None]),
                "industry_code": rng.choice([k[2], None]),
                "period": rng.choice([k[3], None, None]),
                "up_to": rng.choice([None, 202405, 202312, 201901])}
        if rng.random() < 0.1:
            args["indicator_id"] = "no_such_indicator"
        fast, slow = select(obs, **args), select(plain, **args)
        assert list(fast.index) == list(slow.index), args
        assert fast.equals(slow)
        checked += len(fast)
    assert available_points(obs) == available_points(plain)
    return checked


def test_index_matches_pandas_on_bundled_data():
    obs = enrich_observations(load_dataset())
    assert _compare(obs, 400) > 0


@pytest.fixture(scope="module")
def synth_100k(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "d"
    subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "synth.py"), "--rows", "100000",
                    "--out", str(out)], check=True, capture_output=True, timeout=300)
    return out


def test_index_matches_pandas_on_100k_rows(synth_100k):
    obs = enrich_observations(load_dataset(synth_100k))
    assert len(obs) == 100_000
    assert _compare(obs, 150) > 0


def test_limit_rows_caps_and_searches_every_row_beyond_the_cap():
    from metrics.query import limit_rows

    obs = enrich_observations(load_dataset())
    rows, total = limit_rows(obs, "", 50)
    assert (len(rows), total) == (50, len(obs))
    # beyond the cap a search reaches every row's raw text, not only the first 50
    last_quote = obs.iloc[-1]["quote"][:12]
    found, n = limit_rows(obs, last_quote, 50)
    assert n >= 1 and last_quote in " ".join(found["quote"])
    small, n_small = limit_rows(obs.head(10), "no such text", 50)
    assert (len(small), n_small) == (10, 10)  # under the cap nothing is filtered here
