"""Render pieces of the 目标进度 (Targets) page: status lights, the counts per status, how the
status is decided, and one card per target (the progress bars and the table are the section
model of ``metrics/sections/targets.py``).

The words of a card come from ``metrics/sections/targets.py`` (the same sentences as the table
and the CSV); a status light is a badge with a colour, a text label and an icon of its own
shape (``components/progress_charts.STATUS_BADGES``), never colour alone.
"""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from metrics.citation import shown_note
from metrics.derive import format_number
from metrics.progress import STATUSES, Progress
from metrics.query import ALL_INDUSTRIES
from metrics.sections.base import Labeller
from metrics.sections.targets import (deadline_words, due_words, proxy_words,
                                      rule_words, status_lines, status_words, target_row,
                                      target_words)

from components.progress_charts import STATUS_BADGES
from components.provenance import make_figure_details, make_source_lines, md_escape


def render_status_light(lab: Labeller, status: str) -> None:
    """The status as a badge: colour, icon and the status in words."""
    colour, icon = STATUS_BADGES[status]
    st.badge(status_words(lab, status), icon=icon, color=colour)


def render_status_counts(lab: Labeller, counts: dict[str, int]) -> None:
    """How many targets have each status: one box per status with its light and the count,
    side by side (wrapping two by two on a phone rather than one under another)."""
    with st.container(horizontal=True, wrap=True, key="target_counts"):
        for status in STATUSES:
            with st.container(border=True):
                render_status_light(lab, status)
                st.metric(status_words(lab, status), lab.t("targets_count", n=counts[status]),
                          label_visibility="collapsed")


def render_rules(lab: Labeller) -> None:
    """How the status is decided, the proxies and the due dates, folded under a heading."""
    with st.expander(lab.t("targets_rules_title"), icon=":material/rule:"):
        st.markdown(lab.t("targets_rules_text"))


def make_target_details(lab: Labeller, row: dict) -> str:
    """Markdown for a target's source: publisher, title, date, link, quote, note."""
    lines = [f"**{md_escape(row['description_' + lab.lang])}**",
             *make_source_lines(lab.ds, row["source_id"], row["quote"], lab.lang)]
    note = shown_note(row.get("note"), lab.lang, lab.ds.translation)  # in the page's language
    if note:
        lines.append(f"- {lab.t('note')}: {md_escape(note)}")
    return "\n".join(lines)


def render_target_card(view, lab: Labeller, p: Progress) -> None:
    """One bordered card: the target and its status light, its period, the rule, the actual
    (and its share) or, without one, the proxy as context and the next due date."""
    ds, lang = lab.ds, lab.lang
    row = target_row(lab, p.target.target_id)
    ind = ds.indicator(p.target.indicator_id)
    with st.container(border=True):
        render_status_light(lab, p.status)
        st.markdown(f"**{md_escape(row['description_' + lang])}**")
        st.caption(lab.t("targets_card_meta", indicator=ind[f"name_{lang}"],
                         target=target_words(lab, p), period=deadline_words(lab, p),
                         industry=lab.figure_industry(p.target.industry_code, ind)))
        # The share reached in words: the chart above draws it in the status's colour (a
        # progress bar here would take the theme's red whatever the status).
        if p.share_done is not None:
            st.markdown(lab.t("targets_share_line", share=format_number(p.share_done)))
        for line in status_lines(lab, p):
            st.markdown(md_escape(line))
        proxy = proxy_words(lab, p, md_escape)
        if proxy:
            st.caption(proxy)
        due = due_words(lab, p)
        if due:
            st.caption(md_escape(due))
        st.caption(md_escape(lab.t("targets_rule_line", rule=rule_words(lab, p))))
        if view.industry not in (ALL_INDUSTRIES, p.target.industry_code):
            st.caption(lab.t("targets_city_wide_all") if p.target.industry_code == ALL_INDUSTRIES
                       else lab.t("targets_city_wide",
                                  industry=lab.industry(p.target.industry_code)))
        with st.popover(lab.t("source_details"), icon=":material/info:"):
            st.markdown(make_target_details(lab, row))
            for fig in (p.actual, p.proxy):
                if fig is not None:
                    st.markdown(make_figure_details(ds, fig, lang))


def render_target_cards(view, lab: Labeller, progress: Sequence[Progress],
                        per_row: int = 2) -> None:
    """The cards, ``per_row`` to a row."""
    for start in range(0, len(progress), per_row):
        for col, p in zip(st.columns(per_row), progress[start:start + per_row]):
            with col:
                render_target_card(view, lab, p)
