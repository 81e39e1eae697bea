"""Saved scenarios: immutable versions, branches and drafts in a SQL database.

A :class:`Store` keeps every saved scenario as a numbered, immutable *version*
(1, 2, 3, ... with no gaps) and never overwrites one. Saving is optimistic: the
caller names the version its edit started from (``base_version``), and the
save succeeds only if that is still the latest; otherwise
:class:`VersionConflict` says who got there first, and nothing is written.
A *branch* is a new scenario whose first version records the version it came
from. A *draft* is the auto-saved working copy of a browser session: one
mutable row per draft id, overwritten on every edit, never a version.

The database is SQLite by default (one file next to the app) or PostgreSQL when
hosted; both go through SQLAlchemy Core with bound parameters only. The schema
is created on first use and upgraded step by step when an older version is
found (``meta.schema_version``; version 2 added workspaces, members, share
links and an audit trail, used through :mod:`salesops.store.access`, and the owner
columns of scenarios, versions and drafts). SQLite runs in WAL mode with a busy timeout,
write transactions start with ``BEGIN IMMEDIATE``, and a transient "database is
locked" / serialization / deadlock error is retried a few times with jittered
backoff, so several app servers can share one database file or server.

Failures are plain :class:`StoreError` messages, never SQL or a full path
(the detail stays on the exception's ``__cause__`` for the server log), and a
save is acknowledged only once its transaction committed to the database the
store opened: a SQLite store remembers its file (device and inode) and refuses
to read or write once the file was removed or replaced, rather than writing
into a deleted file. A read-only SQLite database (file or folder not writable,
or a ``mode=ro`` URL) opens for reading; writes raise :class:`ReadOnlyStore`.
A PostgreSQL server that cannot be reached raises :class:`StoreUnavailable`
within the connect timeout, and the next call after it is back works again.

The Store is put together from parts by concern: :mod:`~salesops.store.faults`
(transactions, retries, the file and read-only guards), :mod:`~salesops.store.schema`
(tables, creation, upgrades), :mod:`~salesops.store.versions` (saving and reading)
and :mod:`~salesops.store.drafts`; :mod:`~salesops.store.engine` makes its engines.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> store = Store("sqlite://")                       # in memory, for the example
>>> first = store.create(load_sample("startup"), note="as shipped")
>>> first.version, first.reps, len(first.scenario_id) >= 16
(1, 25, True)
>>> edited = load_sample("startup").with_placement("all", "localized")
>>> store.save(first.scenario_id, edited, base_version=1).version
2
>>> store.save(first.scenario_id, edited, base_version=1)
Traceback (most recent call last):
...
salesops.store.VersionConflict: scenario '...' was saved by someone else since version 1:
the latest is version 2 (...); nothing was overwritten
>>> store.load(first.scenario_id).scenario == edited
True
>>> [v.version for v in store.history(first.scenario_id)]
[2, 1]
"""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from salesops.store.drafts import _Drafts
from salesops.store.engine import (
    _make_engine,
    _prepare_engine,
    _safe_url,
    _sqlite_file,
    _url_read_only,
    _where,
    database_url,
)
from salesops.store.errors import StoreError
from salesops.store.faults import FILE_GONE
from salesops.store.schema import _Schema
from salesops.store.versions import _Reading, _Saving


class Store(_Schema, _Saving, _Reading, _Drafts):
    """Saved scenarios, their versions and drafts in one SQL database.

    Parameters
    ----------
    engine : sqlalchemy.Engine or str
        An engine (the app passes ``st.connection("sql").engine``) or a URL
        such as ``sqlite:///salesops.db`` or
        ``postgresql+psycopg://user:password@host/db``. The schema is created,
        or upgraded, on first use. For SQLite the engine gets WAL mode, a 30 s
        busy timeout, foreign keys and explicit BEGIN through connect and
        begin event listeners (installed once per engine).

    Raises
    ------
    StoreError
        If the URL is invalid, the database cannot be reached, or its schema
        is newer than this code (the message names the database and the versions).

    Notes
    -----
    A Store holds no state besides its engine and, for a SQLite file, the
    identity of that file, so one instance may be shared by every thread (and
    session) of an app server; several servers (or processes) may share one
    database. ``sqlite://`` (in memory) is one connection for examples and
    tests, not for concurrent use.

    Every failure is a :class:`StoreError` with a short message naming the
    database (a SQLite file by its name only, a server by its URL without the
    password) and what went wrong, without SQL; the driver's exception is its
    ``__cause__``. In particular:

    - a SQLite file removed or replaced since the Store opened it: every later
      call raises StoreError ("... removed or replaced while the app was
      running; nothing was saved"), checked before each call and again after
      each commit, so no save into a deleted file is ever acknowledged;
    - a read-only SQLite database (file or folder not writable by this
      process, or a ``mode=ro`` / ``immutable=1`` URL): :attr:`read_only`
      says why, reads work (through a ``mode=ro`` connection) and writes
      raise :class:`ReadOnlyStore`; this is checked on every call, so making
      the folder writable again turns saving back on;
    - a full disk: StoreError "... the database or disk is full";
    - a PostgreSQL server that is down: :class:`StoreUnavailable` ("the
      database server cannot be reached") within the connect timeout; pooled
      connections broken by a restart are replaced, so the next call after
      the server is back works.
    """

    def __init__(self, engine: Engine | str) -> None:
        owned = not isinstance(engine, Engine)
        self.engine = _make_engine(engine) if owned else engine  # type: ignore[arg-type]
        self._url = _safe_url(self.engine.url)
        self._where = _where(self.engine.url)
        self._file = _sqlite_file(self.engine.url)
        self._url_read_only = _url_read_only(self.engine.url)
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the SQLite file once open
        self._read_only_reason: str | None = None
        self._read_engine: Engine | None = None
        self._lock = threading.Lock()
        try:
            _prepare_engine(self.engine)
            self._check_orphaned_log()
            self._read_only_reason = self._probe_read_only()
            self._init_schema()
            if self._file is not None:
                self._identity = self._file_identity()
                if self._identity is None:
                    raise StoreError(f"cannot open the scenario store in {self._where}: {FILE_GONE}")
        except BaseException:
            if owned:  # an engine made here must not outlive the failed Store
                self.engine.dispose()
            self._dispose_read_engine()
            raise

    @classmethod
    def from_url(cls, url: str | None = None) -> "Store":
        """A Store on :func:`database_url` ``(url)``."""
        return cls(database_url(url))

    def __repr__(self) -> str:
        return f"Store({self._url!r})"

    @property
    def read_only(self) -> bool:
        """True when nothing can be saved here (see :attr:`read_only_reason`); checked afresh."""
        return self.read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the database is read-only ("the database folder is not writable", ...), or None."""
        self._read_only_reason = self._probe_read_only()
        return self._read_only_reason

    def dispose(self) -> None:
        """Close the pooled connections (of an engine given to the Store too)."""
        self._dispose_read_engine()
        self.engine.dispose()
