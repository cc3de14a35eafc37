#!/usr/bin/env bash
# Headless Chromium for the HTML export tests (tests/test_html.py): Debian's own package,
# never a browser build downloaded by a tool. Idempotent: nothing to do when it is there.
set -euo pipefail
CHROMIUM="${NCTS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  [ -x "$CHROMIUM" ] || { echo "install-chromium: apt installed chromium but $CHROMIUM is missing" >&2; exit 1; }
  echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
else
  echo "install-chromium: $CHROMIUM not found; run as root: apt-get install chromium (or set NCTS_CHROMIUM to a Chromium binary)" >&2
  exit 1
fi
