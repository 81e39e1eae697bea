"""Org designer: the org chart, sales-ops roles and their placement, regions."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from salesops import charts
from salesops.model.format import fmt_usd
from salesops.model.org import build_org, org_summary
from salesops.model.roles import load_catalog
from salesops.model.scenario import Region, RolePlan, ScenarioError
from salesops.ui import state
from salesops.ui.widgets import TZ_OFFSET_HELP, placement_control
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md

ensure_app_navigation()

COLLAPSE_ABOVE_MANAGERS = 20

scenario = state.current()
res = state.results()
locked = state.readonly()  # a shared view until the viewer makes an editable copy
fte_by_team = {(t.role_id, t.team): t.fte for t in res.teams}

st.title("Org designer")

# ----- org chart --------------------------------------------------------------
if st.session_state.get("org:for") != scenario.name:
    # A new org: expand regions only while the chart stays readable.
    total_managers = sum(r.managers for r in scenario.regions)
    st.session_state["org:expanded_regions"] = (
        [r.id for r in scenario.regions] if total_managers <= COLLAPSE_ABOVE_MANAGERS else []
    )
    st.session_state["org:expanded_teams"] = []
    st.session_state["org:for"] = scenario.name
region_ids = [r.id for r in scenario.regions]
expanded = [r for r in st.session_state["org:expanded_regions"] if r in region_ids]
region_names = {r.id: r.name for r in scenario.regions}


def _set_expanded() -> None:
    st.session_state["org:expanded_regions"] = list(st.session_state["org:expand_widget"])


st.session_state["org:expand_widget"] = expanded
st.multiselect(
    "Show managers one by one in",
    options=region_ids,
    format_func=region_names.get,
    key="org:expand_widget",
    on_change=_set_expanded,
    help="Collapsed regions show one node for all their managers and one for all their reps.",
)

graph = build_org(scenario, fte_by_team, expand_regions=expanded, expand_teams=st.session_state["org:expanded_teams"])
summary = org_summary(graph)
st.caption(
    f"{summary['positions']:,.0f} people · {summary['layers']} layers · "
    f"{summary['reps_per_manager']:.1f} reps per manager · {summary['sales_ops_fte']:.1f} sales-ops FTE · "
    "click a node for details, double-click the chart to clear"
)

chart_col, detail_col = st.columns([3, 1])
with chart_col:
    selected = st.session_state.get("org:selected")
    event = st.altair_chart(
        charts.org_chart(graph, selected), on_select="rerun", key="org:chart", selection_mode="node", width="stretch"
    )
    picked = (event.selection.get("node") or [{}])[0].get("id") if event and event.selection else None
    if picked:
        st.session_state["org:selected"] = picked
        selected = picked
with detail_col:
    st.markdown("**Details**")
    if selected and selected in graph:
        node = graph.nodes[selected]
        st.markdown(f"**{md(node['name'])}**  \n{md(node['title'])}")
        st.caption(f"Region: {md(region_names.get(node['region'], node['region']))} · kind: {md(node['kind'])}")
        if node["count"] > 1:
            st.write(f"Stands for {node['count']:,} people.")
        if node.get("role_id"):
            st.write(f"{node['fte']:.1f} FTE · {fmt_usd(node['cost_usd_per_year'])} per year")
        reports = sum(graph.nodes[c]["count"] for c in graph.successors(selected))
        if reports:
            st.write(f"{reports:,} people report here directly.")
        if selected.startswith("m:") and selected not in st.session_state["org:expanded_teams"]:
            if st.button("Show this team's reps", key="org:expand_team"):
                st.session_state["org:expanded_teams"] = st.session_state["org:expanded_teams"] + [selected]
                st.rerun()
        if selected.startswith("mgrs:") and st.button("Show these managers", key="org:expand_region"):
            st.session_state["org:expanded_regions"] = expanded + [node["region"]]
            st.rerun()
    else:
        st.caption("Click a node in the chart.")

# ----- sales-ops roles -----------------------------------------------------------
st.subheader("Sales-ops roles")
st.caption(
    "Placement: **Centralized** = one pooled team at HQ · **Localized** = a team in each region · "
    "**Hybrid** = a hub plus embedded staff. **Auto** sizing staffs each team to the service-level "
    f"target ({scenario.assumptions.service_level_target:.0%} of requests picked up within the role's "
    "target time); **Manual** uses the FTE you enter."
)
roles_by_id = {r.role_id: r for r in res.roles}


def _set_sizing(role_id: str) -> None:
    scen = state.current()
    plan = scen.plan(role_id)
    manual = st.session_state[f"sizing:{role_id}"]
    if manual and plan.sizing == "auto":
        now = state.results()
        central = sum(t.fte for t in now.teams if t.role_id == role_id and t.team == "central")
        local = tuple((t.team, t.fte) for t in now.teams if t.role_id == role_id and t.team != "central")
        state.commit(
            scen.with_plan(replace(plan, sizing="manual", central_fte=central, local_fte=local)),
            f"{plan.role.name}: manual FTE",
        )
    elif not manual and plan.sizing == "manual":
        state.commit(scen.with_plan(replace(plan, sizing="auto")), f"{plan.role.name}: auto-sized")


def _set_central_fte(role_id: str) -> None:
    scen = state.current()
    plan = scen.plan(role_id)
    value = float(st.session_state[f"fte:{role_id}:central"])
    state.commit(scen.with_plan(replace(plan, central_fte=value)), f"{plan.role.name}: central FTE {value:g}")


def _set_local_fte(role_id: str, region_id: str) -> None:
    scen = state.current()
    plan = scen.plan(role_id)
    value = float(st.session_state[f"fte:{role_id}:{region_id}"])
    local = dict(scen.manual_fte(plan)[1])  # the FTE in use now, then the edit
    local[region_id] = value
    state.commit(
        scen.with_plan(replace(plan, local_fte=tuple(local.items()))),
        f"{plan.role.name}: {region_names[region_id]} FTE {value:g}",
    )


def _remove(role_id: str) -> None:
    scen = state.current()
    state.commit(scen.without_role(role_id), f"Removed {scen.plan(role_id).role.name}")


for plan in scenario.roles:
    role = plan.role
    rr = roles_by_id[role.id]
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([3, 3, 3, 1])
        c1.markdown(f"**{md(role.name)}**")
        c1.caption(f"{role.category} · sales ops **{role.relation}** · {fmt_usd(role.cost_usd_per_year)} per FTE")
        with c2:
            placement_control(plan)
            c2.caption(
                f"{rr.fte:.1f} FTE · {fmt_usd(rr.cost_usd_per_year)} · "
                f"response {rr.mean_response_hours:.1f} h" + (" · **overloaded**" if rr.overloaded else "")
            )
        with c3:
            key = f"sizing:{role.id}"
            st.session_state[key] = plan.sizing == "manual"
            st.toggle(
                "Manual FTE",
                key=key,
                on_change=_set_sizing,
                args=(role.id,),
                disabled=locked,
                help="Off: sized automatically to the service-level target. On: use the FTE you enter.",
            )
            if plan.sizing == "manual":
                if plan.placement in ("centralized", "hybrid"):
                    k = f"fte:{role.id}:central"
                    st.session_state[k] = float(scenario.manual_fte(plan)[0])
                    st.number_input(
                        "Central FTE",
                        min_value=0.0,
                        max_value=10000.0,
                        step=0.5,
                        key=k,
                        disabled=locked,
                        on_change=_set_central_fte,
                        args=(role.id,),
                    )
                if plan.placement in ("localized", "hybrid"):
                    with st.popover("FTE per region"):
                        for r in scenario.regions:
                            if plan.placement == "hybrid" and r.id == scenario.hq_region:
                                continue  # the hub serves HQ
                            k = f"fte:{role.id}:{r.id}"
                            st.session_state[k] = float(scenario.manual_fte(plan)[1].get(r.id, 0.0))
                            st.number_input(
                                r.name,
                                min_value=0.0,
                                max_value=10000.0,
                                step=0.5,
                                key=k,
                                disabled=locked,
                                on_change=_set_local_fte,
                                args=(role.id, r.id),
                            )
            else:
                st.caption("Auto-sized to the service-level target.")
        c4.button(
            "",
            key=f"remove:{role.id}",
            on_click=_remove,
            args=(role.id,),
            icon=":material/delete:",
            disabled=locked,
            help=f"Remove {md(role.name)} (Undo brings it back)",
        )
        if rr.overloaded:
            st.warning(f"{md(role.name)} has fewer FTE than its demand needs: unserved requests fall back on the reps.")

catalog = load_catalog()
missing = [rid for rid in catalog if rid not in {p.role.id for p in scenario.roles}]
if missing:
    add_col, btn_col = st.columns([3, 1])
    choice = add_col.selectbox(
        "Add a sales-ops role", options=missing, format_func=lambda r: catalog[r].name, key="roles:add_choice"
    )

    def _add() -> None:
        rid = st.session_state["roles:add_choice"]
        scen = state.current()
        state.commit(scen.with_plan(RolePlan(role=catalog[rid])), f"Added {catalog[rid].name}")

    btn_col.button("Add role", key="roles:add", on_click=_add, icon=":material/add:", disabled=locked)

# ----- regions ------------------------------------------------------------------
st.subheader("Regions")
st.caption(
    "Edit reps, managers, time-zone offset from HQ (hours), market complexity (0-1, how much local "
    "knowledge the market needs) and the cost of an FTE there relative to HQ."
)
region_df = pd.DataFrame(
    [
        {
            "id": r.id,
            "name": r.name,
            "reps": r.reps,
            "managers": r.managers,
            "tz_offset_hours": r.tz_offset_hours,
            "market_complexity": r.market_complexity,
            "cost_index": r.cost_index,
        }
        for r in scenario.regions
    ]
)
edited = st.data_editor(
    region_df,
    key=f"regions:editor:{state.revision()}",
    disabled=True if locked else ["id"],
    hide_index=True,
    num_rows="fixed",
    width="stretch",
    column_config={
        "id": "Id",
        "name": "Region",
        "reps": st.column_config.NumberColumn("Reps", min_value=0, max_value=1_000_000, step=1),
        "managers": st.column_config.NumberColumn("Managers", min_value=0, max_value=100_000, step=1),
        "tz_offset_hours": st.column_config.NumberColumn(
            "Offset from HQ (h)", min_value=-12, max_value=14, step=0.5, help=TZ_OFFSET_HELP
        ),
        "market_complexity": st.column_config.NumberColumn(
            "Market complexity", min_value=0.0, max_value=1.0, step=0.05
        ),
        "cost_index": st.column_config.NumberColumn("Cost index", min_value=0.05, max_value=20.0, step=0.05),
    },
)
if not edited.equals(region_df):
    new_regions = []
    problem = None
    for i, row in enumerate(edited.to_dict("records")):
        try:
            values = {k: row[k] for k in ("reps", "managers")}
            if any(pd.isna(v) for v in row.values()):
                blank = next(k for k, v in row.items() if pd.isna(v))
                raise ScenarioError(f"{blank} is empty")
            new_regions.append(
                Region(
                    id=row["id"],
                    name=str(row["name"]),
                    reps=int(values["reps"]),
                    managers=int(values["managers"]),
                    tz_offset_hours=float(row["tz_offset_hours"]),
                    market_complexity=float(row["market_complexity"]),
                    cost_index=float(row["cost_index"]),
                )
            )
        except (ScenarioError, ValueError, TypeError) as exc:
            problem = f"Row {i + 1} ({row.get('name') or row['id']}): {exc}"
            break
    if problem:
        st.error(f"Not applied: {md(problem)}. The scenario is unchanged.")
    else:
        updated = scenario
        for region in new_regions:
            old = scenario.region(region.id)
            if (region.reps, region.managers) != (old.reps, old.managers):
                updated = updated.with_region_headcount(region.id, region.reps, region.managers)
            updated = updated.with_region(
                replace(
                    updated.region(region.id),
                    name=region.name,
                    tz_offset_hours=region.tz_offset_hours,
                    market_complexity=region.market_complexity,
                    cost_index=region.cost_index,
                )
            )
        state.commit(updated, "Edited regions")
        st.rerun()
