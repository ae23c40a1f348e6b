"""The operator's deployment (deploy/): nginx in front of Streamlit replicas, and the guard that
keeps any client from clearing the caches every session shares (components/server_guard.py).

Unit tests first (no server). The tests marked ``browser`` start the real nginx and real
`streamlit run` replicas on loopback (through deploy.launcher, the code behind
`python -m deploy`), drive Debian chromium through Playwright, and stop everything at the end.
They skip, saying why, only when nginx is not installed.
"""
from __future__ import annotations

import base64
import collections
import contextlib
import hashlib
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

import pytest
import requests
import streamlit as st
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.app_session import AppSession

from components import server_guard
from deploy.config import (INLINE_SCRIPT, STREAMLIT_INDEX, Limits, Settings, SettingsError,
                           app_max_upload_mb, content_security_policy, render)
from deploy.launcher import Deployment, nginx_binary, port_is_free
from metrics.paths import REPO_ROOT
from tests.browser import free_port, launch_browser, wait_rendered

try:
    NGINX = nginx_binary()
except RuntimeError:
    NGINX = None
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (tests/run.sh installs Debian's nginx): "
                          "these tests start the real proxy")

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# The only CSP report Streamlit 1.67 causes: protobuf.js's Long tries to compile a 40-byte
# WebAssembly helper inside try/catch and falls back to JavaScript. Allowing it would need
# 'wasm-unsafe-eval' for no benefit, so the policy refuses it and the test names it.
TOLERATED_CSP = ("script-src", "wasm-eval", "protobuf")
BOUNDED_REQUESTS = 40


# --- configuration (no server) ---------------------------------------------------------------

def _settings(tmp_path: Path, **kw) -> Settings:
    return Settings(runtime_dir=tmp_path / "rt", **kw)


