"""Workspaces and their members: create a workspace, list, add, change and remove members.

A *workspace* is one client engagement. Its *members* have a role: ``owner``
(adds and removes members, reads the audit trail), ``editor`` (saves, shares)
or ``viewer`` (reads). A workspace always keeps at least one owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.store.access.base import PermissionDenied, _AccessBase, _check_role, _check_workspace_id, normalize_email
from salesops.store.checks import _check_text, _new_id, _show
from salesops.store.errors import StoreError
from salesops.store.schema import _MEMBERS, _WORKSPACES

MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Workspace:
    """A client engagement: its scenarios and members belong to it."""

    workspace_id: str
    name: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Member:
    """A member of a workspace: a lower-cased e-mail and a role in :data:`ROLES`."""

    workspace_id: str
    email: str
    role: str
    added_at: datetime
    added_by: str


class _Workspaces(_AccessBase):
    """Workspaces and members (the part of :class:`~salesops.store.access.Access` for them)."""

    def create_workspace(self, name: str, *, actor: str) -> Workspace:
        """A new workspace, with ``actor`` as its owner.

        Parameters
        ----------
        name : str
            Not blank, at most 200 characters.
        actor : str
            The signed-in user's e-mail.
        """
        actor = normalize_email(actor, "actor")
        name = _check_text(name, "workspace name", blank_ok=False).strip()
        if len(name) > MAX_NAME_CHARS:
            raise StoreError(f"workspace name must be at most {MAX_NAME_CHARS} characters, got {len(name)}")

        def work(conn: Connection) -> Workspace:
            now = self._now()
            made = Workspace(workspace_id=_new_id(), name=name, created_at=now, created_by=actor)
            conn.execute(
                sa.insert(_WORKSPACES).values(
                    workspace_id=made.workspace_id, name=name, created_at=now, created_by=actor
                )
            )
            conn.execute(
                sa.insert(_MEMBERS).values(
                    workspace_id=made.workspace_id, email=actor, role="owner", added_at=now, added_by=actor
                )
            )
            self._audit(conn, "workspace created", actor, workspace_id=made.workspace_id, detail=name)
            return made

        return self._write(work, "cannot create the workspace")

    def workspaces_of(self, actor: str) -> list[tuple[Workspace, str]]:
        """The workspaces ``actor`` belongs to, with its role in each, by name."""
        actor = normalize_email(actor, "actor")

        def work(conn: Connection) -> list[tuple[Workspace, str]]:
            rows = conn.execute(
                sa.select(_WORKSPACES, _MEMBERS.c.role)
                .join(_MEMBERS, _MEMBERS.c.workspace_id == _WORKSPACES.c.workspace_id)
                .where(_MEMBERS.c.email == actor)
                .order_by(_WORKSPACES.c.name, _WORKSPACES.c.workspace_id)
            ).all()
            return [(Workspace(r.workspace_id, r.name, r.created_at, r.created_by), r.role) for r in rows]

        return self._read(work, "cannot list the workspaces")

    def role_of(self, email: str, workspace_id: str) -> str | None:
        """The role of ``email`` in the workspace, or None (also for a malformed e-mail or id)."""
        try:
            email = normalize_email(email)
            workspace_id = _check_workspace_id(workspace_id)
        except StoreError:
            return None
        return self._read(lambda conn: self._role_in(conn, email, workspace_id), "cannot read the membership")

    def members(self, workspace_id: str, *, actor: str) -> list[Member]:
        """The members of a workspace (owners first, then by e-mail); any member may read them."""
        actor = normalize_email(actor, "actor")
        workspace_id = _check_workspace_id(workspace_id)
        order = sa.case({"owner": 0, "editor": 1}, value=_MEMBERS.c.role, else_=2)

        def work(conn: Connection) -> list[Member]:
            self._require_workspace(conn, actor, workspace_id, "viewer", "see its members")
            rows = conn.execute(
                sa.select(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id).order_by(order, _MEMBERS.c.email)
            ).all()
            return [Member(r.workspace_id, r.email, r.role, r.added_at, r.added_by) for r in rows]

        return self._read(work, "cannot list the members")

    def _owners_locked(self, conn: Connection, workspace_id: str) -> list[str]:
        """The owners' e-mails, their rows locked on PostgreSQL (two demotions cannot both pass)."""
        return list(
            conn.execute(
                sa.select(_MEMBERS.c.email)
                .where(_MEMBERS.c.workspace_id == workspace_id, _MEMBERS.c.role == "owner")
                .with_for_update()
            ).scalars()
        )

    def add_member(self, workspace_id: str, email: str, role: str, *, actor: str) -> Member:
        """Add ``email`` to the workspace with ``role``, or change the role of a member. Owners only.

        The last owner cannot be made an editor or viewer (add another owner first).

        Raises
        ------
        PermissionDenied
            If ``actor`` is not an owner, or the change would leave no owner.
        """
        actor = normalize_email(actor, "actor")
        workspace_id = _check_workspace_id(workspace_id)
        email = normalize_email(email)
        role = _check_role(role)

        def work(conn: Connection) -> Member:
            self._require_workspace(conn, actor, workspace_id, "owner", "add or change members", lock=True)
            owners = self._owners_locked(conn, workspace_id)
            existing = conn.execute(
                sa.select(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id, _MEMBERS.c.email == email)
            ).first()
            if existing is not None:
                if existing.role == "owner" and role != "owner" and owners == [email]:
                    raise PermissionDenied(
                        f"{email} is the only owner of workspace {_show(workspace_id)} and "
                        f"cannot become a{'n' if role == 'editor' else ''} {role}; "
                        "make someone else an owner first"
                    )
                if existing.role != role:
                    conn.execute(
                        sa.update(_MEMBERS)
                        .where(_MEMBERS.c.workspace_id == workspace_id, _MEMBERS.c.email == email)
                        .values(role=role)
                    )
                    self._audit(
                        conn,
                        "member added",
                        actor,
                        workspace_id=workspace_id,
                        detail=f"{email}: {existing.role} -> {role}",
                    )
                return Member(workspace_id, email, role, existing.added_at, existing.added_by)
            now = self._now()
            conn.execute(
                sa.insert(_MEMBERS).values(
                    workspace_id=workspace_id, email=email, role=role, added_at=now, added_by=actor
                )
            )
            self._audit(conn, "member added", actor, workspace_id=workspace_id, detail=f"{email} as {role}")
            return Member(workspace_id, email, role, now, actor)

        return self._write(work, "cannot add the member")

    def remove_member(self, workspace_id: str, email: str, *, actor: str) -> None:
        """Remove a member. Owners may remove anyone; any member may remove themselves.

        The last owner cannot be removed.

        Raises
        ------
        PermissionDenied
            If ``actor`` may not, or ``email`` is the last owner.
        StoreError
            If ``email`` is not a member.
        """
        actor = normalize_email(actor, "actor")
        workspace_id = _check_workspace_id(workspace_id)
        email = normalize_email(email)

        def work(conn: Connection) -> None:
            if email == actor:
                self._require_workspace(conn, actor, workspace_id, "viewer", "leave it", lock=True)
            else:
                self._require_workspace(conn, actor, workspace_id, "owner", "remove members", lock=True)
            owners = self._owners_locked(conn, workspace_id)
            role = self._role_in(conn, email, workspace_id)
            if role is None:
                raise StoreError(f"{email} is not a member of workspace {_show(workspace_id)}; nothing was changed")
            if owners == [email]:
                raise PermissionDenied(
                    f"{email} is the only owner of workspace {_show(workspace_id)} and cannot "
                    "be removed; make someone else an owner first"
                )
            conn.execute(sa.delete(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id, _MEMBERS.c.email == email))
            self._audit(conn, "member removed", actor, workspace_id=workspace_id, detail=f"{email} ({role})")

        self._write(work, "cannot remove the member")
