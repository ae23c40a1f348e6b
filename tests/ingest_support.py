"""Shared helpers of the release-import tests (tests/test_ingest*.py).

Every test works on a temporary copy of the data folder (data/ without src/ and releases/), never
on the repository's data/. Releases are written into a temporary folder with their sidecar.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from metrics.paths import DATA_DIR, REPO_ROOT

LONG_HEADER = "indicator_id,region_code,industry_code,period,value,qualifier,status,quote,note\n"
# Files of a data folder that are not data: the lock a publish takes (an empty file) and the
# audit log (appended to by every command).
NOT_DATA = {".lock", "audit.jsonl"}

SIDECAR = {"publisher": "青岛市统计局", "title": "2026年10月份规模以上工业生产主要数据",
           "date_published": "2026-11-17", "url": "https://qdtj.qingdao.gov.cn/tjsj/example",
           "tier": "A", "region": "370200"}


def copy_data(dest: Path) -> Path:
    """A copy of the repository's data folder without its source trees (src/, releases/)."""
    return Path(shutil.copytree(DATA_DIR, dest, ignore=shutil.ignore_patterns(
        "src", "releases", ".lock", ".tmp-*", ".build-*",
        # the base version only: the bundled releases (versions/, CURRENT) and their audit
        # log are left out, so each test starts from the same single version
        "versions", "CURRENT", "audit.jsonl")))


@pytest.fixture(scope="session")
def pristine_data(tmp_path_factory) -> Path:
    """One copy of data/ per test session, never written to (tests copy it again)."""
    return copy_data(tmp_path_factory.mktemp("pristine") / "data")


@pytest.fixture
def data_dir(pristine_data: Path, tmp_path: Path) -> Path:
    """A fresh copy of the data folder for one test."""
    return Path(shutil.copytree(pristine_data, tmp_path / "data"))


@pytest.fixture
def rel_dir(tmp_path: Path) -> Path:
    """A folder for release files (outside the data folder)."""
    folder = tmp_path / "releases"
    folder.mkdir()
    return folder


def write_sidecar(path: Path, sidecar: dict | None = None, **changes) -> Path:
    """Write ``<path>.source.yml`` (SIDECAR with ``changes``; a None value drops the key)."""
    meta = {**SIDECAR, **(sidecar or {}), **changes}
    meta = {k: v for k, v in meta.items() if v is not None}
    side = path.with_name(path.name + ".source.yml")
    side.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return side


def write_release(folder: Path, name: str, content: str | bytes, *, encoding: str = "utf-8",
                  sidecar: dict | None = None, **changes) -> Path:
    """A release file with its sidecar."""
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    write_sidecar(path, sidecar, **changes)
    return path


def long_csv(*rows: str) -> str:
    """A long-layout CSV: the header and ``rows`` (each 'indicator,region,industry,period,value'
    optionally followed by qualifier, status, quote, note)."""
    return LONG_HEADER + "".join(r + "\n" for r in rows)


def snapshot(data_dir: Path) -> dict[str, str]:
    """sha256 of every data file of the folder (relative path -> digest), the audit log and the
    lock file left out."""
    return {p.relative_to(data_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data_dir.rglob("*")) if p.is_file() and p.name not in NOT_DATA}


def audit_lines(data_dir: Path) -> list[dict]:
    path = data_dir / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def current_of(data_dir: Path) -> str:
    from metrics.store import current_version_id
    return current_version_id(data_dir)


