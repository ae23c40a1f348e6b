"""View state kept in the URL, so that a shared link reproduces the view.

Streamlit's own ``bind="query-params"`` writes the *displayed* label into the URL (the label
changes with the language) and drops an unknown value silently. Here the URL holds the code
(``industry=C39``), an unknown code falls back to the default with a notice, and the value
survives page switches because it lives in session state under ``_state.<key>``.

Every key is declared in ``components/params.py``. A run works like this:

1. :func:`begin_run` (the frame, first thing): nothing is checked yet.
2. :func:`url_value` checks one parameter (the frame checks the shared ones before it draws
   anything, a page checks its own where it draws the control): the value is accepted, or it
   falls back to the default with a notice. A repeated parameter (``?lang=junk&lang=en``) is
   resolved deterministically: the last value counts, as in ``st.query_params``, and a notice
   says so. The address bar then holds exactly the accepted value (or nothing, for the default).
3. :func:`end_run` (the footer): every parameter that no control checked in this run (an unknown
   key, another page's parameter, a control not drawn this time) leaves the address bar, so the
   address bar and every link carry only accepted values.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from components.params import MAX_TEXT_CHARS, clean_text, param

_STATE = "_state."
_NOTICES = "_notices"
_CHECKED = "_checked_params"


def begin_run() -> None:
    """Start a script run: no parameter has been checked yet."""
    st.session_state[_CHECKED] = set()


def _mark_checked(key: str) -> None:
    st.session_state.setdefault(_CHECKED, set()).add(key)


def _notice(kind: str, key: str, value: str = "", default: str = "", count: int = 0) -> None:
    st.session_state.setdefault(_NOTICES, []).append(
        {"kind": kind, "key": key, "value": value, "label": key, "default": default,
         "count": count})


def _link_value(key: str) -> str | None:
    """The value the link gives for ``key`` (the last one if repeated, with a notice)."""
    values = st.query_params.get_all(key)
    if not values:
        return None
    if len(values) > 1:
        _notice("repeated", key, count=len(values))
    return values[-1]


def url_value(key: str, options: Sequence[str], default: str) -> str:
    """The current value of ``key``: from the session, else from the URL, else the default.

    An unknown value in the URL gives the default and records a notice for
    :func:`pop_notices`.
    """
    param(key)  # declared, or a KeyError naming it
    _mark_checked(key)
    state_key = _STATE + key
    if state_key not in st.session_state:
        raw = _link_value(key)
        value = default
        if raw is not None and raw in options:
            value = raw
        elif raw is not None:
            _notice("rejected", key, value=raw, default=default)
        st.session_state[state_key] = value
    value = st.session_state[state_key]
    if value not in options:  # options can shrink when another filter changes
        value = st.session_state[state_key] = default
    _write_url(key, value, default)
    return value


def url_pin(key: str, options: Sequence[str]) -> str | None:
    """A value that pins the view (a data version): from the session once pinned, else from
    the link; None when the view is not pinned. An unknown value gives a notice and no pin.

    Unlike :func:`url_value` there is no default stored: a session that was never pinned
    follows whatever is current at each run.
    """
    param(key)
    _mark_checked(key)
    state_key = _STATE + key
    if state_key not in st.session_state:
        raw = _link_value(key)
        if raw is not None and raw not in options:
            _notice("rejected", key, value=raw, default="")
        st.session_state[state_key] = raw if raw in options else None
    value = st.session_state[state_key]
    if value is not None and value not in options:
        value = st.session_state[state_key] = None
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != [value]:
        st.query_params[key] = value
    return value


def unpin(key: str) -> None:
    """Drop a pin (e.g. from a button's callback): the view follows the current data again."""
    st.session_state[_STATE + key] = None
    if key in st.query_params:
        del st.query_params[key]


def set_url_value(key: str, value: str, default: str) -> None:
    """Set ``key`` (e.g. from a widget's callback) in the session and the URL."""
    param(key)
    st.session_state[_STATE + key] = value
    _write_url(key, value, default)


def _write_url(key: str, value: str, default: str) -> None:
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != [value]:
        st.query_params[key] = value


def end_run() -> None:
    """Drop from the address bar every parameter that no control checked in this run."""
    checked = st.session_state.get(_CHECKED, set())
    for key in [k for k in st.query_params.keys() if k not in checked]:
        del st.query_params[key]


def pop_notices() -> list[dict]:
    """Every notice about the link so far, once: kind ('rejected' or 'repeated'), key, raw
    value, label and default (as shown, once the control has described them), count."""
    return st.session_state.pop(_NOTICES, [])


def _describe_notice(key: str, label: str, default_label: str) -> None:
    """Give a pending notice about ``key`` the widget's label and the default as displayed."""
    for notice in st.session_state.get(_NOTICES, []):
        if notice["key"] == key and notice["label"] == key:
            notice.update(label=label, default=default_label)


def describe_notices(lang: str, labels: Callable[[str], tuple[str, str] | None]) -> None:
    """Describe every pending notice still named by its key: ``labels(key)`` gives
    (label, default label), or None to leave it."""
    for notice in st.session_state.get(_NOTICES, []):
        if notice["label"] == notice["key"]:
            described = labels(notice["key"])
            if described:
                notice.update(label=described[0], default=described[1])


def current_params(keys: Sequence[str]) -> dict[str, str]:
    """The accepted URL values of ``keys`` (those checked in this run), for links to other
    pages. A key not checked yet is left out, so a link never carries an unchecked value."""
    checked = st.session_state.get(_CHECKED, set())
    return {k: st.query_params[k] for k in keys if k in checked and k in st.query_params}


def render_url_selectbox(container, label: str, key: str, options: Sequence[str], default: str,
                         format_func: Callable[[str], str], help_text: str | None = None) -> str:
    """A selectbox whose value is kept in the URL under ``key``; returns the chosen code."""
    value = url_value(key, options, default)
    _describe_notice(key, label, format_func(default))
    st.session_state[key] = value
    container.selectbox(label, list(options), key=key, format_func=format_func, help=help_text,
                        on_change=lambda: set_url_value(key, st.session_state[key], default))
    return st.session_state[_STATE + key]


def clean_search(text: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Free text from a link or a text box: control and bidi characters out, cut, stripped."""
    return clean_text(text)[:max_chars].strip()


def render_url_text(container, label: str, key: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """A free-text input (e.g. a search) kept in the URL under ``key``; '' is the default."""
    param(key)
    _mark_checked(key)
    state_key = _STATE + key
    if state_key not in st.session_state:
        st.session_state[state_key] = clean_search(_link_value(key) or "", max_chars)
    _write_url(key, st.session_state[state_key], "")
    st.session_state[key] = st.session_state[state_key]
    container.text_input(label, key=key, max_chars=max_chars,
                         on_change=lambda: set_url_value(
                             key, clean_search(st.session_state[key], max_chars), ""))
    return st.session_state[state_key]


def render_url_segmented(container, label: str, key: str, options: Sequence[str], default: str,
                         format_func: Callable[[str], str]) -> str:
    """A segmented control (one choice, never empty) kept in the URL under ``key``."""
    value = url_value(key, options, default)
    _describe_notice(key, label, format_func(default))
    st.session_state[key] = value

    def _changed() -> None:
        chosen = st.session_state[key]
        if chosen is None:  # clicking the chosen segment again empties the control
            chosen = st.session_state[_STATE + key]
        set_url_value(key, chosen, default)

    container.segmented_control(label, list(options), key=key, format_func=format_func,
                                on_change=_changed, selection_mode="single")
    return st.session_state[_STATE + key]


def unknown_page() -> str | None:
    """The page name the browser asked for when it matches no page of the app ('' when only an
    unknown page hash was asked for), else None.

    Streamlit runs the default page when the requested one does not exist (``/nosuchpage``);
    its page manager still holds what was asked for (the page name from the URL, or a page
    hash). Read through ``getattr`` so that another Streamlit version degrades to "found".

    A nested path (``/growth/extra``) reaches the app only when the server in front serves the
    frontend's files at any depth (Streamlit's index.html names them relative to the URL, so
    the browser asks for ``/growth/static/...``) and tells the frontend that the app's base
    URL is the root (``window.__streamlit.BACKEND_BASE_URL``); it then arrives here as the
    page name ``growth/extra``. ``streamlit run`` alone serves index.html as those files: a
    blank page. The reverse proxy in ``deploy/`` is to do both.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None:
        return None
    pages = manager.get_pages()
    current = pages.get(getattr(ctx, "page_script_hash", None)) or {}
    if current.get("url_pathname", "") != "":  # a page other than the default one runs
        return None
    asked_hash = getattr(manager, "intended_page_script_hash", None) or ""
    asked_name = getattr(manager, "intended_page_name", None) or ""
    if asked_hash:
        return None if asked_hash in pages else asked_name
    if asked_name and all(p.get("url_pathname", "") != asked_name for p in pages.values()):
        return asked_name
    return None


def _quiet_streamlit_page_not_found() -> None:
    """Switch off Streamlit's own answer to an unknown page.

    Streamlit (1.67, pages/ folder run through ``st.navigation``) sends the browser a
    ``page_not_found`` message, which opens an English-only dialog ("Page not found ... Running
    the app's main page.") over the page and makes it inert. The frame shows the app's own
    translated view instead (:func:`unknown_page`), so that message is replaced by a no-op.
    Done once, at import time, through ``getattr``: another Streamlit version without the
    function keeps its dialog. The very first run after the server starts runs Streamlit's
    navigation before this module is imported, so only that run can still show the dialog.
    """
    from streamlit.commands import navigation

    current = getattr(navigation, "send_page_not_found", None)
    if current is None or getattr(current, "quiet", False):
        return

    def send_page_not_found(ctx) -> None:  # noqa: ARG001 (the app shows its own view)
        return None

    send_page_not_found.quiet = True
    navigation.send_page_not_found = send_page_not_found


_quiet_streamlit_page_not_found()


# A multi-choice value in the URL: codes joined by commas, in the options' order.
SEPARATOR = ","


def url_values(key: str, options: Sequence[str]) -> tuple[str, ...]:
    """The chosen codes of a multi-choice ``key`` (none by default): from the session, else
    from the link. Codes the options do not hold are dropped with one notice naming them."""
    param(key)
    _mark_checked(key)
    state_key = _STATE + key
    if state_key not in st.session_state:
        raw = _link_value(key)
        chosen: tuple[str, ...] = ()
        if raw is not None:
            parts = [p for p in raw.split(SEPARATOR) if p]
            chosen = tuple(o for o in options if o in parts)
            unknown = [p for p in dict.fromkeys(parts) if p not in options]
            if unknown or not parts:
                _notice("rejected", key, value=SEPARATOR.join(unknown) or raw, default="")
        st.session_state[state_key] = chosen
    value = tuple(o for o in options if o in st.session_state[state_key])
    st.session_state[state_key] = value
    _write_url(key, SEPARATOR.join(value), "")
    return value


def render_url_multiselect(container, label: str, key: str, options: Sequence[str],
                           format_func: Callable[[str], str], none_label: str,
                           help_text: str | None = None) -> tuple[str, ...]:
    """A multiselect (an entity picker, empty by default) kept in the URL under ``key``."""
    state_key = _STATE + key
    value = url_values(key, options)
    _describe_notice(key, label, none_label)
    st.session_state[key] = list(value)

    def _changed() -> None:
        chosen = tuple(o for o in options if o in (st.session_state[key] or ()))
        st.session_state[state_key] = chosen
        _write_url(key, SEPARATOR.join(chosen), "")

    container.multiselect(label, list(options), key=key, format_func=format_func,
                          help=help_text, placeholder=none_label, on_change=_changed)
    return st.session_state[state_key]
