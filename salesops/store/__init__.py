"""Persistence: saved versions, drafts (``salesops.store``), workspaces, links and audit (``.access``).

May import :mod:`salesops.model` only.

Saved scenarios: immutable versions, branches and drafts in a SQL database.

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
salesops.store.VersionConflict: scenario '...' was saved by someone else since version 1: the latest is version 2 (...); nothing was overwritten
>>> store.load(first.scenario_id).scenario == edited
True
>>> [v.version for v in store.history(first.scenario_id)]
[2, 1]
"""

from __future__ import annotations

import os
import random
import re
import secrets
import sqlite3
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, TypeVar

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from salesops.model.scenario import Scenario, ScenarioError

__all__ = [
    "DEFAULT_URL",
    "ENV_URL",
    "SCHEMA_VERSION",
    "Draft",
    "ReadOnlyStore",
    "SavedVersion",
    "ScenarioInfo",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnknownScenario",
    "VersionConflict",
    "VersionInfo",
    "database_url",
]

SCHEMA_VERSION = 2
DEFAULT_URL = "sqlite:///salesops.db"
ENV_URL = "SALESOPS_DATABASE_URL"

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10
MAX_ATTEMPTS = 6            # tries of one transaction that hits a transient error
RETRY_BASE_DELAY_S = 0.01   # first backoff; doubles each retry, jittered
RETRY_MAX_DELAY_S = 0.5
ID_BYTES = 12               # secrets.token_urlsafe(12): 16 characters, 96 random bits
MAX_ID_CHARS = 64
MAX_EMAIL_CHARS = 254
MAX_LIST = 10_000
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ADVISORY_LOCK_KEY = 0x5A1E5_0B5  # serializes schema creation on PostgreSQL
_PG_TRANSIENT = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
# connection gone: admin/crash shutdown, "the database system is starting up / shutting down"
_PG_GONE = {"57P01", "57P02", "57P03"}
FILE_GONE = "the database file was removed or replaced while the app was running"
NOTHING_SAVED = "nothing was saved"

_T = TypeVar("_T")


# --------------------------------------------------------------------------
# Errors and values
# --------------------------------------------------------------------------
class StoreError(Exception):
    """The database cannot be opened or used; the message names the database or value.

    Attributes
    ----------
    reason : str
        What went wrong in plain words, without the operation or the database
        ("the database or disk is full; nothing was saved"), for people;
        the whole message otherwise.
    """

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class ReadOnlyStore(StoreError):
    """The database is read-only (file, folder or URL): it can be read, nothing can be saved."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached (stopped, restarting or unreachable)."""


class UnknownScenario(StoreError):
    """No saved scenario (or no such version of it) has this id; the message names it."""


class VersionConflict(StoreError):
    """Someone saved the scenario since the caller's base version.

    Attributes
    ----------
    latest : VersionInfo
        The latest saved version, to reload and reapply the edit on.
    """

    def __init__(self, message: str, latest: "VersionInfo") -> None:
        super().__init__(message)
        self.latest = latest


@dataclass(frozen=True)
class VersionInfo:
    """One saved, immutable version of a scenario (without its body).

    Parameters
    ----------
    scenario_id : str
    version : int
        1 for the first save, then 2, 3, ... without gaps.
    name : str
        The scenario's name at this version.
    note : str
        What the person saving said about it.
    created_at : datetime
        When it was saved (UTC, time-zone aware).
    parent_scenario_id, parent_version : str or None, int or None
        The version a branch started from (on its version 1 only).
    reps, roles : int
        Total reps and number of sales-ops roles, for listings.
    saved_by : str or None
        The e-mail of who saved it (saves through :mod:`salesops.store.access`);
        None for local-mode saves.
    """

    scenario_id: str
    version: int
    name: str
    note: str
    created_at: datetime
    parent_scenario_id: str | None
    parent_version: int | None
    reps: int
    roles: int
    saved_by: str | None = None


@dataclass(frozen=True)
class SavedVersion:
    """A saved version and its scenario."""

    info: VersionInfo
    scenario: Scenario


