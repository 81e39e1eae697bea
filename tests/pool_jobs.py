"""Module-level jobs for the worker-pool tests (a child process imports them by name)."""

from __future__ import annotations

import os
import time


def record(path: str, seconds: float) -> int:
    """Append this job's start and end (monotonic clock) to ``path``, sleeping ``seconds`` between."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"start {time.monotonic()!r}\n")
    time.sleep(seconds)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"end {time.monotonic()!r}\n")
    return os.getpid()


def steps(n: int, progress=None) -> int:
    """Report ``i / n`` after each of ``n`` short steps (an out-of-order report is ignored)."""
    for i in range(1, n + 1):
        time.sleep(0.06)
        progress(i / n)
        if i == 2:
            progress(0.1)  # a report that goes back: never passed on
    return n


def die() -> None:
    """Kill this worker the way the kernel would."""
    os.kill(os.getpid(), 9)
