"""A section's table for print: a plain HTML table, hidden on screen, shown on paper.

``st.dataframe`` draws its grid on a canvas at the screen's width and only the rows in view, so
a printout loses columns at the right and the rows below the fold. Its printed twin holds every
row and the figures' columns (the provenance goes in the source caption printed under it);
``components/assets/print.css`` prints the twin in place of the grid it follows.
"""
from __future__ import annotations

import html

import streamlit as st

from metrics.brief import brief_table, plain_title
from metrics.memo import per_version
from metrics.section import SectionModel


@per_version
def make_print_table_html(model: SectionModel) -> str:
    """Every row of the model's figure columns as an HTML table, all text escaped."""
    table = brief_table(model, max_rows=None)
    if table is None:
        return ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{html.escape(v)}</td>' if numeric
                         else f"<td>{html.escape(v)}</td>"
                         for v, numeric in zip(row, table.numeric)) + "</tr>"
        for row in table.rows)
    title = plain_title(model.title)
    caption = f"<caption>{html.escape(title)}</caption>" if title else ""
    return (f'<table class="qd-print-only qd-print-table">{caption}<thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table>")


def render_print_table(model: SectionModel) -> None:
    """Draw the print-only twin of the model's table (call it right after the st.dataframe)."""
    markup = make_print_table_html(model)
    if markup:
        st.html(markup)
