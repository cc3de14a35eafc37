#!/usr/bin/env bash
# Headless Chromium for the browser tests (tests/browser.py): Debian's own package, never a
# browser build downloaded by a tool. Idempotent: nothing to do when it is there.
# NCTS_CHROMIUM points at another Chromium binary.
set -euo pipefail
exec bash "$(dirname "$0")/apt-install.sh" install-chromium "${NCTS_CHROMIUM:-/usr/bin/chromium}" chromium fonts-dejavu-core