@dataclass(frozen=True)
class ScenarioInfo:
    """A saved scenario as listed: its latest name and version.

    Parameters
    ----------
    scenario_id, name : str
    latest_version, versions : int
        Versions are numbered 1..latest without gaps, so the two agree.
    created_at, updated_at : datetime
        First and latest save (UTC, time-zone aware).
    workspace_id, owner : str or None
        The workspace it belongs to and the e-mail of who created it; None
        for a local-mode scenario.
    """

    scenario_id: str
    name: str
    latest_version: int
    versions: int
    created_at: datetime
    updated_at: datetime
    workspace_id: str | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Draft:
    """The auto-saved working copy of a browser session.

    Parameters
    ----------
    draft_id : str
    scenario : Scenario
    base_scenario_id, base_version : str or None, int or None
        The saved version the draft started from, if any.
    updated_at : datetime
        Last write (UTC, time-zone aware).
    writer, writer_seen_at : str or None, datetime or None
        Who holds the working copy (see :meth:`salesops.store.access.Access.claim_draft`)
        and when that writer was last seen; None when nobody claimed it.
    """

    draft_id: str
    scenario: Scenario
    base_scenario_id: str | None
    base_version: int | None
    updated_at: datetime
    writer: str | None = None
    writer_seen_at: datetime | None = None


