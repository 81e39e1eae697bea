"""URLs and engines: which database, the engine for it, and the per-connection settings.

SQLite connections get a busy timeout, WAL mode, foreign keys and an explicit ``BEGIN``
(``BEGIN IMMEDIATE`` for writes); a read-only SQLite file gets a ``mode=ro`` engine of its own;
PostgreSQL connections get a connect timeout. Also the helpers that name a database in messages
(never with its password, a SQLite file by its name only) and find a SQLite URL's file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from salesops.store.errors import StoreError

DEFAULT_URL = "sqlite:///salesops.db"
ENV_URL = "SALESOPS_DATABASE_URL"

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10


def database_url(explicit: str | None = None) -> str:
    """The database URL to use: ``explicit``, else ``$SALESOPS_DATABASE_URL``, else the default.

    Parameters
    ----------
    explicit : str, optional
        A SQLAlchemy URL given on the command line or by the app; blank counts as none.

    Returns
    -------
    str
        The URL (``sqlite:///salesops.db``, a file in the working directory, by default).

    Examples
    --------
    >>> database_url("sqlite:///scenarios.db")
    'sqlite:///scenarios.db'
    """
    if explicit is not None and explicit.strip():
        return explicit.strip()
    env = os.environ.get(ENV_URL, "").strip()
    return env or DEFAULT_URL


def _safe_url(url: Any) -> str:
    """The URL with its password masked, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # unparseable: mask whatever precedes an '@'
        text = str(url)
        if "@" not in text:
            return repr(text)
        head, _, tail = text.rpartition("@")
        scheme = head.split("://", 1)[0] + "://" if "://" in head else ""
        return repr(f"{scheme}***@{tail}")


def _sqlite_file(url: sa.engine.URL) -> str | None:
    """The absolute path of a SQLite URL's database file; None for in-memory and other databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    query = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in url.query.items()}
    if str(query.get("uri", "")).lower() in ("true", "1"):
        if database.startswith("file:"):
            database = urllib.parse.unquote(database[len("file:") :].split("?", 1)[0])
            if database.startswith("//"):  # file://host/path: only the local host is allowed
                database = "/" + database[2:].split("/", 1)[-1]
        if query.get("mode") == "memory":
            return None
    if database in ("", ":memory:"):
        return None
    return os.path.abspath(database)


def _url_read_only(url: sa.engine.URL) -> bool:
    """True for a SQLite URI opened ``mode=ro`` or ``immutable=1``."""
    if url.get_backend_name() != "sqlite":
        return False
    query = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in url.query.items()}
    return query.get("mode") == "ro" or str(query.get("immutable", "")).lower() in ("1", "true")


def _where(url: sa.engine.URL) -> str:
    """Where the data is, for messages: a SQLite file's name only, else the URL without its password."""
    if url.get_backend_name() == "sqlite":
        path = _sqlite_file(url)
        return "an in-memory database" if path is None else os.path.basename(path)
    return _safe_url(url)


def _writable(path: str, *, folder: bool = False) -> bool:
    """Whether this process may write ``path`` (with its effective ids; False on a read-only mount)."""
    mode = os.W_OK | (os.X_OK if folder else 0)
    effective = os.access in os.supports_effective_ids
    try:
        return os.access(path, mode, effective_ids=effective)
    except OSError:
        return False


def _make_engine(url: str) -> Engine:
    """An engine for ``url``; ``postgres://`` and ``postgresql://`` use psycopg 3."""
    if not isinstance(url, str) or not url.strip():
        raise StoreError(f"database URL must be a non-blank string, got {url!r}")
    try:
        parsed = sa.engine.make_url(url.strip())
    except (SQLAlchemyError, ValueError) as exc:
        raise StoreError(f"invalid database URL {_safe_url(url)}: {exc}") from None
    options: dict[str, Any] = {}
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        # One in-memory database shared by every thread, not one per thread.
        options["poolclass"] = sa.pool.StaticPool
        options["connect_args"] = {"check_same_thread": False}
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
        if "connect_timeout" not in parsed.query:
            options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    try:
        return sa.create_engine(parsed, **options)
    except (SQLAlchemyError, ImportError, ValueError, TypeError) as exc:
        raise StoreError(f"cannot use database URL {_safe_url(parsed)}: {exc}") from None


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Per SQLite connection: wait for locks, WAL, foreign keys, our own BEGIN."""
    # Take transaction control away from the sqlite3 module (it would not BEGIN
    # before a SELECT); _sqlite_begin emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
        cursor.execute("PRAGMA journal_mode = WAL")  # persistent; 'memory' for :memory:
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_connect_read_only(dbapi_connection: Any, connection_record: Any) -> None:
    """Per read-only SQLite connection: wait for locks, refuse writes, our own BEGIN (no WAL switch)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
        cursor.execute("PRAGMA query_only = ON")
    finally:
        cursor.close()


def _make_read_engine(path: str) -> Engine:
    """An engine that opens the SQLite file ``path`` read-only (``mode=ro``).

    SQLite reads a WAL database only where it can find or create the ``-wal``
    and ``-shm`` files next to it; in a read-only folder without them (a clean
    shutdown removes them, so every change is in the main file) the file is
    opened ``immutable=1``, decided afresh for every connection. No pooling:
    nothing is held open between reads.
    """
    folder = os.path.dirname(path) or "."
    base = f"file:{urllib.parse.quote(path)}?mode=ro"

    def connect() -> sqlite3.Connection:
        immutable = not _writable(folder, folder=True) and not os.path.exists(path + "-wal")
        return sqlite3.connect(base + ("&immutable=1" if immutable else ""), uri=True, check_same_thread=False)

    engine = sa.create_engine(
        sa.engine.URL.create("sqlite", database=path), creator=connect, poolclass=sa.pool.NullPool
    )
    event.listen(engine, "connect", _sqlite_connect_read_only)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _pg_connect(dialect: Any, connection_record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
    """Per new PostgreSQL connection: a connect timeout unless the URL sets one."""
    cparams.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT_S)


def _sqlite_begin(conn: Connection) -> None:
    """Emit BEGIN; write transactions take the write lock at once (BEGIN IMMEDIATE).

    Taking it up front means a read-then-write transaction never fails to
    upgrade its lock (SQLITE_BUSY, which no busy timeout can cure): it waits
    for the lock instead, before it has read anything.
    """
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("salesops_write") else "BEGIN")


_PREPARE_LOCK = threading.Lock()  # two sessions opening a Store on one engine at once


def _prepare_engine(engine: Engine) -> None:
    """Install the SQLite connection settings (a PostgreSQL connect timeout) on ``engine`` once."""
    if engine.dialect.name == "postgresql":  # an engine made elsewhere (st.connection) may have none
        with _PREPARE_LOCK:
            if not event.contains(engine, "do_connect", _pg_connect):
                event.listen(engine, "do_connect", _pg_connect)
        return
    if engine.dialect.name != "sqlite":
        return
    with _PREPARE_LOCK:  # a second "begin" listener would emit BEGIN twice
        added = False
        if not event.contains(engine, "connect", _sqlite_connect):
            event.listen(engine, "connect", _sqlite_connect)
            added = True
        if not event.contains(engine, "begin", _sqlite_begin):
            event.listen(engine, "begin", _sqlite_begin)
            added = True
    if added:
        # Connections pooled before the listeners were installed lack the pragmas:
        # start a fresh pool (connections checked out elsewhere are left alone).
        engine.dispose()
