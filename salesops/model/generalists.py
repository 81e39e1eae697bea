"""Generalists: in a small org one pooled team per location covers the roles that need under one FTE.

:func:`_generalist_pools` replaces those teams by members of one M/M/c queue (docs/MODEL.md 6b);
:func:`salesops.model.evaluation.evaluate` then computes their services with the pool's wait.
"""

from __future__ import annotations

import math
from dataclasses import replace

from salesops.model import peaks
from salesops.model.queueing import erlang_c_continuous, fte_for_target
from salesops.model.results import TeamResult
from salesops.model.scenario import RolePlan, Scenario

__all__: list[str] = []  # internal to salesops.model.evaluation


def _generalist_pools(scenario: Scenario, teams_by_role: list[list[TeamResult]]) -> dict[tuple[str, str], TeamResult]:
    """Generalists: at each location, the auto-sized teams of under one FTE served by one pooled team.

    The pool is one M/M/c queue over their requests (``Lambda = sum Lambda_j``, offered load
    ``A = sum Lambda_j / mu_j``, so a request takes ``A / Lambda`` weeks on average), sized to the
    service level with the strictest target among them. Each team keeps its own service time; it
    waits as long as the pool does, and gets the share ``(Lambda_j / mu_j) / A`` of the pool's FTE
    and cost. Applies in model version 3 with fractional staffing when ``scenario.generalists``.
    """
    if not (scenario.generalists and scenario.staffing == "continuous" and scenario.model_version >= 3):
        return {}
    a = scenario.assumptions
    members: dict[str, list[tuple[RolePlan, TeamResult]]] = {}
    for plan, teams in zip(scenario.roles, teams_by_role):
        if plan.sizing != "auto":
            continue
        for team in teams:
            if 0 < team.fte < 1 and team.demand_per_week > 0 and team.servers_exact > 0:
                members.setdefault(team.location_region, []).append((plan, team))
    out: dict[tuple[str, str], TeamResult] = {}
    version = scenario.model_version
    for location, group in members.items():
        if len(group) < 2:
            continue
        rates = [team.capacity_per_week / team.servers_exact for _, team in group]  # mu of one FTE
        load = math.fsum(team.demand_per_week / mu for (_, team), mu in zip(group, rates))
        # Model 4: sized toward the members' peak weeks, and queued in a normal and a peak week.
        sized = [peaks.sizing_demand(team.demand_per_week, plan.role, a, version) for plan, team in group]
        lam_sized = math.fsum(sized)
        load_sized = math.fsum(d / mu for d, mu in zip(sized, rates))
        target = min(plan.role.target_answer_hours for plan, _ in group) / a.ops_hours_per_week
        c = fte_for_target(lam_sized, lam_sized / load_sized, target, a.service_level_target, a.max_utilization)
        states = []
        for week in (0, 1):  # a normal week, a peak week
            demands = [team.demand_per_week * peaks.multipliers(plan.role, version)[week] for plan, team in group]
            lam_w = math.fsum(demands)
            load_w = math.fsum(d / mu for d, mu in zip(demands, rates))
            states.append(_pool_state(c, lam_w, load_w, a))
        normal, busy = states
        index = scenario.region(location).cost_index
        for (plan, team), mu in zip(group, rates):
            fte = c * (team.demand_per_week / mu) / load
            out[(team.role_id, team.team)] = replace(
                team, fte=fte, servers=math.ceil(c - 1e-9), servers_exact=c, capacity_per_week=fte * mu,
                utilization=normal[0], served_share=normal[1], wait_hours=normal[2], overloaded=normal[3] or busy[3],
                peak_utilization=busy[0], peak_served_share=busy[1], peak_wait_hours=busy[2],
                cost_usd_per_year=fte * plan.role.cost_usd_per_year * index, pool=location,
            )  # fmt: skip
    return out


def _pool_state(c: float, lam: float, load: float, a) -> tuple[float, float, float, bool]:
    """Utilisation, share served, wait (hours) and overload of a pool of ``c`` FTE at ``lam`` requests a week."""
    if lam <= 0:
        return 0.0, 1.0, 0.0, False
    capacity = c * lam / load
    if capacity <= lam:
        return 1.0, capacity / lam, a.max_response_hours, True
    wait_weeks = erlang_c_continuous(c, load) / (capacity - lam)
    return lam / capacity, 1.0, min(a.max_response_hours, wait_weeks * a.ops_hours_per_week), False
