"""A link pinned to its period and data version shows the same figures after a newer release,
with a notice that newer data exist (issue 11 item 9)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from components import keys
from metrics.ingest import publish_files
from tests.apptest import run_page, texts
from tests.test_versions_app import (REVISION_CSV, REVISION_SIDECAR,  # noqa: F401
                                     data_copy)  # a fixture: a base-only copy of data/


def _headline(at) -> str:
    return next(m.value for m in at.metric if m.label.startswith(("工业增加值同比增长(累计)",
                                                                   "Industrial value added")))


def _pinned_link(at) -> dict[str, str]:
    link = next(c.value for c in at.code if f"{keys.VERSION}=" in c.value)
    return {k: v[-1] for k, v in parse_qs(urlparse(link).query).items()}


def test_copied_link_shows_the_same_figures_after_a_new_release(data_copy, tmp_path):
    at = run_page("dashboard.py", lang="en")
    before = _headline(at)
    params = _pinned_link(at)
    base_version = params[keys.VERSION]
    # the period is written out (the newest month with a Qingdao figure), never 'latest'
    from metrics.load import load_dataset
    from metrics.query import available_points, enrich_observations
    newest = available_points(enrich_observations(load_dataset(data_copy)))[0]
    assert params[keys.PERIOD] == newest and params[keys.LANG] == "en"

    release = tmp_path / "release.csv"
    release.write_text(REVISION_CSV, encoding="utf-8")
    (tmp_path / "release.csv.source.yml").write_text(REVISION_SIDECAR, encoding="utf-8")
    new_version, _ = publish_files([release], data_copy)

    fresh = run_page("dashboard.py", lang="en")
    assert _headline(fresh) == "8.1%"  # an unpinned view shows the new release
    pinned = run_page("dashboard.py", **params)
    assert not pinned.exception
    assert _headline(pinned) == before  # the pinned link: the same figures as when copied
    body = texts(pinned)
    assert "pinned to data version" in body and base_version in body and new_version in body
    assert pinned.query_params[keys.VERSION] in (base_version, [base_version])
    # the pin follows the navigation (shared parameter) and can be dropped with one click
    assert all(f"{keys.VERSION}={base_version}" in str(link.proto)
               for link in pinned.get("page_link")[:3])
    next(b for b in pinned.button if b.label == "Show the latest data").click().run()
    assert _headline(pinned) == "8.1%" and "pinned to data version" not in texts(pinned)


def test_unknown_version_in_a_link_falls_back_with_a_notice(data_copy):
    at = run_page("dashboard.py", lang="en", v="20990101T000000Z-deadbeef")
    assert not at.exception and at.metric
    assert any("Data version" in w.value for w in at.warning)
    assert keys.VERSION not in at.query_params
