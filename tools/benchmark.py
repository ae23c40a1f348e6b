"""Speed and memory of the pages, each next to the framework's floor measured in the same run.

    python tools/benchmark.py [--rows 0|100000|1000000] [--only rerun,browser,start]
                              [--smoke] [--out bench/results.md]

Parts (all by default):
- rerun:   warm rerun script time per page with AppTest (p50/p95 over --repeat runs, 30 by
           default) beside a one-line Streamlit page (the floor).
- browser: a widget change until every chart is redrawn, in Debian Chromium (Playwright) against
           a real `streamlit run` on 127.0.0.1: the language control is switched --changes times
           per page (30 by default) and each change is timed from the click until the page
           title is in the other language, no element is stale, the status widget is gone and
           every `.js-plotly-plot` has its `.main-svg`. Floor: a page with one plotly chart and the
           same control. Also the server's peak resident memory (VmHWM) after all pages.
- start:   from launching `streamlit run` to the first complete page in Chromium (the browser is
           already running), median of --starts fresh servers; floor: the one-chart page. Also
           the dashboard as the deployment starts each replica (`python -m deploy.replica`,
           which opens the overview itself while the browser loads the frontend).
           Also the server's peak resident memory after that first page.

``--rows N`` generates (or reuses) a synthetic dataset of N observations with tools/synth.py in
the system's temporary folder and points the app at it (QD_DASHBOARD_DATA_DIR); ``--rows 0``
(default) uses the bundled data/. ``--smoke`` runs few repetitions (a quick check that it works).
Results: printed as a table and written as markdown with the machine, versions, date and commit.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.appserver import DATA_DIR_ENV, REPO_ROOT, peak_rss_mb, rss_mb, start_server  # noqa: E402
from tools.loadtest import machine_context, pct  # noqa: E402

PARTS = ("rerun", "browser", "start")
FLOOR_APPTEST = 'import streamlit as st\n\nst.write("floor")\n'
# The browser floor: the same language control as the app's frame, a page title in the chosen
# language (as the app's frame sets it) and one plotly chart.
FLOOR_CHART = '''import plotly.graph_objects as go
import streamlit as st

lang = st.session_state.get("lang") or "中文"
st.set_page_config(page_title=f"floor · {lang}", layout="wide")
st.sidebar.segmented_control("语言 / Language", ["中文", "English"], key="lang", default="中文")
# the industry filter as the app's frame has it: a sidebar selectbox kept in the URL
st.query_params["industry"] = st.sidebar.selectbox("行业 / Industry", ["ALL", "C"], key="ind")
x = list(range(48))
st.plotly_chart(go.Figure(go.Scatter(x=x, y=[(i * 7) % 13 for i in x], name=lang)))
'''
LANG_LABELS = ("English", "中文")
RENDER_TIMEOUT_MS = 180_000
SETTLE_MS = 250
# True once a run has finished and drawn: no skeleton, no stale element, the status widget idle,
# some text in the main area, and every plotly chart drawn.
DRAWN_JS = """() => {
    if (!document.querySelector("[data-testid='stApp']")) return false;
    if (document.querySelector("[data-testid='stSkeleton']")) return false;
    if (document.querySelector("[data-stale='true']")) return false;
    const status = document.querySelector("[data-testid='stStatusWidget']");
    if (status && status.innerText.trim() !== '') return false;
    const main = document.querySelector("[data-testid='stMain']");
    if (!main || main.innerText.trim().length < 5) return false;
    for (const p of document.querySelectorAll('.js-plotly-plot')) {
        if (!p.querySelector('.main-svg')) return false;
    }
    return true;
}"""


class BenchError(Exception):
    """Bad arguments or a part that cannot run: a message, never a traceback."""


@dataclass
class Row:
    part: str
    what: str
    n: int
    p50: float | None = None
    p95: float | None = None
    unit: str = "ms"
    note: str = ""


# ---------------------------------------------------------------- data and pages

def synthetic_dir(rows: int, seed: int = 7) -> Path:
    """A synthetic dataset of ``rows`` observations in the temporary folder (made once)."""
    from tools.synth import existing_matches, generate
    out = Path(tempfile.gettempdir()) / f"qd-synth-{rows}"
    if not existing_matches(out, rows, seed):
        print(f"generating {rows} synthetic observations into {out} ...", flush=True)
        generate(rows, out, seed)
    return out


def page_scripts() -> list[str]:
    """The entry script and every page script, as the navigation lists them."""
    return ["dashboard.py"] + sorted(p.relative_to(REPO_ROOT).as_posix()
                                     for p in (REPO_ROOT / "pages").glob("*.py"))


def url_path(script: str) -> str:
    """The URL path of a page script under `streamlit run` (``pages/1_growth.py`` -> growth)."""
    if script == "dashboard.py":
        return "/"
    return "/" + re.sub(r"^\d+_", "", Path(script).stem)


def _floor_file(name: str, text: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "qd-bench-floor"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _ms(values: list[float]) -> tuple[float, float]:
    return statistics.median(values) * 1000, pct(values, 95) * 1000


# ---------------------------------------------------------------- rerun (AppTest)

def bench_rerun(repeat: int, data_dir: Path | None, pages: list[str],
                timeout_s: float) -> list[Row]:
    """Warm rerun time of each page with AppTest, and of a one-line page.

    The data folder and the error-details option are set for the measurement only and put
    back afterwards (this also runs inside the test process).
    """
    from streamlit import config
    saved_dir = os.environ.get(DATA_DIR_ENV)
    saved_details = config.get_option("client.showErrorDetails")
    if data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(data_dir)
    try:
        return _bench_rerun(repeat, pages, timeout_s)
    finally:
        if saved_dir is None:
            os.environ.pop(DATA_DIR_ENV, None)
        else:
            os.environ[DATA_DIR_ENV] = saved_dir
        config.set_option("client.showErrorDetails", saved_details)


def _bench_rerun(repeat: int, pages: list[str], timeout_s: float) -> list[Row]:
    from streamlit import config
    from streamlit.testing.v1 import AppTest
    rows: list[Row] = []

    def measure(at) -> list[float]:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            at.run(timeout=timeout_s)
            times.append(time.perf_counter() - start)
        return times

    floor = AppTest.from_file(str(_floor_file("floor_one_line.py", FLOOR_APPTEST)),
                              default_timeout=timeout_s)
    floor.run()
    rows.append(Row("rerun", "floor: one-line page", repeat, *_ms(measure(floor))))
    for script in pages:
        start = time.perf_counter()
        at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=timeout_s)
        # the real message in the report if a page fails (the app's config redacts it)
        config.set_option("client.showErrorDetails", "full")
        at.run()
        if script != "dashboard.py":
            at.switch_page(script)
            at.run()
        first = time.perf_counter() - start
        if at.exception:
            rows.append(Row("rerun", script, 0, note="exception: "
                            + str(at.exception[0].message)[:120]))
            continue
        times = measure(at)
        if at.exception:
            rows.append(Row("rerun", script, 0, note="exception on a warm rerun: "
                            + str(at.exception[0].message)[:120]))
            continue
        note = f"first open {first:.1f} s"
        if at.error:   # e.g. a data folder the loader refused: the time is not a page's
            note += "; the page shows an error: " + str(at.error[0].value)[:100]
        rows.append(Row("rerun", script, repeat, *_ms(times), note=note))
        print(f"  rerun {script}: p50 {rows[-1].p50:.0f} ms", flush=True)
    rows.append(Row("rerun", "AppTest process peak RSS", 1,
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, unit="MB"))
    return rows


# ---------------------------------------------------------------- browser (Chromium)

def _wait_drawn(page, timeout_ms: int = RENDER_TIMEOUT_MS) -> float:
    """Wait until the page is drawn and stays so for SETTLE_MS; returns when it first was."""
    deadline = time.perf_counter() + timeout_ms / 1000
    while True:
        page.wait_for_function(DRAWN_JS, timeout=max(1000, int((deadline - time.perf_counter())
                                                                 * 1000)), polling="raf")
        first = time.perf_counter()
        page.wait_for_timeout(SETTLE_MS)
        if page.evaluate(DRAWN_JS):
            return first
        if time.perf_counter() > deadline:
            raise TimeoutError("the page never settled")


def _click_until_drawn(page, target, changed_js: str, before: str) -> float:
    """Click ``target``; seconds until ``changed_js`` (a JS expression, true once the page
    differs from ``before``) holds and every chart is drawn."""
    start = time.perf_counter()
    target.click()
    page.wait_for_function(
        "(before) => " + changed_js + " && (" + DRAWN_JS + ")()", arg=before,
        timeout=RENDER_TIMEOUT_MS, polling="raf")
    return time.perf_counter() - start


def _toggle_language(page) -> float:
    """Click the other language; seconds until the title changed and every chart is drawn."""
    sidebar = page.locator("[data-testid='stSidebar']")
    current = sidebar.locator("button[aria-checked='true']").first
    target = LANG_LABELS[0] if "中文" in (current.inner_text() or "") else LANG_LABELS[1]
    button = sidebar.locator("button[role='radio']", has_text=target).first
    return _click_until_drawn(page, button, "document.title !== before", page.title())


def _change_industry(page) -> float:
    """Choose the other of the industry filter's first two options (the total, manufacturing);
    seconds until the address bar holds the new choice and every chart is drawn."""
    before = page.evaluate("() => location.search")
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    options = page.locator("[role='listbox'] [role='option']")
    options.first.wait_for(state="visible", timeout=10_000)
    target = next(options.nth(i) for i in range(2)
                  if options.nth(i).get_attribute("aria-selected") != "true")
    return _click_until_drawn(page, target, "location.search !== before", before)


CHANGES = {"language": _toggle_language, "industry": _change_industry}


def _browser_changes(browser, base: str, path: str, changes: int,
                     change: str = "language") -> tuple[list[float], str]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(base + path)
        _wait_drawn(page)
        # a page that starts with its sidebar closed (the meeting-room mode): open it, as a
        # user does to reach the language control
        expand = page.get_by_test_id("stExpandSidebarButton")
        if expand.count() and expand.first.is_visible():
            expand.first.click()
            page.locator("[data-testid='stSidebar'] button[role='radio']").first.wait_for(
                state="visible", timeout=10_000)
        charts = page.locator(".js-plotly-plot").count()
        times = []
        for _ in range(changes):
            times.append(CHANGES[change](page))
            page.wait_for_timeout(100)
        return times, f"{charts} charts"
    finally:
        page.close()


def bench_browser(changes: int, data_dir: Path | None, pages: list[str],
                  kinds: tuple[str, ...] = tuple(CHANGES)) -> list[Row]:
    """Widget change to all charts redrawn, per page and for the one-chart floor page, for each
    kind of change: the language (every text of the page changes) and the industry filter (the
    change an official makes most; the figures change, the frame stays)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_browser
    rows: list[Row] = []
    part = {"language": "browser", "industry": "browser: industry"}
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            with start_server(script=_floor_file("floor_one_chart.py", FLOOR_CHART)) as floor:
                for kind in kinds:
                    times, note = _browser_changes(browser, floor.base, "/", changes, kind)
                    rows.append(Row(part[kind], "floor: one-chart page", changes, *_ms(times),
                                    note=note))
                floor_peak = peak_rss_mb(floor.pid)
            with start_server(data_dir) as server:
                for kind in kinds:
                    for script in pages:
                        try:
                            times, note = _browser_changes(browser, server.base,
                                                           url_path(script), changes, kind)
                        except Exception as exc:  # a page that never draws: report, go on
                            rows.append(Row(part[kind], script, 0,
                                            note=f"failed: {type(exc).__name__}: "
                                                 f"{str(exc)[:100]}"))
                            continue
                        rows.append(Row(part[kind], script, changes, *_ms(times), note=note))
                        print(f"  {part[kind]} {script}: p50 {rows[-1].p50:.0f} ms", flush=True)
                rows.append(Row("browser", "server peak RSS after every page", 1,
                                peak_rss_mb(server.pid), unit="MB",
                                note=f"now {rss_mb(server.pid):.0f} MB; floor server peak "
                                     f"{floor_peak:.0f} MB"))
        finally:
            browser.close()
    return rows


