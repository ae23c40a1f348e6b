"""The build and the loader: a valid tree builds; each broken input names file, column and row."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metrics.build import build, data_version
from metrics.load import load_dataset
from metrics.validate import DataError
from tests.conftest import TINY, write_tree


def _break(tiny_src: Path, rel: str, old: str, new: str) -> None:
    path = tiny_src / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_tiny_tree_builds_and_loads(tiny_data: Path):
    ds = load_dataset(tiny_data)
    assert len(ds["observations"]) == 7
    assert ds["entities"].set_index("entity_id").loc["appliance-cluster", "industry_codes"] == ["C39", "HT"]
    assert ds["entities"].set_index("entity_id").loc["appliance-cluster", "district_code"] is None
    manifest = json.loads((tiny_data / "manifest.json").read_text())
    assert manifest["data_version"] == ds.version and len(ds.version) == 12
    assert (tiny_data / "observations.meta.yml").read_text(encoding="utf-8").count("title_zh") > 5


def test_version_changes_with_any_source_edit(tiny_src: Path):
    before = data_version(tiny_src)
    _break(tiny_src, "observations/o.csv", "9.8,", "9.9,")
    assert data_version(tiny_src) != before


def test_two_builds_are_byte_identical(tiny_src: Path, tmp_path: Path):
    build(tiny_src, tmp_path / "a")
    build(tiny_src, tmp_path / "b")
    for name in ("observations.parquet", "entities.parquet", "sources.meta.yml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


# Each case: file, text to replace, replacement, and what the message must name.
BROKEN_SOURCES = [
    ("observations/o.csv", "9.8,", "nine,", ("observations/o.csv", "'value'", "line 5", "not a number")),
    ("observations/o.csv", "HT,2024-05", "XX,2024-05", ("observations/o.csv", "'industry_code'", "line 5", "unknown industry")),
    ("observations/o.csv", "370200,ALL,2023", "370299,ALL,2023", ("observations/o.csv", "'region_code'", "line 6", "unknown region")),
    ("observations/o.csv", ",test-b,1-5月", ",nosuch,1-5月", ("observations/o.csv", "'source_id'", "line 4", "unknown source")),
    ("observations/o.csv", "2023,5.8,,published,test-a,2023年增长5.8%。", "2023,5.8,,published,test-a,",
     ("observations/o.csv", "'quote'", "line 6", "empty")),
    ("observations/o.csv", "ALL,2023,5.8", "ALL,2023-13,5.8", ("observations/o.csv", "'period'", "line 6", "period_basis")),
    ("observations/o.csv", "6.2,,published", "6.2,,official", ("observations/o.csv", "'status'", "line 4", "not allowed")),
    ("observations/o.csv", "8.5,,derived,test-a,1-5月增长9.6%，高于全省1.1个百分点。,9.6 - 1.1",
     "8.5,,derived,test-a,1-5月增长9.6%，高于全省1.1个百分点。,", ("'derivation'", "line 3", "arithmetic")),
    ("observations/o.csv", "iva_growth_cum,000000,ALL,2023,4.6", "iva_growth_cum,370200,ALL,2023,4.6",
     ("observations/o.csv", "duplicate key", "line 7", "370200")),
    ("observations/o.csv", "4800,>", "-4800,>", ("'value'", "non-negative", "line 8")),
    ("observations/o.csv", "9.8,,published", "980000,,published", ("'value'", "growth rate outside", "line 5")),
    ("regions/regions.csv", "370212,崂山区", "37212,崂山区", ("regions/regions.csv", "'region_code'", "six-digit")),
    ("entities/e.csv", "C39;HT", "C39;ZZ", ("'industry_codes'", "appliance-cluster", "unknown industry")),
    ("entities/e.csv", ",2023,test-a", ",20x3,test-a", ("entities/e.csv", "'year'", "line 2")),
    ("sources/s.csv", "2024-07-03", "03/07/2024", ("sources/s.csv", "'date_published'", "line 2", "test-a")),
    ("sources/s.csv", "https://example.org/a", "javascript:alert(1)", ("'url'", "http")),
    ("targets/t.csv", ",>=,5000", ",≥,5000", ("targets/t.csv", "'comparator'", "ent-2026")),
    ("indicators/core.csv", "count,as_of", "count,weekly", ("indicators/core.csv", "'period_basis'", "above_scale_enterprises")),
    ("observations/o.csv", "test-a,规上工业企业达到4800多家。,,", "test-a,规上工业企业达到4800多家。,,,extra",
     ("observations/o.csv", "line 8", "more fields")),
]


@pytest.mark.parametrize("rel,old,new,expected", BROKEN_SOURCES,
                         ids=[f"{c[0]}:{c[3][-1]}" for c in BROKEN_SOURCES])
def test_broken_source_names_file_column_row(tiny_src: Path, tmp_path: Path, rel, old, new, expected):
    _break(tiny_src, rel, old, new)
    with pytest.raises(DataError) as info:
        build(tiny_src, tmp_path / "out")
    message = str(info.value)
    for part in expected:
        assert part in message, message
    assert not (tmp_path / "out" / "observations.parquet").exists()


def test_missing_column_in_csv(tiny_src: Path, tmp_path: Path):
    _break(tiny_src, "sources/s.csv", "url,tier", "link,tier")
    with pytest.raises(DataError, match=r"sources/s.csv, column 'url', line 1: missing column"):
        build(tiny_src, tmp_path / "out")


def test_unused_source_is_an_error(tiny_src: Path, tmp_path: Path):
    (tiny_src / "sources/s.csv").write_text(TINY["sources/s.csv"] + "orphan,某报,孤立,2024-01-01,,B,,,\n",
                                            encoding="utf-8")
    with pytest.raises(DataError, match="orphan.*cited by no observation"):
        build(tiny_src, tmp_path / "out")


def test_missing_parquet_file(tiny_data: Path):
    (tiny_data / "sources.parquet").unlink()
    with pytest.raises(DataError, match=r"sources.parquet: file is missing.*python -m metrics.build"):
        load_dataset(tiny_data)


def _reseal(data: Path, name: str) -> None:
    """Make the manifest agree with a rewritten file, so that its content is what is tested."""
    import json

    from metrics.store import sha256_file

    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"][name]["sha256"] = sha256_file(data / f"{name}.parquet")
    (data / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_changed_file_is_refused_as_a_mixed_set(tiny_data: Path):
    table = pq.read_table(tiny_data / "observations.parquet")
    pq.write_table(table.slice(0, 2), tiny_data / "observations.parquet")
    with pytest.raises(DataError, match=r"observations.parquet: the file does not match the "
                       r"manifest's checksum.*python -m metrics.build"):
        load_dataset(tiny_data)


def test_corrupt_parquet_file(tiny_data: Path):
    (tiny_data / "observations.parquet").write_bytes(b"PAR1 this is not parquet")
    _reseal(tiny_data, "observations")
    with pytest.raises(DataError, match=r"observations.parquet: not a readable Parquet file"):
        load_dataset(tiny_data)


def test_parquet_with_wrong_type(tiny_data: Path):
    table = pq.read_table(tiny_data / "observations.parquet")
    idx = table.schema.get_field_index("value")
    table = table.set_column(idx, "value", pa.array([str(v) for v in table["value"].to_pylist()]))
    pq.write_table(table, tiny_data / "observations.parquet")
    _reseal(tiny_data, "observations")
    with pytest.raises(DataError, match=r"observations.parquet, column 'value': type string, expected double"):
        load_dataset(tiny_data)


def test_parquet_failing_validation_names_row(tiny_data: Path):
    table = pq.read_table(tiny_data / "observations.parquet")
    idx = table.schema.get_field_index("region_code")
    codes = table["region_code"].to_pylist()
    codes[0] = "999999"
    table = table.set_column(idx, table.schema.field(idx), pa.array(codes))
    pq.write_table(table, tiny_data / "observations.parquet")
    _reseal(tiny_data, "observations")
    with pytest.raises(DataError) as info:
        load_dataset(tiny_data)
    assert "observations.parquet, column 'region_code', row 1" in str(info.value)
    assert "unknown region" in str(info.value)


def test_missing_manifest(tiny_data: Path):
    (tiny_data / "manifest.json").unlink()
    with pytest.raises(DataError, match="manifest.json: file is missing"):
        load_dataset(tiny_data)


def test_bom_in_source_is_rejected(tiny_src: Path, tmp_path: Path):
    path = tiny_src / "sources/s.csv"
    path.write_text("\ufeff" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataError, match="sources/s.csv.*BOM"):
        build(tiny_src, tmp_path / "out")


def test_tree_helper_writes_everything(tmp_path: Path):
    root = write_tree(tmp_path / "x", {"a/b.csv": "h\n"})
    assert (root / "a/b.csv").read_text() == "h\n"


# -- the streaming build (issue 13): the same files and the same messages, a chunk at a time --

@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two rows, so that the tiny tree spans several (keys repeated across chunks)."""
    import metrics.build

    monkeypatch.setattr(metrics.build, "CHUNK_ROWS", 2)


