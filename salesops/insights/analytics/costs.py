"""What an org costs: the default cost of a person (``data/org_costs.json``), cost by function and by region.

Costs come from the positions where they give one; otherwise from the defaults
of ``data/org_costs.json`` (pay x loading factor x the region's cost index), and
those rows are marked ``estimated``. Sales-ops cost and FTE come from the model's
teams.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Scenario

FUNCTION_REPS = "Reps"
FUNCTION_MANAGERS = "Sales managers"
FUNCTION_LEADERS = "Sales leaders"
FUNCTION_OTHER = "Other"
OPS_FUNCTION_PREFIX = "Sales ops: "

_FUNCTION_OF_KIND = {
    "rep": FUNCTION_REPS,
    "manager": FUNCTION_MANAGERS,
    "leader": FUNCTION_LEADERS,
    "other": FUNCTION_OTHER,
}
_COST_ROW_COLUMNS = ["region", "function", "headcount", "cost_usd_per_year", "estimated"]


@lru_cache(maxsize=1)
def _costs_raw() -> dict[str, Any]:
    with open(DATA_DIR / "org_costs.json", encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class CostDefault:
    """The default annual cost of one person of a kind, with its source.

    Parameters
    ----------
    kind : {"rep", "manager", "leader", "other"}
    pay_usd_per_year : float
        On-target earnings (or salary) of one person.
    loading_factor : float
        Benefits, taxes and overhead on top of pay.
    source, firmness : str
        Where the pay figure comes from and how firm it is.
    """

    kind: str
    pay_usd_per_year: float
    loading_factor: float
    source: str
    firmness: str

    @property
    def cost_usd_per_year(self) -> float:
        """Fully loaded cost of one person at HQ prices."""
        return self.pay_usd_per_year * self.loading_factor


def cost_defaults() -> dict[str, CostDefault]:
    """Default cost of one rep, manager, leader and other staff member, from ``data/org_costs.json``.

    Examples
    --------
    >>> rep = cost_defaults()["rep"]
    >>> rep.pay_usd_per_year, rep.firmness
    (180000, '2nd-hand')
    >>> round(rep.cost_usd_per_year)
    216000
    """
    raw = _costs_raw()
    loading = raw["loading_factor"]["value"]
    return {
        kind: CostDefault(kind, spec["pay_usd_per_year"], loading, spec["source"], spec["firmness"])
        for kind, spec in raw["kinds"].items()
    }


def _cost_row(region: str, kind: str, headcount: int, cost: float, estimated: bool) -> dict[str, Any]:
    return {
        "region": region,
        "function": _FUNCTION_OF_KIND[kind],
        "headcount": headcount,
        "cost_usd_per_year": float(cost),
        "estimated": estimated,
    }


def _function_order(function: str) -> int:
    """Reps, managers, leaders, then sales ops by category, then Other."""
    return {FUNCTION_REPS: 0, FUNCTION_MANAGERS: 1, FUNCTION_LEADERS: 2, FUNCTION_OTHER: 4}.get(function, 3)


def _cost_by_function(people_rows: pd.DataFrame, ops_rows: pd.DataFrame) -> pd.DataFrame:
    agg = {"headcount": "sum", "cost_usd_per_year": "sum", "estimated": "any"}
    people = people_rows.groupby("function", as_index=False).agg(agg).assign(unit="people")
    ops = ops_rows.groupby("function", as_index=False).agg(agg).assign(unit="FTE")
    out = pd.concat([people, ops], ignore_index=True)
    out = out[(out["headcount"] > 0) | (out["cost_usd_per_year"] > 0)]
    out = out.assign(_order=out["function"].map(_function_order))
    out = out.sort_values(["_order", "function"]).drop(columns="_order").reset_index(drop=True)
    out["headcount"] = out["headcount"].astype(float)
    out["estimated"] = out["estimated"].astype(bool)
    return out[["function", "headcount", "unit", "cost_usd_per_year", "estimated"]]


def _cost_by_region(scenario: Scenario, people_rows: pd.DataFrame, ops_rows: pd.DataFrame) -> pd.DataFrame:
    rows = pd.concat([people_rows, ops_rows], ignore_index=True)
    out = rows.groupby(["region", "function"], as_index=False, sort=False)["cost_usd_per_year"].sum()
    order = {r.id: i for i, r in enumerate(scenario.regions)}
    names = {r.id: r.name for r in scenario.regions}
    out = out.assign(
        region_name=out["region"].map(names),
        _order=out["region"].map(order),
        _function=out["function"].map(_function_order),
    )
    out = (
        out.sort_values(["_order", "_function", "function"], kind="stable")
        .drop(columns=["_order", "_function"])
        .reset_index(drop=True)
    )
    return out[["region", "region_name", "function", "cost_usd_per_year"]]
