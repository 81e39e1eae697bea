"""Generalists: in a small org one pooled team per location covers the roles that need under one FTE.

:func:`_generalist_pools` replaces those teams by members of one M/M/c queue (docs/MODEL.md 6b);
:func:`salesops.model.evaluation.evaluate` then computes their services with the pool's wait.
"""

from __future__ import annotations

import math
from dataclasses import replace

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
    for location, group in members.items():
        if len(group) < 2:
            continue
        rates = [team.capacity_per_week / team.servers_exact for _, team in group]  # mu of one FTE
        lam = math.fsum(team.demand_per_week for _, team in group)
        load = math.fsum(team.demand_per_week / mu for (_, team), mu in zip(group, rates))
        mu_bar = lam / load
        target = min(plan.role.target_answer_hours for plan, _ in group) / a.ops_hours_per_week
        c = fte_for_target(lam, mu_bar, target, a.service_level_target, a.max_utilization)
        capacity = c * mu_bar
        wait_weeks = erlang_c_continuous(c, load) / (capacity - lam)
        wait_h = min(a.max_response_hours, wait_weeks * a.ops_hours_per_week)
        index = scenario.region(location).cost_index
        for (plan, team), mu in zip(group, rates):
            fte = c * (team.demand_per_week / mu) / load
            out[(team.role_id, team.team)] = replace(
                team, fte=fte, servers=math.ceil(c - 1e-9), servers_exact=c, capacity_per_week=fte * mu,
                utilization=lam / capacity, served_share=1.0, wait_hours=wait_h, overloaded=False,
                cost_usd_per_year=fte * plan.role.cost_usd_per_year * index, pool=location,
            )  # fmt: skip
    return out
