"""Fit the model to a client's time study: the selling-time share reps report, and the admin hours they still lose.

A time study of the org as it runs today (with its current sales-ops set-up) gives two figures:

- the **observed selling-time share** ``s_obs``: the share of a rep's week spent selling;
- optionally, the **admin hours** ``A_obs`` a rep still loses each week to work sales ops could take.

The fit has two steps, each a bisection (a root of a function that rises with its argument):

(a) *Demand scale* ``k`` (only when ``A_obs`` is given). Every role's ``demand_per_rep_week`` is
    multiplied by ``k``. At ``k = 1`` the work sales ops could take is
    ``L = sum over roles of demand_per_rep_week * rep_hours_saved_per_request`` hours per rep-week;
    the teams give back ``H(k)`` of it (the hours saved of every service, weighted by the reps of its
    region). The hours left with reps are ``k * L - H(k)``; ``k`` solves ``k * L - H(k) = A_obs`` on
    ``[0.05, 20]`` (narrowed to what the scenario's limits allow), to a bracket of ``1e-10 * k``.
(b) *No-sales-ops baseline* ``s0``. Per region the model's share is
    ``min(s_max, s0 + c * reclaimed / W)`` (``c`` the selling conversion of model version 4, else 1;
    ``W`` the rep's week), so the rep-weighted share of
    :func:`~salesops.model.evaluation.evaluate` rises with ``s0``; ``s0`` solves
    ``share(s0) = s_obs`` on ``[0.01, s_max]`` to a bracket of ``1e-12`` (the share moves at most as
    much as ``s0``, so it is reproduced to within ``1e-12`` wherever a solution exists).

Both are fitted on the org *as it runs today*: active ROI levers (initiatives) are switched off
while fitting (a time study measures today, not a plan), and kept in the fitted scenario. A target
the model cannot reach stops the fit at the bound and says so in :attr:`Calibration.warnings`;
it never raises.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> fit = calibrate(load_sample("midmarket"), 0.28, admin_hours=2.0)
>>> round(fit.selling_share, 9), round(fit.admin_hours, 6), fit.warnings
(0.28, 2.0, ())
>>> fit.baseline_share < 0.28 < fit.scenario.assumptions.max_selling_time_share
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

from salesops.model.evaluation import Results, evaluate
from salesops.model.limits import MAX_ROLE_FTE, ROLE_RANGES
from salesops.model.scenario import Scenario

__all__ = [
    "BASELINE_FLOOR",
    "SCALE_BOUNDS",
    "Calibration",
    "admin_hours_left",
    "as_today",
    "calibrate",
    "scale_demand",
    "work_sales_ops_could_take",
]

SCALE_BOUNDS = (0.05, 20.0)  # the demand scale k: 1/20 to 20 times the scenario's request rates
BASELINE_FLOOR = 0.01  # the lowest no-sales-ops selling share (Assumptions' own floor)
SHARE_TOLERANCE = 1e-12  # bracket of s0 at the end of the bisection
SCALE_TOLERANCE = 1e-10  # bracket of k, relative to k
ADMIN_HOURS_SLACK = 0.01  # hours per rep-week: a miss larger than this is reported
_MAX_STEPS = 200


@dataclass(frozen=True)
class Calibration:
    """The model fitted to a time study.

    Attributes
    ----------
    scenario : Scenario
        The input scenario with the fitted demand scale and baseline share (levers as they were).
    demand_scale : float
        k: the factor applied to every role's requests per rep-week (1.0 when no admin hours were given).
    baseline_share : float
        s0: the fitted selling-time share without sales ops.
    selling_share : float
        The selling-time share the fitted model gives the org as it runs today (levers off).
    admin_hours : float
        Hours per rep-week of work sales ops could take that the fitted model leaves with reps.
    observed_share, observed_admin_hours : float, float or None
        The time study's figures.
    warnings : tuple of str
        In plain words, each bound the fit stopped at and what it means.
    """

    scenario: Scenario
    demand_scale: float
    baseline_share: float
    selling_share: float
    admin_hours: float
    observed_share: float
    observed_admin_hours: float | None
    warnings: tuple[str, ...] = ()


def as_today(scenario: Scenario) -> Scenario:
    """The org as it runs today: the same scenario with every ROI lever switched off."""
    if not any(i.active for i in scenario.initiatives):
        return scenario
    return replace(scenario, initiatives=tuple(replace(i, active=False) for i in scenario.initiatives))


def work_sales_ops_could_take(scenario: Scenario) -> float:
    """L: hours per rep-week of work the scenario's roles could take (requests x hours each, summed).

    >>> from salesops.model.samples import load_sample
    >>> round(work_sales_ops_could_take(load_sample("midmarket")), 3)
    2.255
    """
    return math.fsum(p.role.demand_per_rep_week * p.role.rep_hours_saved_per_request for p in scenario.roles)


def _hours_given_back(res: Results, scenario: Scenario) -> float:
    """H: the hours the teams give back per rep-week, weighted by the reps of each service's region."""
    total = scenario.total_reps
    if total <= 0:
        return 0.0
    reps = {r.id: r.reps for r in scenario.regions}
    return math.fsum(s.hours_saved_per_rep_week * reps[s.region_id] for s in res.services) / total


