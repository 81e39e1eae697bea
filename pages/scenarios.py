"""Saved scenarios: every scenario in the database, its versions, restore and share."""

import pandas as pd
import streamlit as st

from salesops.ui import hosted, persist, state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.guard import stop_page

ensure_app_navigation()

st.title("Saved scenarios")
if st.session_state.get(state.READONLY):  # a link opens one scenario: nothing else is listed or opened from it
    st.info(
        "You are viewing a shared link, which opens that one scenario only. Make an editable copy (sidebar, "
        "Save & share) to work on it; saved scenarios are listed for the people who saved them."
    )
    stop_page()
db = persist.store()
if db is None:
    st.warning(f"Saving is off: the database cannot be opened ({persist.store_error()}).")
    stop_page()

saved = db.list_scenarios()
if not saved:
    if hosted.active() and db.actor is None:
        st.info("Sign in (top of the sidebar) to see the scenarios of your workspaces.")
    else:
        st.info(
            "Nothing saved yet. Use **Save & share** in the sidebar to save the working scenario; every save "
            "is a new version, and earlier versions are never overwritten."
        )
    if hosted.active():
        hosted.audit_panel(db.store)
    stop_page()

st.dataframe(
    pd.DataFrame(
        [
            {
                "Name": s.name,
                "Latest version": s.latest_version,
                "Versions": s.versions,
                "Updated (UTC)": s.updated_at.strftime("%Y-%m-%d %H:%M"),
                **({} if hosted.active() else {"Id": s.scenario_id}),
            }
            for s in saved
        ]
    ),
    hide_index=True,
    width="stretch",
)
names = {s.scenario_id: f"{s.name} (v{s.latest_version})" for s in saved}
chosen = st.selectbox("Scenario", options=list(names), format_func=names.get, key="scenarios:chosen")
history = db.history(chosen)
st.subheader("Versions")
st.dataframe(
    pd.DataFrame(
        [
            {
                "Version": h.version,
                "Saved (UTC)": h.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                "Note": h.note,
                "Reps": h.reps,
                "Roles": h.roles,
                "Branched from": (
                    f"{names.get(h.parent_scenario_id, h.parent_scenario_id)} v{h.parent_version}"
                    if h.parent_scenario_id
                    else ""
                ),
            }
            for h in history
        ]
    ),
    hide_index=True,
    width="stretch",
)
versions = [h.version for h in history]
version = st.selectbox("Version", options=versions, key="scenarios:version")
left, right = st.columns(2)
if left.button(
    "Open as the working scenario",
    key="scenarios:open",
    icon=":material/open_in_new:",
    help="Continue from this version: the next save becomes a new version on top of the latest.",
):
    persist.open_version(chosen, version, as_latest=True)
    st.success(f"Version {version} is now the working scenario (Undo brings back the previous one).")
base = ""
try:
    base = str(st.context.url or "").split("?")[0]
except Exception:
    base = ""
if hosted.active():  # links are tokens the owner controls (revoke, expiry), never raw ids
    if db.access.role_of(db.actor, db.access.workspace_of(chosen) or "") in ("owner", "editor"):
        with right:
            hosted.links_panel(db.store, chosen, version)
    hosted.audit_panel(db.store)
else:
    right.caption("Read-only link to this version:")
    right.code(f"{base}?s={chosen}&v={version}", language=None, wrap_lines=True)
