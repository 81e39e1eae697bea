"""Org designer: the org chart, sales-ops roles and their placement, regions."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from salesops import charts
from salesops.model.format import fmt_usd
from salesops.model.limits import MAX_ROLE_FTE
from salesops.model.org import build_org, org_summary
from salesops.model.roles import CONTROL_WORDS
from salesops.model.staffing import whole_fte_jumps
from salesops.model.scenario import PLACEMENTS, Region, RolePlan, ScenarioError
from salesops.model.whatif import evaluate_cached
from salesops.ui import state
from salesops.ui.role_form import add_role_section
from salesops.ui.widgets import (
    PLACEMENT_LABELS,
    TZ_OFFSET_HELP,
    by_region_text,
    headline_strip,
    lazy_section,
    old_model_notice,
    placement_control,
)
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md

ensure_app_navigation()

COLLAPSE_ABOVE_MANAGERS = 20
STAFFING_KEY = "staffing"
STAFFING_LABELS = {"continuous": "Fractional FTE", "integer": "Whole FTE"}
STAFFING_WORDS = {"continuous": "fractional FTE", "integer": "whole FTE"}  # in the undo label
STAFFING_HELP = (
    "Fractional: a team can be a share of a person's time, e.g. a generalist covering several roles. "
    "Whole: every team is whole people."
)
JUMPS_LISTED = 5  # teams named in the note on whole-FTE staffing
REGION_COLUMNS = 5  # per-region placement selects in a row

scenario = state.current()
res = state.results()
locked = state.readonly()  # a shared view until the viewer makes an editable copy
fte_by_team = {(t.role_id, t.team): t.fte for t in res.teams}

st.title("Org designer")
old_model_notice(scenario)
headline_strip()  # what the last edit did, without leaving the page

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
    spec, nodes = charts.org_chart_spec(graph, selected)  # built without Altair: a run pays a few ms for it
    event = st.vega_lite_chart(
        spec={**spec, "datasets": {"nodes": nodes}},
        on_select="rerun",
        key="org:chart",
        selection_mode="node",
        width="stretch",
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
    "Placement: **Centralized** = one pooled team, the hub (at HQ unless you move it) · **Localized** = a team "
    "in each region · **Hybrid** = the hub takes the standard work, staff embedded in each region the local work. "
    "**By region and hub** sets a placement per region and where the hub sits. **Auto** sizing staffs each team "
    f"to the service-level target ({scenario.assumptions.service_level_target:.0%} of requests picked up within "
    "the role's target time); **Manual** uses the FTE you enter."
)
roles_by_id = {r.role_id: r for r in res.roles}
hq = scenario.hq


def _set_staffing() -> None:
    scen = state.current()
    value = st.session_state.get(STAFFING_KEY)
    if value in STAFFING_LABELS and value != scen.staffing and scen.model_version >= 3:
        state.commit(replace(scen, staffing=value), f"Staffing: {STAFFING_WORDS[value]}")


GENERALISTS_KEY = "generalists"


def _set_generalists() -> None:
    scen = state.current()
    value = bool(st.session_state.get(GENERALISTS_KEY))
    if value != scen.generalists and scen.model_version >= 3:
        words = "a generalist covers the small roles" if value else "every role its own team"
        state.commit(replace(scen, generalists=value), f"Staffing: {words}")


def _team_place(team, names: dict[str, str]) -> str:
    where = names.get(team.location_region, team.location_region)
    return f"hub in {where}" if team.team == "central" else f"team in {where}"


def _whole_staffing_jumps() -> None:
    """What whole-FTE staffing adds over fractional staffing, team by team, the largest first."""
    jumps = whole_fte_jumps(scenario, res, evaluate_cached)
    names = {r.id: r.name for r in scenario.regions}
    role_names = {r.role_id: r.name for r in res.roles}
    if not jumps:
        st.caption("Whole FTE add nothing here: every team is already whole people at fractional staffing.")
        return
    total = sum(j.extra_usd_per_year for j in jumps)
    lines = [
        f"- **{md(role_names.get(j.whole.role_id, j.whole.role_id))}**, {md(_team_place(j.whole, names))}: "
        f"{j.whole.fte:g} whole FTE against {j.fractional.fte:.2f} fractional, +{fmt_usd(j.extra_usd_per_year)} a year"
        for j in jumps[:JUMPS_LISTED]
    ]
    more = len(jumps) - JUMPS_LISTED
    st.warning(
        f"**The jumps whole staffing causes.** Rounding every team up to whole people adds {fmt_usd(total)} a year "
        f"over fractional staffing, in {len(jumps)} team{'s' if len(jumps) != 1 else ''}. The largest:\n\n"
        + "\n".join(lines)
        + (f"\n\n…and {more} more." if more > 0 else ""),
        icon=":material/stairs:",
    )


st.session_state[STAFFING_KEY] = scenario.staffing
st.segmented_control(
    "Staffing",
    options=list(STAFFING_LABELS),
    format_func=STAFFING_LABELS.get,
    key=STAFFING_KEY,
    required=True,
    on_change=_set_staffing,
    disabled=locked or scenario.model_version < 3,
    help=STAFFING_HELP,
)
st.caption(
    STAFFING_HELP
    if scenario.model_version >= 3
    else "Whole FTE only: this scenario keeps the original model. Use the current model to staff in fractions."
)
if scenario.staffing == "integer" and scenario.model_version >= 3:
    _whole_staffing_jumps()
st.session_state[GENERALISTS_KEY] = scenario.generalists
st.toggle(
    "A generalist covers the small roles",
    key=GENERALISTS_KEY,
    on_change=_set_generalists,
    disabled=locked or scenario.model_version < 3 or scenario.staffing != "continuous",
    help=(
        "In a small org one person often does a bit of everything. On: at each location, the roles that "
        "need less than one FTE share one pooled team (one queue), so a request waits only while that "
        "person is busy; each role pays its share of the time. Off: every role has its own team. "
        "Needs fractional staffing."
    ),
)
if scenario.generalists:
    shared = [t for t in res.teams if t.pool]
    if shared:
        pools = {t.pool for t in shared}
        fte = sum(t.servers_exact for t in {t.pool: t for t in shared}.values())
        st.caption(
            f":material/group: {len(shared)} small teams share {fte:.2f} FTE of generalists in "
            f"{len(pools)} location{'s' if len(pools) != 1 else ''}."
        )


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


def _set_min_fte(role_id: str) -> None:
    scen = state.current()
    plan = scen.plan(role_id)
    value = float(st.session_state[f"min_fte:{role_id}"])
    if value == plan.min_fte:
        return
    try:
        changed = scen.with_plan(replace(plan, min_fte=value))
    except ScenarioError as exc:  # beyond the bound (a forged message: the input itself stops at it)
        st.session_state["persist:notice"] = ("error", f"Minimum team not changed: {md(exc)}")
        return
    state.commit(changed, f"{plan.role.name}: minimum team {value:g} FTE")


def by_region_key(role_id: str) -> str:
    """The key of a role's "By region, hub and process" section (open or closed)."""
    return f"org:by_region:{role_id}"


