"""One replica of the deployment: ``streamlit run dashboard.py`` that warms itself up.

    python -m deploy.replica --server.port P [other `streamlit run` options]

The launcher (deploy/launcher.py) starts each replica this way. A fresh Streamlit process does
nothing for the app until the first browser connects; that browser then waits while the first
run imports pandas, plotly, pyarrow and DuckDB, opens and checks the data version and derives
the first view (1.75 s on the 2-core benchmark machine, against 0.08 s for the same run warm).
Here a thread opens the overview once, over Streamlit's own websocket protocol, as soon as the
server answers its health check: that work then happens while the first browser is still
loading the frontend's scripts (about 3 s), and what it derives is kept per data version for
every session (metrics/memo.py).

The warm-up is best effort: if it fails (the data version is broken, say), the replica serves
as it would have without it, and the page shows its usual message. One line in the replica's
log says what happened.
"""
from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WARM_TIMEOUT_S = 120
# Said in the replica's log once the warm-up ran (the tests look for it).
WARMED = "warm-up: the overview ran in"


def _option(args: list[str], name: str) -> str | None:
    """The value of ``--name value`` or ``--name=value`` in a `streamlit run` argument list."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


async def _open_overview(base: str, timeout_s: float) -> list[str]:
    """One run of the overview in the default view; the run's errors (none when it worked)."""
    from tools.loadtest import Session

    session = Session(base, timeout_s)
    try:
        await session.connect()
        return (await session.rerun()).errors
    finally:
        await session.close()


def warm(base: str, timeout_s: float = WARM_TIMEOUT_S) -> str:
    """Wait for the server at ``base``, open the overview once; one line saying what happened."""
    from tools.appserver import wait_healthy

    if not wait_healthy(base, None, timeout_s, poll_s=0.05):
        return f"warm-up: the server did not answer within {timeout_s:.0f} s; none done"
    t0 = time.monotonic()
    try:
        errors = asyncio.run(_open_overview(base, timeout_s))
    except Exception as exc:  # noqa: BLE001 - best effort: the replica serves without it
        return f"warm-up failed ({type(exc).__name__}: {exc}); the first browser does it"
    if errors:
        return f"warm-up: the overview reported {errors[0]}"
    return f"{WARMED} {time.monotonic() - t0:.2f} s"


def _warm_and_log(base: str) -> None:
    print(warm(base), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    port = _option(args, "--server.port")
    address = _option(args, "--server.address") or "127.0.0.1"
    if port is not None:
        threading.Thread(target=_warm_and_log, args=(f"http://{address}:{port}",),
                         name="qd-warm-up", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(REPO_ROOT / "dashboard.py"), *args]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
