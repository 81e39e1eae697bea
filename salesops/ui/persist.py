"""Saving, sharing and restoring the working scenario from the app.

URL parameters, all validated as untrusted input:

- ``?w=<draft id>``: the auto-saved working copy of a session. Every change is
  written to the database, so a refresh or a dropped connection loses nothing.
- ``?s=<scenario id>&v=<version>``: a saved version, opened read-only until the
  viewer makes an editable copy. Ids are random (96 bits), so they cannot be guessed.
- ``?z=<token>``: a small scenario carried in the link itself, for use without a
  database (:mod:`salesops.share`).

A bad or unknown parameter gives a clear message and the default scenario,
never a traceback. When the database cannot be reached the app keeps working;
saving is then off and the sidebar says why.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import streamlit as st

from salesops import share
from salesops.store import (
    DEFAULT_URL,
    Store,
    StoreError,
    UnknownScenario,
    VersionConflict,
    VersionInfo,
)
from salesops.ui import state

__all__ = [
    "conflict",
    "fork",
    "leave_shared_view",
    "init_session",
    "notice",
    "open_version",
    "ref",
    "save",
    "save_branch",
    "share_links",
    "store",
    "store_error",
    "sync",
]

_REF, _DRAFT, _INIT, _SYNCED = "persist:ref", "persist:draft", "persist:init", "persist:synced_rev"
_NOTICE, _CONFLICT = "persist:notice", "persist:conflict"


@st.cache_resource(show_spinner=False)
def _store_for(url: str | None) -> Store:
    # st.connection caches the engine per URL for every session; the Store on top
    # creates or upgrades the schema once per process.
    conn = st.connection("sql", url=url) if url else st.connection("sql")
    return Store(conn.engine)


def _configured_url() -> str | None:
    """SALESOPS_DATABASE_URL, else None when secrets.toml configures [connections.sql]."""
    env = os.environ.get("SALESOPS_DATABASE_URL")
    if env:
        return env
    try:
        if "connections" in st.secrets and "sql" in st.secrets["connections"]:
            return None
    except Exception:  # no secrets.toml at all: the embedded default
        pass
    return DEFAULT_URL


def store() -> Store | None:
    """The app's store, or None (with :func:`store_error` set) when it cannot be opened."""
    try:
        return _store_for(_configured_url())
    except Exception as exc:  # a bad URL or an unreachable server must not break the app
        st.session_state["persist:store_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return None


def store_error() -> str | None:
    return st.session_state.get("persist:store_error")


def ref() -> tuple[str, int] | None:
    """(scenario id, version) of the saved version the working copy continues, if any."""
    return st.session_state.get(_REF)


def notice() -> tuple[str, str] | None:
    """A one-off message for the page (level, text), cleared once read."""
    return st.session_state.pop(_NOTICE, None)


def _notify(level: str, text: str) -> None:
    st.session_state[_NOTICE] = (level, text)


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value if isinstance(value, str) and value else None


def init_session() -> None:
    """On a session's first run, rebuild the scenario its URL names (s, z or w)."""
    if st.session_state.get(_INIT):
        return
    st.session_state[_INIT] = True
    state.current()  # the default scenario, kept if the link fails
    if _param("s"):
        _open_shared(_param("s"), _param("v"))
    elif _param("z"):
        try:
            scenario = share.decode(_param("z"))
        except share.ShareError as exc:
            _notify("error", f"This link could not be opened: {exc}. Showing the default scenario instead.")
            _clear_params("z")
            return
        state.reset(scenario, "Opened a shared link")
        st.session_state[state.READONLY] = True
        _notify("info", f"You are viewing **{scenario.name}** from a shared link, read-only. Make an editable "
                        "copy in the sidebar (Save & share) to change it.")
    elif _param("w"):
        db = store()
        draft = db.get_draft(_param("w")) if db is not None else None
        if draft is None:
            _notify("warning", "The working copy in this link was not found (or saving is off); starting from "
                               "the default scenario.")
            _clear_params("w")
            return
        state.reset(draft.scenario, "Restored your working copy")
        st.session_state[_DRAFT] = draft.draft_id
        if draft.base_scenario_id and draft.base_version:
            st.session_state[_REF] = (draft.base_scenario_id, draft.base_version)
        st.session_state[_SYNCED] = state.revision()


def _open_shared(scenario_id: str, version: str | None) -> None:
    db = store()
    if db is None:
        _notify("error", "This link points to a saved scenario, but the database cannot be reached. Showing the "
                         "default scenario instead.")
        return
    number: int | None = None
    if version is not None:
        if not version.isdigit() or not 0 < int(version) < 10**9:
            _notify("error", f"The link's version {version[:20]!r} is not a version number. Showing the default "
                             "scenario instead.")
            _clear_params("s", "v")
            return
        number = int(version)
    try:
        saved = db.load(scenario_id[:100], number)
    except UnknownScenario as exc:
        _notify("error", f"This link does not open a saved scenario: {exc}. Showing the default scenario instead.")
        _clear_params("s", "v")
        return
    except StoreError as exc:
        _notify("error", f"The saved scenario could not be read: {exc}. Showing the default scenario instead.")
        return
    state.reset(saved.scenario, f"Opened version {saved.info.version} of '{saved.info.name}'")
    st.session_state[state.READONLY] = True
    st.session_state[_REF] = (saved.info.scenario_id, saved.info.version)
    _notify("info", f"You are viewing **{saved.info.name}**, version {saved.info.version} "
                    f"({saved.info.created_at:%Y-%m-%d %H:%M} UTC), read-only. Make an editable copy in the sidebar "
                    "(Save & share) to change it.")


def _clear_params(*names: str) -> None:
    for name in names:
        if name in st.query_params:
            del st.query_params[name]


def fork() -> None:
    """Turn a read-only shared view into the session's own editable working copy."""
    st.session_state[state.READONLY] = False
    _clear_params("s", "v", "z")
    st.session_state[_DRAFT] = None
    st.session_state[_SYNCED] = -1  # write a draft now
    _notify("success", "This is now your own editable copy; the shared version is unchanged.")


def leave_shared_view() -> None:
    """Loading another scenario (a sample, an import) ends a read-only view."""
    if state.readonly():
        st.session_state[state.READONLY] = False
        st.session_state[_REF] = None
        _clear_params("s", "v", "z")


def sync() -> None:
    """Auto-save the working copy when it changed (called once at the end of every run)."""
    if state.readonly() or st.session_state.get(_SYNCED) == state.revision():
        return
    if st.session_state.get(_SYNCED) is None and state.revision() == 0:
        st.session_state[_SYNCED] = 0  # an untouched default: nothing to keep yet
        return
    db = store()
    if db is None:
        return
    try:
        draft_id = db.put_draft(state.current(), draft_id=st.session_state.get(_DRAFT), base=ref())
    except StoreError as exc:
        _notify("warning", f"Auto-save failed ({exc}); your work is still here, and Save will retry.")
        return
    st.session_state[_DRAFT] = draft_id
    st.session_state[_SYNCED] = state.revision()
    if _param("w") != draft_id:
        st.query_params["w"] = draft_id


def save(name: str, note: str) -> VersionInfo | None:
    """Save the working copy as a new version (or a new scenario); conflicts are kept for the UI."""
    db = store()
    if db is None:
        return None
    scenario = state.current()
    if name.strip() and name.strip() != scenario.name:
        scenario = scenario.renamed(name.strip())
    current_ref = ref()
    try:
        if current_ref is None:
            info = db.create(scenario, name=scenario.name, note=note)
        else:
            info = db.save(current_ref[0], scenario, base_version=current_ref[1], note=note)
    except VersionConflict as exc:
        st.session_state[_CONFLICT] = exc.latest
        return None
    st.session_state.pop(_CONFLICT, None)
    st.session_state[_REF] = (info.scenario_id, info.version)
    if scenario != state.current():
        state.commit(scenario, f"Renamed to '{scenario.name}'")
    st.session_state[_SYNCED] = -1
    return info


def conflict() -> VersionInfo | None:
    return st.session_state.get(_CONFLICT)


def save_branch(name: str, note: str) -> VersionInfo | None:
    """After a conflict: save the working copy as a new scenario branching from its base."""
    db = store()
    current_ref = ref()
    if db is None or current_ref is None:
        return None
    scenario = state.current().renamed(name.strip() or f"{state.current().name} (branch)")
    info = db.branch(current_ref[0], scenario, from_version=current_ref[1], name=scenario.name, note=note)
    st.session_state.pop(_CONFLICT, None)
    st.session_state[_REF] = (info.scenario_id, info.version)
    state.commit(scenario, f"Saved as branch '{scenario.name}'")
    st.session_state[_SYNCED] = -1
    return info


def open_version(scenario_id: str, version: int, *, as_latest: bool = False) -> None:
    """Load a saved version into the working copy (undoable).

    With ``as_latest`` the next save goes on top of the newest version, so an old
    version is restored as a new one instead of conflicting.
    """
    db = store()
    if db is None:
        return
    saved = db.load(scenario_id, version)
    leave_shared_view()
    state.commit(saved.scenario, f"Opened version {version} of '{saved.info.name}'", baseline=True)
    base = db.history(scenario_id)[0].version if as_latest else version
    st.session_state[_REF] = (scenario_id, base)
    st.session_state.pop(_CONFLICT, None)


@lru_cache(maxsize=64)
def _compact(scenario) -> tuple[str | None, str | None]:
    """The compact link token of a scenario, or the reason there is none (memoised: ~80 ms for big orgs)."""
    try:
        return share.encode(scenario), None
    except share.ShareError as exc:
        return None, str(exc)


def share_links() -> dict[str, Any]:
    """Links to the current state: the saved version (if any) and a compact link (if small enough)."""
    base = ""
    try:
        base = str(st.context.url or "").split("?")[0]
    except Exception:
        base = ""
    out: dict[str, Any] = {}
    current_ref = ref()
    if current_ref is not None:
        out["saved"] = f"{base}?s={current_ref[0]}&v={current_ref[1]}"
    token, error = _compact(state.current())
    if token is not None:
        out["compact"] = f"{base}?z={token}"
    else:
        out["compact_error"] = error
    return out

