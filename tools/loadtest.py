"""Concurrent sessions over Streamlit's own websocket protocol: what a morning meeting does.

    python tools/loadtest.py [--sessions 30] [--waves 1] [--duration-limit 300]
                             [--rows N | --data DIR]
                             [--url http://127.0.0.1:PORT --server-pid PID]
                             [--out bench/loadtest.md]

Each session is what a browser tab does, minus the drawing: it opens ws://HOST/_stcore/stream
with the ``streamlit`` subprotocol, sends ``BackMsg.rerun_script`` (query string, widget states,
page hash) and reads ``ForwardMsg``s until ``script_finished``. The journey:

1. open      the overview (connect + first run)
2. industry  change the industry selectbox (widget state, as the frontend sends it): to
             manufacturing or a manufacturing group, or any with ``--industries any``
3. period    change the period selectbox to one of the six newest periods
4. page      switch to the growth page (its page hash from the navigation message)
5. download  the page's first CSV download, as the browser gets it: the app makes its files
             when clicked (a deferred download), so the session asks the server for the file
             (``BackMsg.backend_operation_request.deferred_file``), waits for its address in the
             answer and fetches it (``/media/...``); a page that offers none (nothing published
             for the filters) is counted as skipped

All sessions start together (``--ramp`` spreads them). Everything is bounded: at most
``--sessions`` sessions (up to 200), each step at most ``--step-timeout`` seconds, the whole run at
most ``--duration-limit`` seconds; only loopback servers. Reports p50/p95/max per step, the
errors (exceptions on the page, failed runs, timeouts, failed downloads) and the server's
resident memory over time (from /proc), printed and written to a markdown file.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.appserver import REPO_ROOT, rss_mb, start_server  # noqa: E402

STEPS = ("open", "industry", "period", "page", "download")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
MAX_SESSIONS = 200
GROWTH_PAGE = "growth"


class LoadTestError(Exception):
    """Bad arguments: a message, never a traceback."""


def _protos():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    return BackMsg, ForwardMsg


@dataclass
class RunResult:
    """What one script run sent: its widgets, download links, pages and any error."""

    seconds: float
    widgets: dict[str, object] = field(default_factory=dict)   # widget id -> element proto
    # (label, address or '', deferred file id or '') of each download button
    downloads: list[tuple[str, str, str]] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)          # url path name -> page hash
    errors: list[str] = field(default_factory=list)
    messages: int = 0


class Session:
    """One simulated browser tab over the websocket protocol."""

    def __init__(self, base: str, step_timeout: float):
        self.base = base
        self.ws_url = base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.step_timeout = step_timeout
        self.ws = None
        self.states: dict[str, tuple[str, object]] = {}   # widget id -> (value field, value)
        self.pages: dict[str, str] = {}
        self.query: dict[str, str] = {}
        self.page_hash = ""
        self.last: RunResult | None = None
        self.requests = 0
        self.cookies: dict[str, str] = {}
        self.session_id = ""   # from the server's new_session message

    async def connect(self) -> None:
        """Open the page as a browser does, keeping the cookies it sets (behind the proxy, the
        replica cookie that keeps a browser's page, websocket and downloads on one replica),
        then the websocket with them and the page's origin."""
        import websockets
        self.cookies = await asyncio.to_thread(_page_cookies, self.base + "/", self.step_timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=self.step_timeout,
                                           ping_interval=None, origin=self.base,
                                           additional_headers=headers if self.cookies else None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def widget(self, key: str):
        """The latest element proto of the widget whose user key is ``key``."""
        for wid, el in (self.last.widgets if self.last else {}).items():
            if wid.endswith("-" + key):
                return wid, el
        return None, None

    async def rerun(self, changed: dict[str, tuple[str, object]] | None = None,
                    page_hash: str | None = None) -> RunResult:
        """Send one rerun_script as the frontend does and read until the run has finished."""
        BackMsg, ForwardMsg = _protos()
        if changed:
            self.states.update(changed)
        if page_hash is not None:
            self.page_hash = page_hash
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = urlencode(self.query)
        cs.page_script_hash = self.page_hash
        for wid, (kind, value) in self.states.items():
            ws = cs.widget_states.widgets.add()
            ws.id = wid
            if kind == "string_array_value":
                ws.string_array_value.data.extend(value)
            else:
                setattr(ws, kind, value)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        result = RunResult(0.0)
        deadline = start + self.step_timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {self.step_timeout:.0f} s")
            raw = await asyncio.wait_for(self.ws.recv(), left)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            result.messages += 1
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._element(fwd.delta.new_element, result)
            elif kind == "new_session" and fwd.new_session.initialize.session_id:
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "navigation":
                for p in fwd.navigation.app_pages:
                    result.pages[p.url_pathname] = p.page_script_hash
            elif kind == "page_not_found":
                result.errors.append(f"page not found: {fwd.page_not_found.page_name!r}")
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue   # the app reran itself: the run the user waits for follows
                if status != "FINISHED_SUCCESSFULLY":
                    result.errors.append(f"script finished with {status}")
                break
        result.seconds = time.perf_counter() - start
        self.last = result
        self.pages.update(result.pages)
        for wid, el in result.widgets.items():   # the frontend keeps each widget's value
            et = el.WhichOneof("type")
            sub = getattr(el, et)
            if et == "selectbox" and sub.HasField("raw_value"):
                self.states.setdefault(wid, ("string_value", sub.raw_value))
            elif et == "button_group" and len(sub.raw_values):
                self.states.setdefault(wid, ("string_array_value", list(sub.raw_values)))
        return result

    @staticmethod
    def _element(el, result: RunResult) -> None:
        et = el.WhichOneof("type")
        sub = getattr(el, et)
        if et == "exception":
            result.errors.append(f"exception on the page: {sub.type}: {sub.message[:200]}")
        elif et == "alert" and sub.format == type(sub).Format.Value("ERROR"):
            result.errors.append(f"error shown on the page: {sub.body[:200]}")
        elif et == "download_button" and (sub.url or sub.deferred_file_id):
            result.downloads.append((sub.label, sub.url, sub.deferred_file_id))
        wid = getattr(sub, "id", "") if et not in ("exception", "alert") else ""
        if isinstance(wid, str) and wid.startswith("$$ID-"):
            result.widgets[wid] = el

    async def deferred_file_url(self, file_id: str) -> str:
        """Ask the server to make a deferred download (what a click on the button sends) and
        return the address it answers with."""
        BackMsg, ForwardMsg = _protos()
        self.requests += 1
        request_id = f"load-{self.requests}"
        msg = BackMsg()
        msg.backend_operation_request.request_id = request_id
        msg.backend_operation_request.session_id = self.session_id
        msg.backend_operation_request.deferred_file.file_id = file_id
        await self.ws.send(msg.SerializeToString())
        deadline = time.perf_counter() + self.step_timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no file within {self.step_timeout:.0f} s")
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), left))
            if fwd.WhichOneof("type") != "backend_operation_response":
                continue
            answer = fwd.backend_operation_response
            if answer.request_id != request_id:
                continue
            if answer.error_msg:
                raise LookupError(f"the server could not make the file: {answer.error_msg}")
            return answer.deferred_file.url

    def choose(self, key: str, rng: random.Random, first: int, last: int | None = None,
               keep=None) -> tuple[str, tuple[str, object]]:
        """A selectbox option other than the current one, among options[first:last] for which
        ``keep(label)`` holds (all when ``keep`` is None)."""
        wid, el = self.widget(key)
        if wid is None:
            raise LookupError(f"no '{key}' widget on the page")
        box = el.selectbox
        options = [o for o in list(box.options)[first:last]
                   if o != box.raw_value and (keep is None or keep(o))]
        if not options:
            raise LookupError(f"the '{key}' selectbox offers no other option")
        return wid, ("string_value", rng.choice(options))


