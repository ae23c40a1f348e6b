"""The benchmark tools: the synthetic generator, the websocket load test and the benchmark's smoke
mode. Not timed: these check that the tools work and tell the truth, not how fast the app is."""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from metrics.load import load_dataset
from metrics.paths import DATA_DIR
from metrics.schema import SPECS
from tools import benchmark, synth
from tools.appserver import DATA_DIR_ENV, start_server
from tools.loadtest import STEPS, LoadTestError, report, run_load


@pytest.fixture(scope="module")
def synth_2k(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "d2k"
    synth.generate(2000, out, seed=3, quiet=True)
    return out


def test_synthetic_dataset_is_contract_valid_and_loads(synth_2k):
    ds = load_dataset(synth_2k)
    assert len(ds["observations"]) == 2000
    assert set(ds.tables) == set(SPECS)
    for name, spec in SPECS.items():
        assert pq.read_schema(synth_2k / f"{name}.parquet").remove_metadata() == spec.schema, name


def test_synthetic_dataset_says_it_is_synthetic(synth_2k):
    ds = load_dataset(synth_2k)
    src = ds["sources"]
    assert set(src["publisher"]) == {synth.PUBLISHER}
    assert set(src["tier"]) == {"C"}
    assert set(ds["observations"]["quote"]) == {synth.QUOTE}
    assert set(ds["entities"]["quote"]) == {synth.QUOTE}
    regions = ds["regions"]
    made_up = regions[regions["region_code"].str.startswith("9")]
    assert len(made_up) >= 300
    assert made_up["name_en"].str.contains("Synthetic").all()
    assert made_up["region_code"].str.fullmatch(r"9\d{5}").all()
    growth = ds["observations"].merge(ds["indicators"][["indicator_id", "kind"]])
    rates = growth[growth["kind"] == "growth"]["value"]
    assert rates.between(*synth.GROWTH_CLIP).all()


def test_synthetic_manifest_is_like_the_build(synth_2k):
    manifest = json.loads((synth_2k / "manifest.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{12}", manifest["data_version"])
    assert manifest["synthetic"] is True
    assert set(manifest["tables"]) == set(SPECS)
    for name, entry in manifest["tables"].items():
        data = (synth_2k / f"{name}.parquet").read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["rows"] == pq.read_metadata(synth_2k / f"{name}.parquet").num_rows
        assert (synth_2k / f"{name}.meta.yml").exists()


def test_synthetic_observations_are_sorted_and_unique(synth_2k):
    keys = pq.read_table(synth_2k / "observations.parquet",
                         columns=list(SPECS["observations"].key)).to_pylist()
    tuples = [tuple(k.values()) for k in keys]
    assert tuples == sorted(tuples)
    assert len(set(tuples)) == len(tuples)


def test_generator_refuses_data_folder_and_bad_rows(tmp_path, capsys):
    with pytest.raises(synth.SynthError, match="refusing"):
        synth.generate(10, DATA_DIR / "synthetic")
    assert synth.main(["--rows", "0", "--out", str(tmp_path / "x")]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert not (DATA_DIR / "synthetic").exists()


def test_loadtest_refuses_remote_hosts():
    with pytest.raises(LoadTestError, match="loopback"):
        run_load("http://example.org:8501", 1)
    with pytest.raises(LoadTestError, match="sessions"):
        run_load("http://127.0.0.1:1", 0)


def test_benchmark_rejects_unknown_part(capsys):
    assert benchmark.main(["--only", "rerun,warp"]) == 2
    assert "--only" in capsys.readouterr().err


def test_benchmark_smoke_rerun_on_synthetic_data(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)   # restored after the test
    out = tmp_path / "results.md"
    code = benchmark.main(["--smoke", "--rows", "2000", "--only", "rerun",
                           "--pages", "dashboard.py,pages/5_targets.py", "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert code == 0, text
    assert "floor: one-line page" in text and "pages/5_targets.py" in text
    assert "synthetic, 2,000 observations" in text
    assert re.search(r"\| rerun \| dashboard.py \| 3 \| [\d,]+ ms \|", text)


@pytest.mark.browser
def test_loadtest_two_sessions_zero_errors(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    with start_server() as server:
        res = run_load(server.base, 2, duration=180, step_timeout=90, pid=server.pid)
    text = report(res, {"server": server.base})
    assert res.errors == [], text
    assert res.completed == 2
    for step in STEPS[:4]:
        assert len(res.times[step]) == 2, text
    assert len(res.times["download"]) + len(res.skipped) == 2, text
    assert res.rss and all(mb > 0 for _, mb in res.rss)
    assert "Errors: 0" in text


@pytest.mark.browser
def test_benchmark_smoke_browser_and_start(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    out = tmp_path / "results.md"
    code = benchmark.main(["--smoke", "--only", "browser,start", "--pages", "pages/1_growth.py",
                           "--out", str(out)])
    text = out.read_text(encoding="utf-8")
    assert code == 0, text
    assert "floor: one-chart page" in text
    assert re.search(r"\| browser \| pages/1_growth.py \| 4 \| [\d,]+ ms \|", text)
    assert re.search(r"\| browser: industry \| pages/1_growth.py \| 4 \| [\d,]+ ms \|", text)
    assert re.search(r"\| start \| dashboard.py \(overview\), as deployed: python -m "
                     r"deploy.replica \| 1 \| [\d.]+ s \|", text)
    assert "server peak RSS" in text
    assert os.environ.get(DATA_DIR_ENV) is None


@pytest.mark.browser
def test_a_replica_opens_the_overview_itself_once_it_answers(monkeypatch):
    """python -m deploy.replica (as the deployment starts each replica) runs the overview once
    as soon as it is healthy, so the first browser finds it warm; it still serves as before."""
    from deploy.replica import WARMED, _option

    assert _option(["--server.port", "8501", "--server.address=0.0.0.0"], "--server.port") \
        == "8501"
    assert _option(["--server.address=0.0.0.0"], "--server.address") == "0.0.0.0"
    assert _option([], "--server.port") is None
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    with start_server(replica=True) as server:
        deadline = time.monotonic() + 120
        while not any(WARMED in line for line in server.log) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any(WARMED in line for line in server.log), "\n".join(server.log[-20:])
        res = run_load(server.base, 1, duration=120, step_timeout=90, pid=server.pid)
    assert res.errors == [] and res.completed == 1, report(res, {"server": server.base})
