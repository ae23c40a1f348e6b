"""Browser tier of the release upload: sign in, upload a release with its source file, preview,
publish, and see the revised figure on the overview of the same running server (issue 8)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from metrics.credentials import hash_password
from metrics.paths import REPO_ROOT
from metrics.store import AUDIT_NAME, read_audit
from tests.browser import is_local, open_page, streamlit_server, wait_rendered
from tests.test_versions_app import PASSWORD, REVISION_CSV, REVISION_SIDECAR

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("QD_SCREENSHOT_DIR", "/tmp/qd-shots"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO_ROOT / "data", tmp_path / "data",
                                ignore=shutil.ignore_patterns("src", "geo", "reference",
                                                              "releases", AUDIT_NAME,
                                                              "versions", "CURRENT")))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_upload_preview_publish_and_revised_figure(browser, data_copy, tmp_path):
    release = tmp_path / "release.csv"
    release.write_text(REVISION_CSV, encoding="utf-8")
    sidecar = tmp_path / "release.csv.source.yml"
    sidecar.write_text(REVISION_SIDECAR, encoding="utf-8")
    env = {"QD_DASHBOARD_DATA_DIR": str(data_copy),
           "QD_DASHBOARD_ADMIN_HASH": hash_password(PASSWORD, 100_000)}
    with streamlit_server(env) as base:
        page, requests = open_page(browser, base + "/upload?lang=en")
        main = page.get_by_test_id("stMain")
        assert "Import data" in main.inner_text()
        assert page.locator("input[type=file]").count() == 0  # nothing before signing in
        page.get_by_label("Administrator password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        wait_rendered(page)
        assert "Wrong password." in main.inner_text()
        page.get_by_label("Administrator password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        wait_rendered(page)
        assert "Signed in as administrator." in main.inner_text()
        page.locator("input[type=file]").set_input_files([str(release), str(sidecar)])
        page.wait_for_timeout(1500)
        page.get_by_role("button", name="Check and preview").click()
        wait_rendered(page)
        text = main.inner_text()
        assert "Preview: 0 added, 1 revised, 0 unchanged, 0 refused" in text
        _shot(page, "upload-preview-en.png")
        page.get_by_role("button", name="Publish as a new version").click()
        wait_rendered(page)
        assert "Published data version" in main.inner_text()
        assert all(is_local(u) for u in requests), [u for u in requests if not is_local(u)]

        # the overview of the same server shows the revised figure, marked, in both languages
        for lang, mark, head in (("en", "revised", "Published before (revised since)"),
                                 ("zh", "修订", "此前公布的数值（修订前）")):
            page, _ = open_page(browser, base + f"/?lang={lang}")
            main_text = page.get_by_test_id("stMain").inner_text()
            assert "8.1%" in main_text and mark in main_text
            page.get_by_role("button", name="来源" if lang == "zh" else "Source").first.click()
            page.wait_for_timeout(800)
            popover = page.get_by_test_id("stPopoverBody").first.inner_text()
            assert head in popover and "7.9%" in popover
            _shot(page, f"revised-figure-{lang}.png")
    actions = [(e["action"], e["outcome"]) for e in read_audit(data_copy)]
    assert ("login", "refused") in actions and ("login", "ok") in actions
    assert ("check", "ok") in actions and ("publish", "ok") in actions


def test_no_upload_page_without_credential(browser, data_copy):
    env = {"QD_DASHBOARD_DATA_DIR": str(data_copy), "QD_DASHBOARD_ADMIN_HASH": ""}
    with streamlit_server(env) as base:
        page, _ = open_page(browser, base + "/upload?lang=en")
        text = page.get_by_test_id("stMain").inner_text()
        assert "Import data" not in text and page.locator("input[type=file]").count() == 0
        assert "Import data" not in page.get_by_test_id("stSidebar").inner_text()
