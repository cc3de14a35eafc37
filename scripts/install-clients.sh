#!/usr/bin/env bash
# What tests/test_clients.py and tests/test_w3c_protocol.py need, from package registries only,
# idempotent (does nothing when all is there):
#  - two npm SPARQL clients (fetch-sparql-endpoint, sparql-http-client), pinned by
#    tests/clients/package-lock.json into tests/clients/node_modules;
#  - the W3C SPARQL 1.1 Protocol test manifest (sparql11/protocol/manifest.ttl, W3C test suite
#    licence) as shipped in the source distribution of the installed rdflib, unpacked into
#    .cache/sparql-protocol-tests/rdflib-VERSION/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY=${PYTHON:-$ROOT/.venv/bin/python}

version=$("$PY" -c 'from importlib.metadata import version; print(version("rdflib"))')
dest="$ROOT/.cache/sparql-protocol-tests/rdflib-$version"
if [ ! -f "$dest/.complete" ]; then
  mkdir -p "$ROOT/.cache/sparql-protocol-tests"
  tmp=$(mktemp -d "$ROOT/.cache/sparql-protocol-tests/fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  "$PY" -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps "rdflib==$version" -d "$tmp" >&2
  suite="rdflib-$version/test/data/suites/w3c"
  tar -xzf "$tmp/rdflib-$version.tar.gz" -C "$tmp" "$suite/sparql11/protocol/manifest.ttl" "$suite/README"
  rm -rf "$dest"
  mkdir -p "$dest"
  mv "$tmp/$suite/sparql11/protocol/manifest.ttl" "$dest/manifest.ttl"
  mv "$tmp/$suite/README" "$dest/README.rdflib-w3c-suites"
  touch "$dest/.complete"
  echo "install-clients: W3C protocol manifest from rdflib $version's sdist in $dest"
fi

cd "$ROOT/tests/clients"
if [ -d node_modules ] && [ node_modules -nt package-lock.json ] && [ -f node_modules/fetch-sparql-endpoint/package.json ]; then
  exit 0
fi
command -v npm >/dev/null || bash "$ROOT/scripts/install-js.sh"  # installs Node.js/npm when missing
npm ci --no-audit --no-fund --loglevel=error
touch node_modules
