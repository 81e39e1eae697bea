"""Entry point: page config, navigation over pages/, and the shared sidebar."""

import streamlit as st

from salesops.ui import state

st.set_page_config(page_title="Sales-ops org designer", page_icon=":material/account_tree:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Start", icon=":material/home:", default=True),
    st.Page("pages/org_designer.py", title="Org designer", icon=":material/account_tree:"),
    st.Page("pages/roi.py", title="Productivity & ROI", icon=":material/trending_up:"),
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
    st.download_button("Download scenario (JSON)", data=scenario.to_json(), file_name="scenario.json",
                       mime="application/json", key="sidebar:download", icon=":material/download:",
                       width="stretch")

page.run()
