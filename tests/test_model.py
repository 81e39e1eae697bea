"""The model: Scenario -> Results, and its mechanism functions."""

from __future__ import annotations

import math
from dataclasses import asdict, replace

import pytest

from salesops.model import (
    centralized_effectiveness,
    coordination_overhead,
    evaluate,
    handoff_delay_hours,
    overlap_hours,
    ramp_capacity,
)
from salesops.model.scenario import PLACEMENTS, Assumptions, Region, RolePlan, Scenario
from tests.checks import assert_all_finite


def _one_role_scenario(spec, plan_kwargs=None, regions=None, hq="hq", **assumptions) -> Scenario:
    regions = regions or (Region("hq", "HQ", 100, 10),)
    return Scenario(
        name="t",
        hq_region=hq,
        regions=regions,
        roles=(RolePlan(role=spec, **(plan_kwargs or {})),),
        assumptions=replace(Assumptions.defaults(), **assumptions),
    )


# --------------------------------------------------------------------------
# Every output finite
# --------------------------------------------------------------------------
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_every_output_finite(sample, placement):
    res = evaluate(sample.with_placement("all", placement))
    assert_all_finite(res.to_dict())
    assert_all_finite(asdict(res))
    assert res.reps == sample.total_reps


def test_every_output_finite_as_shipped(sample):
    res = evaluate(sample)
    assert_all_finite(asdict(res))
    for frame in (
        res.regions_frame(),
        res.roles_frame(),
        res.teams_frame(),
        res.services_frame(),
        res.projection_frame(),
    ):
        assert len(frame) > 0


# --------------------------------------------------------------------------
# No sales ops
# --------------------------------------------------------------------------
def test_no_sales_ops_roles(sample):
    res = evaluate(replace(sample, roles=()))
    assert res.roi == 0.0 and res.roi_3yr == 0.0
    assert res.sales_ops_cost_usd == 0.0 and res.sales_ops_fte == 0.0
    assert res.payback_months is None and res.reps_per_ops_fte is None
    assert res.productivity_per_rep_usd == pytest.approx(res.baseline_productivity_per_rep_usd, rel=1e-12)
    assert res.revenue_usd == pytest.approx(res.baseline_revenue_usd, rel=1e-12)
    assert res.selling_time_share == res.baseline_selling_time_share
    assert res.gross_margin_uplift_usd == pytest.approx(0.0, abs=1e-6)
    for r in res.regions:
        assert r.productivity_per_rep_usd == r.baseline_productivity_per_rep_usd


def test_baseline_productivity_by_hand():
    # p0 = quota * attainment = 900,000 * 0.54 = 486,000; steady ramp factor for
    # R = 5, attrition 0.258: 1 - 0.258/12 * (0.8+0.6+0.4+0.2+0) = 1 - 0.043 = 0.957
    a = Assumptions.defaults()
    s = Scenario("t", "hq", (Region("hq", "HQ", 10, 1),), (), a)
    assert evaluate(s).baseline_productivity_per_rep_usd == pytest.approx(486_000 * 0.957, rel=1e-12)


# --------------------------------------------------------------------------
# Manual sizing, overload
# --------------------------------------------------------------------------
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_manual_zero_fte_serves_nothing(catalog, placement):
    spec = catalog["crm_admin"]
    s = _one_role_scenario(spec, dict(placement=placement, sizing="manual", central_fte=0.0))
    res = evaluate(s)
    role = res.roles[0]
    assert role.fte == 0.0 and role.cost_usd_per_year == 0.0
    assert role.hours_saved_per_rep_week == 0.0
    assert role.overloaded
    assert role.mean_response_hours == s.assumptions.max_response_hours
    for t in res.teams:
        assert t.served_share == 0.0 and t.overloaded
        assert t.wait_hours <= s.assumptions.max_response_hours
    for sv in res.services:
        assert sv.served_share == 0.0 and sv.hours_saved_per_rep_week == 0.0
        assert sv.response_hours == s.assumptions.max_response_hours
    assert res.roi == 0.0 and res.payback_months is None
    assert res.productivity_per_rep_usd == pytest.approx(res.baseline_productivity_per_rep_usd)
    assert_all_finite(asdict(res))


