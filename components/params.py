"""Every URL parameter of the dashboard, declared once: its key, where it is read, the label a
notice names it by, and (for the shared filters) its options, default and labeller.

The registry drives the URL state (``components/state.py``: only a declared key is read, and a
key that no control read in a run is dropped from the address bar), the shared filters and the
navigation links (``components/frame.py``), the notices about a link, and the URL fuzz test.
A page-specific parameter's options and default depend on the page's other choices (the periods
of the chosen indicator, say), so the page gives them when it draws the control
(``state.render_url_selectbox`` and friends); the key must still be declared here.

It also holds the two helpers that make text from a link safe to show: :func:`clean_text`
(control and bidi characters out) and :func:`inline_code` (a Markdown code span, inside which
nothing is a link, an image or a directive, and no bare URL is auto-linked).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from metrics.load import Dataset
from metrics.memo import per_version
from metrics.query import ALL_INDUSTRIES, LATEST, available_points

from components import keys
from components.i18n import DEFAULT_LANG, LANG_NAMES, LANGS
from components.labels import industry_label, point_label

# Scripts, as in components/frame.PAGES.
OVERVIEW = "dashboard.py"
GROWTH = "pages/1_growth.py"
CLUSTERS = "pages/2_clusters.py"
DIGITAL = "pages/3_digital.py"
INNOVATION = "pages/4_innovation.py"
TARGETS = "pages/5_targets.py"
DATA = "pages/9_data.py"
COCKPIT = "pages/0_cockpit.py"
# The scope of a parameter that every page reads (the shared frame), new pages included.
EVERY_PAGE = ("*",)

DEFAULT_INDUSTRY = ALL_INDUSTRIES
# The industry filter's order: the total, manufacturing, the two groups, then the divisions.
INDUSTRY_ORDER = ("total", "section", "group", "division")
# Longest free text kept from a link (the data page's search).
MAX_TEXT_CHARS = 100
# A rejected link value is shown cut to this many characters.
MAX_SHOWN_VALUE = 40

# Unicode categories never echoed from a link: controls (Cc, incl. newlines), format characters
# (Cf: the bidi overrides and isolates U+202A-U+202E, U+2066-U+2069, zero-width characters),
# surrogates, private use, unassigned, and the line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@dataclass(frozen=True)
class Param:
    """One URL parameter.

    ``options``/``default``/``labeller`` are given for the shared filters, whose options depend
    only on the data; a page parameter gets them from the page's control (None here).
    """

    key: str
    label_key: str  # i18n key of the control's label, used to name the parameter in a notice
    pages: tuple[str, ...]  # the scripts that read it, or EVERY_PAGE
    options: Callable[[Dataset, pd.DataFrame], Sequence[str]] | None = None
    default: str | None = None
    labeller: Callable[[str, Dataset, str], str] | None = None  # (code, ds, lang) -> label
    free_text: bool = False

    @property
    def shared(self) -> bool:
        return self.pages == EVERY_PAGE


def industry_options(ds: Dataset) -> list[str]:
    """Industry codes in filter order."""
    return list(_industry_order(ds))


@per_version
def _industry_order(ds: Dataset) -> tuple[str, ...]:
    ind = ds["industries"]
    rank = {lvl: i for i, lvl in enumerate(INDUSTRY_ORDER)}
    ordered = ind.assign(r=ind["level"].map(rank)).sort_values(["r", "industry_code"])
    return tuple(ordered["industry_code"])


def period_options(obs: pd.DataFrame) -> list[str]:
    """'latest', then every month end with a Qingdao figure, newest first."""
    return [LATEST] + available_points(obs)


PARAMS: dict[str, Param] = {p.key: p for p in (
    # The shared frame: every page.
    Param(keys.LANG, "language", EVERY_PAGE, lambda ds, obs: LANGS, DEFAULT_LANG,
          lambda code, ds, lang: LANG_NAMES[code]),
    Param(keys.INDUSTRY, "industry", EVERY_PAGE, lambda ds, obs: industry_options(ds),
          DEFAULT_INDUSTRY, lambda code, ds, lang: industry_label(ds, code, lang)),
    Param(keys.PERIOD, "period", EVERY_PAGE, lambda ds, obs: period_options(obs), LATEST,
          lambda code, ds, lang: point_label(code, lang)),
    # A pinned data version: checked by the frame before the data is loaded (its options are
    # the versions on disk, not values of the data), so it has no options here.
    Param(keys.VERSION, "version_param", EVERY_PAGE),
    # 增速对比 Growth vs benchmarks
    Param(keys.GROWTH_INDICATOR, "growth_indicator", (GROWTH, COCKPIT)),
    Param(keys.GROWTH_VIEW, "growth_view", (GROWTH,)),
    Param(keys.GROWTH_BENCH, "growth_bench", (GROWTH,)),
    Param(keys.GROWTH_PEERS, "growth_peers", (GROWTH,)),
    Param(keys.GROWTH_FROM, "growth_from", (GROWTH,)),
    Param(keys.GROWTH_TO, "growth_to", (GROWTH,)),
    Param(keys.GROWTH_AT, "growth_at", (GROWTH,)),
    Param(keys.GROWTH_DISTRICT, "growth_district", (GROWTH,)),
    # 产业集群 Cluster map
    Param(keys.MAP_MEASURE, "clusters_measure", (CLUSTERS,)),
    Param(keys.MAP_LEVEL, "clusters_level", (CLUSTERS,)),
    Param(keys.MAP_ENTITY_TYPE, "clusters_type", (CLUSTERS,)),
    Param(keys.MAP_DISTRICT, "clusters_district", (CLUSTERS,)),
    Param(keys.MAP_FIGURE, "clusters_figure", (CLUSTERS,)),
    Param(keys.MAP_FIGURE_PERIOD, "clusters_figure_period", (CLUSTERS,)),
    # 数字化转型 / 创新能力 / 目标进度 / 数据与来源
    Param(keys.DIGITAL_VIEW, "digital_view", (DIGITAL,)),
    Param(keys.INNOVATION_GROUP, "innovation_group", (INNOVATION,)),
    Param(keys.TARGETS_STATUS, "targets_status", (TARGETS,)),
    Param(keys.DATA_TABLE, "data_table", (DATA,)),
    Param(keys.DATA_SEARCH, "data_search", (DATA,), default="", free_text=True),
    # 领导驾驶舱 Meeting-room mode (its growth panel also reads the growth page's indicator)
    Param(keys.COCKPIT_THEME, "cockpit_theme", (COCKPIT,)),
    Param(keys.COCKPIT_ROTATE, "cockpit_rotate", (COCKPIT,)),
)}

SHARED = tuple(k for k, p in PARAMS.items() if p.shared)


def param(key: str) -> Param:
    """The declaration of ``key``; a KeyError names an undeclared parameter."""
    try:
        return PARAMS[key]
    except KeyError:
        raise KeyError(f"URL parameter {key!r} is not declared in components/params.py") from None


def page_params(script: str) -> list[Param]:
    """The parameters read on ``script`` (the shared ones first)."""
    return [p for p in PARAMS.values() if p.shared or script in p.pages]


def clean_text(text: str, mark: str = "") -> str:
    """``text`` without control, format (bidi), private-use or unassigned characters; each run
    of them becomes ``mark`` (e.g. '\\ufffd' to show where something was taken out)."""
    out: list[str] = []
    dropped = False
    for ch in str(text):
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES:
            if not dropped and mark:
                out.append(mark)
            dropped = True
        else:
            out.append(ch)
            dropped = False
    return "".join(out)


def shown_value(raw: str, limit: int = MAX_SHOWN_VALUE) -> str:
    """A link value as it may be shown: cleaned (a removed character shows as �) and cut."""
    value = clean_text(raw, mark="\ufffd")
    return value if len(value) <= limit else value[:limit] + "…"


_BACKTICKS = re.compile(r"`+")


def inline_code(text: str) -> str:
    """``text`` as a Markdown code span: literal, never a link, an image, a directive or an
    auto-linked URL. The fence is longer than any run of backticks inside (CommonMark), and the
    padding spaces are removed by the renderer."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"
