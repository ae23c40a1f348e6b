"""The shared frame that every page runs first: page config, navigation, filters, notices.

The app uses Streamlit's classic ``pages/`` mode without ``st.navigation`` (see the ``pages/``
trap in the project notes: with ``st.navigation`` a deep link as the first request to a new
server ran the page without the frame). The sidebar's own page list is switched off in
``.streamlit/config.toml``; translated links are drawn here with ``st.page_link``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from metrics.load import Dataset
from metrics.paths import REPO_ROOT
from metrics.query import LATEST, available_points, point_to_end
from metrics.validate import DataError

from components import keys
from components.data import get_loaded
from components.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, t
from components.labels import industry_label, point_label
from components.provenance import md_escape
from components.state import (current_params, pop_notices, render_url_segmented,
                              render_url_selectbox, url_value)

# (script path from the repo root, label key, icon), in navigation order. The sidebar shows the
# ones whose file exists; a test checks that every file in pages/ is here.
PAGES = (
    ("dashboard.py", "nav_overview", ":material/dashboard:"),
    ("pages/1_growth.py", "nav_growth", ":material/trending_up:"),
    ("pages/2_clusters.py", "nav_clusters", ":material/map:"),
    ("pages/3_digital.py", "nav_digital", ":material/memory:"),
    ("pages/4_innovation.py", "nav_innovation", ":material/lightbulb:"),
    ("pages/5_targets.py", "nav_targets", ":material/flag:"),
    ("pages/9_data.py", "nav_data", ":material/table:"),
)


def existing_pages() -> list[tuple[str, str, str]]:
    """The PAGES whose script exists: the navigation lists only these."""
    return [p for p in PAGES if (REPO_ROOT / p[0]).exists()]
DEFAULT_INDUSTRY = "ALL"
# A link value shown in a notice is cut to this many characters.
MAX_SHOWN_LINK_VALUE = 40
# A local file: a Material icon name as page_icon makes the browser fetch it from a CDN.
ICON = REPO_ROOT / "components" / "assets" / "icon.png"
# The filter's order: the total, manufacturing, the two groups, then the divisions.
INDUSTRY_ORDER = ("total", "section", "group", "division")


@dataclass(frozen=True)
class View:
    """What every page needs after the frame: data, language and the shared filters."""

    ds: Dataset
    obs: pd.DataFrame
    lang: str
    industry: str
    point: str
    # Top-of-page slot for notices about the link (filled by render_footer, after every control
    # of the page has read its URL value).
    notices: object = None

    @property
    def up_to(self) -> int | None:
        """The period filter as a comparable month end (None for 'latest')."""
        return point_to_end(self.point)


def industry_options(ds: Dataset) -> list[str]:
    """Industry codes in filter order."""
    ind = ds["industries"]
    rank = {lvl: i for i, lvl in enumerate(INDUSTRY_ORDER)}
    ordered = ind.assign(r=ind["level"].map(rank)).sort_values(["r", "industry_code"])
    return list(ordered["industry_code"])


def _render_data_error(exc: DataError, lang: str) -> None:
    # The message names files relative to the repository or the data folder; it may quote
    # names from the broken file, so it is shown as plain text (st.text), never as Markdown.
    st.title(t("app_title", lang))
    st.error(t("data_error", lang), icon=":material/error:")
    st.text(str(exc))
    st.write(t("data_error_fix", lang))
    st.code("python -m metrics.build", language="bash")


def render_frame(page_key: str) -> View:
    """Run the frame for the page whose navigation label is ``page_key``; returns the view.

    Stops the script with a clear message (never a traceback) when the data cannot be loaded.
    """
    lang = url_value(keys.LANG, LANGS, DEFAULT_LANG)
    st.set_page_config(page_title=f"{t(page_key, lang)} · {t('app_title', lang)}",
                       page_icon=str(ICON), layout="wide",
                       initial_sidebar_state="expanded")
    try:
        loaded = get_loaded()
        ds, obs = loaded.ds, loaded.obs
    except DataError as exc:
        _render_data_error(exc, lang)
        st.stop()

    sidebar = st.sidebar
    lang = render_url_segmented(sidebar, t("language", lang), keys.LANG, LANGS, DEFAULT_LANG,
                                LANG_NAMES.get)
    sidebar.subheader(t("app_title", lang))
    _render_nav(lang)
    sidebar.subheader(t("sidebar_filters", lang))
    industry = render_url_selectbox(
        sidebar, t("industry", lang), keys.INDUSTRY, industry_options(ds), DEFAULT_INDUSTRY,
        lambda code: industry_label(ds, code, lang), t("industry_help", lang))
    points = [LATEST] + available_points(obs)
    point = render_url_selectbox(sidebar, t("period", lang), keys.PERIOD, points, LATEST,
                                 lambda p: point_label(p, lang), t("period_help", lang))
    return View(ds, obs, lang, industry, point, st.container())


def _render_nav(lang: str) -> None:
    params = current_params(keys.SHARED)
    for script, label_key, icon in existing_pages():
        st.sidebar.page_link(script, label=t(label_key, lang), icon=icon, query_params=params)


def render_link_notices(view: View) -> None:
    """Warn, at the top of the page, about every value of the link that was not recognised."""
    box = view.notices or st.container()
    for notice in pop_notices():
        value = notice["value"]
        if len(value) > MAX_SHOWN_LINK_VALUE:
            value = value[:MAX_SHOWN_LINK_VALUE] + "…"
        # The value comes from whoever wrote the link: escaped, so it can never become a link,
        # an image (an outside request) or a formatting directive.
        box.warning(t("bad_param", view.lang, param=md_escape(notice["label"]),
                      value=md_escape(value), default=md_escape(notice["default"])),
                    icon=":material/link_off:")


def render_footer(view: View) -> None:
    """The footer: data version, build time, counts, and the link to every source.

    It also shows the notices about the link, in the slot the frame kept at the top.
    """
    render_link_notices(view)
    ds, lang = view.ds, view.lang
    st.divider()
    st.caption(t("footer", lang, version=ds.version, built=ds.built_at[:10],
                 n_obs=len(ds["observations"]), n_sources=len(ds["sources"])))
    st.caption(t("footer_licence", lang))
    st.page_link("pages/9_data.py", label=t("footer_all_sources", lang),
                 icon=":material/source:", query_params=current_params(keys.SHARED))
