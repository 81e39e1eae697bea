"""Month by month: the rep ramp, the projection's cash flow, the transition, NPV and payback.

:func:`projection` turns the steady states of :mod:`salesops.model.evaluation` (one per phase of the
initiatives) into months: reps leave and new hires ramp, the sales-ops set-up is hired and ramps
in, initiatives start. In model version 4 the transition is in it too: nothing is spent or gained
before the new staff start (``ops_hiring_lag_months``), and month 1 carries the one-off costs
(recruiting each FTE, the reorganisation, replacing the reps it loses and their ramp). Payback, the
3-year ROI and NPV are all read from this one cash flow, so they cannot contradict each other.
Every equation is in ``docs/MODEL.md``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from salesops.model.results import ProjectionMonth
from salesops.model.scenario import Assumptions, Scenario

__all__ = ["monthly_net", "npv", "ops_benefit", "ramp_capacity", "staffed_share", "transition_one_off"]


def ramp_capacity(months: int, a: Assumptions) -> list[float]:
    """Rep capacity (share of fully ramped output) for months 1..months.

    The team starts fully ramped; every month ``attrition/12`` of reps leave and
    are replaced by hires who ramp linearly, reaching full output in
    ``ramp_months`` (Pedowitz 25/50/75/100 curve).
    """
    ramp = a.ramp_months
    hire_rate = a.attrition_per_year / 12.0
    out = []
    for m in range(1, months + 1):
        deficit = 0.0
        # hires made at the start of month i (1..m) have tenure m - i + 1 months of output
        for i in range(max(1, m - math.ceil(ramp) + 1), m + 1):
            tenure = m - i + 1
            deficit += hire_rate * max(0.0, 1.0 - tenure / ramp)
        out.append(1.0 - deficit)
    return out


def ramp_deficit_months(a: Assumptions) -> float:
    """Months of full output a new hire loses while ramping: sum over t of max(0, 1 - t / ramp)."""
    return sum(max(0.0, 1.0 - t / a.ramp_months) for t in range(1, math.ceil(a.ramp_months) + 1))


def _steady_ramp_capacity(a: Assumptions) -> float:
    return 1.0 - a.attrition_per_year / 12.0 * ramp_deficit_months(a)


def _lag(scenario: Scenario) -> float:
    return scenario.assumptions.ops_hiring_lag_months if scenario.model_version >= 4 else 0.0


def staffed_share(month: int, lag: float) -> float:
    """Share of ``month`` in which the new staff are in their seats (and paid): after the hiring lag.

    >>> [staffed_share(m, 1.5) for m in (1, 2, 3)]
    [0.0, 0.5, 1.0]
    """
    return min(1.0, max(0.0, month - lag))


def ops_benefit(month: int, a: Assumptions, lag: float = 0.0) -> float:
    """Share of the set-up's full effect reached by ``month``: a linear ramp that starts after the lag.

    >>> from salesops.model.scenario import Assumptions
    >>> a = Assumptions(ops_benefit_ramp_months=4.0)
    >>> [ops_benefit(m, a) for m in (1, 4, 5)], ops_benefit(3, a, lag=2.0)
    ([0.25, 1.0, 1.0], 0.25)
    """
    return min(1.0, max(0.0, month - lag) / a.ops_benefit_ramp_months)


def transition_one_off(scenario: Scenario, ops_fte: float, revenue_per_rep: float) -> float:
    """One-off costs of the transition, charged in month 1 (model version 4; 0 before).

    Recruiting every FTE of the set-up, the reorganisation the user states, and the reps it loses:
    each costs the rep replacement cost and a new hire's ramp (the output lost while ramping, at
    gross margin).
    """
    if scenario.model_version < 4:
        return 0.0
    a = scenario.assumptions
    leavers = a.reorg_rep_departure_share * scenario.total_reps
    lost_ramp = leavers * revenue_per_rep * ramp_deficit_months(a) / 12.0 * a.gross_margin
    return ops_fte * a.ops_recruiting_cost_usd + a.reorg_one_off_usd + leavers * a.rep_replacement_cost_usd + lost_ramp


def monthly_net(p: ProjectionMonth) -> float:
    """One month's net: gross-margin uplift plus control value, less cost."""
    return p.gross_margin_uplift_usd + p.control_value_usd - p.sales_ops_cost_usd


