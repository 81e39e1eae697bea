"""Who may do what: roles, :class:`PermissionDenied`, the e-mail and id checks, and the base of Access.

:class:`_AccessBase` holds what every part of :class:`~salesops.store.access.Access`
uses in a transaction: the actor's role in a workspace or for a scenario (refusing
with a message that names who, what and why) and the audit-trail write.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.store.checks import MAX_EMAIL_CHARS, MAX_ID_CHARS, _check_text, _show
from salesops.store.errors import StoreError, UnknownScenario
from salesops.store.schema import _AUDIT, _MEMBERS, _SCENARIOS
from salesops.store.store import Store

ROLES = ("owner", "editor", "viewer")
_RANK = {"viewer": 1, "editor": 2, "owner": 3}
ANONYMOUS = "(anyone with the link)"  # the actor of an event by someone not signed in
MAX_DETAIL_CHARS = 500
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_CHARS)
_EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


class PermissionDenied(StoreError):
    """The actor may not do this: the message names who, what was refused and why; nothing was written."""

    __module__ = "salesops.store.access"  # named where callers import it (tracebacks, doctests)


def normalize_email(value: Any, what: str = "e-mail address") -> str:
    """A valid e-mail address, stripped and lower-cased.

    Raises
    ------
    StoreError
        If ``value`` is not an e-mail address (at most 254 characters).

    Examples
    --------
    >>> normalize_email("  Ann.Lee@Example.COM ")
    'ann.lee@example.com'
    >>> normalize_email("ann")
    Traceback (most recent call last):
    ...
    salesops.store.StoreError: e-mail address must look like name@example.com, got 'ann'
    """
    if not isinstance(value, str):
        raise StoreError(f"{what} must be a string, got {type(value).__name__}")
    email = value.strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not _EMAIL_PATTERN.fullmatch(email):
        raise StoreError(f"{what} must look like name@example.com, got {_show(value)}")
    return email


def _check_role(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, got {_show(value)}")
    return value.strip().lower()


def _check_workspace_id(value: Any) -> str:
    if not isinstance(value, str) or not _TOKEN_PATTERN.fullmatch(value):
        raise PermissionDenied(f"there is no workspace {_show(value)}")
    return value


def _check_scenario_id(value: Any) -> str:
    if not isinstance(value, str):
        raise UnknownScenario(f"unknown scenario {_show(value)}")
    return value


def _check_limit(value: Any, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise StoreError(f"limit must be a whole number from 1 to {top:,}, got {_show(value)}")
    return value


def _bounded(text: Any, what: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (ending in an ellipsis when cut)."""
    text = _check_text(text, what)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class _AccessBase:
    """What every part of :class:`~salesops.store.access.Access` uses: its clock and the checks in a transaction.

    The membership and permission checks and the audit write run inside the
    caller's transaction, so a refusal is decided before anything is written.
    The attributes are set by ``Access.__init__``.
    """

    store: Store
    _clock: Callable[[], datetime]

    def _now(self) -> datetime:
        value = self._clock()
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise StoreError(f"the clock must return a time-zone aware datetime, got {value!r}")
        return value.astimezone(timezone.utc)

    @staticmethod
    def _role_in(conn: Connection, email: str, workspace_id: str, *, lock: bool = False) -> str | None:
        query = sa.select(_MEMBERS.c.role).where(_MEMBERS.c.workspace_id == workspace_id, _MEMBERS.c.email == email)
        if lock:  # PostgreSQL: a concurrent removal waits for this transaction (SQLite: BEGIN IMMEDIATE)
            query = query.with_for_update(read=True)
        return conn.execute(query).scalar()

    def _require_workspace(
        self, conn: Connection, actor: str, workspace_id: str, need: str, verb: str, *, lock: bool = False
    ) -> str:
        """The actor's role in the workspace, at least ``need``; else PermissionDenied naming ``verb``."""
        role = self._role_in(conn, actor, workspace_id, lock=lock)
        if role is None:
            raise PermissionDenied(
                f"you ({actor}) are not a member of workspace {_show(workspace_id)}, so you cannot {verb}"
            )
        if _RANK[role] < _RANK[need]:
            raise PermissionDenied(
                f"you ({actor}) are a{'n' if role == 'editor' else ''} {role} of workspace "
                f"{_show(workspace_id)}: only {self._who(need)} can {verb}"
            )
        return role

    @staticmethod
    def _who(need: str) -> str:
        return {"viewer": "members", "editor": "editors and owners", "owner": "owners"}[need]

    def _require_scenario(
        self,
        conn: Connection,
        actor: str,
        scenario_id: str,
        need: str,
        verb: str,
        *,
        lock: bool = False,
        nothing: str = "",
    ) -> tuple[str, str]:
        """(workspace id, role) of the actor for a scenario, with a role of at least ``need``.

        Raises UnknownScenario for an id that does not exist, PermissionDenied for
        a local-mode scenario or one of a workspace the actor is not (enough of) a member of.
        """
        tail = f"; {nothing}" if nothing else ""
        row = conn.execute(sa.select(_SCENARIOS.c.workspace_id).where(_SCENARIOS.c.id == scenario_id)).first()
        if row is None:
            raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
        workspace_id = row.workspace_id
        if workspace_id is None:
            raise PermissionDenied(
                f"scenario {_show(scenario_id)} is a local scenario in no workspace: you "
                f"({actor}) cannot {verb} it{tail}"
            )
        role = self._role_in(conn, actor, workspace_id, lock=lock)
        if role is None:
            raise PermissionDenied(
                f"you ({actor}) are not a member of the workspace of scenario "
                f"{_show(scenario_id)}, so you cannot {verb} it{tail}"
            )
        if _RANK[role] < _RANK[need]:
            raise PermissionDenied(
                f"you ({actor}) are a{'n' if role == 'editor' else ''} {role} of the workspace "
                f"of scenario {_show(scenario_id)}: only {self._who(need)} can {verb} it{tail}"
            )
        return workspace_id, role

    def _audit(
        self,
        conn: Connection,
        action: str,
        actor: str,
        *,
        workspace_id: str | None = None,
        scenario_id: str | None = None,
        version: int | None = None,
        detail: str = "",
    ) -> None:
        conn.execute(
            sa.insert(_AUDIT).values(
                at=self._now(),
                actor=actor,
                action=action,
                workspace_id=workspace_id,
                scenario_id=scenario_id,
                version=version,
                detail=_bounded(detail, "detail", MAX_DETAIL_CHARS),
            )
        )

    def _write(self, work: Callable[[Connection], Any], what: str) -> Any:
        return self.store._run(work, write=True, what=what)

    def _read(self, work: Callable[[Connection], Any], what: str) -> Any:
        return self.store._run(work, write=False, what=what)