def _fetch(url: str, timeout: float, cookies: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        return len(resp.read())


def _page_cookies(url: str, timeout: float) -> dict[str, str]:
    """The cookies the app's page sets (name -> value)."""
    from http.cookies import SimpleCookie
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        jar = SimpleCookie()
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        resp.read()
    return {k: m.value for k, m in jar.items()}


# Which options a session picks: industries by label ("manufacturing": manufacturing and the
# manufacturing groups, which have growth figures in the bundled data; "any": any but the total,
# in the filter's order the total comes first), periods among the six newest after 'latest'.
INDUSTRY_CHOICES = ("manufacturing", "any")
PERIOD_CHOICES = (1, 7)


def _manufacturing(label: str) -> bool:
    """Manufacturing or a manufacturing group, not a numbered division (e.g. '39 计算机…')."""
    return not label[:1].isdigit() and ("制造业" in label or "anufactur" in label)


async def journey(n: int, base: str, step_timeout: float, think: float, rng: random.Random,
                  times: dict[str, list[float]], errors: list[str], done: list[int],
                  skipped: list[str], industries: str = "manufacturing") -> None:
    """One session's journey; each step's time goes to ``times``, each failure to ``errors``."""
    s = Session(base, step_timeout)

    def failed(step: str, problem: str) -> None:
        errors.append(f"session {n}, {step}: {problem}")

    async def step(name: str, coro) -> RunResult | None:
        start = time.perf_counter()
        try:
            result = await coro
        except (TimeoutError, asyncio.TimeoutError) as exc:
            failed(name, f"timed out ({exc})")
            return None
        except LookupError as exc:
            failed(name, str(exc))
            return None
        except Exception as exc:  # connection closed, refused, protocol error: all counted
            failed(name, f"{type(exc).__name__}: {exc}")
            return None
        if isinstance(result, RunResult):
            for e in result.errors:
                failed(name, e)
            if result.errors:
                return None
        times[name].append(time.perf_counter() - start)
        if think:
            await asyncio.sleep(think)
        return result

    async def open_page():
        await s.connect()
        return await s.rerun()

    try:
        if await step("open", open_page()) is None:
            return

        async def change(key: str, first: int, last: int | None, keep=None):
            wid, value = s.choose(key, rng, first, last, keep)
            return await s.rerun({wid: value})

        keep = _manufacturing if industries == "manufacturing" else None
        if await step("industry", change("industry", 1, None, keep)) is None:
            return
        # one of the six newest periods after 'latest'
        if await step("period", change("period", *PERIOD_CHOICES)) is None:
            return

        async def switch():
            page = s.pages.get(GROWTH_PAGE)
            if page is None:
                raise LookupError(f"no '{GROWTH_PAGE}' page in the navigation message")
            return await s.rerun(page_hash=page)

        if await step("page", switch()) is None:
            return

        async def download():
            links = ([d for d in s.last.downloads if "CSV" in d[0].upper()]
                     or s.last.downloads)
            if not links:   # the page offers none (e.g. nothing published for the filters)
                skipped.append(f"session {n}: no download button on the growth page")
                return 0
            _, url, deferred = links[0]
            if deferred:
                url = await s.deferred_file_url(deferred)
            url = url if url.startswith("http") else base + url
            size = await asyncio.to_thread(_fetch, url, step_timeout, s.cookies)
            if size < 3:
                raise LookupError(f"empty download from {url}")
            return size

        size = await step("download", download())
        if size is None:
            return
        if size == 0:
            times["download"].pop()
        done.append(n)
    finally:
        try:
            await asyncio.wait_for(s.close(), 5)
        except Exception:  # closing a broken socket: nothing left to measure
            pass


async def sample_rss(pid: int | None, samples: list[tuple[float, float]], t0: float,
                     every: float) -> None:
    while pid is not None:
        mb = rss_mb(pid)
        if mb is not None:
            samples.append((time.perf_counter() - t0, mb))
        await asyncio.sleep(every)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


@dataclass
class LoadResult:
    sessions: int
    completed: int
    wall_s: float
    times: dict[str, list[float]]
    errors: list[str]
    rss: list[tuple[float, float]]
    timed_out: bool
    skipped: list[str] = field(default_factory=list)
    # CPU seconds used during the run by the server process and by this client (both share the
    # machine's cores: the client's parsing of every message is part of the load)
    server_cpu_s: float | None = None
    client_cpu_s: float | None = None


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of process ``pid`` so far (Linux /proc), None if unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


async def _run(base: str, sessions: int, duration: float, step_timeout: float, think: float,
               ramp: float, pid: int | None, seed: int, industries: str) -> LoadResult:
    times: dict[str, list[float]] = {k: [] for k in STEPS}
    errors: list[str] = []
    skipped: list[str] = []
    done: list[int] = []
    rss: list[tuple[float, float]] = []
    cpu0, client0 = cpu_seconds(pid), time.process_time()
    t0 = time.perf_counter()
    sampler = asyncio.create_task(sample_rss(pid, rss, t0, 1.0))

    async def delayed(i: int):
        if ramp:
            await asyncio.sleep(ramp * i / max(1, sessions - 1))
        await journey(i, base, step_timeout, think, random.Random(seed + i), times, errors, done,
                      skipped, industries)

    tasks = [asyncio.create_task(delayed(i)) for i in range(sessions)]
    finished, pending = await asyncio.wait(tasks, timeout=duration)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
        errors.append(f"{len(pending)} sessions had not finished at the {duration:.0f} s limit")
    wall = time.perf_counter() - t0
    if pid is not None:
        mb = rss_mb(pid)
        if mb is not None:
            rss.append((wall, mb))
    sampler.cancel()
    await asyncio.gather(sampler, return_exceptions=True)
    cpu1 = cpu_seconds(pid)
    return LoadResult(sessions, len(done), wall, times, errors, rss, bool(pending), skipped,
                      None if None in (cpu0, cpu1) else cpu1 - cpu0,
                      time.process_time() - client0)


def run_load(base: str, sessions: int, duration: float = 300, step_timeout: float = 120,
             think: float = 0.0, ramp: float = 0.0, pid: int | None = None,
             seed: int = 13, industries: str = "manufacturing") -> LoadResult:
    """Drive ``sessions`` concurrent journeys against ``base`` (a loopback URL)."""
    host = urlparse(base).hostname
    if host not in LOCAL_HOSTS:
        raise LoadTestError(f"{base}: the load test only drives a server on loopback")
    if not 1 <= sessions <= MAX_SESSIONS:
        raise LoadTestError(f"--sessions must be between 1 and {MAX_SESSIONS}")
    if industries not in INDUSTRY_CHOICES:
        raise LoadTestError(f"--industries must be one of {', '.join(INDUSTRY_CHOICES)}")
    return asyncio.run(_run(base.rstrip("/"), sessions, duration, step_timeout, think, ramp,
                            pid, seed, industries))


def report(res: LoadResult, context: dict[str, str]) -> str:
    """The result as markdown: context, steps, errors, memory."""
    lines = ["# Load test", ""]
    lines += [f"- {k}: {v}" for k, v in context.items()]
    lines += [f"- sessions: {res.sessions}, journeys completed: {res.completed}, "
              f"wall time {res.wall_s:.1f} s" + (" (stopped at the time limit)" if res.timed_out
                                                   else ""), ""]
    lines += ["| step | n | p50 s | p95 s | max s |", "|---|---|---|---|---|"]
    for step in STEPS:
        v = res.times[step]
        if v:
            lines.append(f"| {step} | {len(v)} | {statistics.median(v):.2f} | {pct(v, 95):.2f} "
                         f"| {max(v):.2f} |")
        else:
            lines.append(f"| {step} | 0 | – | – | – |")
    interactions = res.times["industry"] + res.times["period"] + res.times["page"]
    if interactions:
        lines += ["", f"Interactions (industry, period, page) together: p50 "
                  f"{statistics.median(interactions):.2f} s, p95 {pct(interactions, 95):.2f} s."]
    runs = sum(len(res.times[k]) for k in ("open", "industry", "period", "page"))
    if res.server_cpu_s is not None and runs:
        lines += ["", f"CPU: server {res.server_cpu_s:.1f} s for {runs} script runs "
                  f"({1000 * res.server_cpu_s / runs:.0f} ms a run, the server's one Python "
                  f"process runs one at a time); this load-test client {res.client_cpu_s:.1f} s "
                  f"on the same cores."]
    if res.skipped:
        lines += ["", f"Downloads skipped (no download button on the page): {len(res.skipped)}"]
    lines += ["", f"Errors: {len(res.errors)}"]
    lines += [f"- {e}" for e in res.errors[:20]]
    if len(res.errors) > 20:
        lines.append(f"- … and {len(res.errors) - 20} more")
    if res.rss:
        mbs = [mb for _, mb in res.rss]
        lines += ["", f"Server resident memory: start {mbs[0]:.0f} MB, peak {max(mbs):.0f} MB, "
                  f"end {mbs[-1]:.0f} MB ({len(mbs)} samples, one a second).", "",
                  "| t s | RSS MB |", "|---|---|"]
        step = max(1, len(res.rss) // 15)
        shown = res.rss[::step]
        if shown[-1] != res.rss[-1]:
            shown.append(res.rss[-1])
        lines += [f"| {t:.0f} | {mb:.0f} |" for t, mb in shown]
    else:
        lines += ["", "Server resident memory: not sampled (give --server-pid with --url)."]
    return "\n".join(lines) + "\n"


def machine_context() -> dict[str, str]:
    """Machine, versions, date and commit, as every results file records them."""
    import platform
    import subprocess

    import streamlit
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO_ROOT, capture_output=True, text=True,
                               timeout=10).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    try:
        load = "%.1f %.1f %.1f" % os.getloadavg()
    except OSError:
        load = "unknown"
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} cores (nproc), {mem_gb:.1f} GB memory, "
                       f"load average {load}",
            "versions": f"Python {platform.python_version()}, streamlit {streamlit.__version__}",
            "commit": commit}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--duration-limit", type=float, default=300,
                        help="stop every session after this many seconds (default 300)")
    parser.add_argument("--step-timeout", type=float, default=120)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a user pauses between steps (default 0: worst case)")
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="spread the session starts over this many seconds (default 0)")
    parser.add_argument("--url", help="drive this server (loopback only) instead of starting one")
    parser.add_argument("--server-pid", type=int, help="with --url: sample this process's memory")
    parser.add_argument("--rows", type=int, default=0,
                        help="start the server on a synthetic dataset of this many observations")
    parser.add_argument("--data", type=Path, help="start the server on this data folder")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "loadtest.md")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--waves", type=int, default=1,
                        help="run the same journeys this many times, one after the other, on the "
                             "same server: the first meets views no one opened yet (each is "
                             "derived once per data version), later ones the kept views, as a "
                             "meeting's second look does (default 1)")
    parser.add_argument("--industries", choices=INDUSTRY_CHOICES, default="manufacturing",
                        help="which industries the sessions pick: manufacturing or a "
                             "manufacturing group (default; they have growth figures in the "
                             "bundled data) or any but the total")
    args = parser.parse_args(argv)
    server = None
    try:
        data_dir = args.data
        if args.rows and not args.url:
            from tools.benchmark import synthetic_dir
            data_dir = synthetic_dir(args.rows)
        if args.url:
            base, pid = args.url, args.server_pid
        else:
            server = start_server(data_dir)
            base, pid = server.base, server.pid
        context = machine_context()
        context["server"] = (args.url or "own `streamlit run dashboard.py` on 127.0.0.1") + (
            f", data {data_dir}" if data_dir else ", bundled data/")
        context["journey"] = ("open overview → industry → period (one of the 6 newest) → "
                              f"growth page → download CSV; industries {args.industries}; "
                              f"think time {args.think} s, ramp {args.ramp} s, "
                              f"step timeout {args.step_timeout:.0f} s, "
                              f"limit {args.duration_limit:.0f} s")
        if not 1 <= args.waves <= 5:
            raise LoadTestError("--waves must be between 1 and 5")
        results = [run_load(base, args.sessions, args.duration_limit, args.step_timeout,
                            args.think, args.ramp, pid, args.seed, args.industries)
                   for _ in range(args.waves)]
    except LoadTestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
    if len(results) == 1:
        text = report(results[0], context)
    else:
        parts = [report(res, context if k == 0 else {}).replace(
            "# Load test", f"# Load test, wave {k + 1} of {len(results)}"
            + (" (views derived for the first time)" if k == 0 else " (the same views again)"), 1)
            for k, res in enumerate(results)]
        text = "\n".join(parts)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}")
    return 0 if not any(res.errors for res in results) else 1


if __name__ == "__main__":
    sys.exit(main())
