#!/usr/bin/env bash
# Rebuild the bundled data after an edit of data/src or data/releases:
#   1. drop the published versions, CURRENT and the audit log (they rest on the old base),
#   2. build the base from data/src (python -m metrics.build),
#   3. publish every release in data/releases on it again (python -m metrics.ingest publish).
# Serialised with flock, so two people (or helpers) rebuilding at once do not interleave.
# Then commit data/ (git add -A data/).
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/qd-rebuild-bundled.lock
flock 9
rm -rf data/versions data/CURRENT data/audit.jsonl data/.lock
python -m metrics.build
python -m metrics.ingest publish data/releases/*.csv
rm -f data/.lock
cat data/CURRENT
