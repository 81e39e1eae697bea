"""Saving, sharing and restoring the working scenario from the app.

URL parameters, all validated as untrusted input:

- ``?w=<draft id>``: the auto-saved working copy of a session. Every change is
  written to the database, so a refresh or a dropped connection loses nothing.
- ``?s=<scenario id>&v=<version>``: a saved version, opened read-only until the
  viewer makes an editable copy. Ids are random (96 bits), so they cannot be guessed.
- ``?z=<token>``: a small scenario carried in the link itself, for use without a
  database (:mod:`salesops.readwrite.share`).

A bad or unknown parameter gives a clear message and the default scenario,
never a traceback. When the database cannot be reached the app keeps working;
saving is then off and the sidebar says why.

Database failures never reach the user as a traceback: every call into the
store here catches the error, logs it with its detail on the server
(``logging``, logger ``salesops.ui.persist``) and keeps a short message
(:func:`save_error`) that the Save & share panel shows beside the Save button
on the same run, with a toast the first time. A later successful save or
auto-save clears it. Nothing is reported saved unless the store returned from
its commit. When the database is read-only, links still open and saving is
shown as off with the reason.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import secrets
from functools import lru_cache
from typing import Any

import streamlit as st

from salesops.readwrite import share
from salesops.store.access import Access, DraftInUse, LinkUnavailable, PermissionDenied
from salesops.store import (
    DEFAULT_URL,
    Store,
    StoreError,
    UnknownScenario,
    VersionConflict,
    VersionInfo,
)
from salesops.ui import hosted, state
from salesops.ui.guard import stop_page
from salesops.ui.text import md

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
    "save_error",
    "saving_off",
    "share_links",
    "store",
    "store_error",
    "sync",
    "take_new_error",
]

_REF, _DRAFT, _INIT, _SYNCED = "persist:ref", "persist:draft", "persist:init", "persist:synced_rev"
_NOTICE, _CONFLICT = "persist:notice", "persist:conflict"
_WRITER, _IN_USE, _LINKED = "persist:writer", "persist:in_use", "persist:linked"
LINK_PEOPLE = "persist:link_people"  # the link being viewed lets its visitors download people-level data
_STORE_ERROR, _SAVE_ERROR, _SAVE_ERROR_NEW = "persist:store_error", "persist:save_error", "persist:save_error_new"
_SAVE_ERROR_OF = "persist:save_error_of"
_AUTOSAVE, _SAVE, _LOAD = "Auto-save", "Save", "Load"  # what failed, for what a later success clears

log = logging.getLogger(__name__)


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
        db = _store_for(_configured_url())
    except Exception as exc:  # a bad URL or an unreachable server must not break the app
        text = _short(exc)
        if st.session_state.get(_STORE_ERROR) != text:  # once per session and reason, not every run
            log.exception("cannot open the scenario store")
        st.session_state[_STORE_ERROR] = text
        return None
    st.session_state.pop(_STORE_ERROR, None)
    if hosted.active():  # every listing, load and save as the signed-in user, in their workspace
        return hosted.scoped(db)
    return db


def _raw(db: Any) -> Store:
    """The store under a hosted session's scoped view (drafts and links need the store itself)."""
    return getattr(db, "store", db)


def store_error() -> str | None:
    return st.session_state.get(_STORE_ERROR)


def saving_off() -> str | None:
    """Why nothing can be saved although the store opened (a read-only database), else None."""
    db = store()
    if db is None:
        return None
    try:
        return db.read_only_reason
    except Exception:  # a probe of the file system must not break the page
        log.exception("cannot tell whether the database is read-only")
        return None


def save_error() -> str | None:
    """The message of the last failed save, auto-save or load, until a later one succeeds."""
    return st.session_state.get(_SAVE_ERROR)


def take_new_error() -> str | None:
    """The failure message if it was not shown yet (for a one-off toast), else None."""
    if st.session_state.pop(_SAVE_ERROR_NEW, False):
        return save_error()
    return None


