#!/usr/bin/env bash
# Debian's Virtuoso Open Source (virtuoso-t) for the second-triple-store tests
# (tests/test_virtuoso.py): the distribution's own package, started by the tests' fixture
# on 127.0.0.1 with a throwaway database. Idempotent: nothing to do when it is there.
set -euo pipefail
VIRTUOSO="${NCTS_VIRTUOSO:-/usr/bin/virtuoso-t}"
if [ -x "$VIRTUOSO" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # the package's post-install asks for a DBA password through debconf: leave it empty
  # (the system-wide instance is not used; the tests run their own on free ports)
  apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
  [ -x "$VIRTUOSO" ] || { echo "install-virtuoso: apt installed virtuoso-opensource but $VIRTUOSO is missing" >&2; exit 1; }
  # the package starts a system-wide instance on ports 1111/8890; the tests do not need it
  if command -v service >/dev/null 2>&1; then service virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
  echo "install-virtuoso: installed $("$VIRTUOSO" -? 2>&1 | head -n 1 || echo virtuoso-t)"
else
  echo "install-virtuoso: $VIRTUOSO not found; run as root: apt-get install virtuoso-opensource (or set NCTS_VIRTUOSO to a virtuoso-t binary)" >&2
  exit 1
fi
