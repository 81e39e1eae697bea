"""ROI levers: investments in sales ops, how they move the model, and their return.

An :class:`~salesops.plan_items.Initiative` has a one-off and a running cost, a
start month, and effects on the model's levers: rep hours saved directly, the
service rate of some roles, quota attainment and the ramp of new hires. The
model (:func:`salesops.model.evaluate`) applies the active ones through
:func:`effective` and :func:`extra_hours`; :func:`rank` puts a number on each.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import pandas as pd

from salesops.paths import DATA_DIR
from salesops.plan_items import Initiative
from salesops.scenario import Scenario

__all__ = ["RANK_COLUMNS", "catalog", "catalog_sources", "effective", "extra_hours", "rank", "with_initiatives"]

MIN_RAMP_MONTHS = 0.5  # a ramp cannot shrink below two weeks, whatever is stacked on it
RANK_COLUMNS = ["id", "name", "active", "start_month", "one_off_cost_usd", "running_cost_usd_per_year",
                "cost_3yr_usd", "return_3yr_usd", "net_3yr_usd", "roi_3yr", "payback_months"]


@lru_cache(maxsize=1)
def _raw() -> dict:
    with open(DATA_DIR / "initiatives.json", encoding="utf-8") as fh:
        return json.load(fh)


def catalog() -> list[Initiative]:
    """The default initiatives of ``data/initiatives.json`` (inactive until chosen)."""
    return [Initiative.from_dict({**item, "active": False}, f"initiatives.json[{i}]")
            for i, item in enumerate(_raw()["initiatives"])]


def catalog_sources() -> dict[str, str]:
    return dict(_raw()["sources"])


def effective(scenario: Scenario, chosen: Iterable[Initiative]) -> Scenario:
    """The scenario's parameters as the chosen initiatives leave them.

    Service-rate gains compound per role; attainment gains add up (capped to
    [0, 1]); ramp savings add up (the ramp stays at least half a month).
    """
    chosen = list(chosen)
    if not chosen:
        return scenario
    roles = []
    for plan in scenario.roles:
        factor = 1.0
        for i in chosen:
            if plan.role.id in i.roles:
                factor *= 1.0 + i.service_rate_gain
        if factor != 1.0:
            plan = replace(plan, role=replace(plan.role, service_rate_per_fte_week=plan.role.service_rate_per_fte_week * factor))
        roles.append(plan)
    a = scenario.assumptions
    attainment = min(1.0, max(0.0, a.quota_attainment + sum(i.attainment_gain for i in chosen)))
    ramp = max(MIN_RAMP_MONTHS, a.ramp_months - sum(i.ramp_months_saved for i in chosen))
    return replace(scenario, roles=tuple(roles),
                   assumptions=replace(a, quota_attainment=attainment, ramp_months=ramp))


def extra_hours(chosen: Iterable[Initiative]) -> float:
    """Rep hours a week the chosen initiatives give back directly."""
    return sum(i.hours_saved_per_rep_week for i in chosen)


def with_initiatives(scenario: Scenario, initiatives: Sequence[Initiative]) -> Scenario:
    return replace(scenario, initiatives=tuple(initiatives))


def rank(scenario: Scenario, evaluate_fn: Callable | None = None) -> pd.DataFrame:
    """Each initiative's own 3-year cost, return, ROI and payback, best ROI first.

    Each is measured against the scenario's other active initiatives: the
    scenario with it switched on against the same scenario with it switched off.
    Return is the extra gross-margin uplift net of any change in sales-ops team
    cost; cost is the initiative's one-off plus running cost over the horizon;
    payback counts months from its start until its cumulative net turns positive
    (None when it does not within the projection).
    """
    if evaluate_fn is None:
        from salesops.whatif import evaluate_cached as evaluate_fn
    rows = []
    for item in scenario.initiatives:
        others = [i for i in scenario.initiatives if i.id != item.id]
        on = evaluate_fn(replace(scenario, initiatives=tuple(others) + (replace(item, active=True),)))
        off = evaluate_fn(replace(scenario, initiatives=tuple(others) + (replace(item, active=False),)))
        months = len(on.projection)
        years_running = max(0, months - item.start_month + 1) / 12.0
        cost = item.one_off_cost_usd + item.running_cost_usd_per_year * years_running
        diff = [a.cumulative_net_usd - b.cumulative_net_usd for a, b in zip(on.projection, off.projection)]
        net = diff[-1] if diff else 0.0
        gross = net + cost
        payback = None
        previous = 0.0
        for month, value in enumerate(diff, start=1):
            if month >= item.start_month and value >= 0 and month > 0:
                step = value - previous
                frac = (-previous / step) if step > 0 and previous < 0 else 1.0
                payback = max(0.0, (month - 1) + min(1.0, max(0.0, frac)) - (item.start_month - 1))
                break
            previous = value
        rows.append({
            "id": item.id, "name": item.name, "active": item.active, "start_month": item.start_month,
            "one_off_cost_usd": item.one_off_cost_usd, "running_cost_usd_per_year": item.running_cost_usd_per_year,
            "cost_3yr_usd": cost, "return_3yr_usd": gross, "net_3yr_usd": net,
            "roi_3yr": net / cost if cost > 0 else 0.0, "payback_months": payback,
        })
    table = pd.DataFrame(rows, columns=RANK_COLUMNS)
    return table.sort_values(["roi_3yr", "net_3yr_usd"], ascending=False, ignore_index=True)
