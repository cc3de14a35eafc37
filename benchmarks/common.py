"""What the benchmarks share: timing a command from a cold start."""

from __future__ import annotations

import statistics
import subprocess
import time


def cold(cmd: list[str], runs: int = 5) -> float:
    """Median wall time of ``runs`` fresh processes running ``cmd`` (each must succeed)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
