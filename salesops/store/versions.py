"""The Store's saved versions: saving them (optimistically, never overwriting) and reading them back.

A saved scenario is a row of ``scenarios`` and its numbered, immutable rows
of ``versions`` (1, 2, 3, ... with no gaps). The ``..._in`` methods run inside
a transaction the caller already holds, so :mod:`salesops.store.access` can
check permissions and write its audit trail in the same one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.model.scenario import Scenario, ScenarioError
from salesops.store.checks import (
    MAX_LIST,
    _check_id,
    _check_ref,
    _check_scenario,
    _check_text,
    _check_version,
    _new_id,
    _now,
    _show,
)
from salesops.store.errors import StoreError, UnknownScenario, VersionConflict
from salesops.store.faults import _Transactions
from salesops.store.schema import _INFO_COLUMNS, _SCENARIOS, _VERSIONS
from salesops.store.values import SavedVersion, ScenarioInfo, VersionInfo


class _Rows(_Transactions):
    """Rows to values and back: version infos, parsed bodies, new version rows, "no such version" errors."""

    @staticmethod
    def _info(row: Any) -> VersionInfo:
        return VersionInfo(
            scenario_id=row.scenario_id,
            version=int(row.version),
            name=row.name,
            note=row.note,
            created_at=row.created_at,
            parent_scenario_id=row.parent_scenario_id,
            parent_version=None if row.parent_version is None else int(row.parent_version),
            reps=int(row.reps),
            roles=int(row.roles),
            saved_by=getattr(row, "saved_by", None),
        )

    def _parse(self, body: str, what: str) -> Scenario:
        try:
            return Scenario.from_json(body)
        except ScenarioError as exc:
            raise StoreError(f"{what} in {self._where} cannot be read: {exc}") from None

    @staticmethod
    def _latest_info(conn: Connection, scenario_id: str) -> VersionInfo | None:
        row = conn.execute(
            sa.select(*_INFO_COLUMNS)
            .where(_VERSIONS.c.scenario_id == scenario_id)
            .order_by(_VERSIONS.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else _Rows._info(row)

    @staticmethod
    def _version_row(
        scenario: Scenario,
        scenario_id: str,
        version: int,
        name: str,
        note: str,
        created_at: datetime,
        parent: tuple[str, int] | None,
        saved_by: str | None = None,
    ) -> dict[str, Any]:
        return {
            "scenario_id": scenario_id,
            "version": version,
            "name": name,
            "note": note,
            "created_at": created_at,
            "body": scenario.to_json(indent=None),
            "parent_scenario_id": parent[0] if parent else None,
            "parent_version": parent[1] if parent else None,
            "reps": scenario.total_reps,
            "roles": len(scenario.roles),
            "saved_by": saved_by,
        }

    def _missing(self, conn: Connection, scenario_id: str, version: int | None) -> UnknownScenario:
        latest = conn.execute(sa.select(_SCENARIOS.c.latest_version).where(_SCENARIOS.c.id == scenario_id)).scalar()
        if latest is None:
            return UnknownScenario(f"unknown scenario {_show(scenario_id)}")
        return UnknownScenario(
            f"scenario {_show(scenario_id)} has no version {_show(version)} (its versions are 1 to {latest})"
        )


class _Saving(_Rows):
    """Saving: a new scenario (:meth:`create`, :meth:`branch`) or the next version of one (:meth:`save`)."""

    def create(
        self, scenario: Scenario, *, name: str | None = None, note: str = "", parent: tuple[str, int] | None = None
    ) -> VersionInfo:
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
        return self._run(
            lambda conn: self._create_in(conn, scenario, name, note, parent_ref),
            write=True,
            what="cannot save the scenario",
        )

    @staticmethod
    def _check_create(
        scenario: Any, name: Any, note: Any, parent: Any
    ) -> tuple[Scenario, str, str, tuple[str, int] | None]:
        """The arguments of :meth:`create`, checked: (scenario renamed to name, name, note, parent)."""
        scenario = _check_scenario(scenario)
        name = _check_text(scenario.name if name is None else name, "name", blank_ok=False)
        if name != scenario.name:
            scenario = scenario.renamed(name)
        note = _check_text(note, "note")
        parent_ref = None if parent is None else _check_ref(parent, "parent")
        return scenario, name, note, parent_ref

    def _create_in(
        self,
        conn: Connection,
        scenario: Scenario,
        name: str,
        note: str,
        parent_ref: tuple[str, int] | None,
        *,
        workspace_id: str | None = None,
        owner: str | None = None,
    ) -> VersionInfo:
        """Insert version 1 of a new scenario in the transaction of ``conn`` (arguments checked)."""
        if parent_ref is not None:
            found = conn.execute(
                sa.select(_VERSIONS.c.version).where(
                    _VERSIONS.c.scenario_id == parent_ref[0], _VERSIONS.c.version == parent_ref[1]
                )
            ).scalar()
            if found is None:
                raise self._missing(conn, *parent_ref)
        scenario_id = _new_id()
        now = _now()
        conn.execute(
            sa.insert(_SCENARIOS).values(
                id=scenario_id,
                name=name,
                created_at=now,
                updated_at=now,
                latest_version=1,
                workspace_id=workspace_id,
                owner=owner,
            )
        )
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
        return self._run(
            lambda conn: self._save_in(conn, scenario_id, scenario, base, note),
            write=True,
            what=f"cannot save scenario {_show(scenario_id)}",
        )

    def _save_in(
        self, conn: Connection, scenario_id: str, scenario: Scenario, base: int, note: str, saved_by: str | None = None
    ) -> VersionInfo:
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
                    f"version {latest.version} ({when}); nothing was overwritten",
                    latest,
                )
            raise VersionConflict(
                f"scenario {scenario_id!r} was saved by someone else since version {base}: the latest "
                f"is version {latest.version} ({when}); nothing was overwritten",
                latest,
            )
        row = self._version_row(scenario, scenario_id, base + 1, scenario.name, note, now, None, saved_by)
        conn.execute(sa.insert(_VERSIONS).values(**row))
        return self._info(_Row(row))

    def branch(
        self, scenario_id: str, scenario: Scenario, *, from_version: int, name: str, note: str = ""
    ) -> VersionInfo:
        """Save ``scenario`` as a new saved scenario branched from a version of another.

        Same as ``create(scenario, name=name, note=note, parent=(scenario_id, from_version))``.
        """
        _check_text(name, "name", blank_ok=False)
        return self.create(scenario, name=name, note=note, parent=(_check_id(scenario_id, "scenario"), from_version))


class _Reading(_Rows):
    """Reading: a version with its scenario, a scenario's history, and the listings."""

    def load(self, scenario_id: str, version: int | None = None) -> SavedVersion:
        """A saved version (the latest when ``version`` is None) with its scenario.

        Raises
        ------
        UnknownScenario
            Naming the id, or the version and the versions there are.
        """
        scenario_id, version = self._check_load(scenario_id, version)
        info, body = self._run(
            lambda conn: self._load_in(conn, scenario_id, version),
            write=False,
            what=f"cannot load scenario {_show(scenario_id)}",
        )
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
        return SavedVersion(
            info=info, scenario=self._parse(body, f"scenario {info.scenario_id!r} version {info.version}")
        )

    def history(self, scenario_id: str) -> list[VersionInfo]:
        """Every version of a saved scenario, newest first.

        Raises
        ------
        UnknownScenario
            If no saved scenario has this id.
        """
        scenario_id = _check_id(scenario_id, "scenario")
        return self._run(
            lambda conn: self._history_in(conn, scenario_id),
            write=False,
            what=f"cannot read the history of {_show(scenario_id)}",
        )

    def _history_in(self, conn: Connection, scenario_id: str) -> list[VersionInfo]:
        rows = conn.execute(
            sa.select(*_INFO_COLUMNS).where(_VERSIONS.c.scenario_id == scenario_id).order_by(_VERSIONS.c.version.desc())
        ).all()
        if not rows:
            raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
        return [self._info(r) for r in rows]

    def recent_versions(self, limit: int = 1000) -> list[VersionInfo]:
        """Versions of every saved scenario in one query, newest first (for pickers)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100_000:
            raise StoreError(f"limit must be a whole number from 1 to 100000, got {limit!r}")

        def work(conn: Connection) -> list[VersionInfo]:
            rows = conn.execute(
                sa.select(*_INFO_COLUMNS)
                .order_by(_VERSIONS.c.created_at.desc(), _VERSIONS.c.version.desc())
                .limit(limit)
            ).all()
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
        query = (
            sa.select(_SCENARIOS, self._versions_count().label("versions"))
            .order_by(_SCENARIOS.c.updated_at.desc(), _SCENARIOS.c.id)
            .limit(limit)
        )

        def work(conn: Connection) -> list[ScenarioInfo]:
            return [self._scenario_info(r) for r in conn.execute(query)]

        return self._run(work, write=False, what="cannot list the saved scenarios")

    @staticmethod
    def _scenario_info(r: Any) -> ScenarioInfo:
        """A ScenarioInfo of a row of ``scenarios`` with a ``versions`` count."""
        return ScenarioInfo(
            scenario_id=r.id,
            name=r.name,
            latest_version=int(r.latest_version),
            versions=int(r.versions),
            created_at=r.created_at,
            updated_at=r.updated_at,
            workspace_id=r.workspace_id,
            owner=r.owner,
        )

    @staticmethod
    def _versions_count() -> Any:
        """The number of versions of the scenario of each row, as a scalar subquery."""
        return (
            sa.select(sa.func.count())
            .select_from(_VERSIONS)
            .where(_VERSIONS.c.scenario_id == _SCENARIOS.c.id)
            .scalar_subquery()
        )


class _Row:
    """Attribute access to a dict of column values (a row just written)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
