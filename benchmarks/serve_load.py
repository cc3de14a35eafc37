"""Load on `ncts serve`: N requests of a light query at several concurrencies, on 127.0.0.1.

Reports requests/s, p50 and p99 latency, HTTP statuses and the server's RSS (with its
query children) before and after, so a leak shows. ``--baseline REV`` measures the code
of a git revision too, in the same run and on the same machine:

    .venv/bin/python benchmarks/serve_load.py                       # this checkout
    .venv/bin/python benchmarks/serve_load.py --baseline main       # and main, for before/after
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
QUERY = "SELECT ?m WHERE { ?m a ncts:Measure } LIMIT 10"


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
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - start_time


def hammer(port: int, requests: int, concurrency: int) -> dict:
    path = "/sparql?" + urllib.parse.urlencode({"query": QUERY})
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
            "p99": times[int(len(times) * 0.99) - 1] * 1000, "statuses": statuses}


def measure(label: str, tree: Path, requests: int, levels: list[int]) -> None:
    port = free_port()
    process = start(tree, port)
    try:
        hammer(port, 50, 4)  # warm-up
        before = rss_kib(process.pid)
        for level in levels:
            r = hammer(port, requests, level)
            print(f"{label:>9}  {requests} requests x {level:>2} clients: {r['rps']:7.1f} req/s  "
                  f"p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  statuses {r['statuses']}", flush=True)
        time.sleep(0.5)
        after = rss_kib(process.pid)
        print(f"{label:>9}  RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB; "
              f"query processes left: {len(children(process.pid))}", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--baseline", metavar="REV", help="also measure this git revision (same run, same machine)")
    args = parser.parse_args()
    print(f"ncts serve under load: GET {QUERY!r}, {os.cpu_count()} CPUs")
    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="ncts-baseline-") as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            measure(args.baseline[:9], Path(tmp), args.requests, args.concurrency)
    measure("this", ROOT, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
