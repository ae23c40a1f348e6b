"""View state kept in the URL, so that a shared link reproduces the view.

Streamlit's own ``bind="query-params"`` writes the *displayed* label into the URL (the label
changes with the language) and drops an unknown value silently. Here the URL holds the code
(``industry=C39``), an unknown code falls back to the default with a notice, and the value
survives page switches because it lives in session state under ``_state.<key>``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

_STATE = "_state."
_NOTICES = "_notices"


def url_value(key: str, options: Sequence[str], default: str) -> str:
    """The current value of ``key``: from the session, else from the URL, else the default.

    An unknown value in the URL gives the default and records a notice for
    :func:`pop_notices`.
    """
    state_key = _STATE + key
    if state_key not in st.session_state:
        raw = st.query_params.get(key)
        value = default
        if raw is not None and raw in options:
            value = raw
        elif raw is not None:
            st.session_state.setdefault(_NOTICES, []).append(
                {"key": key, "value": raw, "label": key, "default": default})
        st.session_state[state_key] = value
    value = st.session_state[state_key]
    if value not in options:  # options can shrink when another filter changes
        value = st.session_state[state_key] = default
    _write_url(key, value, default)
    return value


def set_url_value(key: str, value: str, default: str) -> None:
    """Set ``key`` (e.g. from a widget's callback) in the session and the URL."""
    st.session_state[_STATE + key] = value
    _write_url(key, value, default)


def _write_url(key: str, value: str, default: str) -> None:
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def pop_notices() -> list[dict[str, str]]:
    """Every unknown URL value seen so far, once: key, value, label and default (as shown)."""
    return st.session_state.pop(_NOTICES, [])


def _describe_notice(key: str, label: str, default_label: str) -> None:
    """Give a pending notice about ``key`` the widget's label and the default as displayed."""
    for notice in st.session_state.get(_NOTICES, []):
        if notice["key"] == key and notice["label"] == key:
            notice.update(label=label, default=default_label)


def current_params(keys: Sequence[str]) -> dict[str, str]:
    """The URL parameters of ``keys`` as they are now, for links to other pages."""
    return {k: st.query_params[k] for k in keys if k in st.query_params}


def render_url_selectbox(container, label: str, key: str, options: Sequence[str], default: str,
                         format_func: Callable[[str], str], help_text: str | None = None) -> str:
    """A selectbox whose value is kept in the URL under ``key``; returns the chosen code."""
    value = url_value(key, options, default)
    _describe_notice(key, label, format_func(default))
    st.session_state[key] = value
    container.selectbox(label, list(options), key=key, format_func=format_func, help=help_text,
                        on_change=lambda: set_url_value(key, st.session_state[key], default))
    return st.session_state[_STATE + key]


def render_url_text(container, label: str, key: str, max_chars: int = 100) -> str:
    """A free-text input (e.g. a search) kept in the URL under ``key``; '' is the default."""
    state_key = _STATE + key
    if state_key not in st.session_state:
        st.session_state[state_key] = (st.query_params.get(key) or "")[:max_chars]
    _write_url(key, st.session_state[state_key], "")
    st.session_state[key] = st.session_state[state_key]
    container.text_input(label, key=key, max_chars=max_chars,
                         on_change=lambda: set_url_value(key, st.session_state[key].strip(), ""))
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