def run_cli(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m metrics.ingest ARGS`` with QD_DASHBOARD_DATA_DIR set, from the repository."""
    env = {**os.environ, "QD_DASHBOARD_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "metrics.ingest", *map(str, args)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def next_month(today: date) -> str:
    """The month after ``today`` as YYYY-MM (a period that has not ended)."""
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


# -- a bureau's monthly table (wide layout) and a district table ------------------------------

WIDE_ROWS = [
    # title, then the two header rows (the month labels span their two columns)
    ["2026年10月份规模以上工业生产主要数据", None, None, None, None],
    ["指标", "10月", None, "1—10月", None],
    [None, "绝对量", "同比增长(%)", "绝对量", "同比增长(%)"],
    ["规模以上工业增加值", "—", "５.８", "—", "6.1％"],
    ["分三大门类", None, None, None, None],
    ["采矿业", "—", "3.2", "—", "4.0"],
    ["制造业", "—", "6.3", "—", "6.6"],
    ["电力、热力、燃气及水生产和供应业", "—", "2.1", "—", "—"],
    ["分行业", None, None, None, None],
    ["其中：农副食品加工业", "—", "1.5", "—", "－0.4"],
    ["汽车制造业", "—", "12.0", "—", "10.5"],
    ["计算机、通信和其他电子设备制造业", "—", "9.2", "—", "１０.１"],
    ["高技术制造业", "—", "9.8", "—", "9.9"],
    ["装备制造业", "—", "8.8", "—", "9.0"],
    ["分产品", None, None, None, None],
    ["汽车(万辆)", "1,234.5", "12.3", "9,876", "8.8"],
    ["注：1.规模以上工业统计范围为年主营业务收入2000万元及以上的工业法人单位。", None, None, None,
     None],
    ["2.本表中增速为可比价增速。", None, None, None, None],
]
# What the table above holds: (indicator, region, industry, period) -> value.
WIDE_EXPECTED = {
    ("iva_growth_month", "370200", "ALL", "2026-10"): 5.8,
    ("iva_growth_cum", "370200", "ALL", "2026-10"): 6.1,
    ("iva_growth_month", "370200", "B", "2026-10"): 3.2,
    ("iva_growth_cum", "370200", "B", "2026-10"): 4.0,
    ("iva_growth_month", "370200", "C", "2026-10"): 6.3,
    ("iva_growth_cum", "370200", "C", "2026-10"): 6.6,
    ("iva_growth_month", "370200", "D", "2026-10"): 2.1,
    ("iva_growth_month", "370200", "C13", "2026-10"): 1.5,
    ("iva_growth_cum", "370200", "C13", "2026-10"): -0.4,
    ("iva_growth_month", "370200", "C36", "2026-10"): 12.0,
    ("iva_growth_cum", "370200", "C36", "2026-10"): 10.5,
    ("iva_growth_month", "370200", "C39", "2026-10"): 9.2,
    ("iva_growth_cum", "370200", "C39", "2026-10"): 10.1,
    ("iva_growth_month", "370200", "HT", "2026-10"): 9.8,
    ("iva_growth_cum", "370200", "HT", "2026-10"): 9.9,
    ("iva_growth_month", "370200", "EQ", "2026-10"): 8.8,
    ("iva_growth_cum", "370200", "EQ", "2026-10"): 9.0,
}

DISTRICT_ROWS = [
    ["2026年10月份各区市规模以上工业增加值增速", None, None],
    ["区市", "10月增速(%)", "1—10月增速(%)"],
    ["全市", "5.8", "6.1"],
    ["市南区", "—", "3.5"],
    ["黄岛区（西海岸新区）", "7.2", "8.0"],
    ["崂山区", "１２.４", "10.9"],
    ["胶州市", "-1.3", "2.0"],
    ["即墨区", "…", "/"],
    ["注：全市增速按可比价计算。", None, None],
]
DISTRICT_EXPECTED = {
    ("iva_growth_month", "370200", "ALL", "2026-10"): 5.8,
    ("iva_growth_cum", "370200", "ALL", "2026-10"): 6.1,
    ("iva_growth_cum", "370202", "ALL", "2026-10"): 3.5,
    ("iva_growth_month", "370211", "ALL", "2026-10"): 7.2,
    ("iva_growth_cum", "370211", "ALL", "2026-10"): 8.0,
    ("iva_growth_month", "370212", "ALL", "2026-10"): 12.4,
    ("iva_growth_cum", "370212", "ALL", "2026-10"): 10.9,
    ("iva_growth_month", "370281", "ALL", "2026-10"): -1.3,
    ("iva_growth_cum", "370281", "ALL", "2026-10"): 2.0,
}
DISTRICT_SIDECAR = {"title": "2026年10月份各区市规模以上工业增加值增速", "region": None}


def rows_csv(rows: list[list[object]]) -> str:
    """Rows of cells as CSV text (None is an empty cell)."""
    import csv
    import io
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue()


def write_xlsx(path: Path, rows: list[list[object]], *, merges: list[str] = (),
               sheet: str = "Sheet1", extra=None) -> Path:
    """An .xlsx made with openpyxl; merged cells are written in their first cell only."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    if extra:
        extra(wb, ws)
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list[object]], *, merges: list[tuple] = ()) -> Path:
    """An .xls (BIFF8) made with xlwt; merges as (first row, last row, first col, last col)."""
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
    covered = {(r, c) for (r0, c0), (r1, c1) in merged.items() for r in range(r0, r1 + 1)
               for c in range(c0, c1 + 1)} - set(merged)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            if (r, c) in merged:
                r1, c1 = merged[(r, c)]
                ws.write_merge(r, r1, c, c1, value)
            elif value is not None:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def wide_merged_rows() -> list[list[object]]:
    """The wide table as a spreadsheet holds it: the month labels in the first of two merged
    cells, the label column's header merged over the two header rows."""
    rows = [list(r) for r in WIDE_ROWS]
    rows[2][0] = None
    return rows


