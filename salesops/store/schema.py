"""The tables (schema version 2), the upgrade from version 1, and the Store's schema creation and checks.

The schema is created on first use and upgraded step by step when an older
version is found (``meta.schema_version``; version 2 added workspaces,
members, share links and an audit trail, used through
:mod:`salesops.store.access`, and the owner columns of scenarios, versions and
drafts). :data:`SCHEMA_VERSION` and ``_UPGRADES`` are looked up here at run time.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.store.checks import MAX_EMAIL_CHARS, MAX_ID_CHARS
from salesops.store.errors import ReadOnlyStore, StoreError
from salesops.store.faults import _Transactions

SCHEMA_VERSION = 2
_ADVISORY_LOCK_KEY = 0x5A1E5_0B5  # serializes schema creation on PostgreSQL


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
    "meta",
    _METADATA,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

_SCENARIOS = sa.Table(
    "scenarios",
    _METADATA,
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
    "versions",
    _METADATA,
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
    sa.ForeignKeyConstraint(
        ["parent_scenario_id", "parent_version"],
        ["versions.scenario_id", "versions.version"],
        name="fk_versions_parent",
    ),
)

_DRAFTS = sa.Table(
    "drafts",
    _METADATA,
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
    "workspaces",
    _METADATA,
    sa.Column("workspace_id", sa.String(MAX_ID_CHARS), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", _UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(MAX_EMAIL_CHARS), nullable=False),
)

_MEMBERS = sa.Table(
    "members",
    _METADATA,
    sa.Column("workspace_id", sa.String(MAX_ID_CHARS), sa.ForeignKey("workspaces.workspace_id"), primary_key=True),
    sa.Column("email", sa.String(MAX_EMAIL_CHARS), primary_key=True),  # lower-cased
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("added_at", _UTCDateTime, nullable=False),
    sa.Column("added_by", sa.String(MAX_EMAIL_CHARS), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="ck_members_role"),
    sa.Index("ix_members_email", "email"),
)

_LINKS = sa.Table(
    "links",
    _METADATA,
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
    "audit",
    _METADATA,
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
    (_SCENARIOS, "workspace_id"),
    (_SCENARIOS, "owner"),
    (_VERSIONS, "saved_by"),
    (_DRAFTS, "writer"),
    (_DRAFTS, "writer_seen_at"),
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
            spec += f" REFERENCES {preparer.quote(fk.column.table.name)} ({preparer.quote(fk.column.name)})"
        conn.exec_driver_sql(f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {spec}")
    if "ix_scenarios_workspace" not in {i["name"] for i in sa.inspect(conn).get_indexes("scenarios")}:
        next(i for i in _SCENARIOS.indexes if i.name == "ix_scenarios_workspace").create(conn)


# _UPGRADES[i] takes a database from schema version i + 1 to i + 2, inside the
# transaction that records the new version.
_UPGRADES: list[Callable[[Connection], None]] = [_upgrade_1_to_2]


class _Schema(_Transactions):
    """The part of :class:`~salesops.store.Store` that creates, checks and upgrades the schema."""

    def _init_schema(self) -> None:
        what = "cannot open the scenario store"
        if self._run(self._schema_is_current, write=False, what=what):
            return
        if self._read_only_reason is not None:
            raise ReadOnlyStore(
                f"{what} in {self._where}: the database is read-only "
                f"({self._read_only_reason}) and has no salesops schema of version "
                f"{SCHEMA_VERSION} to read"
            )
        self._run(self._create_or_upgrade, write=True, what=what)

    def _read_schema_version(self, conn: Connection) -> int | None:
        if not sa.inspect(conn).has_table("meta"):
            return None
        raw = conn.execute(sa.select(_META.c.value).where(_META.c.key == "schema_version")).scalar()
        if raw is None:
            raise StoreError(
                f"database {self._where} has a 'meta' table without a schema_version; it is not a salesops database"
            )
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
                f"understands ({SCHEMA_VERSION}); upgrade the app"
            )

    def _create_or_upgrade(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":  # one creator at a time; SQLite has BEGIN IMMEDIATE
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK_KEY)))
        found = self._read_schema_version(conn)
        self._check_not_newer(found)
        if found is None:
            inspector = sa.inspect(conn)
            clash = [t for t in _TABLES if inspector.has_table(t)]
            if clash:
                raise StoreError(
                    f"database {self._where} already has table(s) {', '.join(clash)} "
                    "but no salesops schema version; use another database"
                )
            _METADATA.create_all(conn)
            conn.execute(sa.insert(_META).values(key="schema_version", value=str(SCHEMA_VERSION)))
            return
        if len(_UPGRADES) < SCHEMA_VERSION - 1:
            raise StoreError(
                f"no upgrade path to schema version {SCHEMA_VERSION} ({len(_UPGRADES)} upgrade step(s) defined)"
            )
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
