"""Speed and memory of the data layer and the pages, printed as numbers (not a test).

    python tools/benchmark.py [--repeat N]

Measures: the build from data/src, loading + validating the Parquet tables, the derivations
behind the overview and the growth page, and a full AppTest run of every page (first run in a
fresh process includes imports; later runs hit the data cache). Peak resident memory at the end.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics.build import build  # noqa: E402
from metrics.growth import derive_gap_series, derive_period_comparison  # noqa: E402
from metrics.load import load_dataset  # noqa: E402
from metrics.overview import derive_overview  # noqa: E402
from metrics.query import enrich_observations  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median and max wall time of ``fn`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("build data/src -> Parquet", *timed(lambda: build(out_dir=Path(tmp)), args.repeat)))
    rows.append(("load + validate 7 tables", *timed(load_dataset, args.repeat)))
    ds = load_dataset()
    rows.append(("enrich observations", *timed(lambda: enrich_observations(ds), args.repeat)))
    obs = enrich_observations(ds)
    rows.append(("derive overview (ALL, latest)", *timed(lambda: derive_overview(obs, "ALL", None), args.repeat)))
    rows.append(("derive growth comparison", *timed(
        lambda: derive_period_comparison(obs, "iva_growth_cum", "ALL", "2024-05"), args.repeat)))
    rows.append(("derive gap series 2022-2025", *timed(
        lambda: derive_gap_series(obs, "iva_growth_cum", "ALL", 2022, 2025), args.repeat)))

    from components.frame import existing_pages
    from tests.apptest import run_page
    for script, _, _ in existing_pages():
        first = timed(lambda s=script: run_page(s), 1)[0]
        warm = timed(lambda s=script: run_page(s), args.repeat)
        rows.append((f"AppTest {script} (first)", first, first))
        rows.append((f"AppTest {script} (warm)", *warm))

    print(f"{'step':45s} {'median ms':>10s} {'max ms':>10s}")
    for name, med, worst in rows:
        print(f"{name:45s} {med:10.1f} {worst:10.1f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: observations {len(ds['observations'])}, sources {len(ds['sources'])}, "
          f"entities {len(ds['entities'])}; data version {ds.version}")
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
