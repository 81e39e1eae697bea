"""Module-level jobs for the worker tests (a child process imports them by name)."""

from __future__ import annotations

import time


def sleep_then_return(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def fail(message: str) -> None:
    raise ValueError(message)
