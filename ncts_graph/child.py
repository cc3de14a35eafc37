"""Work in a forked child process with a time limit and an answer-size cap, for ``ncts serve``.

The child shares the server's in-memory store (fork), so a query or a validation that overruns
is killed, not merely abandoned; it dies with the server and cannot outrun its limit in CPU.
Shared by the endpoint (serve.py) and the /validate page (webvalidate.py).
"""

from __future__ import annotations

import os
import resource
import select
import signal
import time


class Stopped(Exception):
    """The child did not answer in time (``timed_out``), answered too much, or died silently."""

    def __init__(self, message: str, timed_out: bool = False, too_big: bool = False):
        super().__init__(message)
        self.timed_out, self.too_big = timed_out, too_big


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _libc():
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc if hasattr(libc, "prctl") else None
    except (OSError, AttributeError):
        return None


_LIBC = _libc()  # looked up once here, not in every child


def bound(timeout: float) -> None:
    """In the child: die with the server (Linux parent-death signal) and never outrun the time
    limit in CPU, even if nobody is left to kill it."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the server is already gone
            os._exit(1)
    seconds = int(timeout) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(work, settings, timeout: float, cap: int) -> bytes:
    """``work()`` (returning bytes, never raising) in a forked child; its bytes, or Stopped.

    The child's pid is kept in ``settings.children`` (under ``settings.lock``) while it runs,
    so that stopping the server kills it."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: work, write, exit; never return into the server loop
        try:
            os.close(read_fd)
            bound(timeout)
            data = work()
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_fd)
    with settings.lock:
        settings.children.add(pid)
    chunks, size, deadline = [], 0, time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                kill(pid)
                raise Stopped(f"stopped after the time limit of {timeout:g} s", timed_out=True)
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:  # the child may check too; this bounds the server's memory
                kill(pid)
                raise Stopped(f"the answer is larger than {cap} bytes", too_big=True)
    finally:
        os.close(read_fd)
        _, code = os.waitpid(pid, 0)
        with settings.lock:
            settings.children.discard(pid)
    if not chunks:
        how = f"signal {os.WTERMSIG(code)}" if os.WIFSIGNALED(code) else f"exit code {os.WEXITSTATUS(code)}"
        raise Stopped(f"the process ended without an answer ({how})")
    return b"".join(chunks)


def stop_all(settings) -> None:
    """Kill every running child (the server is stopping)."""
    with settings.lock:
        pids = list(settings.children)
    for pid in pids:
        kill(pid)
