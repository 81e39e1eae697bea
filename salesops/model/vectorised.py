"""The model over arrays of draws: the Monte Carlo's engine (:mod:`salesops.model.uncertainty`).

The structure of the org (which teams exist, their size, who serves whom and for what share)
is read from the deterministic evaluation of each phase (:func:`_phase`); the equations that
turn drawn parameters into waits, value, hours, productivity, the projection and payback are
done again here with numpy over a batch of draws (:func:`_batch`). With every range collapsed
each draw equals :func:`salesops.model.evaluation.evaluate` (tested to 1e-9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from salesops.model import evaluation as model
from salesops.model import peaks
from salesops.model.roles import CONTROLS
from salesops.model.scenario import Scenario

__all__: list[str] = []  # internal to salesops.model.uncertainty


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
    hours_scaled: bool  # model version 3: service rates scale with the ops week (evaluation.hours_factor)
    t_pool: np.ndarray  # index into p_servers of the generalist pool serving the team, -1 for its own team
    p_servers: np.ndarray  # servers of each generalist pool
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
    # model version 4: embedded teams on the standard process, services under it, the control
    # each service's role protects (the assumption's name, "" for none), and the FTE hired
    v4: bool
    t_embedded_std: np.ndarray
    s_std: np.ndarray
    s_control: tuple[str, ...]
    ops_fte: float
    # model version 4: seasonal peaks (demand multipliers of each team's role in a normal and a peak
    # week, and each service's shares of the year's requests in the two)
    peaks: bool
    t_m_off: np.ndarray
    t_m_peak: np.ndarray
    s_w_off: np.ndarray
    s_w_peak: np.ndarray


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
    pools = sorted({t.pool for t in core.teams if t.pool})
    pool_servers = {pool: next(t.servers_exact for t in core.teams if t.pool == pool) for pool in pools}
    t_rows = [
        (
            role_index[t.role_id],
            t.servers_exact,
            1.0 if t.pool else (t.fte / t.servers_exact if t.servers_exact else 0.0),
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
    v4 = scenario.model_version >= 4
    controls = {p.role.id: CONTROLS.get(p.role.control, "") for p in scenario.roles}
    mults = {p.role.id: peaks.multipliers(p.role, scenario.model_version) for p in scenario.roles}
    week_shares = {p.role.id: peaks.week_weights(p.role, scenario.model_version) for p in scenario.roles}
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
        hours_scaled=scenario.model_version >= 3,
        t_pool=np.array([pools.index(t.pool) if t.pool else -1 for t in core.teams], dtype=int),
        p_servers=np.array([pool_servers[pool] for pool in pools], dtype=float),
        s_team=np.array(scols[0], dtype=int),
        s_region=np.array(scols[1], dtype=int),
        s_share=np.array(scols[2], dtype=float),
        s_central=np.array(scols[3], dtype=bool),
        s_at_team=np.array(scols[4], dtype=bool),
        s_gap=np.array(scols[5], dtype=float),
        s_knowledge=np.array(scols[6], dtype=float),
        ops_cost=core.ops_cost,
        running=sum(i.running_cost_usd_per_year for i in chosen),
        v4=v4,
        t_embedded_std=np.array([v4 and t.standardized and t.team != model.CENTRAL for t in core.teams], dtype=bool),
        s_std=np.array([s.standard_process for s in core.services], dtype=bool),
        s_control=tuple(controls[s.role_id] if v4 else "" for s in core.services),
        ops_fte=core.ops_fte,
        peaks=any(week_shares[p.role.id][1] > 0 for p in scenario.roles),
        t_m_off=np.array([mults[t.role_id][0] for t in core.teams], dtype=float),
        t_m_peak=np.array([mults[t.role_id][1] for t in core.teams], dtype=float),
        s_w_off=np.array([week_shares[s.role_id][0] for s in core.services], dtype=float),
        s_w_peak=np.array([week_shares[s.role_id][1] for s in core.services], dtype=float),
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


def _deficit_months(ramp: np.ndarray) -> np.ndarray:
    """Months of full output a new hire loses while ramping, per draw (as ``cashflow.ramp_deficit_months``)."""
    t = np.arange(1, math.ceil(float(ramp.max())) + 1, dtype=float)
    return np.maximum(0.0, 1.0 - t[None, :] / ramp[:, None]).sum(axis=1)


def _steady_cap(attrition: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    return 1.0 - attrition / 12.0 * _deficit_months(ramp)


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


def _queues(ph: _Phase, c, demand, mu_server, max_resp, ops_h) -> tuple[np.ndarray, np.ndarray]:
    """Wait (hours) and share served of every team at ``demand`` (draws x teams), pools included."""
    capacity = c[None, :] * mu_server
    with np.errstate(divide="ignore", invalid="ignore"):
        load = np.where(mu_server > 0, demand / mu_server, 0.0)
        pw = _erlang_c_any(c, load)
        wait = np.minimum(max_resp, pw / (capacity - demand) * ops_h)
        over_served = capacity / demand
    overloaded = (demand > 0) & (capacity <= demand)
    idle = demand <= 0
    served = np.where(idle, 1.0, np.where(overloaded, over_served, 1.0))
    wait = np.where(idle, 0.0, np.where(overloaded, max_resp, wait))
    for k, c_pool in enumerate(ph.p_servers):  # generalist pools: one queue for their members
        members = ph.t_pool == k
        lam = demand[:, members].sum(axis=1)
        offered = (demand[:, members] / mu_server[:, members]).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            pool_capacity = c_pool * lam / offered
            pool_pw = _erlang_c_any(np.array([c_pool]), offered[:, None])[:, 0]
            pool_wait = np.minimum(max_resp[:, 0], pool_pw / (pool_capacity - lam) * ops_h[:, 0])
            pool_served = pool_capacity / lam
        short = pool_capacity <= lam
        wait[:, members] = np.where(short, max_resp[:, 0], pool_wait)[:, None]
        served[:, members] = np.where(short, pool_served, 1.0)[:, None]
    return wait, served


def _steady(ph: _Phase, a: dict[str, np.ndarray], roles: dict[str, np.ndarray], consts) -> dict[str, np.ndarray]:
    """One phase's steady state for a batch: productivity per region, p0, steady capacity."""
    gaps, complexity, reps = consts
    n = a["rep_hours_per_week"].shape[0]
    max_resp = a["max_response_hours"][:, None]
    ops_h = a["ops_hours_per_week"][:, None]
    n_regions = gaps.shape[0]
    saved_by_region = np.zeros((n, n_regions))
    attainment, ramp = _phase_levers(ph, a)
    p0 = a["quota_usd_per_rep"] * attainment
    cap = _steady_cap(a["attrition_per_year"], ramp)
    control = np.zeros(n)
    if ph.t_role.size:
        j = ph.t_role
        overhead = np.minimum(
            a["max_coordination_overhead"][:, None],
            a["coordination_overhead_per_channel"][:, None] * np.maximum(0.0, ph.t_nteams - 1)[None, :],
        )
        svc = roles["service_rate_per_fte_week"][:, j] * ph.svc_factor[j][None, :]
        mu = svc * np.where(ph.t_std[None, :], 1.0 + roles["standardization_gain"][:, j], 1.0)
        if ph.hours_scaled:
            mu = mu * (a["ops_hours_per_week"][:, None] / model.CATALOG_WEEK_HOURS)
        mu = mu * (1.0 - overhead)
        if ph.t_embedded_std.any():
            mu = mu * np.where(ph.t_embedded_std[None, :], 1.0 - a["standard_process_overhead"][:, None], 1.0)
        mu_server = mu * ph.t_fte_ratio[None, :]
        c = ph.t_servers
        demand = roles["demand_per_rep_week"][:, j] * ph.t_weight[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            service_h = np.minimum(np.where(mu_server > 0, ops_h / mu_server, max_resp), max_resp)
        wait, served = _queues(ph, c, demand * ph.t_m_off[None, :], mu_server, max_resp, ops_h)
        if ph.peaks:  # model 4: the same teams in a peak week
            peak_wait, peak_served = _queues(ph, c, demand * ph.t_m_peak[None, :], mu_server, max_resp, ops_h)
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
            value = 1.0 / (1.0 + response / roles["_urgency"][jr][None, :])
            served_s = served[:, t]
            if ph.peaks:  # the demand-weighted mix of a normal and a peak week
                peak_response = np.minimum(max_resp, peak_wait[:, t] + service_h[:, t] + delay)
                peak_value = 1.0 / (1.0 + peak_response / roles["_urgency"][jr][None, :])
                w_off, w_peak = ph.s_w_off[None, :], ph.s_w_peak[None, :]
                mixed = w_off * served_s + w_peak * peak_served[:, t]
                kept = w_off * served_s * value + w_peak * peak_served[:, t] * peak_value
                with np.errstate(divide="ignore", invalid="ignore"):
                    value = np.where((mixed > 0) & (w_peak > 0), kept / mixed, value)
                served_s = np.where(ph.s_w_peak[None, :] > 0, mixed, served_s)
            floor = a["distance_knowledge_floor"][:, None]
            distance = floor + (1.0 - floor) * far
            alpha = roles["local_knowledge_sensitivity"][:, jr] * ph.s_knowledge[None, :]
            eff = 1.0 - alpha * complexity[r][None, :] * distance
            eff = np.where(ph.s_central[None, :] & ~ph.s_at_team[None, :], eff, 1.0)
            saved = (
                roles["demand_per_rep_week"][:, jr]
                * ph.s_share[None, :]
                * served_s
                * roles["rep_hours_saved_per_request"][:, jr]
                * eff
                * value
            )
            for k in range(n_regions):  # few regions: a sum per region keeps the model's order
                mask = r == k
                if mask.any():
                    saved_by_region[:, k] = saved[:, mask].sum(axis=1)
            for k, name in enumerate(ph.s_control):  # model 4: what central control is worth
                if name:
                    kept = 1.0 if ph.s_central[k] else (a["embedded_adherence"] if ph.s_std[k] else 0.0)
                    at_stake = reps[r[k]] * p0 * cap * a[name]
                    control = control + at_stake * ph.s_share[k] * served_s[:, k] * kept
    s0 = a["baseline_selling_time_share"][:, None]
    reclaimed = saved_by_region + np.where(reps > 0, ph.extra_hours, 0.0)[None, :]
    if ph.v4:
        reclaimed = reclaimed * a["selling_conversion"][:, None]
    share = np.minimum(a["max_selling_time_share"][:, None], s0 + reclaimed / a["rep_hours_per_week"][:, None])
    productivity = p0[:, None] * (share / s0) ** a["productivity_elasticity"][:, None] * cap[:, None]
    return {"productivity": productivity, "p0": p0, "cap": cap, "ramp": ramp, "control": control}


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
    net = uplift + full["control"] - spend
    roi = net / spend if spend > 0 else np.zeros_like(uplift)
    productivity = revenue / total_reps if total_reps else np.zeros_like(revenue)

    # projection (docs/MODEL.md; as salesops.model.cashflow.projection)
    v4 = scenario.model_version >= 4
    lag = a["ops_hiring_lag_months"] if v4 else np.zeros_like(uplift)
    base_capacity = _ramp_capacity(months, a["attrition_per_year"], a["ramp_months"])
    capacities: dict[frozenset, np.ndarray] = {}
    n = roi.shape[0]
    cumulative = np.zeros((n, months))
    month_cost = np.zeros((n, months))
    month_gain = np.zeros(n)
    running_total = np.zeros(n)
    one_off = np.zeros(n)
    if v4:  # the transition's one-off costs, in month 1
        first = phases[frozenset(i.id for i in active if i.start_month <= 1)]
        leavers = a["reorg_rep_departure_share"] * total_reps
        lost_ramp = leavers * base_p0 * _deficit_months(a["ramp_months"]) / 12.0 * gm
        one_off = (
            first.ops_fte * a["ops_recruiting_cost_usd"]
            + a["reorg_one_off_usd"]
            + leavers * a["rep_replacement_cost_usd"]
            + lost_ramp
        )
    for m in range(1, months + 1):
        started = frozenset(i.id for i in active if i.start_month <= m)
        core = steady[started]
        if started not in capacities:
            capacities[started] = (
                base_capacity if not started else _ramp_capacity(months, a["attrition_per_year"], core["ramp"])
            )
        benefit = np.minimum(1.0, np.maximum(0.0, m - lag) / a["ops_benefit_ramp_months"])
        staffed = np.minimum(1.0, np.maximum(0.0, m - lag))
        cap = capacities[started][:, m - 1]
        base_cap = base_capacity[:, m - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            lift = ((core["productivity"] / core["cap"][:, None] - core["p0"][:, None]) * reps[None, :]).sum(axis=1)
        lift = np.where(core["cap"] > 0, lift, 0.0)
        baseline_rev = base_p0 * total_reps * base_cap / 12.0
        rev = (core["p0"] * total_reps + lift * benefit) * cap / 12.0
        month_gain = (rev - baseline_rev) * gm + core["control"] * benefit / 12.0
        cost = phases[started].ops_cost * staffed / 12.0 + phases[started].running / 12.0
        cost = cost + sum(i.one_off_cost_usd for i in active if i.start_month == m)
        if m == 1:
            cost = cost + one_off
        month_cost[:, m - 1] = cost
        running_total = running_total + (month_gain - cost)
        cumulative[:, m - 1] = running_total
    payback = _payback(cumulative, month_cost, month_gain)
    return {
        "roi": roi,
        "productivity_per_rep": productivity,
        "revenue": revenue,
        "payback_months": payback,
        "cumulative_net": cumulative,
        "net_value": net,
    }


def _payback(cumulative: np.ndarray, cost: np.ndarray, last_gain: np.ndarray) -> np.ndarray:
    """As :func:`salesops.model.cashflow.payback`, for every draw (NaN where it never pays back).

    ``cost`` is (draws x months); ``last_gain`` the last month's uplift plus control value.
    """
    n, months = cumulative.shape
    previous = np.concatenate([np.zeros((n, 1)), cumulative[:, :-1]], axis=1)
    up = (cumulative >= 0) & (previous < 0)
    any_up = up.any(axis=1)
    last_up = months - 1 - up[:, ::-1].argmax(axis=1)
    rows = np.arange(n)
    before, at = previous[rows, last_up], cumulative[rows, last_up]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(at - before > 0, -before / (at - before), 1.0)
    inside = np.where(any_up, last_up + np.minimum(1.0, np.maximum(0.0, frac)), 0.0)
    monthly_net = last_gain - cost[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        after = months + (-cumulative[:, -1]) / monthly_net
    after = np.where(monthly_net > 0, after, np.nan)
    paid = np.where(cumulative[:, -1] >= 0, inside, after)
    nothing_spent = ~(cost > 0).any(axis=1)  # at once if it adds anything, else nothing to pay back
    return np.where(nothing_spent, np.where(cumulative[:, -1] > 0, 0.0, np.nan), paid)
