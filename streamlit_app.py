"""Entry point: page config, navigation over pages/, and the shared sidebar."""

import streamlit as st

from salesops import export
from salesops.ui import state

st.set_page_config(page_title="Sales-ops org designer", page_icon=":material/account_tree:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Start", icon=":material/home:", default=True),
    st.Page("pages/import_org.py", title="Import org", icon=":material/upload_file:"),
    st.Page("pages/org_designer.py", title="Org designer", icon=":material/account_tree:"),
    st.Page("pages/roi.py", title="Productivity & ROI", icon=":material/trending_up:"),
    st.Page("pages/org_analytics.py", title="Org analytics", icon=":material/monitoring:"),
    st.Page("pages/peers.py", title="Peer benchmarks", icon=":material/groups:"),
]
page = st.navigation(pages)

scenario = state.current()
with st.sidebar:
    st.caption("Working scenario")
    st.markdown(f"**{scenario.name}**")
    st.caption(f"{scenario.total_reps:,} reps · {len(scenario.regions)} regions · {len(scenario.roles)} sales-ops roles")
    undo_col, redo_col = st.columns(2)
    undo_col.button("Undo", key="sidebar:undo", on_click=state.undo, disabled=not state.can_undo(),
                    icon=":material/undo:", width="stretch")
    redo_col.button("Redo", key="sidebar:redo", on_click=state.redo, disabled=not state.can_redo(),
                    icon=":material/redo:", width="stretch")
    if state.last_change():
        st.caption(f"Last change: {state.last_change()}")
    # Files are built only when clicked (callables), so large orgs cost nothing per rerun.
    st.download_button("Scenario (JSON)", data=scenario.to_json, file_name="scenario.json",
                       mime="application/json", key="sidebar:download", icon=":material/download:",
                       width="stretch", on_click="ignore")
    st.download_button("Org as CSV", data=lambda: export.to_csv(scenario, state.results()),
                       file_name="org.csv", mime="text/csv", key="sidebar:download_csv",
                       icon=":material/table:", width="stretch", on_click="ignore",
                       help="One row per person; re-imports on the Import org page to the same org.")
    st.download_button("Org as GraphML", data=lambda: export.to_graphml(scenario, state.results()),
                       file_name="org.graphml", mime="application/xml", key="sidebar:download_graphml",
                       icon=":material/account_tree:", width="stretch", on_click="ignore",
                       help="The org graph for network tools (Gephi, yEd, networkx).")

page.run()
