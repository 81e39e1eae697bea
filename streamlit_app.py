"""Entry point: page config, navigation over pages/, and the shared sidebar."""

import streamlit as st

from salesops import export, report
from salesops.ui import persist, state

st.set_page_config(page_title="Sales-ops org designer", page_icon=":material/account_tree:", layout="wide")

pages = [
    st.Page("pages/home.py", title="Start", icon=":material/home:", default=True),
    st.Page("pages/import_org.py", title="Import org", icon=":material/upload_file:"),
    st.Page("pages/org_designer.py", title="Org designer", icon=":material/account_tree:"),
    st.Page("pages/roi.py", title="Productivity & ROI", icon=":material/trending_up:"),
    st.Page("pages/uncertainty.py", title="Uncertainty", icon=":material/ssid_chart:"),
    st.Page("pages/levers.py", title="ROI levers", icon=":material/savings:"),
    st.Page("pages/org_analytics.py", title="Org analytics", icon=":material/monitoring:"),
    st.Page("pages/peers.py", title="Peer benchmarks", icon=":material/groups:"),
    st.Page("pages/objectives.py", title="Objectives", icon=":material/flag:"),
    st.Page("pages/dashboard.py", title="Metrics dashboard", icon=":material/speed:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/scenarios.py", title="Saved scenarios", icon=":material/history:"),
]
page = st.navigation(pages)

persist.init_session()  # a link (?s=, ?z=, ?w=) rebuilds its scenario on the session's first run
scenario = state.current()
with st.sidebar:
    st.caption("Working scenario" + (" · read-only" if state.readonly() else ""))
    st.markdown(f"**{scenario.name}**")
    st.caption(f"{scenario.total_reps:,} reps · {len(scenario.regions)} regions · {len(scenario.roles)} sales-ops roles")
    undo_col, redo_col = st.columns(2)
    undo_col.button("Undo", key="sidebar:undo", on_click=state.undo,
                    disabled=not state.can_undo() or state.readonly(), icon=":material/undo:", width="stretch")
    redo_col.button("Redo", key="sidebar:redo", on_click=state.redo,
                    disabled=not state.can_redo() or state.readonly(), icon=":material/redo:", width="stretch")
    if state.last_change():
        st.caption(f"Last change: {state.last_change()}")
    with st.expander("Save & share", icon=":material/cloud_upload:", expanded=state.readonly()):
        from salesops.ui import save_panel  # noqa: PLC0415 (keeps the panel's code out of this file)

        save_panel.render()
    with st.expander("Download", icon=":material/download:"):
        # Files are built only when clicked (callables), so large orgs cost nothing per rerun.
        st.download_button("Scenario (JSON)", data=scenario.to_json, file_name="scenario.json",
                           mime="application/json", key="sidebar:download", icon=":material/data_object:",
                           width="stretch", on_click="ignore")
        st.download_button("Org as CSV", data=lambda: export.to_csv(scenario, state.results()),
                           file_name="org.csv", mime="text/csv", key="sidebar:download_csv",
                           icon=":material/table:", width="stretch", on_click="ignore",
                           help="One row per person; re-imports on the Import org page to the same org.")
        st.download_button("Org as GraphML", data=lambda: export.to_graphml(scenario, state.results()),
                           file_name="org.graphml", mime="application/xml", key="sidebar:download_graphml",
                           icon=":material/account_tree:", width="stretch", on_click="ignore",
                           help="The org graph for network tools (Gephi, yEd, networkx).")
        st.caption("Stakeholder pack (charts rendered when you click; a few seconds):")
        st.download_button("Excel workbook", data=lambda: report.to_excel(scenario, state.results()),
                           file_name="scenario.xlsx", key="sidebar:download_xlsx", icon=":material/grid_on:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           width="stretch", on_click="ignore",
                           help="Summary, assumptions with sources, regions, roles, service, projection, org.")
        st.download_button("HTML report", data=lambda: report.to_html(scenario, state.results()),
                           file_name="scenario-report.html", mime="text/html", key="sidebar:download_html",
                           icon=":material/description:", width="stretch", on_click="ignore",
                           help="One self-contained file: headline figures, charts, tables, assumptions.")
        st.download_button("PowerPoint deck", data=lambda: report.to_pptx(scenario, state.results()),
                           file_name="scenario.pptx", key="sidebar:download_pptx", icon=":material/slideshow:",
                           mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           width="stretch", on_click="ignore")

message = persist.notice()
if message:
    level, text = message
    getattr(st, level)(text)
try:
    page.run()
finally:
    persist.sync()  # auto-save the working copy after every change, even when a page stops early
