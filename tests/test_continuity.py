"""Staffing without cliffs: with fractional FTE a 1% change moves net value a little; whole FTE can jump.

The stated bound: a 1% change in the reps of a region, in every role's demand or in every role's
service rate moves net value per year by at most 1% of (gross-margin uplift + sales-ops cost).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesops.model import evaluate
from salesops.model.samples import load_sample, synthetic
from salesops.model.scenario import Scenario

BOUND = 0.01


def _scale(scenario: Scenario) -> float:
    res = evaluate(scenario)
    return abs(res.gross_margin_uplift_usd) + res.sales_ops_cost_usd


def _with_roles(scenario: Scenario, attr: str, factor: float) -> Scenario:
    def scaled(p):
        return replace(p, role=replace(p.role, **{attr: getattr(p.role, attr) * factor}))

    return replace(scenario, roles=tuple(scaled(p) for p in scenario.roles))


def _step(a: Scenario, b: Scenario) -> float:
    return abs(evaluate(b).net_value_usd - evaluate(a).net_value_usd) / _scale(a)


@settings(max_examples=40, deadline=None)
@given(reps=st.integers(5, 20_000), regions=st.integers(1, 5), placement=st.sampled_from(["centralized", "localized",
       "hybrid"]), attr=st.sampled_from(["demand_per_rep_week", "service_rate_per_fte_week"]))  # fmt: skip
def test_a_one_percent_change_in_demand_or_service_rate_moves_net_value_a_little(reps, regions, placement, attr):
    base = synthetic(reps, regions, placement=placement)
    assert base.staffing == "continuous"
    assert _step(base, _with_roles(base, attr, 1.01)) <= BOUND


@settings(max_examples=40, deadline=None)
@given(reps=st.integers(100, 20_000), regions=st.integers(1, 5), which=st.integers(0, 4))
def test_one_percent_more_reps_in_a_region_moves_net_value_a_little(reps, regions, which):
    base = synthetic(reps, regions, placement="localized")
    region = base.regions[which % len(base.regions)]
    more = base.with_region(replace(region, reps=region.reps + max(1, round(region.reps * 0.01))))
    share = (more.total_reps - base.total_reps) / base.total_reps
    assert _step(base, more) <= BOUND * max(1.0, share / 0.01)


def _sweep(scenario: Scenario) -> list[float]:
    """Net value steps as every role's demand rises from x1 to x3 in 1% steps."""
    steps = [_with_roles(scenario, "demand_per_rep_week", 1 + k / 100) for k in range(201)]
    return [_step(a, b) for a, b in zip(steps, steps[1:])]


def test_whole_fte_staffing_has_cliffs_that_fractional_staffing_does_not():
    startup = load_sample("startup")
    fractional = _sweep(startup)
    whole = _sweep(replace(startup, staffing="integer"))
    assert max(fractional) <= BOUND
    assert max(whole) > 3 * BOUND  # one more person for 1% more work: a cliff


def test_the_jumps_of_whole_fte_staffing_are_listed_largest_first():
    from salesops.model.staffing import whole_fte_jumps

    whole = replace(load_sample("midmarket"), staffing="integer")
    res = evaluate(whole)
    jumps = whole_fte_jumps(whole, res, evaluate)
    fractional = {(t.role_id, t.team): t for t in evaluate(replace(whole, staffing="continuous")).teams}
    assert jumps and [j.extra_usd_per_year for j in jumps] == sorted(
        (j.extra_usd_per_year for j in jumps), reverse=True
    )
    for j in jumps:
        other = fractional[(j.whole.role_id, j.whole.team)]
        assert j.fractional == other and j.extra_usd_per_year == j.whole.cost_usd_per_year - other.cost_usd_per_year
        assert j.whole.fte == int(j.whole.fte) and j.extra_usd_per_year >= 1.0
    assert sum(j.extra_usd_per_year for j in jumps) == pytest.approx(
        res.sales_ops_cost_usd - sum(t.cost_usd_per_year for t in fractional.values()), abs=len(res.teams)
    )
    assert whole_fte_jumps(load_sample("midmarket"), evaluate(load_sample("midmarket")), evaluate) == []
