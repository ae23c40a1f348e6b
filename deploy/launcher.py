"""Start the dashboard as an operator would: N Streamlit replicas on loopback behind nginx.

    python -m deploy [--replicas N] [--port P] [--host ADDR] [--app-port A]
                     [--tls-cert CERT --tls-key KEY] [--data-dir DIR] [--runtime-dir DIR]

Writes the nginx configuration from deploy/nginx.conf.template into a runtime folder (never
/etc), checks it with ``nginx -t``, starts ``streamlit run dashboard.py --server.address
127.0.0.1 --server.port A+i`` per replica (through deploy/replica.py, which opens the overview
once as soon as the replica answers), waits until each answers, then runs nginx in the
foreground with its own pid, log and temp paths. Ctrl-C or SIGTERM stops nginx, then the
replicas. A replica that exits is started again (nginx sends its browsers to the others
meanwhile) unless it fails 5 times in 10 minutes; if nginx exits, or a replica keeps failing,
everything is stopped and the command fails.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from deploy.config import Limits, Settings, SettingsError, render

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "QD_DASHBOARD_DATA_DIR"
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 10
# A replica that exits is started again, unless it did so this often within the window.
MAX_RESTARTS = 5
RESTART_WINDOW_S = 600
# Default session cap: the sessions one replica serves at an acceptable pace on a small machine
# (issue 13 measured 25 sessions on one process on 2 cores).
SESSIONS_PER_REPLICA = 50
_PR_SET_PDEATHSIG = 1


class DeployError(RuntimeError):
    """The deployment cannot start; the message says what to fix."""


def nginx_binary() -> str:
    """nginx from QD_NGINX, PATH or Debian's /usr/sbin (often not on a user's PATH)."""
    for candidate in (os.environ.get("QD_NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise DeployError("nginx is not installed: `apt-get install nginx-light` (Debian), "
                      "or point QD_NGINX at the binary")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Children get SIGTERM if the launcher itself is killed (Linux), so none is orphaned."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _answers(url: str, timeout: float = 2.0) -> bool:
    context = ssl._create_unverified_context() if url.startswith("https") else None
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as r:
            return r.status == 200
    except OSError:
        return False


class Deployment:
    """The running replicas and nginx; a context manager that always stops what it started."""

    def __init__(self, settings: Settings, data_dir: Path | None = None,
                 streamlit_args: tuple[str, ...] = ()) -> None:
        settings.check()
        self.settings = settings
        self.runtime = Path(settings.runtime_dir).resolve()
        self.data_dir = data_dir
        self.streamlit_args = streamlit_args
        self.replicas: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self._logs: list = []
        # Set by a signal handler: a start still waiting for the replicas gives up.
        self.cancel = threading.Event()
        self._restarts: dict[int, list[float]] = {}

    # --- paths and URLs -------------------------------------------------------------------
    @property
    def conf_path(self) -> Path:
        return self.runtime / "nginx.conf"

    @property
    def url(self) -> str:
        scheme = "https" if self.settings.tls else "http"
        host = self.settings.host
        if host in ("0.0.0.0", "::", "[::]"):
            host = "127.0.0.1"
        return f"{scheme}://{host}:{self.settings.port}"

    def replica_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.settings.app_ports[i]}"

    # --- steps ----------------------------------------------------------------------------
    def write_config(self) -> Path:
        """Write nginx.conf and its folders into the runtime folder, and have nginx check it."""
        for sub in ("", "tmp", "logs"):
            (self.runtime / sub).mkdir(parents=True, exist_ok=True)
        # nginx started as root runs its workers as nobody: they must reach the temp folders.
        self.runtime.chmod(0o755)
        self.conf_path.write_text(render(self.settings), encoding="utf-8")
        test = subprocess.run(self._nginx_cmd("-t"), capture_output=True, text=True)
        if test.returncode != 0:
            raise DeployError(f"nginx refused {self.conf_path}:\n{test.stderr.strip()}")
        return self.conf_path

    def _nginx_cmd(self, *extra: str) -> list[str]:
        return [nginx_binary(), "-p", str(self.runtime), "-c", str(self.conf_path),
                "-e", str(self.runtime / "error.log"), "-g", "daemon off;", *extra]

    def _replica_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.data_dir is not None:
            env[DATA_DIR_ENV] = str(Path(self.data_dir).resolve())
        return env

    def start(self) -> None:
        s = self.settings
        busy = [p for p in [*s.app_ports] if not port_is_free(p)]
        if not port_is_free(s.port, s.host if s.host not in ("::", "[::]") else "0.0.0.0"):
            busy.insert(0, s.port)
        if busy:
            raise DeployError(f"port(s) already in use: {busy}; pick other --port/--app-port "
                              f"or stop what listens there")
        if self.data_dir is not None and not Path(self.data_dir).is_dir():
            raise DeployError(f"data folder not found: {self.data_dir}")
        self.write_config()
        self.replicas = [self._start_replica(i) for i in range(s.replicas)]
        self._wait_for([self.replica_url(i) for i in range(s.replicas)], "replica")
        log = open(self.runtime / "logs" / "nginx.out", "ab")
        self._logs.append(log)
        self.nginx = subprocess.Popen(self._nginx_cmd(), stdout=log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True,
                                      preexec_fn=_die_with_parent)
        self._wait_for([self.url], "nginx")

    def _start_replica(self, i: int) -> subprocess.Popen:
        """``streamlit run dashboard.py`` for replica ``i`` on 127.0.0.1, through
        deploy/replica.py (which warms it up); its pid in logs/replica-i.pid."""
        log = open(self.runtime / "logs" / f"replica-{i}.log", "ab")
        self._logs.append(log)
        cmd = [sys.executable, "-m", "deploy.replica",
               "--server.address", "127.0.0.1", "--server.port", str(self.settings.app_ports[i]),
               "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false", *self.streamlit_args]
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=self._replica_env(), stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=_die_with_parent)
        (self.runtime / "logs" / f"replica-{i}.pid").write_text(f"{proc.pid}\n")
        return proc

    def restart_exited_replicas(self) -> list[str]:
        """Start again any replica that has exited (nginx sends its browsers to the others
        meanwhile); refuses, by raising, a replica that keeps failing."""
        now = time.monotonic()
        restarted = []
        for i, p in enumerate(self.replicas):
            if p.poll() is None:
                continue
            recent = [t for t in self._restarts.get(i, []) if now - t < RESTART_WINDOW_S]
            if len(recent) >= MAX_RESTARTS:
                raise DeployError(f"replica {i} (port {self.settings.app_ports[i]}) exited "
                                  f"{len(recent) + 1} times within {RESTART_WINDOW_S} s; see "
                                  f"{self.runtime}/logs/replica-{i}.log")
            self._restarts[i] = [*recent, now]
            self.replicas[i] = self._start_replica(i)
            restarted.append(f"replica {i} (port {self.settings.app_ports[i]}, exit "
                             f"{p.returncode})")
        return restarted

    def _wait_for(self, bases: list[str], what: str) -> None:
        pending = list(bases)
        deadline = time.monotonic() + START_TIMEOUT_S
        while pending:
            pending = [b for b in pending if not _answers(b + "/_stcore/health")]
            if self.cancel.is_set():
                raise DeployError("interrupted while starting")
            dead = self.exited()
            if dead:
                raise DeployError(f"{dead} exited while starting; see {self.runtime}/logs "
                                  f"and {self.runtime}/error.log")
            if pending and time.monotonic() > deadline:
                raise DeployError(f"{what} did not answer within {START_TIMEOUT_S} s: "
                                  f"{pending}; see {self.runtime}/logs")
            if pending:
                time.sleep(0.3)

    def exited(self) -> str | None:
        """The name of a process that has exited, if any."""
        for i, p in enumerate(self.replicas):
            if p.poll() is not None:
                return f"replica {i} (port {self.settings.app_ports[i]}, exit {p.returncode})"
        if self.nginx is not None and self.nginx.poll() is not None:
            return f"nginx (exit {self.nginx.returncode})"
        return None

    def stop(self) -> None:
        """nginx first (no new requests), then the replicas; kill what does not stop."""
        procs = ([self.nginx] if self.nginx else []) + self.replicas
        for p in procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=5)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def __enter__(self) -> Deployment:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    d = Limits()
    p = argparse.ArgumentParser(
        prog="python -m deploy",
        description="Run the dashboard behind nginx: security headers, limits, TLS when a "
                    "certificate is given, N Streamlit replicas on 127.0.0.1 with sticky "
                    "sessions. Ctrl-C stops everything.")
    p.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    p.add_argument("--port", type=int, default=8080, help="port nginx listens on (default 8080)")
    p.add_argument("--host", default="0.0.0.0",
                   help="address nginx listens on (default 0.0.0.0: every interface; the "
                        "replicas always listen on 127.0.0.1 only)")
    p.add_argument("--app-port", type=int, default=8501,
                   help="first replica's port on 127.0.0.1; replica i uses it + i (default 8501)")
    p.add_argument("--tls-cert", type=Path, default=os.environ.get("QD_TLS_CERT") or None,
                   help="PEM certificate (chain): serve HTTPS on --port (env QD_TLS_CERT)")
    p.add_argument("--tls-key", type=Path, default=os.environ.get("QD_TLS_KEY") or None,
                   help="its private key (env QD_TLS_KEY)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help=f"published data folder every replica reads (sets {DATA_DIR_ENV}; "
                        f"default: that variable, else data/)")
    p.add_argument("--runtime-dir", type=Path, default=None,
                   help="folder for nginx.conf, pid, logs and temp files (default: a new "
                        "folder under the system temp folder)")
    p.add_argument("--check", action="store_true",
                   help="write the nginx configuration, have nginx test it, print its path, exit")
    g = p.add_argument_group("limits (per client address unless said otherwise)")
    g.add_argument("--req-rate", type=int, default=d.req_rate,
                   help=f"requests per second, sustained (default {d.req_rate}); beyond "
                        f"rate + burst: 429")
    g.add_argument("--req-burst", type=int, default=d.req_burst,
                   help=f"burst above the rate (default {d.req_burst})")
    g.add_argument("--static-rate", type=int, default=d.static_rate,
                   help=f"script, style and font files per second (default {d.static_rate})")
    g.add_argument("--static-burst", type=int, default=d.static_burst,
                   help=f"burst of such files (default {d.static_burst})")
    g.add_argument("--session-rate", type=int, default=d.session_rate,
                   help=f"new sessions per minute (default {d.session_rate})")
    g.add_argument("--session-burst", type=int, default=d.session_burst,
                   help=f"burst of new sessions (default {d.session_burst})")
    g.add_argument("--conn-per-ip", type=int, default=d.conn_per_ip,
                   help=f"open connections (default {d.conn_per_ip}); beyond: 503")
    g.add_argument("--sessions-per-ip", type=int, default=d.sessions_per_ip,
                   help=f"open sessions, i.e. browser tabs (default {d.sessions_per_ip})")
    g.add_argument("--max-sessions", type=int, default=None,
                   help=f"open sessions on the whole proxy (default {SESSIONS_PER_REPLICA} "
                        f"per replica); beyond: 503")
    return p.parse_args(argv)


def settings_from_args(args: argparse.Namespace) -> Settings:
    runtime = args.runtime_dir or Path(tempfile.mkdtemp(prefix="qd-deploy-"))
    limits = Limits(req_rate=args.req_rate, req_burst=args.req_burst,
                    session_rate=args.session_rate, session_burst=args.session_burst,
                    static_rate=args.static_rate, static_burst=args.static_burst,
                    conn_per_ip=args.conn_per_ip, sessions_per_ip=args.sessions_per_ip,
                    max_sessions=args.max_sessions or SESSIONS_PER_REPLICA * args.replicas)
    return Settings(runtime_dir=runtime, port=args.port, host=args.host,
                    replicas=args.replicas, app_port=args.app_port, tls_cert=args.tls_cert,
                    tls_key=args.tls_key, limits=limits)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = settings_from_args(args)
        deployment = Deployment(settings, data_dir=args.data_dir)
        if args.check:
            print(deployment.write_config())
            return 0
        with _stop_on_signals(deployment.cancel) as stop:
            with deployment:
                print(f"dashboard: {deployment.url}/  ({settings.replicas} replica(s) on "
                      f"127.0.0.1:{settings.app_ports[0]}..{settings.app_ports[-1]}, "
                      f"{'TLS' if settings.tls else 'no TLS'}); runtime folder "
                      f"{deployment.runtime}; Ctrl-C stops", flush=True)
                while not stop.wait(0.5):
                    for name in deployment.restart_exited_replicas():
                        print(f"warning: {name} exited; started it again", file=sys.stderr,
                              flush=True)
                    dead = deployment.exited()
                    if dead:
                        print(f"error: {dead} exited; stopping everything; see "
                              f"{deployment.runtime}/logs", file=sys.stderr, flush=True)
                        return 1
        print("stopped", flush=True)
        return 0
    except SettingsError as e:
        # Nothing was written: drop the runtime folder made for this run.
        if args.runtime_dir is None and "settings" in locals():
            shutil.rmtree(settings.runtime_dir, ignore_errors=True)
        print(f"error: {e}", file=sys.stderr)
        return 2
    except DeployError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
