"""Database failures: plain reasons for errors, retries with backoff, the SQLite file and read-only guards.

A transient error (a lock, a serialization failure, a deadlock, a dropped
connection) is retried a few times with jittered backoff; anything else, and a
transient error that outlasts the retries, becomes a :class:`StoreError` (or
:class:`ReadOnlyStore`, :class:`StoreUnavailable`) naming the database and what
went wrong, never SQL. :class:`_Transactions` is the part of the Store that
runs every call through these guards.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from salesops.store.engine import _make_read_engine, _writable
from salesops.store.errors import ReadOnlyStore, StoreError, StoreUnavailable

MAX_ATTEMPTS = 6  # tries of one transaction that hits a transient error
RETRY_BASE_DELAY_S = 0.01  # first backoff; doubles each retry, jittered
RETRY_MAX_DELAY_S = 0.5
_PG_TRANSIENT = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
# connection gone: admin/crash shutdown, "the database system is starting up / shutting down"
_PG_GONE = {"57P01", "57P02", "57P03"}
FILE_GONE = "the database file was removed or replaced while the app was running"
NOTHING_SAVED = "nothing was saved"

_T = TypeVar("_T")


def _is_busy(exc: BaseException) -> bool:
    """True for a lock, serialization or deadlock error: another writer was in the way."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError):
        name = getattr(orig, "sqlite_errorname", "") or ""
        text = str(orig).lower()
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text
    return getattr(orig, "sqlstate", None) in _PG_TRANSIENT


def _is_disconnect(exc: BaseException) -> bool:
    """True when the database server cannot be reached, or dropped the connection."""
    if getattr(exc, "connection_invalidated", False):
        return True
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate.startswith("08") or sqlstate in _PG_GONE:
        return True
    # psycopg raises a plain OperationalError, without a SQLSTATE, when it cannot connect
    return not sqlstate and any(
        c.__name__ == "OperationalError" and c.__module__.startswith("psycopg") for c in type(orig).__mro__
    )


def _is_transient(exc: DBAPIError) -> bool:
    """True for an error that a retry of the whole transaction can cure."""
    return _is_disconnect(exc) or _is_busy(exc)


