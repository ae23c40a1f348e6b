"""Benchmark of ``python -m metrics.ingest check`` on a 5,000-row bureau table (issue 8: under 3 s).

    python tools/bench_ingest.py [--rows 5000] [--repeat 5]

Builds clearly synthetic releases in a temporary folder (never in data/), checks them against a
temporary copy of the data folder and prints the median (and min/max) of ``repeat`` runs of
metrics.ingest.check_files in-process, then of the command ``python -m metrics.ingest check``
(Python start and imports included) on the two wide tables:

- ``wide-xlsx``: a bureau's monthly table (title with the period, 10月 / 1—10月 over 绝对量 /
  同比增长(%), 分三大门类, 分行业, 其中：, footnotes) on one sheet per month, ~50 rows each,
  ``rows`` rows in all, every figure valid (one period per sheet);
- ``wide-csv``: one such table of ``rows`` rows (the industry rows repeated with the same values,
  which check keeps once);
- ``long-csv``: ``rows`` rows of the long layout over distinct valid keys.

The figures are random numbers, marked synthetic in the sidecar; nothing is published.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from metrics.ingest import check_files  # noqa: E402
from metrics.load import load_dataset  # noqa: E402
from metrics.paths import DATA_DIR, REPO_ROOT  # noqa: E402

SIDECAR = {"publisher": "SYNTHETIC benchmark bureau", "title": "SYNTHETIC 规模以上工业生产主要数据",
           "date_published": "2026-01-15", "url": "https://example.org/synthetic", "tier": "C",
           "region": "370200", "note": "Synthetic figures made by tools/bench_ingest.py."}


def _periods(count: int) -> list[tuple[int, int]]:
    """(year, month) pairs, months 2-11 (a cumulative 1—12月 is written as the year)."""
    out = [(y, m) for y in range(2025, 1990, -1) for m in range(11, 1, -1)]
    return out[:count]


def _table(year: int, month: int, names: list[str], rng: random.Random,
           body_rows: int) -> list[list[object]]:
    """One bureau table of ``body_rows`` rows below its title and headers."""
    rows: list[list[object]] = [
        [f"{year}年{month}月份规模以上工业生产主要数据", "", "", "", ""],
        ["指标", f"{month}月", "", f"1—{month}月", ""],
        ["", "绝对量", "同比增长(%)", "绝对量", "同比增长(%)"],
        ["规模以上工业增加值", "—", f"{rng.uniform(-5, 15):.1f}", "—", f"{rng.uniform(-5, 15):.1f}"],
        ["分三大门类", "", "", "", ""],
    ]
    values = {n: (f"{rng.uniform(-20, 30):.1f}", f"{rng.uniform(-20, 30):.1f}") for n in names}
    sections = ["采矿业", "制造业", "电力、热力、燃气及水生产和供应业"]
    i = 0
    while len(rows) < body_rows + 1:  # +1: the footnote
        name = names[i % len(names)]
        if i == len(sections):
            rows.append(["分行业", "", "", "", ""])
        prefix = "其中：" if i == len(sections) else ""
        rows.append([prefix + name, "—", values[name][0], "—", values[name][1]])
        i += 1
    rows = rows[:body_rows]
    rows.append(["注：SYNTHETIC figures for a benchmark.", "", "", "", ""])
    return rows


def make_releases(folder: Path, ds, rows: int, seed: int = 8) -> dict[str, list[Path]]:
    rng = random.Random(seed)
    ind = ds["industries"]
    names = ["采矿业", "制造业", "电力、热力、燃气及水生产和供应业"] + [
        n for n, level in zip(ind["name_zh"], ind["level"]) if level == "division"] + [
        "高技术制造业", "装备制造业"]
    out: dict[str, list[Path]] = {}

    def sidecar(path: Path) -> None:
        path.with_name(path.name + ".source.yml").write_text(
            yaml.safe_dump(SIDECAR, allow_unicode=True), encoding="utf-8")

    # wide, xlsx: one sheet per month
    import openpyxl

    per_sheet = len(names) + 6
    wb = openpyxl.Workbook(write_only=True)
    written = 0
    for year, month in _periods(rows // per_sheet + 1):
        body = min(per_sheet, rows - written)
        if body <= 5:
            break
        ws = wb.create_sheet(f"{year}-{month:02d}")
        for row in _table(year, month, names, rng, body):
            ws.append(row)
        written += body + 1
    path = folder / "wide.xlsx"
    wb.save(path)
    sidecar(path)
    out["wide-xlsx"] = [path]

    # wide, csv: one table of `rows` rows
    path = folder / "wide.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(_table(2025, 10, names, rng, rows))
    sidecar(path)
    out["wide-csv"] = [path]

    # long, csv: distinct valid keys
    codes = list(ind["industry_code"])
    regions = ["370200", "370000", "000000"] + [c for c in ds["regions"]["region_code"]
                                                if c.startswith("3702") and c != "370200"]
    path = folder / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["indicator_id", "region_code", "industry_code", "period", "value", "quote"])
        n = 0
        for year, month in _periods(1000):
            for region in regions:
                for code in codes:
                    if n == rows:
                        break
                    value = f"{rng.uniform(-20, 30):.1f}"
                    w.writerow(["iva_growth_cum", region, code, f"{year}-{month:02d}", value,
                                f"SYNTHETIC {value}"])
                    n += 1
    sidecar(path)
    out["long-csv"] = [path]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        tmp = Path(tmp)
        data = Path(shutil.copytree(DATA_DIR, tmp / "data",
                                    ignore=shutil.ignore_patterns("src", "releases", ".lock")))
        releases = tmp / "releases"
        releases.mkdir()
        t0 = time.perf_counter()
        files = make_releases(releases, load_dataset(data), args.rows)
        print(f"synthetic releases made in {time.perf_counter() - t0:.1f} s "
              f"(data folder: a temporary copy, {len(load_dataset(data)['observations'])} "
              "observations)")
        for name, paths in files.items():
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                preview = check_files(paths, data)
                times.append(time.perf_counter() - t0)
            counts = preview.changes.counts()
            size = sum(p.stat().st_size for p in paths) / 1024
            print(f"check {name:9s} {args.rows:,} rows, {size:,.0f} KB: median "
                  f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
                  f"{args.repeat} runs); added {counts['added']:,}, revised "
                  f"{counts['revised']:,}, unchanged {counts['unchanged']:,}, refused "
                  f"{counts['refused']:,}, skipped "
                  f"{len(preview.skipped):,}")
            if counts["refused"]:
                print("  first refusal:", preview.refused[0])
        # the command as an operator runs it: Python start and imports included
        env = {**os.environ, "QD_DASHBOARD_DATA_DIR": str(data)}
        for name in ("wide-xlsx", "wide-csv"):
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "metrics.ingest", "check",
                                       *map(str, files[name])], cwd=REPO_ROOT, env=env,
                                      capture_output=True, text=True)
                times.append(time.perf_counter() - t0)
                if proc.returncode != 0:
                    print(proc.stderr)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import metrics.ingest"], cwd=REPO_ROOT,
                           env=env, check=True)
            imports = time.perf_counter() - t0
            print(f"python -m metrics.ingest check ({name}): median "
                  f"{statistics.median(times):.2f} s (min {min(times):.2f}, max "
                  f"{max(times):.2f}); of which Python start and imports ~{imports:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
