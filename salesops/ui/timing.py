"""Where a script run's server time goes, phase by phase: on when ``SALESOPS_TIMING`` names a file.

Off by default, and then each :func:`phase` costs one comparison. With
``SALESOPS_TIMING=runs.jsonl`` every script run appends one JSON line: the page, the run's
milliseconds from the top of ``streamlit_app.py`` to the end of the sidebar, and the
milliseconds of each named phase (the widget callbacks before the run, the headline, each
chart, the what-ifs, the auto-save, the sidebar). ``benchmarks/bench_load.py`` starts a
server with it and reports where a click's time goes.

A run is kept per thread: Streamlit runs a session's callbacks and then its script in one
script thread, and never two runs of one session at once.
"""

from __future__ import annotations

import json
import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

__all__ = ["ENV", "begin", "end", "mark", "phase", "timed"]

ENV = "SALESOPS_TIMING"
_FILE = os.environ.get(ENV) or None
_LOCK = threading.Lock()
_RUNS: dict[int, dict] = {}  # script thread -> the run in progress

F = TypeVar("F", bound=Callable)


def _record(name: str, ms: float) -> None:
    run = _RUNS.setdefault(threading.get_ident(), {"phases": {}})
    run["phases"][name] = run["phases"].get(name, 0.0) + ms


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as ``name`` (summed when a run enters it more than once)."""
    if _FILE is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        _record(name, (time.perf_counter() - started) * 1000.0)


def mark(name: str) -> None:
    """Note how long after the start of the run the script reached this point, as ``@name``."""
    if _FILE is None:
        return
    run = _RUNS.get(threading.get_ident())
    if run and "started" in run:
        run["phases"].setdefault("@" + name, (time.perf_counter() - run["started"]) * 1000.0)


def timed(name: str) -> Callable[[F], F]:
    """Decorator: time every call of a function (a widget callback, say) as ``name``."""

    def wrap(func: F) -> F:
        if _FILE is None:
            return func

        def inner(*args, **kwargs):
            with phase(name):
                return func(*args, **kwargs)

        inner.__name__ = func.__name__
        inner.__doc__ = func.__doc__
        return inner  # type: ignore[return-value]

    return wrap


def begin(page) -> None:
    """The script run of ``page`` (an ``st.Page``) starts; callbacks timed before it belong to it."""
    if _FILE is None:
        return
    run = _RUNS.setdefault(threading.get_ident(), {"phases": {}})
    run["page"] = page if isinstance(page, str) else str(getattr(page, "title", "?"))
    run["started"] = time.perf_counter()
    run["at"] = time.time()


def end() -> None:
    """The script run ends: append its line to the file."""
    if _FILE is None:
        return
    run = _RUNS.pop(threading.get_ident(), None)
    if not run or "started" not in run:
        return
    line = {
        "page": run["page"],
        "at": run["at"],
        "run_ms": round((time.perf_counter() - run["started"]) * 1000.0, 3),
        "phases": {k: round(v, 3) for k, v in run["phases"].items()},
    }
    with _LOCK, open(_FILE, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
