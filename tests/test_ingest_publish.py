"""Release import (metrics.ingest): versions, revisions, history, diff, rollback, the command
line's exit codes, the audit log, and publish / build killed at random moments.

Every test works on a temporary copy of the data folder (or a tiny one built from
tests/conftest.py's TINY tree), never on the repository's data/.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
from datetime import date
from pathlib import Path

import pytest

from metrics.build import build
from metrics.ingest import (IngestError, check_files, diff_versions, history, publish_files,
                            rollback)
from metrics.load import load_dataset
from metrics.store import VERSION_ID_RE, read_audit
from metrics.validate import DataError
from tests.conftest import TINY, write_tree
from tests.ingest_support import (Zygote, audit_lines, current_of, data_dir,  # noqa: F401
                                  long_csv, pristine_data, rel_dir, run_cli, snapshot,
                                  write_release)

KEY = ("iva_growth_cum", "370200", "C39", "2026-09")
FIRST = {"publisher": "青岛市统计局", "title": "1—9月份全市工业经济运行情况",
         "date_published": "2026-10-20", "url": "https://qdtj.qingdao.gov.cn/a.html", "tier": "A",
         "source_id": "qd-2026-10-20-first"}
SECOND = {"publisher": "青岛市统计局", "title": "1—9月份全市工业经济运行情况(修订)",
          "date_published": "2026-11-05", "url": "https://qdtj.qingdao.gov.cn/b.html",
          "tier": "A", "source_id": "qd-2026-11-05-revised"}


def release(folder: Path, name: str, value: float, sidecar: dict, *extra: str) -> Path:
    return write_release(folder, name, long_csv(
        f"iva_growth_cum,370200,C39,2026-09,{value},,published,1—9月电子设备制造业增长{value}%。,",
        *extra), sidecar=sidecar)


def obs_value(ds, key) -> float | None:
    obs = ds["observations"]
    hit = obs[(obs["indicator_id"] == key[0]) & (obs["region_code"] == key[1])
              & (obs["industry_code"] == key[2]) & (obs["period"] == key[3])]
    return float(hit["value"].iloc[0]) if len(hit) else None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- versions, revisions, history, diff, rollback ---------------------------------------------

def test_publish_makes_a_version_and_switches_current(data_dir, rel_dir):
    base = load_dataset(data_dir)
    before = snapshot(data_dir)
    path = release(rel_dir, "first.csv", 9.1, FIRST,
                   "iva_growth_cum,370200,C36,2026-09,12.0,,published,汽车制造业增长12.0%。,")
    version, preview = publish_files([path], data_dir)
    assert VERSION_ID_RE.match(version)
    assert preview.changes.counts() == {"added": 2, "revised": 0, "removed": 0, "unchanged": 0,
                                        "refused": 0}
    folder = data_dir / "versions" / version
    assert (data_dir / "CURRENT").read_text().strip() == version
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parent"] == base.version
    assert manifest["inputs"][0]["file"] == "first.csv"
    assert manifest["inputs"][0]["sha256"] == sha256(path)
    assert manifest["changes"]["added"] == 2
    for name, entry in manifest["tables"].items():
        assert entry["sha256"] == sha256(folder / f"{name}.parquet")
    # the base version's files are untouched: a version is a new folder
    after = snapshot(data_dir)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"CURRENT"} | {
        f"versions/{version}/{p.name}" for p in folder.iterdir()}
    ds = load_dataset(data_dir)
    assert ds.version == version and ds.parent == base.version
    assert len(ds["observations"]) == len(base["observations"]) + 2
    assert obs_value(ds, KEY) == 9.1
    assert not ds.revised_keys - base.revised_keys


def test_revision_keeps_the_earlier_vintage(data_dir, rel_dir):
    base = load_dataset(data_dir)
    v1, _ = publish_files([release(rel_dir, "first.csv", 9.1, FIRST)], data_dir)
    v2, preview = publish_files([release(rel_dir, "second.csv", 9.3, SECOND)], data_dir)
    assert preview.changes.counts()["revised"] == 1
    assert preview.changes.counts()["added"] == 0
    (old_row, new), = preview.changes.revised
    assert old_row["value"] == 9.1 and new.value == 9.3
    ds = load_dataset(data_dir)
    assert ds.version == v2 and ds.parent == v1
    assert obs_value(ds, KEY) == 9.3
    assert len(ds["observations"]) == len(base["observations"]) + 1
    assert KEY in ds.revised_keys
    vintages = ds.vintages(KEY)
    assert len(vintages) == 1
    vintage = vintages.iloc[0]
    assert vintage["value"] == 9.1
    assert vintage["source_id"] == FIRST["source_id"]
    assert vintage["published_in"] == v1 and vintage["superseded_in"] == v2
    assert vintage["superseded_on"] == date.today().isoformat()
    assert "9.1" in vintage["quote"]
    current = ds["observations"]
    row = current[current["period"] == "2026-09"].iloc[0]
    assert row["source_id"] == SECOND["source_id"]
    assert ds.source(SECOND["source_id"])["title"] == SECOND["title"]
    # a third release revises again: both earlier vintages kept, oldest first
    third = dict(SECOND, source_id="qd-2026-11-20-third", title="第三次发布")
    v3, _ = publish_files([release(rel_dir, "third.csv", 9.4, third)], data_dir)
    ds = load_dataset(data_dir)
    assert list(ds.vintages(KEY)["value"]) == [9.1, 9.3]
    assert list(ds.vintages(KEY)["superseded_in"]) == [v2, v3]


def test_history_and_diff(data_dir, rel_dir):
    base = load_dataset(data_dir).version
    first = release(rel_dir, "first.csv", 9.1, FIRST)
    v1, _ = publish_files([first], data_dir)
    v2, _ = publish_files([release(rel_dir, "second.csv", 9.3, SECOND,
                                   "iva_growth_cum,370200,C36,2026-09,12.0,,published,引文。,")],
                          data_dir)
    hist = history(data_dir)
    assert [h["version"] for h in hist] == [base, v1, v2]
    assert [h["current"] for h in hist] == [False, False, True]
    assert hist[1]["inputs"] == ["first.csv"] and hist[1]["parent"] == base
    assert (hist[1]["added"], hist[1]["revised"], hist[1]["removed"]) == (1, 0, 0)
    assert (hist[2]["added"], hist[2]["revised"], hist[2]["removed"]) == (1, 1, 0)
    assert hist[0]["added"] == len(load_dataset(data_dir)["observations"]) - 2
    d = diff_versions(data_dir, base, v1)
    assert d == {"added": [(KEY, 9.1)], "removed": [], "changed": []}
    d = diff_versions(data_dir, v1, v2)
    assert d["changed"] == [(KEY, 9.1, 9.3)]
    assert d["added"] == [(("iva_growth_cum", "370200", "C36", "2026-09"), 12.0)]
    assert diff_versions(data_dir, v2, base)["removed"] == sorted(
        [(KEY, 9.3), (("iva_growth_cum", "370200", "C36", "2026-09"), 12.0)])
    # the command line: history one line per version, id first; diff shows + and ~
    proc = run_cli(data_dir, "history")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [base, v1, v2]
    fields = lines[1].split("\t")
    assert fields[1].endswith("Z") and fields[2] == "first.csv"
    assert "added 1" in fields and "revised 0" in fields and "removed 0" in fields
    assert lines[2].endswith("current")
    proc = run_cli(data_dir, "diff", v1, v2)
    assert proc.returncode == 0, proc.stderr
    assert "added 1, removed 0, changed 1" in proc.stdout
    assert "~ iva_growth_cum 370200 C39 2026-09: 9.1 -> 9.3" in proc.stdout
    assert "+ iva_growth_cum 370200 C36 2026-09 = 12" in proc.stdout


def test_rollback_makes_the_old_figures_current_and_deletes_nothing(data_dir, rel_dir):
    base = load_dataset(data_dir)
    v1, _ = publish_files([release(rel_dir, "first.csv", 9.1, FIRST)], data_dir)
    v2, _ = publish_files([release(rel_dir, "second.csv", 9.3, SECOND)], data_dir)
    files = snapshot(data_dir)
    events = len(audit_lines(data_dir))
    assert rollback(data_dir, base.version) == v2
    ds = load_dataset(data_dir)
    assert ds.version == base.version
    assert obs_value(ds, KEY) is None
    assert len(ds["observations"]) == len(base["observations"])
    after = snapshot(data_dir)
    # nothing deleted or changed but the pointer
    assert {k: v for k, v in after.items() if k != "CURRENT"} == {
        k: v for k, v in files.items() if k != "CURRENT"}
    assert (data_dir / "versions" / v1).is_dir() and (data_dir / "versions" / v2).is_dir()
    new_events = audit_lines(data_dir)[events:]
    assert len(new_events) == 1
    assert {k: new_events[0][k] for k in ("action", "outcome", "version", "previous")} == {
        "action": "rollback", "outcome": "ok", "version": base.version, "previous": v2}
    # roll forward to v1, through the command line
    proc = run_cli(data_dir, "rollback", v1)
    assert proc.returncode == 0, proc.stderr
    assert f"current version is now {v1} (was {base.version})" in proc.stdout
    ds = load_dataset(data_dir)
    assert ds.version == v1 and obs_value(ds, KEY) == 9.1
    assert [h["current"] for h in history(data_dir)] == [False, True, False]
    # a publish after a rollback builds on the current version
    v3, preview = publish_files([release(rel_dir, "second.csv", 9.3, SECOND)], data_dir)
    assert preview.parent == v1 and preview.changes.counts()["revised"] == 1
    assert load_dataset(data_dir).parent == v1


@pytest.mark.parametrize("version", ["20990101T000000Z-deadbeef", "000000000000", "latest",
                                     "../../etc"])
def test_rollback_to_an_unknown_version_is_refused(data_dir, rel_dir, version):
    v1, _ = publish_files([release(rel_dir, "first.csv", 9.1, FIRST)], data_dir)
    files = snapshot(data_dir)
    events = len(audit_lines(data_dir))
    with pytest.raises(DataError, match="no data version"):
        rollback(data_dir, version)
    assert snapshot(data_dir) == files and current_of(data_dir) == v1
    event, = audit_lines(data_dir)[events:]
    assert (event["action"], event["outcome"], event["version"]) == ("rollback", "refused",
                                                                     version)
    proc = run_cli(data_dir, "rollback", version)
    assert proc.returncode == 1
    assert proc.stderr.startswith("refused:") and "no data version" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(data_dir) == files and current_of(data_dir) == v1


def test_rollback_to_a_damaged_version_is_refused(data_dir, rel_dir):
    base = load_dataset(data_dir).version
    v1, _ = publish_files([release(rel_dir, "first.csv", 9.1, FIRST)], data_dir)
    rollback(data_dir, base)
    with (data_dir / "versions" / v1 / "observations.parquet").open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(DataError, match="does not match the manifest"):
        rollback(data_dir, v1)
    assert current_of(data_dir) == base


def test_publishing_the_same_file_twice_makes_nothing_new(data_dir, rel_dir):
    path = release(rel_dir, "first.csv", 9.1, FIRST)
    v1, _ = publish_files([path], data_dir)
    files = snapshot(data_dir)
    version, preview = publish_files([path], data_dir)
    assert version is None
    assert preview.changes.counts()["unchanged"] == 1
    assert snapshot(data_dir) == files
    assert sorted(p.name for p in (data_dir / "versions").iterdir()) == [v1]
    assert audit_lines(data_dir)[-1]["outcome"] == "nothing-new"
    proc = run_cli(data_dir, "publish", path)
    assert proc.returncode == 0, proc.stderr
    assert "nothing new" in proc.stdout and "published version" not in proc.stdout
    assert snapshot(data_dir) == files


def test_a_refused_file_among_good_ones_publishes_nothing(data_dir, rel_dir):
    good = release(rel_dir, "first.csv", 9.1, FIRST)
    bad = write_release(rel_dir, "bad.csv", long_csv(
        "iva_growth_cum,370200,C36,2026-09,约6.3,,published,引文。,"))
    files = snapshot(data_dir)
    with pytest.raises(IngestError, match=r"bad\.csv, row 2, column 'value', rule number"):
        publish_files([good, bad], data_dir)
    assert snapshot(data_dir) == files


def test_cli_exit_codes(data_dir, rel_dir):
    path = release(rel_dir, "first.csv", 9.1, FIRST)
    proc = run_cli(data_dir, "check", path)
    assert proc.returncode == 0, proc.stderr
    assert "rows added 1, revised 0, unchanged 0, refused 0" in proc.stdout
    assert "+ iva_growth_cum 370200 C39 2026-09 = 9.1" in proc.stdout
    assert "check passed: nothing was written" in proc.stdout
    assert not (data_dir / "versions").exists()
    proc = run_cli(data_dir, "publish", path)
    assert proc.returncode == 0, proc.stderr
    version = proc.stdout.strip().splitlines()[-1].removeprefix("published version ")
    assert VERSION_ID_RE.match(version) and current_of(data_dir) == version
    proc = run_cli(data_dir, "check", release(rel_dir, "second.csv", 9.3, SECOND))
    assert proc.returncode == 0
    assert "~ iva_growth_cum 370200 C39 2026-09: 9.1 -> 9.3" in proc.stdout
    # refusals: 1, 'refused:', no traceback, whether from a file, a figure or a missing file
    bad = write_release(rel_dir, "bad.csv", long_csv(
        "iva_growth_cum,370200,C36,2026-09,约6.3,,published,引文。,"))
    for args in (["check", bad], ["publish", bad], ["check", rel_dir / "missing.csv"],
                 ["publish", rel_dir / "missing.csv"], ["diff", version, "nope"]):
        proc = run_cli(data_dir, *args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "refused:" in proc.stderr, args
        assert "Traceback" not in proc.stderr + proc.stdout, args
    assert "bad.csv, row 2, column 'value', rule number" in run_cli(
        data_dir, "check", bad).stdout + run_cli(data_dir, "publish", bad).stderr
    assert current_of(data_dir) == version


def test_cli_honours_the_data_folder_variable(data_dir, rel_dir, tmp_path):
    """Two data folders: a publish into one leaves the other (and the repository) alone."""
    other = Path(shutil.copytree(data_dir, tmp_path / "other"))
    files = snapshot(other)
    proc = run_cli(data_dir, "publish", release(rel_dir, "first.csv", 9.1, FIRST))
    assert proc.returncode == 0, proc.stderr
    assert snapshot(other) == files
    assert (data_dir / "CURRENT").exists() and not (other / "CURRENT").exists()


# -- audit log --------------------------------------------------------------------------------

def test_every_action_adds_one_audit_line(data_dir, rel_dir):
    path = release(rel_dir, "first.csv", 9.1, FIRST)
    bad = write_release(rel_dir, "bad.csv", b"")
    base = load_dataset(data_dir).version
    steps = [("check", "ok", lambda: check_files([path], data_dir)),
             ("publish", "ok", lambda: publish_files([path], data_dir)),
             ("publish", "nothing-new", lambda: publish_files([path], data_dir)),
             ("check", "refused", lambda: check_files([bad], data_dir)),
             ("publish", "refused", lambda: publish_files([bad], data_dir)),
             ("rollback", "ok", lambda: rollback(data_dir, base)),
             ("rollback", "refused", lambda: rollback(data_dir, "20990101T000000Z-00000000"))]
    for action, outcome, step in steps:
        n = len(audit_lines(data_dir))
        try:
            step()
        except (IngestError, DataError):
            assert outcome == "refused"
        lines = (data_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n + 1, action
        event = json.loads(lines[-1])
        assert (event["action"], event["outcome"]) == (action, outcome)
        assert event["user"]
        assert event["time"].endswith("Z") and len(event["time"]) == 20
        if action in ("check", "publish"):
            (entry,) = event["files"]
            used = bad if outcome == "refused" else path
            assert entry["file"] == used.name and entry["sha256"] == sha256(used)
        else:
            assert "version" in event
    # append only: the earlier lines are never rewritten
    assert [e["action"] for e in read_audit(data_dir)] == [a for a, _, _ in steps]


# -- a crash or kill at any moment ------------------------------------------------------------

KILLS = int(os.environ.get("QD_INGEST_KILLS", "100"))
REVISED_KEY = ("iva_growth_cum", "370200", "ALL", "2024-05")


def _kill_release(folder: Path, i: int) -> tuple[Path, tuple, float]:
    """Release i (< 600): a new key (a period and region of its own) and a revision of
    REVISED_KEY."""
    region = ("000000", "370000", "370200", "370212")[i % 4]
    period = f"{2010 + i // 40}-{2 + (i // 4) % 10:02d}"
    key = ("iva_growth_cum", region, "C", period)
    value = round(9.6 + 0.01 * (i + 1), 2)
    path = write_release(folder, f"kill-{i:03d}.csv", long_csv(
        f"iva_growth_cum,{region},C,{period},5.5,,published,{period}制造业增长5.5%。,",
        f"iva_growth_cum,370200,ALL,2024-05,{value},,published,1-5月增长{value}%。,"),
        sidecar={"title": f"第{i}次发布", "date_published": "2024-07-01",
                 "source_id": f"kill-{i:03d}", "region": "370200"})
    return path, key, value


def _state(data_dir: Path) -> dict:
    ds = load_dataset(data_dir)
    return {"version": ds.version, "parent": ds.parent, "rows": len(ds["observations"]),
            "revisions": len(ds["revisions"]), "value": obs_value(ds, REVISED_KEY), "ds": ds}


def test_publish_killed_at_random_moments(tiny_data, tmp_path):
    """SIGKILL ``python -m metrics.ingest publish`` KILLS times at a random moment between its
    start and the time a publish takes, and KILLS // 5 more times while it writes the new
    version's folder: each time the data folder loads whole, as the version before or the new
    one, never a mix; every tenth publish runs to the end and works, leaving no temporary
    folder behind."""
    rel = tmp_path / "rel"
    rel.mkdir()
    data = tiny_data
    versions = data / "versions"
    rng = random.Random(8)
    zygote = Zygote()
    env = {"QD_DASHBOARD_DATA_DIR": str(data)}

    def writing() -> bool:
        return versions.is_dir() and any(p.name.startswith(".tmp-") for p in versions.iterdir())

    try:
        # how long a publish takes here (the machine is shared: the last runs to the end)
        times = []
        for i in range(3):
            path, key, value = _kill_release(rel, 500 + i)
            killed, seconds, code = zygote.run({"cmd": "ingest", "argv": ["publish", str(path)],
                                                "env": env})
            assert code == 0 and not killed
            times.append(seconds)
            assert obs_value(load_dataset(data), key) == 5.5
        # per kill: the old version current, or the new one; 'tmp left' and 'orphan' count kills
        # during the write (a temporary folder, a version folder never made current)
        outcomes = {"old": 0, "new": 0, "tmp left": 0, "orphan": 0, "ended before the kill": 0}
        seen = {h["version"] for h in history(data)}
        window = 0.5  # how long writing the version folder takes, followed as kills land
        i = kills = write_kills = 0
        after = _state(data)
        while kills < KILLS or write_kills < KILLS // 5:
            i += 1
            assert i < 4 * KILLS
            before = after
            path, key, value = _kill_release(rel, i)
            finish = i % 10 == 0  # every tenth publish runs to the end
            targeted = not finish and write_kills < KILLS // 5 and (i % 3 == 0 or kills >= KILLS)
            job = {"cmd": "ingest", "argv": ["publish", str(path)], "env": env}
            if finish:
                killed, seconds, code = zygote.run(job)
            elif targeted:
                killed, seconds, code = zygote.run(job, rng.uniform(0, window), after=writing)
            else:
                killed, seconds, code = zygote.run(
                    job, rng.uniform(0, statistics.median(times[-5:]) * 1.1))
            tmp_left = writing()
            after = _state(data)  # loads whole, or the test fails here
            if finish or not killed:
                assert code == 0, f"publish {i} failed with exit code {code}"
                assert not tmp_left, "a finished publish left a temporary folder"
                outcomes["ended before the kill"] += not finish
                times.append(seconds)
            if killed:
                outcomes["tmp left"] += tmp_left
                if targeted:
                    write_kills += 1
                else:
                    kills += 1
            if targeted:
                window *= 1.05 if killed else 0.85
            if after["version"] == before["version"]:
                assert not finish and killed
                assert {k: after[k] for k in ("rows", "revisions", "value")} == {
                    k: before[k] for k in ("rows", "revisions", "value")}
                assert obs_value(after["ds"], key) is None
                outcomes["old"] += 1
            else:
                assert after["version"] not in seen
                assert after["parent"] == before["version"]
                assert after["rows"] == before["rows"] + 1
                assert after["revisions"] == before["revisions"] + 1
                assert after["value"] == value and obs_value(after["ds"], key) == 5.5
                outcomes["new"] += killed
            seen.add(after["version"])
        # version folders written but never made current (killed between the two steps)
        outcomes["orphan"] = len({h["version"] for h in history(data)} - seen)
        # a later publish works and cleans what the kills left
        path, key, value = _kill_release(rel, 599)
        killed, _, code = zygote.run({"cmd": "ingest", "argv": ["publish", str(path)],
                                      "env": env})
        assert code == 0
        assert not writing()
        final = _state(data)
        assert final["value"] == value and obs_value(final["ds"], key) == 5.5
        for line in (data / "audit.jsonl").read_text(encoding="utf-8").splitlines():
            json.loads(line)  # every audit line whole
    finally:
        zygote.close()
    print(f"\npublish takes {statistics.median(times):.2f} s (median of {len(times)} runs to "
          f"the end); {kills} kills at random, {write_kills} while writing: {outcomes}")
    assert outcomes["old"] > 0, outcomes
    assert outcomes["tmp left"] + outcomes["orphan"] + outcomes["new"] >= KILLS // 10, outcomes


TINY_B = dict(TINY)
TINY_B["observations/o.csv"] = TINY["observations/o.csv"].replace(
    "iva_growth_cum,370200,HT,2024-05,9.8,", "iva_growth_cum,370200,HT,2024-05,10.1,") + (
    "iva_growth_cum,370212,ALL,2024-05,7.7,,published,test-c,崂山区1-5月增长7.7%。,,,\n")
TINY_B["sources/s.csv"] = TINY["sources/s.csv"] + "test-c,崂山发布,崂山标题,2024-06-20,,B,,,\n"
TINY_B["targets/t.csv"] = TINY["targets/t.csv"].replace(",5000,", ",5200,")


def _signature(ds) -> tuple:
    return (ds.version, tuple((n, len(df)) for n, df in sorted(ds.tables.items())),
            tuple(sorted(zip(ds["observations"]["industry_code"],
                             ds["observations"]["region_code"], ds["observations"]["period"],
                             ds["observations"]["value"]))),
            tuple(ds["targets"]["target_value"]))


def test_build_killed_while_writing(tmp_path):
    """SIGKILL ``metrics.build`` (writing build B over build A) at least KILLS times during its
    write phase: the loader loads all of A or all of B, or refuses the folder because its files
    do not match the manifest; never a mixed set."""
    src_a = write_tree(tmp_path / "src-a", TINY)
    src_b = write_tree(tmp_path / "src-b", TINY_B)
    pristine = tmp_path / "pristine"
    build(src_a, pristine)
    clean_b = tmp_path / "clean-b"
    build(src_b, clean_b)
    sig_a, sig_b = _signature(load_dataset(pristine)), _signature(load_dataset(clean_b))
    assert sig_a != sig_b and sig_a[0] != sig_b[0]
    rng = random.Random(4754)
    zygote = Zygote()
    outcomes = {"A": 0, "B": 0, "refused": 0}
    write_kills = runs = 0
    try:
        marks = []
        for i in range(3):
            out = Path(shutil.copytree(pristine, tmp_path / f"cal-{i}"))
            job = {"cmd": "build-timed", "src": str(src_b), "out": str(out),
                   "marks": str(tmp_path / "marks.json")}
            assert zygote.run(job)[2] == 0
            marks.append(json.loads((tmp_path / "marks.json").read_text()))
        start = statistics.median(m["write_start"] for m in marks)
        end = statistics.median(m["end"] for m in marks)
        window = (end - start) * 1.1
        while write_kills < KILLS:
            runs += 1
            assert runs <= 2 * KILLS, f"only {write_kills} kills in the write phase"
            out = tmp_path / "out"
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(pristine, out)
            # killed at a random moment after the build made its temporary folder (it writes
            # there, then moves the files into place); the machine is shared, so the window
            # follows how long the writes take
            killed, _, code = zygote.run({"cmd": "build", "src": str(src_b), "out": str(out)},
                                         rng.uniform(0, window),
                                         after=lambda: any(out.glob(".build-*")))
            if killed and any(out.glob(".build-*")):
                write_kills += 1
                window *= 1.05
            else:
                window *= 0.85
            try:
                sig = _signature(load_dataset(out))
            except DataError as exc:
                assert "does not match the manifest" in str(exc), str(exc)
                outcomes["refused"] += 1
                continue
            assert sig in (sig_a, sig_b), "a mixed set was loaded"
            outcomes["A" if sig == sig_a else "B"] += 1
    finally:
        zygote.close()
    print(f"\nbuild writes from {start:.2f} s to {end:.2f} s; {runs} runs, {write_kills} "
          f"killed while writing: {outcomes}")


def test_build_moved_in_part_is_refused(tmp_path):
    """Every state a build passes through while it moves its files into place (build A with the
    first k files of build B): the loader loads A, B, or refuses the mix by the manifest."""
    pristine = tmp_path / "a"
    build(write_tree(tmp_path / "src-a", TINY), pristine)
    b = tmp_path / "b"
    build(write_tree(tmp_path / "src-b", TINY_B), b)
    sig_a, sig_b = _signature(load_dataset(pristine)), _signature(load_dataset(b))
    files = sorted(p.name for p in b.iterdir() if p.name != "manifest.json") + ["manifest.json"]
    refused = 0
    for k in range(len(files) + 1):
        out = Path(shutil.copytree(pristine, tmp_path / f"out-{k}"))
        for name in files[:k]:
            shutil.copy2(b / name, out / name)
        try:
            sig = _signature(load_dataset(out))
        except DataError as exc:
            assert "does not match the manifest" in str(exc), str(exc)
            refused += 1
            continue
        assert sig == (sig_a if k < len(files) else sig_b)
    # files B shares with A (unchanged tables) leave A whole until a changed one moves in
    assert refused >= len(files) - 4
