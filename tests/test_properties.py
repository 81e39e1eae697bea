"""Property tests: invariants of the model over generated valid scenarios."""

from __future__ import annotations

from dataclasses import asdict, replace

import networkx as nx
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from salesops.model import evaluate
from salesops.model.org import build_org
from salesops.model.roles import load_catalog
from salesops.model.scenario import PLACEMENTS, SIZINGS, Assumptions, Region, RolePlan, Scenario, assumption_info
from tests.checks import assert_all_finite

CATALOG = load_catalog()
INFO = assumption_info()
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _finite(lo, hi):
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


@st.composite
def regions_st(draw):
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        out.append(
            Region(
                id=f"r{i}",
                name=f"Region {i}",
                reps=draw(st.integers(0, 5000)),
                managers=draw(st.integers(0, 500)),
                tz_offset_hours=draw(_finite(-12, 14)),
                market_complexity=draw(_finite(0, 1)),
                cost_index=draw(_finite(0.05, 20)),
            )
        )
    return tuple(out)


@st.composite
def plans_st(draw, region_ids):
    ids = draw(st.lists(st.sampled_from(sorted(CATALOG)), unique=True, max_size=len(CATALOG)))
    plans = []
    for role_id in ids:
        sizing = draw(st.sampled_from(SIZINGS))
        local = draw(
            st.lists(
                st.tuples(st.sampled_from(region_ids), _finite(0, 50)),
                unique_by=lambda t: t[0],
                max_size=len(region_ids),
            )
        )
        plans.append(
            RolePlan(
                role=CATALOG[role_id],
                placement=draw(st.sampled_from(PLACEMENTS)),
                sizing=sizing,
                central_fte=draw(_finite(0, 50)),
                local_fte=tuple(local),
            )
        )
    return tuple(plans)


@st.composite
def assumptions_st(draw):
    values = {}
    for name, meta in INFO.items():
        lo, hi = meta["low"], meta["high"]
        if name == "horizon_months":
            values[name] = draw(st.integers(int(lo), int(hi)))
        elif lo == hi:
            values[name] = float(lo)
        else:
            values[name] = draw(_finite(float(lo), float(hi)))
    values["max_selling_time_share"] = max(values["max_selling_time_share"], values["baseline_selling_time_share"])
    return Assumptions(**values)


@st.composite
def scenarios(draw):
    regions = draw(regions_st())
    ids = [r.id for r in regions]
    return Scenario(
        name="generated",
        hq_region=draw(st.sampled_from(ids)),
        regions=regions,
        roles=draw(plans_st(ids)),
        assumptions=draw(assumptions_st()),
    )


@st.composite
def scenario_and_move(draw):
    """A scenario with at least one role, a role id and a different placement for it."""
    s = draw(scenarios().filter(lambda s: s.roles))
    plan = draw(st.sampled_from(s.roles))
    new = draw(st.sampled_from([p for p in PLACEMENTS if p != plan.placement]))
    return s, plan.role.id, new


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------
@PROPS
@given(scenario_and_move())
def test_placement_never_changes_headcount(case):
    s, role_id, placement = case
    before = evaluate(s)
    after = evaluate(s.with_placement(role_id, placement))
    assert after.reps == before.reps == s.total_reps
    assert after.managers == before.managers
    assert [(r.region_id, r.reps) for r in after.regions] == [(r.region_id, r.reps) for r in before.regions]


@PROPS
@given(scenario_and_move())
def test_placement_round_trip_gives_identical_results(case):
    s, role_id, placement = case
    original = s.plan(role_id).placement
    back = s.with_placement(role_id, placement).with_placement(role_id, original)
    assert back == s
    assert evaluate(back) == evaluate(s)


