"""Screenshots of pages in headless Chromium, for looking at what we build.

    python tools/screenshots.py OUT_DIR PATH [PATH ...]     e.g. "/?lang=en&period=2024-05"

Starts a fresh server on loopback, opens each path at 1440x1000 and saves a PNG per path.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import launch_browser, streamlit_server, wait_rendered  # noqa: E402


def main(out_dir: str, paths: list[str]) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as base, sync_playwright() as pw:
        browser = launch_browser(pw)
        for path in paths:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(base + path)
            wait_rendered(page)
            name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "root"
            page.screenshot(path=str(out / f"{name}.png"))
            tall = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
            page.set_viewport_size({"width": 1440, "height": min(int(tall) + 100, 4000)})
            wait_rendered(page)
            page.screenshot(path=str(out / f"{name}_full.png"))
            print(out / f"{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
