"""The scan path (metrics/scan.py, DuckDB over a version's Parquet file) answers as the pandas
path does, and a million observations open within the memory limit (issue 13).

Compared on the bundled data, on a small and a 100k-row synthetic dataset: selections by
indicator, region, industry, period and point in time; the latest figure as of a point; the data
page's filtered, searched and capped rows and their count; the points with Qingdao figures. The
app's way in at scale (metrics.load.open_version) gives the figure pages exactly the rows of
their regions, the data page every row, and refuses a broken file with the message the pandas
loader gives.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import metrics.scan
from metrics.build import build
from metrics.load import load_dataset, load_version, open_version
from metrics.schema import SPECS
from metrics.paths import DATA_DIR, REPO_ROOT
from metrics.query import (available_points, enrich_observations, latest_figure, limit_rows,
                           point_to_end, register_index, register_scan, select, select_limited)
from metrics.scan import ObservationScan, page_regions
from metrics.validate import DataError
from tests.conftest import TINY, write_tree

SYNTH = REPO_ROOT / "tools" / "synth.py"
# The figure pages' process must stay within 600 MB (issue 13); this process holds no
# Streamlit (about 100 MB more), so the data layer gets 450 MB.
RSS_LIMIT_MB = 450


def _synth(out: Path, rows: int) -> Path:
    subprocess.run([sys.executable, str(SYNTH), "--rows", str(rows), "--out", str(out)],
                   check=True, capture_output=True, timeout=300)
    return out


@pytest.fixture(scope="module")
def synth_small(tmp_path_factory) -> Path:
    return _synth(tmp_path_factory.mktemp("synth") / "small", 3_000)


@pytest.fixture(scope="module")
def synth_100k(tmp_path_factory) -> Path:
    return _synth(tmp_path_factory.mktemp("synth") / "100k", 100_000)


@pytest.fixture(scope="session")
def synth_1m(tmp_path_factory) -> Path:
    return _synth(tmp_path_factory.mktemp("synth") / "1m", 1_000_000)


def _criteria(rng: random.Random, keys: list[tuple]) -> dict:
    k = rng.choice(keys)
    args = {"indicator_id": rng.choice([k[0], None]), "region_code": rng.choice([k[1], None]),
            "industry_code": rng.choice([k[2], None]), "period": rng.choice([k[3], None, None]),
            "up_to": rng.choice([None, 202405, 202312, 201901, 202512])}
    if rng.random() < 0.1:
        args["indicator_id"] = "no_such_indicator"
    return args


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.index) == list(b.index)
    pd.testing.assert_frame_equal(a, b[list(a.columns)], check_index_type=False)


def compare_paths(folder: Path, n: int, seed: int = 7) -> int:
    """Random queries of every kind through both paths over one version folder; returns the
    rows compared."""
    ds = load_version(folder)
    full = enrich_observations(ds)
    scan = ObservationScan(ds.folder / "observations.parquet", ds["indicators"],
                           ds.revised_keys)
    keys = list(zip(full["indicator_id"], full["region_code"], full["industry_code"],
                    full["period"]))
    rng = random.Random(seed)
    quotes = [q for q in full["quote"].dropna().unique() if len(q) > 6]
    compared = 0
    for _ in range(n):
        args = _criteria(rng, keys)
        plain = select(full, **args)
        _same(plain, scan.select(**args))
        assert scan.count(**args) == len(plain)
        compared += len(plain)
        if args["indicator_id"] and args["region_code"] and args["industry_code"]:
            want = latest_figure(full, args["indicator_id"], args["region_code"],
                                 args["industry_code"], args["up_to"])
            got = scan.latest(args["indicator_id"], args["region_code"], args["industry_code"],
                              args["up_to"])
            assert (want is None) == got.empty
            if want is not None:
                assert want == latest_figure(got, *[args[k] for k in (
                    "indicator_id", "region_code", "industry_code", "up_to")])
        criteria = {k: v for k, v in args.items() if k != "period"}
        query = rng.choice(["", "", rng.choice(quotes)[2:8] if quotes else "", "ALL",
                            "no such text at all"])
        limit = rng.choice([5, 50, 1000])
        want_rows, want_total = limit_rows(select(full, **criteria), query, limit)
        got_rows, got_total = scan.page(criteria, query, limit)
        assert got_total == want_total, (criteria, query, limit)
        _same(want_rows, got_rows)
    ends = [point_to_end(p) for p in available_points(full)]
    assert scan.points() == ends
    return compared


def test_scan_matches_pandas_on_bundled_data(tmp_path: Path):
    # the current version's files, copied: a publish elsewhere must not change them mid-test
    folder = load_dataset(DATA_DIR).folder
    for path in folder.iterdir():
        if path.suffix in (".parquet", ".yml", ".json"):
            shutil.copy2(path, tmp_path / path.name)
    assert compare_paths(tmp_path, 80) > 0


def test_scan_matches_pandas_on_tiny_and_small_synthetic(tiny_data: Path, synth_small: Path):
    assert compare_paths(tiny_data, 30) > 0
    assert compare_paths(synth_small, 60) > 0


def test_scan_matches_pandas_on_100k_rows(synth_100k: Path):
    assert compare_paths(synth_100k, 40) > 1000


# The figure pages' rows stream in Arrow batches: one batch, and many of an odd size.
@pytest.mark.parametrize("batch_rows", [metrics.scan.BATCH_ROWS, 997])
def test_open_version_at_scale_serves_pages_and_the_data_page(synth_100k: Path, monkeypatch,
                                                              batch_rows):
    monkeypatch.setattr(metrics.scan, "SCAN_ROWS", 50_000)
    monkeypatch.setattr(metrics.scan, "BATCH_ROWS", batch_rows)
    full = enrich_observations(load_dataset(synth_100k))
    ds = open_version(synth_100k)
    assert ds.scan is not None and ds.rows("observations") == 100_000
    regions = page_regions(ds["regions"])
    assert set(ds["observations"]["region_code"]) == set(regions) & set(full["region_code"])
    obs = enrich_observations(ds)
    in_scope = full[full["region_code"].isin(regions)]
    _same(in_scope, obs)
    register_index(obs)
    register_scan(obs, ds.scan)
    register_index(full)
    # figure pages: the same answers as over every row (their regions are all in the frame)
    series = sorted({(r.indicator_id, r.region_code, r.industry_code)
                     for r in in_scope.itertuples()})
    for ind, reg, indu in random.Random(5).sample(series, min(300, len(series))):
        assert (latest_figure(obs, ind, reg, indu, 202406)
                == latest_figure(full, ind, reg, indu, 202406))
    assert available_points(obs) == available_points(full)
    # the data page: select on the frame, then limit_rows reaches every region's rows
    for industry, up_to, query in ((None, None, ""), ("C13", 202312, ""), (None, 202405, "9101"),
                                   ("ALL", None, "synthetic")):
        want = limit_rows(select(full, industry_code=industry, up_to=up_to), query, 1000)
        got = limit_rows(select(obs, industry_code=industry, up_to=up_to), query, 1000)
        assert got[1] == want[1]
        _same(want[0], got[0])
        # the data page asks the file at once, never making the frame's whole selection
        direct = select_limited(obs, query, 1000, industry_code=industry, up_to=up_to)
        assert direct[1] == want[1]
        _same(want[0], direct[0])
        assert select_limited(full, query, 1000, industry_code=industry, up_to=up_to)[1] \
            == want[1]
    # a frame cut from a selection is not a selection: limit_rows works on what it was given
    part = select(obs, industry_code="ALL").head(7)
    assert limit_rows(part, "", 1000)[1] == 7


def test_small_versions_keep_the_pandas_path(tiny_data: Path):
    ds = open_version(tiny_data)
    assert ds.scan is None
    assert ds.rows("observations") == len(ds["observations"])


# Corruptions a hand edit could make (file and manifest rewritten together): each row, the
# value and what the loader must say. The pandas loader and the SQL one must say the same.
BROKEN_ROWS = [
    (0, "region_code", "999999"),
    (1, "industry_code", "XX"),
    (2, "source_id", "nosuch"),
    (3, "quote", "  \u3000"),
    (4, "status", "official"),
    (0, "period", "2023-13"),
    (1, "value", 980000.0),
    (5, "derivation", "1 + 1"),
    (2, "indicator_id", "no_such_indicator"),
    (6, "value", -4800.0),
    (3, "region_code", "37020"),
    (2, "quote", None),
    (1, "value", float("nan")),
    (1, "qualifier", "≈"),
]


def _rewrite(folder: Path, row: int, column: str, value) -> None:
    from metrics.store import sha256_file

    path = folder / "observations.parquet"
    table = pq.read_table(path)
    values = table[column].to_pylist()
    values[row] = value
    idx = table.schema.get_field_index(column)
    import pyarrow as pa
    table = table.set_column(idx, table.schema.field(idx).with_nullable(True),
                             pa.array(values, table.schema.field(idx).type))
    pq.write_table(table, path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["observations"]["sha256"] = sha256_file(path)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _message(loader, folder: Path) -> str:
    with pytest.raises(DataError) as info:
        loader(folder)
    return str(info.value)


@pytest.mark.parametrize("row,column,value", BROKEN_ROWS,
                         ids=[f"{c}={v!r}" for _, c, v in BROKEN_ROWS])
def test_sql_validation_says_what_pandas_says(tiny_data: Path, monkeypatch, row, column, value):
    _rewrite(tiny_data, row, column, value)
    want = _message(load_version, tiny_data)
    monkeypatch.setattr(metrics.scan, "SCAN_ROWS", 1)
    assert _message(open_version, tiny_data) == want


def test_sql_validation_finds_duplicates_and_unused_sources(tiny_src: Path, tmp_path: Path,
                                                            monkeypatch):
    monkeypatch.setattr(metrics.scan, "SCAN_ROWS", 1)
    out = tmp_path / "dup"
    build(tiny_src, out)
    table = pq.read_table(out / "observations.parquet")
    key = table.slice(2, 1)
    import pyarrow as pa
    pq.write_table(pa.concat_tables([table, key, key]), out / "observations.parquet")
    from metrics.store import sha256_file
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["observations"].update(rows=table.num_rows + 2,
                                              sha256=sha256_file(out / "observations.parquet"))
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _message(open_version, out) == _message(load_version, out)
    assert "duplicate key (2 rows)" in _message(open_version, out)

    tree = write_tree(tmp_path / "src2", {**TINY, "sources/s.csv": TINY["sources/s.csv"]})
    build(tree, tmp_path / "ok")
    table = pq.read_table(tmp_path / "ok" / "observations.parquet")
    keep = pa.array([s != "test-b" for s in table["source_id"].to_pylist()])
    pq.write_table(table.filter(keep), tmp_path / "ok" / "observations.parquet")
    manifest = json.loads((tmp_path / "ok" / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["observations"].update(
        rows=table.filter(keep).num_rows, sha256=sha256_file(tmp_path / "ok" / "observations.parquet"))
    (tmp_path / "ok" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    message = _message(open_version, tmp_path / "ok")
    assert message == _message(load_version, tmp_path / "ok")
    assert "test-b" in message and "cited by no observation" in message


def test_scan_reads_only_the_checked_file(synth_small: Path, monkeypatch):
    """The manifest's sha256 guards the file the scan queries: a changed file is refused
    before any query runs."""
    monkeypatch.setattr(metrics.scan, "SCAN_ROWS", 1)
    path = synth_small / "observations.parquet"
    saved = path.read_bytes()
    try:
        table = pq.read_table(path)
        pq.write_table(table.slice(0, table.num_rows - 1), path)
        assert "does not match the manifest's checksum" in _message(open_version, synth_small)
    finally:
        path.write_bytes(saved)
    assert open_version(synth_small).scan is not None


MEASURE = """
import json, sys, time
from pathlib import Path
import duckdb, pandas, pyarrow  # the libraries every app process imports anyway
from metrics.load import open_version
from metrics.query import (available_points, enrich_observations, latest_figure, limit_rows,
                           register_index, register_scan, select)
