"""Seasonal peaks (model version 4): quarter-ends and the planning season, capacity by season.

A role's requests are not spread evenly over the year: the deal desk and analytics peak at each
quarter-end, planning in the planning season. A role says how (``RoleSpec.peak_factor``, requests
in a peak week over a normal week, and ``peak_share``, the share of the year's weeks at peak); the
yearly average stays ``demand_per_rep_week``. Each team is queued twice with the same staff: in a
normal week and in a peak week. How far auto-sizing covers the peak is the scenario's choice
(``Assumptions.peak_cover``: 0 sizes for the average week, 1 for the peak week). A service's value
is the demand-weighted mix of the two weeks. Equations in ``docs/MODEL.md`` (section 14b).
"""

from __future__ import annotations

from typing import NamedTuple

from salesops.model.parts import Assumptions
from salesops.model.queueing import erlang_c, erlang_c_continuous
from salesops.model.roles import RoleSpec

__all__ = ["QueueState", "multipliers", "queue_state", "sizing_demand", "week_weights"]


class QueueState(NamedTuple):
    utilization: float
    served: float
    wait_hours: float
    overloaded: bool


def multipliers(role: RoleSpec, model_version: int) -> tuple[float, float]:
    """Demand in a normal and in a peak week as multiples of the yearly average ((1, 1) before model 4)."""
    if model_version < 4 or role.peak_share <= 0 or role.peak_factor <= 1:
        return 1.0, 1.0
    return role.demand_multipliers()


def week_weights(role: RoleSpec, model_version: int) -> tuple[float, float]:
    """Shares of the year's requests that arrive in normal and in peak weeks (they add up to 1).

    >>> from salesops.model.roles import load_catalog
    >>> desk = load_catalog()["deal_desk"]
    >>> [round(w, 3) for w in week_weights(desk, 4)], week_weights(desk, 3)
    ([0.65, 0.35], (1.0, 0.0))
    """
    off, peak = multipliers(role, model_version)
    if peak == off:
        return 1.0, 0.0
    return (1.0 - role.peak_share) * off, role.peak_share * peak


def sizing_demand(average: float, role: RoleSpec, a: Assumptions, model_version: int) -> float:
    """The weekly demand an auto-sized team is sized for: from the average week toward the peak week."""
    _, peak = multipliers(role, model_version)
    return average * (1.0 + a.peak_cover * (peak - 1.0)) if peak != 1.0 else average


def queue_state(
    demand: float, exact: float, servers: int, mu_server: float, continuous: bool, a: Assumptions
) -> QueueState:
    """Utilisation, share served and mean wait (hours) of an M/M/c team at ``demand`` a week."""
    capacity = exact * mu_server
    if demand <= 0:
        return QueueState(0.0, 1.0, 0.0, False)
    if capacity <= demand:
        return QueueState(1.0, capacity / demand, a.max_response_hours, True)
    load = demand / mu_server
    pw = erlang_c_continuous(exact, load) if continuous else erlang_c(servers, load)
    wait_weeks = pw / (capacity - demand)
    return QueueState(demand / capacity, 1.0, min(a.max_response_hours, wait_weeks * a.ops_hours_per_week), False)
