"""Helpers for AppTest: open a page as a user would, and read its text."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from metrics.paths import REPO_ROOT

TIMEOUT_S = 60


def run_page(script: str, **params: str) -> AppTest:
    """Open ``script`` as a user would: the URL's parameters, the entry script, then the page.

    Pages are run through the entry script because page links resolve against it, as they do
    under `streamlit run`.
    """
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if script != "dashboard.py":
        # The entry run drops the parameters it does not read (another page's); a deep link
        # gives them to the page itself, so they are given again.
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(script)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Every caption, markdown, metric, warning, info and error of the page, joined."""
    parts = [c.value for c in at.caption] + [m.value for m in at.markdown]
    parts += [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    parts += [w.value for w in (*at.warning, *at.info, *at.error)]
    parts += [str(x.value) for x in (*at.title, *at.subheader)]
    return "\n".join(parts)