def _short(exc: BaseException) -> str:
    """What a user is told about a failure: a StoreError's plain reason, else only that it failed."""
    if isinstance(exc, StoreError):
        text = " ".join(str(getattr(exc, "reason", None) or exc).split())
        return text if len(text) <= 400 else text[:397] + "..."
    return f"an unexpected {type(exc).__name__} (the details are in the server log)"


def _failed(kind: str, exc: BaseException, action: str | None = None) -> str:
    """Log a failure with its detail on the server; keep its short message for the Save & share panel.

    ``kind`` is _AUTOSAVE, _SAVE or _LOAD (what a later success clears), ``action``
    the words for the user (default ``kind``). An auto-save failure does not
    replace a failed Save's message (the auto-save runs after it on the same run).
    """
    action = action or kind
    log.exception("%s failed", action)
    text = f"{action} failed: {_short(exc).rstrip('.')}."
    if kind == _AUTOSAVE:
        if st.session_state.get(_SAVE_ERROR_OF) == _SAVE:  # a failed Save says more; keep it in view
            return st.session_state[_SAVE_ERROR]
        text += " Auto-save keeps trying."
    if st.session_state.get(_SAVE_ERROR) != text:
        st.session_state[_SAVE_ERROR_NEW] = True
    st.session_state[_SAVE_ERROR] = text
    st.session_state[_SAVE_ERROR_OF] = kind
    return text


def _succeeded(kind: str) -> None:
    """Forget the failure a success supersedes: a saved version clears any; otherwise one of the same kind.

    (A working copy auto-saved after a failed Save does not make that version saved.)
    """
    if kind == _SAVE or st.session_state.get(_SAVE_ERROR_OF) == kind:
        for key in (_SAVE_ERROR, _SAVE_ERROR_NEW, _SAVE_ERROR_OF):
            st.session_state.pop(key, None)


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
            _notify("error", f"This link could not be opened: {md(exc)}. Showing the default scenario instead.")
            _clear_params("z")
            return
        state.reset(scenario, "Opened a shared link")
        st.session_state[state.READONLY] = True
        _notify(
            "info",
            f"You are viewing **{md(scenario.name)}** from a shared link, read-only. Make an editable "
            "copy in the sidebar (Save & share) to change it.",
        )
    elif _param("w"):
        db = store()
        try:
            draft = db.get_draft(_param("w")) if db is not None else None
        except Exception as exc:  # the link stays, so that a refresh retries once the database is back
            log.exception("cannot read the working copy of a ?w= link")
            _notify(
                "error",
                f"Your working copy could not be read ({_short(exc)}). Showing the default "
                "scenario; reload the page to try again.",
            )
            return
        if draft is None:
            _notify(
                "warning",
                "The working copy in this link was not found (or saving is off); starting from the default scenario.",
            )
            _clear_params("w")
            return
        if hosted.active() and (
            hosted_user() is None or (draft.writer or "").split(".", 1)[0] != _owner_tag(hosted_user())
        ):
            # A working copy is its writer's: another user (or a visitor who has not signed in) with the
            # same link sees nothing of it and cannot take it over.
            _notify(
                "error",
                "This working copy belongs to another user (or you are signed out): it opens only "
                "for the user who made it. Showing the default scenario instead.",
            )
            _clear_params("w")
            return
        state.reset(draft.scenario, "Restored your working copy")
        st.session_state[_DRAFT] = draft.draft_id
        try:  # one live writer per working copy: a second tab on the same link is told
            Access(_raw(db)).claim_draft(draft.draft_id, writer(), succeeds=_predecessor(draft.writer))
        except DraftInUse as exc:
            st.session_state[_IN_USE] = exc.seen_at
        except Exception:  # a read-only database: nothing will be written anyway
            log.exception("cannot claim the working copy")
        if draft.base_scenario_id and draft.base_version:
            st.session_state[_REF] = (draft.base_scenario_id, draft.base_version)
        st.session_state[_SYNCED] = state.revision()


