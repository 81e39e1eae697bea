"""ROI levers: investments in sales ops, how they move the model, and their return.

An :class:`~salesops.model.plan_items.Initiative` has a one-off and a running cost, a
start month, and effects on the model's levers: rep hours saved directly, the
service rate of some roles, quota attainment and the ramp of new hires. The
model (:func:`salesops.model.evaluation`) applies the active ones through
:func:`effective` and :func:`extra_hours`; :func:`rank` puts a number on each.

The defaults of ``data/initiatives.json`` cost a fixed part plus a part that grows with
the org (per rep, or per new hire), as their benefit does: :func:`catalog` sizes them
for a scenario, :func:`sized_for` re-sizes one, and :func:`size_of` says for how many
reps an initiative's costs were set (a scenario keeps plain dollars).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import pandas as pd

from salesops.model.limits import MAX_TOTAL_REPS
from salesops.model.parts import Assumptions
from salesops.model.paths import DATA_DIR
from salesops.model.plan_items import Initiative, PlanItemError
from salesops.model.scenario import Scenario

__all__ = [
    "RANK_COLUMNS",
    "ROW_FIELDS",
    "Sizing",
    "catalog",
    "catalog_sizing",
    "from_rows",
    "catalog_sources",
    "effective",
    "extra_hours",
    "rank",
    "reference_reps",
    "size_of",
    "sized_for",
    "with_initiatives",
]

MIN_RAMP_MONTHS = 0.5  # a ramp cannot shrink below two weeks, whatever is stacked on it
MAX_SIZED_REPS = MAX_TOTAL_REPS  # sizing refuses an org larger than any scenario may be
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


@dataclass(frozen=True)
class Sizing:
    """How a default initiative's cost grows with the org.

    ``one_off = one_off_fixed_usd + one_off_per_rep_usd * reps`` and
    ``running = running_fixed_usd_per_year + running_per_rep_usd_per_year * reps
    + running_per_hire_usd * reps * attrition``, each rounded to whole dollars.

    >>> s = Sizing(10_000, 100, 5_000, 50, 1_000)
    >>> s.costs(100, 0.25)
    (20000.0, 35000.0)
    >>> s.costs(0, 0.25)
    (10000.0, 5000.0)
    """

    one_off_fixed_usd: float = 0.0
    one_off_per_rep_usd: float = 0.0
    running_fixed_usd_per_year: float = 0.0
    running_per_rep_usd_per_year: float = 0.0
    running_per_hire_usd: float = 0.0
    basis: str = ""

    def __post_init__(self) -> None:
        for name in (
            "one_off_fixed_usd",
            "one_off_per_rep_usd",
            "running_fixed_usd_per_year",
            "running_per_rep_usd_per_year",
            "running_per_hire_usd",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1e7:
                raise PlanItemError(f"sizing: {name} must be a number from 0 to 10,000,000, got {value!r}")

    def costs(self, reps: int, attrition_per_year: float) -> tuple[float, float]:
        """(one-off, running a year) in whole dollars for an org of ``reps`` reps.

        Raises
        ------
        PlanItemError
            If ``reps`` is not a whole number from 0 to ``MAX_TOTAL_REPS`` or the attrition is not within [0, 1].
        """
        if isinstance(reps, bool) or not isinstance(reps, int) or not 0 <= reps <= MAX_SIZED_REPS:
            raise PlanItemError(f"sizing: reps must be a whole number from 0 to {MAX_SIZED_REPS:,}, got {reps!r}")
        if not isinstance(attrition_per_year, (int, float)) or not 0 <= attrition_per_year <= 1:
            raise PlanItemError(f"sizing: attrition_per_year must be within [0, 1], got {attrition_per_year!r}")
        one_off = self.one_off_fixed_usd + self.one_off_per_rep_usd * reps
        running = (
            self.running_fixed_usd_per_year
            + self.running_per_rep_usd_per_year * reps
            + self.running_per_hire_usd * reps * attrition_per_year
        )
        return float(round(one_off)), float(round(running))

    @property
    def grows(self) -> bool:
        """Whether any part of the cost grows with the org."""
        return self.one_off_per_rep_usd > 0 or self.running_per_rep_usd_per_year > 0 or self.running_per_hire_usd > 0


@lru_cache(maxsize=1)
def _raw() -> dict:
    with open(DATA_DIR / "initiatives.json", encoding="utf-8") as fh:
        return json.load(fh)


def reference_reps() -> int:
    """The org size the defaults are sized for when no scenario is given (the mid-market sample's)."""
    return int(_raw()["reference_reps"])


@lru_cache(maxsize=1)
def catalog_sizing() -> dict[str, Sizing]:
    """Each default initiative's :class:`Sizing`, by id."""
    return {item["id"]: Sizing(**item.get("sizing", {})) for item in _raw()["initiatives"]}


def _org(scenario: Scenario | None) -> tuple[int, float]:
    if scenario is None:
        return reference_reps(), Assumptions.defaults().attrition_per_year
    return scenario.total_reps, scenario.assumptions.attrition_per_year


def catalog(scenario: Scenario | None = None) -> list[Initiative]:
    """The default initiatives of ``data/initiatives.json`` (inactive until chosen), sized for ``scenario``.

    Costs are sized for the scenario's reps and attrition; without a scenario, for
    :func:`reference_reps` reps at the default attrition.

    >>> from salesops.model.samples import load_sample
    >>> small, large = catalog(load_sample("startup")), catalog(load_sample("enterprise"))
    >>> [a.running_cost_usd_per_year < b.running_cost_usd_per_year for a, b in zip(small, large)]
    [True, True, True, True, True]
    """
    reps, attrition = _org(scenario)
    sizing = catalog_sizing()
    out = []
    for i, item in enumerate(_raw()["initiatives"]):
        fields = {k: v for k, v in item.items() if k != "sizing"}
        one_off, running = sizing[item["id"]].costs(reps, attrition)
        fields.update(active=False, one_off_cost_usd=one_off, running_cost_usd_per_year=running)
        out.append(Initiative.from_dict(fields, f"initiatives.json[{i}]"))
    return out


def sized_for(item: Initiative, scenario: Scenario) -> Initiative:
    """``item`` with the catalog's costs for ``scenario``'s size (unchanged if it is not a default).

    Only the costs change: effects, start month, inclusion and source stay as they are.
    """
    sizing = catalog_sizing().get(item.id)
    if sizing is None:
        return item
    one_off, running = sizing.costs(*_org(scenario))
    return replace(item, one_off_cost_usd=one_off, running_cost_usd_per_year=running)


def size_of(item: Initiative, attrition_per_year: float) -> int | None:
    """The number of reps the catalog would size ``item``'s costs for, or None.

    None when ``item`` is not a default, when no org size gives its costs (they were
    edited, or set by an earlier catalog), or when its costs do not depend on size.

    >>> item = catalog()[0]
    >>> size_of(item, 0.258) == reference_reps()
    True
    >>> size_of(replace(item, one_off_cost_usd=item.one_off_cost_usd + 1_234), 0.258) is None
    True
    """
    sizing = catalog_sizing().get(item.id)
    if sizing is None or not sizing.grows:
        return None
    per_rep = sizing.running_per_rep_usd_per_year + sizing.running_per_hire_usd * attrition_per_year
    if sizing.one_off_per_rep_usd > 0:
        estimate = (item.one_off_cost_usd - sizing.one_off_fixed_usd) / sizing.one_off_per_rep_usd
    elif per_rep > 0:
        estimate = (item.running_cost_usd_per_year - sizing.running_fixed_usd_per_year) / per_rep
    else:  # only a per-hire part, and no attrition: any size gives the same costs
        return None
    if not math.isfinite(estimate) or not -0.5 <= estimate <= MAX_SIZED_REPS:
        return None
    reps = max(0, round(estimate))
    one_off, running = sizing.costs(reps, attrition_per_year)
    if math.isclose(one_off, item.one_off_cost_usd, abs_tol=1.0) and math.isclose(
        running, item.running_cost_usd_per_year, abs_tol=1.0
    ):
        return reps
    return None


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
