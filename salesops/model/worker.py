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

At most :func:`workers` jobs (``SALESOPS_WORKERS``, default the CPU count) run at
once across every session of the process: a job beyond that waits for a slot,
its wait counts in its time budget, and ``queued`` tells the caller it waits. A
job that ends, fails, is killed or runs out of its budget frees its slot. A job
can say how far it has got: with ``progress=callback``, ``fn`` is called with a
``progress`` keyword that it calls with the fraction done; the fractions travel
through the job's pipe and the caller's thread calls ``callback`` with each as it
arrives (in order, never decreasing, and 1.0 at the end).

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
import threading
import time
import traceback
from typing import Any, Callable

__all__ = [
    "BudgetExceeded",
    "DEFAULT_MEMORY_MB",
    "WORKER_NICENESS",
    "busy",
    "needs_worker",
    "run_bounded",
    "work_units",
    "workers",
]

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
MAX_WORKERS = 256  # SALESOPS_WORKERS above this is taken as this
PROGRESS_EVERY = 0.05  # seconds: a job sends at most about 20 progress messages a second
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


def workers() -> int:
    """How many heavy jobs may run at once in this process: ``SALESOPS_WORKERS``, default the CPU count.

    At least 1 and at most :data:`MAX_WORKERS`; a value that is not a whole number is ignored (logged).

    >>> workers() >= 1
    True
    """
    raw = os.environ.get("SALESOPS_WORKERS", "").strip()
    if raw:
        try:
            return min(MAX_WORKERS, max(1, int(raw)))
        except ValueError:
            _LOG.warning("SALESOPS_WORKERS must be a whole number of jobs, got %r: using the CPU count", raw)
    return min(MAX_WORKERS, max(1, os.cpu_count() or 1))


class _Slots:
    """A count of running jobs that lets at most :func:`workers` run at once; the rest wait their turn."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.running = 0

    def acquire(self, deadline: float, queued: Callable[[], Any] | None) -> bool:
        """Take a slot before ``deadline`` (``time.monotonic``); ``queued()`` once if the job must wait."""
        with self._cond:
            if self.running < workers():
                self.running += 1
                return True
        if queued is not None:  # outside the lock: the caller may draw on its page
            queued()
        with self._cond:
            while self.running >= workers():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.5))
            self.running += 1
            return True

    def release(self) -> None:
        with self._cond:
            self.running -= 1
            self._cond.notify()


_SLOTS = _Slots()


def busy() -> tuple[int, int]:
    """(heavy jobs running now, how many may run at once).

    >>> running, limit = busy()
    >>> 0 <= running <= limit
    True
    """
    return _SLOTS.running, workers()


class _Reporter:
    """The ``progress`` a job calls in the child: sends rising fractions to the parent, at most every 50 ms."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.last, self.sent_at = conn, 0.0, 0.0

    def __call__(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        now = time.monotonic()
        if fraction <= self.last or (fraction < 1.0 and now - self.sent_at < PROGRESS_EVERY):
            return
        self.last, self.sent_at = fraction, now
        self.conn.send_bytes(pickle.dumps(("progress", fraction)))


def _child(conn, fn: Callable[..., Any], args: tuple, kwargs: dict, memory_mb: int, report: bool) -> None:
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            os.nice(WORKER_NICENESS)
        except OSError:  # a platform or sandbox that refuses: the work still runs, at normal priority
            _LOG.debug("could not lower the worker's CPU priority")
        if report:
            kwargs = {**kwargs, "progress": _Reporter(conn)}
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
    fn: Callable[..., Any],
    *args: Any,
    seconds: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: Callable[[float], Any] | None = None,
    queued: Callable[[], Any] | None = None,
    **kwargs: Any,
) -> Any:
    """``fn(*args, **kwargs)`` in a child process with a time and memory budget, in turn with other jobs.

    ``fn`` and its arguments must be picklable (a module-level function). At most :func:`workers`
    jobs run at once; a job waits for a slot within its ``seconds`` (``queued()`` is called once when
    it has to wait). With ``progress``, ``fn`` gets a ``progress`` keyword to call with the fraction
    done, and ``progress`` is called here, in the caller's thread, with each fraction as it arrives.

    Raises
    ------
    BudgetExceeded
        After ``seconds`` (the child is killed), counted from the call (a wait for a slot included),
        or when the child runs out of its ``memory_mb`` of address space.
    Exception
        Whatever ``fn`` raised, re-raised in the caller.
    """
    started = time.monotonic()
    deadline = started + seconds
    if not _SLOTS.acquire(deadline, queued):
        raise BudgetExceeded(
            f"stopped after {seconds:g} s: every worker was busy the whole time ({workers()} jobs at once)"
        )
    try:
        waited = time.monotonic() - started
        status, payload = _run_child(fn, args, kwargs, memory_mb, deadline, progress)
    finally:
        _SLOTS.release()
    _LOG.debug(
        "worker %s ran %.3f s after %.3f s in the queue",
        getattr(fn, "__name__", fn),
        time.monotonic() - started - waited,
        waited,
    )
    if status == "time":
        queue = f" (of which {waited:.0f} s waiting for a free worker)" if waited >= 0.5 else ""
        raise BudgetExceeded(f"stopped after {seconds:g} s{queue}: the work took longer than its time budget")
    if status == "memory":
        raise BudgetExceeded(f"stopped: the work ran out of its {memory_mb:,} MB memory budget")
    if status == "error":
        raise payload
    if progress is not None:
        progress(1.0)
    return payload


def _run_child(
    fn: Callable[..., Any],
    args: tuple,
    kwargs: dict,
    memory_mb: int,
    deadline: float,
    progress: Callable[[float], Any] | None,
) -> tuple[str, Any]:
    """Start the child, pass its progress on, and return its (status, payload); kill it past ``deadline``."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, memory_mb, progress is not None), daemon=True)
    proc.start()
    child.close()
    try:
        while True:
            if not parent.poll(max(0.0, deadline - time.monotonic())):
                return "time", None
            try:
                status, payload = pickle.loads(parent.recv_bytes())
            except EOFError:  # the child died without a word: killed by the kernel or out of memory
                return "memory", None
            if status != "progress":
                return status, payload
            if progress is not None and payload < 1.0:
                progress(payload)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        parent.close()


def work_units(regions: int, roles: int) -> int:
    """A rough count of queue evaluations for the one-role what-ifs of a scenario."""
    return 2 * roles * roles * (regions + 1)


def needs_worker(regions: int, roles: int) -> bool:
    """True when the what-ifs of such a scenario are big enough to move out of the app process.

    The threshold can be lowered with ``SALESOPS_WORKER_UNITS`` (tests use it).
    """
    threshold = int(os.environ.get("SALESOPS_WORKER_UNITS", WORK_UNITS_IN_PROCESS))
    return work_units(regions, roles) > threshold
