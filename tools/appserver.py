"""A `streamlit run dashboard.py` on loopback for the benchmark and the load test, with its PID.

Unlike tests/browser.py's fixture this one exposes the process (for its resident memory) and the
time from launch to a healthy server, and it can point the app at another data folder.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "QD_DASHBOARD_DATA_DIR"
START_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen | None, timeout_s: float,
                 poll_s: float = 0.3) -> bool:
    """Poll the server's health endpoint until it answers 200 (True), or until the process
    exits or ``timeout_s`` passes (False). Shared with the browser tests' server and with a
    replica's warm-up (``proc`` None: the server is this very process)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            return False
        time.sleep(poll_s)


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` and its children in MB (from /proc), None once it is gone."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    found = False
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    found = True
                    break
        except OSError:
            continue
    return total / 1024 if found else None


def peak_rss_mb(pid: int) -> float | None:
    """The peak resident memory (VmHWM) of ``pid`` in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Server:
    """A running server: base URL, process, and the seconds it took to answer /_stcore/health."""

    base: str
    proc: subprocess.Popen
    started_at: float
    health_s: float
    log: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        """Terminate the server (and only it), then reap it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(data_dir: Path | None = None, script: Path | None = None,
                 port: int | None = None, extra_env: dict[str, str] | None = None,
                 replica: bool = False) -> Server:
    """Launch `streamlit run` on 127.0.0.1 and wait until it answers its health check
    (``replica``: the dashboard as the deployment starts it, ``python -m deploy.replica``,
    which warms itself up)."""
    port = port or free_port()
    script = script or REPO_ROOT / "dashboard.py"
    env = {**os.environ, **(extra_env or {})}
    if data_dir is not None:
        env[DATA_DIR_ENV] = str(data_dir)
    launch = (["-m", "deploy.replica"] if replica
              else ["-m", "streamlit", "run", str(script)])
    cmd = [sys.executable, *launch,
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace")
    log: list[str] = []

    def _drain() -> None:   # keep the pipe from filling up; keep the tail for error messages
        for line in proc.stdout:
            log.append(line.rstrip())
            del log[:-200]

    threading.Thread(target=_drain, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    if not wait_healthy(base, proc, START_TIMEOUT_S, poll_s=0.05):
        server = Server(base, proc, t0, 0.0, log)
        server.stop()
        raise RuntimeError("streamlit did not start:\n" + "\n".join(log[-30:]))
    return Server(base, proc, t0, time.perf_counter() - t0, log)
