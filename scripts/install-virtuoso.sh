#!/usr/bin/env bash
# Debian's Virtuoso Open Source (virtuoso-t) for the second-triple-store tests
# (tests/test_virtuoso.py): the distribution's own package, started by the tests' fixture
# on 127.0.0.1 with a throwaway database. Idempotent: nothing to do when it is there.
# NCTS_VIRTUOSO points at another virtuoso-t binary.
set -euo pipefail
VIRTUOSO="${NCTS_VIRTUOSO:-/usr/bin/virtuoso-t}"
[ -x "$VIRTUOSO" ] && exit 0
# the package's post-install asks for a DBA password through debconf: it stays empty (the
# system-wide instance is not used; the tests run their own on free ports)
bash "$(dirname "$0")/apt-install.sh" install-virtuoso "$VIRTUOSO" virtuoso-opensource
# the package starts a system-wide instance on ports 1111/8890; the tests do not need it
if command -v service >/dev/null 2>&1; then service virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
