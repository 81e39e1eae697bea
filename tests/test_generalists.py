"""Generalists: in a small org one pooled team covers the roles that need less than one FTE each."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace

import numpy as np
import pytest

from salesops.model import evaluate
from salesops.model.optimize import Design, Layout, optimize, screen_values
from salesops.model.queueing import erlang_c_continuous, fte_for_target
from salesops.model.samples import load_sample, synthetic
from salesops.model.scenario import PLACEMENTS, Scenario, ScenarioError
from salesops.model.uncertainty import ranges, simulate
from salesops.readwrite.schema import load_scenario_file
from salesops.readwrite.share import decode, encode


def _with_generalists(scenario: Scenario) -> Scenario:
    return replace(scenario, generalists=True)


def test_a_one_rep_org_staffs_under_one_fte_with_a_generalist():
    alone, shared = evaluate(synthetic(1, 1)), evaluate(_with_generalists(synthetic(1, 1)))
    assert alone.sales_ops_fte > 1.0 > shared.sales_ops_fte
    assert shared.net_value_usd > alone.net_value_usd


def test_the_pool_is_one_queue_sized_to_the_strictest_target_and_its_time_is_shared_by_load():
    scenario = _with_generalists(load_sample("startup"))
    res = evaluate(scenario)
    alone = evaluate(replace(scenario, generalists=False))
    members = [t for t in res.teams if t.pool]
    assert len(members) == len(alone.teams) == 4 and {t.pool for t in members} == {"na"}
    a = scenario.assumptions
    rates = {t.role_id: t.capacity_per_week / t.servers_exact for t in alone.teams}
    load = math.fsum(t.demand_per_week / rates[t.role_id] for t in alone.teams)
    target = min(p.role.target_answer_hours for p in scenario.roles) / a.ops_hours_per_week
    # Model 4: sized for the members' peak weeks (peak_cover 1), queued in a normal and a peak week.
    week = {p.role.id: p.role.demand_multipliers() for p in scenario.roles}
    assert a.peak_cover == 1.0 and week["deal_desk"][1] > 1

    def pool(at: int) -> tuple[float, float]:
        lam = math.fsum(t.demand_per_week * week[t.role_id][at] for t in alone.teams)
        return lam, math.fsum(t.demand_per_week * week[t.role_id][at] / rates[t.role_id] for t in alone.teams)

    lam_peak, load_peak = pool(1)
    c = fte_for_target(lam_peak, lam_peak / load_peak, target, a.service_level_target, a.max_utilization)
    assert math.fsum(t.fte for t in members) == pytest.approx(c, rel=1e-12)
    assert c < math.fsum(t.fte for t in alone.teams)  # pooling needs fewer people
    lam, load_normal = pool(0)
    wait = erlang_c_continuous(c, load_normal) / (c * lam / load_normal - lam) * a.ops_hours_per_week
    peak_wait = erlang_c_continuous(c, load_peak) / (c * lam_peak / load_peak - lam_peak) * a.ops_hours_per_week
    for team in members:
        assert team.wait_hours == pytest.approx(wait, rel=1e-12)  # one queue: one wait
        assert team.peak_wait_hours == pytest.approx(peak_wait, rel=1e-12) and peak_wait > wait
        assert team.fte == pytest.approx(c * (team.demand_per_week / rates[team.role_id]) / load, rel=1e-12)
        plan = scenario.plan(team.role_id)
        assert team.cost_usd_per_year == pytest.approx(team.fte * plan.role.cost_usd_per_year, rel=1e-12)
        assert team.service_hours == pytest.approx(
            next(t for t in alone.teams if t.role_id == team.role_id).service_hours
        )


def test_only_small_auto_sized_teams_share_a_pool():
    mid = _with_generalists(load_sample("midmarket").with_placement("all", "localized"))
    res = evaluate(mid)
    alone = {(t.role_id, t.team): t for t in evaluate(replace(mid, generalists=False)).teams}
    for team in res.teams:
        was = alone[(team.role_id, team.team)]
        assert bool(team.pool) == (0 < was.fte < 1), (team.role_id, team.team)
        if team.pool:
            assert team.pool == team.location_region
    # A manually sized role keeps its own people.
    plan = replace(mid.plan("deal_desk"), sizing="manual", central_fte=0.0, local_fte=(("emea", 0.5),))
    manual = evaluate(mid.with_plan(plan))
    assert not any(t.pool for t in manual.teams if t.role_id == "deal_desk")


def test_generalists_need_fractional_staffing_and_the_current_model():
    whole = replace(load_sample("startup"), generalists=True, staffing="integer")
    assert not any(t.pool for t in evaluate(whole).teams)
    assert evaluate(whole).headline() == evaluate(replace(whole, generalists=False)).headline()


def test_the_monte_carlo_knows_the_pools():
    for scenario in (_with_generalists(load_sample("startup")),
                     _with_generalists(load_sample("midmarket").with_placement("all", "localized"))):  # fmt: skip
        res = evaluate(scenario)
        sim = simulate(scenario, 32, 1, ranges=ranges(scenario, scale=0.0))
        assert np.allclose(sim.net_value, res.net_value_usd, rtol=1e-9)
        assert np.allclose(sim.cumulative_net[:, -1], res.projection[-1].cumulative_net_usd, rtol=1e-9)


def test_the_optimizer_evaluates_pooled_designs_in_full_and_finds_the_optimum():
    scenario = _with_generalists(load_sample("startup"))
    with pytest.raises(ValueError, match="generalists"):
        screen_values(scenario, np.zeros((1, len(scenario.roles)), dtype=int))
    rec = optimize(scenario)

    def design(combo) -> Design:
        return Design(tuple((p.role.id, Layout(m)) for p, m in zip(scenario.roles, combo)))

    combos = itertools.product(PLACEMENTS, repeat=len(scenario.roles))
    best = max(evaluate(design(combo).apply(scenario)).net_value_usd for combo in combos)
    assert rec.best_value == pytest.approx(best, rel=1e-9)


def test_the_choice_travels_in_files_and_links_and_old_files_cannot_hold_it():
    scenario = _with_generalists(load_sample("startup"))
    doc = scenario.to_dict()
    assert doc["generalists"] is True and "generalists" not in load_sample("startup").to_dict()
    assert load_scenario_file(json.dumps(doc)) == scenario
    assert decode(encode(scenario)) == scenario
    doc.update(version=2)
    del doc["staffing"], doc["model_version"]
    with pytest.raises(ScenarioError, match="version 2 has no field.s. generalists"):
        Scenario.from_dict(doc)
    with pytest.raises(ScenarioError, match="generalists must be true or false"):
        replace(scenario, generalists="yes")