def _describe(exc: BaseException) -> tuple[type[StoreError], str]:
    """The StoreError class and a short plain reason for a database error (no SQL, no paths)."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        name = getattr(orig, "sqlite_errorname", "") or ""
        text = str(orig).lower()
        if name == "SQLITE_READONLY_DBMOVED":
            return StoreError, FILE_GONE
        if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
            return StoreError, "the database or disk is full"
        if name.startswith("SQLITE_READONLY") or "readonly database" in text or "read-only" in text:
            return ReadOnlyStore, "the database is read-only (attempt to write a readonly database)"
        if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
            return StoreError, "the database file cannot be opened (unable to open database file)"
        if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
            return StoreError, "the disk reported an error (disk I/O error)"
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
            return StoreError, "the database file is damaged or is not a database"
    if isinstance(exc, sa.exc.TimeoutError):  # the connection pool is exhausted
        return StoreError, "the database is busy (no free connection); try again"
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if _is_disconnect(exc):
        return StoreUnavailable, "the database server cannot be reached"
    if sqlstate == "25006":
        return ReadOnlyStore, "the database is read-only (read-only transaction)"
    if sqlstate == "53100":
        return StoreError, "the database server's disk is full"
    if sqlstate.startswith("53"):
        return StoreError, "the database server is out of resources; try again later"
    return StoreError, _first_line(exc)


def _backoff(attempt: int) -> float:
    delay = min(RETRY_MAX_DELAY_S, RETRY_BASE_DELAY_S * 2**attempt)
    return delay * (0.5 + random.random())  # jitter: retrying writers do not march in step


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return " ".join(text.splitlines()[0].split()) if text else type(exc).__name__


class _Transactions:
    """The part of :class:`~salesops.store.Store` that runs its transactions.

    Guards the SQLite file (still the one opened? read-only now?), picks the
    engine of a call, begins transactions, retries transient errors and turns
    database errors into plain :class:`StoreError` messages. The attributes are
    set by ``Store.__init__``.
    """

    engine: Engine
    _where: str
    _file: str | None
    _url_read_only: bool
    _identity: tuple[int, int] | None
    _read_only_reason: str | None
    _read_engine: Engine | None
    _lock: threading.Lock

    # ----- the database file ----------------------------------------------
    def _probe_read_only(self) -> str | None:
        if self._url_read_only:
            return "the database URL opens it read-only"
        if self._file is None:
            return None
        if os.path.exists(self._file) and not _writable(self._file):
            return "the database file is not writable"
        if not _writable(os.path.dirname(self._file) or ".", folder=True):
            return "the database folder is not writable"
        return None

    def _check_orphaned_log(self) -> None:
        """Refuse a missing SQLite file whose write-ahead log is still there.

        That log belongs to a file deleted while an app was using it; SQLite
        would apply it to a new, empty file and make a damaged database.
        """
        if self._file is None or os.path.exists(self._file):
            return
        log = self._file + "-wal"
        try:
            orphaned = os.path.getsize(log) > 0
        except OSError:
            return
        if orphaned:
            name = os.path.basename(self._file)
            raise StoreError(
                f"cannot open the scenario store in {name}: the file is missing but its write-ahead log "
                f"({name}-wal) is still there, so it was deleted while an app was using it; restore "
                f"{name}, or move {name}-wal and {name}-shm away to start an empty database"
            )

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self._file)  # type: ignore[arg-type]
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def _check_file(self, what: str, write: bool) -> None:
        """Refuse when the SQLite file is not the one this Store opened (before any connection to it)."""
        if self._identity is None:
            return
        if self._file_identity() != self._identity:
            reason = FILE_GONE + (f"; {NOTHING_SAVED}" if write else "")
            raise StoreError(f"{what} in {self._where}: {reason}", reason=reason)

    def _dispose_read_engine(self) -> None:
        engine, self._read_engine = getattr(self, "_read_engine", None), None
        if engine is not None:
            engine.dispose()

    def _engine_for(self, write: bool) -> Engine:
        """The engine of this call: a read-only one for reads from a read-only SQLite database."""
        if write or self._read_only_reason is None or self._file is None:
            return self.engine
        with self._lock:
            if self._read_engine is None:
                self._read_engine = _make_read_engine(self._file)
            return self._read_engine

    # ----- transactions ---------------------------------------------------
    @contextmanager
    def _begin(self, write: bool) -> Iterator[Connection]:
        with self._engine_for(write).connect() as conn:
            if write:
                conn.execution_options(salesops_write=True)
            with conn.begin():
                yield conn

    def _error(self, exc: BaseException, what: str, write: bool) -> StoreError:
        kind, reason = _describe(exc)
        if _is_busy(exc):
            kind, reason = (
                StoreError,
                (f"other writers kept the database busy through {MAX_ATTEMPTS} attempts; try again"),
            )
        if kind is ReadOnlyStore and self._file is not None:
            reason = f"the database is read-only ({self._probe_read_only() or 'the file system refused the write'})"
        if write:  # the transaction was rolled back, unless the connection died during the commit
            reason += "; the save was not confirmed" if kind is StoreUnavailable else f"; {NOTHING_SAVED}"
        return kind(f"{what} in {self._where}: {reason}", reason=reason)

    def _run(self, work: Callable[[Connection], _T], *, write: bool, what: str) -> _T:
        """Run ``work`` in one transaction, retrying transient errors with backoff.

        For a SQLite file, the file must still be the one this Store opened,
        before the call and (for a write) again after the commit, and writes
        are refused at once while the database is read-only.
        """
        self._check_file(what, write)
        self._read_only_reason = self._probe_read_only()
        if write and self._read_only_reason is not None:
            reason = f"the database is read-only ({self._read_only_reason}); {NOTHING_SAVED}"
            raise ReadOnlyStore(f"{what} in {self._where}: {reason}", reason=reason)
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self._begin(write) as conn:
                    result = work(conn)
            except DBAPIError as exc:
                if _is_transient(exc) and attempt < MAX_ATTEMPTS - 1:
                    time.sleep(_backoff(attempt))
                    continue
                raise self._error(exc, what, write) from exc
            except (SQLAlchemyError, sqlite3.Error) as exc:
                raise self._error(exc, what, write) from exc
            if write:  # committed: but into the file that is still there?
                self._check_file(what, write)
            return result
        raise AssertionError("unreachable")  # pragma: no cover
