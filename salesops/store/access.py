"""Workspaces, members, share links, the audit trail and working-copy leases on a :class:`Store`.

A *workspace* is one client engagement. Its *members* have a role: ``owner``
(adds and removes members, reads the audit trail), ``editor`` (saves, shares)
or ``viewer`` (reads). Every saved scenario created through :class:`Access`
belongs to one workspace and records its owner; every version records who
saved it. A caller is named by ``actor``, the signed-in user's e-mail address
(validated and lower-cased), and sees only the workspaces it belongs to: a
scenario of another workspace, named by a guessed or copied id, is refused
with :class:`PermissionDenied`, and the refusal is decided in the same
transaction before anything is written, so a refused call changes nothing.

A *share link* is an unguessable token that opens exactly one scenario,
read-only: one fixed version, or the latest version when made with
``version=None``. Anyone holding the token can open it (:meth:`Access.open_link`)
until its owner revokes it or it expires; then :class:`LinkUnavailable` says so
plainly. Whether an export from a link may include people-level data (names,
salaries) is the link's ``include_people``, off by default. An editable copy
of a link (:meth:`Access.fork_link`) is a new scenario in the viewer's own
workspace; nothing ever adds a version to the shared one through a link.

A *working copy* (a draft, ``?w=`` in the app) has one live *writer* (a
browser tab): :meth:`Access.claim_draft` refuses a second writer with
:class:`DraftInUse` while the first was seen recently, unless it takes over
explicitly; :meth:`Access.touch_draft` keeps the claim alive. This works in
local mode too.

The audit trail records who created workspaces, added and removed members,
saved, shared, revoked, opened a link, exported and forked, and when; owners
read it with :meth:`Access.audit_log`.

Rows written by the store's local mode (``workspace_id`` NULL, every row of a
database made before schema version 2) belong to no workspace: they are never
listed or opened through :class:`Access`, and local mode keeps using
:class:`~salesops.store.Store` directly.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> access = Access(Store("sqlite://"))
>>> ws = access.create_workspace("Acme engagement", actor="Ann@Example.com")
>>> ws.created_by
'ann@example.com'
>>> access.add_member(ws.workspace_id, "bob@example.com", "viewer", actor="ann@example.com").role
'viewer'
>>> first = access.create_scenario(ws.workspace_id, load_sample("startup"), actor="ann@example.com")
>>> first.saved_by
'ann@example.com'
>>> [s.scenario_id for s in access.list_scenarios(actor="bob@example.com")] == [first.scenario_id]
True
>>> access.save_version(first.scenario_id, load_sample("startup"), base_version=1, actor="bob@example.com")
Traceback (most recent call last):
...
salesops.store.access.PermissionDenied: you (bob@example.com) are a viewer of the workspace of scenario '...': only editors and owners can save a version of it; nothing was saved
>>> link = access.create_link(first.scenario_id, actor="ann@example.com", version=1)
>>> shared, saved = access.open_link(link.token)
>>> (shared.state, shared.include_people, saved.info.version)
('active', False, 1)
>>> access.revoke_link(link.token, actor="ann@example.com").state
'revoked'
>>> access.open_link(link.token)
Traceback (most recent call last):
...
salesops.store.access.LinkUnavailable: this link was revoked by its owner on ...
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.model.scenario import Scenario
from salesops.store import (
    MAX_EMAIL_CHARS,
    MAX_ID_CHARS,
    MAX_LIST,
    SavedVersion,
    ScenarioInfo,
    Store,
    StoreError,
    UnknownScenario,
    VersionInfo,
    _AUDIT,
    _DRAFTS,
    _INFO_COLUMNS,
    _LINKS,
    _MEMBERS,
    _SCENARIOS,
    _VERSIONS,
    _WORKSPACES,
    _check_ref,
    _check_scenario,
    _check_text,
    _check_version,
    _new_id,
    _now,
    _show,
)

__all__ = [
    "ACTIONS",
    "ANONYMOUS",
    "LINK_TOKEN_BYTES",
    "MAX_DETAIL_CHARS",
    "ROLES",
    "STALE_AFTER_S",
    "Access",
    "AuditEvent",
    "DraftInUse",
    "LinkUnavailable",
    "Member",
    "PermissionDenied",
    "ShareLink",
    "Workspace",
    "normalize_email",
]

ROLES = ("owner", "editor", "viewer")
_RANK = {"viewer": 1, "editor": 2, "owner": 3}
ACTIONS = ("workspace created", "member added", "member removed", "saved", "shared", "revoked",
           "link opened", "exported", "forked")
ANONYMOUS = "(anyone with the link)"  # the actor of an event by someone not signed in
LINK_TOKEN_BYTES = 16   # secrets.token_urlsafe(16): 22 characters, 128 random bits
MAX_DETAIL_CHARS = 500
MAX_NAME_CHARS = 200
MAX_WRITER_CHARS = 2 * MAX_ID_CHARS
STALE_AFTER_S = 90.0    # a writer not seen for this long no longer holds its working copy
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_CHARS)
_DRAFT_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_CHARS)
_EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------
class PermissionDenied(StoreError):
    """The actor may not do this: the message names who, what was refused and why; nothing was written."""


class LinkUnavailable(StoreError):
    """A share link cannot be opened: it does not exist, was revoked or expired.

    Attributes
    ----------
    reason : str
        ``"unknown"``, ``"revoked"`` or ``"expired"``; the message says it in
        plain words ("this link expired on 2026-11-29 14:00 UTC").
    at : datetime or None
        When it was revoked or expired.
    """

    def __init__(self, reason: str, message: str, at: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.at = at


class DraftInUse(StoreError):
    """Another writer (browser tab) holds this working copy and was seen recently.

    Attributes
    ----------
    writer : str
        The writer holding it.
    seen_at : datetime
        When it was last seen (UTC).
    """

    def __init__(self, message: str, writer: str, seen_at: datetime) -> None:
        super().__init__(message)
        self.writer = writer
        self.seen_at = seen_at


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------
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


@dataclass(frozen=True)
class ShareLink:
    """A read-only link to one scenario.

    Parameters
    ----------
    token : str
        The secret in the link's URL.
    scenario_id : str
    version : int or None
        The version it opens; None opens the latest version of the scenario.
    created_by : str
    created_at : datetime
    expires_at, revoked_at : datetime or None
    include_people : bool
        Whether exports from the link may include people-level data (names,
        salaries); False unless its creator chose otherwise.
    """

    token: str
    scenario_id: str
    version: int | None
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    include_people: bool

    def state_at(self, now: datetime) -> str:
        """``"revoked"``, ``"expired"`` (at or after ``expires_at``) or ``"active"`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"

    @property
    def state(self) -> str:
        """``"active"``, ``"revoked"`` or ``"expired"``, now.

        Examples
        --------
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> ShareLink("t", "s", None, "a@x.io", at, at, None, False).state
        'expired'
        """
        return self.state_at(_now())


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


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------
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


def _check_writer(value: Any) -> str:
    if (not isinstance(value, str) or not 1 <= len(value) <= MAX_WRITER_CHARS or not value.isprintable()
            or any(c.isspace() for c in value)):
        raise StoreError(f"writer must be 1 to {MAX_WRITER_CHARS} printable characters without spaces, "
                         f"got {_show(value)}")
    return value


def _check_draft_id(value: Any) -> str:
    if not isinstance(value, str) or not _DRAFT_PATTERN.fullmatch(value):
        raise StoreError(f"draft id must be 1 to {MAX_ID_CHARS} letters, digits, '-' or '_', got {_show(value)}")
    return value


def _check_limit(value: Any, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise StoreError(f"limit must be a whole number from 1 to {top:,}, got {_show(value)}")
    return value


def _check_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise StoreError(f"stale_after_s must be a number of seconds >= 0, got {_show(value)}")
    return float(value)


def _bounded(text: Any, what: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (ending in an ellipsis when cut)."""
    text = _check_text(text, what)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _day(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d")


def _minute(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------
class Access:
    """Workspace-aware access to a :class:`~salesops.store.Store`.

    Parameters
    ----------
    store : Store
        The database (its engine, transactions, retries and error messages).
    now : callable, optional
        The clock for membership, link, audit and lease times and for expiry
        and staleness checks (default: the current UTC time); tests pass
        their own. Version timestamps come from the store.

    Notes
    -----
    Every method runs in one transaction of the store, with the permission
    check first: a :class:`PermissionDenied` (or any other error) leaves the
    database as it was. Errors are :class:`~salesops.store.StoreError`\\ s:
    PermissionDenied, :class:`LinkUnavailable`, :class:`DraftInUse`,
    :class:`~salesops.store.UnknownScenario`,
    :class:`~salesops.store.VersionConflict`, and the store's database errors.
    """

    def __init__(self, store: Store, *, now: Callable[[], datetime] | None = None) -> None:
        if not isinstance(store, Store):
            raise StoreError(f"expected a Store, got {type(store).__name__}")
        self.store = store
        self._clock = now or _now

    def __repr__(self) -> str:
        return f"Access({self.store!r})"

    def _now(self) -> datetime:
        value = self._clock()
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise StoreError(f"the clock must return a time-zone aware datetime, got {value!r}")
        return value.astimezone(timezone.utc)

    # ----- helpers in a transaction --------------------------------------
    @staticmethod
    def _role_in(conn: Connection, email: str, workspace_id: str, *, lock: bool = False) -> str | None:
        query = sa.select(_MEMBERS.c.role).where(_MEMBERS.c.workspace_id == workspace_id,
                                                 _MEMBERS.c.email == email)
        if lock:  # PostgreSQL: a concurrent removal waits for this transaction (SQLite: BEGIN IMMEDIATE)
            query = query.with_for_update(read=True)
        return conn.execute(query).scalar()

    def _require_workspace(self, conn: Connection, actor: str, workspace_id: str, need: str, verb: str,
                           *, lock: bool = False) -> str:
        """The actor's role in the workspace, at least ``need``; else PermissionDenied naming ``verb``."""
        role = self._role_in(conn, actor, workspace_id, lock=lock)
        if role is None:
            raise PermissionDenied(f"you ({actor}) are not a member of workspace {_show(workspace_id)}, "
                                   f"so you cannot {verb}")
        if _RANK[role] < _RANK[need]:
            raise PermissionDenied(f"you ({actor}) are a{'n' if role == 'editor' else ''} {role} of workspace "
                                   f"{_show(workspace_id)}: only {self._who(need)} can {verb}")
        return role

    @staticmethod
    def _who(need: str) -> str:
        return {"viewer": "members", "editor": "editors and owners", "owner": "owners"}[need]

    def _require_scenario(self, conn: Connection, actor: str, scenario_id: str, need: str, verb: str,
                          *, lock: bool = False, nothing: str = "") -> tuple[str, str]:
        """(workspace id, role) of the actor for a scenario, with a role of at least ``need``.

        Raises UnknownScenario for an id that does not exist, PermissionDenied for
        a local-mode scenario or one of a workspace the actor is not (enough of) a member of.
        """
        tail = f"; {nothing}" if nothing else ""
        row = conn.execute(sa.select(_SCENARIOS.c.workspace_id)
                           .where(_SCENARIOS.c.id == scenario_id)).first()
        if row is None:
            raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
        workspace_id = row.workspace_id
        if workspace_id is None:
            raise PermissionDenied(f"scenario {_show(scenario_id)} is a local scenario in no workspace: you "
                                   f"({actor}) cannot {verb} it{tail}")
        role = self._role_in(conn, actor, workspace_id, lock=lock)
        if role is None:
            raise PermissionDenied(f"you ({actor}) are not a member of the workspace of scenario "
                                   f"{_show(scenario_id)}, so you cannot {verb} it{tail}")
        if _RANK[role] < _RANK[need]:
            raise PermissionDenied(f"you ({actor}) are a{'n' if role == 'editor' else ''} {role} of the workspace "
                                   f"of scenario {_show(scenario_id)}: only {self._who(need)} can {verb} it{tail}")
        return workspace_id, role

    def _audit(self, conn: Connection, action: str, actor: str, *, workspace_id: str | None = None,
               scenario_id: str | None = None, version: int | None = None, detail: str = "") -> None:
        conn.execute(sa.insert(_AUDIT).values(
            at=self._now(), actor=actor, action=action, workspace_id=workspace_id, scenario_id=scenario_id,
            version=version, detail=_bounded(detail, "detail", MAX_DETAIL_CHARS)))

    def _write(self, work: Callable[[Connection], Any], what: str) -> Any:
        return self.store._run(work, write=True, what=what)

    def _read(self, work: Callable[[Connection], Any], what: str) -> Any:
        return self.store._run(work, write=False, what=what)

    # ----- workspaces and members -----------------------------------------
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
            conn.execute(sa.insert(_WORKSPACES).values(workspace_id=made.workspace_id, name=name,
                                                       created_at=now, created_by=actor))
            conn.execute(sa.insert(_MEMBERS).values(workspace_id=made.workspace_id, email=actor, role="owner",
                                                    added_at=now, added_by=actor))
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
                .order_by(_WORKSPACES.c.name, _WORKSPACES.c.workspace_id)).all()
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
            rows = conn.execute(sa.select(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id)
                                .order_by(order, _MEMBERS.c.email)).all()
            return [Member(r.workspace_id, r.email, r.role, r.added_at, r.added_by) for r in rows]

        return self._read(work, "cannot list the members")

    def _owners_locked(self, conn: Connection, workspace_id: str) -> list[str]:
        """The owners' e-mails, their rows locked on PostgreSQL (two demotions cannot both pass)."""
        return list(conn.execute(
            sa.select(_MEMBERS.c.email).where(_MEMBERS.c.workspace_id == workspace_id,
                                              _MEMBERS.c.role == "owner").with_for_update()).scalars())

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
            existing = conn.execute(sa.select(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id,
                                                              _MEMBERS.c.email == email)).first()
            if existing is not None:
                if existing.role == "owner" and role != "owner" and owners == [email]:
                    raise PermissionDenied(f"{email} is the only owner of workspace {_show(workspace_id)} and "
                                           f"cannot become a{'n' if role == 'editor' else ''} {role}; "
                                           "make someone else an owner first")
                if existing.role != role:
                    conn.execute(sa.update(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id,
                                                           _MEMBERS.c.email == email).values(role=role))
                    self._audit(conn, "member added", actor, workspace_id=workspace_id,
                                detail=f"{email}: {existing.role} -> {role}")
                return Member(workspace_id, email, role, existing.added_at, existing.added_by)
            now = self._now()
            conn.execute(sa.insert(_MEMBERS).values(workspace_id=workspace_id, email=email, role=role,
                                                    added_at=now, added_by=actor))
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
                raise PermissionDenied(f"{email} is the only owner of workspace {_show(workspace_id)} and cannot "
                                       "be removed; make someone else an owner first")
            conn.execute(sa.delete(_MEMBERS).where(_MEMBERS.c.workspace_id == workspace_id,
                                                   _MEMBERS.c.email == email))
            self._audit(conn, "member removed", actor, workspace_id=workspace_id, detail=f"{email} ({role})")

        self._write(work, "cannot remove the member")

    # ----- scenarios --------------------------------------------------------
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
        return self._read(lambda conn: self._require_scenario(conn, actor, scenario_id, role, verb)[0],
                          f"cannot read scenario {_show(scenario_id)}")

    def create_scenario(self, workspace_id: str, scenario: Scenario, *, actor: str, name: str | None = None,
                        note: str = "") -> VersionInfo:
        """Save ``scenario`` as version 1 of a new scenario of the workspace, owned by ``actor``.

        As :meth:`Store.create <salesops.store.Store.create>`; editors and owners only.
        """
        actor = normalize_email(actor, "actor")
        workspace_id = _check_workspace_id(workspace_id)
        scenario, name, note, _ = Store._check_create(scenario, name, note, None)

        def work(conn: Connection) -> VersionInfo:
            self._require_workspace(conn, actor, workspace_id, "editor", "save scenarios in it; nothing was saved",
                                    lock=True)
            info = self.store._create_in(conn, scenario, name, note, None, workspace_id=workspace_id, owner=actor)
            self._audit(conn, "saved", actor, workspace_id=workspace_id, scenario_id=info.scenario_id,
                        version=1, detail=f"new scenario: {name}")
            return info

        return self._write(work, "cannot save the scenario")

    def save_version(self, scenario_id: str, scenario: Scenario, *, base_version: int, actor: str,
                     note: str = "") -> VersionInfo:
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
            workspace_id, _ = self._require_scenario(conn, actor, scenario_id, "editor", "save a version of",
                                                     lock=True, nothing="nothing was saved")
            info = self.store._save_in(conn, scenario_id, scenario, base, note, saved_by=actor)
            self._audit(conn, "saved", actor, workspace_id=workspace_id, scenario_id=scenario_id,
                        version=info.version, detail=info.name)
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
        query = (sa.select(_SCENARIOS, Store._versions_count().label("versions"))
                 .join(_MEMBERS, sa.and_(_MEMBERS.c.workspace_id == _SCENARIOS.c.workspace_id,
                                         _MEMBERS.c.email == actor)))
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
        query = (sa.select(*_INFO_COLUMNS)
                 .join(_SCENARIOS, _SCENARIOS.c.id == _VERSIONS.c.scenario_id)
                 .join(_MEMBERS, sa.and_(_MEMBERS.c.workspace_id == _SCENARIOS.c.workspace_id,
                                         _MEMBERS.c.email == actor))
                 .order_by(_VERSIONS.c.created_at.desc(), _VERSIONS.c.version.desc()).limit(limit))
        return self._read(lambda conn: [Store._info(r) for r in conn.execute(query)],
                          "cannot list the saved versions")

    def local_scenarios(self, limit: int = 500) -> list[ScenarioInfo]:
        """Local-mode scenarios only (in no workspace), most recently updated first; for local-mode listings."""
        limit = _check_limit(limit, MAX_LIST)
        query = (sa.select(_SCENARIOS, Store._versions_count().label("versions"))
                 .where(_SCENARIOS.c.workspace_id.is_(None))
                 .order_by(_SCENARIOS.c.updated_at.desc(), _SCENARIOS.c.id).limit(limit))
        return self._read(lambda conn: [Store._scenario_info(r) for r in conn.execute(query)],
                          "cannot list the saved scenarios")

    # ----- share links ------------------------------------------------------
    @staticmethod
    def _link(row: Any) -> ShareLink:
        return ShareLink(token=row.token, scenario_id=row.scenario_id,
                         version=None if row.version is None else int(row.version), created_by=row.created_by,
                         created_at=row.created_at, expires_at=row.expires_at, revoked_at=row.revoked_at,
                         include_people=bool(row.include_people))

    def create_link(self, scenario_id: str, *, actor: str, version: int | None,
                    expires_at: datetime | None = None, include_people: bool = False) -> ShareLink:
        """A new read-only link to one version of a scenario (the latest, whichever it is, when None).

        Parameters
        ----------
        scenario_id : str
        actor : str
            An editor or owner of the scenario's workspace.
        version : int or None
            A version that exists, or None for "the latest version of this scenario".
        expires_at : datetime, optional
            Time-zone aware, in the future; the link stops working then.
        include_people : bool
            Whether exports from the link may include names and salaries (default False).
        """
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)
        if version is not None:
            version = _check_version(version, "version")
        if expires_at is not None and (not isinstance(expires_at, datetime) or expires_at.tzinfo is None):
            raise StoreError(f"expires_at must be a time-zone aware datetime, got {_show(expires_at)}")
        if not isinstance(include_people, bool):
            raise StoreError(f"include_people must be True or False, got {_show(include_people)}")

        def work(conn: Connection) -> ShareLink:
            workspace_id, _ = self._require_scenario(conn, actor, scenario_id, "editor", "share",
                                                     lock=True, nothing="no link was made")
            if version is not None:
                self.store._load_in(conn, scenario_id, version)  # raises UnknownScenario naming the versions
            now = self._now()
            if expires_at is not None and expires_at <= now:
                raise StoreError(f"expires_at must be in the future, got {_minute(expires_at)}; no link was made")
            link = ShareLink(token=secrets.token_urlsafe(LINK_TOKEN_BYTES), scenario_id=scenario_id,
                             version=version, created_by=actor, created_at=now,
                             expires_at=None if expires_at is None else expires_at.astimezone(timezone.utc),
                             revoked_at=None, include_people=include_people)
            conn.execute(sa.insert(_LINKS).values(
                token=link.token, scenario_id=scenario_id, version=version, created_by=actor, created_at=now,
                expires_at=link.expires_at, revoked_at=None, revoked_by=None, include_people=include_people))
            what = "latest version" if version is None else f"version {version}"
            extra = (f", expires {_minute(link.expires_at)}" if link.expires_at else "") + (
                ", with people-level data" if include_people else "")
            self._audit(conn, "shared", actor, workspace_id=workspace_id, scenario_id=scenario_id,
                        version=version, detail=f"read-only link to the {what}{extra}")
            return link

        return self._write(work, f"cannot share scenario {_show(scenario_id)}")

    def _unavailable(self, row: Any, now: datetime) -> LinkUnavailable | None:
        if row is None:
            return LinkUnavailable("unknown", "this link does not exist")
        if row.revoked_at is not None:
            return LinkUnavailable("revoked", f"this link was revoked by its owner on {_day(row.revoked_at)}",
                                   row.revoked_at)
        if row.expires_at is not None and now >= row.expires_at:
            return LinkUnavailable("expired", f"this link expired on {_minute(row.expires_at)}", row.expires_at)
        return None

    @staticmethod
    def _check_token(token: Any) -> str:
        if not isinstance(token, str) or not _TOKEN_PATTERN.fullmatch(token):
            raise LinkUnavailable("unknown", "this link does not exist")
        return token

    def open_link(self, token: str, *, actor: str | None = None) -> tuple[ShareLink, SavedVersion]:
        """The link and the version it opens, for anyone holding the token; records "link opened".

        Parameters
        ----------
        token : str
        actor : str, optional
            The signed-in user opening it, for the audit trail (default: anyone with the link).

        Raises
        ------
        LinkUnavailable
            ``reason`` "unknown" (also for a malformed token), "revoked" or "expired".

        Notes
        -----
        On a read-only database the link opens and nothing is recorded.
        """
        token = self._check_token(token)
        who = ANONYMOUS if actor is None else normalize_email(actor, "actor")
        write = not self.store.read_only

        def work(conn: Connection) -> tuple[ShareLink, VersionInfo, str]:
            row = conn.execute(sa.select(_LINKS).where(_LINKS.c.token == token)).first()
            refused = self._unavailable(row, self._now())
            if refused is not None:
                raise refused
            info, body = self.store._load_in(conn, row.scenario_id, row.version)
            if write:
                workspace_id = conn.execute(sa.select(_SCENARIOS.c.workspace_id)
                                            .where(_SCENARIOS.c.id == row.scenario_id)).scalar()
                self._audit(conn, "link opened", who, workspace_id=workspace_id, scenario_id=row.scenario_id,
                            version=info.version, detail=f"link {token[:6]}\u2026")
            return self._link(row), info, body

        link, info, body = self.store._run(work, write=write, what="cannot open the link")
        return link, self.store._saved(info, body)

    def revoke_link(self, token: str, *, actor: str) -> ShareLink:
        """Revoke a link: it stops working at once. Owners of the workspace, or the link's creator.

        Revoking a revoked link changes nothing. Returns the link as it is now.

        Raises
        ------
        LinkUnavailable
            If there is no such link (reason "unknown").
        PermissionDenied
            If ``actor`` is neither.
        """
        actor = normalize_email(actor, "actor")
        token = self._check_token(token)

        def work(conn: Connection) -> ShareLink:
            row = conn.execute(sa.select(_LINKS).where(_LINKS.c.token == token).with_for_update()).first()
            if row is None:
                raise LinkUnavailable("unknown", "this link does not exist")
            workspace_id = conn.execute(sa.select(_SCENARIOS.c.workspace_id)
                                        .where(_SCENARIOS.c.id == row.scenario_id)).scalar()
            role = None if workspace_id is None else self._role_in(conn, actor, workspace_id, lock=True)
            if role != "owner" and row.created_by != actor:
                raise PermissionDenied(f"you ({actor}) cannot revoke this link of scenario {_show(row.scenario_id)}: "
                                       "only its creator and the owners of its workspace can; nothing was changed")
            if row.revoked_at is not None:
                return self._link(row)
            now = self._now()
            conn.execute(sa.update(_LINKS).where(_LINKS.c.token == token).values(revoked_at=now, revoked_by=actor))
            self._audit(conn, "revoked", actor, workspace_id=workspace_id, scenario_id=row.scenario_id,
                        version=row.version, detail=f"link {token[:6]}\u2026")
            return self._link(_Values(row, revoked_at=now))

        return self._write(work, "cannot revoke the link")

    def links_of(self, scenario_id: str, *, actor: str) -> list[ShareLink]:
        """Every link of a scenario (active, revoked and expired), newest first; editors and owners only."""
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)

        def work(conn: Connection) -> list[ShareLink]:
            self._require_scenario(conn, actor, scenario_id, "editor", "see the share links of")
            rows = conn.execute(sa.select(_LINKS).where(_LINKS.c.scenario_id == scenario_id)
                                .order_by(_LINKS.c.created_at.desc(), _LINKS.c.token)).all()
            return [self._link(r) for r in rows]

        return self._read(work, f"cannot list the links of {_show(scenario_id)}")

    def fork_link(self, token: str, workspace_id: str, *, actor: str, scenario: Scenario | None = None,
                  name: str | None = None, note: str = "") -> VersionInfo:
        """"Make an editable copy": a new scenario in the actor's workspace from what a link opens.

        The copy is version 1 of a new scenario of ``workspace_id`` (the actor
        must be an editor or owner there), branched from the linked version;
        the shared scenario is never changed. Records "forked" in the shared
        scenario's workspace and "saved" in the actor's.

        Parameters
        ----------
        token : str
        workspace_id : str
            The actor's own workspace.
        actor : str
        scenario : Scenario, optional
            The content to save (default: the linked version as it is).
        name, note : str
            As :meth:`create_scenario`.
        """
        actor = normalize_email(actor, "actor")
        token = self._check_token(token)
        workspace_id = _check_workspace_id(workspace_id)
        if scenario is not None:
            scenario = _check_scenario(scenario)
        _check_text(note, "note")

        def work(conn: Connection) -> VersionInfo:
            self._require_workspace(conn, actor, workspace_id, "editor", "save a copy in it; nothing was saved",
                                    lock=True)
            row = conn.execute(sa.select(_LINKS).where(_LINKS.c.token == token)).first()
            refused = self._unavailable(row, self._now())
            if refused is not None:
                raise refused
            info, body = self.store._load_in(conn, row.scenario_id, row.version)
            content = scenario if scenario is not None else self.store._saved(info, body).scenario
            copy, copy_name, copy_note, parent = Store._check_create(content, name, note,
                                                                     (info.scenario_id, info.version))
            made = self.store._create_in(conn, copy, copy_name, copy_note, parent, workspace_id=workspace_id,
                                         owner=actor)
            source_ws = conn.execute(sa.select(_SCENARIOS.c.workspace_id)
                                     .where(_SCENARIOS.c.id == row.scenario_id)).scalar()
            self._audit(conn, "forked", actor, workspace_id=source_ws, scenario_id=info.scenario_id,
                        version=info.version, detail="an editable copy was made from a share link")
            self._audit(conn, "saved", actor, workspace_id=workspace_id, scenario_id=made.scenario_id, version=1,
                        detail=f"copy of a shared scenario: {copy_name}")
            return made

        return self._write(work, "cannot make an editable copy")

    # ----- audit --------------------------------------------------------------
    def record(self, action: str, *, actor: str | None, workspace_id: str | None = None,
               scenario_id: str | None = None, version: int | None = None, detail: str = "") -> None:
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
                row = conn.execute(sa.select(_SCENARIOS.c.workspace_id)
                                   .where(_SCENARIOS.c.id == scenario_id)).first()
                if row is None:
                    raise UnknownScenario(f"unknown scenario {_show(scenario_id)}")
                if ws is not None and row.workspace_id != ws:
                    raise StoreError(f"scenario {_show(scenario_id)} is not in workspace {_show(ws)}")
                ws = row.workspace_id
            elif ws is not None and conn.execute(sa.select(_WORKSPACES.c.workspace_id)
                                                 .where(_WORKSPACES.c.workspace_id == ws)).first() is None:
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
            rows = conn.execute(sa.select(_AUDIT).where(_AUDIT.c.workspace_id == workspace_id)
                                .order_by(_AUDIT.c.at.desc(), _AUDIT.c.id.desc()).limit(limit)).all()
            return [AuditEvent(at=r.at, actor=r.actor, action=r.action, workspace_id=r.workspace_id,
                               scenario_id=r.scenario_id, version=None if r.version is None else int(r.version),
                               detail=r.detail) for r in rows]

        return self._read(work, "cannot read the audit trail")

    # ----- working-copy leases ------------------------------------------------
    def _check_lease(self, row: Any, writer: str, take_over: bool, stale_after_s: float, now: datetime) -> None:
        if row is None or take_over or row.writer is None or row.writer == writer:
            return
        seen = row.writer_seen_at
        if seen is not None and now - seen < timedelta(seconds=stale_after_s):
            ago = max(0, int((now - seen).total_seconds()))
            raise DraftInUse(f"this working copy is open in another tab or window (last active {ago} s ago); "
                             "open a copy of it, or take it over", writer=row.writer, seen_at=seen)

    def claim_draft(self, draft_id: str, writer: str, *, take_over: bool = False,
                    stale_after_s: float = STALE_AFTER_S) -> None:
        """Become the one live writer of a working copy.

        Parameters
        ----------
        draft_id : str
        writer : str
            Who writes (e.g. a browser tab's id); up to 128 printable characters.
        take_over : bool
            Claim it even if another writer was seen recently (that writer's
            next :meth:`touch_draft` returns False).
        stale_after_s : float
            A writer not seen for this long no longer holds the working copy.

        Raises
        ------
        DraftInUse
            If another writer was seen less than ``stale_after_s`` ago and not ``take_over``.

        Notes
        -----
        A draft id with no draft yet has nothing to claim: its first
        :meth:`put_draft` creates it claimed by its writer.
        """
        draft_id = _check_draft_id(draft_id)
        writer = _check_writer(writer)
        stale = _check_seconds(stale_after_s)

        def work(conn: Connection) -> None:
            row = conn.execute(sa.select(_DRAFTS.c.writer, _DRAFTS.c.writer_seen_at)
                               .where(_DRAFTS.c.id == draft_id).with_for_update()).first()
            if row is None:
                return
            now = self._now()
            self._check_lease(row, writer, take_over, stale, now)
            conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == draft_id)
                         .values(writer=writer, writer_seen_at=now))

        self._write(work, "cannot claim the working copy")

    def touch_draft(self, draft_id: str, writer: str) -> bool:
        """Mark ``writer`` as still active on the working copy; False if it is no longer its writer."""
        draft_id = _check_draft_id(draft_id)
        writer = _check_writer(writer)

        def work(conn: Connection) -> bool:
            return conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == draft_id, _DRAFTS.c.writer == writer)
                                .values(writer_seen_at=self._now())).rowcount == 1

        return self._write(work, "cannot update the working copy")

    def put_draft(self, scenario: Scenario, *, writer: str, draft_id: str | None = None,
                  base: tuple[str, int] | None = None, stale_after_s: float = STALE_AFTER_S) -> str:
        """:meth:`Store.put_draft <salesops.store.Store.put_draft>` by a writer, in one transaction with its lease.

        Writes the working copy and marks ``writer`` as its writer, seen now,
        unless another writer holds it (then :class:`DraftInUse`, and nothing is written).
        """
        scenario = _check_scenario(scenario)
        writer = _check_writer(writer)
        stale = _check_seconds(stale_after_s)
        chosen = _new_id() if draft_id is None else _check_draft_id(draft_id)
        base_ref = None if base is None else _check_ref(base, "base")
        body = scenario.to_json(indent=None)

        def work(conn: Connection) -> str:
            row = conn.execute(sa.select(_DRAFTS.c.writer, _DRAFTS.c.writer_seen_at)
                               .where(_DRAFTS.c.id == chosen).with_for_update()).first()
            now = self._now()
            self._check_lease(row, writer, False, stale, now)
            values = {"body": body, "updated_at": _now(), "writer": writer, "writer_seen_at": now,
                      "base_scenario_id": base_ref[0] if base_ref else None,
                      "base_version": base_ref[1] if base_ref else None}
            if row is None:
                conn.execute(sa.insert(_DRAFTS).values(id=chosen, **values))
            else:
                conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == chosen).values(**values))
            return chosen

        return self._write(work, "cannot save the draft")


class _Values:
    """A row with some values replaced."""

    def __init__(self, row: Any, **changes: Any) -> None:
        self.__dict__.update(row._asdict())
        self.__dict__.update(changes)