def _open_shared(scenario_id: str, version: str | None) -> None:
    db = store()
    if db is None:
        _notify(
            "error",
            "This link points to a saved scenario, but the database cannot be reached. Showing the "
            "default scenario instead.",
        )
        return
    if hosted.active() and version is None:  # a share link's token: one version, read-only
        _open_link(db, scenario_id)
        return
    number: int | None = None
    if version is not None:
        if not version.isdigit() or not 0 < int(version) < 10**9:
            _notify(
                "error",
                f"The link's version {version[:20]!r} is not a version number. Showing the default scenario instead.",
            )
            _clear_params("s", "v")
            return
        number = int(version)
    try:
        saved = db.load(scenario_id[:100], number)
    except (UnknownScenario, PermissionDenied) as exc:
        _notify("error", f"This link does not open a saved scenario: {md(exc)}. Showing the default scenario instead.")
        _clear_params("s", "v")
        return
    except Exception as exc:  # the link stays, so that a refresh retries once the database is back
        log.exception("cannot open the saved scenario of a ?s= link")
        _notify(
            "error",
            f"The saved scenario could not be read ({_short(exc)}). Showing the default "
            "scenario instead; reload the page to try again.",
        )
        return
    state.reset(saved.scenario, f"Opened version {saved.info.version} of '{saved.info.name}'")
    st.session_state[state.READONLY] = True
    st.session_state[_REF] = (saved.info.scenario_id, saved.info.version)
    _notify(
        "info",
        f"You are viewing **{md(saved.info.name)}**, version {saved.info.version} "
        f"({saved.info.created_at:%Y-%m-%d %H:%M} UTC), read-only. Make an editable copy in the sidebar "
        "(Save & share) to change it.",
    )


def _open_link(db: Any, token: str) -> None:
    try:
        link, saved = Access(_raw(db)).open_link(token[:100], actor=hosted_user())
    except LinkUnavailable as exc:
        _notify("error", f"{md(exc)[:1].upper()}{md(exc)[1:]}. Showing the default scenario instead.")
        _clear_params("s", "v")
        return
    except Exception as exc:
        log.exception("cannot open a share link")
        _notify(
            "error",
            f"The shared scenario could not be read ({_short(exc)}). Showing the default "
            "scenario instead; reload the page to try again.",
        )
        return
    state.reset(saved.scenario, f"Opened a shared link to '{saved.info.name}'")
    st.session_state[state.READONLY] = True
    st.session_state[_REF] = None  # a link never names a scenario its visitor could save onto
    st.session_state[LINK_PEOPLE] = bool(link.include_people)
    st.session_state[_LINKED] = (saved.info.scenario_id, saved.info.version)  # for the audit trail only
    _notify(
        "info",
        f"You are viewing **{md(saved.info.name)}**, version {saved.info.version}, from a shared "
        "link, read-only. Make an editable copy in the sidebar (Save & share) to work on it.",
    )


def hosted_user() -> str | None:
    from salesops.ui import auth  # noqa: PLC0415

    return auth.user()


def _clear_params(*names: str) -> None:
    for name in names:
        if name in st.query_params:
            del st.query_params[name]


def fork() -> None:
    """Turn a read-only shared view into the session's own editable working copy."""
    st.session_state[state.READONLY] = False
    _clear_params("s", "v", "z")
    # A copy is a new scenario: its first Save creates one, never a version of the shared scenario.
    st.session_state[_REF] = None
    st.session_state.pop(_CONFLICT, None)
    st.session_state[_DRAFT] = None
    st.session_state[_SYNCED] = -1  # write a draft now
    _notify(
        "success",
        "This is now your own editable copy; saving it creates a new scenario and the shared version is unchanged.",
    )


def export_recorder():
    """In hosted mode, a callable that records a download in the audit trail (bound now, run later)."""
    if not hosted.active():
        return None
    db = store()
    if db is None:
        return None
    current = ref() or st.session_state.get(_LINKED)  # a saved version, or the one a link opened
    return functools.partial(
        _record_export, _raw(db), hosted_user(), current[0] if current else None, current[1] if current else None
    )


