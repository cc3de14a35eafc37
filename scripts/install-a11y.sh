#!/usr/bin/env bash
# axe-core, the accessibility checker of the browser tests (tests/a11y.py), from the npm registry,
# pinned by tests/a11y/package-lock.json into tests/a11y/node_modules (git-ignored). Does nothing when up to date.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/tests/a11y"
if [ -d node_modules ] && [ node_modules -nt package-lock.json ] && [ -f node_modules/axe-core/axe.min.js ]; then
  exit 0
fi
command -v npm >/dev/null || bash "$ROOT/scripts/install-js.sh"  # installs Node.js/npm when missing
npm ci --no-audit --no-fund --loglevel=error
touch node_modules
