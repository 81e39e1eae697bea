"""Uncertainty: Monte Carlo ranges and a tornado of one-at-a-time swings.

A consultant defends ranges, not single points. Every assumption has a low, a
likely and a high value: the assumptions use the low/high of
``data/assumptions.json`` with the scenario's own value as the likely one (the
range widens to include it); the role parameters vary by the relative bands of
``data/uncertainty.json``. Each is drawn from triangular(low, likely, high).

:func:`simulate` is a vectorised re-implementation of :func:`salesops.model.evaluation`
over arrays of draws. The org is the one being evaluated: the servers and FTE of
every team are fixed at the deterministic sizing of the scenario (of each phase
of its initiatives), and every draw re-evaluates waits (Erlang C with fixed
``c``), served share, response, effectiveness, value, hours saved, selling
share, productivity, revenue, uplift, ROI, the month-by-month projection (ramp
with the drawn attrition and ramp, the ops benefit ramp, initiatives phased in
by start month exactly as ``model._projection`` does) and payback. With every
range collapsed to its likely value each draw equals ``evaluate(scenario)``
(tested to 1e-9 relative).

``horizon_months`` is structural and stays fixed; ``company_revenue_usd`` does
not enter the model, and ``discount_rate`` only discounts the projection into an NPV
(it moves no ROI, so it is held at its value here).

:func:`sensitivity` is the tornado: ROI at each parameter's low and high with
everything else at its likely value, sorted by swing. It follows the Monte Carlo's
staffing rule (the teams as designed), so each end of a bar is a point the Monte Carlo
can draw.
"""

from __future__ import annotations

import json
import math
import os
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pandas as pd

from salesops.model import evaluation as model
from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Assumptions, Scenario, assumption_info
from salesops.model.vectorised import _batch, _phase
from salesops.model.worker import needs_worker

__all__ = [
    "BATCH",
    "MAX_DRAWS",
    "ROLE_PARAMETERS",
    "SENSITIVITY_COLUMNS",
    "Range",
    "Simulation",
    "in_worker",
    "ranges",
    "role_bands",
    "sensitivity",
    "simulate",
    "simulate_cached",
]

BATCH = 2_000
MAX_DRAWS = 1_000_000
# draws x roles x (regions + 1) above this run in a worker process: about 0.1 s of the app's time
DRAW_UNITS_IN_PROCESS = 200_000
FIXED_ASSUMPTIONS = (
    "horizon_months",
    "company_revenue_usd",
    "discount_rate",
    "reorg_one_off_usd",  # stated by the user, not a range
    "reorg_rep_departure_share",
    "peak_cover",  # a staffing choice
)
ROLE_PARAMETERS = (
    "service_rate_per_fte_week",
    "demand_per_rep_week",
    "rep_hours_saved_per_request",
    "local_knowledge_sensitivity",
    "standardization_gain",
)
_ROLE_SHARES = ("local_knowledge_sensitivity", "standardization_gain")
SENSITIVITY_COLUMNS = ["parameter", "label", "low", "likely", "high", "roi_low", "roi_high", "swing", "source", "unit"]


# --------------------------------------------------------------------------
# Ranges
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Range:
    """One uncertain parameter: an assumption, or one role's value of a role parameter."""

    name: str  # Assumptions field or role parameter
    label: str
    low: float
    likely: float
    high: float
    unit: str = ""
    source: str = ""
    role_id: str | None = None  # set for role parameters

    @property
    def fixed(self) -> bool:
        return not self.low < self.high


@lru_cache(maxsize=1)
def _bands_raw() -> dict:
    with open(DATA_DIR / "uncertainty.json", encoding="utf-8") as fh:
        return json.load(fh)


def role_bands() -> dict[str, float]:
    """Relative band of each role parameter (``data/uncertainty.json``)."""
    return {k: float(v["band"]) for k, v in _bands_raw()["role_bands"].items()}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize().replace(" usd", " (USD)")


