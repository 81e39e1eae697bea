"""Run heavy work in a separate process, within a time and memory budget.

One Python process serves every session of the app under one interpreter lock:
work that takes seconds (the what-ifs of a very large org, a big import, a
large Monte Carlo) would slow every other user's clicks. :func:`run_bounded`
runs such a function in a child process (started from a clean "forkserver"
that has the model already imported) whose address space is capped with
``RLIMIT_AS`` and whose CPU priority is lowered (``nice`` +10, so that other
sessions' clicks get the processor first), waits at most ``seconds``, and kills it past that. The caller
gets the result, or a :class:`BudgetExceeded` that says which budget ran out.

Small work runs in the caller's process: :func:`needs_worker` tells the two
apart by an estimate of the work, so the common case pays nothing.

Examples
--------
>>> run_bounded(sum, [1, 2, 3], seconds=30)
6
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import resource
import time
import traceback
from typing import Any, Callable

__all__ = ["BudgetExceeded", "DEFAULT_MEMORY_MB", "WORKER_NICENESS", "needs_worker", "run_bounded", "work_units"]

_LOG = logging.getLogger(__name__)

WORKER_NICENESS = 10  # heavy work yields the CPU to the app process that answers clicks
DEFAULT_MEMORY_MB = 1_500  # address space of one worker: a 4 GB host can run two and the app
WORK_UNITS_IN_PROCESS = 5_000  # what-ifs of up to about 12 roles x 30 regions run in the app process
_PRELOAD = [
    "salesops.model",
    "salesops.model.whatif",
    "salesops.model.uncertainty",
    "salesops.readwrite.hris",
    "pandas",
    "numpy",
]
_CONTEXT: Any = None


class BudgetExceeded(RuntimeError):
    """The work ran out of its time or memory budget and was stopped."""


def _context() -> Any:
    """The multiprocessing context of the workers (a forkserver with the model preloaded, else spawn)."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx: Any
        try:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
        except ValueError:  # no forkserver on this platform
            ctx = mp.get_context("spawn")
        _CONTEXT = ctx
    return _CONTEXT


def _child(conn, fn: Callable[..., Any], args: tuple, kwargs: dict, memory_mb: int) -> None:
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            os.nice(WORKER_NICENESS)
        except OSError:  # a platform or sandbox that refuses: the work still runs, at normal priority
            _LOG.debug("could not lower the worker's CPU priority")
        result = fn(*args, **kwargs)
        conn.send_bytes(pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        conn.send_bytes(pickle.dumps(("memory", None)))
    except BaseException as exc:  # noqa: BLE001 (everything goes back to the parent, which re-raises it)
        try:
            conn.send_bytes(pickle.dumps(("error", exc)))
        except Exception:  # an exception that cannot be pickled: its text instead
            conn.send_bytes(pickle.dumps(("error", RuntimeError("".join(traceback.format_exception_only(exc))))))
    finally:
        conn.close()


def run_bounded(
    fn: Callable[..., Any], *args: Any, seconds: float, memory_mb: int = DEFAULT_MEMORY_MB, **kwargs: Any
) -> Any:
    """``fn(*args, **kwargs)`` in a child process with a time and memory budget.

    ``fn`` and its arguments must be picklable (a module-level function).

    Raises
    ------
    BudgetExceeded
        After ``seconds`` (the child is killed) or when the child runs out of
        its ``memory_mb`` of address space.
    Exception
        Whatever ``fn`` raised, re-raised in the caller.
    """
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, memory_mb), daemon=True)
    started = time.monotonic()
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise BudgetExceeded(f"stopped after {seconds:g} s: the work took longer than its time budget")
        try:
            status, payload = pickle.loads(parent.recv_bytes())
        except EOFError:  # the child died without a word: killed by the kernel or out of memory
            raise BudgetExceeded(f"stopped: the work ran out of its {memory_mb:,} MB memory budget") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        parent.close()
    _LOG.debug("worker %s ran %.3f s", getattr(fn, "__name__", fn), time.monotonic() - started)
    if status == "memory":
        raise BudgetExceeded(f"stopped: the work ran out of its {memory_mb:,} MB memory budget")
    if status == "error":
        raise payload
    return payload


def work_units(regions: int, roles: int) -> int:
    """A rough count of queue evaluations for the one-role what-ifs of a scenario."""
    return 2 * roles * roles * (regions + 1)


def needs_worker(regions: int, roles: int) -> bool:
    """True when the what-ifs of such a scenario are big enough to move out of the app process.

    The threshold can be lowered with ``SALESOPS_WORKER_UNITS`` (tests use it).
    """
    threshold = int(os.environ.get("SALESOPS_WORKER_UNITS", WORK_UNITS_IN_PROCESS))
    return work_units(regions, roles) > threshold
