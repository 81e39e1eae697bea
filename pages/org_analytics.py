"""Org analytics: spans, layers, ratios, costs and health flags of the working org."""

import streamlit as st

from salesops import charts
from salesops.insights.analytics import analyze_scenario, cost_defaults
from salesops.model.format import fmt_ratio, fmt_usd
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md

ensure_app_navigation()

scenario = state.current()
res = state.results()
a = analyze_scenario(scenario)

st.title("Org analytics")
st.caption(
    f"{md(scenario.name)} · "
    + ("imported positions" if scenario.positions else "generated from region headcounts (costs estimated)")
)
m = st.columns(6)
m[0].metric("Reps", f"{a.reps:,}")
m[1].metric("Managers", f"{a.managers:,}")
m[2].metric("Layers", f"{a.layers}", help="Levels from the top leader down to the reps; sales-ops teams excluded.")
m[3].metric("Reps per manager", fmt_ratio(a.reps_per_manager))
m[4].metric("Reps per sales-ops FTE", fmt_ratio(a.reps_per_ops_fte))
m[5].metric("Sales-ops FTE", f"{a.ops_fte:,.1f}")

st.subheader("Health checks")
warnings = [f for f in a.flags if f.status == "warning"]
passed = [f for f in a.flags if f.status != "warning"]
for flag in warnings:
    st.warning(
        f"**{flag.metric}**: {flag.message}  \n*Threshold:* {flag.threshold} · *Source:* {flag.source} "
        f"({flag.firmness})",
        icon=":material/warning:",
    )
with st.expander(f"{len(passed)} of {len(a.flags)} checks pass", icon=":material/check_circle:", expanded=not warnings):
    st.dataframe(
        [
            {
                "Check": f.metric,
                "Result": f.message,
                "Threshold": f.threshold,
                "Source": f.source,
                "Firmness": f.firmness,
            }
            for f in passed
        ],
        hide_index=True,
        width="stretch",
    )

left, right = st.columns(2)
left.vega_lite_chart(spec=charts.chart_spec("spans", a), width="stretch")
right.vega_lite_chart(spec=charts.chart_spec("ops_by_category", a), width="stretch")
st.vega_lite_chart(spec=charts.chart_spec("cost_by_region", a), width="stretch")

st.subheader("Cost by function")
st.dataframe(
    a.cost_by_function,
    column_config={
        "function": "Function",
        "headcount": st.column_config.NumberColumn("People or FTE", format="%.1f"),
        "unit": "Unit",
        "cost_usd_per_year": st.column_config.NumberColumn("Cost per year", format="$%,.0f"),
        "estimated": st.column_config.CheckboxColumn("Estimated", help="No cost in the org: default cost used"),
    },
    hide_index=True,
    width="stretch",
)
st.caption(
    f"Total sales spend {fmt_usd(a.sales_spend_usd_per_year)} a year (other staff excluded). "
    "Estimated costs use a default loaded cost a year per person ("
    + ", ".join(f"{kind} {fmt_usd(d.pay_usd_per_year)}" for kind, d in cost_defaults().items())
    + "), scaled by each region's cost index; the table marks which costs are estimated."
)
with st.expander(f"Span of control per manager ({len(a.spans):,} managers)"):
    st.dataframe(a.spans, hide_index=True, width="stretch")
