"""数据导入 Import data: upload a bureau's release, preview the changes, publish, roll back.

The page exists only when the operator configured an admin credential
(QD_DASHBOARD_ADMIN_HASH or admin_password_hash in .streamlit/secrets.toml); otherwise it is
the app's not-found view, with no upload widget. The work is done by metrics.ingest.
"""
import streamlit as st

from components.frame import render_footer, render_frame, stop_as_not_found
from components.i18n import t
from components.upload_view import admin_enabled, render_rollback, render_sign_in, render_upload

view = render_frame("nav_upload")
lang = view.lang
if not admin_enabled():
    stop_as_not_found(view, "upload")

# 1/ Title and sign-in ------------------------------------------------------------------------
st.title(t("upload_title", lang))
st.caption(t("upload_intro", lang))
if render_sign_in(lang):
    # 2/ Upload, check, publish ---------------------------------------------------------------
    render_upload(lang)
    st.divider()
    # 3/ Versions and rollback ----------------------------------------------------------------
    render_rollback(lang)

render_footer(view)
