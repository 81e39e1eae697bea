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
everything else at its likely value (deterministic :func:`~salesops.model.evaluation`,
which re-sizes auto-sized teams), sorted by swing.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pandas as pd

from salesops.model import evaluation as model
from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Assumptions, Scenario, assumption_info

__all__ = [
    "BATCH",
    "MAX_DRAWS",
    "ROLE_PARAMETERS",
    "SENSITIVITY_COLUMNS",
    "Range",
    "Simulation",
    "ranges",
    "role_bands",
    "sensitivity",
    "simulate",
    "simulate_cached",
]

BATCH = 2_000
MAX_DRAWS = 1_000_000
FIXED_ASSUMPTIONS = ("horizon_months", "company_revenue_usd", "discount_rate")
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
# The fixed structure of one phase (teams and services of the designed org)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Phase:
    started: frozenset
    svc_factor: np.ndarray  # (roles,) service-rate factor of the started initiatives
    attainment_gain: float
    ramp_saved: float
    has_levers: bool  # effective() changes the assumptions only when something has started
    extra_hours: float
    # teams: role index, servers (need not be whole), fte per server, weight (reps x share),
    # standardized, teams of the role
    t_role: np.ndarray
    t_servers: np.ndarray
    t_fte_ratio: np.ndarray  # mu per server / mu (1 but for a manual fraction in whole-FTE staffing)
    t_weight: np.ndarray
    t_std: np.ndarray
    t_nteams: np.ndarray
    # services: team index, region index, share, central, region where its team sits,
    # clock gap to its team, share of the local-knowledge loss that applies
    s_team: np.ndarray
    s_region: np.ndarray
    s_share: np.ndarray
    s_central: np.ndarray
    s_at_team: np.ndarray
    s_gap: np.ndarray
    s_knowledge: np.ndarray
    ops_cost: float
    running: float


def _phase(scenario: Scenario, active, started: frozenset) -> _Phase:
    """The teams and services of one phase, as :func:`salesops.model.evaluation` builds them.

    The structure (which teams exist, their size, who serves whom and for what share) is read
    from the deterministic evaluation, so the two cannot drift apart; only the equations that
    turn drawn parameters into waits, value and hours are re-done over arrays.
    """
    from salesops.model import initiatives as levers

    chosen = [i for i in active if i.id in started]
    eff = levers.effective(scenario, chosen)
    core = model._core(eff, scenario.assumptions, levers.extra_hours(chosen))
    role_index = {p.role.id: j for j, p in enumerate(scenario.roles)}
    region_index = {r.id: k for k, r in enumerate(scenario.regions)}
    reps = {r.id: r.reps for r in scenario.regions}
    factors = []
    for plan in scenario.roles:
        factor = 1.0
        for i in chosen:
            if plan.role.id in i.roles:
                factor *= 1.0 + i.service_rate_gain
        factors.append(factor)
    team_index = {(t.role_id, t.team): k for k, t in enumerate(core.teams)}
    weights = [0.0] * len(core.teams)
    for s in core.services:
        weights[team_index[(s.role_id, s.team)]] += reps[s.region_id] * s.share
    t_rows = [
        (
            role_index[t.role_id],
            t.servers_exact,
            t.fte / t.servers_exact if t.servers_exact else 0.0,
            w,
            t.standardized,
            t.teams_of_role,
        )
        for t, w in zip(core.teams, weights)
    ]
    s_rows = [
        (
            team_index[(s.role_id, s.team)],
            region_index[s.region_id],
            s.share,
            s.central,
            s.at_team,
            s.gap_hours,
            s.knowledge_scale,
        )
        for s in core.services
    ]
    tcols = list(zip(*t_rows)) if t_rows else [()] * 6
    scols = list(zip(*s_rows)) if s_rows else [()] * 7
    return _Phase(
        started=started,
        svc_factor=np.array(factors, dtype=float),
        attainment_gain=sum(i.attainment_gain for i in chosen),
        ramp_saved=sum(i.ramp_months_saved for i in chosen),
        has_levers=bool(chosen),
        extra_hours=levers.extra_hours(chosen),
        t_role=np.array(tcols[0], dtype=int),
        t_servers=np.array(tcols[1], dtype=float),
        t_fte_ratio=np.array(tcols[2], dtype=float),
        t_weight=np.array(tcols[3], dtype=float),
        t_std=np.array(tcols[4], dtype=bool),
        t_nteams=np.array(tcols[5], dtype=float),
        s_team=np.array(scols[0], dtype=int),
        s_region=np.array(scols[1], dtype=int),
        s_share=np.array(scols[2], dtype=float),
        s_central=np.array(scols[3], dtype=bool),
        s_at_team=np.array(scols[4], dtype=bool),
        s_gap=np.array(scols[5], dtype=float),
        s_knowledge=np.array(scols[6], dtype=float),
        ops_cost=core.ops_cost,
        running=sum(i.running_cost_usd_per_year for i in chosen),
    )


