"""Clear objectives and managing to the metrics: the charter, KPIs, targets and actuals.

Practice 1 of a good sales-ops function is a clear charter: for each function
(forecasting, deal desk, ...) sales ops either **leads** it, **supports** its
owner, or leaves it alone (**not ours**). :func:`default_charter` derives the
charter from the role catalog; a scenario's ``charter`` overrides it function by
function, and :func:`charter_flags` reports where the charter and the roles of
the scenario disagree: a function sales ops leads with no role to do it (a
*gap*), and a role spending time on a function the charter says is not ours
(the *dumping ground*).

Practice 2 is managing to the metrics: :func:`kpi_values` reads the seven KPIs of
:data:`salesops.model.plan_items.KPIS` from a scenario and its results,
:func:`kpi_targets` gives each a target (the scenario's objective for it, or a
default from ``data/kpi_targets.json``, a published figure or a model assumption,
with its source), and :func:`kpi_status` says whether a value is on track, at
risk or off track.
Measured values per period come in as a CSV (:func:`parse_actuals`, all or
nothing) and are merged into the scenario (:func:`merge_actuals`);
:func:`projected_series` and :func:`actual_series` put them on the months of the
model's three-year projection.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from salesops.model.format import fmt_pct, fmt_usd
from salesops.model.metrics import METRIC
from salesops.model import Results
from salesops.model.paths import DATA_DIR
from salesops.model.plan_items import FUNCTIONS, KPIS, Actual, CharterEntry, Objective, PlanItemError
from salesops.model.roles import RoleSpec, load_catalog
from salesops.model.scenario import RolePlan, Scenario

__all__ = [
    "ACTUALS_COLUMNS",
    "MAX_ACTUALS_BYTES",
    "MAX_ACTUALS_ROWS",
    "MAX_PROBLEMS",
    "RELATIVE_TO",
    "STATUSES",
    "TIME_PATH_KPIS",
    "ActualsRejected",
    "CharterFlag",
    "KpiTarget",
    "ObjectivesRejected",
    "actual_series",
    "actuals_template",
    "charter_flags",
    "covering_roles",
    "default_charter",
    "default_tolerance",
    "effective_charter",
    "first_period",
    "format_gap",
    "format_kpi",
    "kpi_status",
    "kpi_table",
    "kpi_targets",
    "kpi_values",
    "latest_actuals",
    "merge_actuals",
    "objectives_from_rows",
    "parse_actuals",
    "period_month",
    "projected_series",
    "resolve_kpi",
    "target_sources",
    "with_charter",
]

STATUSES = ("on-track", "at-risk", "off-track", "no data")
ACTUALS_COLUMNS = ("period", "kpi", "value")
MAX_PROBLEMS = 20  # problems listed by ActualsRejected / ObjectivesRejected; the rest are counted
MAX_ACTUALS_BYTES = 1_000_000
MAX_ACTUALS_ROWS = 10_000
# Model figures a default target may be relative to ("relative_to" in data/kpi_targets.json): the
# same org and assumptions without sales ops.
RELATIVE_TO: dict[str, Callable[[Results], float]] = {
    "baseline_productivity_per_rep": lambda results: results.baseline_productivity_per_rep_usd,
    "baseline_selling_time_share": lambda results: results.baseline_selling_time_share,
}
# KPIs the three-year projection gives a month-by-month path for; the others are flat.
TIME_PATH_KPIS = frozenset({"productivity_per_rep", "ops_cost_per_rep", "roi"})

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


# --------------------------------------------------------------------------
# The charter
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class CharterFlag:
    """Where the charter and the scenario's roles disagree.

    Parameters
    ----------
    kind : {"gap", "dumping_ground"}
        ``"gap"``: sales ops leads ``function`` but no role of the scenario covers
        it. ``"dumping_ground"``: roles of the scenario spend time on ``function``,
        which the charter marks "not ours".
    function : str
        One of :data:`salesops.model.plan_items.FUNCTIONS`.
    roles : tuple of str
        Role ids: for a gap, the catalog roles that would cover the function; for
        a dumping ground, the scenario's roles that do the work.
    message : str
        A sentence for the user.
    """

    kind: str
    function: str
    roles: tuple[str, ...]
    message: str


def default_charter(catalog: Mapping[str, RoleSpec] | None = None) -> dict[str, str]:
    """The charter the role catalog implies, function by function.

    A function is led if any catalog role that lists it leads it, supported if
    the roles that list it only support it, and supported if no role lists it.

    Parameters
    ----------
    catalog : mapping of role id to RoleSpec, optional
        Defaults to :func:`salesops.model.roles.load_catalog`.

    Returns
    -------
    dict
        Function -> ``"leads"`` or ``"supports"``, in the order of
        :data:`~salesops.model.plan_items.FUNCTIONS`.

    Examples
    --------
    >>> charter = default_charter()
    >>> charter["forecasting"], charter["lead management"], charter["hiring support"]
    ('leads', 'supports', 'supports')
    """
    roles = list((catalog if catalog is not None else load_catalog()).values())
    out = {}
    for function in FUNCTIONS:
        relations = {r.relation for r in roles if function in r.functions}
        out[function] = "leads" if "leads" in relations else "supports"
    return out


def effective_charter(scenario: Scenario) -> dict[str, str]:
    """The scenario's charter: its own entries over the catalog's defaults.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> s = with_charter(load_sample("midmarket"), "pricing support", "not ours")
    >>> effective_charter(s)["pricing support"], effective_charter(s)["deal desk"]
    ('not ours', 'leads')
    """
    charter = default_charter()
    charter.update({entry.function: entry.relation for entry in scenario.charter})
    return charter


def with_charter(scenario: Scenario, function: str, relation: str) -> Scenario:
    """Return a copy of ``scenario`` with sales ops' relation to one function changed.

    The stored charter keeps only the entries that differ from the catalog's
    defaults, so setting a function back to its default restores the scenario
    exactly (and a charter of defaults only is empty).

    Raises
    ------
    salesops.model.plan_items.PlanItemError
        Naming an unknown function or relation.
    """
    changed = CharterEntry(function, relation)  # validates both
    defaults = default_charter()
    charter = effective_charter(scenario)
    charter[changed.function] = changed.relation
    entries = tuple(CharterEntry(f, r) for f, r in charter.items() if r != defaults[f])
    return replace(scenario, charter=entries)


def _staffed(plan: RolePlan, scenario: Scenario) -> bool:
    """A role counts as covering its functions unless it is manually sized to no FTE."""
    if plan.sizing != "manual":
        return True
    central, local = scenario.manual_fte(plan)
    return central + sum(local.values()) > 0


def covering_roles(scenario: Scenario) -> dict[str, tuple[RolePlan, ...]]:
    """For each function, the scenario's staffed roles that list it.

    A manually sized role with no FTE covers nothing.
    """
    staffed = [p for p in scenario.roles if _staffed(p, scenario)]
    return {f: tuple(p for p in staffed if f in p.role.functions) for f in FUNCTIONS}


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def charter_flags(scenario: Scenario) -> list[CharterFlag]:
    """Where the charter and the scenario's roles disagree.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    list of CharterFlag
        Gaps first (functions sales ops leads that no staffed role covers), then
        dumping grounds (functions marked "not ours" that staffed roles still
        spend time on), each in the order of
        :data:`~salesops.model.plan_items.FUNCTIONS`. Empty when they agree.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> s = with_charter(load_sample("midmarket"), "pricing support", "not ours")
    >>> print(charter_flags(s)[0].message)
    Deal desk spends time on pricing support, which the charter says is not ours.
    """
    charter = effective_charter(scenario)
    covers = covering_roles(scenario)
    catalog = load_catalog()
    gaps, dumps = [], []
    for function in FUNCTIONS:
        relation, doers = charter[function], covers[function]
        if relation == "leads" and not doers:
            candidates = tuple(r.id for r in catalog.values() if function in r.functions)
            hint = (f"add {_names([catalog[c].name for c in candidates])} (Org designer page)"
                    if candidates else "add a role that covers it")
            gaps.append(CharterFlag(
                "gap", function, candidates,
                f"Sales ops leads {function}, but no role in this scenario covers it: {hint}, "
                f"or change the charter to 'supports' or 'not ours'."))
        elif relation == "not ours" and doers:
            verb = "spends" if len(doers) == 1 else "spend"
            dumps.append(CharterFlag(
                "dumping_ground", function, tuple(p.role.id for p in doers),
                f"{_names([p.role.name for p in doers])} {verb} time on {function}, "
                f"which the charter says is not ours."))
    return gaps + dumps


# --------------------------------------------------------------------------
# KPIs, targets and status
# --------------------------------------------------------------------------
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
            raise ValueError(f"data/kpi_targets.json: target {kpi!r} is relative to unknown figure "
                             f"{t['relative_to']!r}; figures: {', '.join(RELATIVE_TO)}")
    return raw


def default_tolerance() -> float:
    """The relative miss that still counts as at risk (``data/kpi_targets.json``)."""
    return float(_targets_raw()["default_tolerance"])


def target_sources() -> pd.DataFrame:
    """Every default target with its source, firmness and note (one row per KPI)."""
    raw = _targets_raw()
    rows = []
    for kpi, t in raw["targets"].items():
        figure = (f"{t['factor']:g} x {t['relative_to'].replace('_', ' ')}" if "relative_to" in t
                  else format_kpi(kpi, float(t["value"])))
        rows.append({"kpi": kpi, "label": KPIS[kpi][0], "target": figure,
                     "tolerance": float(t.get("tolerance", raw["default_tolerance"])),
                     "source": t["source"], "firmness": t["firmness"], "note": t.get("note", "")})
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
    >>> kpi_values(s, evaluate(s))["reps_per_ops_fte"]
    10.0
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
    (0.308, 1.0, 'model assumption')
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
_AS_METRIC = {"productivity_per_rep": "productivity_per_rep", "selling_time_share": "selling_time_share",
              "ops_cost_per_rep": "sales_ops_cost_per_rep", "reps_per_ops_fte": "reps_per_sales_ops_fte",
              "roi": "roi"}


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
        rows.append({
            "kpi": kpi, "label": label, "unit": unit, "higher_is_better": higher,
            "value": value, "target": t.target,
            "gap": value - t.target if math.isfinite(value) else math.nan,
            "status": kpi_status(value, t.target, higher, t.tolerance), "tolerance": t.tolerance,
            "from_objective": t.from_objective, "target_source": t.source, "firmness": t.firmness,
            "latest_period": actual.period if actual else "",
            "latest_actual": actual.value if actual else math.nan,
            "actual_status": kpi_status(actual.value, t.target, higher, t.tolerance) if actual else "no data",
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Objectives from an edited table
# --------------------------------------------------------------------------
class _Rejected(ValueError):
    """Input refused as a whole; ``problems`` (the first MAX_PROBLEMS) name each, ``total`` counts all."""

    def __init__(self, problems: Iterable[str]) -> None:
        items = list(problems)
        self.total = len(items)
        self.problems: tuple[str, ...] = tuple(items[:MAX_PROBLEMS])
        super().__init__(str(self))

    def __str__(self) -> str:
        more = self.total - len(self.problems)
        return "; ".join(self.problems) + (f"; and {more} more problem(s)" if more > 0 else "")


class ObjectivesRejected(_Rejected):
    """Edited objectives that cannot be applied; ``problems`` name the row and field of each."""


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if value is pd.NaT or pd.isna(value) is True:
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def resolve_kpi(text: Any) -> str | None:
    """A KPI id from its id or label, case-insensitively; None if unknown.

    >>> resolve_kpi("ROI"), resolve_kpi(" Reps per sales-ops FTE "), resolve_kpi("nps")
    ('roi', 'reps_per_ops_fte', None)
    """
    if not isinstance(text, str):
        return None
    key = text.strip().lower()
    for kpi, (label, _, _) in KPIS.items():
        if key in (kpi.lower(), label.lower()):
            return kpi
    return None


def _row_number(value: Any, where: str, problems: list[str]) -> float | None:
    if _blank(value):
        problems.append(f"{where} is empty; give a number")
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not _NUMBER.match(text):
            problems.append(f"{where}: {value!r} is not a number")
            return None
        value = float(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            problems.append(f"{where}: {value!r} is not a number")
            return None
    if not math.isfinite(value):
        problems.append(f"{where}: {value!r} is not a finite number")
        return None
    return float(value)


def _iso_date(value: Any, where: str, problems: list[str]) -> str:
    if _blank(value):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(f"{where}: {text!r} is not a date YYYY-MM-DD")
        return ""


def objectives_from_rows(rows: Sequence[Mapping[str, Any]],
                         current: Mapping[str, float] | None = None) -> tuple[Objective, ...]:
    """Objectives from the rows of an edited table, checked all at once.

    Parameters
    ----------
    rows : sequence of mappings
        Each with ``id``, ``title``, ``kpi`` (id or label), ``baseline``,
        ``target``, ``owner`` and ``due`` (a date, ISO text or blank). Rows that
        are entirely blank are skipped.
    current : mapping of KPI id to value, optional
        The model's current values (:func:`kpi_values`): a blank baseline takes
        the current value of its KPI. Without it a blank baseline is a problem.

    Returns
    -------
    tuple of Objective
        In row order. A blank id becomes ``obj-<n>``, the first free number.

    Raises
    ------
    ObjectivesRejected
        Listing every problem as ``row <n>, field '<field>': ...`` (rows counted
        from 1 as the table shows them). Nothing is applied.

    Examples
    --------
    >>> objectives_from_rows([{"id": "o1", "kpi": "roi", "baseline": 1.4, "target": 1.6}])[0].target
    1.6
    >>> objectives_from_rows([{"id": "o1", "kpi": "roi", "baseline": 1.4, "target": None}])
    Traceback (most recent call last):
    ...
    salesops.insights.objectives.ObjectivesRejected: row 1, field 'target' is empty; give a number
    """
    problems: list[str] = []
    fields = ("id", "title", "kpi", "baseline", "target", "owner", "due")
    kept = [(i, r) for i, r in enumerate(rows, start=1) if not all(_blank(r.get(f)) for f in fields)]
    used = {str(r.get("id")).strip() for _, r in kept if not _blank(r.get("id"))}
    seen: dict[str, int] = {}
    out = []
    counter = 1
    for n, row in kept:
        before = len(problems)
        where = f"row {n}, field"
        if _blank(row.get("id")):
            while f"obj-{counter}" in used:
                counter += 1
            oid = f"obj-{counter}"
            used.add(oid)
        else:
            oid = str(row.get("id")).strip()
            if oid in seen:
                problems.append(f"{where} 'id': {oid!r} is already used in row {seen[oid]}")
            elif len(oid) > 60:
                problems.append(f"{where} 'id' is longer than 60 characters")
        seen.setdefault(oid, n)
        kpi = resolve_kpi(row.get("kpi"))
        if _blank(row.get("kpi")):
            problems.append(f"{where} 'kpi' is empty; choose one of {', '.join(KPIS)}")
        elif kpi is None:
            problems.append(f"{where} 'kpi': unknown KPI {row.get('kpi')!r}; KPIs: {', '.join(KPIS)}")
        if _blank(row.get("baseline")) and current is not None and kpi is not None \
                and math.isfinite(current.get(kpi, math.nan)):
            baseline = float(current[kpi])
        else:
            baseline = _row_number(row.get("baseline"), f"{where} 'baseline'", problems)
        target = _row_number(row.get("target"), f"{where} 'target'", problems)
        due = _iso_date(row.get("due"), f"{where} 'due'", problems)
        texts = {}
        for name in ("title", "owner"):
            value = row.get(name)
            texts[name] = "" if _blank(value) else str(value).strip()
            if len(texts[name]) > 200:
                problems.append(f"{where} '{name}' is longer than 200 characters")
        if len(problems) > before:
            continue
        try:
            out.append(Objective(id=oid, kpi=kpi, baseline=baseline, target=target, owner=texts["owner"],
                                 due=due, title=texts["title"]))
        except PlanItemError as exc:  # a range the checks above do not cover (|value| > 1e12)
            problems.append(f"row {n}: {exc}")
    if problems:
        raise ObjectivesRejected(problems)
    return tuple(out)


# --------------------------------------------------------------------------
# Actuals: parse, merge, template
# --------------------------------------------------------------------------
class ActualsRejected(_Rejected):
    """An actuals file that cannot be used; ``problems`` lists why (at most :data:`MAX_PROBLEMS`).

    Parameters
    ----------
    problems : iterable of str
        Every problem found, each naming its row and column where it has one;
        the first :data:`MAX_PROBLEMS` are kept and ``total`` counts them all.
    """



def _normal_period(text: str) -> str | None:
    text = text.strip()
    if _MONTH.match(text):
        return text
    m = _QUARTER.match(text)
    return f"{m.group(1)}-Q{m.group(2)}" if m else None


def period_month(period: str) -> tuple[int, int]:
    """The (year, month) a period is plotted at: a month itself, a quarter's last month.

    Raises
    ------
    ValueError
        If ``period`` is neither YYYY-MM nor YYYY-Qn.

    Examples
    --------
    >>> period_month("2026-02"), period_month("2026-Q1"), period_month("2025-Q4")
    ((2026, 2), (2026, 3), (2025, 12))
    """
    norm = _normal_period(period) if isinstance(period, str) else None
    if norm is None:
        raise ValueError(f"period {period!r} is not YYYY-MM or YYYY-Qn")
    year, rest = norm.split("-")
    return int(year), (int(rest[1]) * 3 if rest.startswith("Q") else int(rest))


def _period_start(period: str) -> tuple[int, int]:
    year, month = period_month(period)
    return (year, month - 2) if "Q" in period.upper() else (year, month)


def _period_sort_key(period: str) -> tuple[int, int, int]:
    year, month = period_month(period)
    return year, month, 0 if "Q" in period.upper() else 1


def _value(text: str, kpi: str | None, where: str, problems: list[str]) -> float | None:
    raw = text.strip()
    if not raw:
        problems.append(f"{where}: empty; give a number")
        return None
    body, percent = raw, raw.endswith("%")
    if percent:
        body = body[:-1].strip()
    sign = ""
    if body[:1] in "+-":
        sign, body = body[0], body[1:].strip()
    if body.startswith("$"):
        body = body[1:].strip()
    if _THOUSANDS.match(body):
        body = body.replace(",", "")
    if not _NUMBER.match(body):
        if body.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            problems.append(f"{where}: {raw!r} is not a finite number")
        else:
            problems.append(f"{where}: {raw!r} is not a number")
        return None
    value = float(sign + body)
    if not math.isfinite(value):
        problems.append(f"{where}: {raw!r} is not a finite number")
        return None
    if kpi is None:
        return None
    unit = KPIS[kpi][1]
    if percent:
        if unit not in ("share", "ratio"):
            problems.append(f"{where}: {raw!r} is a percentage, but {kpi} is in {unit}")
            return None
        value /= 100.0
    if unit == "share" and not 0.0 <= value <= 1.0:
        problems.append(f"{where}: {raw} is not a share between 0 and 1 for {kpi} (write 0.32 or 32%)")
        return None
    if unit in ("USD/year", "reps", "hours") and value < 0:
        problems.append(f"{where}: {raw} is negative; {kpi} cannot be below 0")
        return None
    if unit == "ratio" and value < -1.0:
        problems.append(f"{where}: {raw} is below -1; {kpi} cannot lose more than the whole cost (-100%)")
        return None
    if abs(value) > 1e12:
        problems.append(f"{where}: {raw} is implausibly large")
        return None
    return value


def _decode(data: bytes) -> str:
    if not isinstance(data, (bytes, bytearray)):
        raise ActualsRejected([f"expected the file's bytes, got {type(data).__name__}"])
    if len(data) > MAX_ACTUALS_BYTES:
        raise ActualsRejected([f"the file is {len(data):,} bytes; the limit is {MAX_ACTUALS_BYTES:,}"])
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise ActualsRejected(["the file is empty; it needs a header row period,kpi,value and one row per value"])
    if b"\x00" in data:
        raise ActualsRejected(["the file contains NUL bytes: it is not a CSV text file"])
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActualsRejected([f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
                               f"{exc.start}); save it as CSV UTF-8"]) from None


def parse_actuals(data: bytes) -> list[Actual]:
    """Read measured KPI values from a CSV file, all or nothing.

    The file has a header row naming the columns ``period``, ``kpi`` and
    ``value`` (any order and case; other columns are ignored) and one row per
    value: ``period`` is ``YYYY-MM`` or ``YYYY-Qn``, ``kpi`` a KPI id or label of
    :data:`~salesops.model.plan_items.KPIS`, ``value`` a number in the KPI's unit
    (shares as 0.32 or 32%, ROI as 1.4 or 140%, dollars may carry ``$`` and
    thousands commas). A byte-order mark, spaces around values, a ``;`` or tab
    delimiter and blank lines are fine.

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    list of Actual
        In file order, with KPI ids and periods normalised (``2026-q1`` ->
        ``2026-Q1``).

    Raises
    ------
    ActualsRejected
        Listing up to :data:`MAX_PROBLEMS` problems, each with its spreadsheet
        row (the header is row 1) and column, e.g. ``row 4, column 'value':
        'abc' is not a number``: an empty or non-text file, missing columns, a
        period that is not YYYY-MM or YYYY-Qn, an unknown KPI, a value that is
        not a number or out of range for its KPI, two values for one period and
        KPI.

    Examples
    --------
    >>> parse_actuals(b"period,kpi,value\\n2026-01,roi,1.2\\n2026-Q1,Selling-time share,31%\\n")
    [Actual(period='2026-01', kpi='roi', value=1.2), Actual(period='2026-Q1', kpi='selling_time_share', value=0.31)]
    >>> parse_actuals(b"period,kpi,value\\n2026-13,roi,1.2\\n")
    Traceback (most recent call last):
    ...
    salesops.insights.objectives.ActualsRejected: row 2, column 'period': '2026-13' is not YYYY-MM or YYYY-Qn
    """
    text = _decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = "," if "," in first else (";" if ";" in first else ("\t" if "\t" in first else ","))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True,
                                       skipinitialspace=True))
    except csv.Error as exc:
        raise ActualsRejected([f"the file is not a readable CSV: {exc}"]) from None
    numbered = [(n, [c.strip() for c in rec]) for n, rec in enumerate(records, start=1)]
    numbered = [(n, rec) for n, rec in numbered if any(rec)]
    if not numbered:
        raise ActualsRejected(["the file is empty; it needs a header row period,kpi,value and one row per value"])
    header_row, header = numbered[0]
    names = [h.strip().lower() for h in header]
    problems: list[str] = []
    dupes = sorted({h for h in names if h and names.count(h) > 1 and h in ACTUALS_COLUMNS})
    for h in dupes:
        problems.append(f"row {header_row}: column {h!r} appears more than once in the header")
    missing = [c for c in ACTUALS_COLUMNS if c not in names]
    if missing:
        found = ", ".join(repr(h) for h in header if h) or "nothing"
        problems.append(f"row {header_row}: missing column(s) {', '.join(repr(c) for c in missing)}; "
                        f"the file needs the columns {', '.join(ACTUALS_COLUMNS)} (found {found})")
    if problems:
        raise ActualsRejected(problems)
    col = {c: names.index(c) for c in ACTUALS_COLUMNS}
    body = numbered[1:]
    if not body:
        raise ActualsRejected([f"the file has a header but no data rows (from row {header_row + 1})"])
    if len(body) > MAX_ACTUALS_ROWS:
        raise ActualsRejected([f"the file has {len(body):,} data rows; the limit is {MAX_ACTUALS_ROWS:,}"])
    out: list[Actual] = []
    first_seen: dict[tuple[str, str], int] = {}
    for n, rec in body:
        if len(rec) > len(header) and any(rec[len(header):]):
            problems.append(f"row {n}: {len(rec)} values but the header names {len(header)} columns")
            continue
        cell = {c: (rec[i] if i < len(rec) else "") for c, i in col.items()}
        before = len(problems)
        period = _normal_period(cell["period"])
        if not cell["period"]:
            problems.append(f"row {n}, column 'period': empty; give YYYY-MM or YYYY-Qn")
        elif period is None:
            problems.append(f"row {n}, column 'period': {cell['period']!r} is not YYYY-MM or YYYY-Qn")
        kpi = resolve_kpi(cell["kpi"])
        if not cell["kpi"]:
            problems.append(f"row {n}, column 'kpi': empty; KPIs: {', '.join(KPIS)}")
        elif kpi is None:
            problems.append(f"row {n}, column 'kpi': unknown KPI {cell['kpi']!r}; KPIs: {', '.join(KPIS)}")
        value = _value(cell["value"], kpi, f"row {n}, column 'value'", problems)
        if len(problems) > before:
            continue
        key = (period, kpi)
        if key in first_seen:
            problems.append(f"row {n}, columns 'period' and 'kpi': {period} {kpi} is already given in row "
                            f"{first_seen[key]}")
            continue
        first_seen[key] = n
        try:
            out.append(Actual(period=period, kpi=kpi, value=value))
        except PlanItemError as exc:  # defensive: the checks above cover Actual's own
            problems.append(f"row {n}: {exc}")
    if problems:
        raise ActualsRejected(problems)
    return out


def merge_actuals(existing: Iterable[Actual], new: Iterable[Actual]) -> tuple[Actual, ...]:
    """Existing actuals with new ones added; a new value replaces the same (period, KPI).

    Returns
    -------
    tuple of Actual
        Sorted by period (a quarter just before the month it ends in), then
        in the KPI order of :data:`~salesops.model.plan_items.KPIS`.

    Examples
    --------
    >>> old = [Actual("2026-01", "roi", 1.0), Actual("2026-02", "roi", 1.1)]
    >>> [a.value for a in merge_actuals(old, [Actual("2026-02", "roi", 1.3), Actual("2026-03", "roi", 1.2)])]
    [1.0, 1.3, 1.2]
    """
    merged = {(a.period, a.kpi): a for a in existing}
    merged.update({(a.period, a.kpi): a for a in new})
    order = list(KPIS)
    return tuple(sorted(merged.values(), key=lambda a: (_period_sort_key(a.period), order.index(a.kpi))))


def actuals_template(values: Mapping[str, float] | None = None, period: str = "2026-01") -> bytes:
    """A CSV template of actuals: the header and one row per KPI for ``period``.

    Parameters
    ----------
    values : mapping of KPI id to value, optional
        Example values (for instance :func:`kpi_values`); blank without.
    period : str
        YYYY-MM or YYYY-Qn.

    Returns
    -------
    bytes
        UTF-8 CSV; with ``values`` it parses back with :func:`parse_actuals`.
    """
    if _normal_period(period) is None:
        raise ValueError(f"period {period!r} is not YYYY-MM or YYYY-Qn")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ACTUALS_COLUMNS)
    for kpi in KPIS:
        value = (values or {}).get(kpi)
        cell = "" if value is None or not math.isfinite(value) else f"{value:.6g}"
        writer.writerow([period, kpi, cell])
    return buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------
# Projected against actual
# --------------------------------------------------------------------------
def projected_series(scenario: Scenario, results: Results, kpi: str) -> pd.DataFrame:
    """The model's value of a KPI for each month of the projection.

    Productivity per rep is the month's revenue / reps x 12 (ramp, attrition and
    the ramp-up of sales ops' benefit included); sales-ops cost per rep is the
    month's cost / reps x 12; ROI is the return to date (cumulative gross-margin
    uplift less cumulative cost, over cumulative cost), which climbs toward the
    run-rate ROI but stays below it. The other KPIs have no time path in the
    model: their line is flat at the steady-state value (see
    :data:`TIME_PATH_KPIS`).

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (1 = first month of the projection) and ``value``.
    """
    if kpi not in KPIS:
        raise ValueError(f"unknown KPI {kpi!r}; KPIs: {', '.join(KPIS)}")
    months = [m.month for m in results.projection]
    if kpi == "productivity_per_rep":
        values = [m.revenue_usd * 12.0 / m.reps if m.reps else 0.0 for m in results.projection]
    elif kpi == "ops_cost_per_rep":
        values = [m.sales_ops_cost_usd * 12.0 / m.reps if m.reps else 0.0 for m in results.projection]
    elif kpi == "roi":
        values, uplift, cost = [], 0.0, 0.0
        for m in results.projection:
            uplift += m.gross_margin_uplift_usd
            cost += m.sales_ops_cost_usd
            values.append((uplift - cost) / cost if cost > 0 else 0.0)
    else:
        values = [kpi_values(scenario, results)[kpi]] * len(months)
    return pd.DataFrame({"month": months, "value": values})


def first_period(actuals: Iterable[Actual]) -> str | None:
    """The period that starts earliest (month 1 of :func:`actual_series`); None without actuals.

    >>> first_period([Actual("2026-02", "roi", 1.0), Actual("2026-Q1", "roi", 1.1)])
    '2026-Q1'
    """
    actuals = list(actuals)
    if not actuals:
        return None
    return min(actuals, key=lambda a: (_period_start(a.period), _period_sort_key(a.period))).period


def actual_series(actuals: Iterable[Actual], kpi: str) -> pd.DataFrame:
    """The actuals of one KPI placed on the projection's months.

    Month 1 is the first month of the earliest period among **all** the actuals
    (so every KPI shares one calendar); a month is plotted at itself and a
    quarter at its last month (2026-Q1 is month 3 when 2026-01 is month 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``month`` and ``value``, sorted by month; empty when
        the KPI has no actuals.
    """
    actuals = list(actuals)
    if not actuals:
        return pd.DataFrame({"period": pd.Series(dtype=str), "month": pd.Series(dtype=int),
                             "value": pd.Series(dtype=float)})
    y0, m0 = min(_period_start(a.period) for a in actuals)
    rows = []
    for a in actuals:
        if a.kpi != kpi:
            continue
        y, m = period_month(a.period)
        rows.append({"period": a.period, "month": (y - y0) * 12 + (m - m0) + 1, "value": a.value})
    frame = pd.DataFrame(rows, columns=["period", "month", "value"])
    return frame.sort_values(["month", "period"], kind="stable").reset_index(drop=True)
