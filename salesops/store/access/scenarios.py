"""The scenarios of workspaces: saving, opening and listing them with the actor's permission checked first.

Every saved scenario created here belongs to one workspace and records its
owner; every version records who saved it. The work itself is the Store's
(its ``..._in`` methods), in the transaction that checked the permission.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.model.scenario import Scenario
from salesops.store.access.base import (
    _AccessBase,
    _check_limit,
    _check_role,
    _check_scenario_id,
    _check_workspace_id,
    normalize_email,
)
from salesops.store.checks import MAX_LIST, _check_scenario, _check_text, _check_version, _show
from salesops.store.errors import UnknownScenario
from salesops.store.schema import _INFO_COLUMNS, _MEMBERS, _SCENARIOS, _VERSIONS
from salesops.store.store import Store
from salesops.store.values import SavedVersion, ScenarioInfo, VersionInfo


class _Scenarios(_AccessBase):
    """Workspace scenarios (the part of :class:`~salesops.store.access.Access` for them)."""

    def workspace_of(self, scenario_id: str) -> str | None:
        """The workspace of a saved scenario; None for a local-mode scenario.

        Raises
        ------
        UnknownScenario
            If no saved scenario has this id.
        """
        scenario_id = _check_scenario_id(scenario_id)

        def work(conn: Connection) -> str | None:
            row = conn.execute(sa.select(_SCENARIOS.c.workspace_id).where(_SCENARIOS.c.id == scenario_id)).first()
            if row is None:
                raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
            return row.workspace_id

        return self._read(work, f"cannot read scenario {_show(scenario_id)}")

    def require_role(self, scenario_id: str, role: str, *, actor: str, verb: str | None = None) -> str:
        """The workspace of a scenario, if ``actor`` has at least ``role`` in it; else PermissionDenied.

        For a check before a multi-step action (the methods check again in
        their own transactions). ``verb`` names the action in the message
        (default: "open" for viewer, "save a version of" for editor,
        "administer" for owner).

        Raises
        ------
        PermissionDenied, UnknownScenario
        """
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)
        role = _check_role(role)
        verb = verb or {"viewer": "open", "editor": "save a version of", "owner": "administer"}[role]
        return self._read(
            lambda conn: self._require_scenario(conn, actor, scenario_id, role, verb)[0],
            f"cannot read scenario {_show(scenario_id)}",
        )

    def create_scenario(
        self, workspace_id: str, scenario: Scenario, *, actor: str, name: str | None = None, note: str = ""
    ) -> VersionInfo:
        """Save ``scenario`` as version 1 of a new scenario of the workspace, owned by ``actor``.

        As :meth:`Store.create <salesops.store.Store.create>`; editors and owners only.
        """
        actor = normalize_email(actor, "actor")
        workspace_id = _check_workspace_id(workspace_id)
        scenario, name, note, _ = Store._check_create(scenario, name, note, None)

        def work(conn: Connection) -> VersionInfo:
            self._require_workspace(
                conn, actor, workspace_id, "editor", "save scenarios in it; nothing was saved", lock=True
            )
            info = self.store._create_in(conn, scenario, name, note, None, workspace_id=workspace_id, owner=actor)
            self._audit(
                conn,
                "saved",
                actor,
                workspace_id=workspace_id,
                scenario_id=info.scenario_id,
                version=1,
                detail=f"new scenario: {name}",
            )
            return info

        return self._write(work, "cannot save the scenario")

    def save_version(
        self, scenario_id: str, scenario: Scenario, *, base_version: int, actor: str, note: str = ""
    ) -> VersionInfo:
        """Save the next version of a workspace scenario; editors and owners of its workspace only.

        As :meth:`Store.save <salesops.store.Store.save>`: a stale ``base_version`` raises
        :class:`~salesops.store.VersionConflict` and nothing is written.
        """
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)
        scenario = _check_scenario(scenario)
        base = _check_version(base_version, "base_version")
        note = _check_text(note, "note")

        def work(conn: Connection) -> VersionInfo:
            workspace_id, _ = self._require_scenario(
                conn, actor, scenario_id, "editor", "save a version of", lock=True, nothing="nothing was saved"
            )
            info = self.store._save_in(conn, scenario_id, scenario, base, note, saved_by=actor)
            self._audit(
                conn,
                "saved",
                actor,
                workspace_id=workspace_id,
                scenario_id=scenario_id,
                version=info.version,
                detail=info.name,
            )
            return info

        return self._write(work, f"cannot save scenario {_show(scenario_id)}")

    def load(self, scenario_id: str, version: int | None = None, *, actor: str) -> SavedVersion:
        """A version (the latest when None) of a scenario of one of the actor's workspaces."""
        actor = normalize_email(actor, "actor")
        scenario_id, version = Store._check_load(scenario_id, version)

        def work(conn: Connection) -> tuple[VersionInfo, str]:
            self._require_scenario(conn, actor, scenario_id, "viewer", "open")
            return self.store._load_in(conn, scenario_id, version)

        info, body = self._read(work, f"cannot load scenario {_show(scenario_id)}")
        return self.store._saved(info, body)

    def history(self, scenario_id: str, *, actor: str) -> list[VersionInfo]:
        """Every version of a scenario of one of the actor's workspaces, newest first."""
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)

        def work(conn: Connection) -> list[VersionInfo]:
            self._require_scenario(conn, actor, scenario_id, "viewer", "read the history of")
            return self.store._history_in(conn, scenario_id)

        return self._read(work, f"cannot read the history of {_show(scenario_id)}")

    def list_scenarios(self, *, actor: str, workspace_id: str | None = None, limit: int = 500) -> list[ScenarioInfo]:
        """The scenarios of the actor's workspaces (or of one), most recently updated first.

        Local-mode scenarios (in no workspace) are never listed.

        Raises
        ------
        PermissionDenied
            If ``workspace_id`` names a workspace the actor is not a member of.
        """
        actor = normalize_email(actor, "actor")
        limit = _check_limit(limit, MAX_LIST)
        if workspace_id is not None:
            workspace_id = _check_workspace_id(workspace_id)
        query = sa.select(_SCENARIOS, Store._versions_count().label("versions")).join(
            _MEMBERS, sa.and_(_MEMBERS.c.workspace_id == _SCENARIOS.c.workspace_id, _MEMBERS.c.email == actor)
        )
        if workspace_id is not None:
            query = query.where(_SCENARIOS.c.workspace_id == workspace_id)
        query = query.order_by(_SCENARIOS.c.updated_at.desc(), _SCENARIOS.c.id).limit(limit)

        def work(conn: Connection) -> list[ScenarioInfo]:
            if workspace_id is not None:
                self._require_workspace(conn, actor, workspace_id, "viewer", "list its scenarios")
            return [Store._scenario_info(r) for r in conn.execute(query)]

        return self._read(work, "cannot list the saved scenarios")

    def recent_versions(self, *, actor: str, limit: int = 1000) -> list[VersionInfo]:
        """Versions of every scenario of the actor's workspaces, newest first (for pickers)."""
        actor = normalize_email(actor, "actor")
        limit = _check_limit(limit, 100_000)
        query = (
            sa.select(*_INFO_COLUMNS)
            .join(_SCENARIOS, _SCENARIOS.c.id == _VERSIONS.c.scenario_id)
            .join(_MEMBERS, sa.and_(_MEMBERS.c.workspace_id == _SCENARIOS.c.workspace_id, _MEMBERS.c.email == actor))
            .order_by(_VERSIONS.c.created_at.desc(), _VERSIONS.c.version.desc())
            .limit(limit)
        )
        return self._read(lambda conn: [Store._info(r) for r in conn.execute(query)], "cannot list the saved versions")

    def local_scenarios(self, limit: int = 500) -> list[ScenarioInfo]:
        """Local-mode scenarios only (in no workspace), most recently updated first; for local-mode listings."""
        limit = _check_limit(limit, MAX_LIST)
        query = (
            sa.select(_SCENARIOS, Store._versions_count().label("versions"))
            .where(_SCENARIOS.c.workspace_id.is_(None))
            .order_by(_SCENARIOS.c.updated_at.desc(), _SCENARIOS.c.id)
            .limit(limit)
        )
        return self._read(
            lambda conn: [Store._scenario_info(r) for r in conn.execute(query)], "cannot list the saved scenarios"
        )
