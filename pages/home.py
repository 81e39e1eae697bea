"""Start: choose a sample and see the scenario on one screen."""

import streamlit as st

from salesops.model.format import fmt_pct, fmt_ratio, fmt_usd
from salesops.model.samples import list_samples, load_sample
from salesops.ui import state
from salesops.ui.widgets import TZ_GAP_HELP, TZ_OFFSET_HELP, headline_strip
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md

ensure_app_navigation()

SAMPLES = {s.name: s for s in list_samples()}


def _load_selected() -> None:
    if state.readonly():  # the picker is disabled in a shared view; a forged message changes nothing
        return
    name = st.session_state["scenario:sample"]
    state.commit(load_sample(name), f"Loaded sample '{name}'", baseline=True)
    st.session_state["scenario:sample_name"] = name


st.title("Sales-ops org designer")
st.markdown(
    "Model a sales-operations team, move each role between a **centralized** pool at HQ and "
    "**localized** teams in the regions, and see what it does to **productivity per rep** and **ROI**."
)

scenario = state.current()
if st.session_state.get("scenario:sample") is None:
    st.session_state["scenario:sample"] = st.session_state.get("scenario:sample_name", state.DEFAULT_SAMPLE)
st.selectbox(
    "Start from a sample",
    options=list(SAMPLES),
    format_func=lambda n: f"{SAMPLES[n].title}",
    key="scenario:sample",
    on_change=_load_selected,
    disabled=state.readonly(),
    help="Loading a sample replaces the working scenario; Undo in the sidebar brings it back.",
)
if state.readonly():
    st.caption(
        "You are viewing a shared scenario read-only, so the sample picker is off. Make an editable copy "
        "(sidebar, Save & share) to work from it, or open the app without the link to start afresh."
    )

res = state.results()
headline_strip()

_regions = res.regions_frame()
left, right = st.columns([5, 2])
with left:
    st.subheader(md(scenario.name))
    if scenario.description:
        st.caption(scenario.description)
    st.dataframe(
        _regions.assign(tz_offset_hours=_regions["region_id"].map({r.id: r.tz_offset_hours for r in scenario.regions}))[
            [
                "name",
                "reps",
                "managers",
                "tz_offset_hours",
                "tz_gap_hours",
                "selling_time_share",
                "productivity_per_rep_usd",
                "embedded_ops_fte",
            ]
        ],
        column_config={
            "name": "Region",
            "reps": "Reps",
            "managers": "Managers",
            "tz_offset_hours": st.column_config.NumberColumn("Offset from HQ (h)", format="%+.1f", help=TZ_OFFSET_HELP),
            "tz_gap_hours": st.column_config.NumberColumn("Time-zone gap (h)", format="%.1f", help=TZ_GAP_HELP),
            "selling_time_share": st.column_config.NumberColumn("Selling time", format="percent"),
            "productivity_per_rep_usd": st.column_config.NumberColumn("Productivity per rep", format="$%,.0f"),
            "embedded_ops_fte": st.column_config.NumberColumn("Ops FTE in region", format="%.1f"),
        },
        hide_index=True,
        width="stretch",
    )
with right:
    st.subheader("Sales-ops team")
    st.metric(
        "Reps per sales-ops FTE",
        fmt_ratio(res.reps_per_ops_fte),
        help="Alexander Group target about 10 : 1; 20-30 : 1 reported elsewhere.",
    )
    st.metric("Sales-ops cost per rep", fmt_usd(res.ops_cost_per_rep_usd))
    st.metric(
        "Selling-time share",
        fmt_pct(res.selling_time_share, 1),
        delta=f"{(res.selling_time_share - res.baseline_selling_time_share) * 100:+.1f} pp vs no sales ops",
    )

st.dataframe(
    res.roles_frame()[
        ["name", "category", "relation", "placement", "sizing", "fte", "cost_usd_per_year", "mean_response_hours"]
    ],
    column_config={
        "name": "Role",
        "category": "Category",
        "relation": "Sales ops",
        "placement": "Placement",
        "sizing": "Sizing",
        "fte": st.column_config.NumberColumn("FTE", format="%.1f"),
        "cost_usd_per_year": st.column_config.NumberColumn("Cost per year", format="$%,.0f"),
        "mean_response_hours": st.column_config.NumberColumn("Response (hours)", format="%.1f"),
    },
    hide_index=True,
    width="stretch",
)
st.caption("Next: shape the team on **Org designer**, then read the effect on **Productivity & ROI**.")
