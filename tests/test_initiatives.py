"""ROI levers: initiatives in the model, their costs and timing, and their ranking."""

from __future__ import annotations

from dataclasses import replace

import pytest

from salesops.model import initiatives
from salesops.model import evaluate
from salesops.model.plan_items import Initiative, PlanItemError
from salesops.model.samples import load_sample


@pytest.fixture
def base():
    return load_sample("midmarket")


def _with(scenario, *items):
    return replace(scenario, initiatives=tuple(items))


def test_an_initiative_with_no_effect_and_no_cost_changes_nothing(base):
    nothing = Initiative("noop", "Does nothing", start_month=5)
    assert evaluate(_with(base, nothing)).headline() | {"scenario": ""} == evaluate(base).headline() | {"scenario": ""}
    assert evaluate(_with(base, nothing)).projection == evaluate(base).projection


def test_inactive_initiatives_are_ignored(base):
    inactive = [replace(i, active=False) for i in initiatives.catalog()]
    assert evaluate(_with(base, *inactive)).projection == evaluate(base).projection


def test_costs_count_in_roi_projection_and_payback(base):
    cost_only = Initiative(
        "cost", "Costs only", one_off_cost_usd=120_000, running_cost_usd_per_year=60_000, start_month=2
    )
    before, after = evaluate(base), evaluate(_with(base, cost_only))
    assert after.initiative_cost_usd_per_year == 60_000 and after.initiative_one_off_usd == 120_000
    spend = before.sales_ops_cost_usd + 60_000
    assert after.roi == pytest.approx((before.gross_margin_uplift_usd - spend) / spend)
    monthly = [a.sales_ops_cost_usd - b.sales_ops_cost_usd for a, b in zip(after.projection, before.projection)]
    assert monthly[:1] == pytest.approx([0])  # nothing before the start month
    assert monthly[1] == pytest.approx(120_000 + 5_000)  # the one-off in the start month, plus running
    assert monthly[2:] == pytest.approx([5_000] * (len(monthly) - 2))
    assert before.payback_months > 1  # (it starts before the set-up has paid back, so it delays payback)
    assert after.payback_months > before.payback_months


def test_effects_move_their_levers(base):
    before = evaluate(base)
    hours = evaluate(_with(base, Initiative("h", "Hours", hours_saved_per_rep_week=1.0)))
    assert all(
        a.reclaimed_hours_per_rep_week == pytest.approx(b.reclaimed_hours_per_rep_week + 1.0)
        for a, b in zip(hours.regions, before.regions)
    )
    attain = evaluate(_with(base, Initiative("a", "Attainment", attainment_gain=0.02)))
    ratio = (base.assumptions.quota_attainment + 0.02) / base.assumptions.quota_attainment
    assert attain.productivity_per_rep_usd == pytest.approx(before.productivity_per_rep_usd * ratio)
    assert attain.baseline_productivity_per_rep_usd == before.baseline_productivity_per_rep_usd  # the baseline stays
    faster = evaluate(_with(base, Initiative("s", "Faster deal desk", service_rate_gain=1.0, roles=("deal_desk",))))
    dd = {r.role_id: r for r in faster.roles}["deal_desk"]
    assert dd.fte <= {r.role_id: r for r in before.roles}["deal_desk"].fte
    ramp = evaluate(_with(base, Initiative("r", "Ramp", ramp_months_saved=2.0)))
    assert ramp.productivity_per_rep_usd > before.productivity_per_rep_usd


def test_effects_start_in_their_start_month(base):
    late = evaluate(_with(base, Initiative("h", "Hours", hours_saved_per_rep_week=2.0, start_month=13)))
    before = evaluate(base)
    assert late.projection[11].revenue_usd == pytest.approx(before.projection[11].revenue_usd)
    assert late.projection[12].revenue_usd > before.projection[12].revenue_usd
    assert late.productivity_per_rep_usd > before.productivity_per_rep_usd  # the steady state has it


def test_rank_orders_by_roi_and_measures_each_alone(base):
    cheap = Initiative("cheap", "Cheap and good", one_off_cost_usd=10_000, hours_saved_per_rep_week=0.5)
    dear = Initiative("dear", "Dear and small", one_off_cost_usd=500_000, hours_saved_per_rep_week=0.1)
    table = initiatives.rank(_with(base, dear, cheap), evaluate)
    assert list(table["id"]) == ["cheap", "dear"]
    row = table.iloc[0]
    # measured against the scenario's other included initiative (dear stays on in both)
    on = evaluate(_with(base, dear, cheap)).projection[-1].cumulative_net_usd
    off = evaluate(_with(base, dear, replace(cheap, active=False))).projection[-1].cumulative_net_usd
    alone = on - off
    assert row.net_3yr_usd == pytest.approx(alone)
    assert row.roi_3yr == pytest.approx(alone / 10_000)
    assert 0 <= row.payback_months < 3


def test_catalog_defaults_have_sources_and_valid_roles():
    roles = {p.role.id for p in load_sample("midmarket").roles}
    for item in initiatives.catalog():
        assert item.source and not item.active
        assert set(item.roles) <= roles


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("one_off_cost_usd", -1, "one_off_cost_usd must be >= 0"),
        ("start_month", 0, "start_month must be >= 1"),
        ("start_month", 2.5, "start_month must be a whole month"),
        ("attainment_gain", 0.9, "attainment_gain must be <= 0.5"),
        ("name", " ", "name must not be blank"),
    ],
)
def test_bad_initiatives_are_refused_naming_the_field(field, value, message):
    with pytest.raises(PlanItemError, match=message):
        Initiative(**{"id": "x", "name": "X", field: value})


def test_rows_from_a_table_become_initiatives_or_name_the_problem():
    rows = [
        {
            "active": True,
            "id": "a",
            "name": "A",
            "roles": "deal_desk, crm_admin",
            "start_month": 2.0,
            "one_off_cost_usd": float("nan"),
        }
    ]
    (item,) = initiatives.from_rows(rows, {"deal_desk", "crm_admin"})
    assert item.roles == ("deal_desk", "crm_admin") and item.start_month == 2 and item.one_off_cost_usd == 0.0
    with pytest.raises(PlanItemError, match=r"row 1 \(A\): unknown role\(s\) nope"):
        initiatives.from_rows([{**rows[0], "roles": "nope"}], {"deal_desk"})
    with pytest.raises(PlanItemError, match="row 2: name is empty"):
        initiatives.from_rows([rows[0], {"id": "b", "name": " "}], {"deal_desk", "crm_admin"})
    with pytest.raises(PlanItemError, match="duplicate id"):
        initiatives.from_rows([rows[0], rows[0]], {"deal_desk", "crm_admin"})