@PROPS
@given(s=scenarios())
def test_roll_ups_add_up_and_outputs_are_finite(check_payback, s):
    res = evaluate(s)
    check_payback(res)
    spend = res.sales_ops_cost_usd + res.initiative_cost_usd_per_year
    assert (res.headline()["roi"] is None) == (spend <= 0)  # no ROI to show only for a design that costs nothing
    assert_all_finite(res.to_dict())
    assert_all_finite(asdict(res))
    tol = dict(rel=1e-9, abs=1e-6)
    assert sum(r.cost_usd_per_year for r in res.roles) == pytest.approx(res.sales_ops_cost_usd, **tol)
    assert sum(t.cost_usd_per_year for t in res.teams) == pytest.approx(res.sales_ops_cost_usd, **tol)
    assert sum(r.fte for r in res.roles) == pytest.approx(res.sales_ops_fte, **tol)
    assert sum(t.fte for t in res.teams) == pytest.approx(res.sales_ops_fte, **tol)
    for role in res.roles:
        teams = [t for t in res.teams if t.role_id == role.role_id]
        assert sum(t.cost_usd_per_year for t in teams) == pytest.approx(role.cost_usd_per_year, **tol)
        assert role.fte == pytest.approx(role.fte_central + role.fte_local, **tol)
    assert sum(r.revenue_usd for r in res.regions) == pytest.approx(res.revenue_usd, **tol)
    assert sum(r.baseline_revenue_usd for r in res.regions) == pytest.approx(res.baseline_revenue_usd, **tol)
    a = s.assumptions
    for r in res.regions:
        assert a.baseline_selling_time_share <= r.selling_time_share <= a.max_selling_time_share
        assert r.revenue_usd >= r.baseline_revenue_usd
    for t in res.teams:
        assert 0 <= t.served_share <= 1 and 0 <= t.utilization <= 1
        assert 0 <= t.wait_hours <= a.max_response_hours
    for sv in res.services:
        assert 0 <= sv.response_hours <= a.max_response_hours
        assert 0 <= sv.effectiveness <= 1 and 0 < sv.value_factor <= 1


# Cost but no uplift: a manual team in an org with no reps.
_NO_REPS = Scenario(
    "no reps",
    "r0",
    (Region("r0", "R0", 0, 1),),
    (RolePlan(CATALOG["deal_desk"], "centralized", "manual", central_fte=2.0),),
)


@PROPS
@given(scenarios(), _finite(1.01, 10.0))
@example(_NO_REPS, 2.0)
def test_roi_falls_when_roles_cost_more(s, factor):
    dearer = replace(
        s,
        roles=tuple(
            replace(p, role=replace(p.role, cost_usd_per_year=p.role.cost_usd_per_year * factor)) for p in s.roles
        ),
    )
    base, more = evaluate(s), evaluate(dearer)
    # Sizing and benefits do not depend on cost: only cost moves.
    assert more.gross_margin_uplift_usd == base.gross_margin_uplift_usd
    assert more.sales_ops_fte == base.sales_ops_fte
    event(
        "no sales-ops cost"
        if base.sales_ops_cost_usd == 0
        else "uplift"
        if base.gross_margin_uplift_usd > 0
        else "cost but no uplift"
    )
    if base.sales_ops_cost_usd == 0:
        assert more.roi == base.roi == 0.0
    elif base.gross_margin_uplift_usd > 0:
        assert more.sales_ops_cost_usd > base.sales_ops_cost_usd
        assert more.roi < base.roi
    else:
        # No uplift (no reps served): ROI is -1 at any cost.
        assert more.roi == base.roi == pytest.approx(-1.0)


@PROPS
@given(scenarios())
def test_json_round_trip_is_lossless(s):
    text = s.to_json()
    again = Scenario.from_json(text)
    assert again == s
    assert again.to_json() == text


@settings(max_examples=30, deadline=None)
@given(scenarios(), st.booleans())
def test_org_is_a_tree_with_all_people(s, expanded):
    g = build_org(s, expand_regions=None if expanded else [])
    assert nx.is_arborescence(g)
    assert sum(d["count"] for _, d in g.nodes(data=True) if d["kind"] == "rep") == s.total_reps
    assert sum(d["count"] for _, d in g.nodes(data=True) if d["kind"] == "manager") == sum(
        r.managers for r in s.regions
    )
