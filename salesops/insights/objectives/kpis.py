"""Managing to the metrics: the KPIs' values, their targets, on track or not, and the KPI table.

Practice 2 is managing to the metrics: :func:`kpi_values` reads the seven KPIs of
:data:`salesops.model.plan_items.KPIS` from a scenario and its results,
:func:`kpi_targets` gives each a target (the scenario's objective for it, or a
default from ``data/kpi_targets.json``, a published figure or a model assumption,
with its source), and :func:`kpi_status` says whether a value is on track, at
risk or off track.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable

import pandas as pd

from salesops.model.format import fmt_pct, fmt_usd
from salesops.model.metrics import METRIC
from salesops.model import Results
from salesops.model.paths import DATA_DIR
from salesops.model.plan_items import KPIS, Actual, Objective
from salesops.model.scenario import Scenario
from salesops.insights.objectives.parsing import _period_sort_key

STATUSES = ("on-track", "at-risk", "off-track", "no data")
# Model figures a default target may be relative to ("relative_to" in data/kpi_targets.json): the
# same org and assumptions without sales ops.
RELATIVE_TO: dict[str, Callable[[Results], float]] = {
    "baseline_productivity_per_rep": lambda results: results.baseline_productivity_per_rep_usd,
    "baseline_selling_time_share": lambda results: results.baseline_selling_time_share,
}


@dataclass(frozen=True)
class KpiTarget:
    """The target a KPI is managed to.

    Parameters
    ----------
    kpi : str
    target : float
    tolerance : float
        Relative: a miss of at most ``tolerance * |target|`` is at risk.
    from_objective : bool
        True when the target comes from one of the scenario's objectives.
    source : str
        The objective (``objective 'o1': title``) or the published source.
    firmness : str
        ``"objective"`` for an objective, else the firmness of the default.
    objective_id : str
        The objective's id, or ``""`` for a default.
    """

    kpi: str
    target: float
    tolerance: float
    from_objective: bool
    source: str
    firmness: str
    objective_id: str = ""


@lru_cache(maxsize=1)
def _targets_raw() -> dict[str, Any]:
    with open(DATA_DIR / "kpi_targets.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    targets = raw.get("targets", {})
    missing = [k for k in KPIS if k not in targets]
    unknown = [k for k in targets if k not in KPIS]
    if missing or unknown:
        raise ValueError(f"data/kpi_targets.json: targets missing for {missing}, unknown KPIs {unknown}")
    for kpi, t in targets.items():
        if ("value" in t) == ("relative_to" in t):
            raise ValueError(f"data/kpi_targets.json: target {kpi!r} needs exactly one of 'value' or 'relative_to'")
        if "relative_to" in t and t["relative_to"] not in RELATIVE_TO:
            raise ValueError(
                f"data/kpi_targets.json: target {kpi!r} is relative to unknown figure "
                f"{t['relative_to']!r}; figures: {', '.join(RELATIVE_TO)}"
            )
    return raw


def default_tolerance() -> float:
    """The relative miss that still counts as at risk (``data/kpi_targets.json``)."""
    return float(_targets_raw()["default_tolerance"])


def target_sources() -> pd.DataFrame:
    """Every default target with its source, firmness and note (one row per KPI)."""
    raw = _targets_raw()
    rows = []
    for kpi, t in raw["targets"].items():
        figure = (
            f"{t['factor']:g} x {t['relative_to'].replace('_', ' ')}"
            if "relative_to" in t
            else format_kpi(kpi, float(t["value"]))
        )
        rows.append(
            {
                "kpi": kpi,
                "label": KPIS[kpi][0],
                "target": figure,
                "tolerance": float(t.get("tolerance", raw["default_tolerance"])),
                "source": t["source"],
                "firmness": t["firmness"],
                "note": t.get("note", ""),
            }
        )
    return pd.DataFrame(rows)


def _response_hours(results: Results) -> float:
    weights: dict[str, float] = {}
    for s in results.services:
        weights[s.role_id] = weights.get(s.role_id, 0.0) + s.demand_per_week
    total = sum(weights.get(r.role_id, 0.0) for r in results.roles)
    if total <= 0:
        return math.nan
    return sum(r.mean_response_hours * weights.get(r.role_id, 0.0) for r in results.roles) / total


def kpi_values(scenario: Scenario, results: Results) -> dict[str, float]:
    """The value of every KPI of :data:`~salesops.model.plan_items.KPIS` for one scenario.

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``evaluate(scenario)``.

    Returns
    -------
    dict
        KPI id -> value, in the units of ``KPIS``: productivity per rep and
        sales-ops cost per rep (USD a year), selling-time share and quota
        attainment (fractions; attainment is the scenario's assumption), reps per
        sales-ops FTE, ROI (run-rate, 1.4 = 140%), and sales-ops response time
        (hours; the mean of the roles' response times weighted by the requests
        each role receives). NaN where a KPI is undefined: reps per FTE without
        sales-ops FTE, response time without requests.

    Examples
    --------
    >>> from salesops.model import evaluate
    >>> from salesops.model.samples import load_sample
    >>> s = load_sample("midmarket")
    >>> round(kpi_values(s, evaluate(s))["reps_per_ops_fte"], 1)
    12.3
    """
    return {
        "productivity_per_rep": float(results.productivity_per_rep_usd),
        "selling_time_share": float(results.selling_time_share),
        "quota_attainment": float(scenario.assumptions.quota_attainment),
        "ops_cost_per_rep": float(results.ops_cost_per_rep_usd),
        "reps_per_ops_fte": float(results.reps_per_ops_fte) if results.reps_per_ops_fte is not None else math.nan,
        "roi": float(results.roi),
        "response_hours": _response_hours(results),
    }


def _due_key(objective: Objective) -> tuple[int, str]:
    return (0, objective.due) if objective.due else (1, "")


def kpi_targets(scenario: Scenario, results: Results) -> dict[str, KpiTarget]:
    """The target of every KPI: the scenario's objective for it, else the default.

    When several objectives share a KPI, the one due first counts (objectives
    without a due date after those with one; ties in list order). A default
    target comes from ``data/kpi_targets.json`` with its source; a relative one
    (productivity per rep, selling-time share) is the ``factor`` times a figure of
    ``results`` for the same org without sales ops (:data:`RELATIVE_TO`).

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``evaluate(scenario)``.

    Returns
    -------
    dict
        KPI id -> :class:`KpiTarget`, in the order of
        :data:`~salesops.model.plan_items.KPIS`.

    Examples
    --------
    >>> from salesops.model import evaluate
    >>> from salesops.model.samples import load_sample
    >>> s = load_sample("midmarket")
    >>> targets = kpi_targets(s, evaluate(s))
    >>> round(targets["selling_time_share"].target, 3), targets["roi"].target, targets["roi"].firmness
    (0.302, 0.5, 'model assumption')
    """
    raw = _targets_raw()
    out = {}
    for kpi in KPIS:
        spec = raw["targets"][kpi]
        tolerance = float(spec.get("tolerance", raw["default_tolerance"]))
        mine = sorted((o for o in scenario.objectives if o.kpi == kpi), key=_due_key)
        if mine:
            o = mine[0]
            label = f"objective '{o.id}'" + (f": {o.title}" if o.title else "")
            out[kpi] = KpiTarget(kpi, o.target, tolerance, True, label, "objective", o.id)
            continue
        if "relative_to" in spec:
            base = RELATIVE_TO[spec["relative_to"]](results)
            target = float(base) * float(spec["factor"])
        else:
            target = float(spec["value"])
        out[kpi] = KpiTarget(kpi, target, tolerance, False, spec["source"], spec["firmness"])
    return out


def kpi_status(value: float, target: float, higher_is_better: bool, tolerance: float | None = None) -> str:
    """On track, at risk or off track.

    Parameters
    ----------
    value, target : float
    higher_is_better : bool
        The KPI's direction (``KPIS[kpi][2]``).
    tolerance : float, optional
        Relative miss still counted as at risk; defaults to
        :func:`default_tolerance` (5%).

    Returns
    -------
    {"on-track", "at-risk", "off-track", "no data"}
        On track if the target is met (reached or beaten), at risk if the miss is
        at most ``tolerance * |target|``, off track beyond; ``"no data"`` when the
        value or target is missing (None or NaN).

    Examples
    --------
    >>> kpi_status(10, 10, True), kpi_status(9.6, 10, True), kpi_status(9, 10, True)
    ('on-track', 'at-risk', 'off-track')
    >>> kpi_status(4.5, 8, False), kpi_status(8.3, 8, False), kpi_status(9, 8, False)
    ('on-track', 'at-risk', 'off-track')
    """
    if value is None or target is None or not math.isfinite(value) or not math.isfinite(target):
        return "no data"
    tol = default_tolerance() if tolerance is None else tolerance
    if tol < 0:
        raise ValueError(f"tolerance must be >= 0, got {tol!r}")
    miss = (target - value) if higher_is_better else (value - target)
    if miss <= 0:
        return "on-track"
    # A hair of slack so that a value exactly at the edge of the band is at risk despite rounding.
    return "at-risk" if miss <= tol * abs(target) * (1 + 1e-12) else "off-track"


# KPIs that are headline metrics, by their key in salesops.model.metrics (same label, same format).
_AS_METRIC = {
    "productivity_per_rep": "productivity_per_rep",
    "selling_time_share": "selling_time_share",
    "ops_cost_per_rep": "sales_ops_cost_per_rep",
    "reps_per_ops_fte": "reps_per_sales_ops_fte",
    "roi": "roi",
}


def format_kpi(kpi: str, value: float | None) -> str:
    """A KPI value in its unit.

    Examples
    --------
    >>> format_kpi("productivity_per_rep", 513733.4), format_kpi("selling_time_share", 0.3228)
    ('$513.7K', '32.3%')
    >>> format_kpi("reps_per_ops_fte", 10), format_kpi("roi", 1.418), format_kpi("response_hours", 4.61)
    ('10.0 : 1', '141.8%', '4.6 h')
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    if kpi in _AS_METRIC:  # a headline metric: the one format of salesops.model.metrics
        return METRIC[_AS_METRIC[kpi]].text(value)
    unit = KPIS[kpi][1]
    if unit == "USD/year":
        return fmt_usd(value)
    if unit == "share":
        return fmt_pct(value, 1)
    if unit == "reps":
        return f"{value:,.1f} : 1"
    if unit == "ratio":
        return fmt_pct(value)
    if unit == "hours":
        return f"{value:,.1f} h"
    return f"{value:,.3g}"


def format_gap(kpi: str, gap: float | None) -> str:
    """A signed difference (value - target) in the KPI's unit.

    Examples
    --------
    >>> format_gap("productivity_per_rep", -21133.0), format_gap("selling_time_share", -0.0872)
    ('-$21.1K', '-8.7 pp')
    >>> format_gap("roi", 1.418), format_gap("reps_per_ops_fte", 0.0), format_gap("response_hours", -3.39)
    ('+142 pp', '+0.0', '-3.4 h')
    """
    if gap is None or not math.isfinite(gap):
        return "n/a"
    unit = KPIS[kpi][1]
    sign = "-" if gap < 0 else "+"
    size = abs(gap)
    if unit == "USD/year":
        return sign + fmt_usd(size)
    if unit == "share":
        return f"{sign}{size * 100:,.1f} pp"
    if unit == "ratio":
        return f"{sign}{size * 100:,.0f} pp"
    if unit == "hours":
        return f"{sign}{size:,.1f} h"
    return f"{sign}{size:,.1f}"


def latest_actuals(actuals: Iterable[Actual]) -> dict[str, Actual]:
    """The most recent actual of each KPI (a month beats the quarter ending in it)."""
    out: dict[str, Actual] = {}
    for a in actuals:
        if a.kpi not in out or _period_sort_key(a.period) > _period_sort_key(out[a.kpi].period):
            out[a.kpi] = a
    return out


def kpi_table(scenario: Scenario, results: Results) -> pd.DataFrame:
    """One row per KPI: the model's value, its target, status and the latest actual.

    Columns: ``kpi``, ``label``, ``unit``, ``higher_is_better``, ``value``,
    ``target``, ``gap`` (value - target), ``status``, ``tolerance``,
    ``from_objective``, ``target_source``, ``firmness``, ``latest_period``
    (``""`` without actuals), ``latest_actual`` (NaN without) and
    ``actual_status``.
    """
    values = kpi_values(scenario, results)
    targets = kpi_targets(scenario, results)
    latest = latest_actuals(scenario.actuals)
    rows = []
    for kpi, (label, unit, higher) in KPIS.items():
        t, value = targets[kpi], values[kpi]
        actual = latest.get(kpi)
        rows.append(
            {
                "kpi": kpi,
                "label": label,
                "unit": unit,
                "higher_is_better": higher,
                "value": value,
                "target": t.target,
                "gap": value - t.target if math.isfinite(value) else math.nan,
                "status": kpi_status(value, t.target, higher, t.tolerance),
                "tolerance": t.tolerance,
                "from_objective": t.from_objective,
                "target_source": t.source,
                "firmness": t.firmness,
                "latest_period": actual.period if actual else "",
                "latest_actual": actual.value if actual else math.nan,
                "actual_status": kpi_status(actual.value, t.target, higher, t.tolerance) if actual else "no data",
            }
        )
    return pd.DataFrame(rows)
