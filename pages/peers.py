"""Peer benchmarks: this org's ratios beside published figures and a peer profile, with Org analytics' health check."""

import pandas as pd
import streamlit as st

from salesops import charts
from salesops.insights.analytics import analyze_scenario
from salesops.model.format import fmt_usd
from salesops.insights.peers import benchmarks, compare, peer_profiles, suggest_profile
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation

ensure_app_navigation()

scenario = state.current()
res = state.results()
a = analyze_scenario(scenario)
profiles = {p.id: p for p in peer_profiles()}
HEALTH_COLUMN = "Health check (as Org analytics)"
# compare()'s status: where the figure sits among the published figures, in words.
AMONG = {"within": "within the range", "below": "below the lowest", "above": "above the highest", "n/a": "n/a"}

st.title("Peer benchmarks")
st.markdown(
    "How this org's ratios compare with published figures, and with a typical company of a chosen "
    "size. Each figure carries its source and how firm it is: *sourced* (primary source), *2nd-hand* "
    "(quoted by someone else), *unconfirmed* or *illustrative* (a judgement of this tool). Published "
    "figures mix targets, warning levels and survey averages, so sitting among them is not the same as "
    "being healthy: the **health check** applies the same rules as the Org analytics page."
)

left, right = st.columns(2)
if st.session_state.get("peers:profile") not in profiles:
    st.session_state["peers:profile"] = suggest_profile(scenario)
profile_id = left.selectbox(
    "Compare with",
    options=list(profiles),
    format_func=lambda p: profiles[p].name,
    key="peers:profile",
    help="Suggested from the number of reps.",
)


def _set_revenue() -> None:
    value = float(st.session_state["peers:company_revenue_musd"]) * 1e6
    state.commit(state.current().with_assumptions(company_revenue_usd=value), f"Company revenue ${value / 1e6:,.0f}M")


st.session_state["peers:company_revenue_musd"] = scenario.assumptions.company_revenue_usd / 1e6
right.number_input(
    "Company's total annual revenue (USD millions)",
    min_value=0.0,
    max_value=10_000_000.0,
    step=10.0,
    key="peers:company_revenue_musd",
    on_change=_set_revenue,
    disabled=state.readonly(),
    help="Renewals and installed base included; needed to compare total sales spend with the "
    "3-10% of revenue benchmark. 0 = not given.",
)
st.caption(profiles[profile_id].description)


def _fmt(value, kind: str) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    return {
        "ratio": lambda v: f"{v:,.1f} : 1",
        "percent": lambda v: f"{v:.1%}",
        "months": lambda v: f"{v:,.1f} months",
        "usd": lambda v: fmt_usd(v),
    }.get(kind, lambda v: f"{v:,.3g}")(value)


def _health(status: str, threshold: str) -> str:
    if not threshold:
        return "No rule"
    return {"ok": "OK", "warning": "Warning", "n/a": "Not checked (no value)"}[status]


table = compare(scenario, res, a, profile_id)
warned = table[table["health"] == "warning"]
if len(warned):
    st.warning(
        f"**{HEALTH_COLUMN}**: "
        + "; ".join(
            f"{row.metric}: {_fmt(row.this_org, row.format)} (rule: {row.health_threshold})"
            for row in warned.itertuples()
        )
        + ". The same warnings appear on the Org analytics page.",
        icon=":material/warning:",
    )
st.vega_lite_chart(spec=charts.chart_spec("peer_comparison", table), width="stretch")
st.caption(
    "The mark is the health check that Org analytics applies (a green circle healthy, an orange triangle a "
    f"warning, a grey square where no rule applies); **{HEALTH_COLUMN}** in the table gives each rule."
)

shown = pd.DataFrame(
    [
        {
            "Metric": row.metric,
            "This org": _fmt(row.this_org, row.format),
            HEALTH_COLUMN: _health(row.health, row.health_threshold),
            "Health rule": row.health_threshold,
            "Among published figures": AMONG[row.status],
            "Published figures": f"{_fmt(row.low, row.format)} to {_fmt(row.high, row.format)}",
            f"Typical {profiles[profile_id].name}": _fmt(row.peer_value, row.format),
            "Source": row.source,
            "Firmness": row.firmness,
        }
        for row in table.itertuples()
    ]
)
st.dataframe(shown, hide_index=True, width="stretch")
st.caption(
    f"**{HEALTH_COLUMN}**: the health rule the Org analytics page flags with, applied "
    "to this org's figure (for reps per front-line manager, to the org's average; Org analytics checks each "
    "manager). *No rule*: Org analytics does not check the metric. **Among published figures**: where the "
    "figure sits in the range from the lowest to the highest published figure."
)

with st.expander("Every published figure behind these comparisons"):
    st.dataframe(
        pd.DataFrame(
            [
                {"Metric": b.metric, "Figure": b.figure, "Source": b.source, "Firmness": b.firmness, "Note": b.note}
                for b in benchmarks()
            ]
        ),
        hide_index=True,
        width="stretch",
    )