# ---------------------------------------------------------------- start

def bench_start(starts: int, data_dir: Path | None) -> list[Row]:
    """Launch `streamlit run` to the first complete page in Chromium, for the app and the floor."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_browser
    rows: list[Row] = []
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        try:
            for what, script, ddir, replica in (
                    ("floor: one-chart page", _floor_file("floor_one_chart.py", FLOOR_CHART),
                     None, False),
                    ("dashboard.py (overview)", None, data_dir, False),
                    ("dashboard.py (overview), as deployed: python -m deploy.replica", None,
                     data_dir, True)):
                times, health, peaks = [], [], []
                for _ in range(starts):
                    with start_server(ddir, script=script, replica=replica) as server:
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        try:
                            page.goto(server.base + "/")
                            drawn = _wait_drawn(page)
                        finally:
                            page.close()
                        times.append(drawn - server.started_at)
                        health.append(server.health_s)
                        peaks.append(peak_rss_mb(server.pid) or 0.0)
                rows.append(Row("start", what, starts, statistics.median(times),
                                max(times), unit="s",
                                note=f"of which server answering /_stcore/health "
                                     f"{statistics.median(health):.1f} s"))
                rows.append(Row("start", f"{what}: server peak RSS", starts,
                                statistics.median(peaks), max(peaks), unit="MB"))
                print(f"  start {what}: {statistics.median(times):.1f} s", flush=True)
        finally:
            browser.close()
    return rows


# ---------------------------------------------------------------- report

def table(rows: list[Row]) -> str:
    lines = ["| part | page | n | p50 | p95 | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        def fmt(v: float | None) -> str:
            if v is None:
                return "–"
            if r.unit == "s":
                return f"{v:.1f} s"
            return f"{v:,.0f} {r.unit}"
        if r.unit == "MB" and r.n == 1:
            lines.append(f"| {r.part} | {r.what} | – | {fmt(r.p50)} (peak) | | {r.note} |")
        else:
            lines.append(f"| {r.part} | {r.what} | {r.n} | {fmt(r.p50)} | {fmt(r.p95)} | "
                         f"{r.note} |")
    return "\n".join(lines)


def parse_only(text: str | None) -> tuple[str, ...]:
    if not text:
        return PARTS
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in parts if p not in PARTS]
    if bad or not parts:
        raise BenchError(f"--only takes a comma list of {', '.join(PARTS)} (got {text!r})")
    return parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0,
                        help="synthetic observations (0: the bundled data/)")
    parser.add_argument("--only", help="comma list of parts: rerun,browser,start")
    parser.add_argument("--repeat", type=int, default=30, help="warm reruns per page")
    parser.add_argument("--changes", type=int, default=30, help="widget changes per page")
    parser.add_argument("--starts", type=int, default=3, help="fresh server starts")
    parser.add_argument("--smoke", action="store_true",
                        help="3 reruns, 4 changes, 1 start: a quick check, not a measurement")
    parser.add_argument("--pages", help="comma list of page scripts (default: every page)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    try:
        parts = parse_only(args.only)
        if args.rows < 0:
            raise BenchError("--rows must be 0 (bundled data) or a positive row count")
        if args.smoke:
            args.repeat, args.changes, args.starts = 3, 4, 1
        if min(args.repeat, args.changes, args.starts) < 1:
            raise BenchError("--repeat, --changes and --starts must be at least 1")
        pages = page_scripts()
        if args.pages:
            wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
            unknown = [p for p in wanted if p not in pages]
            if unknown:
                raise BenchError(f"unknown page {unknown[0]!r}; pages: {', '.join(pages)}")
            pages = wanted
        data_dir = synthetic_dir(args.rows) if args.rows else None
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    context = machine_context()
    context["data"] = (f"synthetic, {args.rows:,} observations ({data_dir})" if data_dir
                       else "bundled data/")
    context["repetitions"] = (f"{args.repeat} reruns, {args.changes} changes, {args.starts} "
                              "starts" + (" (smoke run)" if args.smoke else ""))
    timeout_s = 120 if not args.rows else 1800
    rows: list[Row] = []
    started = time.perf_counter()
    try:
        if "start" in parts:   # first: the servers start cold
            rows += bench_start(args.starts, data_dir)
        if "rerun" in parts:
            rows += bench_rerun(args.repeat, data_dir, pages, timeout_s)
            import streamlit as st
            st.cache_data.clear()   # free this process's copy before a server loads its own
        if "browser" in parts:
            rows += bench_browser(args.changes, data_dir, pages)
    except (RuntimeError, BenchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    context["duration"] = f"{time.perf_counter() - started:.0f} s"
    text = "# Benchmark\n\n" + "\n".join(f"- {k}: {v}" for k, v in context.items())
    text += "\n\n" + table(rows) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}")
    failed = [r for r in rows if r.n == 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