def _record_export(db: Store, actor: str | None, scenario_id: str | None, version: int | None, kind: str) -> None:
    Access(db).record("exported", actor=actor, scenario_id=scenario_id, version=version, detail=kind)


def people_in_exports() -> bool:
    """May downloads carry people-level data? Not from a shared link, unless its owner allowed it."""
    return not state.readonly() or bool(st.session_state.get(LINK_PEOPLE))


def leave_shared_view() -> None:
    """Loading another scenario (a sample, an import) ends a read-only view."""
    if state.readonly():
        st.session_state[state.READONLY] = False
        st.session_state[_REF] = None
        _clear_params("s", "v", "z")


def _owner_tag(actor: str | None) -> str:
    """Who a hosted working copy belongs to, as written into its writer id (no e-mail in the URL or rows)."""
    return "anon" if actor is None else hashlib.sha256(actor.encode("utf-8")).hexdigest()[:20]


def writer() -> str:
    """This tab's id as the writer of its working copy: random, then the mark of its server session
    (:func:`_tab_mark`); hosted, it starts with the signed-in user's tag (a working copy opens only for them)."""
    tag = _owner_tag(hosted_user()) + "." if hosted.active() else ""
    current = st.session_state.get(_WRITER)
    if current is None or not current.startswith(tag):
        current = st.session_state[_WRITER] = tag + secrets.token_urlsafe(12) + _tab_mark(_session_id())
    return current


_SESSION_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def previous_session(protocols: str | None) -> str | None:
    """The server session a reconnecting browser tab names, from its websocket's ``Sec-WebSocket-Protocol``.

    Streamlit's page sends ``streamlit, <xsrf token>, <last session id>`` when it
    reconnects; only that tab knows the id (it is in no link, cookie or copied tab).
    >>> previous_session("streamlit, tok3n, 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    '1b4e28ba-2fa1-11d2-883f-0016d3cca427'
    >>> previous_session("streamlit, tok3n") is None, previous_session("streamlit, t, a b") is None
    (True, True)
    """
    if not isinstance(protocols, str) or len(protocols) > 4096:
        return None
    parts = [part.strip() for part in protocols.split(",")]
    if len(parts) < 3 or parts[0] != "streamlit" or not _SESSION_ID.fullmatch(parts[2]):
        return None
    return parts[2]


def _tab_mark(session_id: str | None) -> str:
    """A one-way mark of a server session for the writer id ("" without one); the id itself is never stored.
    >>> m = _tab_mark("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    >>> (m.startswith(":"), len(m), m == _tab_mark("1b4e28ba-2fa1-11d2-883f-0016d3cca428"), _tab_mark(None))
    (True, 25, False, '')
    """
    digest = hashlib.sha256(b"salesops-tab:" + (session_id or "").encode("utf-8")).hexdigest()[:24]
    return ":" + digest if session_id else ""


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    return getattr(get_script_run_ctx(), "session_id", None)


def _websocket_protocols() -> str | None:
    try:
        return st.context.headers.get("Sec-WebSocket-Protocol")
    except Exception:  # no websocket (a test harness): not a reconnect
        return None


def _predecessor(holder: str | None) -> str | None:
    """The working copy's writer if it was this very tab on a server that went away (it reconnected here)."""
    mark = _tab_mark(previous_session(_websocket_protocols()))
    return holder if mark and holder and holder.endswith(mark) else None


def in_use():
    """When another tab last wrote this session's working copy, if it holds it; else None."""
    return st.session_state.get(_IN_USE)


def take_over() -> None:
    """Make this tab the writer of the working copy (the other tab is told on its next save)."""
    db = store()
    draft_id = st.session_state.get(_DRAFT)
    if db is None or draft_id is None:
        return
    try:
        Access(_raw(db)).claim_draft(draft_id, writer(), take_over=True)
    except Exception as exc:
        _failed(_AUTOSAVE, exc, "Taking over the working copy")
        return
    st.session_state.pop(_IN_USE, None)
    st.session_state[_SYNCED] = -1  # write this tab's scenario now
    _notify("success", "This tab now writes the working copy; the other tab is told when it next saves.")


