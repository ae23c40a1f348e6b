"""Helpers for the browser tier: a real `streamlit run` on loopback and Debian chromium.

Used by the browser tests and by tools/screenshots.py. Chromium starts with background
networking off so that every request it makes comes from the page.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

from metrics.paths import REPO_ROOT
from tools.appserver import free_port, wait_healthy

CHROMIUM = os.environ.get("QD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
SERVER_START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 60_000


@contextlib.contextmanager
def streamlit_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """A fresh `streamlit run dashboard.py` on a free loopback port; yields its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(base, proc, SERVER_START_TIMEOUT_S):
            if proc.poll() is None:
                proc.kill()
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"streamlit did not start:\n{out}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def is_local(url: str) -> bool:
    """True for requests that stay on this server (or never leave the browser)."""
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS


def wait_rendered(page, timeout_ms: int = RENDER_TIMEOUT_MS) -> None:
    """Wait until Streamlit has finished running and every plotly chart has drawn."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            if (document.querySelector("[data-testid='stSkeleton']")) return false;
            const status = document.querySelector("[data-testid='stStatusWidget']");
            if (status && status.innerText.trim() !== '') return false;
            const main = document.querySelector("[data-testid='stMain']");
            if (!main || main.innerText.trim().length < 20) return false;
            const plots = document.querySelectorAll('.js-plotly-plot');
            for (const p of plots) { if (!p.querySelector('.main-svg')) return false; }
            return true;
        }""", timeout=timeout_ms)
    page.wait_for_timeout(500)
    page.wait_for_function(
        """() => !document.querySelector("[data-testid='stStatusWidget'] button, [data-testid='stSkeleton']")""",
        timeout=timeout_ms)


def cjk_glyphs_render(page) -> bool:
    """True when '青岛' draws differently from a code point no font has (a missing-glyph box)."""
    return page.evaluate(
        """() => {
            const draw = (s) => {
                const c = document.createElement('canvas'); c.width = 80; c.height = 40;
                const g = c.getContext('2d'); g.font = '28px sans-serif'; g.fillText(s, 2, 30);
                return c.toDataURL();
            };
            const missing = draw('\\u{10FFFD}\\u{10FFFC}');
            return draw('青岛') !== missing && draw('青岛') !== draw('');
        }""")


def open_page(browser, url: str):
    """A new page at ``url`` that records every request, once rendered: (page, requests)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    wait_rendered(page)
    return page, requests


def launch_browser(playwright):
    """Debian chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def screenshot(page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=False)
