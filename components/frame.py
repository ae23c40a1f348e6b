"""The shared frame that every page runs first: page config, navigation, filters, notices.

The app uses Streamlit's classic ``pages/`` mode without ``st.navigation`` (see the ``pages/``
trap in the project notes: with ``st.navigation`` a deep link as the first request to a new
server ran the page without the frame). The sidebar's own page list is switched off in
``.streamlit/config.toml``; translated links are drawn here with ``st.page_link``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from metrics.load import Dataset
from metrics.paths import REPO_ROOT
from metrics.query import LATEST, available_points, point_to_end
from metrics.validate import DataError

from components import keys
from components import server_guard  # noqa: F401  (no browser may clear the shared caches)
from components.data import get_loaded, version_ids
from components.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, t
from components.params import PARAMS, SHARED, inline_code, shown_value
from components.print_header import render_print_header
from components.provenance import md_escape
from components.state import (begin_run, current_params, describe_notices, end_run, pop_notices,
                              render_url_segmented, render_url_selectbox, unknown_page, unpin,
                              url_pin, url_value)

# (script path from the repo root, label key, icon), in navigation order. The sidebar shows the
# ones whose file exists; a test checks that every file in pages/ is here.
PAGES = (
    ("dashboard.py", "nav_overview", ":material/dashboard:"),
    ("pages/0_cockpit.py", "nav_cockpit", ":material/slideshow:"),
    ("pages/1_growth.py", "nav_growth", ":material/trending_up:"),
    ("pages/2_clusters.py", "nav_clusters", ":material/map:"),
    ("pages/3_digital.py", "nav_digital", ":material/memory:"),
    ("pages/4_innovation.py", "nav_innovation", ":material/lightbulb:"),
    ("pages/5_targets.py", "nav_targets", ":material/flag:"),
    ("pages/9_data.py", "nav_data", ":material/table:"),
    ("pages/8_upload.py", "nav_upload", ":material/upload_file:"),
)
# Pages that exist only when the operator configured an admin credential.
ADMIN_PAGES = ("pages/8_upload.py",)


def existing_pages() -> list[tuple[str, str, str]]:
    """The PAGES whose script exists (admin pages only with a credential): the navigation
    lists only these."""
    from components.upload_view import admin_enabled

    admin = admin_enabled()
    return [p for p in PAGES if (REPO_ROOT / p[0]).exists()
            and (admin or p[0] not in ADMIN_PAGES)]
# A local file: a Material icon name as page_icon makes the browser fetch it from a CDN.
ICON = REPO_ROOT / "components" / "assets" / "icon.png"
APP_CSS = REPO_ROOT / "components" / "assets" / "app.css"
PRINT_CSS = REPO_ROOT / "components" / "assets" / "print.css"


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
    notices: object = field(default=None, compare=False)

    @property
    def up_to(self) -> int | None:
        """The period filter as a comparable month end (None for 'latest')."""
        return point_to_end(self.point)


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

    Stops the script with a clear message (never a traceback) when the data cannot be loaded,
    and with the not-found view when the browser asked for a page the app does not have.

    Every shared parameter of the link is checked first, before anything is drawn, so that the
    navigation links and the address bar carry only accepted values (components/state.py).
    """
    begin_run()
    lang = url_value(keys.LANG, LANGS, DEFAULT_LANG)
    asked = unknown_page()
    title_key = page_key if asked is None else "not_found_title"
    st.set_page_config(page_title=f"{t(title_key, lang)} · {t('app_title', lang)}",
                       page_icon=str(ICON), layout="wide",
                       # open on a desktop, closed on a phone (where it would cover the page)
                       initial_sidebar_state="auto")
    # Static CSS of the app (focus outlines), from a file in the repository: no data in it.
    st.html(APP_CSS)
    st.html(PRINT_CSS)  # browser print: clean A4 (components/print_header.py)
    try:
        # A link pinned to a data version shows that version's figures, even after newer
        # releases; otherwise the current version. Resolved once: one run, one version.
        versions, current = version_ids()
        pinned = url_pin(keys.VERSION, versions)
        loaded = get_loaded(pinned if pinned not in (None, current) else None)
        ds, obs = loaded.ds, loaded.obs
    except DataError as exc:
        _render_data_error(exc, lang)
        st.stop()

    # Every shared parameter is checked before the sidebar (and its links) is drawn.
    options = {key: PARAMS[key].options(ds, obs) for key in SHARED if PARAMS[key].options}
    for key in options:
        url_value(key, options[key], PARAMS[key].default)

    sidebar = st.sidebar
    lang = render_url_segmented(sidebar, t("language", lang), keys.LANG, LANGS, DEFAULT_LANG,
                                LANG_NAMES.get)
    sidebar.subheader(t("app_title", lang))
    _render_nav(lang)
    sidebar.subheader(t("sidebar_filters", lang))
    industry_spec, period_spec = PARAMS[keys.INDUSTRY], PARAMS[keys.PERIOD]
    industry = render_url_selectbox(
        sidebar, t("industry", lang), keys.INDUSTRY, options[keys.INDUSTRY], industry_spec.default,
        lambda code: industry_spec.labeller(code, ds, lang), t("industry_help", lang))
    point = render_url_selectbox(
        sidebar, t("period", lang), keys.PERIOD, options[keys.PERIOD], period_spec.default,
        lambda code: period_spec.labeller(code, ds, lang), t("period_help", lang))
    render_print_header(ds, lang, title_key, industry, point)
    view = View(ds, obs, lang, industry, point, st.container())
    if pinned not in (None, current):
        view.notices.info(t("pinned_notice", lang, version=ds.version, built=ds.built_at[:10],
                            current=current), icon=":material/push_pin:")
        view.notices.button(t("show_latest", lang), key="show_latest_data",
                            icon=":material/update:", on_click=unpin, args=(keys.VERSION,))
    if ds.manifest.get("synthetic"):
        # a benchmark dataset (tools/synth.py) must never be read as real statistics
        view.notices.warning(t("synthetic_data", lang), icon=":material/science:")
    if asked is not None:
        _render_not_found(view, asked)
        render_link_notices(view)
        st.stop()
    return view


