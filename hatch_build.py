"""Wheel build hook: put the JavaScript of the HTML export (cytoscape) and of the query page
of `ncts serve` (YASGUI) into the wheel.

cytoscape.js comes from the npm registry (scripts/install-js.sh, pinned by web/package-lock.json,
into web/node_modules; or $NCTS_JS_DIR, a folder holding cytoscape.min.js or cytoscape/dist/...).
The wheel carries cytoscape.min.js with its LICENSE and package.json (for the version) under
ncts_graph/_bundled/web/cytoscape/, so `pip install .` gives a working `ncts export --format html`
anywhere. YASGUI (@zazuko/yasgui, the same npm install) goes to ncts_graph/_bundled/web/yasgui/:
yasgui.min.js and yasgui.min.css, its package.json, and THIRD-PARTY-LICENSES.txt: the name, version
and licence (package.json) of YASGUI and of every package its bundle is built from, with each one's
licence text where the package ships one (YASGUI's own npm packages ship none; the notice says so).
Without either library the build fails, rather than ship a wheel whose HTML export or query page
cannot work.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "ncts_graph/_bundled/web/cytoscape"
YASGUI_TARGET = "ncts_graph/_bundled/web/yasgui"
YASGUI = "@zazuko/yasgui"
LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "license", "license.md", "COPYING")


def cytoscape_dist(root: Path) -> Path:
    env = os.environ.get("NCTS_JS_DIR")
    candidates = [Path(env), Path(env) / "cytoscape" / "dist"] if env else []
    candidates.append(root / "web" / "node_modules" / "cytoscape" / "dist")
    for dist in candidates:
        if (dist / "cytoscape.min.js").is_file():
            return dist
    raise RuntimeError(
        "ncts-graph wheel: cytoscape.js not found (looked in " + ", ".join(map(str, candidates)) + "); "
        "run `make js` (scripts/install-js.sh: npm ci in web/) or set NCTS_JS_DIR, then build again")


def yasgui_build(root: Path) -> Path:
    env = os.environ.get("NCTS_JS_DIR")
    candidates = [Path(env) / YASGUI / "build"] if env else []
    candidates.append(root / "web" / "node_modules" / YASGUI / "build")
    for build in candidates:
        if (build / "yasgui.min.js").is_file() and (build / "yasgui.min.css").is_file():
            return build
    raise RuntimeError(
        "ncts-graph wheel: YASGUI (@zazuko/yasgui) not found (looked in " + ", ".join(map(str, candidates)) + "); "
        "run `make js` (scripts/install-js.sh: npm ci in web/) or set NCTS_JS_DIR, then build again")


def third_party_notice(modules: Path, top: str = YASGUI) -> str:
    """Name, version, licence and licence text of ``top`` and every package it depends on
    (transitively) as installed in ``modules`` (a node_modules folder)."""
    seen, order, todo = set(), [], [(top, modules)]
    while todo:
        name, where = todo.pop(0)
        folder = next((d / name for d in (where, modules) if (d / name / "package.json").is_file()), None)
        if folder is None or folder in seen:
            continue
        seen.add(folder)
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        order.append((meta.get("name", name), meta.get("version", "?"), meta.get("license", "not stated"), folder))
        todo += [(dep, folder / "node_modules") for dep in sorted(meta.get("dependencies") or {})]
    parts = [f"The query page of ncts-graph (ncts serve) uses {top}; its bundle yasgui.min.js is built from\n"
             "the npm packages below. Each: name, version, licence (from its package.json), and the licence\n"
             "text the package ships, if any.\n"]
    for name, version, licence, folder in order:
        text = next(((folder / f).read_text(encoding="utf-8", errors="replace") for f in LICENCE_FILES
                     if (folder / f).is_file()), None)
        parts.append("=" * 78 + f"\n{name} {version}: {licence}\n" + "=" * 78 + "\n"
                     + (text.strip() if text else f"(the npm package {name} ships no licence text; "
                                                   f"its package.json states the licence {licence})") + "\n")
    return "\n".join(parts)


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads web/node_modules in the checkout
        dist = cytoscape_dist(Path(self.root))
        files = {"cytoscape.min.js": dist / "cytoscape.min.js"}
        for name in ("LICENSE", "package.json"):
            for folder in (dist, dist.parent):
                if (folder / name).is_file():
                    files[name] = folder / name
                    break
            else:
                raise RuntimeError(f"ncts-graph wheel: no {name} beside {dist / 'cytoscape.min.js'}; "
                                   "the library ships only with its licence and version")
        for name, path in files.items():
            build_data["force_include"][str(path)] = f"{TARGET}/{name}"
        build = yasgui_build(Path(self.root))
        notice = Path(tempfile.mkdtemp(prefix="ncts-wheel-")) / "THIRD-PARTY-LICENSES.txt"
        notice.write_text(third_party_notice(build.parent.parent.parent), encoding="utf-8")
        for name, path in {"yasgui.min.js": build / "yasgui.min.js", "yasgui.min.css": build / "yasgui.min.css",
                           "package.json": build.parent / "package.json", notice.name: notice}.items():
            build_data["force_include"][str(path)] = f"{YASGUI_TARGET}/{name}"
