"""Import a bureau's release and manage data versions.

    python -m metrics.ingest check FILE...       read, map, validate; print the preview (no write)
    python -m metrics.ingest publish FILE...     the same, then publish a new version; print its id
    python -m metrics.ingest history             one line per version, oldest first
    python -m metrics.ingest rollback VERSION    make an earlier version current again
    python -m metrics.ingest diff A B            what changed between two versions
    python -m metrics.ingest hash-password       make the admin credential for the upload page

Each FILE (.csv, .xlsx, .xls) needs a sidecar FILE.source.yml (publisher, title, date_published,
url, tier; region for a bureau's wide table). The data folder is data/ or QD_DASHBOARD_DATA_DIR.
Exit 0 on success, 1 on a refusal (the message names the file, sheet, row, column and rule).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from metrics.ingest import (IngestError, Preview, check_files, diff_versions, history,
                            publish_files, rollback)
from metrics.paths import DATA_DIR
from metrics.validate import DataError

DATA_DIR_ENV = "QD_DASHBOARD_DATA_DIR"
SHOWN_ROWS = 40


def _data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)


def _fmt(value: float) -> str:
    return f"{value:g}"


def print_preview(preview: Preview, out=sys.stdout) -> None:
    """The preview: counts, then rows added, revised (old -> new), refused and skipped."""
    c = preview.changes
    print(f"current version: {preview.parent}", file=out)
    for r in preview.releases:
        print(f"file {r.name}: {preview.layouts.get(r.name, '?')} layout"
              + (f", {r.encoding}" if r.encoding else ""), file=out)
    counts = c.counts()
    print("rows added {added}, revised {revised}, unchanged {unchanged}, refused {refused}"
          .format(**counts), file=out)
    for cand in c.added[:SHOWN_ROWS]:
        print(f"  + {' '.join(cand.key)} = {_fmt(cand.value)}", file=out)
    if len(c.added) > SHOWN_ROWS:
        print(f"  + … {len(c.added) - SHOWN_ROWS} more added", file=out)
    for row, cand in c.revised[:SHOWN_ROWS]:
        print(f"  ~ {' '.join(cand.key)}: {_fmt(row['value'])} -> {_fmt(cand.value)}", file=out)
    if len(c.revised) > SHOWN_ROWS:
        print(f"  ~ … {len(c.revised) - SHOWN_ROWS} more revised", file=out)
    for exc in c.refused:
        print(f"  ! refused: {exc}", file=out)
    for line in preview.skipped[:SHOWN_ROWS]:
        print(f"  - skipped: {line}", file=out)
    if len(preview.skipped) > SHOWN_ROWS:
        print(f"  - … {len(preview.skipped) - SHOWN_ROWS} more skipped", file=out)


def _hash_password(_args) -> int:
    import getpass

    from metrics.credentials import hash_password

    first = getpass.getpass("admin password (at least 12 characters): ")
    if len(first) < 12:
        print("refused: use at least 12 characters", file=sys.stderr)
        return 1
    if getpass.getpass("again: ") != first:
        print("refused: the two entries differ", file=sys.stderr)
        return 1
    print(hash_password(first))
    print("Put this in .streamlit/secrets.toml as admin_password_hash = \"...\" or in the "
          "environment as QD_DASHBOARD_ADMIN_HASH (never in the repository).", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics.ingest",
                                     description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "publish"):
        p = sub.add_parser(name)
        p.add_argument("files", nargs="+", type=Path)
        p.add_argument("--allow-implausible", action="store_true",
                       help="accept growth rates beyond the indicator's plausibility bound "
                            "(recorded in the audit log)")
    sub.add_parser("history")
    p = sub.add_parser("rollback")
    p.add_argument("version")
    p = sub.add_parser("diff")
    p.add_argument("a")
    p.add_argument("b")
    sub.add_parser("hash-password")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    data_dir = _data_dir()
    try:
        if args.command == "check":
            preview = check_files(args.files, data_dir,
                                  allow_implausible=args.allow_implausible)
            print_preview(preview)
            if preview.refused:
                print(f"refused: {len(preview.refused)} figure(s) would be refused; nothing "
                      "can be published until they are fixed", file=sys.stderr)
                return 1
            print("check passed: nothing was written")
            return 0
        if args.command == "publish":
            version, preview = publish_files(args.files, data_dir,
                                             allow_implausible=args.allow_implausible)
            print_preview(preview)
            if version is None:
                print("nothing new: every figure is already published; no version made")
            else:
                print(f"published version {version}")
            return 0
        if args.command == "history":
            for v in history(data_dir):
                print("\t".join([v["version"], v["time"], ";".join(v["inputs"]),
                                 f"added {v['added']}", f"revised {v['revised']}",
                                 f"removed {v['removed']}",
                                 f"parent {v['parent'] or '-'}",
                                 "current" if v["current"] else
                                 "interrupted (never current)" if v["interrupted"] else
                                 ""]).rstrip())
            return 0
        if args.command == "rollback":
            before = rollback(data_dir, args.version)
            print(f"current version is now {args.version} (was {before})")
            return 0
        if args.command == "diff":
            d = diff_versions(data_dir, args.a, args.b)
            print(f"{args.a} -> {args.b}: added {len(d['added'])}, removed {len(d['removed'])}, "
                  f"changed {len(d['changed'])}")
            for key, value in d["added"]:
                print(f"  + {' '.join(key)} = {_fmt(value)}")
            for key, value in d["removed"]:
                print(f"  - {' '.join(key)} = {_fmt(value)}")
            for key, old, new in d["changed"]:
                print(f"  ~ {' '.join(key)}: {_fmt(old)} -> {_fmt(new)}")
            return 0
        if args.command == "hash-password":
            return _hash_password(args)
    except (IngestError, DataError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"refused: {exc.strerror or exc} ({Path(exc.filename).name if exc.filename else ''})",
              file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a clear message, never a traceback
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        print(f"refused: the input could not be processed ({type(exc).__name__}: {exc})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
