"""Load on `ncts serve` against `oxigraph serve`: requests at 1, 4 and 16 concurrent clients, on 127.0.0.1.

Reports requests/s, p50 and p99 latency and HTTP statuses per URL and concurrency, and the
server's RSS (with its query children) before and after, so a leak shows. The same light
query runs on the Oxigraph server (PyPI `oxigraph`, the test dependency) holding the same
data, in the same run. ``--url PATH`` (repeatable) adds paths of `ncts serve` to measure, e.g.
a resource page: SPARQL paths (/sparql?...) are also sent to Oxigraph (as /query?...), others
are measured on `ncts serve` only. ``--baseline REV`` measures a git revision's code too:

    .venv/bin/python benchmarks/serve_load.py                                  # light query + a resource page, 1/4/16 clients
    .venv/bin/python benchmarks/serve_load.py --url /measure/meldplicht --url /sparql?query=...
    .venv/bin/python benchmarks/serve_load.py --baseline main                  # and main, for before/after

It also times POST /validate (``--validate N``, default 10; 0 skips it): the median of N posts, one at
a time, of examples/measures/valid/gebiedsverbod.ttl after two warm-up posts, with the report checked.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "PREFIX ncts: <https://w3id.org/ncts-graph/def#> SELECT ?m WHERE { ?m a ncts:Measure } LIMIT 10"
PREFIXED_NOTE = "the prefix is declared, so Oxigraph runs the same text"
RESOURCE_PAGE = "/measure/uitreisverbod?lang=en"  # a resource page (pages.py): ncts serve only, Oxigraph has none
VALIDATE_FILE = ROOT / "examples" / "measures" / "valid" / "gebiedsverbod.ttl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tree: Path, port: int) -> subprocess.Popen:
    """`ncts serve` from the source tree ``tree`` (its package, ontology, data)."""
    code = f"import sys; sys.path.insert(0, {str(tree)!r}); from ncts_graph.cli import main; main()"
    process = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port)], cwd=tree,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server from {tree} did not start")


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def one(port: int, path: str) -> tuple[int, float]:
    start_time = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    accept = "application/sparql-results+json" if path.startswith(("/sparql", "/query")) else "text/html"
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - start_time


def hammer(port: int, path: str, requests: int, concurrency: int) -> dict:
    results: list = []
    lock = threading.Lock()
    left = [requests]

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            got = one(port, path)
            with lock:
                results.append(got)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    times = sorted(t for _, t in results)
    statuses: dict = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {"rps": len(results) / wall, "p50": statistics.median(times) * 1000,
            "p99": times[max(int(len(times) * 0.99) - 1, 0)] * 1000, "statuses": statuses}


def post_validate(port: int, data: bytes) -> tuple[int, float, bytes]:
    """One raw POST /validate of a Turtle file, asking for the text report."""
    start_time = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/validate?name=gebiedsverbod.ttl&lang=en", body=data,
                     headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
        response = conn.getresponse()
        body = response.read()
        status = response.status
    finally:
        conn.close()
    return status, time.perf_counter() - start_time, body


def run_validate(label: str, port: int, pid: int, posts: int) -> None:
    """The median of ``posts`` validations, one at a time, on a warmed server (two posts first),
    and the server's RSS before the first post and after the last."""
    data = VALIDATE_FILE.read_bytes()
    before = rss_kib(pid)
    for _ in range(2):
        post_validate(port, data)
    runs = [post_validate(port, data) for _ in range(posts)]
    times = sorted(t for _, t, _ in runs)
    ok = all(status == 200 and body.rstrip().endswith(b": conforms (fail-on: violation)") for status, _, body in runs)
    print(f"{label:>9}  POST /validate {VALIDATE_FILE.name} x {posts}, one at a time: median "
          f"{statistics.median(times) * 1000:7.1f} ms  min {times[0] * 1000:7.1f} ms  max {times[-1] * 1000:7.1f} ms  "
          f"reports ok: {ok}; RSS {before / 1024:.1f} -> {rss_kib(pid) / 1024:.1f} MiB", flush=True)


def run_levels(label: str, port: int, pid: int, paths: list[str], requests: int, levels: list[int]) -> None:
    hammer(port, paths[0], 50, 4)  # warm-up
    before = rss_kib(pid)
    for path in paths:
        for level in levels:
            r = hammer(port, path, requests, level)
            shown = path if len(path) <= 40 else path[:37] + "..."
            print(f"{label:>9}  {shown:<40} {requests} req x {level:>2} clients: {r['rps']:7.1f} req/s  "
                  f"p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  statuses {r['statuses']}", flush=True)
    time.sleep(0.5)
    print(f"{label:>9}  RSS {before / 1024:.1f} MiB -> {rss_kib(pid) / 1024:.1f} MiB; "
          f"child processes left: {len(children(pid))}", flush=True)


def measure(label: str, tree: Path, paths: list[str], requests: int, levels: list[int], posts: int = 0) -> None:
    port = free_port()
    process = start(tree, port)
    try:
        if paths:
            run_levels(label, port, process.pid, paths, requests, levels)
        if posts:
            run_validate(label, port, process.pid, posts)
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure_oxigraph(paths: list[str], requests: int, levels: list[int]) -> None:
    """`oxigraph serve` (in memory) with the graph pushed into its default graph by `ncts push`."""
    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.is_file():
        print("oxigraph: not installed (pip install oxigraph); skipped", flush=True)
        return
    sparql = ["/query" + p[len("/sparql"):] for p in paths if p.startswith("/sparql")]
    port = free_port()
    process = subprocess.Popen([str(exe), "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait(port)
        subprocess.run([str(Path(sys.executable).with_name("ncts")), "push", "--endpoint",
                        f"http://127.0.0.1:{port}/store"], check=True, capture_output=True, cwd=ROOT)
        run_levels("oxigraph", port, process.pid, sparql, requests, levels)
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no server on port {port}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per URL and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--url", action="append", default=None, metavar="PATH",
                        help="a path on `ncts serve` to measure (repeatable); default: the light query and "
                             "the resource page of a measure")
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision (same run, same machine)")
    parser.add_argument("--no-oxigraph", action="store_true", help="skip the Oxigraph server")
    parser.add_argument("--validate", type=int, default=10, metavar="N",
                        help="POST /validate N times (median; 0 skips it)")
    parser.add_argument("--validate-only", action="store_true", help="only the /validate posts (no load, no Oxigraph)")
    args = parser.parse_args()
    paths = args.url or ["/sparql?" + urllib.parse.urlencode({"query": QUERY}), RESOURCE_PAGE]
    print(f"load on 127.0.0.1, {os.cpu_count()} CPUs; light query: {QUERY!r}"
          f" (ncts serve: {PREFIXED_NOTE})", flush=True)
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="ncts-baseline-") as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            measure(args.baseline[:9], Path(tmp), [] if args.validate_only else paths, args.requests,
                    args.concurrency, args.validate)
    measure("ncts", ROOT, [] if args.validate_only else paths, args.requests, args.concurrency, args.validate)
    if not args.no_oxigraph and not args.validate_only:
        measure_oxigraph(paths, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
