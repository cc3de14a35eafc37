"""A self-contained install: the wheel, installed outside the repository, runs `ncts info`,
writes a working HTML export (cytoscape.js and its licence are inside the wheel) and serves the
query page with YASGUI from the wheel (with the licences of everything in its bundle); `ncts quotes`
there says where the source texts are expected. No network: the wheel is built without build
isolation (hatchling is a test dependency) and installed with --no-deps into a fresh venv that
sees this venv's dependencies through a .pth line (as --system-site-packages would)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import json
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the checkout's own ways of finding data, JS and sources must not leak into the installed copy
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("NCTS_") and k != "PYTHONPATH"}


def _build(src: Path, out: Path, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                           "--no-index", "-q", "-w", str(out)], capture_output=True, text=True,
                          env={**CLEAN_ENV, **(env or {})})


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, wheel path) of the wheel built from this checkout, installed in a fresh venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = _build(ROOT, tmp / "dist")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("ncts_graph-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = Path(subprocess.run([str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "ncts-test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    inst = subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
                           "--no-deps", "--no-index", "-q", str(wheel)], capture_output=True, text=True, env=CLEAN_ENV)
    assert inst.returncode == 0, inst.stderr
    return env_dir / "bin", wheel


def _ncts(bin_dir: Path, cwd: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "ncts"), *args], cwd=cwd, capture_output=True, text=True,
                          env=CLEAN_ENV, timeout=300)


def test_wheel_carries_cytoscape_with_its_licence(installed):
    _bin, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("cytoscape.min.js", "LICENSE", "package.json"):
        assert f"ncts_graph/_bundled/web/cytoscape/{name}" in names
    assert not any("node_modules" in n for n in names)  # only the library, not the npm tree
    assert "ncts_graph/html/app.js" in names and "ncts_graph/_bundled/ontology/ncts.ttl" in names


def test_wheel_carries_the_query_page_and_yasgui_with_licences(installed):
    _bin, wheel = installed
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    for name in ("yasgui.min.js", "yasgui.min.css", "package.json", "THIRD-PARTY-LICENSES.txt"):
        assert f"ncts_graph/_bundled/web/yasgui/{name}" in names
    for name in ("workbench.html", "workbench.js", "workbench.css"):
        assert f"ncts_graph/web/{name}" in names
    version = json.loads((ROOT / "web/node_modules/@zazuko/yasgui/package.json").read_text())["version"]
    notice = archive.read("ncts_graph/_bundled/web/yasgui/THIRD-PARTY-LICENSES.txt").decode()
    assert f"@zazuko/yasgui {version}: MIT" in notice
    assert (ROOT / "web/node_modules/jquery/LICENSE.txt").read_text().strip() in notice  # bundled libraries' texts
    assert (ROOT / "web/node_modules/codemirror/LICENSE").read_text().strip() in notice


def test_installed_wheel_serves_the_query_page(installed, tmp_path):
    from conftest import free_port, server

    bin_dir, _wheel = installed
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server([str(bin_dir / "ncts"), "serve", "--port", str(port)], base, cwd=tmp_path):
        page = urllib.request.urlopen(base + "/", timeout=30).read().decode()
        assert "/workbench/yasgui.min.js" in page and "https://" not in page
        js = urllib.request.urlopen(base + "/workbench/yasgui.min.js", timeout=30).read()
        assert js == (ROOT / "web/node_modules/@zazuko/yasgui/build/yasgui.min.js").read_bytes()


def test_installed_wheel_exports_html_and_gives_info_outside_the_checkout(installed, tmp_path):
    bin_dir, _wheel = installed
    where = subprocess.run([str(bin_dir / "python"), "-c", "import ncts_graph; print(ncts_graph.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, env=CLEAN_ENV, check=True).stdout
    assert str(bin_dir.parent) in where and str(ROOT) not in where  # the installed copy, not the checkout

    out = _ncts(bin_dir, tmp_path, "export", "--view", "threats", "--format", "html", "--lang", "en", "-o", "t.html")
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "The Cytoscape Consortium" in page  # the library and its licence header are inlined
    assert "Accelerationism" in page and "<script src=" not in page  # data inlined, nothing fetched

    info = _ncts(bin_dir, tmp_path, "info", "--lang", "en")
    assert info.returncode == 0, info.stderr
    assert "ncts:Measure" in info.stdout


def test_installed_quotes_says_where_the_sources_are_expected(installed, tmp_path):
    bin_dir, _wheel = installed
    out = _ncts(bin_dir, tmp_path, "quotes")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "source texts not found" in lines[0] and "NCTS_SOURCES" in lines[0], out.stderr


def test_wheel_build_fails_loudly_without_the_javascript(tmp_path):
    """A clean clone without `make js` must not give a wheel whose HTML export cannot work."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    src = tmp_path / "src"
    for name in files:
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes((ROOT / name).read_bytes())
    assert not (src / "web" / "node_modules").exists()
    built = _build(src, tmp_path / "dist")
    assert built.returncode != 0
    assert "cytoscape.js not found" in built.stderr and "make js" in built.stderr
    assert not list(tmp_path.glob("dist/*.whl"))
    # cytoscape alone (NCTS_JS_DIR) is not enough: the query page needs YASGUI
    js = tmp_path / "js"
    js.mkdir()
    for name in ("dist/cytoscape.min.js", "LICENSE", "package.json"):
        (js / Path(name).name).write_bytes((ROOT / "web/node_modules/cytoscape" / name).read_bytes())
    built = _build(src, tmp_path / "dist", env={"NCTS_JS_DIR": str(js)})
    assert built.returncode != 0
    assert "YASGUI (@zazuko/yasgui) not found" in built.stderr and "make js" in built.stderr
    assert not list(tmp_path.glob("dist/*.whl"))


def test_installed_wheel_exports_annotations_and_never_rewrites_its_data(installed, tmp_path, sources_dir):
    bin_dir, wheel = installed
    assert "ncts_graph/contexts/anno.jsonld" in set(zipfile.ZipFile(wheel).namelist())
    env = {**CLEAN_ENV, "NCTS_SOURCES": str(sources_dir)}
    out = subprocess.run([str(bin_dir / "ncts"), "export", "--format", "annotations", "-o", "a.jsonld"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert '"TextPositionSelector"' in (tmp_path / "a.jsonld").read_text(encoding="utf-8")
    refused = subprocess.run([str(bin_dir / "ncts"), "quotes", "--anchor"], cwd=tmp_path, capture_output=True,
                             text=True, env=env, timeout=300)
    assert refused.returncode == 2 and "installed package" in refused.stderr
