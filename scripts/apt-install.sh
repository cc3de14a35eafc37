#!/usr/bin/env bash
# Shared by the install-*.sh scripts: install Debian packages when BINARY is missing.
# Usage: apt-install.sh NAME BINARY PACKAGE... ; exits 0 when BINARY is already executable.
set -euo pipefail
name="$1" binary="$2"; shift 2
if [ -x "$binary" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$name: $binary not found; run as root: apt-get install $*" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
[ -x "$binary" ] || { echo "$name: apt installed $* but $binary is missing" >&2; exit 1; }
echo "$name: installed $*"