def ranges(scenario: Scenario, scale: float = 1.0, relative: float | None = None) -> tuple[Range, ...]:
    """Low, likely and high of every parameter of ``scenario``.

    Parameters
    ----------
    scale : float
        Multiplies the distance of low and high from likely (0 collapses every range).
    relative : float, optional
        Instead of the sourced ranges, low = likely * (1 - relative) and high =
        likely * (1 + relative) for every parameter that is not fixed (shares clipped).
    """
    info = assumption_info()
    a = scenario.assumptions
    out: list[Range] = []

    def spread(likely: float, low: float, high: float, clip: tuple[float, float] | None) -> tuple[float, float]:
        if relative is not None and low < high:
            low, high = likely * (1.0 - relative), likely * (1.0 + relative)
        low = likely + (low - likely) * scale
        high = likely + (high - likely) * scale
        if clip is not None:
            low, high = max(clip[0], low), min(clip[1], high)
        return min(low, likely), max(high, likely)

    for f in fields(Assumptions):
        meta = info.get(f.name, {})
        likely = float(getattr(a, f.name))
        if f.name in FIXED_ASSUMPTIONS:
            low = high = likely
        else:
            low = min(float(meta.get("low", likely)), likely)
            high = max(float(meta.get("high", likely)), likely)
            clip = (0.0, 1.0) if f.name in Assumptions._SHARES else None
            low, high = spread(likely, low, high, clip)
        out.append(
            Range(
                f.name, _label(f.name), low, likely, high, str(meta.get("unit", "")), str(meta.get("source", "")), None
            )
        )
    raw = _bands_raw()
    for name, spec in raw["role_bands"].items():
        band = float(spec["band"])
        for plan in scenario.roles:
            likely = float(getattr(plan.role, name))
            clip = (0.0, 1.0) if name in _ROLE_SHARES else (0.0, math.inf)
            low, high = spread(likely, likely * (1.0 - band), likely * (1.0 + band), clip)
            out.append(
                Range(
                    name,
                    f"{spec['label'].split(' (')[0]}: {plan.role.name}",
                    low,
                    likely,
                    high,
                    spec.get("unit", ""),
                    raw["source"],
                    plan.role.id,
                )
            )
    return tuple(out)


_sourced_ranges = ranges  # the parameter ``ranges`` of simulate/sensitivity shadows the function