def test_overloaded_manual_team_serves_capacity_over_demand(catalog):
    spec = catalog["crm_admin"]
    reps = 800
    fte = 0.5
    s = _one_role_scenario(
        spec, dict(placement="centralized", sizing="manual", central_fte=fte), regions=(Region("hq", "HQ", reps, 80),)
    )
    team = evaluate(s).teams[0]
    # one team, no coordination overhead; pooled rate mu * (1 + sigma) = 40 * 1.25 = 50/week
    capacity = fte * spec.service_rate_per_fte_week * (1 + spec.standardization_gain)
    demand = spec.demand_per_rep_week * reps  # 0.6 * 800 = 480/week
    assert capacity == pytest.approx(25.0) and demand == pytest.approx(480.0)
    assert team.overloaded and team.utilization == 1.0
    assert team.capacity_per_week == pytest.approx(capacity)
    assert team.served_share == pytest.approx(capacity / demand)
    assert team.wait_hours == s.assumptions.max_response_hours
    assert team.cost_usd_per_year == pytest.approx(fte * spec.cost_usd_per_year)


def test_manual_team_with_spare_capacity_is_not_overloaded(catalog):
    spec = catalog["crm_admin"]
    plan = dict(placement="localized", sizing="manual", local_fte=(("hq", 3.0),), process="local")
    s = _one_role_scenario(spec, plan)
    team = evaluate(s).teams[0]
    # localized, one team, its own process: mu = 40/week/FTE; demand 0.6 * 100 = 60/week; capacity 120
    assert not team.overloaded
    assert team.served_share == 1.0
    assert team.utilization == pytest.approx(60 / 120)
    assert 0 < team.wait_hours < s.assumptions.max_response_hours
    # On the standard process the same team serves (1 + sigma) x (1 - overhead) as many requests.
    standard = evaluate(_one_role_scenario(spec, {**plan, "process": "standard"})).teams[0]
    gain = (1 + spec.standardization_gain) * (1 - s.assumptions.standard_process_overhead)
    assert standard.capacity_per_week == pytest.approx(120 * gain)
    assert standard.utilization == pytest.approx(60 / (120 * gain))
    # Before model version 4 the process is not read: an embedded team never had the gain.
    old = evaluate(replace(_one_role_scenario(spec, {**plan, "process": "standard"}), model_version=3)).teams[0]
    assert old.capacity_per_week == pytest.approx(120)


def test_auto_sizing_meets_service_target(sample):
    a = sample.assumptions
    for t in evaluate(sample).teams:
        if t.demand_per_week > 0:
            assert t.servers >= 1 and not t.overloaded
            assert t.utilization <= a.max_utilization + 1e-12
            assert t.served_share == 1.0


# --------------------------------------------------------------------------
# Pooling (centralized vs localized)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["midmarket", "enterprise"])
def test_central_pool_needs_no_more_fte_than_local_teams(name):
    from salesops.model.samples import load_sample

    s = load_sample(name)
    central = {r.role_id: r.fte for r in evaluate(s.with_placement("all", "centralized")).roles}
    local = {r.role_id: r.fte for r in evaluate(s.with_placement("all", "localized")).roles}
    for role_id in central:
        assert 0 < central[role_id] <= local[role_id], role_id
    assert sum(central.values()) < sum(local.values())


def test_localized_teams_are_one_per_region_with_reps(sample):
    res = evaluate(sample.with_placement("all", "localized"))
    with_reps = {r.id for r in sample.regions if r.reps > 0}
    for plan in sample.roles:
        teams = {t.team for t in res.teams if t.role_id == plan.role.id}
        assert teams == with_reps


# --------------------------------------------------------------------------
# Time zones and local knowledge
# --------------------------------------------------------------------------
def test_far_region_gets_slower_less_effective_central_service(catalog):
    spec = catalog["crm_admin"]  # alpha = 0.2
    regions = (
        Region("hq", "HQ", 100, 10, tz_offset_hours=0, market_complexity=0.5),
        Region("far", "Far", 100, 10, tz_offset_hours=14, market_complexity=0.5),
    )
    s = _one_role_scenario(spec, dict(placement="centralized"), regions=regions)
    res = evaluate(s)
    near = next(x for x in res.services if x.region_id == "hq")
    far = next(x for x in res.services if x.region_id == "far")
    # gap 14 h wraps to 10 h: no overlap of an 8-hour day, so the full handoff delay (8 h)
    assert far.handoff_delay_hours == pytest.approx(8.0) and near.handoff_delay_hours == 0.0
    assert far.response_hours == pytest.approx(near.response_hours + 8.0)
    # e = 1 - alpha k (beta + (1 - beta)(1 - overlap/8)) away from HQ: far 1 - 0.1;
    # the HQ region sits with the central team and keeps full effectiveness.
    assert near.effectiveness == pytest.approx(1.0)
    assert far.effectiveness == pytest.approx(0.9)
    assert far.hours_saved_per_rep_week < near.hours_saved_per_rep_week
    region = {r.region_id: r for r in res.regions}
    assert region["far"].productivity_per_rep_usd < region["hq"].productivity_per_rep_usd


