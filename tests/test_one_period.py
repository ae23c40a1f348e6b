"""One notion of "the period you are looking at": the sidebar's point and the growth page's
period follow each other, and the other pages show the same moment (issue 11 item 4)."""
from __future__ import annotations

from components import keys
from tests.apptest import run_page


def test_growth_period_leads_the_sidebar_and_the_overview_follows():
    at = run_page("pages/1_growth.py", lang="en", view="period")
    assert not at.exception
    at.selectbox(key=keys.GROWTH_AT).set_value("2024-05").run()
    assert not at.exception
    assert at.selectbox(key=keys.PERIOD).value == "2024-05"
    assert at.query_params[keys.PERIOD] in ("2024-05", ["2024-05"])
    at.switch_page("dashboard.py").run()
    values = {m.label: m.value for m in at.metric}
    assert values["Industrial value added, YoY growth (cumulative)"] == "9.6%"


def test_sidebar_point_moves_the_growth_period():
    at = run_page("pages/1_growth.py", lang="en", view="period")
    at.selectbox(key=keys.PERIOD).set_value("2023").run()
    assert not at.exception
    assert at.selectbox(key=keys.GROWTH_AT).value == "2023"