def projection(scenario: Scenario, active, phase: Callable[[frozenset], Any]) -> tuple[ProjectionMonth, ...]:
    """Month by month: reps ramp and leave, the ops set-up is hired and ramps in, initiatives start.

    ``phase(started)`` is the steady state (``evaluation._Core``) with the initiatives of
    ``started`` running.
    """
    from salesops.model import initiatives as levers  # the levers module builds on the model

    a = scenario.assumptions
    months = a.horizon_months
    reps = scenario.total_reps
    lag = _lag(scenario)
    base_capacity = ramp_capacity(months, a)
    base_p0 = a.quota_usd_per_rep * a.quota_attainment
    capacities: dict[frozenset, list[float]] = {}
    first = phase(frozenset(i.id for i in active if i.start_month <= 1))
    one_off = transition_one_off(scenario, first.ops_fte, base_p0)
    cumulative = 0.0
    out = []
    for m in range(1, months + 1):
        started = frozenset(i.id for i in active if i.start_month <= m)
        core = phase(started)
        if started not in capacities:
            chosen = [i for i in active if i.id in started]
            capacities[started] = (
                ramp_capacity(months, levers.effective(scenario, chosen).assumptions) if started else base_capacity
            )
        benefit = ops_benefit(m, a, lag)
        cap = capacities[started][m - 1]
        base_cap = base_capacity[m - 1]
        # Lift over this phase's own no-ops level, without the steady ramp factor (ramp applies once).
        lift = (
            sum((r.productivity_per_rep_usd / core.steady_cap - core.p0) * r.reps for r in core.regions)
            if core.steady_cap > 0
            else 0.0
        )
        baseline_rev = base_p0 * reps * base_cap / 12.0
        revenue = (core.p0 * reps + lift * benefit) * cap / 12.0
        uplift = (revenue - baseline_rev) * a.gross_margin
        control = core.control * benefit / 12.0
        transition = one_off if m == 1 else 0.0
        cost = core.ops_cost * staffed_share(m, lag) / 12.0
        cost += sum(i.running_cost_usd_per_year for i in active if i.id in started) / 12.0
        cost += sum(i.one_off_cost_usd for i in active if i.start_month == m) + transition
        cumulative += uplift + control - cost
        out.append(
            ProjectionMonth(
                month=m,
                reps=reps,
                rep_capacity=cap,
                ops_benefit=benefit,
                revenue_usd=revenue,
                baseline_revenue_usd=baseline_rev,
                gross_margin_uplift_usd=uplift,
                sales_ops_cost_usd=cost,
                cumulative_net_usd=cumulative,
                control_value_usd=control,
                transition_usd=transition,
            )
        )
    return tuple(out)


def npv(projection: tuple[ProjectionMonth, ...], discount_rate: float) -> float:
    """Net present value of the projection: each month's net (uplift + control - cost) discounted to today.

    Month m is discounted by ``(1 + discount_rate) ** (m / 12)`` (end of month m).

    >>> months = tuple(ProjectionMonth(m, 1, 1.0, 1.0, 0.0, 0.0, 100.0, 0.0, 100.0 * m) for m in (1, 2))
    >>> round(npv(months, 0.0), 6), round(npv(months, 0.1), 2)
    (200.0, 197.63)
    """
    return sum(monthly_net(p) / (1.0 + discount_rate) ** (p.month / 12.0) for p in projection)


def payback(projection: tuple[ProjectionMonth, ...]) -> float | None:
    """Months until the cumulative net turns positive for good (interpolated); None if it never does.

    Read from the same cash flow as the 3-year ROI, so the two cannot contradict: when the horizon
    ends at or above zero, payback is the last time the cumulative net crosses zero upward (0 when it
    never dips below zero); when it ends below zero, payback lies beyond the horizon at the last
    month's net if that is still positive, else never. A set-up that costs nothing pays back at
    once if it adds anything (0), and has nothing to pay back if it adds nothing (None).
    """
    last = projection[-1]
    if all(p.sales_ops_cost_usd == 0 for p in projection):  # nothing spent: nothing to pay back
        return 0.0 if last.cumulative_net_usd > 0 else None
    if last.cumulative_net_usd >= 0:
        previous, crossing = 0.0, 0.0
        for p in projection:
            if p.cumulative_net_usd >= 0 > previous:
                step = p.cumulative_net_usd - previous
                crossing = (p.month - 1) + min(1.0, max(0.0, -previous / step))
            previous = p.cumulative_net_usd
        return crossing
    net = monthly_net(last)
    if net > 0:
        return last.month + (-last.cumulative_net_usd) / net
    return None
