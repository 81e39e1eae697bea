"""Widgets shared by several pages. Each edit goes through :func:`state.commit`."""

from __future__ import annotations


import streamlit as st

from salesops.format import fmt_months, fmt_pct, fmt_usd
from salesops.model import Results
from salesops.scenario import PLACEMENTS, Scenario
from salesops.ui import state

__all__ = ["PLACEMENT_LABELS", "headline_metrics", "placement_control", "placement_controls", "placement_key"]

PLACEMENT_LABELS = {p: p.capitalize() for p in PLACEMENTS}
_FROM_LABEL = {v: k for k, v in PLACEMENT_LABELS.items()}
PLACEMENT_HELP = {
    "centralized": "One pooled team at HQ: pooling and standard processes, farther from the field.",
    "localized": "A team embedded in each region: local knowledge and time zone, small pools.",
    "hybrid": "A central hub for standard work plus embedded staff in each region.",
}


def placement_key(role_id: str) -> str:
    return f"placement:{role_id}"


def _on_placement(role_id: str) -> None:
    label = st.session_state.get(placement_key(role_id))
    placement = _FROM_LABEL.get(label)
    if placement is None:
        return
    scenario = state.current()
    try:
        plan = scenario.plan(role_id)
    except KeyError:
        return
    if plan.placement != placement:
        state.commit(scenario.with_placement(role_id, placement), f"{plan.role.name}: {placement}")


def placement_controls(scenario: Scenario, columns: int = 3) -> None:
    """One segmented control per sales-ops role (key ``placement:<role_id>``)."""
    if not scenario.roles:
        st.info("This scenario has no sales-ops roles yet. Add one on the Org designer page.")
        return
    cols = st.columns(columns)
    for i, plan in enumerate(scenario.roles):
        with cols[i % columns]:
            placement_control(plan)


def headline_metrics(res: Results, before: Results | None = None) -> None:
    """The four headline metrics, with the change since the previous edit as delta."""
    cols = st.columns(4)

    def delta(now: float | None, then: float | None, fmt) -> str | None:
        if before is None or now is None or then is None or abs(now - then) < 1e-9:
            return None
        return fmt(now - then)

    cols[0].metric("ROI", fmt_pct(res.roi),
                   delta=delta(res.roi, before.roi if before else None, lambda d: f"{d * 100:+.0f} pp"),
                   help="Run-rate annual ROI: (gross-margin uplift - sales-ops cost) / sales-ops cost.")
    cols[1].metric("Productivity per rep", fmt_usd(res.productivity_per_rep_usd, 0),
                   delta=delta(res.productivity_per_rep_usd, before.productivity_per_rep_usd if before else None,
                               lambda d: ("+" if d >= 0 else "") + fmt_usd(d, 1)),
                   help="Revenue per rep per year, after ramp and attrition.")
    cols[2].metric("Sales-ops cost", fmt_usd(res.sales_ops_cost_usd),
                   delta=delta(res.sales_ops_cost_usd, before.sales_ops_cost_usd if before else None,
                               lambda d: ("+" if d >= 0 else "") + fmt_usd(d, 1)),
                   delta_color="inverse", help="Fully loaded annual cost of all sales-ops FTE.")
    cols[3].metric("Payback (months)", fmt_months(res.payback_months),
                   delta=delta(res.payback_months, before.payback_months if before else None,
                               lambda d: f"{d:+.1f}"),
                   delta_color="inverse", help="Months until cumulative net return turns positive.")


def placement_control(plan, label_visibility: str = "visible") -> None:
    """The segmented control of one role (key ``placement:<role_id>``)."""
    key = placement_key(plan.role.id)
    # Always write the value from the scenario: the scenario, not the widget, is the
    # source of truth (undo, other pages and loaded files all change it).
    st.session_state[key] = PLACEMENT_LABELS[plan.placement]
    st.segmented_control(
        plan.role.name,
        options=list(PLACEMENT_LABELS.values()),
        key=key,
        required=True,
        on_change=_on_placement,
        args=(plan.role.id,),
        label_visibility=label_visibility,
        disabled=state.readonly(),
        help=" ".join(f"{PLACEMENT_LABELS[p]}: {h}" for p, h in PLACEMENT_HELP.items()),
    )