# --------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------
class _UTCDateTime(sa.types.TypeDecorator):
    """A UTC timestamp that always reads back time-zone aware.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the naive
    UTC value is stored and UTC is attached again on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError(f"timestamps must be time-zone aware, got {value!r}")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


_METADATA = sa.MetaData()

_META = sa.Table(
    "meta", _METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

_SCENARIOS = sa.Table(
    "scenarios", _METADATA,
    sa.Column("id", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("updated_at", _UTCDateTime, nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False),
    # schema 2: NULL workspace = a local-mode scenario (every row made by schema 1)
    sa.Column("workspace_id", sa.String(MAX_ID_CHARS), sa.ForeignKey("workspaces.workspace_id"), nullable=True),
    sa.Column("owner", sa.String(MAX_EMAIL_CHARS), nullable=True),
    sa.Index("ix_scenarios_updated_at", "updated_at"),
    sa.Index("ix_scenarios_workspace", "workspace_id", "updated_at"),
)

_VERSIONS = sa.Table(
    "versions", _METADATA,
    sa.Column("scenario_id", sa.String(MAX_ID_CHARS), sa.ForeignKey("scenarios.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("parent_scenario_id", sa.String(MAX_ID_CHARS), nullable=True),
    sa.Column("parent_version", sa.Integer, nullable=True),
    sa.Column("reps", sa.BigInteger, nullable=False),
    sa.Column("roles", sa.Integer, nullable=False),
    sa.Column("saved_by", sa.String(MAX_EMAIL_CHARS), nullable=True),  # schema 2
    sa.ForeignKeyConstraint(["parent_scenario_id", "parent_version"],
                            ["versions.scenario_id", "versions.version"], name="fk_versions_parent"),
)

_DRAFTS = sa.Table(
    "drafts", _METADATA,
    sa.Column("id", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    # No foreign key: a draft must always auto-save, whatever it claims to be based on.
    sa.Column("base_scenario_id", sa.String(MAX_ID_CHARS), nullable=True),
    sa.Column("base_version", sa.Integer, nullable=True),
    sa.Column("updated_at", _UTCDateTime, nullable=False),
    # schema 2: the one live editor of the working copy (a browser tab), and when it was last seen
    sa.Column("writer", sa.String(MAX_ID_CHARS * 2), nullable=True),
    sa.Column("writer_seen_at", _UTCDateTime, nullable=True),
)

# ----- schema 2: workspaces, members, share links, audit (salesops.store.access) -----
_WORKSPACES = sa.Table(
    "workspaces", _METADATA,
    sa.Column("workspace_id", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(MAX_EMAIL_CHARS), nullable=False),
)

_MEMBERS = sa.Table(
    "members", _METADATA,
    sa.Column("workspace_id", sa.String(MAX_ID_CHARS), sa.ForeignKey("workspaces.workspace_id"),
              primary_key=True),
    sa.Column("email", sa.String(MAX_EMAIL_CHARS), primary_key=True),  # lower-cased
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("added_at", _UTCDateTime, nullable=False),
    sa.Column("added_by", sa.String(MAX_EMAIL_CHARS), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="ck_members_role"),
    sa.Index("ix_members_email", "email"),
)

_LINKS = sa.Table(
    "links", _METADATA,
    sa.Column("token", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("scenario_id", sa.String(MAX_ID_CHARS), sa.ForeignKey("scenarios.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=True),  # NULL: the latest version of the scenario
    sa.Column("created_by", sa.String(MAX_EMAIL_CHARS), nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("expires_at", _UTCDateTime, nullable=True),
    sa.Column("revoked_at", _UTCDateTime, nullable=True),
    sa.Column("revoked_by", sa.String(MAX_EMAIL_CHARS), nullable=True),
    sa.Column("include_people", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_links_scenario", "scenario_id"),
)

_AUDIT = sa.Table(
    "audit", _METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", _UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(MAX_EMAIL_CHARS), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(MAX_ID_CHARS), nullable=True),
    sa.Column("scenario_id", sa.String(MAX_ID_CHARS), nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Index("ix_audit_workspace_at", "workspace_id", "at"),
)

_TABLES = ("meta", "scenarios", "versions", "drafts", "workspaces", "members", "links", "audit")
_INFO_COLUMNS = [c for c in _VERSIONS.c if c.name != "body"]

# Columns schema 2 added to tables of schema 1 (nullable, so every older row stays valid).
_ADDED_IN_2: tuple[tuple[sa.Table, str], ...] = (
    (_SCENARIOS, "workspace_id"), (_SCENARIOS, "owner"), (_VERSIONS, "saved_by"),
    (_DRAFTS, "writer"), (_DRAFTS, "writer_seen_at"),
)


def _upgrade_1_to_2(conn: Connection) -> None:
    """Schema 1 -> 2: the workspace tables, then the new nullable columns and their index.

    Runs inside the transaction that records version 2 (PostgreSQL and SQLite
    both roll DDL back with it) and skips whatever is already there, so a
    repeated or interrupted upgrade is harmless. Rows of schema 1 get NULLs:
    local-mode scenarios with no owner.
    """
    for table in (_WORKSPACES, _MEMBERS, _LINKS, _AUDIT):
        table.create(conn, checkfirst=True)
    inspector = sa.inspect(conn)
    preparer = conn.dialect.identifier_preparer
    for table, name in _ADDED_IN_2:
        if name in {c["name"] for c in inspector.get_columns(table.name)}:
            continue
        column = table.c[name]
        spec = f"{preparer.quote(name)} {column.type.compile(dialect=conn.dialect)}"
        for fk in column.foreign_keys:
            spec += (f" REFERENCES {preparer.quote(fk.column.table.name)} "
                     f"({preparer.quote(fk.column.name)})")
        conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {spec}")
    if "ix_scenarios_workspace" not in {i["name"] for i in sa.inspect(conn).get_indexes("scenarios")}:
        next(i for i in _SCENARIOS.indexes if i.name == "ix_scenarios_workspace").create(conn)


# _UPGRADES[i] takes a database from schema version i + 1 to i + 2, inside the
# transaction that records the new version.
_UPGRADES: list[Callable[[Connection], None]] = [_upgrade_1_to_2]


# --------------------------------------------------------------------------
# URLs and engines
# --------------------------------------------------------------------------
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
            database = urllib.parse.unquote(database[len("file:"):].split("?", 1)[0])
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

    engine = sa.create_engine(sa.engine.URL.create("sqlite", database=path), creator=connect,
                              poolclass=sa.pool.NullPool)
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
    return not sqlstate and any(c.__name__ == "OperationalError" and c.__module__.startswith("psycopg")
                                for c in type(orig).__mro__)


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
    delay = min(RETRY_MAX_DELAY_S, RETRY_BASE_DELAY_S * 2 ** attempt)
    return delay * (0.5 + random.random())  # jitter: retrying writers do not march in step


def _new_id() -> str:
    """An unguessable URL-safe id (16 characters of ``secrets.token_urlsafe(12)``).

    An id never starts with ``-``, so it can be typed as a command-line argument
    (``scenarios show ID``) without being taken for an option; redrawing those
    ids costs less than 0.03 of the 96 random bits.
    """
    while True:
        token = secrets.token_urlsafe(ID_BYTES)
        if not token.startswith("-"):
            return token


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _show(value: Any) -> str:
    """``repr`` of a caller's value, cut short if it is long."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return " ".join(text.splitlines()[0].split()) if text else type(exc).__name__


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------
def _check_scenario(scenario: Any) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise StoreError(f"expected a Scenario, got {type(scenario).__name__}")
    return scenario