def admin_hours_left(scenario: Scenario, evaluate_fn: Callable[[Scenario], Results] = evaluate) -> float:
    """L - H: hours per rep-week of work sales ops could take that the org's teams leave with reps (levers off).

    ``evaluate_fn`` evaluates the scenario (a memoised one on a page).

    >>> from salesops.model.samples import load_sample
    >>> mid = load_sample("midmarket")
    >>> 0 < admin_hours_left(mid) < work_sales_ops_could_take(mid)
    True
    """
    today = as_today(scenario)
    return work_sales_ops_could_take(today) - _hours_given_back(evaluate_fn(today), today)


def scale_demand(scenario: Scenario, k: float) -> Scenario:
    """Every role's requests per rep-week multiplied by ``k`` (a new scenario; the rest unchanged).

    >>> from salesops.model.samples import load_sample
    >>> mid = load_sample("midmarket")
    >>> [scale_demand(mid, k).plan("deal_desk").role.demand_per_rep_week for k in (1.0, 2.0)]
    [0.45, 0.9]
    """
    roles = tuple(
        replace(p, role=replace(p.role, demand_per_rep_week=p.role.demand_per_rep_week * k)) for p in scenario.roles
    )
    return replace(scenario, roles=roles)


def _largest_scale(scenario: Scenario) -> float:
    """The largest k the scenario's limits allow: a role's demand per rep and the FTE its demand needs."""
    largest = SCALE_BOUNDS[1]
    demand_max = ROLE_RANGES["demand_per_rep_week"][1]
    reps = scenario.total_reps
    for plan in scenario.roles:
        demand = plan.role.demand_per_rep_week
        if demand <= 0:
            continue
        largest = min(largest, demand_max / demand)
        if reps > 0:
            largest = min(largest, MAX_ROLE_FTE * plan.role.service_rate_per_fte_week / (reps * demand))
    return largest * (1.0 - 1e-9)  # a hair inside, so rounding never steps over a limit


def _bisect(f: Callable[[float], float], lo: float, hi: float, tol: Callable[[float], float]) -> float:
    """The x in [lo, hi] where the rising ``f`` crosses zero (f(lo) < 0 < f(hi)), to a bracket of tol(x).

    Of the two ends of the last bracket, the one with the smaller |f| (a step in ``f``, such as a
    whole FTE added, may leave no exact root).

    >>> round(_bisect(lambda x: x * x - 2.0, 0.0, 2.0, lambda x: 1e-12), 9)
    1.414213562
    """
    f_lo, f_hi = f(lo), f(hi)
    for _ in range(_MAX_STEPS):
        if hi - lo <= tol(hi):
            break
        mid = 0.5 * (lo + hi)
        f_mid = f(mid)
        if f_mid == 0.0:
            return mid
        if f_mid < 0.0:
            lo, f_lo = mid, f_mid
        else:
            hi, f_hi = mid, f_mid
    return lo if abs(f_lo) <= abs(f_hi) else hi


def _pct(share: float) -> str:
    return f"{share:.1%}"


def _fit_scale(today: Scenario, observed: float) -> tuple[float, list[str]]:
    """Step (a): the demand scale k whose admin hours left with reps are ``observed``."""
    work = work_sales_ops_could_take(today)
    if work <= 0 or today.total_reps <= 0:
        return 1.0, [
            "The admin hours were not used: the scenario has no reps or no sales-ops work to scale "
            "(every role raises no requests or saves no hours), so the demand scale stays at 1."
        ]
    hi = _largest_scale(today)
    lo = min(SCALE_BOUNDS[0], hi)

    def left(k: float) -> float:
        scaled = scale_demand(today, k)
        return k * work - _hours_given_back(evaluate(scaled), scaled)

    at_lo, at_hi = left(lo), left(hi)
    if observed <= at_lo:
        return lo, [
            f"The admin hours entered ({observed:.2f} h per rep-week) are fewer than the model leaves with reps "
            f"even at {lo:g} times the scenario's requests ({at_lo:.2f} h): the demand scale stops at {lo:g}. "
            "Check the time study, or the hours each role saves per request (Org designer)."
        ]
    if observed >= at_hi:
        limit = (
            f"{SCALE_BOUNDS[1]:g} times the scenario's requests"
            if hi >= SCALE_BOUNDS[1] * (1 - 1e-6)
            else f"{hi:.3g} times the scenario's requests (the most its limits on demand and team size allow)"
        )
        return hi, [
            f"The admin hours entered ({observed:.2f} h per rep-week) are more than the model leaves with reps "
            f"even at {limit} ({at_hi:.2f} h): the demand scale stops there. Part of that admin work may be "
            "work no sales-ops role in the scenario takes."
        ]
    k = _bisect(lambda x: left(x) - observed, lo, hi, lambda x: SCALE_TOLERANCE * x)
    return k, []


