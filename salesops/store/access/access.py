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

Access is put together from parts by concern, each in its own module:
:mod:`~salesops.store.access.workspaces` (workspaces and members),
:mod:`~salesops.store.access.scenarios` (their scenarios and versions),
:mod:`~salesops.store.access.links`, :mod:`~salesops.store.access.audit` and
:mod:`~salesops.store.access.leases`; :mod:`~salesops.store.access.base` holds the
roles, :class:`PermissionDenied`, the argument checks and the permission checks
they share.

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
salesops.store.access.PermissionDenied: you (bob@example.com) are a viewer of the workspace of scenario '...':
only editors and owners can save a version of it; nothing was saved
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

from datetime import datetime
from typing import Callable

from salesops.store.access.audit import _AuditTrail
from salesops.store.access.leases import _Leases
from salesops.store.access.links import _Opening, _Sharing
from salesops.store.access.scenarios import _Scenarios
from salesops.store.access.workspaces import _Workspaces
from salesops.store.checks import _now
from salesops.store.errors import StoreError
from salesops.store.store import Store


class Access(_Workspaces, _Scenarios, _Sharing, _Opening, _AuditTrail, _Leases):
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