def continue_as_copy() -> None:
    """Keep this tab's scenario as a new working copy of its own (a new ``?w=`` link)."""
    st.session_state.pop(_IN_USE, None)
    st.session_state[_DRAFT] = None
    _clear_params("w")
    st.session_state[_SYNCED] = -1
    _notify("success", "This tab now has a working copy of its own; the other tab keeps the original.")


def sync() -> None:
    """Auto-save the working copy when it changed (once per run, after the page, before the sidebar).

    A failure is kept for the Save & share panel (:func:`save_error`), which is
    drawn after this on the same run; the next run tries again.
    """
    if state.readonly() or st.session_state.get(_SYNCED) == state.revision():
        return
    if st.session_state.get(_SYNCED) is None and state.revision() == 0:
        st.session_state[_SYNCED] = 0  # an untouched default: nothing to keep yet
        return
    db = store()
    if db is None or saving_off():  # the panel says why saving is off
        return
    if in_use() is not None:  # another tab writes this working copy: the panel offers a copy or a take-over
        return
    try:
        draft_id = Access(_raw(db)).put_draft(
            state.current(), writer=writer(), draft_id=st.session_state.get(_DRAFT), base=ref()
        )
    except DraftInUse as exc:
        st.session_state[_IN_USE] = exc.seen_at
        return
    except Exception as exc:
        _failed(_AUTOSAVE, exc)
        return
    _succeeded(_AUTOSAVE)
    st.session_state[_DRAFT] = draft_id
    st.session_state[_SYNCED] = state.revision()
    if _param("w") != draft_id:
        st.query_params["w"] = draft_id


def save(name: str, note: str) -> VersionInfo | None:
    """Save the working copy as a new version (or a new scenario).

    Returns the saved version only once the store committed it; None after a
    conflict (kept for :func:`conflict`) or a failure (kept for :func:`save_error`).
    """
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
    except Exception as exc:
        _failed(_SAVE, exc)
        return None
    _succeeded(_SAVE)
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
    try:
        info = db.branch(current_ref[0], scenario, from_version=current_ref[1], name=scenario.name, note=note)
    except Exception as exc:
        _failed(_SAVE, exc, "Save as a branch")
        return None
    _succeeded(_SAVE)
    st.session_state.pop(_CONFLICT, None)
    st.session_state[_REF] = (info.scenario_id, info.version)
    state.commit(scenario, f"Saved as branch '{scenario.name}'")
    st.session_state[_SYNCED] = -1
    return info


def open_version(scenario_id: str, version: int, *, as_latest: bool = False, stop_on_error: bool = True) -> bool:
    """Load a saved version into the working copy (undoable); True when it was loaded.

    With ``as_latest`` the next save goes on top of the newest version, so an old
    version is restored as a new one instead of conflicting. When the database
    fails nothing changes: the failure is kept for the Save & share panel and,
    with ``stop_on_error`` (for a page; a button callback passes False), shown
    in place and the page ends there (:func:`salesops.ui.guard.stop_page`), so
    that it cannot go on to report the version as opened.
    """
    db = store()
    if db is None:
        return False
    try:
        saved = db.load(scenario_id, version)
        base = db.history(scenario_id)[0].version if as_latest else version
    except Exception as exc:
        text = _failed(_LOAD, exc, f"Loading version {version}")
        if stop_on_error:
            st.error(text, icon=":material/error:")
            stop_page()
        return False
    leave_shared_view()
    state.commit(saved.scenario, f"Opened version {version} of '{saved.info.name}'", baseline=True)
    st.session_state[_REF] = (scenario_id, base)
    st.session_state.pop(_CONFLICT, None)
    _succeeded(_LOAD)
    return True


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
