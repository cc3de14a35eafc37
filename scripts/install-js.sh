#!/usr/bin/env bash
# The JavaScript of the HTML export (cytoscape) and of the query page of `ncts serve` (YASGUI,
# @zazuko/yasgui), from the npm registry, pinned by
# web/package-lock.json into web/node_modules/ (git-ignored). Does nothing when up to date.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ -d node_modules ] && [ node_modules -nt package-lock.json ] && [ -f node_modules/cytoscape/dist/cytoscape.min.js ] \
   && [ -f node_modules/@zazuko/yasgui/build/yasgui.min.js ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  else
    echo "install-js: npm not found; install Node.js 18+ (e.g. apt-get install npm)" >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund --loglevel=error
touch node_modules
