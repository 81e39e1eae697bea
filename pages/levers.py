"""ROI levers: which sales-ops initiatives to invest in, and what each returns."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from salesops import charts

from salesops.model import initiatives
from salesops.model.format import fmt_months, fmt_pct, fmt_usd
from salesops.model.plausibility import initiative_warnings
from salesops.model.plan_items import PlanItemError
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.plausibility import show_caps, show_design_warnings, show_initiative_warnings
from salesops.ui.widgets import headline_metrics
from salesops.model.whatif import evaluate_cached
from salesops.ui.widgets import headline_strip
from salesops.ui.text import md

ensure_app_navigation()

scenario = state.current()
locked = state.readonly()
st.title("ROI levers")
st.markdown(
    "Investments that move the model's levers: rep hours saved, the service rate of sales-ops roles, "
    "quota attainment and the ramp of new hires. Each has a one-off and a running cost and a start month; "
    "the model applies the ones you include, from their start month."
)
headline_strip()

# Offer the catalog's defaults that the scenario does not have yet, their costs sized for this org.
reps = scenario.total_reps
attrition = scenario.assumptions.attrition_per_year
have = {i.id for i in scenario.initiatives}
missing = [i for i in initiatives.catalog(scenario) if i.id not in have]
if missing:
    names = {i.id: i.name for i in missing}
    add_col, btn_col = st.columns([3, 1])
    add_col.multiselect(
        "Add default initiatives",
        options=list(names),
        format_func=names.get,
        key="levers:add_choice",
        disabled=locked,
        help=f"Their costs are sized for this scenario's {reps:,} reps when added: a fixed part plus a part "
        "per rep (or per new hire), as their benefit grows with the org.",
    )

    def _add() -> None:
        current = state.current()
        chosen = [i for i in initiatives.catalog(current) if i.id in st.session_state.get("levers:add_choice", [])]
        chosen = [i for i in chosen if i.id not in {j.id for j in current.initiatives}]
        if chosen:
            chosen = [replace(i, active=True) for i in chosen]  # adding one is choosing it
            state.commit(
                replace(current, initiatives=current.initiatives + tuple(chosen)),
                f"Added {len(chosen)} initiative(s)",
            )
            st.session_state["levers:add_choice"] = []

    btn_col.button("Add", key="levers:add", on_click=_add, icon=":material/add:", disabled=locked)

# Which org size the default initiatives' costs were set for, and an offer to re-size them.
defaults = [i for i in scenario.initiatives if i.id in initiatives.catalog_sizing()]
if defaults:
    sizes = {i.id: initiatives.size_of(i, attrition) for i in defaults}
    off = [i for i in defaults if sizes[i.id] != reps]
    if off:
        details = "; ".join(
            f"{md(i.name)}: "
            + (
                f"set for {sizes[i.id]:,} reps"
                if sizes[i.id] is not None
                else "edited, or set for another attrition or by earlier defaults"
            )
            for i in off
        )
        st.info(
            f"The costs of {len(off)} default initiative(s) are not sized for this scenario's {reps:,} reps "
            f"({details}). Re-sizing sets their one-off and running costs to the defaults for {reps:,} reps "
            "(effects, start month and inclusion stay; Undo takes it back).",
            icon=":material/straighten:",
        )

        def _resize() -> None:
            current = state.current()
            rate = current.assumptions.attrition_per_year
            known = initiatives.catalog_sizing()
            ids = {
                i.id
                for i in current.initiatives
                if i.id in known and initiatives.size_of(i, rate) != current.total_reps
            }
            state.commit(
                replace(
                    current,
                    initiatives=tuple(
                        initiatives.sized_for(i, current) if i.id in ids else i for i in current.initiatives
                    ),
                ),
                f"Re-sized {len(ids)} initiative(s) to {current.total_reps:,} reps",
            )

        st.button(
            f"Re-size their costs to {reps:,} reps",
            key="levers:resize",
            on_click=_resize,
            icon=":material/straighten:",
            disabled=locked,
        )
    else:
        st.caption(f"The default initiatives' costs are sized for this scenario's {reps:,} reps.")

table = pd.DataFrame(
    [{**i.to_dict(), "roles": ", ".join(i.roles)} for i in scenario.initiatives], columns=list(initiatives.ROW_FIELDS)
)
st.subheader("Initiatives in this scenario")
st.caption(
    "Tick **Include** to apply an initiative. Edit any figure, or add your own row; a row with a problem "
    "is refused with its row and field named, and nothing changes."
)
edited = st.data_editor(
    table,
    key=f"levers:table:{state.revision()}",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    disabled=locked,
    column_config={
        "active": st.column_config.CheckboxColumn("Include", default=True),
        "id": st.column_config.TextColumn("Id", required=True),
        "name": st.column_config.TextColumn("Initiative", required=True),
        "one_off_cost_usd": st.column_config.NumberColumn("One-off cost", format="$%,.0f", min_value=0),
        "running_cost_usd_per_year": st.column_config.NumberColumn("Running cost / year", format="$%,.0f", min_value=0),
        "start_month": st.column_config.NumberColumn("Start month", min_value=1, max_value=36, step=1),
        "hours_saved_per_rep_week": st.column_config.NumberColumn("Rep hours saved / week", min_value=0.0, step=0.05),
        "service_rate_gain": st.column_config.NumberColumn("Service-rate gain", format="percent", min_value=0.0),
        "roles": st.column_config.TextColumn("Roles (ids, comma-separated)"),
        "attainment_gain": st.column_config.NumberColumn("Attainment gain", format="percent"),
        "ramp_months_saved": st.column_config.NumberColumn("Ramp months saved", min_value=0.0, step=0.5),
        "source": st.column_config.TextColumn("Source"),
    },
)


if not locked and not edited.equals(table):
    try:
        updated = initiatives.from_rows(edited.to_dict("records"), {p.role.id for p in scenario.roles})
    except PlanItemError as exc:
        st.error(f"Not applied: {md(exc)}. The scenario is unchanged.")
    else:
        state.commit(replace(scenario, initiatives=tuple(updated)), "Edited initiatives")
        st.rerun()

res = state.results()
without = evaluate_cached(replace(scenario, initiatives=tuple(replace(i, active=False) for i in scenario.initiatives)))
st.subheader("With the included initiatives")
headline_metrics(res, without)
show_design_warnings(res)
st.caption(
    f"Deltas: against the same scenario without any initiative. Initiatives cost "
    f"{fmt_usd(res.initiative_one_off_usd)} up front and {fmt_usd(res.initiative_cost_usd_per_year)} a year; "
    "ROI counts the running cost, the projection and payback count both."
)

if scenario.initiatives:
    ranked = initiatives.rank(scenario, evaluate_cached)
    st.subheader("Ranked by net present value")
    st.caption(
        "Each initiative's 3-year cost against its 3-year return; bubble size is its ROI, and the dashed "
        "line is break-even. The table is in order of net present value: money, not a ratio that favours "
        "the cheapest initiative."
    )
    st.vega_lite_chart(spec=charts.chart_spec("portfolio", ranked), width="stretch", height=360)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Initiative": r.name,
                    "Included": "yes" if r.active else "no",
                    "Starts": f"month {r.start_month}",
                    "3-year cost": fmt_usd(r.cost_3yr_usd),
                    "3-year return": fmt_usd(r.return_3yr_usd),
                    "Net": fmt_usd(r.net_3yr_usd),
                    "NPV": fmt_usd(r.npv_usd),
                    "ROI": fmt_pct(r.roi_3yr) if r.cost_3yr_usd > 0 else "n/a (no cost)",
                    "Payback after start (months)": fmt_months(
                        None if pd.isna(r.payback_months) else float(r.payback_months)
                    ),
                    "Plausibility": "above a cap: see below" if initiative_warnings(r) else "within the caps",
                }
                for r in ranked.itertuples()
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Each initiative is measured alone against the scenario's other included initiatives: return is the "
        "extra gross-margin uplift net of any change in team cost over the 3-year projection."
    )
    show_initiative_warnings(ranked)
else:
    st.info("No initiatives yet: add the defaults above or your own rows.")

with st.expander("Plausibility caps, and where the default initiatives come from"):
    st.markdown("A figure above a cap is not refused (the client's own data may justify it) but shown with a warning.")
    show_caps()
    sizing = initiatives.catalog_sizing()
    st.markdown(
        "\n".join(
            f"- **{md(i.name)}**: {md(i.source)} Costs: {md(sizing[i.id].basis)}" for i in initiatives.catalog(scenario)
        )
    )