def test_localized_service_has_full_effectiveness_and_no_handoff(sample):
    res = evaluate(sample.with_placement("all", "localized"))
    for sv in res.services:
        assert sv.effectiveness == 1.0 and sv.handoff_delay_hours == 0.0


def test_overlap_and_handoff_by_hand():
    a = Assumptions.defaults()
    for offset, overlap, delay in [(0, 8, 0), (-3, 5, 3), (6, 2, 6), (10.5, 0, 8), (14, 0, 8), (-12, 0, 8)]:
        r = Region("x", "X", 1, 0, tz_offset_hours=offset)
        assert overlap_hours(r, a) == pytest.approx(overlap)
        # D * (1 - overlap / 8) with D = 8
        assert handoff_delay_hours(r, a) == pytest.approx(delay)


def test_centralized_effectiveness_bounds():
    a = Assumptions.defaults()
    r = Region("x", "X", 1, 0, tz_offset_hours=6, market_complexity=1.0)
    # overlap 2: distance = 0.25 + 0.75 * (1 - 2/8) = 0.8125
    assert centralized_effectiveness(1.0, r, a) == pytest.approx(1 - 0.8125)
    assert centralized_effectiveness(0.0, r, a) == 1.0
    assert centralized_effectiveness(1.0, replace(r, market_complexity=0.0), a) == 1.0


# --------------------------------------------------------------------------
# Coordination overhead and ramp
# --------------------------------------------------------------------------
def test_coordination_overhead():
    a = Assumptions.defaults()
    assert coordination_overhead(0, a) == 0.0
    assert coordination_overhead(1, a) == 0.0
    assert coordination_overhead(2, a) == pytest.approx(0.03)
    assert coordination_overhead(5, a) == pytest.approx(0.12)
    values = [coordination_overhead(n, a) for n in range(1, 60)]
    assert values == sorted(values)
    assert max(values) == a.max_coordination_overhead  # 0.03 * 58 > 0.5: capped
    assert coordination_overhead(1000, a) == 0.5


@pytest.mark.parametrize("ramp,attrition", [(5.0, 0.258), (3.0, 0.1), (4.5, 0.3), (6.0, 0.0), (1.0, 0.2), (0.5, 0.3)])
def test_ramp_capacity(ramp, attrition):
    a = replace(Assumptions.defaults(), ramp_months=ramp, attrition_per_year=attrition)
    cap = ramp_capacity(36, a)
    assert len(cap) == 36
    assert all(0 < c <= 1 for c in cap)
    # month 1: only this month's hires, at tenure 1: 1 - attrition/12 * max(0, 1 - 1/R)
    assert cap[0] == pytest.approx(1 - attrition / 12 * max(0.0, 1 - 1 / ramp))
    assert cap[0] > 0.98
    assert all(x >= y - 1e-15 for x, y in zip(cap, cap[1:]))  # non-increasing
    steady = 1 - attrition / 12 * sum(max(0.0, 1 - t / ramp) for t in range(1, math.ceil(ramp) + 1))
    assert cap[-1] == pytest.approx(steady, rel=1e-12)


@pytest.mark.parametrize("ramp", [24.0, 23.5, 12.0])
def test_ramp_capacity_stays_positive_at_the_extremes(ramp):
    # Worst case: everyone leaves each year. For integer R the steady deficit is
    # (R - 1) / 2 months of output times 1/12, so R = 24 leaves 1 - 23/24 = 1/24.
    a = replace(Assumptions.defaults(), ramp_months=ramp, attrition_per_year=1.0)
    cap = ramp_capacity(120, a)
    assert all(0 < c <= 1 for c in cap)
    if ramp == 24.0:
        assert cap[-1] == pytest.approx(1 / 24)
    s = Scenario("t", "hq", (Region("hq", "HQ", 50, 5),), (), replace(a, horizon_months=120))
    res = evaluate(s)
    assert res.revenue_usd > 0 and all(m.rep_capacity > 0 for m in res.projection)


