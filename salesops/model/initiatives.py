"""ROI levers: investments in sales ops, how they move the model, and their return.

An :class:`~salesops.model.plan_items.Initiative` has a one-off and a running cost, a
start month, and effects on the model's levers: rep hours saved directly, the
service rate of some roles, quota attainment and the ramp of new hires. The
model (:func:`salesops.model.evaluation`) applies the active ones through
:func:`effective` and :func:`extra_hours`; :func:`rank` puts a number on each.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import pandas as pd

from salesops.model.paths import DATA_DIR
from salesops.model.plan_items import Initiative, PlanItemError
from salesops.model.scenario import Scenario

__all__ = [
    "RANK_COLUMNS",
    "ROW_FIELDS",
    "catalog",
    "from_rows",
    "catalog_sources",
    "effective",
    "extra_hours",
    "rank",
    "with_initiatives",
]

MIN_RAMP_MONTHS = 0.5  # a ramp cannot shrink below two weeks, whatever is stacked on it
RANK_COLUMNS = [
    "id",
    "name",
    "active",
    "start_month",
    "one_off_cost_usd",
    "running_cost_usd_per_year",
    "cost_3yr_usd",
    "return_3yr_usd",
    "net_3yr_usd",
    "npv_usd",
    "roi_3yr",
    "payback_months",
]


@lru_cache(maxsize=1)
def _raw() -> dict:
    with open(DATA_DIR / "initiatives.json", encoding="utf-8") as fh:
        return json.load(fh)


def catalog() -> list[Initiative]:
    """The default initiatives of ``data/initiatives.json`` (inactive until chosen)."""
    return [
        Initiative.from_dict({**item, "active": False}, f"initiatives.json[{i}]")
        for i, item in enumerate(_raw()["initiatives"])
    ]


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
            plan = replace(
                plan, role=replace(plan.role, service_rate_per_fte_week=plan.role.service_rate_per_fte_week * factor)
            )
        roles.append(plan)
    a = scenario.assumptions
    attainment = min(1.0, max(0.0, a.quota_attainment + sum(i.attainment_gain for i in chosen)))
    ramp = max(MIN_RAMP_MONTHS, a.ramp_months - sum(i.ramp_months_saved for i in chosen))
    return replace(scenario, roles=tuple(roles), assumptions=replace(a, quota_attainment=attainment, ramp_months=ramp))


def extra_hours(chosen: Iterable[Initiative]) -> float:
    """Rep hours a week the chosen initiatives give back directly."""
    return sum(i.hours_saved_per_rep_week for i in chosen)


def with_initiatives(scenario: Scenario, initiatives: Sequence[Initiative]) -> Scenario:
    return replace(scenario, initiatives=tuple(initiatives))


def rank(scenario: Scenario, evaluate_fn: Callable) -> pd.DataFrame:
    """Each initiative's own 3-year cost, return, net, NPV, ROI and payback, highest NPV first.

    Each is measured against the scenario's other active initiatives: the
    scenario with it switched on against the same scenario with it switched off.
    Return is the extra gross-margin uplift net of any change in sales-ops team
    cost; cost is the initiative's one-off plus running cost over the horizon;
    payback counts months from its start until its cumulative net turns positive
    (None when it does not within the projection); NPV discounts the monthly
    difference at the scenario's discount rate. Ranked by NPV, money rather than
    a ratio that favours the cheapest initiative. ``evaluate_fn`` is
    :func:`salesops.model.evaluate` or its memoised form
    :func:`salesops.model.whatif.evaluate_cached` (passed in: the what-ifs build on this module).
    """
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
        rate = scenario.assumptions.discount_rate
        present = sum(
            (now - before) / (1.0 + rate) ** (month / 12.0)
            for month, (before, now) in enumerate(zip([0.0, *diff], diff), start=1)
        )
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
        rows.append(
            {
                "id": item.id,
                "name": item.name,
                "active": item.active,
                "start_month": item.start_month,
                "one_off_cost_usd": item.one_off_cost_usd,
                "running_cost_usd_per_year": item.running_cost_usd_per_year,
                "cost_3yr_usd": cost,
                "return_3yr_usd": gross,
                "net_3yr_usd": net,
                "npv_usd": present,
                "roi_3yr": net / cost if cost > 0 else 0.0,
                "payback_months": payback,
            }
        )
    table = pd.DataFrame(rows, columns=RANK_COLUMNS)
    return table.sort_values(["npv_usd", "net_3yr_usd"], ascending=False, ignore_index=True)


ROW_FIELDS = (
    "active",
    "id",
    "name",
    "one_off_cost_usd",
    "running_cost_usd_per_year",
    "start_month",
    "hours_saved_per_rep_week",
    "service_rate_gain",
    "roles",
    "attainment_gain",
    "ramp_months_saved",
    "source",
)
_ROW_DEFAULTS = (
    ("active", True),
    ("one_off_cost_usd", 0.0),
    ("running_cost_usd_per_year", 0.0),
    ("start_month", 1),
    ("hours_saved_per_rep_week", 0.0),
    ("service_rate_gain", 0.0),
    ("attainment_gain", 0.0),
    ("ramp_months_saved", 0.0),
    ("source", ""),
)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def from_rows(rows: Sequence[dict], role_ids: Iterable[str]) -> list[Initiative]:
    """Initiatives from the rows of an edited table (roles as comma-separated ids).

    Raises
    ------
    PlanItemError
        Naming the row (1-based) and field of the first problem: a blank id or
        name, a bad value, a role the scenario does not have, or a repeated id.
    """
    known = set(role_ids)
    out = []
    for n, row in enumerate(rows, start=1):
        values = {k: row[k] for k in ROW_FIELDS if k in row}
        blank = [k for k in ("id", "name") if not isinstance(values.get(k), str) or not values[k].strip()]
        if blank:
            raise PlanItemError(f"row {n}: {blank[0]} is empty")
        for key, default in _ROW_DEFAULTS:
            if _missing(values.get(key)):
                values[key] = default
        values["roles"] = tuple(r.strip() for r in str(values.get("roles") or "").split(",") if r.strip())
        values["active"] = bool(values["active"])
        if isinstance(values["start_month"], float) and values["start_month"].is_integer():
            values["start_month"] = int(values["start_month"])
        try:
            item = Initiative(**values)
        except PlanItemError as exc:
            raise PlanItemError(f"row {n} ({values['name']}): {exc}") from None
        unknown = [r for r in item.roles if r not in known]
        if unknown:
            raise PlanItemError(
                f"row {n} ({item.name}): unknown role(s) {', '.join(unknown)}; roles: {', '.join(sorted(known))}"
            )
        out.append(item)
    ids = [i.id for i in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise PlanItemError(f"duplicate id(s) {', '.join(dupes)}")
    return out