def test_rendered_config_has_every_value_and_nginx_accepts_it(tmp_path):
    text = render(_settings(tmp_path, port=18080, replicas=3, app_port=18501))
    body = text[text.index("worker_processes"):]
    assert not re.search(r"@[A-Z_]+@", body)
    for port in (18501, 18502, 18503):
        assert f"server 127.0.0.1:{port} " in text
    assert "listen 0.0.0.0:18080;" in text and "ssl" not in text.split("server {")[1][:200]
    assert "hash $qd_route consistent;" in text
    assert f"client_max_body_size {app_max_upload_mb() + 1}m;" in text
    assert "daemon" not in body  # the launcher runs it in the foreground with -g
    if NGINX:
        rt = tmp_path / "rt"
        (rt / "tmp").mkdir(parents=True)
        conf = rt / "nginx.conf"
        conf.write_text(text)
        out = subprocess.run([NGINX, "-t", "-p", str(rt), "-c", str(conf),
                              "-e", str(rt / "error.log")], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr


def test_tls_switch_and_bad_settings_give_clear_messages(tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("x"), key.write_text("x")
    text = render(_settings(tmp_path, port=8443, tls_cert=cert, tls_key=key))
    assert "listen 0.0.0.0:8443 ssl;" in text and f"ssl_certificate {cert}" in text
    assert "Strict-Transport-Security" in text and "; Secure" in text
    assert "Strict-Transport-Security" not in render(_settings(tmp_path))
    cases = [
        (dict(tls_cert=cert), "both a certificate and its key"),
        (dict(tls_cert=tmp_path / "none.pem", tls_key=key), "not found"),
        (dict(port=8501, app_port=8501), "is one of the app ports"),
        (dict(replicas=0), "--replicas"),
        (dict(host="0.0.0.0; evil"), "--host"),
        (dict(limits=Limits(req_rate=0)), "req_rate"),
    ]
    for kw, message in cases:
        with pytest.raises(SettingsError, match=re.escape(message)):
            render(_settings(tmp_path, **kw))


def test_csp_allows_only_the_own_origin_and_hashes_streamlits_inline_script():
    csp = content_security_policy()
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in csp
    # No outside host anywhere: only keywords, data: and blob:.
    for sources in directives.values():
        for source in sources.split():
            assert source.startswith("'") or source in ("data:", "blob:"), source
    bodies = INLINE_SCRIPT.findall(STREAMLIT_INDEX.read_text(encoding="utf-8"))
    assert bodies, "Streamlit's index.html has no inline script: drop the hash"
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directives["script-src"]


def test_app_config_binds_loopback_hides_outside_links_and_keeps_upload_limit():
    import tomllib
    cfg = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["server"]["maxUploadSize"] == 20
    assert cfg["client"]["showErrorLinks"] == "false"
    assert cfg["browser"]["gatherUsageStats"] is False
    # Headless is what refuses Streamlit's "install skills" file writes to a client: behind the
    # proxy every connection comes from 127.0.0.1, so its loopback check would not.
    assert cfg["server"]["headless"] is True


# --- the clear_cache guard (no server) ---------------------------------------------------------

def _frontend_clear_cache_frame() -> bytes:
    """The bytes the frontend sends for "Clear cache": ``BackMsg{clearCache: true}``."""
    wire = BackMsg(clear_cache=True).SerializeToString()
    assert wire == b"\x28\x01"  # field 5 (clear_cache), varint true: what protobuf.js writes
    return wire


def _bare_session() -> AppSession:
    """An AppSession with only what the clear_cache path touches (its state is a mock)."""
    from streamlit.runtime.app_session import AppSessionState
    session = object.__new__(AppSession)
    session._session_state = mock.Mock()
    session._state = AppSessionState.SHUTDOWN_REQUESTED  # so __del__ has nothing to shut
    return session


def test_clear_cache_message_leaves_shared_caches_and_session_state():
    calls: list[str] = []

    @st.cache_data
    def data_value(x):
        calls.append("data")
        return x

    @st.cache_resource
    def resource_value(x):
        calls.append("resource")
        return x

    data_value(1), resource_value(1)
    assert calls == ["data", "resource"]
    assert server_guard.installed()
    msg = BackMsg()
    msg.ParseFromString(_frontend_clear_cache_frame())  # as the server parses the frame
    session = _bare_session()
    with mock.patch.object(server_guard._LOGGER, "warning") as warning:
        session.handle_backmsg(msg)
    data_value(1), resource_value(1)
    assert calls == ["data", "resource"], "a client cleared the shared caches"
    session._session_state.clear.assert_not_called()
    assert "Ignored a clear_cache request" in warning.call_args.args[0]
    # What the guard prevents: Streamlit's own handler empties both caches.
    server_guard.streamlit_handler()(_bare_session())
    data_value(1), resource_value(1)
    assert calls == ["data", "resource", "data", "resource"]
    st.cache_data.clear(), st.cache_resource.clear()


def test_guard_is_idempotent_and_touches_no_other_handler():
    assert server_guard.install() is False  # already installed on import
    assert AppSession._handle_clear_cache_request is server_guard._refuse_clear_cache
    for name in ("handle_backmsg", "_handle_rerun_script_request", "_handle_stop_script_request",
                 "_handle_app_heartbeat_request", "_handle_file_urls_request"):
        assert getattr(AppSession, name).__module__ == "streamlit.runtime.app_session", name
    frame = (REPO_ROOT / "components" / "frame.py").read_text(encoding="utf-8")
    assert "from components import server_guard" in frame


# --- servers -----------------------------------------------------------------------------------

def _free_ports(n: int) -> int:
    """A free loopback port p with p+1..p+n-1 free too (bounded tries)."""
    for _ in range(50):
        p = free_port()
        if p + n < 65535 and all(port_is_free(p + i) for i in range(n)):
            return p
    raise RuntimeError(f"no {n} consecutive free ports")


@contextlib.contextmanager
def _deployment(tmp: Path, replicas: int, **kw):
    app_port = _free_ports(replicas)
    port = free_port()
    while app_port <= port < app_port + replicas:
        port = free_port()
    settings = Settings(runtime_dir=tmp, port=port, host="127.0.0.1", replicas=replicas,
                        app_port=app_port, **kw)
    with Deployment(settings) as d:
        yield d


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """nginx and one replica, plain HTTP, default limits."""
    if NGINX is None:
        pytest.skip("nginx is not installed")
    with _deployment(tmp_path_factory.mktemp("deploy-one"), replicas=1) as d:
        yield d


def _assert_security_headers(r: requests.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, (r.url, name, r.headers.get(name))
    csp = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, r.url
    # Sent once (the app's own copy of nosniff is hidden).
    assert r.raw.headers.getlist("X-Content-Type-Options") == ["nosniff"], r.url


@pytest.mark.browser
@needs_nginx
def test_headers_on_pages_assets_and_errors_and_closed_endpoints(proxy):
    base = proxy.url
    page = requests.get(base + "/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    _assert_security_headers(page)
    assert re.fullmatch(r"qd_replica=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax",
                        page.headers["Set-Cookie"])
    assert '<script src="/_qd/base.js"></script><script type="module"' in page.text
    asset = re.search(r'src="\./(static/js/[^"]+\.js)"', page.text).group(1)
    js = requests.get(f"{base}/{asset}", timeout=10)
    assert js.status_code == 200 and "javascript" in js.headers["Content-Type"]
    _assert_security_headers(js)
    assert "Set-Cookie" not in js.headers  # a shared cache must not hand one cookie to all
    host_config = requests.get(base + "/_stcore/host-config", timeout=10)
    assert host_config.json()["allowedOrigins"] == []
    _assert_security_headers(host_config)
    # Closed at the proxy, though the app itself answers them (the control).
    direct = proxy.replica_url(0)
    assert requests.get(direct + "/_stcore/metrics", timeout=10).status_code == 200
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json", "/_stcore/agent/mcp",
                 "/_stcore/script-health-check", "/growth/_stcore/health",
                 "/growth/_stcore/host-config", "/auth/login", "/oauth2callback"):
        r = requests.get(base + path, timeout=10)
        assert r.status_code == 404, (path, r.status_code)
        _assert_security_headers(r)
    assert requests.post(base + "/", data="x", timeout=10).status_code == 403
    assert requests.get(base + "/_stcore/health", timeout=10).text == "ok"


class _Framer(http.server.BaseHTTPRequestHandler):
    """Serves a page on another loopback port that frames the URL in ?src=."""

    def do_GET(self):  # noqa: N802 - http.server's name
        src = self.path.split("src=", 1)[1]
        body = f'<html><body><iframe id="app" src="{src}" width="900" height="600">' \
               f"</iframe></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _app_in_frame(browser, framer: str, src: str) -> bool:
    page = browser.new_page()
    try:
        page.goto(f"{framer}/?src={src}")
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            child = next((f for f in page.frames if f != page.main_frame), None)
            if child is not None and child.url.startswith("chrome-error://"):
                return False
            with contextlib.suppress(Exception):
                if child is not None and child.query_selector("[data-testid='stApp']"):
                    return True
            page.wait_for_timeout(500)
        return False
    finally:
        page.close()


@pytest.mark.browser
@needs_nginx
def test_framing_is_refused_through_the_proxy(proxy, browser):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Framer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        framer = f"http://127.0.0.1:{server.server_address[1]}"
        assert not _app_in_frame(browser, framer, proxy.url + "/")
        # The control: the replica without the proxy can be framed by any page.
        assert _app_in_frame(browser, framer, proxy.replica_url(0) + "/")
    finally:
        server.shutdown()
        server.server_close()


def _open(context, url: str):
    """A page at ``url``, rendered; records requests, websockets and CSP reports."""
    page = context.new_page()
    log = {"requests": [], "websockets": [], "csp": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("websocket", lambda w: log["websockets"].append(w.url))
    page.on("console", lambda m: log["csp"].append(m.text) if m.text.startswith("CSP|") else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.log("
        "['CSP', e.violatedDirective, e.blockedURI, e.sourceFile].join('|')))")
    page.goto(url)
    wait_rendered(page)
    return page, log


def _assert_stayed_on(base: str, log: dict) -> None:
    origin = urlparse(base).netloc
    outside = [u for u in log["requests"] + log["websockets"]
               if urlparse(u).scheme not in ("data", "blob") and urlparse(u).netloc != origin]
    assert not outside, outside
    assert not [u for u in log["requests"] if re.search(r"://[^/]+/[^?]+/_stcore/", u)], \
        "a sub-page probe still went to <page>/_stcore"
    ws_scheme = "wss" if base.startswith("https") else "ws"
    assert set(log["websockets"]) == {f"{ws_scheme}://{origin}/_stcore/stream"}
    unexpected = [c for c in log["csp"] if not all(t in c for t in TOLERATED_CSP)]
    assert not unexpected, unexpected


@pytest.mark.browser
@needs_nginx
def test_pages_and_csv_download_work_through_the_proxy(proxy, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    try:
        page, log = _open(context, proxy.url + "/?period=2024-05")
        main = page.get_by_test_id("stMain").inner_text()
        assert "比山东8.5%高1.1个百分点" in main
        with page.expect_download() as info:
            page.get_by_test_id("stDownloadButton").first.get_by_role("button").click()
        assert urlparse(info.value.url).netloc == urlparse(proxy.url).netloc
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert "工业增加值同比增长(累计),青岛,规模以上工业,2024年1-5月,9.6," in data.decode("utf-8-sig")
        _assert_stayed_on(proxy.url, log)
        # A sub-page as the first URL of a tab runs that page (not the overview), and its
        # connection probes only the root.
        for path, heading in (("/growth?lang=en", "Growth"), ("/data?lang=en", "Data & sources")):
            sub, sub_log = _open(context, proxy.url + path)
            assert heading in sub.get_by_test_id("stMain").inner_text()[:200], path
            _assert_stayed_on(proxy.url, sub_log)
            sub.close()
        # A nested unknown path runs the app (its scripts are served from the root) and shows
        # the app's own not-found view naming the path, never a blank page.
        for path in ("/growth/extra?lang=en", "/data/x/y?lang=en"):
            sub, sub_log = _open(context, proxy.url + path)
            text = sub.get_by_test_id("stMain").inner_text()
            assert "Page not found" in text and path.split("?")[0] in text, (path, text[:300])
            _assert_stayed_on(proxy.url, sub_log)
            sub.close()
    finally:
        context.close()


def _metrics(base: str) -> dict[tuple[str, str], float]:
    """Cache lookups (hit/miss) per st.cache_* function from the app's /_stcore/metrics."""
    text = requests.get(base + "/_stcore/metrics", timeout=10).text
    out: dict[tuple[str, str], float] = collections.defaultdict(float)
    for m in re.finditer(r'^cache_lookups_total\{([^}]*)\} (\S+)$', text, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if labels.get("cache_type") in ("st_cache_data", "st_cache_resource"):
            out[(labels["cache"], labels["result"])] += float(m.group(2))
    return out


def _run_page(ws, page_name: str, query: str, timeout_s: float = 90) -> None:
    """Send rerun_script as the frontend does and read until the run finishes."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page_name
    ws.send(msg.SerializeToString())
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        fwd = ForwardMsg()
        fwd.ParseFromString(ws.recv(timeout=max(1, deadline - time.monotonic())))
        if fwd.WhichOneof("type") == "script_finished":
            return
    raise TimeoutError(f"no script_finished for {page_name} within {timeout_s} s")


@pytest.mark.browser
@needs_nginx
def test_clear_cache_over_the_websocket_keeps_every_sessions_caches(proxy):
    """A client's clear_cache message is refused (logged) and changes nothing. The app keeps
    its shared data and derived results outside streamlit's caches (components/data.py,
    metrics/memo.py); any st.cache_* function it may use is not recomputed either."""
    from websockets.sync.client import connect
    ws_url = proxy.url.replace("http", "ws", 1) + "/_stcore/stream"
    with connect(ws_url, subprotocols=["streamlit"], origin=proxy.url,
                 open_timeout=20, max_size=None) as ws:
        _run_page(ws, "clusters", "lang=en")
        before = _metrics(proxy.replica_url(0))
        misses = {k: v for k, v in before.items() if k[1] == "miss"}
        ws.send(_frontend_clear_cache_frame())
        _run_page(ws, "clusters", "lang=en")
    after = _metrics(proxy.replica_url(0))
    assert {k: v for k, v in after.items() if k[1] == "miss"} == misses, \
        "the rerun after clear_cache recomputed a cached function"
    log = (proxy.runtime / "logs" / "replica-0.log").read_text(errors="replace")
    assert "Ignored a clear_cache request" in log


# --- the command: limits and stopping ------------------------------------------------------------

def _ws_status(stack: contextlib.ExitStack, url: str, origin: str,
               source: str | None = None) -> int:
    """Open a websocket kept open until ``stack`` closes; 101, or the status of a refusal."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect
    kw = {"source_address": (source, 0)} if source else {}
    try:
        stack.enter_context(connect(url, subprotocols=["streamlit"], origin=origin,
                                    open_timeout=20, **kw))
    except InvalidStatus as e:
        return e.response.status_code
    return 101


@pytest.mark.browser
@needs_nginx
def test_command_enforces_limits_restarts_a_dead_replica_and_stops_on_sigterm(tmp_path):
    app_port = _free_ports(1)
    port = free_port()
    rt = tmp_path / "rt"
    cmd = [sys.executable, "-m", "deploy", "--replicas", "1", "--port", str(port),
           "--app-port", str(app_port), "--host", "127.0.0.1", "--runtime-dir", str(rt),
           "--req-rate", "1", "--req-burst", "5", "--sessions-per-ip", "2",
           "--max-sessions", "3", "--session-rate", "60", "--session-burst", "20"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    opened = contextlib.ExitStack()
    try:
        line = proc.stdout.readline()  # the launcher prints one line once everything answers
        assert line.startswith("dashboard: http://127.0.0.1:"), line + proc.stdout.read()
        base = f"http://127.0.0.1:{port}"
        statuses = []
        for _ in range(BOUNDED_REQUESTS):
            r = requests.get(base + "/_stcore/health", timeout=10)
            statuses.append(r.status_code)
            if r.status_code == 429:
                _assert_security_headers(r)
                break
        assert 429 in statuses and statuses.index(429) <= 10, statuses
        # Sessions: two per address, three for the whole server; beyond, 503.
        ws_url = f"ws://127.0.0.1:{port}/_stcore/stream"
        assert [_ws_status(opened, ws_url, base) for _ in range(3)] == [101, 101, 503]
        # Another address may open the server's third session, and no fourth.
        assert _ws_status(opened, ws_url, base, source="127.0.0.2") == 101
        assert _ws_status(opened, ws_url, base, source="127.0.0.3") == 503
        opened.close()
        # A replica that dies is started again, and the proxy answers once it is back.
        pid_file = rt / "logs" / "replica-0.pid"
        old_pid = int(pid_file.read_text())
        os.kill(old_pid, signal.SIGKILL)
        deadline = time.monotonic() + 90
        back = False
        while not back and time.monotonic() < deadline:
            time.sleep(1.5)  # within the 1 request/s limit set above
            with contextlib.suppress(requests.RequestException):
                back = (int(pid_file.read_text()) != old_pid and
                        requests.get(base + "/_stcore/health", timeout=5).status_code == 200)
        assert back, "the killed replica was not started again within 90 s"
    finally:
        opened.close()
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, out
    assert "replica 0 (port" in out and "started it again" in out
    assert "stopped" in out
    assert port_is_free(port) and port_is_free(app_port)
    assert not (rt / "nginx.pid").exists()


# --- TLS and two replicas ------------------------------------------------------------------------

def _self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    openssl = shutil.which("openssl")
    if openssl:
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
        return cert, key
    crypto = pytest.importorskip("cryptography", reason="neither openssl nor cryptography")
    del crypto
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    c = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key())
         .serial_number(x509.random_serial_number()).not_valid_before(now)
         .not_valid_after(now + datetime.timedelta(days=1))
         .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
             ipaddress.ip_address("127.0.0.1"))]), critical=False)
         .sign(k, hashes.SHA256()))
    key.write_bytes(k.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()))
    cert.write_bytes(c.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _published_version() -> str | None:
    """The data version in use (CURRENT, else the base), as every replica must show it."""
    from metrics.store import current_version_id

    data_dir = Path(os.environ.get("QD_DASHBOARD_DATA_DIR") or REPO_ROOT / "data")
    if not (data_dir / "manifest.json").exists():
        return None
    return current_version_id(data_dir)


def _routes(access_log: Path) -> dict[str, set[str]]:
    """Sticky key -> the replicas (upstream addresses) that served it, from nginx's log."""
    out: dict[str, set[str]] = collections.defaultdict(set)
    for line in access_log.read_text(errors="replace").splitlines():
        m = re.search(r"upstream=(\S+) route=([0-9a-f]{32})", line)
        if m and m.group(1) != "-":
            out[m.group(2)].add(m.group(1))
    return out


def _cookie_routed_to(base: str, cert: Path, access_log: Path, replica: str) -> str:
    """A well-formed qd_replica value that the proxy's consistent hash sends to ``replica``."""
    for _ in range(64):
        key = secrets.token_hex(16)
        r = requests.get(base + "/_stcore/health", cookies={"qd_replica": key},
                         verify=str(cert), timeout=10)
        assert r.status_code == 200, r.status_code
        time.sleep(0.05)  # nginx writes the access line after the answer
        if _routes(access_log).get(key) == {replica}:
            return key
    raise AssertionError(f"64 random cookies never reached {replica}")


@pytest.mark.browser
@needs_nginx
def test_tls_two_replicas_sticky_sessions_same_data_version(tmp_path, browser):
    cert, key = _self_signed(tmp_path)
    with _deployment(tmp_path / "rt", replicas=2, tls_cert=cert, tls_key=key) as d:
        base = d.url
        assert base.startswith("https://")
        r = requests.get(base + "/", verify=str(cert), timeout=10)
        _assert_security_headers(r)
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        assert r.headers["Set-Cookie"].endswith("; Secure")
        plain = requests.get(base.replace("https", "http", 1) + "/", allow_redirects=False,
                             timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
        replicas = {f"127.0.0.1:{p}" for p in d.settings.app_ports}
        versions, served = [], set()
        # Tab 1 gets its cookie from the proxy. Tab 2 brings a cookie that the proxy's hash
        # sends to the other replica, found with cheap probes first (a random cookie picks
        # either replica, so tabs alone would miss one now and then).
        for n in range(2):
            context = browser.new_context(ignore_https_errors=True, accept_downloads=True,
                                          viewport={"width": 1400, "height": 1000})
            if n == 1:
                other = (replicas - served).pop()
                key = _cookie_routed_to(base, cert, d.runtime / "access.log", other)
                context.add_cookies([{"name": "qd_replica", "value": key, "url": base + "/"}])
            try:
                page, log = _open(context, base + "/?lang=en")
                # Interaction on the same session: the language switch reruns over the socket.
                page.get_by_test_id("stSidebar").get_by_text("中文").click()
                page.wait_for_function("() => document.querySelector(\"[data-testid='stMain']\")"
                                       ".innerText.includes('数据版本')", timeout=60_000)
                wait_rendered(page)
                main = page.get_by_test_id("stMain").inner_text()
                footer = re.search(r"数据版本 (\S+)", main)
                assert footer, f"no data version in the footer: {main[-600:]}"
                versions.append(footer.group(1))
                _assert_stayed_on(base, log)
                cookie = next(c["value"] for c in context.cookies() if c["name"] == "qd_replica")
            finally:
                context.close()  # closes the websocket: nginx logs it
            time.sleep(0.5)
            routes = _routes(d.runtime / "access.log")
            assert len(routes[cookie]) == 1, f"one tab was served by {routes[cookie]}"
            served |= routes[cookie]
        assert served == replicas, f"the two tabs went to {served}"
        # each replica opened the overview itself once it answered (deploy/replica.py)
        from deploy.replica import WARMED
        for i in range(2):
            text = (d.runtime / "logs" / f"replica-{i}.log").read_text(errors="replace")
            assert WARMED in text, text[-800:]
        assert len(set(versions)) == 1, versions
        published = _published_version()
        if published:
            assert versions[0] == published
        # Every request of every cookie (pages, assets, websocket, health) stayed on one replica.
        assert all(len(v) == 1 for v in _routes(d.runtime / "access.log").values())