def test_ramp_steady_state_by_hand():
    # R = 4.5: sum_{t=1..5} max(0, 1 - t/4.5) = (3.5 + 2.5 + 1.5 + 0.5 + 0) / 4.5 = 8 / 4.5
    a = replace(Assumptions.defaults(), ramp_months=4.5, attrition_per_year=0.24)
    assert ramp_capacity(24, a)[-1] == pytest.approx(1 - 0.02 * 8 / 4.5)


# --------------------------------------------------------------------------
# Roll-ups, ROI, payback
# --------------------------------------------------------------------------
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_cost_and_revenue_roll_ups(sample, placement):
    s = sample.with_placement("all", placement)
    res = evaluate(s)
    role_cost = sum(r.cost_usd_per_year for r in res.roles)
    team_cost = sum(t.cost_usd_per_year for t in res.teams)
    assert role_cost == pytest.approx(team_cost, rel=1e-12)
    assert team_cost == pytest.approx(res.sales_ops_cost_usd, rel=1e-12)
    assert sum(r.fte for r in res.roles) == pytest.approx(res.sales_ops_fte, rel=1e-12)
    for r in res.roles:
        assert r.fte == pytest.approx(r.fte_central + r.fte_local)
    assert sum(r.revenue_usd for r in res.regions) == pytest.approx(res.revenue_usd, rel=1e-12)
    assert sum(r.baseline_revenue_usd for r in res.regions) == pytest.approx(res.baseline_revenue_usd, rel=1e-12)
    assert sum(r.reps for r in res.regions) == res.reps == s.total_reps
    assert sum(r.embedded_ops_fte for r in res.regions) == pytest.approx(sum(r.fte_local for r in res.roles))
    regions = {r.id: r for r in s.regions}
    plans = {p.role.id: p for p in s.roles}
    for t in res.teams:
        # cost = FTE * role cost * cost index of the team's location
        expected = t.fte * plans[t.role_id].role.cost_usd_per_year * regions[t.location_region].cost_index
        assert t.cost_usd_per_year == pytest.approx(expected)


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_roi_formula(sample, placement):
    res = evaluate(sample.with_placement("all", placement))
    a = sample.assumptions
    uplift = (res.revenue_usd - res.baseline_revenue_usd) * a.gross_margin
    assert res.gross_margin_uplift_usd == pytest.approx(uplift, rel=1e-12)
    assert res.sales_ops_cost_usd > 0
    # Model 4: control value counts in full beside the gross-margin uplift; it is the sum over roles.
    control = sum(r.control_value_usd for r in res.roles)
    assert res.control_value_usd == pytest.approx(control, rel=1e-12) and control > 0
    net = uplift + control - res.sales_ops_cost_usd
    assert res.net_value_usd == pytest.approx(net, rel=1e-12)
    assert res.roi == pytest.approx(net / res.sales_ops_cost_usd, rel=1e-12)
    assert res.ops_cost_per_rep_usd == pytest.approx(res.sales_ops_cost_usd / res.reps)
    assert res.reps_per_ops_fte == pytest.approx(res.reps / res.sales_ops_fte)
    proj_gain = sum(m.gross_margin_uplift_usd + m.control_value_usd for m in res.projection)
    proj_cost = sum(m.sales_ops_cost_usd for m in res.projection)
    # Staff are paid from the end of the hiring lag; month 1 carries recruiting every FTE.
    lag = a.ops_hiring_lag_months
    recruiting = res.sales_ops_fte * a.ops_recruiting_cost_usd
    assert res.transition_one_off_usd == pytest.approx(recruiting)
    assert proj_cost == pytest.approx(res.sales_ops_cost_usd * (a.horizon_months - lag) / 12 + recruiting)
    assert res.roi_3yr == pytest.approx((proj_gain - proj_cost) / proj_cost)


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_payback_consistent_with_projection(sample, placement, check_payback):
    check_payback(evaluate(sample.with_placement("all", placement)))


def test_payback_never_when_value_is_small(catalog, check_payback):
    # A very expensive team on a handful of reps never pays back.
    spec = replace(catalog["planning"], cost_usd_per_year=5_000_000)
    s = _one_role_scenario(
        spec, dict(placement="centralized", sizing="manual", central_fte=10), regions=(Region("hq", "HQ", 3, 1),)
    )
    res = evaluate(s)
    assert res.payback_months is None and res.roi < 0
    check_payback(res)


