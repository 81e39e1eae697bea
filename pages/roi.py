"""Productivity and ROI: headline metrics, charts and per-role what-ifs."""

import streamlit as st

from salesops import charts
from salesops.model.format import fmt_pct, fmt_ratio, fmt_usd
from salesops.ui import state, timing
from salesops.ui.widgets import headline_strip, lazy_fragment, old_model_notice, placement_controls
from salesops.model.metrics import HEADLINE, METRIC, explain
from salesops.model.whatif import RANKED_BY, whatifs_cached
from salesops.model.worker import BudgetExceeded
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.plausibility import show_design_warnings
from salesops.ui.text import md

ensure_app_navigation()

GAIN_WORTH_SAYING_USD = 1_000.0  # a switch adding less net value a year than this is not called a gain

with timing.phase("results"):
    scenario = state.current()
    res = state.results()

st.title("Productivity & ROI")
st.caption(
    f"{md(scenario.name)} · {res.reps:,} reps · {res.sales_ops_fte:,.1f} sales-ops FTE "
    f"({fmt_ratio(res.reps_per_ops_fte)} reps per FTE) · {fmt_usd(res.ops_cost_per_rep_usd)} per rep"
)
old_model_notice(scenario)
st.page_link(
    "pages/present.py",
    label="Presentation mode: the figures, the placements and two charts on one screen for the room",
    icon=":material/slideshow:",
)
headline_strip()
show_design_warnings(res)

with timing.phase("controls"):
    with st.container(border=True):
        st.markdown("**Placement of each sales-ops role** (changes update every figure on this page)")
        placement_controls(scenario)

with timing.phase("charts"):
    left, right = st.columns(2)
    left.vega_lite_chart(spec=charts.page_spec("productivity", res), width="stretch")
    right.vega_lite_chart(spec=charts.page_spec("selling_time", res), width="stretch")
    left, right = st.columns(2)
    left.vega_lite_chart(spec=charts.page_spec("cost_by_role", res), width="stretch")
    right.vega_lite_chart(spec=charts.page_spec("cumulative", res), width="stretch", height=280)
    st.vega_lite_chart(spec=charts.page_spec("projection", res), width="stretch", height=280)


def _whatif_table(whatifs) -> None:
    """The what-ifs as a table (drawn only while its section is open)."""
    st.dataframe(
        whatifs.drop(columns=["role_id"]),
        column_config={
            "role": "Role",
            "current": "Now",
            "alternative": "Switch to",
            "delta_net_usd": st.column_config.NumberColumn("Net value change / year", format="$%+,.0f"),
            "delta_npv_usd": st.column_config.NumberColumn("NPV change", format="$%+,.0f"),
            "net_value_usd": st.column_config.NumberColumn("New net value / year", format="$%,.0f"),
            "roi": st.column_config.NumberColumn("New ROI", format="percent"),
            "delta_roi_pp": st.column_config.NumberColumn("ROI change (pp)", format="%+.1f"),
            "delta_productivity_usd": st.column_config.NumberColumn("Productivity per rep change", format="$%+,.0f"),
            "delta_cost_usd": st.column_config.NumberColumn("Cost change", format="$%+,.0f"),
            "delta_fte": st.column_config.NumberColumn("FTE change", format="%+.1f"),
            "delta_response_hours": st.column_config.NumberColumn("Response change (h)", format="%+.1f"),
        },
        hide_index=True,
        width="stretch",
    )


st.subheader("What would switching one role do?")
st.caption(
    "Ranked by the change in net value per year (gross-margin uplift plus control value minus cost), "
    "not by ROI: a ratio "
    "favours the cheapest design."
)
try:
    with timing.phase("what-ifs"):
        whatifs = whatifs_cached(scenario)
except BudgetExceeded as exc:
    whatifs = None
    st.warning(f"The what-ifs of this org were not computed: {exc}. Every other figure on this page is complete.")
if whatifs is None:
    pass
elif whatifs.empty:
    st.info("No sales-ops roles to switch.")
else:
    with timing.phase("what-if chart"):
        st.vega_lite_chart(spec=charts.arrow_spec("whatif", scenario, whatifs), width="stretch")
    lazy_fragment("The same as a table", "roi:whatif-table", lambda: _whatif_table(whatifs))
    best = whatifs.loc[whatifs[RANKED_BY].idxmax()]
    if best[RANKED_BY] > GAIN_WORTH_SAYING_USD:
        st.success(
            f"Largest single gain: move **{md(best['role'])}** to **{best['alternative']}**: "
            f"{md(METRIC['net_value'].delta_text(best[RANKED_BY]))} net value a year "
            f"({md(METRIC['roi'].delta_text(best['delta_roi_pp'] / 100.0))} ROI, "
            f"{md(METRIC['sales_ops_cost'].delta_text(best['delta_cost_usd']))} cost)."
        )
    else:
        st.info(
            "No single switch adds net value: every role already sits in its best placement when it moves "
            "alone. Moving two or more together may still help: see the recommended design."
        )
