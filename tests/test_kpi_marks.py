"""Tiles whose figure is older than the view's period carry a visible marker (issue 11 item 3)."""
from __future__ import annotations

import re

from tests.apptest import run_page, texts


def _badged_tiles(at, mark: str) -> int:
    return len(re.findall(r"badge\[:material/schedule: " + re.escape(mark) + r"\]", texts(at)))


def test_older_tiles_are_marked_in_a_chosen_period():
    at = run_page("dashboard.py", period="2024-05")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["工业增加值同比增长(累计)"] == "9.6%"  # Jan-May 2024: current, no marker
    # equipment manufacturing has its Jan-May 2024 figure (Qingdao Daily, June 2024 release)
    assert values["装备制造业 · 工业增加值同比增长(累计)"] == "10%"
    # profits (2023) and revenue (2023) are older than Jan-May 2024
    assert _badged_tiles(at, "较早时期") == 2
    en = run_page("dashboard.py", period="2024-05", lang="en")
    assert _badged_tiles(en, "earlier period") == 2


def test_current_figures_are_not_marked():
    at = run_page("dashboard.py", period="2023", lang="en")
    body = texts(at)
    # the full-year 2023 figures are the view's period: value added and profits unmarked
    assert _badged_tiles(at, "earlier period") < len(at.metric)
    assert "2023" in body


def test_latest_view_marks_tiles_older_than_their_row():
    at = run_page("dashboard.py", lang="en")
    values = {m.label: m.value for m in at.metric}
    body = texts(at)
    # latest: value added (2025) is the newest of its row; profits (2023) are marked older
    assert values["Industrial value added, YoY growth (cumulative)"] == "7.9%"
    assert 1 <= _badged_tiles(at, "earlier period") < len(at.metric)
    assert "2023" in body