def test_streaming_build_writes_the_same_files(tiny_src: Path, tmp_path: Path, small_chunks):
    a = build(tiny_src, tmp_path / "a")
    b = build(tiny_src, tmp_path / "b", stream_bytes=0)
    a.pop("built_at"), b.pop("built_at")
    assert a == b
    for name in ("observations.parquet", "observations.meta.yml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert not [p for p in (tmp_path / "b").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("rel,old,new,expected", BROKEN_SOURCES,
                         ids=[f"{c[0]}:{c[3][-1]}" for c in BROKEN_SOURCES])
def test_streaming_build_names_the_same_problem(tiny_src: Path, tmp_path: Path, small_chunks,
                                                rel, old, new, expected):
    _break(tiny_src, rel, old, new)
    with pytest.raises(DataError) as whole:
        build(tiny_src, tmp_path / "whole")
    with pytest.raises(DataError) as streamed:
        build(tiny_src, tmp_path / "streamed", stream_bytes=0)
    assert str(streamed.value) == str(whole.value)
    assert not (tmp_path / "streamed" / "observations.parquet").exists()


def test_synthetic_source_tree_builds_a_flagged_version(tmp_path: Path):
    """tools/synth.py --src writes a CSV tree whose streamed build holds the same rows as the
    generator's own Parquet, and the version says it is synthetic (the app warns)."""
    import subprocess
    import sys

    from metrics.paths import REPO_ROOT

    synth = str(REPO_ROOT / "tools" / "synth.py")
    for extra, out in ((["--src"], "src"), ([], "parquet")):
        subprocess.run([sys.executable, synth, "--rows", "5000", "--out", str(tmp_path / out),
                        *extra], check=True, capture_output=True, timeout=300)
    manifest = build(tmp_path / "src", tmp_path / "built", stream_bytes=0)
    assert manifest["synthetic"] is True and manifest["tables"]["observations"]["rows"] == 5000
    key = ["indicator_id", "region_code", "industry_code", "period"]
    built = pq.read_table(tmp_path / "built" / "observations.parquet").to_pandas()
    made = pq.read_table(tmp_path / "parquet" / "observations.parquet").to_pandas()
    made = made.sort_values(key).reset_index(drop=True)
    assert built.equals(made)
    assert load_dataset(tmp_path / "built").manifest["synthetic"] is True
