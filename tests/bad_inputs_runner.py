"""Run many ``ncts`` command lines in one process, for the bad-input matrix (test_bad_inputs.py).

One process per verb instead of one per cell keeps the matrix fast (Python and rdflib are
imported once). Each cell still gets what a real run gets: its own working folder, the
process's real file descriptors 1 and 2 (captured at the descriptor level, so output of
child processes and C code is caught too), the exit code ``sys.exit`` was given, and a
traceback on stderr for any exception the CLI lets through (as the interpreter prints it).

    python bad_inputs_runner.py CELLS.json RESULTS.json
    CELLS.json: [{"id": ..., "argv": [...], "cwd": ...}, ...]
    RESULTS.json: {id: {"code": int, "stdout": str, "stderr": str, "seconds": float}}
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
import traceback

CELL_SECONDS = 60  # a cell that hangs (say serve that starts serving) is reported, not waited for


class Hang(BaseException):
    pass


def _alarm(signum, frame):
    raise Hang(f"the command did not finish within {CELL_SECONDS} s")


def run_cell(main, cell: dict) -> dict:
    os.chdir(cell["cwd"])
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        start = time.monotonic()
        signal.alarm(CELL_SECONDS)
        try:
            main.main(cell["argv"], prog_name="ncts")
            code = 0
        except SystemExit as exc:  # what the interpreter would make of it
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        except BaseException:  # noqa: BLE001 - the point is to see what escapes
            traceback.print_exc()
            code = 1
        finally:
            signal.alarm(0)
            seconds = time.monotonic() - start
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        out.seek(0)
        err.seek(0)
        return {"code": code, "stdout": out.read(20000).decode("utf-8", "replace"),
                "stderr": err.read(20000).decode("utf-8", "replace"), "seconds": round(seconds, 3)}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        cells = json.load(handle)
    signal.signal(signal.SIGALRM, _alarm)
    from ncts_graph.cli import main as ncts

    results = {cell["id"]: run_cell(ncts, cell) for cell in cells}
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main()
