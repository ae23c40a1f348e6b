"""The release upload page's pieces: sign-in with lock-out, upload, preview, publish, rollback.

The page exists only when the operator has configured an admin credential (a salted slow hash in
the environment or in .streamlit/secrets.toml, see metrics/credentials.py): without it there is
no upload page, no upload widget and no navigation link. Every action goes to the audit log.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from metrics.credentials import configured_hash, verify_password
from metrics.ingest import IngestError, Preview, check_files, history, publish_files, rollback
from metrics.store import audit
from metrics.validate import DataError

from components.data import data_dir
from components.i18n import t

# Sign-in attempts, counted for the whole server (not per session: a new session must not reset
# them). After MAX_FAILURES failures within LOCK_SECONDS the sign-in is locked for LOCK_SECONDS.
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
_ATTEMPTS: dict[str, object] = {"failures": [], "locked_until": 0.0}
_ATTEMPTS_LOCK = threading.Lock()
_ADMIN = "_admin_signed_in"
_UPLOAD_DIR = "_upload_dir"
_SAFE_NAME = re.compile(r"[^0-9A-Za-z._\-\u4e00-\u9fff]+")
ACTOR = "upload page"


def _secret(name: str) -> str | None:
    # Every page asks (the navigation lists the import page only with a credential). Without
    # a secrets file, st.secrets looks for one under a lock and raises each time: 8 % of the
    # server's time under 30 sessions. Its paths are checked here first (a file added later
    # is still found; once found, st.secrets keeps it parsed).
    if not any(os.path.exists(path) for path in st.get_option("secrets.files")):
        return None
    try:
        return st.secrets.get(name)
    except Exception:  # noqa: BLE001 - an unreadable secrets file: no credential
        return None


def admin_hash() -> str | None:
    """The configured admin hash, or None: then the upload page does not exist."""
    return configured_hash(_secret)


def admin_enabled() -> bool:
    """Whether the operator configured an admin credential."""
    return admin_hash() is not None


def reset_attempts() -> None:
    """Forget failed sign-ins (tests)."""
    with _ATTEMPTS_LOCK:
        _ATTEMPTS["failures"] = []
        _ATTEMPTS["locked_until"] = 0.0


def _locked_minutes(now: float) -> int:
    with _ATTEMPTS_LOCK:
        left = float(_ATTEMPTS["locked_until"]) - now
    return int(left // 60) + 1 if left > 0 else 0


def _record_attempt(ok: bool, now: float) -> None:
    with _ATTEMPTS_LOCK:
        failures = [f for f in _ATTEMPTS["failures"] if now - f < LOCK_SECONDS]
        if ok:
            failures = []
        else:
            failures.append(now)
            if len(failures) >= MAX_FAILURES:
                _ATTEMPTS["locked_until"] = now + LOCK_SECONDS
                failures = []
        _ATTEMPTS["failures"] = failures


def render_sign_in(lang: str) -> bool:
    """The sign-in form; True once this session has signed in."""
    if st.session_state.get(_ADMIN):
        c1, c2 = st.columns([3, 1])
        c1.success(t("upload_logged_in", lang), icon=":material/verified_user:")
        if c2.button(t("upload_logout", lang), key="upload_logout"):
            st.session_state[_ADMIN] = False
            audit(data_dir(), "logout", "ok", actor=ACTOR)
            st.rerun()
        return True
    st.subheader(t("upload_login", lang))
    with st.form("upload_login_form"):
        password = st.text_input(t("upload_password", lang), type="password",
                                 key="upload_password", max_chars=200)
        submitted = st.form_submit_button(t("upload_login_button", lang))
    if submitted:
        now = time.time()
        minutes = _locked_minutes(now)
        if minutes:
            audit(data_dir(), "login", "locked", actor=ACTOR)
            st.error(t("upload_locked", lang, minutes=minutes), icon=":material/lock:")
            return False
        stored = admin_hash()
        ok = bool(stored) and verify_password(password or "", stored)
        _record_attempt(ok, now)
        audit(data_dir(), "login", "ok" if ok else "refused", actor=ACTOR)
        if ok:
            st.session_state[_ADMIN] = True
            st.rerun()
        minutes = _locked_minutes(time.time())
        st.error(t("upload_locked", lang, minutes=minutes) if minutes
                 else t("upload_wrong_password", lang), icon=":material/lock:")
    return False


def _save_uploads(files) -> tuple[Path, list[Path], list[str]]:
    """Write the uploaded files to a fresh private folder; (folder, tables, missing sidecars)."""
    folder = Path(tempfile.mkdtemp(prefix="qd-upload-"))
    tables = []
    for f in files:
        # only the base name, with anything unusual replaced: no path can be smuggled in
        name = _SAFE_NAME.sub("_", Path(f.name).name).lstrip(".") or "upload"
        (folder / name).write_bytes(f.getvalue())
        if not name.endswith(".source.yml"):
            tables.append(folder / name)
    missing = [p.name + ".source.yml" for p in tables
               if not (folder / (p.name + ".source.yml")).exists()]
    return folder, tables, missing


def _key(c) -> str:
    return " · ".join(c.key)


def make_preview_tables(preview: Preview, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(changes, refusals) of a preview as tables for the screen."""
    rows = [[t("change_added", lang), _key(c), None, c.value, c.quote] for c in
            preview.changes.added]
    rows += [[t("change_revised", lang), _key(c), float(old["value"]), c.value, c.quote]
             for old, c in preview.changes.revised]
    changes = pd.DataFrame(rows, columns=[t("col_change", lang), t("col_key", lang),
                                          t("col_old_value", lang), t("col_new_value", lang),
                                          t("quote", lang)])
    refused = pd.DataFrame([[str(e)] for e in preview.refused], columns=[t("col_refusal", lang)])
    return changes, refused