st.page_link(
    "pages/recommend.py",
    label="Recommended design: the best placement of every role at once, and its odds",
    icon=":material/recommend:",
)

names = {r.id: r.name for r in scenario.regions}
role_names = {p.role.id: p.role.name for p in scenario.roles}
hubs = {p.role.id: f"Hub ({scenario.hub_of(p).name})" for p in scenario.roles}


def _team_names(role_ids, teams) -> list[str]:
    """Each team in words: "Hub (US East (HQ))" or "Team in EMEA (London)", never an internal id."""
    return [hubs[r] if t == "central" else f"Team in {names.get(t, t)}" for r, t in zip(role_ids, teams)]


def _services() -> None:
    """Each role's service in each region, and how the headline money arises."""
    services = res.services_frame()
    services = services.assign(
        region=services["region_id"].map(names),
        role_id=services["role_id"].map(role_names),
        team=_team_names(services["role_id"], services["team"]),
    )
    st.dataframe(
        services[
            [
                "role_id",
                "region",
                "team",
                "response_hours",
                "handoff_delay_hours",
                "effectiveness",
                "value_factor",
                "served_share",
                "hours_saved_per_rep_week",
            ]
        ],
        column_config={
            "role_id": "Role",
            "region": "Region",
            "team": "Served by",
            "response_hours": st.column_config.NumberColumn("Response (h)", format="%.1f"),
            "handoff_delay_hours": st.column_config.NumberColumn("Time-zone delay (h)", format="%.1f"),
            "effectiveness": st.column_config.NumberColumn("Local-knowledge effectiveness", format="percent"),
            "value_factor": st.column_config.NumberColumn("Value kept after wait", format="percent"),
            "served_share": st.column_config.NumberColumn("Demand served", format="percent"),
            "hours_saved_per_rep_week": st.column_config.NumberColumn("Rep hours saved / week", format="%.2f"),
        },
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"Gross-margin uplift {fmt_usd(res.gross_margin_uplift_usd)} per year"
        + (f" and control value {fmt_usd(res.control_value_usd)}" if res.control_value_usd else "")
        + f" against {fmt_usd(res.sales_ops_cost_usd)} cost; 3-year ROI {fmt_pct(res.roi_3yr)}"
        + (
            f", after {fmt_usd(res.transition_one_off_usd)} of one-off transition costs and a "
            f"{scenario.assumptions.ops_hiring_lag_months:g}-month hiring lag."
            if scenario.model_version >= 4
            else "."
        )
    )


lazy_fragment("Service by role and region (how the figures arise)", "roi:services", _services)


def _teams() -> None:
    """Each team's staffing and queue in a normal and a peak week."""
    teams = res.teams_frame()
    teams = teams.assign(
        role=teams["role_id"].map(role_names),
        where=_team_names(teams["role_id"], teams["team"]),
        busy=teams["utilization"] * 100,
        peak_busy=teams["peak_utilization"] * 100,
    )
    st.dataframe(
        teams[["role", "where", "fte", "busy", "peak_busy", "wait_hours", "peak_wait_hours", "overloaded"]],
        column_config={
            "role": "Role",
            "where": "Team",
            "fte": st.column_config.NumberColumn("FTE", format="%.2f"),
            "busy": st.column_config.NumberColumn("Busy, normal", format="%.0f%%"),
            "peak_busy": st.column_config.NumberColumn("Busy, peak", format="%.0f%%"),
            "wait_hours": st.column_config.NumberColumn("Wait, normal (h)", format="%.1f"),
            "peak_wait_hours": st.column_config.NumberColumn("Wait, peak (h)", format="%.1f"),
            "overloaded": st.column_config.CheckboxColumn("Overloaded"),
        },
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Each team is staffed toward its peak week "
        f"({scenario.assumptions.peak_cover:.0%} of the way from the average week to the peak) and queued in both: "
        "the deal desk and analytics peak at each quarter-end, planning in the planning season."
        if scenario.model_version >= 4
        else "Scenarios made before model version 4 have no seasonal peaks: both weeks are the same."
    )


lazy_fragment("Teams in a normal week and at their peak (quarter-end, planning season)", "roi:teams", _teams)


def _how_computed() -> None:
    """Each headline figure in words, with this scenario's numbers."""
    for metric in (*HEADLINE, METRIC["npv"]):
        st.markdown(f"**{metric.label}.** {md(explain(metric.key, res))}")


lazy_fragment("How each headline figure is computed", "roi:how", _how_computed)