def rss():
    # the peak of this process's own memory (VmHWM): ru_maxrss would carry the parent's peak
    # over fork and exec
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
before = rss()
t0 = time.perf_counter()
ds = open_version(Path(sys.argv[1]))
obs = enrich_observations(ds)
register_index(obs)
register_scan(obs, ds.scan)
opened = time.perf_counter() - t0
t1 = time.perf_counter()
points = available_points(obs)
fig = latest_figure(obs, "iva_growth_cum", "370200", "ALL", None)
rows, total = limit_rows(select(obs, industry_code=None, up_to=None), "", 1000)
found, n_found = limit_rows(select(obs, industry_code="C13", up_to=None), "9101", 1000)
queried = time.perf_counter() - t1
print(json.dumps({"before": before, "peak": rss(), "opened": opened, "queried": queried,
                  "scan": ds.scan is not None, "rows": ds.rows("observations"),
                  "total": total, "shown": len(rows), "found": n_found,
                  "fig": fig is not None, "points": len(points)}))
"""


def test_a_million_rows_open_within_the_memory_limit(synth_1m: Path):
    out = subprocess.run([sys.executable, "-c", MEASURE, str(synth_1m)], cwd=REPO_ROOT,
                         check=True, capture_output=True, text=True, timeout=300)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    assert m["scan"] and m["rows"] == 1_000_000, m
    assert m["total"] == 1_000_000 and m["shown"] == 1000, m
    assert m["found"] > 0 and m["fig"] and m["points"] > 0, m
    assert m["peak"] <= RSS_LIMIT_MB, m


PAGES = ("dashboard.py", "pages/1_growth.py", "pages/2_clusters.py", "pages/3_digital.py",
         "pages/4_innovation.py", "pages/5_targets.py", "pages/9_data.py")


def test_every_page_runs_on_a_version_opened_at_scale(synth_100k: Path, monkeypatch):
    """The app end to end on the scan path: each page renders without an exception, the footer
    counts every observation, the data page shows the capped rows of every region."""
    from components.data import forget_loaded
    from tests.apptest import run_page, texts

    monkeypatch.setenv("QD_DASHBOARD_DATA_DIR", str(synth_100k))
    monkeypatch.setattr(metrics.scan, "SCAN_ROWS", 50_000)
    forget_loaded()
    try:
        for script in PAGES:
            at = run_page(script, lang="en")
            assert not at.exception, (script, at.exception)
            shown = texts(at)
            assert "100,000 figures" in shown or "100000 figures" in shown, script
        data = run_page("pages/9_data.py", lang="en")
        assert any("1,000" in i.value or "1000" in i.value for i in data.info), \
            [i.value for i in data.info]
    finally:
        forget_loaded()


def test_release_memory_puts_the_query_limit_back():
    """After a version is opened the memory DuckDB kept is handed back by lowering its limit;
    the limit every later query has is the configured one again."""
    con = metrics.scan.connection()
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    metrics.scan.release_memory()
    after = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert after == before
    assert metrics.scan._limit_mb("256MB") == 256 and metrics.scan._limit_mb("1GB") == 1024


def test_arrow_batches_give_the_frame_of_the_whole_table():
    """Streaming a result in batches makes the frame arrow_to_frame makes of the whole table:
    texts (None for empty, one object per distinct text across batches), numbers, flags,
    lists, the index; also for no batch at all."""
    from metrics.load import arrow_batches_to_frame, arrow_to_frame

    spec = SPECS["entities"]
    rows = []
    for i in range(2_500):
        row = {c.name: None for c in spec.columns}
        for c in spec.columns:
            if pa.types.is_string(c.type):
                row[c.name] = None if (c.nullable and i % 7 == 0) else f"{c.name}-{i % 13}"
            elif c.name in spec.list_columns:
                row[c.name] = [] if i % 5 == 0 else [f"C{i % 31}", "C39"]
            elif pa.types.is_floating(c.type):
                row[c.name] = None if i % 11 == 0 else i / 3
            elif pa.types.is_boolean(c.type):
                row[c.name] = i % 2 == 0
            elif pa.types.is_integer(c.type):
                row[c.name] = i
        row["_pos"] = 10 * i
        rows.append(row)
    schema = pa.schema([*spec.schema, pa.field("_pos", pa.int64())])
    table = pa.Table.from_pylist(rows, schema=schema)
    whole = arrow_to_frame(table, spec)
    whole.index = pd.Index(table.column("_pos").to_numpy())
    for size in (1, 333, 2_500, 10_000):
        got = arrow_batches_to_frame(table.to_batches(max_chunksize=size), spec, index="_pos")
        pd.testing.assert_frame_equal(got, whole, check_index_type=False)
        text = next(c.name for c in spec.columns if pa.types.is_string(c.type))
        assert len({id(v) for v in got[text] if v is not None}) == got[text].nunique()
    empty = arrow_batches_to_frame([], spec, index="_pos")
    assert list(empty.columns) == [c.name for c in spec.columns] and len(empty) == 0
