"""Data versions as the pages see them: a publish shows without a restart, revised figures are
marked in both languages, the upload page exists only with a credential, and broken, mixed or
oversized data files give a clear message (issue 8 points 4-6, issue 12 items 4-7)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from components import keys
from components.data import DATA_DIR_ENV, forget_loaded
from components.provenance import md_escape
from components.upload_view import MAX_FAILURES, reset_attempts
from metrics.credentials import hash_password
from metrics.ingest import publish_files
from metrics.load import load_dataset
from metrics.paths import REPO_ROOT
from metrics.store import AUDIT_NAME, read_audit
from tests.apptest import run_page, texts

PASSWORD = "correct horse battery staple"
# The headline tile: Qingdao's full-year 2025 value-added growth, published as preliminary.
HEADLINE = ("iva_growth_cum", "370200", "ALL", "2025")

REVISION_CSV = """indicator_id,region_code,industry_code,period,value,qualifier,status,quote,note
iva_growth_cum,370200,ALL,2025,8.1,,published,测试：2025年全市规模以上工业增加值增长8.1%。,Test release (not real data)
"""
REVISION_SIDECAR = """publisher: 测试统计局
title: 测试发布（非真实数据）
date_published: 2026-02-01
url: https://example.org/test-release
tier: A
"""


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the bundled data folder, which the app reads for this test."""
    data = Path(shutil.copytree(REPO_ROOT / "data", tmp_path / "data",
                                ignore=shutil.ignore_patterns("src", "geo", "reference",
                                                              "releases", AUDIT_NAME,
                                                              "versions", "CURRENT")))
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    forget_loaded()
    yield data
    forget_loaded()


def _release(folder: Path, csv_text: str = REVISION_CSV, sidecar: str = REVISION_SIDECAR) -> Path:
    path = folder / "test-release.csv"
    path.write_text(csv_text, encoding="utf-8")
    (folder / "test-release.csv.source.yml").write_text(sidecar, encoding="utf-8")
    return path


def _headline_metric(at) -> str:
    return next(m.value for m in at.metric if m.label == "工业增加值同比增长(累计)"
                or m.label == "Industrial value added, YoY growth (cumulative)")


def test_publish_shows_at_next_rerun_without_restart_and_marks_revision(data_copy, tmp_path):
    at = run_page("dashboard.py")
    before = _headline_metric(at)
    old_value = load_dataset(data_copy)["observations"].set_index(
        ["indicator_id", "region_code", "industry_code", "period"]).loc[HEADLINE, "value"]
    assert before == f"{old_value:g}%"
    version, preview = publish_files([_release(tmp_path)], data_copy)
    assert version and preview.changes.counts()["revised"] == 1
    at.run()  # the same session, the same server: the next rerun reads the new version
    assert not at.exception
    assert _headline_metric(at) == "8.1%"
    body = texts(at)
    assert "badge[:material/history: 修订]" in body
    # the popover names the earlier vintage: value, publisher and the version that replaced it
    assert md_escape(f"{old_value:g}%") in body and md_escape(version) in body
    assert version in body  # the footer names the data version in use

    en = run_page("dashboard.py", lang="en")
    assert _headline_metric(en) == "8.1%"
    body_en = texts(en)
    assert "badge[:material/history: revised]" in body_en
    assert "Published before (revised since)" in body_en and md_escape(f"{old_value:g}%") in body_en


def test_data_page_lists_versions_and_revisions(data_copy, tmp_path):
    version, _ = publish_files([_release(tmp_path)], data_copy)
    at = run_page("pages/9_data.py", lang="en", table="versions")
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["Version"])[-1] == version
    assert list(shown["Current"])[-1] == "current"
    assert list(shown["Revised"])[-1] == 1
    at = run_page("pages/9_data.py", lang="en", table="revisions")
    assert not at.exception
    assert len(at.dataframe[0].value) == 1


def test_one_rerun_never_mixes_two_versions(data_copy, tmp_path):
    """The frame resolves the version once: the footer's version and the figures agree."""
    at = run_page("dashboard.py", lang="en")
    base_version = json.loads((data_copy / "manifest.json").read_text())["data_version"]
    assert base_version in texts(at)
    version, _ = publish_files([_release(tmp_path)], data_copy)
    at.run()
    body = texts(at)
    assert version in body and base_version not in body.split("Data version")[-1][:30]


def test_no_upload_page_without_credential(data_copy, monkeypatch):
    monkeypatch.delenv("QD_DASHBOARD_ADMIN_HASH", raising=False)
    at = run_page("pages/8_upload.py")
    assert not at.exception
    assert [x.value for x in at.title] == ["页面不存在"]
    assert not at.get("file_uploader") and not at.text_input
    overview = run_page("dashboard.py")
    assert "数据导入" not in texts(overview)
    assert all("upload" not in str(link.proto) for link in overview.get("page_link"))


@pytest.fixture
def admin(monkeypatch, data_copy):
    monkeypatch.setenv("QD_DASHBOARD_ADMIN_HASH", hash_password(PASSWORD, 100_000))
    reset_attempts()
    yield data_copy
    reset_attempts()