def _region_placement_key(role_id: str, region_id: str) -> str:
    return f"region_placement:{role_id}:{region_id}"


def _set_region_placement(role_id: str, region_id: str) -> None:
    scen = state.current()
    value = st.session_state.get(_region_placement_key(role_id, region_id))
    try:
        plan, region = scen.plan(role_id), scen.region(region_id)
    except KeyError:  # the role or region went away (another tab, Undo) since the page was drawn
        return
    if value in PLACEMENTS and value != plan.placement_in(region_id):
        state.commit(scen.with_region_placement(role_id, region_id, value), f"{plan.role.name}: {region.name} {value}")


def _set_hub(role_id: str) -> None:
    scen = state.current()
    value = st.session_state.get(f"hub:{role_id}")
    try:
        plan, region = scen.plan(role_id), scen.region(value)
    except KeyError:
        return
    if scen.hub_of(plan).id != region.id:
        state.commit(scen.with_hub(role_id, region.id), f"{plan.role.name}: hub in {region.name}")


def _alike(role_id: str) -> None:
    scen = state.current()
    plan = scen.plan(role_id)
    if plan.regions:
        state.commit(scen.with_placement(role_id, plan.placement), f"{plan.role.name}: every region {plan.placement}")


def _remove(role_id: str) -> None:
    scen = state.current()
    state.commit(scen.without_role(role_id), f"Removed {scen.plan(role_id).role.name}")


PROCESS_LABELS = {"standard": "The hub's standard process", "local": "A process of their own"}


def _set_process(role_id: str) -> None:
    value = st.session_state.get(f"process:{role_id}")
    scen = state.current()
    plan = scen.plan(role_id)
    if value in PROCESS_LABELS and value != plan.process:
        state.commit(scen.with_process(role_id, value), f"{plan.role.name}: {PROCESS_LABELS[value].lower()}")


def _hub_option(region_id: str) -> str:
    name = region_names[region_id]
    return name if region_id != hq.id or "hq" in name.lower() else f"{name} (HQ)"


