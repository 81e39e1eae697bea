"""Org analytics: spans of control, layers, ratios, cost by function and region, health flags.

:func:`analyze` reads one :class:`~salesops.model.scenario.Scenario` and its
:class:`~salesops.model.Results` and returns an :class:`OrgAnalytics`. It works
for both kinds of scenario:

- an org described by its regions alone: a CRO, one regional VP per region, the
  region's managers and its reps, the reps split evenly over the managers
  exactly as :func:`salesops.model.org.build_org` draws them;
- an imported org (``scenario.positions``): the real reporting lines, where a
  collapsed node counts as ``count`` people.

Costs come from the positions where they give one; otherwise from the defaults
of ``data/org_costs.json`` (pay x loading factor x the region's cost index), and
those rows are marked ``estimated``. Sales-ops cost and FTE come from the model's
teams. The health rules and their sources live in ``data/health_rules.json``.

:func:`judge` applies one of those rules to one value. It is the single place
where a threshold is compared with a figure for the metrics that the Org
analytics page and the Peer benchmarks page (:func:`salesops.insights.peers.compare`)
both show (front-line span, reps per sales-ops FTE, rep attrition and sales
spend as a share of revenue), so the two pages cannot disagree about them.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, NamedTuple

import pandas as pd

from salesops.model import Results
from salesops.model.org import _depths, _split
from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Scenario

__all__ = [
    "FUNCTION_LEADERS",
    "FUNCTION_MANAGERS",
    "FUNCTION_OTHER",
    "FUNCTION_REPS",
    "JUDGED_RULES",
    "OPS_FUNCTION_PREFIX",
    "STATUSES",
    "VERDICTS",
    "CostDefault",
    "HealthFlag",
    "OrgAnalytics",
    "Verdict",
    "analyze",
    "analyze_scenario",
    "cost_defaults",
    "health_rules",
    "judge",
]

FUNCTION_REPS = "Reps"
FUNCTION_MANAGERS = "Sales managers"
FUNCTION_LEADERS = "Sales leaders"
FUNCTION_OTHER = "Other"
OPS_FUNCTION_PREFIX = "Sales ops: "
STATUSES = ("ok", "warning")
# What judge() can say: a flag's two statuses, plus "n/a" when there is no value to judge.
VERDICTS = ("ok", "warning", "n/a")

_FUNCTION_OF_KIND = {"rep": FUNCTION_REPS, "manager": FUNCTION_MANAGERS, "leader": FUNCTION_LEADERS,
                     "other": FUNCTION_OTHER}
_SPAN_COLUMNS = ["manager_id", "name", "region", "kind", "direct_reports", "reps"]
_COST_ROW_COLUMNS = ["region", "function", "headcount", "cost_usd_per_year", "estimated"]


# --------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _rules_raw() -> dict[str, Any]:
    with open(DATA_DIR / "health_rules.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _costs_raw() -> dict[str, Any]:
    with open(DATA_DIR / "org_costs.json", encoding="utf-8") as fh:
        return json.load(fh)


def health_rules() -> dict[str, dict[str, Any]]:
    """The health rules of ``data/health_rules.json`` keyed by rule id (a fresh copy).

    Examples
    --------
    >>> health_rules()["span_above"]["max_reps"]
    10
    """
    return copy.deepcopy(_rules_raw()["rules"])


# --------------------------------------------------------------------------
# One rule applied to one value (shared with salesops.insights.peers)
# --------------------------------------------------------------------------
class Verdict(NamedTuple):
    """What one health rule says about one value.

    Parameters
    ----------
    status : {"ok", "warning", "n/a"}
        ``"n/a"`` when there is no value to judge (None or NaN).
    threshold : str
        The rule's threshold in words, with its numbers.
    """

    status: str
    threshold: str


# rule id -> (threshold text, test that is True when a value breaks the rule), from the rule's fields.
_Check = tuple[str, Callable[[float], bool]]


def _check_span_below(rule: dict[str, Any]) -> _Check:
    floor = rule["min_reps"]
    return (f"at least {floor:g} reps per front-line manager (below {floor:g}:1 is costly)",
            lambda v: v < floor)


def _check_span_above(rule: dict[str, Any]) -> _Check:
    ceiling = rule["max_reps"]
    return f"at most {ceiling:g} reps per front-line manager", lambda v: v > ceiling


def _check_reps_per_ops_fte(rule: dict[str, Any]) -> _Check:
    lo, hi = rule["low"], rule["high"]
    return f"{lo:g} to {hi:g} reps per sales-ops FTE", lambda v: not lo <= v <= hi


def _check_attrition(rule: dict[str, Any]) -> _Check:
    warn_at, target = rule["warn_at"], rule["target"]
    return (f"below {warn_at:.0%} a year (target {target:.0%}; {warn_at:.0%} or more is a warning sign)",
            lambda v: v >= warn_at)


def _check_sales_spend_share(rule: dict[str, Any]) -> _Check:
    lo, hi = rule["low"], rule["high"]
    return f"{lo:.0%} to {hi:.0%} of revenue", lambda v: not lo <= v <= hi


_CHECKS: dict[str, Callable[[dict[str, Any]], _Check]] = {
    "span_below": _check_span_below,
    "span_above": _check_span_above,
    "reps_per_ops_fte": _check_reps_per_ops_fte,
    "attrition": _check_attrition,
    "sales_spend_share": _check_sales_spend_share,
}
# The rules of data/health_rules.json that judge a single figure (the others count roles or managers).
JUDGED_RULES = tuple(_CHECKS)


def judge(rule_id: str, value: float | None) -> Verdict:
    """Apply one health rule of ``data/health_rules.json`` to one value.

    Org analytics' flags and the peer comparison's health column both call
    this, so the two pages give the same verdict on the same figure.

    Parameters
    ----------
    rule_id : str
        One of :data:`JUDGED_RULES`: ``"span_below"`` and ``"span_above"``
        (reps per front-line manager, at least ``min_reps`` and at most
        ``max_reps``), ``"reps_per_ops_fte"`` (``low`` to ``high`` inclusive),
        ``"attrition"`` (a warning at ``warn_at`` a year or more) and
        ``"sales_spend_share"`` (``low`` to ``high`` of revenue, inclusive).
    value : float or None
        The figure in the rule's unit (shares as fractions). ``math.inf`` is a
        value (reps with no sales-ops FTE are infinitely many per FTE); None or
        NaN is not.

    Returns
    -------
    Verdict
        ``status`` "ok", "warning" or "n/a" (no value), and the threshold in words.

    Raises
    ------
    ValueError
        Naming an unknown rule id and the rules that can be judged.

    Examples
    --------
    >>> judge("attrition", 0.258)
    Verdict(status='warning', threshold='below 15% a year (target 10%; 15% or more is a warning sign)')
    >>> judge("attrition", 0.12).status, judge("span_above", 10).status, judge("span_above", 11).status
    ('ok', 'ok', 'warning')
    >>> judge("reps_per_ops_fte", float("inf")).status, judge("sales_spend_share", None).status
    ('warning', 'n/a')
    """
    if rule_id not in _CHECKS:
        raise ValueError(f"no single-value health rule {rule_id!r}; rules: {', '.join(JUDGED_RULES)}")
    threshold, breaks = _CHECKS[rule_id](_rules_raw()["rules"][rule_id])
    if value is None or math.isnan(value):
        return Verdict("n/a", threshold)
    return Verdict("warning" if breaks(float(value)) else "ok", threshold)


def _breaks(rule_id: str, values: pd.Series) -> pd.Series:
    """A boolean mask: which of ``values`` :func:`judge` warns about."""
    return values.map(lambda v: judge(rule_id, v).status == "warning").astype(bool)


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
    return {kind: CostDefault(kind, spec["pay_usd_per_year"], loading, spec["source"], spec["firmness"])
            for kind, spec in raw["kinds"].items()}


# --------------------------------------------------------------------------
# Result records
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class HealthFlag:
    """The outcome of one health rule.

    Parameters
    ----------
    metric : str
        What was measured, in words.
    value : float or None
        The measured value: a ratio or share, or a count of offending managers
        or roles; None when it cannot be computed (no sales ops, no revenue).
    status : {"ok", "warning"}
    threshold : str
        The threshold, in words, with its numbers.
    source, firmness : str
        Where the threshold comes from and how firm it is ("sourced",
        "2nd-hand", "unconfirmed" or "model assumption").
    message : str
        One sentence for the user, naming the worst offenders where there are any.
    rule : str
        The rule id in ``data/health_rules.json``.
    """

    metric: str
    value: float | None
    status: str
    threshold: str
    source: str
    firmness: str
    message: str
    rule: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"flag {self.rule!r}: status must be one of {', '.join(STATUSES)}, got {self.status!r}")


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


def _cost_row(region: str, kind: str, headcount: int, cost: float, estimated: bool) -> dict[str, Any]:
    return {"region": region, "function": _FUNCTION_OF_KIND[kind], "headcount": headcount,
            "cost_usd_per_year": float(cost), "estimated": estimated}


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
                spans.append({"manager_id": f"m:{r.id}:{i + 1}", "name": f"Manager {i + 1} ({r.name})",
                              "region": r.id, "kind": "manager", "direct_reports": n, "reps": n})
        elif r.reps:  # no managers: the reps report to the regional VP
            spans.append({"manager_id": head, "name": f"{r.name} sales", "region": r.id, "kind": "leader",
                          "direct_reports": r.reps, "reps": r.reps})
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
                spans.append({"manager_id": p.id if p.count == 1 else f"{p.id}:{i + 1}", "name": p.name + suffix,
                              "region": region.id, "kind": p.kind, "direct_reports": direct[i], "reps": reps[i]})
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
    >>> a.layers, a.leaders, a.managers, a.reps, a.reps_per_ops_fte
    (4, 4, 14, 120, 10.0)
    >>> a.spans["reps"].tolist()[:7]  # 60 reps over 7 managers in US East
    [9, 9, 9, 9, 8, 8, 8]
    >>> a.flag("attrition").status  # 25.8% is past Alexander Group's 15-20% warning band
    'warning'
    """
    if results.scenario_name != scenario.name:
        raise ValueError(f"results are for scenario {results.scenario_name!r}, not {scenario.name!r}")
    people = _imported_people(scenario) if scenario.positions else _generated_people(scenario)
    spans = pd.DataFrame(people.spans, columns=_SPAN_COLUMNS).astype(
        {"direct_reports": "int64", "reps": "int64"})
    leaders, managers = people.headcount["leader"], people.headcount["manager"]
    reps, others = people.headcount["rep"], people.headcount["other"]
    ops_fte = results.sales_ops_fte
    category = {r.role_id: r.category for r in results.roles}

    ops_by_category = (
        pd.DataFrame([{"category": r.category, "relation": r.relation, "fte": r.fte,
                       "cost_usd_per_year": r.cost_usd_per_year} for r in results.roles],
                     columns=["category", "relation", "fte", "cost_usd_per_year"])
        .groupby(["category", "relation"], as_index=False, sort=True).sum()
    )

    people_rows = pd.DataFrame(people.cost_rows, columns=_COST_ROW_COLUMNS)
    ops_rows = pd.DataFrame([{"region": t.location_region, "function": OPS_FUNCTION_PREFIX + category[t.role_id],
                              "headcount": t.fte, "cost_usd_per_year": t.cost_usd_per_year, "estimated": False}
                             for t in results.teams], columns=_COST_ROW_COLUMNS)
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
        spans=spans, layers=people.layers, leaders=leaders, managers=managers, reps=reps, others=others,
        reps_per_manager=reps_per_manager, ops_fte=ops_fte, reps_per_ops_fte=reps_per_ops,
        ops_fte_by_category=ops_by_category, cost_by_function=by_function, cost_by_region=by_region,
        sales_spend_usd_per_year=spend, sales_spend_share=spend_share, flags=flags,
    )


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
    out = out.assign(region_name=out["region"].map(names), _order=out["region"].map(order),
                     _function=out["function"].map(_function_order))
    out = (out.sort_values(["_order", "_function", "function"], kind="stable")
           .drop(columns=["_order", "_function"]).reset_index(drop=True))
    return out[["region", "region_name", "function", "cost_usd_per_year"]]