def _sign_in(at, password: str):
    at.text_input(key="upload_password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    return at


def test_sign_in_wrong_password_and_lock_out(admin):
    at = run_page("pages/8_upload.py", lang="en")
    assert not at.exception and at.text_input(key="upload_password")
    assert not at.get("file_uploader")  # nothing to upload before signing in
    _sign_in(at, "wrong password")
    assert "Wrong password." in [e.value for e in at.error]
    for _ in range(MAX_FAILURES - 1):
        _sign_in(at, "still wrong")
    assert any("locked" in e.value for e in at.error)
    # locked: even the right password is refused now, in another session too
    other = _sign_in(run_page("pages/8_upload.py", lang="en"), PASSWORD)
    assert any("locked" in e.value for e in other.error)
    assert not other.get("file_uploader")
    events = [e for e in read_audit(admin) if e["action"] == "login"]
    assert [e["outcome"] for e in events].count("refused") == MAX_FAILURES
    assert events[-1]["outcome"] == "locked"


def test_sign_in_opens_upload_and_rollback(admin, tmp_path):
    version, _ = publish_files([_release(tmp_path)], admin)
    at = _sign_in(run_page("pages/8_upload.py"), PASSWORD)
    assert not at.exception
    assert "已以管理员身份登录。" in [s.value for s in at.success]
    assert at.get("file_uploader")
    base = json.loads((admin / "manifest.json").read_text())["data_version"]
    at.selectbox(key="upload_rollback_to").set_value(base).run()
    next(b for b in at.button if b.label == "回滚到此版本").click().run()
    assert not at.exception
    assert (admin / "CURRENT").read_text().strip() == base
    assert (admin / "versions" / version).is_dir()  # nothing deleted
    assert [e["action"] for e in read_audit(admin)][-1] == "rollback"
    assert _headline_metric(run_page("dashboard.py")) != "8.1%"


# -- broken, mixed and oversized data files (issue 12 items 4-7) -------------------------------

def _error_text(at) -> str:
    return " ".join([e.value for e in at.error] + [x.value for x in at.text])


def test_mismatched_manifest_is_refused_not_served(data_copy):
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["tables"]["observations"]["sha256"] = "0" * 64
    (data_copy / "manifest.json").write_text(json.dumps(manifest))
    at = run_page("dashboard.py")
    assert not at.exception and not at.metric
    assert "does not match the manifest" in _error_text(at)
    assert "observations.parquet" in _error_text(at)


def test_row_count_mismatch_is_refused(data_copy):
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["tables"]["targets"]["rows"] += 1
    (data_copy / "manifest.json").write_text(json.dumps(manifest))
    at = run_page("dashboard.py", lang="en")
    assert not at.metric and "the manifest says" in _error_text(at)


def _rewrite(data: Path, name: str, table: pa.Table) -> None:
    """Replace a table and make the manifest agree, so that only the content is at fault."""
    from metrics.store import sha256_file

    path = data / f"{name}.parquet"
    pq.write_table(table, path, compression="zstd")
    manifest = json.loads((data / "manifest.json").read_text())
    manifest["tables"][name].update(sha256=sha256_file(path), rows=table.num_rows)
    (data / "manifest.json").write_text(json.dumps(manifest))


def test_markdown_in_a_column_name_is_shown_as_text(data_copy):
    table = pq.read_table(data_copy / "regions.parquet")
    hostile = "![x](http://evil.invalid/err.png)"
    _rewrite(data_copy, "regions", table.append_column(hostile, pa.array(["x"] * len(table))))
    at = run_page("dashboard.py")
    assert not at.exception
    # the name is in a plain-text element (no image can load), never in Markdown
    assert hostile in " ".join(x.value for x in at.text)
    assert all("evil.invalid" not in m.value for m in (*at.markdown, *at.error, *at.caption))
    assert str(REPO_ROOT) not in _error_text(at) and str(data_copy) not in _error_text(at)


def test_empty_observations_table_is_named(data_copy):
    table = pq.read_table(data_copy / "observations.parquet")
    _rewrite(data_copy, "observations", table.slice(0, 0))
    at = run_page("dashboard.py", lang="en")
    text = _error_text(at)
    assert "the 'observations' table has no rows" in text
    assert "cited by no observation" not in text


def test_long_strings_are_refused_before_loading(data_copy):
    table = pq.read_table(data_copy / "sources.parquet")
    idx = table.schema.get_field_index("note")
    notes = table["note"].to_pylist()
    notes[0] = "x" * 5_000_000  # compresses to a few KB, expands to 5 MB per cell
    _rewrite(data_copy, "sources", table.set_column(idx, table.schema.field(idx),
                                                    pa.array(notes, pa.string())))
    assert (data_copy / "sources.parquet").stat().st_size < 200_000
    at = run_page("dashboard.py", lang="en")
    assert not at.exception and "over the limit" in _error_text(at)


def test_declared_row_count_over_the_limit_is_refused(data_copy, monkeypatch):
    import metrics.load

    monkeypatch.setitem(metrics.load.MAX_ROWS, "observations", 100)
    at = run_page("dashboard.py", lang="en")
    assert not at.exception and not at.metric
    assert "over the limit of 100" in _error_text(at)
