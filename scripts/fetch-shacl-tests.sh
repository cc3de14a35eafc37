#!/usr/bin/env bash
# The W3C SHACL test suite (test/resources/sht_tests: core, sparql) as shipped in the source
# distribution of the installed pyshacl, so the suite and the engine are the same release.
# Unpacked into .cache/shacl-tests/pyshacl-VERSION/ (git-ignored); prints that folder.
# Idempotent and offline once cached: a finished folder is never fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
version=$("$PY" -c 'from importlib.metadata import version; print(version("pyshacl"))')
dest=.cache/shacl-tests/pyshacl-$version
if [ -f "$dest/.complete" ]; then
    echo "$PWD/$dest"
    exit 0
fi
mkdir -p .cache/shacl-tests
tmp=$(mktemp -d .cache/shacl-tests/fetch.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
    "pyshacl==$version" -d "$tmp" >&2
tar -xzf "$tmp/pyshacl-$version.tar.gz" -C "$tmp" "pyshacl-$version/test/resources/sht_tests"
rm -rf "$dest"
mkdir -p "$dest"
mv "$tmp/pyshacl-$version/test/resources/sht_tests" "$dest/sht_tests"
touch "$dest/.complete"
echo "$PWD/$dest"
