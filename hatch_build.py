"""Wheel build hook: put the HTML export's JavaScript library into the wheel.

cytoscape.js comes from the npm registry (scripts/install-js.sh, pinned by web/package-lock.json,
into web/node_modules; or $NCTS_JS_DIR, a folder holding cytoscape.min.js or cytoscape/dist/...).
The wheel carries cytoscape.min.js with its LICENSE and package.json (for the version) under
ncts_graph/_bundled/web/cytoscape/, so `pip install .` gives a working `ncts export --format html`
anywhere. Without the library the build fails, rather than ship a wheel whose HTML export cannot work.
"""

from __future__ import annotations

import os
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "ncts_graph/_bundled/web/cytoscape"


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