def _check_version(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StoreError(f"{what} must be a whole number >= 1, got {_show(value)}")
    return value


def _check_text(value: Any, what: str, *, blank_ok: bool = True) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{what} must be a string, got {type(value).__name__}")
    if not blank_ok and not value.strip():
        raise StoreError(f"{what} must not be blank, got {value!r}")
    return value


def _check_ref(ref: Any, what: str) -> tuple[str, int]:
    if (not isinstance(ref, (tuple, list)) or len(ref) != 2 or not isinstance(ref[0], str)):
        raise StoreError(f"{what} must be a (scenario_id, version) pair, got {_show(ref)}")
    return ref[0], _check_version(ref[1], f"{what} version")


def _check_id(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise UnknownScenario(f"unknown {what} {_show(value)}")
    return value


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------
class Store:
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
                f"{name}, or move {name}-wal and {name}-shm away to start an empty database")

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
            kind, reason = StoreError, (f"other writers kept the database busy through {MAX_ATTEMPTS} "
                                        "attempts; try again")
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

    # ----- schema ---------------------------------------------------------
    def _init_schema(self) -> None:
        what = "cannot open the scenario store"
        if self._run(self._schema_is_current, write=False, what=what):
            return
        if self._read_only_reason is not None:
            raise ReadOnlyStore(f"{what} in {self._where}: the database is read-only "
                                f"({self._read_only_reason}) and has no salesops schema of version "
                                f"{SCHEMA_VERSION} to read")
        self._run(self._create_or_upgrade, write=True, what=what)

    def _read_schema_version(self, conn: Connection) -> int | None:
        if not sa.inspect(conn).has_table("meta"):
            return None
        raw = conn.execute(sa.select(_META.c.value).where(_META.c.key == "schema_version")).scalar()
        if raw is None:
            raise StoreError(f"database {self._where} has a 'meta' table without a schema_version; "
                             "it is not a salesops database")
        try:
            return int(raw)
        except ValueError:
            raise StoreError(f"database {self._where} records schema_version {raw!r}, not a whole number") from None

    def _schema_is_current(self, conn: Connection) -> bool:
        found = self._read_schema_version(conn)
        self._check_not_newer(found)
        return found == SCHEMA_VERSION

    def _check_not_newer(self, found: int | None) -> None:
        if found is not None and found > SCHEMA_VERSION:
            raise StoreError(
                f"database {self._where} has schema version {found}, newer than this app "
                f"understands ({SCHEMA_VERSION}); upgrade the app")

    def _create_or_upgrade(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":  # one creator at a time; SQLite has BEGIN IMMEDIATE
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK_KEY)))
        found = self._read_schema_version(conn)
        self._check_not_newer(found)
        if found is None:
            inspector = sa.inspect(conn)
            clash = [t for t in _TABLES if inspector.has_table(t)]
            if clash:
                raise StoreError(f"database {self._where} already has table(s) {', '.join(clash)} "
                                 "but no salesops schema version; use another database")
            _METADATA.create_all(conn)
            conn.execute(sa.insert(_META).values(key="schema_version", value=str(SCHEMA_VERSION)))
            return
        if len(_UPGRADES) < SCHEMA_VERSION - 1:
            raise StoreError(f"no upgrade path to schema version {SCHEMA_VERSION} "
                             f"({len(_UPGRADES)} upgrade step(s) defined)")
        while found < SCHEMA_VERSION:
            _UPGRADES[found - 1](conn)
            found += 1
            conn.execute(sa.update(_META).where(_META.c.key == "schema_version").values(value=str(found)))
        _METADATA.create_all(conn)  # tables new in this version, if an upgrade did not make them

    def schema_version(self) -> int:
        """The schema version recorded in the database's ``meta`` table."""
        found = self._run(self._read_schema_version, write=False, what="cannot read the schema version")
        if found is None:
            raise StoreError(f"database {self._where} has no salesops schema")
        return found

    # ----- rows -----------------------------------------------------------
    @staticmethod
    def _info(row: Any) -> VersionInfo:
        return VersionInfo(
            scenario_id=row.scenario_id, version=int(row.version), name=row.name, note=row.note,
            created_at=row.created_at, parent_scenario_id=row.parent_scenario_id,
            parent_version=None if row.parent_version is None else int(row.parent_version),
            reps=int(row.reps), roles=int(row.roles), saved_by=getattr(row, "saved_by", None),
        )

    def _parse(self, body: str, what: str) -> Scenario:
        try:
            return Scenario.from_json(body)
        except ScenarioError as exc:
            raise StoreError(f"{what} in {self._where} cannot be read: {exc}") from None

    @staticmethod
    def _latest_info(conn: Connection, scenario_id: str) -> VersionInfo | None:
        row = conn.execute(
            sa.select(*_INFO_COLUMNS).where(_VERSIONS.c.scenario_id == scenario_id)
            .order_by(_VERSIONS.c.version.desc()).limit(1)
        ).first()
        return None if row is None else Store._info(row)

    @staticmethod
    def _version_row(scenario: Scenario, scenario_id: str, version: int, name: str, note: str,
                     created_at: datetime, parent: tuple[str, int] | None,
                     saved_by: str | None = None) -> dict[str, Any]:
        return {
            "scenario_id": scenario_id, "version": version, "name": name, "note": note,
            "created_at": created_at, "body": scenario.to_json(indent=None),
            "parent_scenario_id": parent[0] if parent else None,
            "parent_version": parent[1] if parent else None,
            "reps": scenario.total_reps, "roles": len(scenario.roles), "saved_by": saved_by,
        }

    def _missing(self, conn: Connection, scenario_id: str, version: int | None) -> UnknownScenario:
        latest = conn.execute(
            sa.select(_SCENARIOS.c.latest_version).where(_SCENARIOS.c.id == scenario_id)).scalar()
        if latest is None:
            return UnknownScenario(f"unknown scenario {_show(scenario_id)}")
        return UnknownScenario(f"scenario {_show(scenario_id)} has no version {_show(version)} "
                               f"(its versions are 1 to {latest})")

    # ----- saving ---------------------------------------------------------
    def create(self, scenario: Scenario, *, name: str | None = None, note: str = "",
               parent: tuple[str, int] | None = None) -> VersionInfo:
        """Save ``scenario`` as version 1 of a new saved scenario.

        Parameters
        ----------
        scenario : Scenario
        name : str, optional
            The name to save it under (default ``scenario.name``). The name is
            part of the scenario: with a different name the saved body is
            ``scenario.renamed(name)``, so the listing and the loaded scenario
            agree (and a later :meth:`save` keeps the name); otherwise the body
            is ``scenario`` exactly.
        note : str
        parent : (scenario_id, version), optional
            The saved version this one branches from; it must exist.

        Returns
        -------
        VersionInfo
            Version 1 under a new unguessable id.

        Raises
        ------
        UnknownScenario
            If ``parent`` names no saved version.
        StoreError
            For a bad argument or a database failure.
        """
        scenario, name, note, parent_ref = self._check_create(scenario, name, note, parent)
        return self._run(lambda conn: self._create_in(conn, scenario, name, note, parent_ref),
                         write=True, what="cannot save the scenario")

    @staticmethod
    def _check_create(scenario: Any, name: Any, note: Any,
                      parent: Any) -> tuple[Scenario, str, str, tuple[str, int] | None]:
        """The arguments of :meth:`create`, checked: (scenario renamed to name, name, note, parent)."""
        scenario = _check_scenario(scenario)
        name = _check_text(scenario.name if name is None else name, "name", blank_ok=False)
        if name != scenario.name:
            scenario = scenario.renamed(name)
        note = _check_text(note, "note")
        parent_ref = None if parent is None else _check_ref(parent, "parent")
        return scenario, name, note, parent_ref

    def _create_in(self, conn: Connection, scenario: Scenario, name: str, note: str,
                   parent_ref: tuple[str, int] | None, *, workspace_id: str | None = None,
                   owner: str | None = None) -> VersionInfo:
        """Insert version 1 of a new scenario in the transaction of ``conn`` (arguments checked)."""
        if parent_ref is not None:
            found = conn.execute(sa.select(_VERSIONS.c.version).where(
                _VERSIONS.c.scenario_id == parent_ref[0], _VERSIONS.c.version == parent_ref[1])).scalar()
            if found is None:
                raise self._missing(conn, *parent_ref)
        scenario_id = _new_id()
        now = _now()
        conn.execute(sa.insert(_SCENARIOS).values(id=scenario_id, name=name, created_at=now, updated_at=now,
                                                  latest_version=1, workspace_id=workspace_id, owner=owner))
        row = self._version_row(scenario, scenario_id, 1, name, note, now, parent_ref, owner)
        conn.execute(sa.insert(_VERSIONS).values(**row))
        return self._info(_Row(row))

    def save(self, scenario_id: str, scenario: Scenario, *, base_version: int, note: str = "") -> VersionInfo:
        """Save ``scenario`` as the next version of ``scenario_id``.

        Parameters
        ----------
        scenario_id : str
        scenario : Scenario
            The new content; the version is listed under ``scenario.name``.
        base_version : int
            The version the edit started from; it must still be the latest.
        note : str

        Returns
        -------
        VersionInfo
            The new version, ``base_version + 1``.

        Raises
        ------
        VersionConflict
            If another save came first (``base_version`` is not the latest);
            nothing is written, and ``.latest`` is the latest version.
        UnknownScenario
            If no saved scenario has this id.
        """
        scenario_id = _check_id(scenario_id, "scenario")
        scenario = _check_scenario(scenario)
        base = _check_version(base_version, "base_version")
        note = _check_text(note, "note")
        return self._run(lambda conn: self._save_in(conn, scenario_id, scenario, base, note),
                         write=True, what=f"cannot save scenario {_show(scenario_id)}")

    def _save_in(self, conn: Connection, scenario_id: str, scenario: Scenario, base: int, note: str,
                 saved_by: str | None = None) -> VersionInfo:
        """Insert version ``base + 1`` in the transaction of ``conn`` (arguments checked); see :meth:`save`."""
        now = _now()
        # The conditional UPDATE is the guard: of two savers from the same base
        # only one can move latest_version on (PostgreSQL re-checks the WHERE
        # after waiting for the other's row lock; SQLite writers are serialized).
        moved = conn.execute(
            sa.update(_SCENARIOS)
            .where(_SCENARIOS.c.id == scenario_id, _SCENARIOS.c.latest_version == base)
            .values(latest_version=base + 1, updated_at=now, name=scenario.name)
        ).rowcount
        if moved != 1:
            latest = self._latest_info(conn, scenario_id)
            if latest is None:
                raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
            when = latest.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            if base > latest.version:
                raise VersionConflict(
                    f"scenario {scenario_id!r} has no version {base} to save on: the latest is "
                    f"version {latest.version} ({when}); nothing was overwritten", latest)
            raise VersionConflict(
                f"scenario {scenario_id!r} was saved by someone else since version {base}: the latest "
                f"is version {latest.version} ({when}); nothing was overwritten", latest)
        row = self._version_row(scenario, scenario_id, base + 1, scenario.name, note, now, None, saved_by)
        conn.execute(sa.insert(_VERSIONS).values(**row))
        return self._info(_Row(row))

    def branch(self, scenario_id: str, scenario: Scenario, *, from_version: int, name: str,
               note: str = "") -> VersionInfo:
        """Save ``scenario`` as a new saved scenario branched from a version of another.

        Same as ``create(scenario, name=name, note=note, parent=(scenario_id, from_version))``.
        """
        _check_text(name, "name", blank_ok=False)
        return self.create(scenario, name=name, note=note,
                           parent=(_check_id(scenario_id, "scenario"), from_version))

    # ----- reading --------------------------------------------------------
    def load(self, scenario_id: str, version: int | None = None) -> SavedVersion:
        """A saved version (the latest when ``version`` is None) with its scenario.

        Raises
        ------
        UnknownScenario
            Naming the id, or the version and the versions there are.
        """
        scenario_id, version = self._check_load(scenario_id, version)
        info, body = self._run(lambda conn: self._load_in(conn, scenario_id, version), write=False,
                               what=f"cannot load scenario {_show(scenario_id)}")
        return self._saved(info, body)

    @staticmethod
    def _check_load(scenario_id: Any, version: Any) -> tuple[str, int | None]:
        scenario_id = _check_id(scenario_id, "scenario")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise UnknownScenario(f"scenario {_show(scenario_id)} has no version {_show(version)}")
        return scenario_id, version

    def _load_in(self, conn: Connection, scenario_id: str, version: int | None) -> tuple[VersionInfo, str]:
        """(info, JSON body) of a version (the latest when None), in the transaction of ``conn``."""
        query = sa.select(*_INFO_COLUMNS, _VERSIONS.c.body).where(_VERSIONS.c.scenario_id == scenario_id)
        if version is None:
            query = query.order_by(_VERSIONS.c.version.desc()).limit(1)
        else:
            query = query.where(_VERSIONS.c.version == version)
        row = conn.execute(query).first()
        if row is None:
            raise self._missing(conn, scenario_id, version)
        return self._info(row), row.body

    def _saved(self, info: VersionInfo, body: str) -> SavedVersion:
        """The SavedVersion of a loaded row (the JSON parsed outside the transaction)."""
        return SavedVersion(info=info, scenario=self._parse(
            body, f"scenario {info.scenario_id!r} version {info.version}"))

    def history(self, scenario_id: str) -> list[VersionInfo]:
        """Every version of a saved scenario, newest first.

        Raises
        ------
        UnknownScenario
            If no saved scenario has this id.
        """
        scenario_id = _check_id(scenario_id, "scenario")
        return self._run(lambda conn: self._history_in(conn, scenario_id), write=False,
                         what=f"cannot read the history of {_show(scenario_id)}")

    def _history_in(self, conn: Connection, scenario_id: str) -> list[VersionInfo]:
        rows = conn.execute(sa.select(*_INFO_COLUMNS).where(_VERSIONS.c.scenario_id == scenario_id)
                            .order_by(_VERSIONS.c.version.desc())).all()
        if not rows:
            raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
        return [self._info(r) for r in rows]

    def recent_versions(self, limit: int = 1000) -> list[VersionInfo]:
        """Versions of every saved scenario in one query, newest first (for pickers)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100_000:
            raise StoreError(f"limit must be a whole number from 1 to 100000, got {limit!r}")

        def work(conn: Connection) -> list[VersionInfo]:
            rows = conn.execute(sa.select(*_INFO_COLUMNS)
                                .order_by(_VERSIONS.c.created_at.desc(), _VERSIONS.c.version.desc())
                                .limit(limit)).all()
            return [self._info(r) for r in rows]

        return self._run(work, write=False, what="cannot list the saved versions")

    def list_scenarios(self, limit: int = 500) -> list[ScenarioInfo]:
        """Saved scenarios, most recently updated first.

        Parameters
        ----------
        limit : int
            At most this many (1 to 10,000).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST:
            raise StoreError(f"limit must be a whole number from 1 to {MAX_LIST:,}, got {_show(limit)}")
        query = (sa.select(_SCENARIOS, self._versions_count().label("versions"))
                 .order_by(_SCENARIOS.c.updated_at.desc(), _SCENARIOS.c.id).limit(limit))

        def work(conn: Connection) -> list[ScenarioInfo]:
            return [self._scenario_info(r) for r in conn.execute(query)]

        return self._run(work, write=False, what="cannot list the saved scenarios")

    @staticmethod
    def _scenario_info(r: Any) -> ScenarioInfo:
        """A ScenarioInfo of a row of ``scenarios`` with a ``versions`` count."""
        return ScenarioInfo(scenario_id=r.id, name=r.name, latest_version=int(r.latest_version),
                            versions=int(r.versions), created_at=r.created_at, updated_at=r.updated_at,
                            workspace_id=r.workspace_id, owner=r.owner)

    @staticmethod
    def _versions_count() -> Any:
        """The number of versions of the scenario of each row, as a scalar subquery."""
        return (sa.select(sa.func.count()).select_from(_VERSIONS)
                .where(_VERSIONS.c.scenario_id == _SCENARIOS.c.id).scalar_subquery())

    # ----- drafts ---------------------------------------------------------
    def put_draft(self, scenario: Scenario, *, draft_id: str | None = None,
                  base: tuple[str, int] | None = None) -> str:
        """Write the working copy of a session, replacing any earlier one of that id.

        Parameters
        ----------
        scenario : Scenario
        draft_id : str, optional
            The draft to overwrite (or create under this id); a new
            unguessable id when None.
        base : (scenario_id, version), optional
            The saved version the draft started from (not checked: a draft
            always saves).

        Returns
        -------
        str
            The draft id.
        """
        scenario = _check_scenario(scenario)
        if draft_id is not None and (not isinstance(draft_id, str) or not _ID_PATTERN.fullmatch(draft_id)):
            raise StoreError(f"draft id must be 1 to {MAX_ID_CHARS} letters, digits, '-' or '_', "
                             f"got {_show(draft_id)}")
        base_ref = None if base is None else _check_ref(base, "base")
        body = scenario.to_json(indent=None)
        chosen = _new_id() if draft_id is None else draft_id

        def work(conn: Connection) -> str:
            values = {"body": body, "updated_at": _now(),
                      "base_scenario_id": base_ref[0] if base_ref else None,
                      "base_version": base_ref[1] if base_ref else None}
            dialect = conn.dialect.name
            if dialect in ("sqlite", "postgresql"):  # one atomic upsert
                insert = (sa.dialects.sqlite.insert if dialect == "sqlite" else sa.dialects.postgresql.insert)
                stmt = insert(_DRAFTS).values(id=chosen, **values)
                conn.execute(stmt.on_conflict_do_update(index_elements=[_DRAFTS.c.id], set_=values))
            elif conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == chosen).values(**values)).rowcount != 1:
                conn.execute(sa.insert(_DRAFTS).values(id=chosen, **values))
            return chosen

        return self._run(work, write=True, what="cannot save the draft")

    def get_draft(self, draft_id: str) -> Draft | None:
        """The draft of this id, or None if there is none."""
        if not isinstance(draft_id, str) or not _ID_PATTERN.fullmatch(draft_id):
            return None

        def work(conn: Connection) -> Any:
            return conn.execute(sa.select(_DRAFTS).where(_DRAFTS.c.id == draft_id)).first()

        row = self._run(work, write=False, what="cannot read the draft")
        if row is None:
            return None
        return Draft(draft_id=row.id, scenario=self._parse(row.body, f"draft {draft_id!r}"),
                     base_scenario_id=row.base_scenario_id,
                     base_version=None if row.base_version is None else int(row.base_version),
                     updated_at=row.updated_at, writer=row.writer, writer_seen_at=row.writer_seen_at)


class _Row:
    """Attribute access to a dict of column values (a row just written)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