def test_payback_extrapolates_beyond_horizon(catalog, check_payback):
    # Make the team cost just under what it earns at full benefit: positive monthly
    # net at the end, but the first-year ramp keeps cumulative net negative at 36.
    spec = catalog["crm_admin"]
    base = _one_role_scenario(
        spec, dict(placement="centralized"), regions=(Region("hq", "HQ", 200, 20),), ops_benefit_ramp_months=12
    )
    res = evaluate(base)
    assert res.gross_margin_uplift_usd > res.sales_ops_cost_usd
    # Scale the role cost so annual (uplift + control) / cost = 1.02 (same gains; cost scales linearly)
    factor = (res.gross_margin_uplift_usd + res.control_value_usd) / res.sales_ops_cost_usd / 1.02
    res2 = evaluate(
        _one_role_scenario(
            replace(spec, cost_usd_per_year=spec.cost_usd_per_year * factor),
            dict(placement="centralized"),
            regions=(Region("hq", "HQ", 200, 20),),
            ops_benefit_ramp_months=12,
        )
    )
    check_payback(res2)
    assert res2.payback_months is not None and res2.payback_months > res2.projection[-1].month


def test_more_reps_more_revenue(catalog):
    small = evaluate(_one_role_scenario(catalog["deal_desk"], regions=(Region("hq", "HQ", 50, 5),)))
    large = evaluate(_one_role_scenario(catalog["deal_desk"], regions=(Region("hq", "HQ", 500, 50),)))
    assert large.revenue_usd > small.revenue_usd
    assert large.sales_ops_fte >= small.sales_ops_fte


def test_selling_time_share_is_capped(catalog):
    # A role that saves absurdly many hours pushes share to the cap, not beyond.
    spec = replace(catalog["deal_desk"], rep_hours_saved_per_request=40.0, demand_per_rep_week=5.0)
    res = evaluate(_one_role_scenario(spec))
    assert res.selling_time_share == pytest.approx(Assumptions.defaults().max_selling_time_share)
    for r in res.regions:
        assert r.selling_time_share <= Assumptions.defaults().max_selling_time_share


def test_evaluate_is_deterministic(sample):
    assert evaluate(sample) == evaluate(sample)


def test_time_zone_gaps_are_measured_from_the_hq_region(catalog):
    spec = catalog["crm_admin"]
    regions = (
        Region("ny", "New York", 100, 10, tz_offset_hours=0, market_complexity=0.5),
        Region("ldn", "London", 100, 10, tz_offset_hours=5, market_complexity=0.5),
    )
    from_ny = evaluate(_one_role_scenario(spec, dict(placement="centralized"), regions=regions, hq="ny"))
    from_ldn = evaluate(_one_role_scenario(spec, dict(placement="centralized"), regions=regions, hq="ldn"))
    delay = {s.region_id: s.handoff_delay_hours for s in from_ldn.services}
    # With HQ in London, London has no gap and New York is 5 h away (3 shared hours of 8).
    assert delay["ldn"] == 0.0
    assert delay["ny"] == pytest.approx(8.0 * (1 - 3 / 8))
    assert {r.region_id: r.tz_gap_hours for r in from_ldn.regions} == {"ny": 5.0, "ldn": 0.0}
    assert {s.region_id: s.handoff_delay_hours for s in from_ny.services}["ny"] == 0.0


def test_hybrid_hub_serves_hq_in_full_and_spokes_only_elsewhere(catalog):
    spec = catalog["deal_desk"]
    regions = (Region("hq", "HQ", 100, 10, tz_offset_hours=0), Region("emea", "EMEA", 60, 6, tz_offset_hours=6))
    res = evaluate(_one_role_scenario(spec, dict(placement="hybrid"), regions=regions))
    assert {t.team for t in res.teams} == {"central", "emea"}
    hub = next(t for t in res.teams if t.team == "central")
    phi = spec.hybrid_central_share
    assert hub.demand_per_week == pytest.approx(spec.demand_per_rep_week * (100 + 60 * phi))
    spoke = next(t for t in res.teams if t.team == "emea")
    assert spoke.demand_per_week == pytest.approx(spec.demand_per_rep_week * 60 * (1 - phi))
