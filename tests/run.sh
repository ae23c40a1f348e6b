#!/usr/bin/env bash
# Install what a fresh Debian machine with Python 3.11 lacks, then run every test.
#   bash tests/run.sh [pytest args]
# Python packages from requirements-dev.txt; Debian chromium and CJK fonts for the browser tests
# (Playwright cannot download its own browser here, so the tests drive /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
# The deployment tests (tests/test_deploy.py) start the real nginx and make a TLS certificate.
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The print test reads and renders the printed PDF (pdftotext, pdftoppm).
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec python3 -m pytest "$@"
