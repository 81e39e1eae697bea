"""Entry point: page config, navigation over pages/, and the shared sidebar."""

from pathlib import Path

import streamlit as st

from salesops.ui import auth, downloads, glossary, guard, persist, state, timing
from salesops.ui.boot import settle_heap
from salesops.ui.text import md
from salesops.ui.widgets import lazy_fragment

# The favicon is served by the app itself: a material-icon favicon is fetched from a font CDN, and a
# hosted app makes no request to any other host.
st.set_page_config(
    page_title="Sales-ops org designer", page_icon=str(Path(__file__).parent / "data" / "icon.png"), layout="wide"
)
settle_heap()  # once per server process: the imported heap is frozen, collections stay short
auth.guard_start()  # hosted without sign-in configured: say what to set up, draw nothing else

pages = [
    st.Page("pages/home.py", title="Start", icon=":material/home:", default=True),
    st.Page("pages/import_org.py", title="Import org", icon=":material/upload_file:"),
    st.Page("pages/org_designer.py", title="Org designer", icon=":material/account_tree:"),
    st.Page("pages/roi.py", title="Productivity & ROI", icon=":material/trending_up:"),
    st.Page("pages/present.py", title="Presentation mode", icon=":material/slideshow:", url_path="present"),
    st.Page("pages/assumptions.py", title="Assumptions", icon=":material/tune:", url_path="assumptions"),
    st.Page("pages/recommend.py", title="Recommended design", icon=":material/recommend:"),
    st.Page("pages/uncertainty.py", title="Uncertainty", icon=":material/ssid_chart:"),
    st.Page("pages/levers.py", title="ROI levers", icon=":material/savings:"),
    st.Page("pages/org_analytics.py", title="Org analytics", icon=":material/monitoring:"),
    st.Page("pages/peers.py", title="Peer benchmarks", icon=":material/groups:"),
    st.Page("pages/objectives.py", title="Objectives", icon=":material/flag:"),
    st.Page("pages/dashboard.py", title="Metrics dashboard", icon=":material/speed:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/scenarios.py", title="Saved scenarios", icon=":material/history:"),
]
page = st.navigation(pages, expanded=True)  # 15 pages: none hidden behind "View more"
timing.begin(page)

persist.init_session()  # a link (?s=, ?z=, ?w=) rebuilds its scenario on the session's first run
st.session_state.setdefault(state.DELTA_MODE, "last")


def sidebar() -> None:
    """The shared sidebar, drawn after the page so that it shows the scenario as the page left it."""
    scenario = state.current()
    with st.sidebar:
        auth.render_account()
        st.caption("Working scenario" + (" · read-only" if state.readonly() else ""))
        st.markdown(f"**{md(scenario.name)}**")
        st.caption(
            f"{scenario.total_reps:,} reps · {len(scenario.regions)} regions · {len(scenario.roles)} sales-ops roles"
        )
        undo_col, redo_col = st.columns(2)
        undo_col.button(
            "Undo",
            key="sidebar:undo",
            on_click=state.undo,
            disabled=not state.can_undo() or state.readonly(),
            icon=":material/undo:",
            width="stretch",
        )
        redo_col.button(
            "Redo",
            key="sidebar:redo",
            on_click=state.redo,
            disabled=not state.can_redo() or state.readonly(),
            icon=":material/redo:",
            width="stretch",
        )
        if state.last_change():
            st.caption(f"Last change: {md(state.last_change())}")
        st.segmented_control(
            "Changes shown against",
            options=list(state.DELTA_MODES),
            format_func=state.DELTA_MODES.get,
            key=state.DELTA_MODE,
            required=True,
            help="The small figures under each headline: the change made by the last action "
            "(edit, Undo or Redo), or the change since the sample, file, link or saved "
            "version you started from.",
        )
        # Open when a save, auto-save or load just failed: the message is beside the Save button.
        with st.expander(
            "Save & share",
            icon=":material/cloud_upload:",
            expanded=(state.readonly() or persist.save_error() is not None or persist.in_use() is not None),
        ):
            from salesops.ui import save_panel  # noqa: PLC0415 (keeps the panel's code out of this file)

            save_panel.render()
        # Built only while open, each in its own fragment: a closed section costs a rerun nothing, and
        # opening one reruns only it. The downloads are bound to this run's scenario and results.
        results, people, recorder = state.results(), persist.people_in_exports(), persist.export_recorder()
        lazy_fragment(
            "Download",
            "sidebar:downloads",
            lambda: downloads.render(scenario, results, people=people, on_export=recorder),
            icon=":material/download:",
        )
        lazy_fragment("Words used here", "sidebar:glossary", glossary.render, icon=":material/menu_book:")


message = persist.notice()
if message:
    level, text = message
    getattr(st, level)(text)
try:
    with timing.phase("page"):
        guard.run_page(page)
finally:
    # Auto-save the working copy after every change, even when a page stops early, and before the
    # sidebar, so that its Save & share panel shows on this run whether the auto-save failed.
    with timing.phase("auto-save"):
        persist.sync()
    with timing.phase("sidebar"):
        sidebar()
    timing.end()
