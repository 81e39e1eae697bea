"""Hosted mode: the signed-in user's workspaces, share links and audit trail in the app.

In hosted mode (:func:`salesops.ui.auth.mode`) the app never talks to the
:class:`~salesops.store.Store` directly on a user's behalf: :class:`ScopedStore`
has the store's reading and saving methods, routed through
:class:`~salesops.store.access.Access` with the signed-in user as the actor and the
workspace chosen in the sidebar. Every page and panel that lists, opens,
compares or saves scenarios therefore sees only what that user may see; a
visitor who has not signed in sees nothing saved at all.

Share links are tokens (``?s=<token>``) that open exactly one version (or the
latest) read-only; their owners revoke them or give them an expiry, and choose
whether people-level data may leave through the link's downloads.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from salesops.store.access import Access, PermissionDenied
from salesops.model.scenario import Scenario
from salesops.store import SavedVersion, ScenarioInfo, Store, VersionInfo
from salesops.ui import auth
from salesops.ui.text import md

__all__ = ["ScopedStore", "active", "audit_panel", "links_panel", "scoped", "workspace", "workspace_picker"]

_LOG = logging.getLogger(__name__)
_WORKSPACE = "hosted:workspace"


def active() -> bool:
    """True in hosted mode."""
    return auth.mode() == "hosted"


class ScopedStore:
    """The :class:`Store` methods the app uses, limited to what ``actor`` may see and do."""

    def __init__(self, store: Store, actor: str | None, workspace_id: str | None) -> None:
        self.store = store
        self.access = Access(store)
        self.actor = actor
        self.workspace_id = workspace_id

    # What is not about saved scenarios goes to the store as it is.
    def __getattr__(self, name: str) -> Any:
        if name in ("read_only", "read_only_reason", "get_draft", "put_draft", "schema_version", "url"):
            return getattr(self.store, name)
        raise AttributeError(name)

    def _who(self, action: str) -> str:
        if self.actor is None:
            raise PermissionDenied(f"sign in to {action}")
        return self.actor

    def create(self, scenario: Scenario, *, name: str | None = None, note: str = "") -> VersionInfo:
        actor = self._who("save")
        if self.workspace_id is None:
            raise PermissionDenied("choose or create a workspace (Save & share) to save in")
        return self.access.create_scenario(self.workspace_id, scenario, actor=actor, name=name, note=note)

    def save(self, scenario_id: str, scenario: Scenario, *, base_version: int, note: str = "") -> VersionInfo:
        return self.access.save_version(
            scenario_id, scenario, base_version=base_version, actor=self._who("save"), note=note
        )

    def branch(
        self, scenario_id: str, scenario: Scenario, *, from_version: int, name: str, note: str = ""
    ) -> VersionInfo:
        workspace_id = self.access.workspace_of(scenario_id) or self.workspace_id
        if workspace_id is None:
            raise PermissionDenied("choose or create a workspace (Save & share) to save in")
        return self.access.create_scenario(
            workspace_id, scenario, actor=self._who("save"), name=name, note=note or f"branch of version {from_version}"
        )

    def load(self, scenario_id: str, version: int | None = None) -> SavedVersion:
        return self.access.load(scenario_id, version, actor=self._who("open saved scenarios"))

    def history(self, scenario_id: str) -> list[VersionInfo]:
        return self.access.history(scenario_id, actor=self._who("open saved scenarios"))

    def list_scenarios(self, limit: int = 500) -> list[ScenarioInfo]:
        return [] if self.actor is None else self.access.list_scenarios(actor=self.actor, limit=limit)

    def recent_versions(self, limit: int = 1000) -> list[VersionInfo]:
        return [] if self.actor is None else self.access.recent_versions(actor=self.actor, limit=limit)


def workspace() -> str | None:
    """The workspace the signed-in user saves in (chosen in Save & share)."""
    return st.session_state.get(_WORKSPACE)


def scoped(store: Store) -> ScopedStore:
    return ScopedStore(store, auth.user(), workspace())


def workspace_picker(store: Store) -> None:
    """Choose the workspace to save in, or create one (Save & share, hosted mode)."""
    actor = auth.user()
    if actor is None:
        return
    access = Access(store)
    mine = access.workspaces_of(actor)
    if mine:
        ids = [w.workspace_id for w, _ in mine]
        names = {w.workspace_id: f"{w.name} ({role})" for w, role in mine}
        if st.session_state.get(_WORKSPACE) not in ids:
            st.session_state[_WORKSPACE] = ids[0]
        st.selectbox(
            "Workspace",
            options=ids,
            format_func=names.get,
            key=_WORKSPACE,
            help="A client engagement: its members see its scenarios; nobody else does.",
        )
    with st.popover("New workspace", icon=":material/add:", width="stretch"):
        st.text_input("Name of the engagement", key="hosted:new_workspace", max_chars=120)
        if st.button("Create", key="hosted:create_workspace"):
            name = (st.session_state.get("hosted:new_workspace") or "").strip()
            if name:
                created = access.create_workspace(name, actor=actor)
                st.session_state[_WORKSPACE] = created.workspace_id
                st.rerun()


def links_panel(store: Store, scenario_id: str, version: int) -> None:
    """Create, list and revoke the share links of a saved scenario (hosted mode)."""
    actor = auth.user()
    if actor is None:
        return
    access = Access(store)
    base = ""
    try:  # the app's start page: a link opens there, whatever page it was made on
        parts = urlsplit(str(st.context.url or ""))
        base = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else ""
    except Exception:  # no request context (tests)
        base = ""
    with st.popover("Share a read-only link", icon=":material/link:", width="stretch"):
        which = st.radio(
            "The link opens", ["this version", "the latest version, whenever it is opened"], key="hosted:link_which"
        )
        days = st.number_input(
            "Expires after (days; 0 = never)", min_value=0, max_value=3650, value=30, key="hosted:link_days"
        )
        people = st.toggle(
            "Let its visitors download names and salaries",
            value=False,
            key="hosted:link_people",
            help="Off: the link's downloads leave people-level data out.",
        )
        if st.button("Create link", key="hosted:create_link", type="primary"):
            expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=int(days))) if days else None
            try:
                access.create_link(
                    scenario_id,
                    actor=actor,
                    version=version if which == "this version" else None,
                    expires_at=expires,
                    include_people=bool(people),
                )
            except PermissionDenied as exc:
                st.error(md(exc))
    try:
        links = access.links_of(scenario_id, actor=actor)
    except PermissionDenied:
        return
    for link in links:
        what = f"version {link.version}" if link.version else "latest version"
        until = f", until {link.expires_at:%Y-%m-%d}" if link.expires_at else ""
        st.caption(f"Link to the {what} ({link.state}{until}{', with people data' if link.include_people else ''})")
        if link.state == "active":
            st.code(f"{base}?s={link.token}", language=None, wrap_lines=True)
            st.button(
                "Revoke", key=f"hosted:revoke:{link.token}", on_click=_revoke, args=(store, link.token), width="stretch"
            )


def _revoke(store: Store, token: str) -> None:
    actor = auth.user()
    if actor is None:
        return
    try:
        Access(store).revoke_link(token, actor=actor)
    except PermissionDenied as exc:
        st.session_state["persist:notice"] = ("error", md(exc))


def audit_panel(store: Store) -> None:
    """Members and the audit trail of the current workspace, for its owners (Saved scenarios page)."""
    actor, ws = auth.user(), workspace()
    if actor is None or ws is None:
        return
    access = Access(store)
    if access.role_of(actor, ws) != "owner":
        return
    st.subheader("Members and audit trail")
    members = access.members(ws, actor=actor)
    st.dataframe(
        [{"E-mail": m.email, "Role": m.role, "Added": f"{m.added_at:%Y-%m-%d}"} for m in members],
        hide_index=True,
        width="stretch",
    )
    left, mid, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    email = left.text_input("Add a member by e-mail", key="hosted:member_email", max_chars=200)
    role = mid.selectbox("Role", ["viewer", "editor", "owner"], key="hosted:member_role")
    if right.button("Add", key="hosted:add_member") and email.strip():
        try:
            access.add_member(ws, email, role, actor=actor)
            st.success(f"{md(email.strip().lower())} is now {role} of this workspace.")
        except Exception as exc:  # a bad address or a refused change: say which
            st.error(md(exc))
    events = access.audit_log(ws, actor=actor, limit=200)
    st.dataframe(
        [
            {
                "When (UTC)": f"{e.at:%Y-%m-%d %H:%M}",
                "Who": e.actor,
                "What": e.action,
                "Version": e.version,
                "Detail": e.detail,
            }
            for e in events
        ],
        hide_index=True,
        width="stretch",
    )
