"""The recommended design: the placement of every role that gives the most net value, and its odds.

A design is one placement per role. :func:`optimize` searches the designs of a scenario for the one
with the best objective (net value per year by default; NPV or ROI on request):

* **exhaustively** when the designs number at most :data:`EXHAUSTIVE_LIMIT` (every sample: 3 roles'
  placements ** 6 roles = 729), which finds the optimum for certain;
* by **coordinate search with restarts** above that: from the current design and from
  :data:`RESTARTS` seeded random designs, each role in turn takes its best placement with the others
  held, until no single switch improves; the best local optimum wins. The result says which method ran.

Net value and ROI are computed on a *screen*: each role's teams are sized once per placement (they do
not depend on the other roles), and a design's figures are sums over its roles pushed through the
same selling-time and productivity equations as :func:`salesops.model.evaluation.evaluate`
(vectorised; a test checks the screen against ``evaluate`` for every design of every sample). NPV
needs the month-by-month projection and is evaluated in full.

:func:`win_odds` puts a probability on the advice: the Monte Carlo of the recommended design, its
runner-up and the current design over the same draws (common random numbers), and how often the
recommendation comes out ahead. :func:`decision_tornado` moves each uncertain parameter to its low
and high and shows whether the recommendation still beats the runner-up: the assumptions that flip it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np
import pandas as pd

from salesops.model import initiatives as levers
from salesops.model import uncertainty
from salesops.model.control import service_control_usd
from salesops.model.evaluation import Results, _role, _steady_ramp_capacity, evaluate
from salesops.model.format import fmt_usd
from salesops.model.designs import OBJECTIVES, Design, Layout, Recommendation, RoleAdvice
from salesops.model.scenario import PLACEMENTS, Scenario

__all__ = [
    "EXHAUSTIVE_LIMIT",
    "OBJECTIVES",
    "PER_REGION_LARGEST",
    "Design",
    "Layout",
    "Odds",
    "Recommendation",
    "RoleAdvice",
    "decision_tornado",
    "designs",
    "optimize",
    "screen_values",
    "win_odds",
]

EXHAUSTIVE_LIMIT = 20_000
# Per region: every mix of placements over a role's PER_REGION_LARGEST largest regions (by reps),
# with the hub in any of them; smaller regions take the role's placement at HQ.
PER_REGION_LARGEST = 5
RESTARTS = 8
DESIGN_BATCH = 32  # designs evaluated in full between two progress reports
SEARCH_SHARE = 0.9  # of the progress bar: the search; the rest is the advice of each role
MAX_LISTED = 6  # a role's best layouts listed with their values
TIE = 1e-6  # dollars (or ROI) within this of each other are a tie; ties keep the earlier design


# --------------------------------------------------------------------------
# The screen: every design's net value and ROI from per-role parts
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Parts:
    """Per role and placement: yearly cost and hours saved per rep and week in each region."""

    cost: np.ndarray  # roles x options
    saved: np.ndarray  # roles x options x regions
    options: tuple[tuple[Layout, ...], ...]
    control: np.ndarray | None = None  # roles x options: what central control is worth (model 4)


def _parts(scenario: Scenario, options: tuple[tuple[Layout, ...], ...]) -> tuple[_Parts, Scenario, float, float]:
    active = [i for i in scenario.initiatives if i.active]
    eff = levers.effective(scenario, active)
    index = {r.id: k for k, r in enumerate(scenario.regions)}
    width = max((len(o) for o in options), default=1)
    cost = np.full((len(scenario.roles), width), np.nan)
    saved = np.zeros((len(scenario.roles), width, len(scenario.regions)))
    control = np.zeros((len(scenario.roles), width))
    a = eff.assumptions
    per_rep = a.quota_usd_per_rep * a.quota_attainment * _steady_ramp_capacity(a)
    reps = {r.id: r.reps for r in eff.regions}
    for j, plan in enumerate(eff.roles):
        for k, layout in enumerate(options[j]):
            moved = replace(plan, placement=layout.placement, regions=layout.regions, hub_region=layout.hub_region)
            teams, services = _role(moved, eff)
            cost[j, k] = sum(t.cost_usd_per_year for t in teams)
            for s in services:
                saved[j, k, index[s.region_id]] += s.hours_saved_per_rep_week
                if eff.model_version >= 4:
                    control[j, k] += service_control_usd(plan.role, s, reps[s.region_id], per_rep, a)
    running = sum(i.running_cost_usd_per_year for i in active)
    return _Parts(cost, saved, options, control), eff, levers.extra_hours(active), running


def screen_values(
    scenario: Scenario,
    combos: np.ndarray,
    objective: str = "net",
    options: tuple[tuple[Layout, ...], ...] | None = None,
) -> np.ndarray:
    """Net value per year (or ROI) of each design: ``combos[i, j]`` is role j's option index.

    Roles are valued on their own teams, so a scenario with generalists (whose pools couple the
    roles they serve) is refused; :func:`optimize` evaluates those designs in full.

    The same equations as :func:`~salesops.model.evaluation.evaluate` (steady state), over arrays.
    """
    if scenario.generalists:
        raise ValueError("the screen values roles on their own teams; a scenario with generalists pools them")
    options = options or _plain_options(scenario)
    parts, eff, extra, running = _parts(scenario, options)
    return _screen(scenario, parts, eff, extra, running, combos, objective)


def _screen(
    scenario: Scenario, parts: _Parts, eff: Scenario, extra: float, running: float, combos: np.ndarray, objective: str
) -> np.ndarray:
    base = scenario.assumptions
    a = eff.assumptions
    rows = np.arange(parts.cost.shape[0])[None, :]
    cost = parts.cost[rows, combos].sum(axis=1) if combos.shape[1] else np.zeros(len(combos))
    saved = parts.saved[rows, combos].sum(axis=1) if combos.shape[1] else np.zeros((len(combos), len(scenario.regions)))
    reps = np.array([r.reps for r in scenario.regions], dtype=float)
    reclaimed = saved + np.where(reps > 0, extra, 0.0)[None, :]
    if scenario.model_version >= 4:
        reclaimed = reclaimed * a.selling_conversion
    s0 = a.baseline_selling_time_share
    share = np.minimum(a.max_selling_time_share, s0 + reclaimed / a.rep_hours_per_week)
    productivity = a.quota_usd_per_rep * a.quota_attainment * (share / s0) ** a.productivity_elasticity
    productivity = productivity * _steady_ramp_capacity(a)
    revenue = (productivity * reps[None, :]).sum(axis=1)
    baseline = base.quota_usd_per_rep * base.quota_attainment * _steady_ramp_capacity(base) * reps.sum()
    uplift = (revenue - baseline) * a.gross_margin
    if parts.control is not None and combos.shape[1]:
        uplift = uplift + parts.control[rows, combos].sum(axis=1)
    spend = cost + running
    net = uplift - spend
    if objective == "roi":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(spend > 0, net / spend, 0.0)
    return net


# --------------------------------------------------------------------------
# The search
# --------------------------------------------------------------------------
def _plain_options(scenario: Scenario) -> tuple[tuple[Layout, ...], ...]:
    """Each role in each placement for every region alike (its hub where it is); its current layout too."""
    out = []
    for p in scenario.roles:
        plain = [Layout(mode, (), p.hub_region) for mode in PLACEMENTS]
        current = Layout(p.placement, p.regions, p.hub_region)
        out.append(tuple(plain if current in plain else plain + [current]))
    return tuple(out)


def _region_options(scenario: Scenario) -> tuple[tuple[Layout, ...], ...]:
    """Each role: every mix of placements over the largest regions, with the hub in any of them."""
    hq = scenario.hq_region
    staffed = sorted((r for r in scenario.regions if r.reps > 0), key=lambda r: (-r.reps, r.id))
    chosen = [r.id for r in staffed[:PER_REGION_LARGEST]]
    if hq not in chosen:
        chosen = [hq] + chosen[: PER_REGION_LARGEST - 1]
    out = []
    for p in scenario.roles:
        layouts: list[Layout] = []
        seen = set()
        for modes in itertools.product(PLACEMENTS, repeat=len(chosen)):
            hubs = chosen if any(m != "localized" for m in modes) else [hq]
            for hub in hubs:
                # The hub serves its own region in full: hybrid there is centralized.
                by_region = {
                    rid: ("centralized" if m == "hybrid" and rid == hub else m) for rid, m in zip(chosen, modes)
                }
                default = by_region[hq]
                overrides = tuple(sorted((rid, m) for rid, m in by_region.items() if m != default))
                layout = Layout(default, overrides, "" if hub == hq else hub)
                if layout not in seen:
                    seen.add(layout)
                    layouts.append(layout)
        current = Layout(p.placement, p.regions, p.hub_region)
        if current not in seen:
            layouts.append(current)
        out.append(tuple(layouts))
    return tuple(out)


def designs(scenario: Scenario, options: tuple[tuple[Layout, ...], ...] | None = None) -> int:
    """How many designs the scenario has (the product of each role's options)."""
    options = options or _plain_options(scenario)
    return math.prod(len(o) for o in options)


class _Values:
    """The objective of designs given as option-index rows, counting how many were evaluated."""

    def __init__(
        self,
        scenario: Scenario,
        objective: str,
        options,
        evaluate_fn: Callable[[Scenario], Results],
        progress: Callable[[float], Any] | None = None,
    ):
        self.scenario, self.objective, self.options = scenario, objective, options
        self.evaluate_fn = evaluate_fn
        self.count = 0
        # Exhaustive search: called with the share of the space evaluated after each batch of designs.
        self.progress = progress
        self.total = 0
        self.seen: dict[tuple[int, ...], float] = {}
        # The screen sums each role's own teams; a generalist pool couples the roles it serves,
        # so with generalists every design is evaluated in full.
        self.screened = objective in ("net", "roi") and not scenario.generalists
        if self.screened:
            self.parts = _parts(scenario, options)

    def design(self, combo) -> Design:
        return Design(
            tuple((p.role.id, self.options[j][int(k)]) for j, (p, k) in enumerate(zip(self.scenario.roles, combo)))
        )

    def __call__(self, combos: np.ndarray) -> np.ndarray:
        keys = [tuple(int(x) for x in c) for c in combos]
        todo = [i for i, k in enumerate(keys) if k not in self.seen]
        if todo:
            fresh = combos[todo]
            if self.screened:
                parts, eff, extra, running = self.parts
                values = _screen(self.scenario, parts, eff, extra, running, fresh, self.objective)
            else:
                attr = OBJECTIVES[self.objective][0]
                out: list[float] = []
                for start in range(0, len(fresh), DESIGN_BATCH):
                    batch = fresh[start : start + DESIGN_BATCH]
                    out += [getattr(self.evaluate_fn(self.design(c).apply(self.scenario)), attr) for c in batch]
                    self._report(self.count + len(out))
                values = np.array(out)
            for i, v in zip(todo, values):
                self.seen[keys[i]] = float(v)
            self.count += len(todo)
        return np.array([self.seen[k] for k in keys])

    def _report(self, done: int) -> None:
        if self.progress is not None and self.total:
            self.progress(SEARCH_SHARE * min(1.0, done / self.total))


def _best(values: np.ndarray) -> int:
    """Index of the best value; a tie (within :data:`TIE`) keeps the earliest."""
    top = float(values.max())
    return int(np.flatnonzero(values >= top - TIE)[0])


def _exhaustive(values: _Values, current: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    sizes = [len(o) for o in values.options]
    if not sizes:  # no roles: one design, the empty one
        return (), None
    combos = np.array(list(itertools.product(*[range(n) for n in sizes])), dtype=np.int64).reshape(-1, len(sizes))
    values.total = len(combos)
    scores = values(combos)
    values._report(len(combos))
    # Prefer the current design among ties: advice never moves a role for nothing.
    here = int(np.flatnonzero((combos == np.array(current)).all(axis=1))[0]) if len(sizes) else 0
    top = float(scores.max())
    best = here if scores[here] >= top - TIE else _best(scores)
    if len(combos) < 2:
        return tuple(combos[best]), None
    rest = scores.copy()
    rest[best] = -np.inf
    return tuple(int(x) for x in combos[best]), tuple(int(x) for x in combos[_best(rest)])


def _coordinate(values: _Values, current: tuple[int, ...], seed: int) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
    rng = np.random.default_rng(seed)
    sizes = [len(o) for o in values.options]
    starts = [np.array(current)] + [np.array([rng.integers(n) for n in sizes]) for _ in range(RESTARTS)]
    found: list[tuple[float, tuple[int, ...]]] = []
    for n_start, start in enumerate(starts):
        if values.progress is not None and n_start:
            values.progress(SEARCH_SHARE * n_start / len(starts))
        combo = start.copy()
        score = float(values(combo[None, :])[0])
        improved = True
        while improved:
            improved = False
            for j, n in enumerate(sizes):
                trial = np.repeat(combo[None, :], n, axis=0)
                trial[:, j] = np.arange(n)
                scores = values(trial)
                k = _best(scores)
                if scores[k] > score + TIE:
                    combo, score, improved = trial[k].copy(), float(scores[k]), True
        found.append((score, tuple(int(x) for x in combo)))
    best_score = max(s for s, _ in found)
    best = next(c for s, c in found if s >= best_score - TIE)
    if float(values(np.array([current]))[0]) >= best_score - TIE:
        best = tuple(current)
    # Runner-up: the best design one switch away from the optimum.
    neighbours = []
    for j, n in enumerate(sizes):
        for k in range(n):
            if k != best[j]:
                neighbours.append(tuple(k if i == j else x for i, x in enumerate(best)))
    if not neighbours:
        return best, None
    scores = values(np.array(neighbours))
    return best, neighbours[_best(scores)]


def optimize(
    scenario: Scenario,
    objective: str = "net",
    evaluate_fn: Callable[[Scenario], Results] = evaluate,
    exhaustive_limit: int = EXHAUSTIVE_LIMIT,
    seed: int = 0,
    per_region: bool = False,
    progress: Callable[[float], Any] | None = None,
) -> Recommendation:
    """The best placement of every role by ``objective`` ("net", "npv" or "roi").

    Exhaustive when the scenario has at most ``exhaustive_limit`` designs, coordinate search with
    :data:`RESTARTS` seeded restarts otherwise (``method`` says which). Among designs tied with the
    current one, the current one is kept. ``progress``, if given, is called with the fraction done
    (rising, below 1) after each batch of designs (exhaustive) or each restart (coordinate search),
    and with 1.0 at the end.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> rec = optimize(load_sample("midmarket"))
    >>> rec.method, rec.designs_evaluated, rec.best_value >= rec.current_value
    ('exhaustive', 729, True)
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    options = _region_options(scenario) if per_region else _plain_options(scenario)
    values = _Values(scenario, objective, options, evaluate_fn, progress)
    current = tuple(
        options[j].index(Layout(p.placement, p.regions, p.hub_region)) for j, p in enumerate(scenario.roles)
    )
    space = designs(scenario, options)
    if space <= exhaustive_limit:
        best, runner = _exhaustive(values, current)
        method = "exhaustive"
    else:
        best, runner = _coordinate(values, current, seed)
        method = f"coordinate search from the current design and {RESTARTS} random restarts (seed {seed})"
    if per_region:
        widest = max((len(o) for o in options), default=0)
        method += (
            f", per region: up to {widest:,} layouts per role (every mix of placements over the "
            f"{min(PER_REGION_LARGEST, len(scenario.regions))} largest regions, the hub in any of them)"
        )
    best_value = float(values(np.array([best]))[0])
    current_value = float(values(np.array([current]))[0])
    runner_value = None if runner is None else float(values(np.array([runner]))[0])
    best_design = values.design(best)
    best_results = evaluate_fn(best_design.apply(scenario))
    current_results = evaluate_fn(scenario)
    advice = tuple(_advice(scenario, values, best, j, best_results, evaluate_fn) for j in range(len(options)))
    if progress is not None:
        progress(1.0)
    return Recommendation(
        objective=objective,
        method=method,
        designs_evaluated=values.count,
        space=space,
        current=values.design(current),
        current_value=current_value,
        best=best_design,
        best_value=best_value,
        runner_up=None if runner is None else values.design(runner),
        runner_up_value=runner_value,
        roles=advice,
        best_results=best_results,
        current_results=current_results,
        region_names=tuple((r.id, r.name) for r in scenario.regions),
    )


def _advice(
    scenario: Scenario,
    values: _Values,
    best: tuple[int, ...],
    j: int,
    best_results: Results,
    evaluate_fn: Callable[[Scenario], Results],
) -> RoleAdvice:
    plan = scenario.roles[j]
    opts = values.options[j]
    trial = np.repeat(np.array(best)[None, :], len(opts), axis=0)
    trial[:, j] = np.arange(len(opts))
    scores = values(trial)
    k_best = best[j]
    others = [k for k in range(len(opts)) if k != k_best]
    k_next = max(others, key=lambda k: scores[k]) if others else k_best
    margin = float(scores[k_best] - scores[k_next])
    alt = evaluate_fn(values.design(trial[k_next]).apply(scenario)) if others else best_results
    names = {r.id: r.name for r in scenario.regions}
    best_text, next_text = opts[k_best].text(names), opts[k_next].text(names)
    reason = _reason(plan.role.id, plan.role.name, best_text, next_text, margin, values.objective, best_results, alt)
    top = sorted(range(len(opts)), key=lambda k: (-scores[k], k))[:MAX_LISTED]
    return RoleAdvice(
        role_id=plan.role.id,
        role=plan.role.name,
        current=Layout(plan.placement, plan.regions, plan.hub_region).text(names),
        best=best_text,
        next_best=next_text,
        margin=margin,
        values=tuple((opts[k].text(names), float(scores[k])) for k in top),
        reason=reason,
    )


def _reason(
    role_id: str, name: str, best: str, nxt: str, margin: float, objective: str, res: Results, alt: Results
) -> str:
    """One plain sentence: what the best placement buys over the next best, in money, hours and cost."""
    if best == nxt:
        return f"{name}: {best}, the only placement."
    mine = next(r for r in res.roles if r.role_id == role_id)
    theirs = next(r for r in alt.roles if r.role_id == role_id)
    gain = (
        f"{fmt_usd(margin)} a year more net value"
        if objective == "net"
        else f"{fmt_usd(margin)} more NPV"
        if objective == "npv"
        else f"{margin * 100:.1f} pp more ROI"
    )
    if abs(margin) <= TIE:
        return f"{name}: {best} or {nxt} are worth the same here; it stays {best}."
    bits = []
    if abs(mine.mean_response_hours - theirs.mean_response_hours) >= 0.05:
        faster = mine.mean_response_hours < theirs.mean_response_hours
        bits.append(
            f"reps get answers in {mine.mean_response_hours:.1f} h instead of {theirs.mean_response_hours:.1f} h"
            if faster
            else f"answers take {mine.mean_response_hours:.1f} h instead of {theirs.mean_response_hours:.1f} h"
        )
    if abs(mine.hours_saved_per_rep_week - theirs.hours_saved_per_rep_week) >= 0.005:
        bits.append(
            f"it gives each rep {mine.hours_saved_per_rep_week:.2f} h a week back "
            f"(against {theirs.hours_saved_per_rep_week:.2f} h)"
        )
    cost = mine.cost_usd_per_year - theirs.cost_usd_per_year
    if abs(cost) >= 1:
        bits.append(
            f"it costs {fmt_usd(abs(cost))} a year {'more' if cost > 0 else 'less'} "
            f"({mine.fte:.1f} FTE against {theirs.fte:.1f})"
        )
    why = "; ".join(bits) if bits else "the figures differ only slightly"
    return f"{name}: {best} rather than {nxt}, {gain}: {why}."


# --------------------------------------------------------------------------
# The odds
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Odds:
    """How often the recommendation wins over the Monte Carlo ranges (same draws for every design)."""

    draws: int
    seed: int
    objective: str
    p_beats_runner_up: float | None
    p_beats_current: float
    margin_p10: float | None
    margin_p50: float | None
    margin_p90: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _per_draw(sim: uncertainty.Simulation, objective: str, discount_rate: float) -> np.ndarray:
    if objective == "net":
        return sim.net_value
    if objective == "roi":
        return sim.roi
    monthly = np.diff(sim.cumulative_net, axis=1, prepend=0.0)
    months = np.arange(1, monthly.shape[1] + 1)
    return (monthly / (1.0 + discount_rate) ** (months / 12.0)).sum(axis=1)


def win_odds(
    scenario: Scenario,
    rec: Recommendation,
    draws: int = 2_000,
    seed: int = 0,
    simulate: Callable[..., uncertainty.Simulation] = uncertainty.simulate,
) -> Odds:
    """P(recommendation beats its runner-up) and P(beats the current design) over ``draws`` draws.

    Every design is simulated with the same seed, so each draw is the same world for all of them.
    """
    rate = scenario.assumptions.discount_rate
    best = _per_draw(simulate(rec.best.apply(scenario), draws, seed), rec.objective, rate)
    now = _per_draw(simulate(rec.current.apply(scenario), draws, seed), rec.objective, rate)
    if rec.runner_up is None:
        return Odds(draws, seed, rec.objective, None, float(np.mean(best >= now - TIE)), None, None, None)
    other = _per_draw(simulate(rec.runner_up.apply(scenario), draws, seed), rec.objective, rate)
    diff = best - other
    p10, p50, p90 = (float(x) for x in np.percentile(diff, [10, 50, 90]))
    return Odds(
        draws, seed, rec.objective, float(np.mean(diff >= -TIE)), float(np.mean(best >= now - TIE)), p10, p50, p90
    )


TORNADO_COLUMNS = ["parameter", "label", "low", "high", "margin_low", "margin_high", "flips"]


def decision_tornado(
    scenario: Scenario, rec: Recommendation, evaluate_fn: Callable[[Scenario], Results] = evaluate
) -> pd.DataFrame:
    """Each uncertain parameter at its low and its high: the recommendation's margin over the runner-up.

    ``flips`` is True where the runner-up would win at either end; rows with the smallest margin first.
    """
    if rec.runner_up is None:
        return pd.DataFrame(columns=TORNADO_COLUMNS)
    attr = OBJECTIVES[rec.objective][0]
    groups: dict[str, list[uncertainty.Range]] = {}
    for r in uncertainty.ranges(scenario):
        if not r.fixed:
            groups.setdefault(r.name, []).append(r)
    bands = uncertainty._bands_raw()["role_bands"]
    rows = []
    for name, group in groups.items():
        margins = []
        for which in ("low", "high"):
            moved = uncertainty._with_value(scenario, group, which)
            ours = getattr(evaluate_fn(rec.best.apply(moved)), attr)
            theirs = getattr(evaluate_fn(rec.runner_up.apply(moved)), attr)
            margins.append(ours - theirs)
        first = group[0]
        label = first.label if first.role_id is None else bands.get(name, {}).get("label", first.label)
        rows.append(
            {
                "parameter": name,
                "label": label,
                "low": first.low,
                "high": first.high,
                "margin_low": margins[0],
                "margin_high": margins[1],
                "flips": min(margins) < -TIE,
            }
        )
    table = pd.DataFrame(rows, columns=TORNADO_COLUMNS)
    table["smallest"] = table[["margin_low", "margin_high"]].min(axis=1)
    return table.sort_values("smallest", kind="stable", ignore_index=True).drop(columns="smallest")