def _triangular(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    if r.fixed:
        return np.full(n, r.likely)
    return rng.triangular(r.low, r.likely, r.high, size=n)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Simulation:
    """Per-draw figures of a Monte Carlo run (arrays of length ``draws``)."""

    scenario_name: str
    draws: int
    seed: int
    roi: np.ndarray
    payback_months: np.ndarray  # NaN where the draw never pays back
    productivity_per_rep: np.ndarray
    revenue: np.ndarray
    cumulative_net: np.ndarray  # draws x months
    net_value: np.ndarray  # gross-margin uplift + control value - cost, per year at run rate
    deterministic: model.Results = field(repr=False)

    def percentiles(self) -> dict[str, Any]:
        """P10/P50/P90 of ROI, payback (over draws that pay back) and productivity per rep."""

        def pct(values: np.ndarray) -> dict[str, float | None]:
            if values.size == 0:
                return {"p10": None, "p50": None, "p90": None}
            p10, p50, p90 = np.percentile(values, [10, 50, 90])
            return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}

        paid = self.payback_months[~np.isnan(self.payback_months)]
        payback = pct(paid)
        payback["never_share"] = float(np.isnan(self.payback_months).sum() / self.draws) if self.draws else 0.0
        return {"roi": pct(self.roi), "payback_months": payback, "productivity_per_rep": pct(self.productivity_per_rep)}

    def fan(self) -> pd.DataFrame:
        """Per month: P10, P25, P50, P75, P90 of cumulative net and the deterministic value."""
        q = np.percentile(self.cumulative_net, [10, 25, 50, 75, 90], axis=0)
        months = np.arange(1, self.cumulative_net.shape[1] + 1)
        det = [p.cumulative_net_usd for p in self.deterministic.projection]
        return pd.DataFrame(
            {"month": months, "p10": q[0], "p25": q[1], "p50": q[2], "p75": q[3], "p90": q[4], "deterministic": det}
        )


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    progress: Callable[[float], Any] | None = None,
    ranges: tuple[Range, ...] | None = None,
) -> Simulation:
    """Monte Carlo of ``scenario``: ``draws`` triangular draws of every uncertain parameter.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Number of draws (1 to :data:`MAX_DRAWS`).
    seed : int
        Seed of ``numpy.random.default_rng``: the same seed gives identical figures.
    progress : callable, optional
        Called with the fraction done (0 < f <= 1) after each batch of :data:`BATCH` draws.
    ranges : tuple of Range, optional
        Default :func:`ranges` of the scenario.

    Returns
    -------
    Simulation
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must be a whole number between 1 and {MAX_DRAWS:,}, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    draws, seed = int(draws), int(seed)
    spec = ranges if ranges is not None else _sourced_ranges(scenario)
    rng = np.random.default_rng(seed)
    role_ids = [p.role.id for p in scenario.roles]
    a_all: dict[str, np.ndarray] = {}
    r_all: dict[str, np.ndarray] = {name: np.empty((draws, len(role_ids))) for name in ROLE_PARAMETERS}
    given = {(r.name, r.role_id): r for r in spec}
    for f in fields(Assumptions):
        r = given.get((f.name, None))
        value = float(getattr(scenario.assumptions, f.name))
        a_all[f.name] = _triangular(rng, r, draws) if r is not None else np.full(draws, value)
    for name in ROLE_PARAMETERS:
        for j, plan in enumerate(scenario.roles):
            r = given.get((name, plan.role.id))
            r_all[name][:, j] = _triangular(rng, r, draws) if r is not None else getattr(plan.role, name)
    # a drawn baseline above the drawn cap would be an invalid scenario: the cap is at least the baseline
    a_all["max_selling_time_share"] = np.maximum(a_all["max_selling_time_share"], a_all["baseline_selling_time_share"])
    urgency = np.array([p.role.urgency_hours for p in scenario.roles], dtype=float)

    active = tuple(i for i in scenario.initiatives if i.active)
    keys = {
        frozenset(i.id for i in active if i.start_month <= m) for m in range(1, scenario.assumptions.horizon_months + 1)
    }
    keys.add(frozenset(i.id for i in active))
    phases = {k: _phase(scenario, active, k) for k in keys}
    hq = scenario.hq
    consts = (
        np.array([model.gap_to_hq(r, hq) for r in scenario.regions], dtype=float),
        np.array([r.market_complexity for r in scenario.regions], dtype=float),
        np.array([r.reps for r in scenario.regions], dtype=float),
    )

    parts: list[dict[str, np.ndarray]] = []
    for start in range(0, draws, BATCH):
        stop = min(draws, start + BATCH)
        a = {k: v[start:stop] for k, v in a_all.items()}
        roles = {k: v[start:stop] for k, v in r_all.items()}
        roles["_urgency"] = urgency
        parts.append(_batch(scenario, active, phases, a, roles, consts))
        if progress is not None:
            progress(stop / draws)
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return Simulation(
        scenario_name=scenario.name,
        draws=draws,
        seed=seed,
        roi=joined["roi"],
        payback_months=joined["payback_months"],
        productivity_per_rep=joined["productivity_per_rep"],
        revenue=joined["revenue"],
        cumulative_net=joined["cumulative_net"],
        net_value=joined["net_value"],
        deterministic=model.evaluate(scenario),
    )


_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 16


def simulate_cached(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    progress: Callable[[float], Any] | None = None,
    runner: Callable[..., Simulation] | None = None,
) -> Simulation:
    """:func:`simulate` memoised on (scenario, draws, seed); ``progress`` is called only on a miss.

    ``runner``, if given, computes a miss instead (``runner(simulate, scenario, draws, seed)``): the app
    passes one that runs big simulations in a worker process with a time and memory budget.
    """
    key = (scenario, int(draws), int(seed))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = (
        simulate(scenario, draws, seed, progress)
        if runner is None
        else runner(simulate, scenario, int(draws), int(seed))
    )
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def in_worker(scenario: Scenario, draws: int) -> bool:
    """True when a Monte Carlo of ``draws`` draws of ``scenario`` should run in a worker process.

    A big org (:func:`salesops.model.worker.needs_worker`) or many draws of a mid-sized one: the
    work grows with draws x roles x (regions + 1), and above :data:`DRAW_UNITS_IN_PROCESS` it would
    hold the app process for over about 0.1 s. ``SALESOPS_WORKER_UNITS=0`` sends every run there.

    >>> from salesops.model.samples import load_sample
    >>> in_worker(load_sample("startup"), 2_000), in_worker(load_sample("enterprise"), 10_000)
    (False, True)
    """
    units = int(draws) * len(scenario.roles) * (len(scenario.regions) + 1)
    limit = 0 if os.environ.get("SALESOPS_WORKER_UNITS", "").strip() == "0" else DRAW_UNITS_IN_PROCESS
    return needs_worker(len(scenario.regions), len(scenario.roles)) or units > limit


def is_cached(scenario: Scenario, draws: int, seed: int) -> bool:
    return (scenario, int(draws), int(seed)) in _CACHE


def _with_value(scenario: Scenario, r: list[Range], which: str) -> Scenario:
    """``scenario`` with the parameters of ``r`` (one assumption, or one parameter of all roles) at low/high."""
    first = r[0]
    if first.role_id is None:
        value = getattr(first, which)
        if first.name == "horizon_months":
            value = int(round(value))
        return scenario.with_assumptions(**{first.name: value})
    values = {x.role_id: getattr(x, which) for x in r}
    plans = tuple(
        replace(p, role=replace(p.role, **{first.name: values[p.role.id]})) if p.role.id in values else p
        for p in scenario.roles
    )
    return replace(scenario, roles=plans)


def _roi_as_designed(scenario: Scenario, spec: tuple[Range, ...], group: list[Range], which: str) -> float:
    """ROI with the parameters of ``group`` at their low (or high), the rest likely, the teams as designed."""
    moved = {(r.name, r.role_id) for r in group}

    def point(r: Range) -> Range:
        value = getattr(r, which) if (r.name, r.role_id) in moved else r.likely
        return replace(r, low=value, likely=value, high=value)

    return float(simulate(scenario, 1, 0, ranges=tuple(point(r) for r in spec)).roi[0])


def sensitivity(scenario: Scenario, ranges: tuple[Range, ...] | None = None) -> pd.DataFrame:
    """Tornado: ROI at each parameter's low and high, everything else at likely; largest swing first.

    One row per assumption and one per role parameter (all roles moved to their
    low, then their high, together). Fixed parameters (low == high) are left out.
    Role rows give low, likely and high as multipliers of each role's own value
    (e.g. 0.8, 1, 1.2). The staffing rule is the Monte Carlo's: the teams stay as designed
    (their FTE at the scenario's own sizing) and a parameter moves their waits, service and
    value, so the tornado's ends are points the Monte Carlo can draw.
    """
    spec = ranges if ranges is not None else _sourced_ranges(scenario)
    groups: dict[str, list[Range]] = {}
    for r in spec:
        if not r.fixed:
            groups.setdefault(r.name, []).append(r)
    raw_bands = _bands_raw()["role_bands"]
    rows = []
    for name, group in groups.items():
        first = group[0]
        roi_low = _roi_as_designed(scenario, spec, group, "low")
        roi_high = _roi_as_designed(scenario, spec, group, "high")
        if first.role_id is None:
            label, low, likely, high, unit = first.label, first.low, first.likely, first.high, first.unit
        else:
            spec_b = raw_bands.get(name, {})
            label = spec_b.get("label", _label(name))
            ref = next((x for x in group if x.likely > 0), first)
            low = ref.low / ref.likely if ref.likely else 1.0
            high = ref.high / ref.likely if ref.likely else 1.0
            likely, unit = 1.0, "x each role's value"
        rows.append(
            {
                "parameter": name,
                "label": label,
                "low": low,
                "likely": likely,
                "high": high,
                "roi_low": roi_low,
                "roi_high": roi_high,
                "swing": abs(roi_high - roi_low),
                "source": first.source,
                "unit": unit,
            }
        )
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    table = table.sort_values("swing", ascending=False, kind="stable", ignore_index=True)
    table.attrs["base_roi"] = model.evaluate(scenario).roi
    return table