# --------------------------------------------------------------------------
# Health flags
# --------------------------------------------------------------------------
def _examples(rows: pd.DataFrame, limit: int) -> str:
    shown = [f"{r.name} ({r.reps} rep{'' if r.reps == 1 else 's'})" for r in rows.head(limit).itertuples()]
    more = len(rows) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _flag(rule_id: str, rule: dict[str, Any], value: float | None, warning: bool, threshold: str,
          message: str) -> HealthFlag:
    return HealthFlag(metric=rule["metric"], value=value, status="warning" if warning else "ok",
                      threshold=threshold, source=rule["source"], firmness=rule["firmness"],
                      message=message, rule=rule_id)


def _flags(scenario: Scenario, results: Results, spans: pd.DataFrame, layers: int, reps: int,
           reps_per_ops: float | None, spend_share: float | None) -> tuple[HealthFlag, ...]:
    raw = _rules_raw()
    rules = raw["rules"]
    limit = raw["max_examples"]
    flags = []
    front = spans[spans["reps"] > 0]
    n_front = len(front)

    rule = rules["span_below"]
    floor = rule["min_reps"]
    threshold = judge("span_below", None).threshold
    low = front[_breaks("span_below", front["reps"])].sort_values(["reps", "manager_id"], kind="stable")
    message = (f"{len(low)} of {n_front} front-line managers have fewer than {floor:g} reps: {_examples(low, limit)}."
               if len(low) else f"All {n_front} front-line managers have {floor:g} or more reps.")
    flags.append(_flag("span_below", rule, len(low), len(low) > 0, threshold, message))

    rule = rules["span_above"]
    ceiling = rule["max_reps"]
    threshold = judge("span_above", None).threshold
    high = front[_breaks("span_above", front["reps"])].sort_values(["reps", "manager_id"], ascending=[False, True],
                                                                   kind="stable")
    message = (f"{len(high)} of {n_front} front-line managers have more than {ceiling:g} reps: "
               f"{_examples(high, limit)}." if len(high)
               else f"All {n_front} front-line managers have {ceiling:g} or fewer reps.")
    flags.append(_flag("span_above", rule, len(high), len(high) > 0, threshold, message))

    rule = rules["reps_per_ops_fte"]
    lo, hi = rule["low"], rule["high"]
    if reps == 0:
        threshold = judge("reps_per_ops_fte", None).threshold
        flags.append(_flag("reps_per_ops_fte", rule, reps_per_ops, False, threshold,
                           "No reps, so no ratio to check."))
    elif reps_per_ops is None:
        # Reps without sales-ops FTE are infinitely many per FTE: under-served.
        verdict = judge("reps_per_ops_fte", math.inf)
        flags.append(_flag("reps_per_ops_fte", rule, None, verdict.status == "warning", verdict.threshold,
                           f"No sales-ops FTE: {reps} reps have no sales-ops support (under-served)."))
    else:
        verdict = judge("reps_per_ops_fte", reps_per_ops)
        if reps_per_ops < lo:
            message = (f"{reps_per_ops:.1f} reps per sales-ops FTE: over-served against the {lo:g}:1 target "
                       "(sales ops may cost more than the reps need).")
        elif reps_per_ops > hi:
            message = (f"{reps_per_ops:.1f} reps per sales-ops FTE: under-served, past the highest published "
                       f"ratio of {hi:g}:1.")
        else:
            message = f"{reps_per_ops:.1f} reps per sales-ops FTE, within {lo:g}-{hi:g}:1."
        flags.append(_flag("reps_per_ops_fte", rule, reps_per_ops, verdict.status == "warning", verdict.threshold,
                           message))

    rule = rules["attrition"]
    attrition = scenario.assumptions.attrition_per_year
    warn_at, target = rule["warn_at"], rule["target"]
    verdict = judge("attrition", attrition)
    if verdict.status == "warning":
        message = f"The attrition assumption, {attrition:.1%} a year, is a warning sign (target {target:.0%})."
    else:
        message = f"The attrition assumption, {attrition:.1%} a year, is below the {warn_at:.0%} warning level."
    flags.append(_flag("attrition", rule, attrition, verdict.status == "warning", verdict.threshold, message))

    rule = rules["ops_overload"]
    overloaded = [r.name for r in results.roles if r.overloaded]
    threshold = "every sales-ops team has more capacity than demand"
    message = (f"{len(overloaded)} sales-ops role(s) have less capacity than demand; the rest falls back on the "
               f"reps: {', '.join(overloaded)}." if overloaded else "Every sales-ops team keeps up with demand.")
    flags.append(_flag("ops_overload", rule, len(overloaded), bool(overloaded), threshold, message))

    rule = rules["layers"]
    most = rule["max_layers"]
    threshold = f"at most {most:g} layers from the top leader to reps"
    message = (f"{layers} layers from the top leader to reps, more than {most:g}." if layers > most
               else f"{layers} layers from the top leader to reps.")
    flags.append(_flag("layers", rule, layers, layers > most, threshold, message))

    rule = rules["managers_without_reports"]
    empty = spans[(spans["kind"] == "manager") & (spans["direct_reports"] == 0)].sort_values("manager_id")
    shown = ", ".join(empty["name"].head(limit))
    more = len(empty) - min(len(empty), limit)
    threshold = "every manager has at least one direct report"
    message = (f"{len(empty)} manager(s) with no direct reports: {shown}" + (f" and {more} more" if more else "") + "."
               if len(empty) else "Every manager has direct reports.")
    flags.append(_flag("managers_without_reports", rule, len(empty), len(empty) > 0, threshold, message))

    rule = rules["sales_spend_share"]
    lo, hi = rule["low"], rule["high"]
    verdict = judge("sales_spend_share", spend_share)
    if spend_share is None:  # nothing to judge: a flag is ok or warning, so it passes (peers show "n/a")
        flags.append(_flag("sales_spend_share", rule, None, False, verdict.threshold,
                           "Enter the company's total annual revenue (on the Peer benchmarks page) to compare "
                           f"sales spend with the {lo * 100:g}-{hi:.0%} benchmark."))
    else:
        message = f"Sales spend is {spend_share:.1%} of the company's revenue"
        if spend_share > hi:
            message += f", above {hi:.0%}."
        elif spend_share < lo:
            message += f", below {lo:.0%}."
        else:
            message += f", within {lo:.0%}-{hi:.0%}."
        flags.append(_flag("sales_spend_share", rule, spend_share, verdict.status == "warning", verdict.threshold,
                           message))
    return tuple(flags)


@lru_cache(maxsize=64)
def analyze_scenario(scenario: Scenario) -> OrgAnalytics:
    """:func:`analyze` of a scenario and its (memoised) results, memoised on the scenario.

    The returned value is shared: callers must not modify its DataFrames.
    """
    from salesops.model.whatif import evaluate_cached

    return analyze(scenario, evaluate_cached(scenario))
