"""Text that only screen readers read: the one place a chart's text alternative becomes HTML.

Chart values, titles and region names come from the data (and a link's parameters reach the
titles), so the text is always escaped here; callers pass plain text, never markup.
"""
from __future__ import annotations

import html

import streamlit as st


def make_sr_only_html(text: str) -> str:
    """``text`` as a visually hidden paragraph (the ``.sr-only`` class of app.css), escaped."""
    return f'<p class="sr-only">{html.escape(text)}</p>'


def render_sr_only(text: str) -> None:
    """Draw ``text`` for screen readers only (nothing when it is empty)."""
    if text:
        st.html(make_sr_only_html(text))