def _by_region(plan: RolePlan) -> None:
    """Per-region placement selects, the hub's region and "every region alike" for one role."""
    role = plan.role
    staffed = [r for r in scenario.regions if r.reps > 0]
    cols = st.columns(max(1, min(REGION_COLUMNS, len(staffed))))
    for i, r in enumerate(staffed):
        k = _region_placement_key(role.id, r.id)
        st.session_state[k] = plan.placement_in(r.id)
        cols[i % len(cols)].selectbox(
            md(r.name),
            options=list(PLACEMENTS),
            format_func=PLACEMENT_LABELS.get,
            key=k,
            on_change=_set_region_placement,
            args=(role.id, r.id),
            disabled=locked,
            help=f"How {md(role.name)} serves {md(r.name)}. Regions without reps follow the role's placement.",
        )
    hub_col, alike_col, _ = st.columns([2, 2, 1], vertical_alignment="bottom")
    k = f"hub:{role.id}"
    st.session_state[k] = scenario.hub_of(plan).id
    hub_col.selectbox(
        "Hub sits in",
        options=[hq.id] + [r.id for r in scenario.regions if r.id != hq.id],
        format_func=_hub_option,
        key=k,
        on_change=_set_hub,
        args=(role.id,),
        disabled=locked,
        help="Where the role's central team (the hub) sits: that region's cost index and time zone apply, and it "
        "serves its own region in full. A low-cost region saves money; one nearer the field answers sooner.",
    )
    alike_col.button(
        f"Every region {plan.placement}",
        key=f"alike:{role.id}",
        on_click=_alike,
        args=(role.id,),
        icon=":material/select_all:",
        disabled=locked or not plan.regions,
        help="Clear the per-region placements: every region takes the role's placement (the control above).",
    )
    if not any(plan.placement_in(r.id) != "localized" for r in staffed):
        st.caption("Every region is localized, so there is no hub now: its region applies once a region uses it.")
    k = f"process:{role.id}"
    st.session_state[k] = plan.process
    st.radio(
        "Embedded teams work to",
        options=list(PROCESS_LABELS),
        format_func=PROCESS_LABELS.get,
        key=k,
        horizontal=True,
        on_change=_set_process,
        args=(role.id,),
        disabled=locked or scenario.model_version < 4,
        help="The standard process gives embedded teams the hub's throughput gain and part of its control "
        "(discount policy, forecast method, data rules, planning method), at the capacity it takes to keep to "
        "it. A process of their own fits the region but gives up both. The hub always works to one process."
        + (" Model version 4 reads this; use the current model to apply it." if scenario.model_version < 4 else ""),
    )


for plan in scenario.roles:
    role = plan.role
    rr = roles_by_id[role.id]
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        c1.markdown(f"**{md(role.name)}**")
        c1.caption(f"{role.category} · sales ops **{role.relation}** · {fmt_usd(role.cost_usd_per_year)} per FTE")
        if rr.detail:  # placed region by region, or its hub away from HQ
            c1.caption(by_region_text(rr.detail))
        if rr.control_value_usd:
            c1.caption(f"Control worth {fmt_usd(rr.control_value_usd)} a year ({CONTROL_WORDS[role.control]})")
        c1.button(
            f"Remove {md(role.name)}",  # the role's name in the label: a screen reader says which role goes
            key=f"remove:{role.id}",
            on_click=_remove,
            args=(role.id,),
            icon=":material/delete:",
            type="tertiary",
            wrap=True,
            disabled=locked,
            help="Undo (sidebar) brings it back.",
        )
        with c2:
            placement_control(plan, show_detail=False)
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
                k = f"min_fte:{role.id}"
                st.session_state[k] = float(plan.min_fte)
                st.number_input(
                    "Minimum team (FTE)",
                    min_value=0.0,
                    # a minimum in every team of the role stays within the per-role bound
                    max_value=MAX_ROLE_FTE / (len(scenario.regions) + 1),
                    step=0.5,
                    format="%.1f",
                    key=k,
                    disabled=locked,
                    on_change=_set_min_fte,
                    args=(role.id,),
                    help="Auto-sized to the service-level target, but never below this: a team that has work gets "
                    "at least this many FTE (a minimum viable team). 0 = no minimum.",
                )
        with lazy_section("By region, hub and process", by_region_key(role.id), icon=":material/public:") as shown:
            if shown:  # built only while open: six roles' region controls cost a rerun nothing when closed
                _by_region(plan)
        if rr.overloaded:
            st.warning(f"{md(role.name)} has fewer FTE than its demand needs: unserved requests fall back on the reps.")

add_role_section(scenario, locked)

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
