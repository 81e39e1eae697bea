"""What-ifs on placements: what would switching one role (alone) do?"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

import pandas as pd

from salesops.model.limits import WHATIF_SECONDS
from salesops.model import Results, evaluate
from salesops.model.scenario import PLACEMENTS, Scenario
from salesops.model.worker import needs_worker, run_bounded

__all__ = ["bounded", "evaluate_cached", "placement_whatifs", "whatifs_cached"]

WHATIF_COLUMNS = [
    "role_id",
    "role",
    "current",
    "alternative",
    "delta_net_usd",
    "delta_npv_usd",
    "net_value_usd",
    "roi",
    "delta_roi_pp",
    "delta_productivity_usd",
    "delta_cost_usd",
    "delta_fte",
    "delta_response_hours",
]
RANKED_BY = "delta_net_usd"


@lru_cache(maxsize=512)
def evaluate_cached(scenario: Scenario) -> Results:
    """:func:`salesops.model.evaluation` memoised on the (immutable, hashable) scenario.

    Results are frozen dataclasses of tuples, so sharing a cached value between
    callers (or app sessions) cannot leak one caller's edits to another.
    """
    return evaluate(scenario)


def placement_whatifs(
    scenario: Scenario,
    evaluate_fn: Callable[[Scenario], Results] = evaluate_cached,
    placements: tuple[str, ...] = PLACEMENTS,
) -> pd.DataFrame:
    """For every role and every other placement, the change from switching that role alone.

    Returns
    -------
    pandas.DataFrame
        One row per (role, alternative placement), best first by the change in
        yearly net value (:data:`RANKED_BY`; ties keep the roles' order), with the
        change in 3-year NPV, the new net value and ROI, and the change in ROI
        (percentage points), productivity per rep, cost, FTE and the role's mean
        response time. A ratio would favour the cheapest design; money does not.
    """
    base = evaluate_fn(scenario)
    base_roles = {r.role_id: r for r in base.roles}
    rows = []
    for plan in scenario.roles:
        for alternative in placements:
            if alternative == plan.placement:
                continue
            res = evaluate_fn(scenario.with_placement(plan.role.id, alternative))
            role_now = base_roles[plan.role.id]
            role_alt = next(r for r in res.roles if r.role_id == plan.role.id)
            rows.append(
                {
                    "role_id": plan.role.id,
                    "role": plan.role.name,
                    "current": plan.placement,
                    "alternative": alternative,
                    "delta_net_usd": res.net_value_usd - base.net_value_usd,
                    "delta_npv_usd": res.npv_usd - base.npv_usd,
                    "net_value_usd": res.net_value_usd,
                    "roi": res.roi,
                    "delta_roi_pp": (res.roi - base.roi) * 100.0,
                    "delta_productivity_usd": res.productivity_per_rep_usd - base.productivity_per_rep_usd,
                    "delta_cost_usd": res.sales_ops_cost_usd - base.sales_ops_cost_usd,
                    "delta_fte": res.sales_ops_fte - base.sales_ops_fte,
                    "delta_response_hours": role_alt.mean_response_hours - role_now.mean_response_hours,
                }
            )
    table = pd.DataFrame(rows, columns=WHATIF_COLUMNS)
    return table.sort_values(RANKED_BY, ascending=False, kind="stable", ignore_index=True)


def bounded(scenario: Scenario, fn: Callable, *args, seconds: float = WHATIF_SECONDS):
    """``fn(scenario, *args)``: in this process for a small org, in a worker with a budget for a big one.

    Raises :class:`salesops.model.worker.BudgetExceeded` when a big org's work runs out of its budget.
    """
    if needs_worker(len(scenario.regions), len(scenario.roles)):
        return run_bounded(fn, scenario, *args, seconds=seconds)
    return fn(scenario, *args)


@lru_cache(maxsize=64)
def _whatifs(scenario: Scenario) -> pd.DataFrame:
    return bounded(scenario, placement_whatifs)


def whatifs_cached(scenario: Scenario) -> pd.DataFrame:
    """:func:`placement_whatifs` memoised on the scenario, within the what-if budget (a copy each call)."""
    return _whatifs(scenario).copy()
