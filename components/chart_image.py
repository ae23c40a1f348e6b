"""Chart images (PNG, SVG) of a section's figure, made on the server, with no outside request.

The image is the section model's own plotly figure (``model.figure``, the spec the screen
draws) with what a chart needs once it leaves the dashboard drawn inside it: the section's
title, its period, the source line and the data version. No streamlit here.

Rendering is kaleido 1.5 driving the machine's chromium (Debian's ``/usr/bin/chromium``, found
by choreographer on the PATH; kaleido never downloads a browser unless asked to). Two settings
keep it offline: plotly.js is the copy inside the installed ``plotly`` package (kaleido's page
generator uses it when plotly is installed), and MathJax, which kaleido loads from a CDN by
default, is switched off (no figure here uses LaTeX). As a guard, the browser's proxy is a
closed port on the loopback, so any http(s) request it might still make fails on this machine.

One browser is started per process, on first use, in a thread of its own with its own event
loop; later images reuse it (first image about 3-5 s with the browser's start, later ones about
0.3 s on this machine). Calls from several sessions at once are safe: each is a coroutine
submitted to that loop, and kaleido hands each its own turn at the tab.
"""
from __future__ import annotations

import asyncio
import atexit
import copy
import functools
import importlib.util
import threading

from metrics.section import SectionModel

from components.charts import FONT_FAMILY, wrap_line, wrap_title
from components.i18n import t

FORMATS = ("png", "svg")
# Pixel size of the image (PNG at twice this for print: about 170 dpi over 16 cm of an A4 page).
IMAGE_WIDTH = 1000
DEFAULT_PLOT_HEIGHT = 420
PNG_SCALE = 2
RENDER_TIMEOUT_S = 60
# Chromium's own background requests (it is not started with --disable-background-networking)
# go to this closed loopback port and fail at once; the page's scripts are file:// URLs.
DEAD_PROXY = "127.0.0.1:9"
# Title and footer text in the image; a footer line holds about this many width units (a CJK
# character counts 2) at 12 px across the image.
TITLE_UNITS = 100
FOOTER_UNITS = 150
FOOTER_FONT_PX, FOOTER_LINE_PX = 12, 17
TITLE_TOP_PX, TITLE_LINE_PX, SUB_LINE_PX, LEGEND_ROW_PX = 16, 24, 18, 34
# below the plot: tick labels and the axis title, then the footer lines
AXIS_ROOM_PX = 74


class ChartImageUnavailable(RuntimeError):
    """No image can be made here (no chromium, or the renderer failed): the caller says so in
    words and offers the table instead."""


def compose_image_figure(model: SectionModel, source_line: str) -> dict:
    """The model's figure with the title, period, source line and data version drawn inside,
    sized for a static image. Pure: the model's figure is not changed."""
    if model.figure is None:
        raise ValueError(f"section {model.id} has no chart")
    fig = copy.deepcopy(model.figure)
    layout = fig.setdefault("layout", {})
    title = model.title
    if model.period_label and model.period_label not in title:
        title += f"<br><sup>{model.period_label}</sup>"
    text, main, sub = wrap_title(title, TITLE_UNITS)
    legend = layout.get("showlegend", True) is not False and len(fig.get("data", [])) > 1
    top = TITLE_TOP_PX + main * TITLE_LINE_PX + sub * SUB_LINE_PX + (LEGEND_ROW_PX if legend
                                                                      else 16)
    footer = [*wrap_line(source_line, FOOTER_UNITS)] if source_line else []
    if model.data_version:
        footer.append(t("image_version", model.lang, version=model.data_version))
    bottom = AXIS_ROOM_PX + len(footer) * FOOTER_LINE_PX + 12
    margin = dict(layout.get("margin") or {})
    margin.update(t=top, b=bottom, l=max(margin.get("l", 60), 60), r=max(margin.get("r", 20), 30))
    plot_height = (layout.get("height") or DEFAULT_PLOT_HEIGHT) - (
        (layout.get("margin") or {}).get("t", 100) + (layout.get("margin") or {}).get("b", 50))
    plot_height = max(plot_height, 240)
    layout.update(
        width=IMAGE_WIDTH, height=plot_height + top + bottom, margin=margin,
        # CJK faces first: the image is drawn by chromium with the fonts of this machine.
        font={**(layout.get("font") or {}), "family": FONT_FAMILY},
        title={**(layout.get("title") or {}), "text": text, "yref": "container", "y": 1.0,
               "yanchor": "top", "pad": {"t": TITLE_TOP_PX}, "x": 0.01, "xanchor": "left"},
    )
    if legend:
        layout["legend"] = {**(layout.get("legend") or {}), "orientation": "h",
                            "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0}
    notes = list(layout.get("annotations") or [])
    if footer:
        notes.append(dict(
            text="<br>".join(footer), showarrow=False, align="left",
            xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            # in pixels below the plot area: under the axis labels, inside the bottom margin
            yshift=-AXIS_ROOM_PX, xshift=-margin["l"] + 10,
            font=dict(size=FOOTER_FONT_PX, color="#4D5656")))
    layout["annotations"] = notes
    for trace in fig.get("data", []):
        if trace.get("type", "scatter") == "scatter":
            trace["cliponaxis"] = False  # a value label above the highest point stays whole
    return fig


def make_chart_image_bytes(model: SectionModel, fmt: str, source_line: str) -> bytes:
    """The section's chart as a PNG or SVG with its title, period, source line and data version
    inside. Raises ChartImageUnavailable when no browser can draw it here."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r} (one of {FORMATS})")
    fig = compose_image_figure(model, source_line)
    layout = fig["layout"]
    opts = dict(format=fmt, width=layout["width"], height=layout["height"],
                scale=PNG_SCALE if fmt == "png" else 1)
    return _RENDERER.render(fig, opts)


def chart_images_available() -> bool:
    """True when images can be made here (kaleido installed, a chromium found): a page offers
    the image downloads only then."""
    return importlib.util.find_spec("kaleido") is not None and find_chromium() is not None


@functools.lru_cache(maxsize=1)
def find_chromium() -> str | None:
    """The chromium kaleido would drive (``BROWSER_PATH`` or the PATH), None when absent."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    return Chromium.find_browser(skip_local=False)


class _Renderer:
    """One kaleido browser per process, on an event loop in a thread of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self) -> None:
        try:
            import kaleido
        except ImportError as exc:
            raise ChartImageUnavailable("kaleido is not installed") from exc
        if find_chromium() is None:
            raise ChartImageUnavailable(
                "no chromium on this machine: install Debian's chromium to make chart images")
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="chart-images", daemon=True).start()

        async def open_browser():
            k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False,
                                proxy_server=DEAD_PROXY)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
                RENDER_TIMEOUT_S)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ChartImageUnavailable(f"the chart renderer did not start: {exc}") from exc
        self._loop = loop
        atexit.register(self.close)

    def render(self, fig: dict, opts: dict) -> bytes:
        with self._lock:
            if self._loop is None:
                self._start()
        future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts), self._loop)
        try:
            return future.result(RENDER_TIMEOUT_S)
        except Exception as exc:
            future.cancel()
            raise ChartImageUnavailable(f"the chart image could not be made: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._loop is None:
                return
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(10)
            except Exception:  # noqa: BLE001 (closing at exit: nothing left to tell)
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._loop, self._kaleido = None, None


_RENDERER = _Renderer()
