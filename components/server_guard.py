"""No browser may clear the caches that every session shares.

Streamlit's frontend can send a ``clear_cache`` back-message (the "Clear cache" menu item and
its ``C`` shortcut in developer mode; any websocket client can send it in any mode). Streamlit
1.67 handles it in ``AppSession.handle_backmsg`` -> ``AppSession._handle_clear_cache_request``,
which runs ``st.cache_data.clear()`` and ``st.cache_resource.clear()``: the caches are global to
the server process, so one anonymous client empties them for every user (measured: another
session's rerun went from 4.3 s to 18.1 s). Caches here hold only what is derived from the
published data version, so there is never a reason for a browser to clear them; the operator
restarts the server to drop them.

Importing this module (components/frame.py does, first thing, so every page run has it) replaces
that one handler with one that logs the request and does nothing else. Every other message
(reruns, widget changes, stop, heartbeats, uploads) keeps its handler. Idempotent: importing it
again, or from another page, changes nothing.
"""
from __future__ import annotations

from streamlit.logger import get_logger
from streamlit.runtime.app_session import AppSession

_LOGGER = get_logger(__name__)
_MARK = "_qd_clear_cache_guarded"
# Streamlit's own handler, kept so a test can show what the guard prevents.
_ORIGINAL = "_qd_streamlit_clear_cache"


def _refuse_clear_cache(session: AppSession) -> None:
    """The guarded handler: log, keep every cache and the session's state as they are."""
    _LOGGER.warning("Ignored a clear_cache request from a client (session %s): shared caches "
                    "are cleared only by restarting the server.",
                    getattr(session, "id", "?"))


def install() -> bool:
    """Guard ``AppSession``; True if this call installed it, False if it already was."""
    if getattr(AppSession, _MARK, False):
        return False
    if not callable(getattr(AppSession, "_handle_clear_cache_request", None)):
        # A later Streamlit renamed the handler: say so loudly rather than guard nothing.
        raise RuntimeError("streamlit's AppSession has no _handle_clear_cache_request: "
                           "update components/server_guard.py for this Streamlit version")
    setattr(AppSession, _ORIGINAL, AppSession._handle_clear_cache_request)
    AppSession._handle_clear_cache_request = _refuse_clear_cache
    setattr(AppSession, _MARK, True)
    return True


def installed() -> bool:
    return bool(getattr(AppSession, _MARK, False))


def streamlit_handler():
    """Streamlit's unguarded handler (clears both caches and the session's state)."""
    return getattr(AppSession, _ORIGINAL)


install()