def _render_nav(lang: str) -> None:
    # Only the shared parameters, as checked above: a link never carries a rejected value.
    params = current_params(SHARED)
    for script, label_key, icon in existing_pages():
        st.sidebar.page_link(script, label=t(label_key, lang), icon=icon, query_params=params)


def stop_as_not_found(view: View, path: str) -> None:
    """Show the not-found view for a page that is switched off here, and stop."""
    _render_not_found(view, path)
    render_link_notices(view)
    st.stop()


def _render_not_found(view: View, asked: str) -> None:
    """The app's own 'page not found' view, with a link to the overview."""
    lang = view.lang
    st.title(t("not_found_title", lang))
    shown = shown_value(asked).strip()
    st.write(t("not_found_text", lang, path=inline_code("/" + shown)) if shown
             else t("not_found_text_no_path", lang))
    st.page_link(PAGES[0][0], label=t("not_found_home", lang), icon=":material/home:",
                 query_params=current_params(SHARED))


def _registry_labels(view: View, key: str) -> tuple[str, str] | None:
    """A parameter's label and default as shown, from the registry (for a notice no control
    has described)."""
    spec = PARAMS.get(key)
    if spec is None:
        return None
    default = spec.default or ""
    if spec.labeller and spec.default is not None:
        default = spec.labeller(spec.default, view.ds, view.lang)
    return t(spec.label_key, view.lang), default


def render_link_notices(view: View) -> None:
    """Warn, at the top of the page, about every value of the link that was not recognised
    (or given more than once), and drop every unchecked parameter from the address bar."""
    box = view.notices or st.container()
    lang = view.lang
    describe_notices(lang, lambda key: _registry_labels(view, key))
    end_run()
    for notice in pop_notices():
        label = md_escape(notice["label"])
        if notice["kind"] == "repeated":
            box.warning(t("repeated_param", lang, param=label, n=notice["count"]),
                        icon=":material/link:")
            continue
        # The value comes from whoever wrote the link: control and bidi characters out, cut,
        # and shown as a code span, so it can never become a link (not even an auto-linked
        # bare URL), an image (an outside request) or a formatting directive.
        shown = shown_value(notice["value"])
        value = inline_code(shown) if shown.strip() else t("empty_value", lang)
        box.warning(t("bad_param", lang, param=label, value=value,
                      default=md_escape(notice["default"])), icon=":material/link_off:")


def render_footer(view: View) -> None:
    """The footer: data version, build time, counts, and the link to every source.

    It also shows the notices about the link, in the slot the frame kept at the top.
    """
    render_link_notices(view)
    ds, lang = view.ds, view.lang
    st.divider()
    st.caption(t("footer", lang, version=ds.version, built=ds.built_at[:10],
                 n_obs=ds.rows("observations"), n_sources=len(ds["sources"])))
    st.caption(t("footer_licence", lang))
    st.page_link("pages/9_data.py", label=t("footer_all_sources", lang),
                 icon=":material/source:", query_params=current_params(SHARED))
    with st.expander(t("copy_link", lang), icon=":material/link:"):
        st.caption(t("copy_link_help", lang, version=ds.version))
        st.code(make_pinned_link(view), language=None, wrap_lines=True)


def make_pinned_link(view: View) -> str:
    """This view's address with its period and data version written out: opened after the
    next release it shows the same figures (with a notice that newer ones exist)."""
    params = {k: v for k, v in st.query_params.items()}
    point = view.point
    if point == LATEST:
        points = available_points(view.obs)
        point = points[0] if points else LATEST
    if point != LATEST:
        params[keys.PERIOD] = point
    params[keys.VERSION] = view.ds.version
    params.setdefault(keys.LANG, view.lang)
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(params)}"