WIDE_MERGES_XLSX = ["A1:E1", "A2:A3", "B2:C2", "D2:E2"]
WIDE_MERGES_XLS = [(0, 0, 0, 4), (1, 2, 0, 0), (1, 1, 1, 2), (1, 1, 3, 4)]


# -- killing a publish or a build at random moments ------------------------------------------

# A process that imports the data layer once, then forks one child per command: each child runs
# ``python -m metrics.ingest ARGS`` (the module as __main__, through runpy) or metrics.build.build,
# and is killed by the test. Forking skips the 2-3 s of imports per run, so that a hundred kills
# fit in a minute, while every run is still a separate process that dies without cleaning up.
ZYGOTE = r'''
import json, os, runpy, sys, time
import metrics.ingest, metrics.build
from pathlib import Path
out = sys.stdout
out.write("ready\n"); out.flush()
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1); os.dup2(null, 2)
            os.environ.update(job.get("env", {}))
            if job["cmd"] == "ingest":
                sys.argv = ["python -m metrics.ingest", *job["argv"]]
                try:
                    runpy.run_module("metrics.ingest", run_name="__main__", alter_sys=True)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
            elif job["cmd"] == "build":
                metrics.build.build(Path(job["src"]), Path(job["out"]))
            elif job["cmd"] == "build-timed":
                import metrics.store
                t0, marks, write = time.monotonic(), {}, metrics.build.write_table_files
                def timed(*a, **k):
                    marks["write_start"] = time.monotonic() - t0
                    return write(*a, **k)
                metrics.build.write_table_files = timed
                metrics.build.build(Path(job["src"]), Path(job["out"]))
                marks["end"] = time.monotonic() - t0
                Path(job["marks"]).write_text(json.dumps(marks))
        except BaseException:
            code = 3
        os._exit(code)
    out.write(f"pid {pid}\n"); out.flush()
    _, status = os.waitpid(pid, 0)
    out.write(f"exit {pid} {status}\n"); out.flush()
'''


class Zygote:
    """Runs ZYGOTE in a subprocess; :meth:`run` starts one job and kills it after ``delay``."""

    def __init__(self):
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=REPO_ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     bufsize=1)
        assert self.proc.stdout.readline().strip() == "ready"

    def run(self, job: dict, delay: float | None = None,
            after=None) -> tuple[bool, float, int]:
        """Start ``job``; SIGKILL it after ``delay`` seconds unless it has ended (counted from
        the moment ``after()`` turns true, polled every 2 ms, when given). Returns (killed by the
        signal, seconds it ran, exit code or -signal)."""
        import select
        import signal
        import time

        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        word, pid = self.proc.stdout.readline().split()
        assert word == "pid"
        start = time.monotonic()
        ended = False
        if after is not None:
            while not after():
                if select.select([self.proc.stdout], [], [], 0.002)[0]:
                    ended = True
                    break
        if delay is not None and not ended:
            ready, _, _ = select.select([self.proc.stdout], [], [], delay)
            if not ready:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        word, done, status = self.proc.stdout.readline().split()
        elapsed = time.monotonic() - start
        assert (word, done) == ("exit", pid)
        status = int(status)
        if os.WIFSIGNALED(status):
            return os.WTERMSIG(status) == signal.SIGKILL, elapsed, -os.WTERMSIG(status)
        return False, elapsed, os.WEXITSTATUS(status)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
