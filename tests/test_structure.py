"""The package's shape: no import cycle (counting imports inside functions too, which Python
tolerates at run time but which tie modules into one knot), the export family in its own
subpackage, and no benchmark code in the package."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ncts_graph"


def _module(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package modules it imports, anywhere in its text (module level or in a function)."""
    modules = {_module(p, package): p for p in package.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = here.split(".")[: len(here.split(".")) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                targets.update(f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles a depth-first walk meets (each back edge closes one)."""
    found, done = [], set()

    def walk(node, stack):
        for nxt in sorted(graph[node]):
            if nxt in stack:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                walk(nxt, stack + [nxt])
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            walk(start, [start])
    return found


def test_no_import_cycle():
    graph = import_graph()
    assert "ncts_graph.export.style" in graph and graph["ncts_graph.export.figure"]  # the walk sees the package
    assert cycles(graph) == []


def test_cycle_finder_finds_a_circle(tmp_path):
    pkg = tmp_path / "ncts_graph"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .b import g\n")
    (pkg / "b.py").write_text("from . import a\n")
    assert cycles(import_graph(pkg)) != []


def test_export_family_is_one_subpackage_with_one_style():
    flat = sorted(p.name for p in PACKAGE.glob("*.py") if p.name.startswith(("export_", "cli_")))
    assert flat == []
    assert not (PACKAGE / "export_synthetic.py").exists() and not list(PACKAGE.rglob("synthetic.py"))
    graph = import_graph()
    users = {m for m, targets in graph.items() if "ncts_graph.export.style" in targets}
    assert {"ncts_graph.export", "ncts_graph.export.figure", "ncts_graph.export.html"} <= users
    from ncts_graph.export import TYPE_COLOURS, export  # the public names stay where they were
    assert callable(export) and TYPE_COLOURS["Measure"]