def _fit_baseline(scaled: Scenario, observed: float) -> tuple[float, list[str]]:
    """Step (b): the no-sales-ops share s0 whose modelled selling share is ``observed``."""
    s_max = scaled.assumptions.max_selling_time_share
    lo, hi = min(BASELINE_FLOOR, s_max), s_max

    def share(s0: float) -> float:
        return evaluate(scaled.with_assumptions(baseline_selling_time_share=s0)).selling_time_share

    at_lo, at_hi = share(lo), share(hi)
    if observed < at_lo:
        return lo, [
            f"The observed selling-time share ({_pct(observed)}) is below what today's sales-ops set-up alone gives "
            f"reps in the model: even with almost no selling time before sales ops (the floor, {_pct(lo)}), the "
            f"hours the teams give back bring reps to {_pct(at_lo)}. The baseline stops at {_pct(lo)}; lower the "
            "share of those hours that becomes selling time, or check the time study."
        ]
    if observed > at_hi:
        return hi, [
            f"The observed selling-time share ({_pct(observed)}) is above the highest the model allows "
            f"({_pct(at_hi)}, the highest selling-time share): the baseline stops there. Raise that cap to fit."
        ]
    s0 = _bisect(lambda x: share(x) - observed, lo, hi, lambda _x: SHARE_TOLERANCE)
    return s0, []


def calibrate(scenario: Scenario, observed_share: float, admin_hours: float | None = None) -> Calibration:
    """Fit the demand scale (when ``admin_hours`` is given) and then the no-sales-ops baseline share.

    Parameters
    ----------
    scenario : Scenario
        The org with its sales-ops set-up as it runs today.
    observed_share : float
        Selling-time share the time study measured, in (0, 1].
    admin_hours : float, optional
        Hours per rep-week still lost to admin work sales ops could take, in [0, rep_hours_per_week].

    Returns
    -------
    Calibration
        Never raises for a target the model cannot reach: the fit stops at the bound and warns.

    Raises
    ------
    ValueError
        An input that is not a number in its range, naming it.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> fit = calibrate(load_sample("startup"), 0.22)
    >>> fit.demand_scale, round(fit.selling_share, 9), fit.warnings
    (1.0, 0.22, ())
    >>> low = calibrate(load_sample("startup"), 0.02)  # below what today's teams alone give back
    >>> low.baseline_share, low.warnings[0][:60]
    (0.01, "The observed selling-time share (2.0%) is below what today's")
    """
    if isinstance(observed_share, bool) or not isinstance(observed_share, (int, float)):
        raise ValueError(f"observed selling-time share must be a number, got {observed_share!r}")
    if not (math.isfinite(observed_share) and 0.0 < observed_share <= 1.0):
        raise ValueError(f"observed selling-time share must be above 0 and at most 1 (100%), got {observed_share!r}")
    week = scenario.assumptions.rep_hours_per_week
    if admin_hours is not None:
        if isinstance(admin_hours, bool) or not isinstance(admin_hours, (int, float)):
            raise ValueError(f"admin hours per rep-week must be a number, got {admin_hours!r}")
        if not (math.isfinite(admin_hours) and 0.0 <= admin_hours <= week):
            raise ValueError(
                f"admin hours per rep-week must be between 0 and the rep's week ({week:g} h), got {admin_hours!r}"
            )
    warnings: list[str] = []
    today = as_today(scenario)
    k = 1.0
    if admin_hours is not None:
        k, said = _fit_scale(today, float(admin_hours))
        warnings += said
    scaled_today = scale_demand(today, k) if k != 1.0 else today
    s0, said = _fit_baseline(scaled_today, float(observed_share))
    warnings += said
    fitted_today = scaled_today.with_assumptions(baseline_selling_time_share=s0)
    res = evaluate(fitted_today)
    left = k * work_sales_ops_could_take(today) - _hours_given_back(res, fitted_today)
    if admin_hours is not None and not warnings and abs(left - admin_hours) > ADMIN_HOURS_SLACK:
        warnings.append(
            f"The closest the model gets to {admin_hours:.2f} admin hours per rep-week is {left:.2f} h: teams "
            "staffed in whole FTE, or held at a minimum size, change the hours they give back in steps."
        )
    fitted = scale_demand(scenario, k) if k != 1.0 else scenario
    return Calibration(
        scenario=fitted.with_assumptions(baseline_selling_time_share=s0),
        demand_scale=k,
        baseline_share=s0,
        selling_share=res.selling_time_share,
        admin_hours=left,
        observed_share=float(observed_share),
        observed_admin_hours=None if admin_hours is None else float(admin_hours),
        warnings=tuple(warnings),
    )
