"""The sidebar's Save & share panel: save versions, resolve conflicts, copy links.

A failed save, auto-save or load is shown here, beside the Save button, on the
run that failed (see :func:`salesops.ui.persist.save_error`), with a toast the
first time; a read-only database shows saving as off, with the reason.
"""

from __future__ import annotations

import streamlit as st

from salesops.ui import auth, hosted, persist, state
from salesops.ui.text import md

__all__ = ["render"]


def _save() -> None:
    info = persist.save(st.session_state.get("save:name", ""), st.session_state.get("save:note", ""))
    if info is not None:
        st.session_state["save:note"] = ""
        st.session_state["persist:notice"] = ("success", f"Saved **{md(info.name)}** as version {info.version}.")


def _branch() -> None:
    info = persist.save_branch(st.session_state.get("save:name", ""), st.session_state.get("save:note", ""))
    if info is not None:
        st.session_state["persist:notice"] = (
            "success",
            f"Saved as a new scenario **{md(info.name)}** (branch of the version you started from).",
        )


def _reload(scenario_id: str, version: int) -> None:
    if persist.open_version(scenario_id, version, stop_on_error=False):
        st.session_state["persist:notice"] = ("info", f"Loaded version {version}; your edits are one Undo away.")


def _failure() -> None:
    """The last failed save, auto-save or load (until one succeeds), beside the Save button."""
    text = persist.save_error()
    if text is None:
        return
    st.error(
        f"{md(text)} Your work is still here in this tab; to keep a copy, download it as JSON (Download, below).",
        icon=":material/error:",
    )
    if persist.take_new_error() is not None:  # once per failure, wherever the reader is looking
        st.toast(f"{md(text.split(':', 1)[0])}: see Save & share in the sidebar.", icon=":material/error:")


def render() -> None:
    """Draw the panel (inside the sidebar expander)."""
    db = persist.store()
    if db is None:
        st.warning(
            f"Saving is off: the database cannot be opened ({persist.store_error()}). Download the "
            "scenario as JSON to keep it."
        )
        return
    off = persist.saving_off()
    if hosted.active() and not auth.can_edit():
        st.info(
            "Read-only shared view. Sign in (top of the sidebar) to make an editable copy."
            if st.session_state.get(state.READONLY)
            else "Sign in (top of the sidebar) to save and share."
        )
        return
    if state.readonly():
        st.info("Read-only shared view.")
        if off:
            st.caption(
                f"Saving is off: the database is read-only ({off}). An editable copy stays in this browser tab only."
            )
        st.button(
            "Make an editable copy",
            key="save:fork",
            on_click=persist.fork,
            type="primary",
            icon=":material/edit:",
            width="stretch",
        )
        _failure()
        _links()
        return
    if off:
        st.warning(
            f"Saving is off: the database is read-only ({off}). Saved links still open; download the "
            "scenario as JSON to keep your changes.",
            icon=":material/lock:",
        )
        _failure()
        _links()
        return
    seen = persist.in_use()
    if seen is not None:
        st.warning(
            f"This working copy is open in another tab or window (last saved there "
            f"{seen:%H:%M} UTC). To keep both sets of edits, continue here as a copy; or take over, "
            "and the other tab is told when it next saves. Nothing is auto-saved here until you choose.",
            icon=":material/tab_duplicate:",
        )
        left, right = st.columns(2)
        left.button("Continue as a copy", key="save:as_copy", on_click=persist.continue_as_copy, width="stretch")
        right.button("Take over", key="save:take_over", on_click=persist.take_over, width="stretch")
    scenario = state.current()
    ref = persist.ref()
    if "save:name" not in st.session_state or st.session_state.get("save:name_for") != ref:
        st.session_state["save:name"] = scenario.name
        st.session_state["save:name_for"] = ref
    if hosted.active():
        hosted.workspace_picker(db.store)
    st.text_input("Name", key="save:name", max_chars=120)
    st.text_input("Note for this version", key="save:note", max_chars=500, placeholder="What changed, and why")
    label = "Save new version" if ref else "Save"
    st.button(label, key="save:button", on_click=_save, type="primary", icon=":material/save:", width="stretch")
    _failure()
    if ref:
        st.caption(f"Saved as version {ref[1]}; edits since then are auto-saved as a working copy.")
    latest = persist.conflict()
    if latest is not None and ref is not None:
        st.warning(
            f"Someone saved version {latest.version} of this scenario "
            f"({latest.created_at:%H:%M} UTC{', ' + md(latest.note) if latest.note else ''}) since you "
            f"started from version {ref[1]}. Nothing was overwritten."
        )
        st.button(
            "Save mine as a branch", key="save:branch", on_click=_branch, icon=":material/call_split:", width="stretch"
        )
        st.button(
            f"Load version {latest.version} instead",
            key="save:reload",
            on_click=_reload,
            args=(latest.scenario_id, latest.version),
            icon=":material/sync:",
            width="stretch",
        )
    _links()


def _links() -> None:
    if hosted.active():  # share links are tokens the owner controls; no raw ids, no self-contained link
        ref = persist.ref()
        db = persist.store()
        if ref is not None and db is not None and not state.readonly():
            hosted.links_panel(db.store, ref[0], ref[1])
        elif not state.readonly():
            st.caption("Save to share a read-only link to this scenario.")
        return
    links = persist.share_links()
    if "saved" in links:
        st.caption("Link to this saved version (opens read-only):")
        st.code(links["saved"], language=None, wrap_lines=True)
    else:
        st.caption("Save to get a link that opens this exact version.")
    if "compact" in links:
        st.caption(
            "Link that carries the scenario itself (works without the database; copy it with the button on the right):"
        )
        st.code(links["compact"], language=None, wrap_lines=False)
    elif "compact_error" in links:
        st.caption(f"No self-contained link: {links['compact_error']}")
