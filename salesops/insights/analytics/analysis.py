"""Org analytics of one scenario: spans of control, layers, ratios, costs and health flags in one value.

:func:`analyze` reads one :class:`~salesops.model.scenario.Scenario` and its
:class:`~salesops.model.Results` and returns an :class:`OrgAnalytics`. It works
for both kinds of scenario:

- an org described by its regions alone: a CRO, one regional VP per region, the
  region's managers and its reps, the reps split evenly over the managers
  exactly as :func:`salesops.model.org.build_org` draws them;
- an imported org (``scenario.positions``): the real reporting lines, where a
  collapsed node counts as ``count`` people.

Costs are in :mod:`salesops.insights.analytics.costs`, the health rules and flags in
:mod:`salesops.insights.analytics.health`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from salesops.model import Results
from salesops.model.org import _depths, _split
from salesops.model.scenario import Scenario
from salesops.insights.analytics.costs import (
    _COST_ROW_COLUMNS,
    FUNCTION_OTHER,
    OPS_FUNCTION_PREFIX,
    _cost_by_function,
    _cost_by_region,
    _cost_row,
    cost_defaults,
)
from salesops.insights.analytics.health import HealthFlag, _flags

_SPAN_COLUMNS = ["manager_id", "name", "region", "kind", "direct_reports", "reps"]


@dataclass(frozen=True, eq=False)
class OrgAnalytics:
    """Spans, layers, headcounts, ratios, costs and health flags of one scenario.

    Holds DataFrames, so compare fields rather than objects (``eq`` is identity).

    Attributes
    ----------
    spans : pandas.DataFrame
        One row per manager (kind ``"manager"``, including managers with no one
        reporting), plus any leader with reps reporting directly, who acts as
        their front-line manager. Columns ``manager_id``, ``name``, ``region``
        (region id), ``kind``, ``direct_reports`` (people reporting directly,
        collapsed nodes counted by size) and ``reps`` (reps among them). A
        collapsed node of ``count`` managers gives ``count`` rows, its reports
        split evenly.
    layers : int
        Levels from the top leader down to the deepest position, sales-ops staff
        excluded (CRO, regional VP, manager, rep = 4 for an org described by
        regions alone).
    leaders, managers, reps, others : int
        Headcounts (sales-ops staff are in the ``ops_*`` fields instead).
    reps_per_manager : float or None
        None without managers.
    ops_fte : float
        Sales-ops FTE of the model's teams.
    reps_per_ops_fte : float or None
        None without sales-ops FTE.
    ops_fte_by_category : pandas.DataFrame
        ``category``, ``relation`` (leads/supports), ``fte``, ``cost_usd_per_year``.
    cost_by_function : pandas.DataFrame
        ``function`` ("Reps", "Sales managers", "Sales leaders",
        "Sales ops: <category>", "Other"), ``headcount`` (people, or FTE for
        sales ops), ``unit`` ("people" or "FTE"), ``cost_usd_per_year`` and
        ``estimated`` (True when any of the row's cost is a default of
        ``data/org_costs.json``). Functions with no one in them are left out.
    cost_by_region : pandas.DataFrame
        ``region`` (id), ``region_name``, ``function``, ``cost_usd_per_year``;
        sales-ops teams count in the region where they sit.
    sales_spend_usd_per_year : float
        Reps + sales managers + sales leaders + sales ops (Other excluded).
    sales_spend_share : float or None
        Sales spend over the model's revenue; None without revenue.
    flags : tuple of HealthFlag
        One flag per rule of ``data/health_rules.json``.
    """

    spans: pd.DataFrame
    layers: int
    leaders: int
    managers: int
    reps: int
    others: int
    reps_per_manager: float | None
    ops_fte: float
    reps_per_ops_fte: float | None
    ops_fte_by_category: pd.DataFrame
    cost_by_function: pd.DataFrame
    cost_by_region: pd.DataFrame
    sales_spend_usd_per_year: float
    sales_spend_share: float | None
    flags: tuple[HealthFlag, ...]

    @property
    def front_line_span(self) -> float | None:
        """Mean reps per front-line manager (anyone with reps reporting directly); None without any.

        The org-level figure that the span rules apply to on the Peer benchmarks
        page; :attr:`reps_per_manager` divides by every manager instead.
        """
        front = self.spans.loc[self.spans["reps"] > 0, "reps"]
        return float(front.mean()) if len(front) else None

    @property
    def warnings(self) -> tuple[HealthFlag, ...]:
        """The flags whose status is ``"warning"``."""
        return tuple(f for f in self.flags if f.status == "warning")

    def flag(self, rule: str) -> HealthFlag:
        """The flag of one rule id; raises KeyError naming an unknown id."""
        for f in self.flags:
            if f.rule == rule:
                return f
        raise KeyError(f"no flag for rule {rule!r}; rules: {', '.join(f.rule for f in self.flags)}")

    def flags_frame(self) -> pd.DataFrame:
        """The flags as a table, one row per rule."""
        names = ["rule", "metric", "value", "status", "threshold", "source", "firmness", "message"]
        return pd.DataFrame([{n: getattr(f, n) for n in names} for f in self.flags], columns=names)


# --------------------------------------------------------------------------
# The two kinds of org
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _People:
    spans: list[dict[str, Any]]
    layers: int
    headcount: Counter
    cost_rows: list[dict[str, Any]]


def _generated_people(scenario: Scenario) -> _People:
    """An org described by regions alone, drawn as :func:`salesops.model.org.build_org` draws it."""
    defaults = cost_defaults()

    def estimate(kind: str, n: int, cost_index: float) -> float:
        return defaults[kind].cost_usd_per_year * n * cost_index

    hq = scenario.hq
    spans: list[dict[str, Any]] = []
    rows = [_cost_row(hq.id, "leader", 1, estimate("leader", 1, hq.cost_index), True)]  # the CRO
    headcount = Counter(leader=1 + len(scenario.regions))
    deepest = 1  # regional VPs sit one below the CRO
    for r in scenario.regions:
        head = f"rl:{r.id}"
        rows.append(_cost_row(r.id, "leader", 1, estimate("leader", 1, r.cost_index), True))
        if r.managers:
            rows.append(_cost_row(r.id, "manager", r.managers, estimate("manager", r.managers, r.cost_index), True))
        if r.reps:
            rows.append(_cost_row(r.id, "rep", r.reps, estimate("rep", r.reps, r.cost_index), True))
        headcount["manager"] += r.managers
        headcount["rep"] += r.reps
        deepest = max(deepest, 1 + (1 if r.managers else 0) + (1 if r.reps else 0))
        if r.managers:
            for i, n in enumerate(_split(r.reps, r.managers)):
                spans.append(
                    {
                        "manager_id": f"m:{r.id}:{i + 1}",
                        "name": f"Manager {i + 1} ({r.name})",
                        "region": r.id,
                        "kind": "manager",
                        "direct_reports": n,
                        "reps": n,
                    }
                )
        elif r.reps:  # no managers: the reps report to the regional VP
            spans.append(
                {
                    "manager_id": head,
                    "name": f"{r.name} sales",
                    "region": r.id,
                    "kind": "leader",
                    "direct_reports": r.reps,
                    "reps": r.reps,
                }
            )
    return _People(spans, deepest + 1, headcount, rows)


def _imported_people(scenario: Scenario) -> _People:
    """An imported org: real reporting lines, collapsed nodes counted by ``count``."""
    defaults = cost_defaults()
    positions = scenario.positions
    known = {r.id: r for r in scenario.regions}
    reports: dict[str, Counter] = defaultdict(Counter)
    for p in positions:
        if p.manager_id:
            reports[p.manager_id][p.kind] += p.count
    root = next(p.id for p in positions if not p.manager_id)
    depth = _depths(positions, root)
    layers = 1 + max((depth[p.id] for p in positions if p.kind != "sales_ops"), default=0)
    spans: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    headcount: Counter = Counter()
    for p in positions:
        region = known[p.region] if p.region in known else scenario.hq  # unplaced people count at HQ
        kids = reports.get(p.id, Counter())
        if p.kind == "manager" or (p.kind == "leader" and kids["rep"]):
            # A node of several managers stands for that many; split its reports evenly.
            direct = _split(sum(kids.values()), p.count)
            reps = _split(kids["rep"], p.count)
            for i in range(p.count):
                suffix = "" if p.count == 1 else f" ({i + 1} of {p.count})"
                spans.append(
                    {
                        "manager_id": p.id if p.count == 1 else f"{p.id}:{i + 1}",
                        "name": p.name + suffix,
                        "region": region.id,
                        "kind": p.kind,
                        "direct_reports": direct[i],
                        "reps": reps[i],
                    }
                )
        if p.kind == "sales_ops":
            continue  # sales-ops FTE and cost come from the model's teams
        headcount[p.kind] += p.count
        if p.cost_usd_per_year > 0:  # a collapsed node's cost is the node's total
            rows.append(_cost_row(region.id, p.kind, p.count, p.cost_usd_per_year, False))
        else:
            cost = defaults[p.kind].cost_usd_per_year * p.count * region.cost_index
            rows.append(_cost_row(region.id, p.kind, p.count, cost, True))
    return _People(spans, layers, headcount, rows)


# --------------------------------------------------------------------------
# Analysis
# --------------------------------------------------------------------------
def analyze(scenario: Scenario, results: Results) -> OrgAnalytics:
    """Spans, layers, ratios, costs and health flags of a scenario.

    Parameters
    ----------
    scenario : Scenario
        An org described by regions alone, or an imported org (``positions``).
    results : Results
        ``salesops.model.evaluation(scenario)``: sales-ops FTE, cost and revenue.

    Returns
    -------
    OrgAnalytics

    Raises
    ------
    ValueError
        If ``results`` was evaluated from a scenario of another name.

    Examples
    --------
    >>> from salesops.model import evaluate
    >>> from salesops.model.samples import load_sample
    >>> s = load_sample("midmarket")
    >>> a = analyze(s, evaluate(s))
    >>> a.layers, a.leaders, a.managers, a.reps, round(a.reps_per_ops_fte, 1)
    (4, 4, 14, 120, 12.3)
    >>> a.spans["reps"].tolist()[:7]  # 60 reps over 7 managers in US East
    [9, 9, 9, 9, 8, 8, 8]
    >>> a.flag("attrition").status  # 25.8% is past Alexander Group's 15-20% warning band
    'warning'
    """
    if results.scenario_name != scenario.name:
        raise ValueError(f"results are for scenario {results.scenario_name!r}, not {scenario.name!r}")
    people = _imported_people(scenario) if scenario.positions else _generated_people(scenario)
    spans = pd.DataFrame(people.spans, columns=_SPAN_COLUMNS).astype({"direct_reports": "int64", "reps": "int64"})
    leaders, managers = people.headcount["leader"], people.headcount["manager"]
    reps, others = people.headcount["rep"], people.headcount["other"]
    ops_fte = results.sales_ops_fte
    category = {r.role_id: r.category for r in results.roles}

    ops_by_category = (
        pd.DataFrame(
            [
                {"category": r.category, "relation": r.relation, "fte": r.fte, "cost_usd_per_year": r.cost_usd_per_year}
                for r in results.roles
            ],
            columns=["category", "relation", "fte", "cost_usd_per_year"],
        )
        .groupby(["category", "relation"], as_index=False, sort=True)
        .sum()
    )

    people_rows = pd.DataFrame(people.cost_rows, columns=_COST_ROW_COLUMNS)
    ops_rows = pd.DataFrame(
        [
            {
                "region": t.location_region,
                "function": OPS_FUNCTION_PREFIX + category[t.role_id],
                "headcount": t.fte,
                "cost_usd_per_year": t.cost_usd_per_year,
                "estimated": False,
            }
            for t in results.teams
        ],
        columns=_COST_ROW_COLUMNS,
    )
    by_function = _cost_by_function(people_rows, ops_rows)
    by_region = _cost_by_region(scenario, people_rows, ops_rows)

    spend = float(by_function.loc[by_function["function"] != FUNCTION_OTHER, "cost_usd_per_year"].sum())
    # The 3-10% benchmark is of the company's total revenue (installed base included),
    # which the model does not produce; only a figure the user enters is comparable.
    company_revenue = scenario.assumptions.company_revenue_usd
    spend_share = spend / company_revenue if company_revenue > 0 else None
    reps_per_manager = reps / managers if managers else None
    reps_per_ops = reps / ops_fte if ops_fte > 0 else None
    flags = _flags(scenario, results, spans, people.layers, reps, reps_per_ops, spend_share)
    return OrgAnalytics(
        spans=spans,
        layers=people.layers,
        leaders=leaders,
        managers=managers,
        reps=reps,
        others=others,
        reps_per_manager=reps_per_manager,
        ops_fte=ops_fte,
        reps_per_ops_fte=reps_per_ops,
        ops_fte_by_category=ops_by_category,
        cost_by_function=by_function,
        cost_by_region=by_region,
        sales_spend_usd_per_year=spend,
        sales_spend_share=spend_share,
        flags=flags,
    )


@lru_cache(maxsize=64)
def analyze_scenario(scenario: Scenario) -> OrgAnalytics:
    """:func:`analyze` of a scenario and its (memoised) results, memoised on the scenario.

    The returned value is shared: callers must not modify its DataFrames.
    """
    from salesops.model.whatif import evaluate_cached

    return analyze(scenario, evaluate_cached(scenario))