# --------------------------------------------------------------------------
# Vectorised model
# --------------------------------------------------------------------------
def _erlang_c(c: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Erlang C for a matrix of loads (draws x teams) and fixed servers per team (teams,)."""
    b = np.ones_like(load)
    kmax = int(c.max()) if c.size else 0
    for k in range(1, kmax + 1):
        nb = load * b / (k + load * b)
        b = np.where(k <= c, nb, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        pw = c * b / (c - load * (1.0 - b))
    pw = np.where(load >= c, 1.0, pw)
    return np.where(load == 0, 0.0, pw)


def _erlang_c_any(c: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Erlang C for servers that need not be whole: linear between whole numbers, C(0) = 1.

    As :func:`salesops.model.queueing.erlang_c_continuous`; at whole ``c`` it is :func:`_erlang_c`.
    """
    low = np.floor(c).astype(int)
    theta = c - low
    at_low = np.where(low[None, :] == 0, np.where(load == 0, 0.0, 1.0), _erlang_c(low, load))
    if not (theta > 0).any():
        return at_low
    at_high = _erlang_c(low + 1, load)
    return np.where(theta[None, :] > 0, (1.0 - theta[None, :]) * at_low + theta[None, :] * at_high, at_low)


def _steady_cap(attrition: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    t = np.arange(1, math.ceil(float(ramp.max())) + 1, dtype=float)
    deficit = np.maximum(0.0, 1.0 - t[None, :] / ramp[:, None]).sum(axis=1)
    return 1.0 - attrition / 12.0 * deficit


def _ramp_capacity(months: int, attrition: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """(draws x months) rep capacity, as :func:`salesops.model.ramp_capacity`."""
    tmax = math.ceil(float(ramp.max()))
    t = np.arange(1, tmax + 1, dtype=float)
    terms = (attrition / 12.0)[:, None] * np.maximum(0.0, 1.0 - t[None, :] / ramp[:, None])
    cum = np.cumsum(terms, axis=1)
    idx = np.minimum(np.arange(1, months + 1), tmax) - 1
    return 1.0 - cum[:, idx]


def _phase_levers(ph: _Phase, a: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    if not ph.has_levers:
        return a["quota_attainment"], a["ramp_months"]
    attainment = np.minimum(1.0, np.maximum(0.0, a["quota_attainment"] + ph.attainment_gain))
    ramp = np.maximum(0.5, a["ramp_months"] - ph.ramp_saved)
    return attainment, ramp


def _steady(ph: _Phase, a: dict[str, np.ndarray], roles: dict[str, np.ndarray], consts) -> dict[str, np.ndarray]:
    """One phase's steady state for a batch: productivity per region, p0, steady capacity."""
    gaps, complexity, reps = consts
    n = a["rep_hours_per_week"].shape[0]
    max_resp = a["max_response_hours"][:, None]
    ops_h = a["ops_hours_per_week"][:, None]
    n_regions = gaps.shape[0]
    saved_by_region = np.zeros((n, n_regions))
    if ph.t_role.size:
        j = ph.t_role
        overhead = np.minimum(
            a["max_coordination_overhead"][:, None],
            a["coordination_overhead_per_channel"][:, None] * np.maximum(0.0, ph.t_nteams - 1)[None, :],
        )
        svc = roles["service_rate_per_fte_week"][:, j] * ph.svc_factor[j][None, :]
        mu = svc * np.where(ph.t_std[None, :], 1.0 + roles["standardization_gain"][:, j], 1.0)
        mu = mu * (1.0 - overhead)
        mu_server = mu * ph.t_fte_ratio[None, :]
        c = ph.t_servers
        demand = roles["demand_per_rep_week"][:, j] * ph.t_weight[None, :]
        capacity = c[None, :] * mu_server
        with np.errstate(divide="ignore", invalid="ignore"):
            load = np.where(mu_server > 0, demand / mu_server, 0.0)
            pw = _erlang_c_any(c, load)
            wait = np.minimum(max_resp, pw / (capacity - demand) * ops_h)
            over_served = capacity / demand
            service_h = np.where(mu_server > 0, ops_h / mu_server, max_resp)
        overloaded = (demand > 0) & (capacity <= demand)
        idle = demand <= 0
        served = np.where(idle, 1.0, np.where(overloaded, over_served, 1.0))
        wait = np.where(idle, 0.0, np.where(overloaded, max_resp, wait))
        service_h = np.minimum(service_h, max_resp)
        # services
        if ph.s_team.size:
            t = ph.s_team
            r = ph.s_region
            jr = j[t]
            H = a["shared_business_hours"][:, None]
            overlap = np.maximum(0.0, H - ph.s_gap[None, :])
            far = 1.0 - overlap / H
            delay = np.where(ph.s_central[None, :], a["handoff_delay_hours"][:, None] * far, 0.0)
            response = np.minimum(max_resp, wait[:, t] + service_h[:, t] + delay)
            floor = a["distance_knowledge_floor"][:, None]
            distance = floor + (1.0 - floor) * far
            alpha = roles["local_knowledge_sensitivity"][:, jr] * ph.s_knowledge[None, :]
            eff = 1.0 - alpha * complexity[r][None, :] * distance
            eff = np.where(ph.s_central[None, :] & ~ph.s_at_team[None, :], eff, 1.0)
            value = 1.0 / (1.0 + response / roles["_urgency"][jr][None, :])
            saved = (
                roles["demand_per_rep_week"][:, jr]
                * ph.s_share[None, :]
                * served[:, t]
                * roles["rep_hours_saved_per_request"][:, jr]
                * eff
                * value
            )
            for k in range(n_regions):  # few regions: a sum per region keeps the model's order
                mask = r == k
                if mask.any():
                    saved_by_region[:, k] = saved[:, mask].sum(axis=1)
    attainment, ramp = _phase_levers(ph, a)
    s0 = a["baseline_selling_time_share"][:, None]
    p0 = a["quota_usd_per_rep"] * attainment
    cap = _steady_cap(a["attrition_per_year"], ramp)
    reclaimed = saved_by_region + np.where(reps > 0, ph.extra_hours, 0.0)[None, :]
    share = np.minimum(a["max_selling_time_share"][:, None], s0 + reclaimed / a["rep_hours_per_week"][:, None])
    productivity = p0[:, None] * (share / s0) ** a["productivity_elasticity"][:, None] * cap[:, None]
    return {"productivity": productivity, "p0": p0, "cap": cap, "ramp": ramp}


def _batch(
    scenario: Scenario, active, phases: dict, a: dict[str, np.ndarray], roles: dict[str, np.ndarray], consts
) -> dict[str, np.ndarray]:
    gaps, complexity, reps = consts
    total_reps = float(reps.sum())
    months = int(scenario.assumptions.horizon_months)
    full_key = frozenset(i.id for i in active)
    steady: dict[frozenset, dict] = {k: _steady(ph, a, roles, consts) for k, ph in phases.items()}
    full = steady[full_key]
    revenue = (full["productivity"] * reps[None, :]).sum(axis=1)
    base_p0 = a["quota_usd_per_rep"] * a["quota_attainment"]
    baseline = base_p0 * _steady_cap(a["attrition_per_year"], a["ramp_months"])
    baseline_revenue = baseline * total_reps
    gm = a["gross_margin"]
    uplift = (revenue - baseline_revenue) * gm
    spend = phases[full_key].ops_cost + phases[full_key].running
    roi = (uplift - spend) / spend if spend > 0 else np.zeros_like(uplift)
    productivity = revenue / total_reps if total_reps else np.zeros_like(revenue)

    # projection
    base_capacity = _ramp_capacity(months, a["attrition_per_year"], a["ramp_months"])
    capacities: dict[frozenset, np.ndarray] = {}
    n = roi.shape[0]
    cumulative = np.zeros((n, months))
    month_uplift = np.zeros(n)
    month_cost = np.zeros(months)
    running_total = np.zeros(n)
    for m in range(1, months + 1):
        started = frozenset(i.id for i in active if i.start_month <= m)
        core = steady[started]
        if started not in capacities:
            capacities[started] = (
                base_capacity if not started else _ramp_capacity(months, a["attrition_per_year"], core["ramp"])
            )
        benefit = np.minimum(1.0, m / a["ops_benefit_ramp_months"])
        cap = capacities[started][:, m - 1]
        base_cap = base_capacity[:, m - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            lift = ((core["productivity"] / core["cap"][:, None] - core["p0"][:, None]) * reps[None, :]).sum(axis=1)
        lift = np.where(core["cap"] > 0, lift, 0.0)
        baseline_rev = base_p0 * total_reps * base_cap / 12.0
        rev = (core["p0"] * total_reps + lift * benefit) * cap / 12.0
        month_uplift = (rev - baseline_rev) * gm
        cost = (phases[started].ops_cost + phases[started].running) / 12.0
        cost += sum(i.one_off_cost_usd for i in active if i.start_month == m)
        month_cost[m - 1] = cost
        running_total = running_total + (month_uplift - cost)
        cumulative[:, m - 1] = running_total
    payback = _payback(cumulative, month_cost, month_uplift)
    return {
        "roi": roi,
        "productivity_per_rep": productivity,
        "revenue": revenue,
        "payback_months": payback,
        "cumulative_net": cumulative,
        "net_value": uplift - spend,
    }


def _payback(cumulative: np.ndarray, cost: np.ndarray, last_uplift: np.ndarray) -> np.ndarray:
    n, months = cumulative.shape
    hit = (cumulative >= 0) & (cost > 0)[None, :]
    any_hit = hit.any(axis=1)
    first = hit.argmax(axis=1)
    rows = np.arange(n)
    previous = np.where(first > 0, cumulative[rows, np.maximum(first - 1, 0)], 0.0)
    net = cumulative[rows, first] - previous
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(net > 0, -previous / net, 1.0)
    inside = first + np.minimum(1.0, np.maximum(0.0, frac))
    monthly_net = last_uplift - cost[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        after = months + (-cumulative[:, -1]) / monthly_net
    after = np.where((monthly_net > 0) & (cost[-1] > 0), after, np.nan)
    return np.where(any_hit, inside, after)


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
    net_value: np.ndarray  # gross-margin uplift - cost, per year at run rate
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


def sensitivity(scenario: Scenario, ranges: tuple[Range, ...] | None = None) -> pd.DataFrame:
    """Tornado: ROI at each parameter's low and high, everything else at likely; largest swing first.

    One row per assumption and one per role parameter (all roles moved to their
    low, then their high, together). Fixed parameters (low == high) are left out.
    Role rows give low, likely and high as multipliers of each role's own value
    (e.g. 0.8, 1, 1.2). Uses the deterministic :func:`~salesops.model.evaluation`.
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
        roi_low = model.evaluate(_with_value(scenario, group, "low")).roi
        roi_high = model.evaluate(_with_value(scenario, group, "high")).roi
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
