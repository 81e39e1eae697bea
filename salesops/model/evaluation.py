"""The model: Scenario -> Results. Pure, deterministic and fast.

For every sales-ops role the placement decides which teams exist (one pooled
team at HQ, one embedded team per region, or a hub plus embedded spokes). Each
team is an M/M/c queue (:mod:`salesops.model.queueing`). The service a region's reps
receive, net of time-zone delay, local-knowledge loss and coordination overhead,
gives back rep hours; reclaimed hours raise the selling-time share, which raises
productivity per rep with diminishing returns. Every equation is written out in
``docs/MODEL.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from salesops.model.cashflow import _steady_ramp_capacity, npv, payback, projection, ramp_capacity
from salesops.model.control import control_rate, process_of, service_control_usd
from salesops.model.queueing import fte_for_target, servers_for_target
from salesops.model.generalists import _generalist_pools
from salesops.model import peaks
from salesops.model.results import (
    ProjectionMonth,
    RegionResult,
    Results,
    RoleResult,
    ServiceResult,
    TeamResult,
)
from salesops.model.scenario import Assumptions, Region, RolePlan, Scenario, tz_gap_hours

__all__ = [
    "ProjectionMonth",
    "RegionResult",
    "Results",
    "RoleResult",
    "ServiceResult",
    "TeamResult",
    "evaluate",
    "npv",
    "coordination_overhead",
    "gap_to_hq",
    "centralized_effectiveness",
    "handoff_delay_hours",
    "overlap_hours",
    "ramp_capacity",
]

CENTRAL = "central"


# --------------------------------------------------------------------------
# Mechanisms (each one equation of docs/MODEL.md)
# --------------------------------------------------------------------------
def gap_to_hq(region: Region, hq: Region | None = None) -> float:
    """Clock gap in hours between a region and HQ (offsets are read relative to HQ's)."""
    return tz_gap_hours(region.tz_offset_hours - (hq.tz_offset_hours if hq is not None else 0.0))


def overlap_hours(region: Region, a: Assumptions, hq: Region | None = None) -> float:
    """Shared business hours with HQ: max(0, H - gap)."""
    return max(0.0, a.shared_business_hours - gap_to_hq(region, hq))


def handoff_delay_hours(region: Region, a: Assumptions, hq: Region | None = None) -> float:
    """Extra wait for a central team: D * (1 - overlap / H)."""
    return a.handoff_delay_hours * (1.0 - overlap_hours(region, a, hq) / a.shared_business_hours)


def centralized_effectiveness(alpha: float, region: Region, a: Assumptions, hq: Region | None = None) -> float:
    """Share of a central team's value kept in a region.

    e = 1 - alpha * k * (beta + (1 - beta) * (1 - overlap / H)) away from HQ, and
    e = 1 in the HQ region itself, where the central team sits with the reps.
    """
    if hq is not None and region.id == hq.id:
        return 1.0
    distance = a.distance_knowledge_floor + (1.0 - a.distance_knowledge_floor) * (
        1.0 - overlap_hours(region, a, hq) / a.shared_business_hours
    )
    return 1.0 - alpha * region.market_complexity * distance


def coordination_overhead(teams: int, a: Assumptions) -> float:
    """Capacity share each team spends coordinating with the other teams of its role."""
    return min(a.max_coordination_overhead, a.coordination_overhead_per_channel * max(0, teams - 1))


# --------------------------------------------------------------------------
# Teams of one role
# --------------------------------------------------------------------------
def _team(
    plan: RolePlan,
    team: str,
    location: Region,
    demand: float,
    fte_manual: float | None,
    teams_of_role: int,
    a: Assumptions,
    standardized: bool,
    continuous: bool,
    hours_factor: float = 1.0,
    process_overhead: float = 0.0,
    model_version: int = 3,
) -> TeamResult:
    """One team: sized to the service level (auto) or as given (manual), then queued (M/M/c).

    ``hours_factor`` scales the catalog's service rate (requests in a 40-hour FTE week) to the
    scenario's ops week (model version 3: a longer week serves more requests).
    ``process_overhead`` is the capacity an embedded team spends keeping to the standard process
    (model version 4). In model version 4 a role with seasonal peaks is sized toward its peak week
    (:func:`~salesops.model.peaks.sizing_demand`) and queued in a normal and in a peak week.

    ``continuous`` staffing sizes in FTE that need not be whole, each server at the full rate
    (:func:`~salesops.model.queueing.fte_for_target`); otherwise in whole servers, and a manual
    fraction of a server is a slower server (the meaning before model version 3).
    """
    role = plan.role
    overhead = coordination_overhead(teams_of_role, a)
    mu = role.service_rate_per_fte_week * (1.0 + role.standardization_gain if standardized else 1.0)
    mu *= hours_factor
    mu *= (1.0 - overhead) * (1.0 - process_overhead)
    t_weeks = role.target_answer_hours / a.ops_hours_per_week
    sized = peaks.sizing_demand(demand, role, a, model_version)
    if continuous:
        if fte_manual is None:
            fte = fte_for_target(sized, mu, t_weeks, a.service_level_target, a.max_utilization)
            fte = max(fte, plan.min_fte) if demand > 0 else fte
        else:
            fte = fte_manual
        exact, mu_server = fte, mu
        servers = math.ceil(fte - 1e-9) if fte > 0 else 0
    elif fte_manual is None:
        servers = servers_for_target(sized, mu, t_weeks, a.service_level_target, a.max_utilization)
        if demand > 0 and plan.min_fte > servers:
            servers = math.ceil(plan.min_fte - 1e-9)
        fte, exact, mu_server = float(servers), float(servers), mu
    else:
        fte = fte_manual
        servers = math.ceil(fte - 1e-9) if fte > 0 else 0
        exact = float(servers)
        mu_server = mu * fte / servers if servers else 0.0
    capacity = exact * mu_server
    off, peak = peaks.multipliers(role, model_version)
    normal = peaks.queue_state(demand * off, exact, servers, mu_server, continuous, a)
    busy = normal if peak == off else peaks.queue_state(demand * peak, exact, servers, mu_server, continuous, a)
    service_h = a.ops_hours_per_week / mu_server if mu_server > 0 else a.max_response_hours
    cost = fte * role.cost_usd_per_year * location.cost_index
    return TeamResult(
        role_id=role.id,
        team=team,
        location_region=location.id,
        fte=fte,
        servers=servers,
        demand_per_week=demand,
        capacity_per_week=capacity,
        utilization=normal.utilization,
        served_share=normal.served,
        wait_hours=normal.wait_hours,
        service_hours=min(service_h, a.max_response_hours),
        coordination_overhead=overhead,
        cost_usd_per_year=cost,
        overloaded=normal.overloaded or busy.overloaded,
        standardized=standardized,
        teams_of_role=teams_of_role,
        servers_exact=exact,
        peak_demand_per_week=demand * peak,
        peak_utilization=busy.utilization,
        peak_served_share=busy.served,
        peak_wait_hours=busy.wait_hours,
    )


def _service(
    plan: RolePlan,
    region: Region,
    team: TeamResult,
    share: float,
    central: bool,
    a: Assumptions,
    location: Region,
    knowledge_scale: float = 1.0,
    standard_process: bool = False,
    model_version: int = 3,
) -> ServiceResult:
    """What ``region`` receives from ``team`` (sitting in ``location``) for ``share`` of its requests."""
    role = plan.role
    demand = role.demand_per_rep_week * region.reps * share
    delay = handoff_delay_hours(region, a, location) if central else 0.0
    response = min(a.max_response_hours, team.wait_hours + team.service_hours + delay)
    alpha = role.local_knowledge_sensitivity * knowledge_scale
    effectiveness = centralized_effectiveness(alpha, region, a, location) if central else 1.0
    value = 1.0 / (1.0 + response / role.urgency_hours)
    served = team.served_share
    w_off, w_peak = peaks.week_weights(role, model_version)
    if w_peak > 0:  # model 4: the demand-weighted mix of a normal and a peak week
        peak_response = min(a.max_response_hours, team.peak_wait_hours + team.service_hours + delay)
        peak_value = 1.0 / (1.0 + peak_response / role.urgency_hours)
        served = w_off * team.served_share + w_peak * team.peak_served_share
        kept = w_off * team.served_share * value + w_peak * team.peak_served_share * peak_value
        value = kept / served if served > 0 else value
        response = w_off * response + w_peak * peak_response
    saved = role.demand_per_rep_week * share * served * role.rep_hours_saved_per_request
    saved *= effectiveness * value
    return ServiceResult(
        role_id=role.id,
        region_id=region.id,
        team=team.team,
        demand_per_week=demand,
        served_share=served,
        response_hours=response,
        handoff_delay_hours=delay,
        effectiveness=effectiveness,
        value_factor=value,
        hours_saved_per_rep_week=saved,
        share=share,
        central=central,
        gap_hours=gap_to_hq(region, location) if central else 0.0,
        knowledge_scale=knowledge_scale if central else 0.0,
        at_team=region.id == location.id or not central,
        standard_process=central or standard_process,
    )


def _role(
    plan: RolePlan, scenario: Scenario, pooled: dict[tuple[str, str], TeamResult] | None = None
) -> tuple[list[TeamResult], list[ServiceResult]]:
    """The teams of one role and the service each region gets from them.

    Each region is served as its placement says (``plan.placement_in``): by the hub alone
    (centralized), by a team embedded in it (localized), or hybrid: the hub takes the standard
    work (``role.hybrid_central_share`` of requests) and an embedded spoke the local work,
    except in the hub's own region, which the hub serves in full. In model version 3 the hub's
    standard work needs no local knowledge (it is routed there because it is standard); in
    model version 2 it bears the same loss as any central work.

    ``pooled`` replaces teams served by a generalist pool (:func:`_generalist_pools`).
    """
    a = scenario.assumptions
    role = plan.role
    pooled = pooled or {}
    hub = scenario.hub_of(plan)
    manual = plan.sizing == "manual"
    manual_central, manual_local = scenario.manual_fte(plan) if manual else (0.0, {})
    continuous = scenario.staffing == "continuous"
    version = scenario.model_version
    routed = version >= 3
    hours = hours_factor(scenario)
    # Embedded teams on the standard process (model 4) get its throughput gain, at its overhead.
    standard = process_of(plan, scenario.model_version) == "standard"
    process_overhead = a.standard_process_overhead if standard else 0.0
    h = role.hybrid_central_share
    modes = {r.id: plan.placement_in(r.id) for r in scenario.regions}
    teams: list[TeamResult] = []
    services: list[ServiceResult] = []

    def hub_share(r: Region) -> float:
        mode = modes[r.id]
        if mode == "centralized" or (mode == "hybrid" and r.id == hub.id):
            return 1.0
        return h if mode == "hybrid" else 0.0

    has_hub = any(m in ("centralized", "hybrid") for m in modes.values())
    spoke_regions = [
        r
        for r in scenario.regions
        if (r.reps > 0 or manual_local.get(r.id, 0.0) > 0)
        and (modes[r.id] == "localized" or (modes[r.id] == "hybrid" and r.id != hub.id))
    ]
    n_teams = (1 if has_hub else 0) + len(spoke_regions)
    if has_hub:
        demand = sum(role.demand_per_rep_week * r.reps * hub_share(r) for r in scenario.regions)
        central = _team(
            plan,
            CENTRAL,
            hub,
            demand,
            manual_central if manual else None,
            n_teams,
            a,
            standardized=True,
            continuous=continuous,
            hours_factor=hours,
            model_version=version,
        )
        central = pooled.get((role.id, CENTRAL), central)
        teams.append(central)
        for r in scenario.regions:
            share = hub_share(r)
            if r.reps > 0 and share > 0:
                standard_only = routed and modes[r.id] == "hybrid" and r.id != hub.id
                knowledge = 0.0 if standard_only else 1.0
                services.append(_service(plan, r, central, share, True, a, hub, knowledge, model_version=version))
    for r in spoke_regions:
        local_share = 1.0 if modes[r.id] == "localized" else 1.0 - h
        demand = role.demand_per_rep_week * r.reps * local_share
        local = _team(
            plan,
            r.id,
            r,
            demand,
            manual_local.get(r.id, 0.0) if manual else None,
            n_teams,
            a,
            standardized=standard,
            continuous=continuous,
            hours_factor=hours,
            process_overhead=process_overhead,
            model_version=version,
        )
        local = pooled.get((role.id, r.id), local)
        teams.append(local)
        if r.reps > 0:
            services.append(
                _service(plan, r, local, local_share, False, a, r, standard_process=standard, model_version=version)
            )
    return teams, services


CATALOG_WEEK_HOURS = 40.0  # the catalog's service rates are requests in a 40-hour FTE week


def hours_factor(scenario: Scenario) -> float:
    """How much more an FTE serves in the scenario's ops week than in the catalog's 40 hours.

    Model version 3 scales service rates by ``ops_hours_per_week / 40``, so more hours never
    lower capacity or ROI; model version 2 read the rates per week whatever its length (1.0).

    >>> from salesops.model.samples import load_sample
    >>> hours_factor(load_sample("midmarket").with_assumptions(ops_hours_per_week=45.0))
    1.125
    """
    if scenario.model_version < 3:
        return 1.0
    return scenario.assumptions.ops_hours_per_week / CATALOG_WEEK_HOURS


def _detail(plan: RolePlan, scenario: Scenario) -> str:
    """Where a role serves differently from its plain placement: "EMEA localized; hub in APAC"."""
    names = {r.id: r.name for r in scenario.regions}
    bits = [f"{names.get(rid, rid)} {mode}" for rid, mode in plan.regions]
    if plan.hub_region:
        bits.append(f"hub in {names.get(plan.hub_region, plan.hub_region)}")
    return "; ".join(bits)


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Core:
    """The steady state of one set of parameters (one phase of the initiatives)."""

    regions: tuple[RegionResult, ...]
    roles: tuple[RoleResult, ...]
    teams: tuple[TeamResult, ...]
    services: tuple[ServiceResult, ...]
    p0: float  # revenue per fully ramped rep at the baseline selling time, with these parameters
    steady_cap: float
    ops_cost: float
    ops_fte: float = 0.0
    control: float = 0.0  # what central control is worth a year (model 4)


def _core(scenario: Scenario, base: Assumptions, extra_hours: float) -> _Core:
    """Teams, services and regions of ``scenario``; the no-sales-ops baseline uses ``base``."""
    a = scenario.assumptions
    v4 = scenario.model_version >= 4
    all_teams: list[TeamResult] = []
    all_services: list[ServiceResult] = []
    role_results: list[RoleResult] = []
    saved_by_region: dict[str, float] = {r.id: 0.0 for r in scenario.regions}
    embedded_by_region: dict[str, float] = {r.id: 0.0 for r in scenario.regions}
    total_reps = scenario.total_reps
    reps = {r.id: r.reps for r in scenario.regions}
    s0 = a.baseline_selling_time_share
    p0 = a.quota_usd_per_rep * a.quota_attainment
    cap = _steady_ramp_capacity(a)

    alone = [_role(plan, scenario) for plan in scenario.roles]
    pooled = _generalist_pools(scenario, [teams for teams, _ in alone])
    for plan, (teams, services) in zip(scenario.roles, alone):
        if pooled and any((plan.role.id, team.team) in pooled for team in teams):
            teams, services = _role(plan, scenario, pooled)
        if v4 and control_rate(plan.role, a) > 0:  # model 4: what central control of the work is worth
            services = [
                replace(s, control_value_usd=service_control_usd(plan.role, s, reps[s.region_id], p0 * cap, a))
                for s in services
            ]
        all_teams.extend(teams)
        all_services.extend(services)
        for s in services:
            saved_by_region[s.region_id] += s.hours_saved_per_rep_week
        # Exact sums (fsum): the same teams listed in another order give the same FTE to the last bit.
        fte_central = math.fsum(t.fte for t in teams if t.team == CENTRAL)
        fte_local = math.fsum(t.fte for t in teams if t.team != CENTRAL)
        for t in teams:
            if t.team != CENTRAL:
                embedded_by_region[t.team] += t.fte
        weight = sum(s.demand_per_week for s in services)
        mean_resp = (sum(s.response_hours * s.demand_per_week for s in services) / weight) if weight > 0 else 0.0
        saved = (
            sum(s.hours_saved_per_rep_week * reps[s.region_id] for s in services) / total_reps if total_reps else 0.0
        )
        role_results.append(
            RoleResult(
                role_id=plan.role.id,
                name=plan.role.name,
                category=plan.role.category,
                relation=plan.role.relation,
                placement=plan.placement,
                sizing=plan.sizing,
                fte_central=fte_central,
                fte_local=fte_local,
                fte=fte_central + fte_local,
                cost_usd_per_year=sum(t.cost_usd_per_year for t in teams),
                mean_response_hours=mean_resp,
                hours_saved_per_rep_week=saved,
                overloaded=any(t.overloaded for t in teams),
                detail=_detail(plan, scenario),
                control_value_usd=math.fsum(s.control_value_usd for s in services),
                process=plan.process,
            )
        )

    # Model 4: only part of the hours given back become selling hours (the selling conversion).
    conversion = a.selling_conversion if v4 else 1.0
    baseline = base.quota_usd_per_rep * base.quota_attainment * _steady_ramp_capacity(base)
    region_results = []
    for r in scenario.regions:
        reclaimed = saved_by_region[r.id] + (extra_hours if r.reps > 0 else 0.0)
        share = min(a.max_selling_time_share, s0 + conversion * reclaimed / a.rep_hours_per_week)
        productivity = p0 * (share / s0) ** a.productivity_elasticity * cap
        region_results.append(
            RegionResult(
                region_id=r.id,
                name=r.name,
                reps=r.reps,
                managers=r.managers,
                tz_gap_hours=gap_to_hq(r, scenario.hq),
                reclaimed_hours_per_rep_week=reclaimed,
                selling_time_share=share,
                productivity_per_rep_usd=productivity,
                baseline_productivity_per_rep_usd=baseline,
                revenue_usd=productivity * r.reps,
                baseline_revenue_usd=baseline * r.reps,
                embedded_ops_fte=embedded_by_region[r.id],
            )
        )
    return _Core(
        regions=tuple(region_results),
        roles=tuple(role_results),
        teams=tuple(all_teams),
        services=tuple(all_services),
        p0=p0,
        steady_cap=cap,
        ops_cost=sum(t.cost_usd_per_year for t in all_teams),
        ops_fte=math.fsum(t.fte for t in all_teams),
        control=math.fsum(r.control_value_usd for r in role_results),
    )


def evaluate(scenario: Scenario) -> Results:
    """Evaluate a scenario.

    Active initiatives (``scenario.initiatives``) move the model's levers from
    their start month: the steady state has them all, the projection phases them
    in, and their costs count in ROI, the projection and payback.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    Results
        Finite figures for every valid scenario (no NaN, no infinity).

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> res = evaluate(load_sample("midmarket"))
    >>> res.reps
    120
    """
    from salesops.model import initiatives as levers  # the levers module builds on this one

    a = scenario.assumptions
    active = tuple(i for i in scenario.initiatives if i.active)
    phases: dict[frozenset, _Core] = {}

    def phase(started: frozenset) -> _Core:
        if started not in phases:
            chosen = [i for i in active if i.id in started]
            phases[started] = _core(levers.effective(scenario, chosen), a, levers.extra_hours(chosen))
        return phases[started]

    full = phase(frozenset(i.id for i in active))
    total_reps = scenario.total_reps
    region_results = list(full.regions)
    revenue = sum(r.revenue_usd for r in region_results)
    baseline_revenue = sum(r.baseline_revenue_usd for r in region_results)
    ops_cost = full.ops_cost
    ops_fte = full.ops_fte
    running = sum(i.running_cost_usd_per_year for i in active)
    uplift = (revenue - baseline_revenue) * a.gross_margin
    spend = ops_cost + running
    net = uplift + full.control - spend
    roi = net / spend if spend > 0 else 0.0
    months = projection(scenario, active, phase)
    total_gain = sum(m.gross_margin_uplift_usd + m.control_value_usd for m in months)
    total_cost = sum(m.sales_ops_cost_usd for m in months)
    roi_3yr = (total_gain - total_cost) / total_cost if total_cost > 0 else 0.0
    s0 = a.baseline_selling_time_share
    selling = (sum(r.selling_time_share * r.reps for r in region_results) / total_reps) if total_reps else s0

    return Results(
        scenario_name=scenario.name,
        reps=total_reps,
        managers=sum(r.managers for r in scenario.regions),
        revenue_usd=revenue,
        baseline_revenue_usd=baseline_revenue,
        productivity_per_rep_usd=revenue / total_reps if total_reps else 0.0,
        baseline_productivity_per_rep_usd=a.quota_usd_per_rep * a.quota_attainment * _steady_ramp_capacity(a),
        selling_time_share=selling,
        baseline_selling_time_share=s0,
        sales_ops_fte=ops_fte,
        sales_ops_cost_usd=ops_cost,
        gross_margin_uplift_usd=uplift,
        roi=roi,
        roi_3yr=roi_3yr,
        payback_months=payback(months),
        reps_per_ops_fte=_ratio(total_reps, ops_fte),
        ops_cost_per_rep_usd=ops_cost / total_reps if total_reps else 0.0,
        regions=tuple(region_results),
        roles=full.roles,
        teams=full.teams,
        services=full.services,
        projection=months,
        initiative_cost_usd_per_year=running,
        initiative_one_off_usd=sum(i.one_off_cost_usd for i in active),
        net_value_usd=net,
        npv_usd=npv(months, a.discount_rate),
        control_value_usd=full.control,
        transition_one_off_usd=sum(m.transition_usd for m in months),
    )


def _ratio(reps: int, fte: float) -> float | None:
    """Reps per sales-ops FTE; None without FTE (or with so few that the ratio overflows)."""
    if fte <= 0:
        return None
    ratio = reps / fte
    return ratio if math.isfinite(ratio) else None