def _show_preview(preview: Preview, lang: str) -> None:
    counts = preview.changes.counts()
    st.info(t("upload_preview", lang, **counts), icon=":material/preview:")
    changes, refused = make_preview_tables(preview, lang)
    if len(changes):
        st.dataframe(changes, hide_index=True)
    if len(refused):
        st.error(t("upload_refused", lang), icon=":material/block:")
        st.dataframe(refused, hide_index=True)
    if preview.skipped:
        with st.expander(t("upload_skipped", lang)):
            st.text("\n".join(preview.skipped))


def render_upload(lang: str) -> None:
    """Upload, check (preview), publish."""
    files = st.file_uploader(t("upload_files", lang), type=["csv", "xlsx", "xls", "yml"],
                             accept_multiple_files=True, help=t("upload_files_help", lang),
                             key="upload_files")
    if st.button(t("upload_check", lang), key="upload_check", icon=":material/fact_check:"):
        old = st.session_state.pop(_UPLOAD_DIR, None)
        if old:
            shutil.rmtree(old, ignore_errors=True)
        if not files:
            st.warning(t("upload_no_files", lang))
            return
        folder, tables, missing = _save_uploads(files)
        if missing:
            shutil.rmtree(folder, ignore_errors=True)
            audit(data_dir(), "check", "refused", actor=ACTOR,
                  message=f"source file missing: {', '.join(missing)}")
            st.error(t("upload_missing_sidecar", lang, names=", ".join(missing)))
            return
        try:
            preview = check_files(tables, data_dir())
        except (IngestError, DataError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            st.error(t("upload_refused", lang), icon=":material/block:")
            st.text(str(exc))
            return
        st.session_state[_UPLOAD_DIR] = str(folder)
        _show_preview(preview, lang)
        if preview.refused:
            shutil.rmtree(folder, ignore_errors=True)
            st.session_state.pop(_UPLOAD_DIR, None)
    folder = st.session_state.get(_UPLOAD_DIR)
    if folder and st.button(t("upload_publish", lang), key="upload_publish", type="primary",
                            icon=":material/publish:"):
        tables = sorted(p for p in Path(folder).iterdir() if not p.name.endswith(".source.yml"))
        try:
            version, _ = publish_files(tables, data_dir())
        except (IngestError, DataError) as exc:
            st.error(t("upload_refused", lang), icon=":material/block:")
            st.text(str(exc))
            return
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            st.session_state.pop(_UPLOAD_DIR, None)
        if version is None:
            st.info(t("upload_nothing_new", lang))
        else:
            st.success(t("upload_published", lang, version=version), icon=":material/check:")


def render_rollback(lang: str) -> None:
    """Choose an earlier version and make it current again."""
    versions = history(data_dir())
    st.subheader(t("versions_title", lang))
    st.caption(t("versions_intro", lang))
    options = [v["version"] for v in versions if not v["current"]]
    if not options:
        return
    chosen = st.selectbox(t("upload_rollback_to", lang), options[::-1], key="upload_rollback_to")
    if st.button(t("upload_rollback", lang), key="upload_rollback", icon=":material/undo:"):
        try:
            before = rollback(data_dir(), chosen)
        except DataError as exc:
            st.error(t("upload_refused", lang))
            st.text(str(exc))
            return
        st.success(t("upload_rolled_back", lang, version=chosen, before=before))
