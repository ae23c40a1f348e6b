"""The proxy's settings and the nginx configuration written from ``nginx.conf.template``.

Pure functions (no process is started here), so the tests can read exactly what nginx reads.
"""
from __future__ import annotations

import base64
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import streamlit

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
# The page Streamlit serves for every app URL; its inline scripts are allowed by hash.
STREAMLIT_INDEX = Path(streamlit.__file__).resolve().parent / "static" / "index.html"
# The app's own inline script (st.html): fits charts and tables to the page before printing.
APP_INLINE_SCRIPTS = (Path(__file__).resolve().parent.parent / "components" / "assets"
                      / "print.js",)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
STREAMLIT_CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"
STREAMLIT_DEFAULT_MAX_UPLOAD_MB = 200


def app_max_upload_mb(config_toml: Path = STREAMLIT_CONFIG) -> int:
    """server.maxUploadSize (MB) of the app's config; nginx lets one more MB through for the
    form's overhead, so the app's own limit and message apply."""
    with open(config_toml, "rb") as f:
        server = tomllib.load(f).get("server", {})
    return int(server.get("maxUploadSize", STREAMLIT_DEFAULT_MAX_UPLOAD_MB))


class SettingsError(ValueError):
    """A deployment option that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Limits:
    """Request and connection limits (per client address unless said otherwise).

    A first visit with an empty browser cache makes about 130 requests in a few seconds
    (measured in Chromium: about 120 script, style and font files under /static/, the page,
    favicon, health and host-config, the websocket, media): the bursts let that through at
    once; sustained traffic beyond the rates answers 429. ``max_sessions`` is the whole
    proxy's cap (the launcher's default is 50 per replica).
    """

    req_rate: int = 10           # page, media and health requests per second, sustained
    req_burst: int = 60          # such requests above the rate answered at once before 429
    static_rate: int = 50        # script/style/font files per second, sustained
    static_burst: int = 400      # such files above the rate before 429
    session_rate: int = 30       # new sessions (websocket handshakes) per minute
    session_burst: int = 40      # new sessions above that rate before 429 (a room opening at once)
    conn_per_ip: int = 100       # open connections (HTTP and websocket) -> 503 beyond
    sessions_per_ip: int = 40    # open sessions (browser tabs) -> 503 beyond
    max_sessions: int = 100      # open sessions for the whole server -> 503 beyond

    def check(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or value < 1:
                raise SettingsError(f"limit {name} must be a whole number of at least 1, "
                                    f"got {value!r}")


@dataclass(frozen=True)
class Settings:
    """Everything the nginx configuration depends on."""

    runtime_dir: Path
    port: int = 8080
    host: str = "0.0.0.0"
    replicas: int = 2
    app_port: int = 8501
    tls_cert: Path | None = None
    tls_key: Path | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @property
    def app_ports(self) -> list[int]:
        return [self.app_port + i for i in range(self.replicas)]

    def check(self) -> None:
        """Refuse settings that cannot work, with a message naming the option."""
        if not 1 <= self.replicas <= 32:
            raise SettingsError(f"--replicas must be between 1 and 32, got {self.replicas}")
        ports = [self.port, *self.app_ports]
        if any(not 1 <= p <= 65535 for p in ports):
            raise SettingsError(f"ports must be between 1 and 65535: proxy {self.port}, "
                                f"app {self.app_ports[0]}..{self.app_ports[-1]}")
        if self.port in self.app_ports:
            raise SettingsError(f"the proxy port {self.port} is one of the app ports "
                                f"{self.app_ports[0]}..{self.app_ports[-1]}: pick another "
                                f"--port or --app-port")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise SettingsError("TLS needs both a certificate and its key "
                                "(--tls-cert and --tls-key, or QD_TLS_CERT and QD_TLS_KEY)")
        for name, path in (("certificate", self.tls_cert), ("key", self.tls_key)):
            if path is not None and not Path(path).is_file():
                raise SettingsError(f"TLS {name} not found: {path}")
        if not re.fullmatch(r"[0-9A-Za-z.:\[\]-]+", self.host):
            raise SettingsError(f"--host must be an address such as 0.0.0.0 or 127.0.0.1, "
                                f"got {self.host!r}")
        self.limits.check()


def inline_script_hashes(index_html: Path = STREAMLIT_INDEX) -> list[str]:
    """CSP hash sources for the inline scripts of Streamlit's index.html (one in 1.67:
    ``window.prerenderReady = false``) and for the app's own (the print script that
    components/print_header.py puts in the page), so that script-src needs no 'unsafe-inline'."""
    text = index_html.read_text(encoding="utf-8")
    bodies = INLINE_SCRIPT.findall(text)
    bodies += [p.read_text(encoding="utf-8") for p in APP_INLINE_SCRIPTS]
    out = []
    for body in bodies:
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        out.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return out


def content_security_policy(index_html: Path = STREAMLIT_INDEX) -> str:
    """Only the app's own origin. What Streamlit 1.67's frontend needs beyond plain 'self'
    (checked in Chromium, tests/test_deploy.py): inline style attributes and <style> tags
    (emotion, plotly), data: and blob: images and fonts, blob: web workers, and its websocket
    to the same host (which 'self' covers)."""
    scripts = " ".join(["'self'", *inline_script_hashes(index_html)])
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "media-src 'self' data: blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def render(settings: Settings, template: Path = TEMPLATE) -> str:
    """The nginx configuration for ``settings``; refuses a template with an unknown or
    leftover placeholder."""
    settings.check()
    lim = settings.limits
    runtime = Path(settings.runtime_dir).resolve()
    host = settings.host if ":" not in settings.host or settings.host.startswith("[") \
        else f"[{settings.host}]"
    if settings.tls:
        listen = f"        listen {host}:{settings.port} ssl;"
        tls = "\n".join([
            f"        ssl_certificate {Path(settings.tls_cert).resolve()};",
            f"        ssl_certificate_key {Path(settings.tls_key).resolve()};",
            "        ssl_protocols TLSv1.2 TLSv1.3;",
            "        ssl_prefer_server_ciphers off;",
            "        ssl_session_cache shared:qd_tls:10m;",
            "        ssl_session_timeout 1h;",
            "        # Plain HTTP sent to the TLS port is sent to https.",
            "        error_page 497 =301 https://$host:$server_port$request_uri;",
        ])
        hsts = '        add_header Strict-Transport-Security "max-age=31536000" always;'
        cookie_secure = "; Secure"
    else:
        listen = f"        listen {host}:{settings.port};"
        tls, hsts, cookie_secure = "", "", ""
    upstream = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;"
                         for p in settings.app_ports)
    values = {
        "RUNTIME": str(runtime),
        # Each proxied connection holds two (client and app side); room for every session.
        "WORKER_CONNECTIONS": str(max(1024, 4 * lim.max_sessions + 256)),
        "REQ_RATE": str(lim.req_rate),
        "REQ_BURST": str(lim.req_burst),
        "STATIC_RATE": str(lim.static_rate),
        "STATIC_BURST": str(lim.static_burst),
        "SESSION_RATE": str(lim.session_rate),
        "SESSION_BURST": str(lim.session_burst),
        "CONN_PER_IP": str(lim.conn_per_ip),
        "SESSIONS_PER_IP": str(lim.sessions_per_ip),
        "MAX_SESSIONS": str(lim.max_sessions),
        "UPLOAD_MB": str(app_max_upload_mb() + 1),
        "UPSTREAM_SERVERS": upstream,
        "LISTEN": listen,
        "TLS": tls,
        "HSTS": hsts,
        "COOKIE_SECURE": cookie_secure,
        "CSP": content_security_policy(),
    }
    text = template.read_text(encoding="utf-8")
    # The header comment names the placeholder syntax itself.
    body_start = text.index("worker_processes")
    head, body = text[:body_start], text[body_start:]
    missing = sorted(set(PLACEHOLDER.findall(body)) - set(values))
    if missing:
        raise SettingsError(f"{template.name} has placeholders with no value: {missing}")
    return head + PLACEHOLDER.sub(lambda m: values[m.group(1)], body)
