"""The audit trail: who created workspaces, changed members, saved, shared, revoked, opened, exported, forked.

Access records most events itself, in the transaction of what it records; the
app records "exported" (:meth:`~salesops.store.access.Access.record`). Owners
read the trail of their workspace (:meth:`~salesops.store.access.Access.audit_log`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.store.access.base import (
    ANONYMOUS,
    MAX_DETAIL_CHARS,
    PermissionDenied,
    _AccessBase,
    _bounded,
    _check_limit,
    _check_scenario_id,
    _check_workspace_id,
    normalize_email,
)
from salesops.store.checks import MAX_LIST, _check_version, _show
from salesops.store.errors import StoreError, UnknownScenario
from salesops.store.schema import _AUDIT, _SCENARIOS, _WORKSPACES

ACTIONS = (
    "workspace created",
    "member added",
    "member removed",
    "saved",
    "shared",
    "revoked",
    "link opened",
    "exported",
    "forked",
)


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the audit trail: who did what, when, to which workspace, scenario and version."""

    at: datetime
    actor: str
    action: str
    workspace_id: str | None
    scenario_id: str | None
    version: int | None
    detail: str


class _AuditTrail(_AccessBase):
    """The audit trail (the part of :class:`~salesops.store.access.Access` for it)."""

    def record(
        self,
        action: str,
        *,
        actor: str | None,
        workspace_id: str | None = None,
        scenario_id: str | None = None,
        version: int | None = None,
        detail: str = "",
    ) -> None:
        """Add an event to the audit trail (e.g. "exported", which only the app knows of).

        Parameters
        ----------
        action : str
            One of :data:`ACTIONS`.
        actor : str or None
            The signed-in user; None for someone not signed in (a link's viewer).
        workspace_id, scenario_id, version : optional
            What it concerns; the workspace defaults to the scenario's.
        detail : str
            Cut to 500 characters.

        Notes
        -----
        :class:`Access` records "workspace created", "member added", "member
        removed", "saved", "shared", "revoked", "link opened" and "forked"
        itself; the app records "exported".
        """
        if action not in ACTIONS:
            raise StoreError(f"action must be one of {', '.join(ACTIONS)}, got {_show(action)}")
        who = ANONYMOUS if actor is None else normalize_email(actor, "actor")
        if workspace_id is not None:
            workspace_id = _check_workspace_id(workspace_id)
        if scenario_id is not None:
            scenario_id = _check_scenario_id(scenario_id)
        if version is not None:
            version = _check_version(version, "version")
        detail = _bounded(detail, "detail", MAX_DETAIL_CHARS)

        def work(conn: Connection) -> None:
            ws = workspace_id
            if scenario_id is not None:
                row = conn.execute(sa.select(_SCENARIOS.c.workspace_id).where(_SCENARIOS.c.id == scenario_id)).first()
                if row is None:
                    raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
                if ws is not None and row.workspace_id != ws:
                    raise StoreError(f"scenario {_show(scenario_id)} is not in workspace {_show(ws)}")
                ws = row.workspace_id
            elif (
                ws is not None
                and conn.execute(sa.select(_WORKSPACES.c.workspace_id).where(_WORKSPACES.c.workspace_id == ws)).first()
                is None
            ):
                raise PermissionDenied(f"there is no workspace {_show(ws)}")
            self._audit(conn, action, who, workspace_id=ws, scenario_id=scenario_id, version=version, detail=detail)

        self._write(work, "cannot record the event")

    def audit_log(self, workspace_id: str, *, actor: str, limit: int = 500) -> list[AuditEvent]:
        """The workspace's audit trail, newest first; owners only."""
        actor = normalize_email(actor, "actor")
        workspace_id = _check_workspace_id(workspace_id)
        limit = _check_limit(limit, MAX_LIST)

        def work(conn: Connection) -> list[AuditEvent]:
            self._require_workspace(conn, actor, workspace_id, "owner", "read its audit trail")
            rows = conn.execute(
                sa.select(_AUDIT)
                .where(_AUDIT.c.workspace_id == workspace_id)
                .order_by(_AUDIT.c.at.desc(), _AUDIT.c.id.desc())
                .limit(limit)
            ).all()
            return [
                AuditEvent(
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    workspace_id=r.workspace_id,
                    scenario_id=r.scenario_id,
                    version=None if r.version is None else int(r.version),
                    detail=r.detail,
                )
                for r in rows
            ]

        return self._read(work, "cannot read the audit trail")
