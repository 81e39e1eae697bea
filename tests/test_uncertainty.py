"""Monte Carlo and tornado (salesops.model.uncertainty): the fast model is the same model."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from salesops import charts
from salesops.cli import main
from salesops.model.initiatives import catalog
from salesops.model import evaluate
from salesops.model.samples import load_sample
from salesops.model.uncertainty import SENSITIVITY_COLUMNS, ranges, sensitivity, simulate

SAMPLES = ("startup", "midmarket", "enterprise")
REL = 1e-9


def _rel(values: np.ndarray, expected: float) -> float:
    return float(np.max(np.abs(values - expected)) / max(abs(expected), 1e-12))


def _variants(name: str):
    """The sample as shipped, every placement, manual sizing (with overloaded teams) and initiatives."""
    sc = load_sample(name)
    yield "as shipped", sc
    for placement in ("centralized", "localized", "hybrid"):
        yield placement, sc.with_placement("all", placement)
    # mixed placements, role by role
    mixed = sc
    for k, plan in enumerate(sc.roles):
        mixed = mixed.with_placement(plan.role.id, ("centralized", "localized", "hybrid")[k % 3])
    yield "mixed", mixed
    manual = tuple(
        replace(
            p,
            sizing="manual",
            central_fte=(0.0, 0.5, 2.0, 5.0, 1.3)[k % 5],
            local_fte=tuple((r.id, (0.0, 0.7, 2.0)[i % 3]) for i, r in enumerate(sc.regions)),
        )
        for k, p in enumerate(sc.roles)
    )
    for placement in ("centralized", "localized", "hybrid"):
        yield f"manual {placement}", replace(sc, roles=manual).with_placement("all", placement)
    active = tuple(replace(i, active=True) for i in catalog())
    yield "initiatives", replace(sc, initiatives=active)
    yield "initiatives hybrid", replace(sc, initiatives=active).with_placement("all", "hybrid")
    # Model version 3: continuous staffing, hybrid routing, per-region placement, hubs away from HQ.
    v3 = replace(sc, staffing="continuous", model_version=3)
    yield "model 3", v3
    yield "model 3 in whole FTE", replace(v3, staffing="integer")
    yield "model 3 hybrid", v3.with_placement("all", "hybrid")
    yield "model 3 manual hybrid", replace(v3, roles=manual).with_placement("all", "hybrid")
    yield "model 3 initiatives", replace(v3, initiatives=active)
    per_region = v3
    for k, plan in enumerate(v3.roles):
        for i, region in enumerate(sc.regions[1:]):
            mode = ("localized", "hybrid", "centralized")[(k + i) % 3]
            per_region = per_region.with_region_placement(plan.role.id, region.id, mode)
        if len(sc.regions) > 1 and k % 2:
            per_region = per_region.with_hub(plan.role.id, sc.regions[-1].id)
    yield "per region, some hubs away from HQ", per_region
    yield "minimum teams", replace(v3, roles=tuple(replace(p, min_fte=1.5) for p in v3.roles))
    yield "generalists", replace(v3, generalists=True)
    yield "a 45-hour ops week", v3.with_assumptions(ops_hours_per_week=45.0)
    yield "full attrition, 24-month ramp", v3.with_assumptions(attrition_per_year=1.0, ramp_months=24)
    yield "generalists, every role embedded", replace(v3, generalists=True).with_placement("all", "localized")


@pytest.mark.parametrize("name", SAMPLES)
def test_collapsed_ranges_equal_evaluate(name):
    for label, sc in _variants(name):
        res = evaluate(sc)
        sim = simulate(sc, draws=64, seed=3, ranges=ranges(sc, scale=0.0))
        assert _rel(sim.roi, res.roi) < REL, label
        assert _rel(sim.productivity_per_rep, res.productivity_per_rep_usd) < REL, label
        assert _rel(sim.revenue, res.revenue_usd) < REL, label
        assert _rel(sim.net_value, res.net_value_usd) < REL, label
        for m, month in enumerate(res.projection):
            assert _rel(sim.cumulative_net[:, m], month.cumulative_net_usd) < REL, (label, month.month)
        if res.payback_months is None:
            assert np.isnan(sim.payback_months).all(), label
        else:
            assert _rel(sim.payback_months, res.payback_months) < REL, label


def test_collapsed_ranges_cover_a_scenario_that_never_pays_back():
    sc = load_sample("startup").with_assumptions(productivity_elasticity=0.05)
    res = evaluate(sc)
    assert res.payback_months is None
    sim = simulate(sc, draws=10, seed=0, ranges=ranges(sc, scale=0.0))
    assert np.isnan(sim.payback_months).all()
    assert sim.percentiles()["payback_months"]["never_share"] == 1.0
    assert _rel(sim.roi, res.roi) < REL


def test_value_outside_the_sourced_range_widens_it():
    sc = load_sample("midmarket").with_assumptions(gross_margin=0.95, ramp_months=2.0)
    by_name = {r.name: r for r in ranges(sc) if r.role_id is None}
    assert by_name["gross_margin"].high == 0.95 and by_name["gross_margin"].low == 0.6
    assert by_name["ramp_months"].low == 2.0
    assert by_name["horizon_months"].fixed


@pytest.mark.parametrize("name", SAMPLES)
def test_narrow_symmetric_ranges_centre_on_the_deterministic_roi(name):
    """With every parameter within +-1% the P50 of ROI is within 1% (relative) of the deterministic ROI."""
    sc = load_sample(name)
    res = evaluate(sc)
    p50 = simulate(sc, draws=4000, seed=1, ranges=ranges(sc, relative=0.01)).percentiles()["roi"]["p50"]
    assert abs(p50 - res.roi) / abs(res.roi) < 0.01


def test_same_seed_same_arrays_different_seed_different():
    sc = load_sample("midmarket")
    a, b, c = simulate(sc, 5000, seed=7), simulate(sc, 5000, seed=7), simulate(sc, 5000, seed=8)
    for field in ("roi", "payback_months", "productivity_per_rep", "revenue", "cumulative_net"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.roi, c.roi)
    assert a.percentiles() == b.percentiles()


def test_progress_is_reported_per_batch_and_reaches_one():
    seen = []
    sim = simulate(load_sample("startup"), draws=5000, seed=0, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 3
    assert sim.roi.shape == (5000,) and sim.cumulative_net.shape == (5000, 36)


def test_percentiles_are_ordered_and_shaped():
    pct = simulate(load_sample("enterprise"), 3000, seed=0).percentiles()
    for key in ("roi", "payback_months", "productivity_per_rep"):
        assert pct[key]["p10"] <= pct[key]["p50"] <= pct[key]["p90"]
    assert 0.0 <= pct["payback_months"]["never_share"] <= 1.0


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_draws_are_refused(bad):
    with pytest.raises(ValueError):
        simulate(load_sample("startup"), draws=bad)


def test_tornado_ranks_the_one_wide_range_first():
    sc = load_sample("midmarket")
    tiny = ranges(sc, relative=0.001)
    wide = tuple(replace(r, low=0.3, high=0.95) if r.name == "gross_margin" else r for r in tiny)
    table = sensitivity(sc, ranges=wide)
    assert table.iloc[0]["parameter"] == "gross_margin"
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    # and a different one when its range is the wide one
    wide = tuple(replace(r, low=0.3, high=1.5) if r.name == "productivity_elasticity" else r for r in tiny)
    assert sensitivity(sc, ranges=wide).iloc[0]["parameter"] == "productivity_elasticity"


@pytest.mark.parametrize("name", SAMPLES)
def test_sensitivity_rows_have_sources_and_columns(name):
    sc = load_sample(name)
    table = sensitivity(sc)
    assert list(table.columns) == SENSITIVITY_COLUMNS
    assert (table["source"].str.len() > 0).all()
    assert (table["swing"] >= 0).all() and list(table["swing"]) == sorted(table["swing"], reverse=True)
    assert {
        "service_rate_per_fte_week",
        "demand_per_rep_week",
        "rep_hours_saved_per_request",
        "local_knowledge_sensitivity",
        "standardization_gain",
    } <= set(table["parameter"])
    assert "horizon_months" not in set(table["parameter"])  # fixed: no range
    assert table.attrs["base_roi"] == evaluate(sc).roi
    row = table.set_index("parameter").loc["gross_margin"]  # moves no team: the same as evaluate
    assert row["roi_low"] == pytest.approx(evaluate(sc.with_assumptions(gross_margin=row["low"])).roi, rel=1e-9)


def test_the_tornado_keeps_the_teams_as_designed_like_the_monte_carlo():
    """One staffing rule: a slower ops team is a longer wait for the same people, not more people."""
    sc = load_sample("midmarket")
    table = sensitivity(sc).set_index("parameter")
    row = table.loc["service_rate_per_fte_week"]
    spec = ranges(sc)
    point = tuple(
        replace(r, low=r.low, likely=r.low, high=r.low) if r.name == "service_rate_per_fte_week"
        else replace(r, low=r.likely, high=r.likely)
        for r in spec
    )  # fmt: skip
    assert row["roi_low"] == pytest.approx(float(simulate(sc, 1, 0, ranges=point).roi[0]), rel=1e-12)
    slower = replace(sc, roles=tuple(
        replace(p, role=replace(p.role, service_rate_per_fte_week=p.role.service_rate_per_fte_week * row["low"]))
        for p in sc.roles))  # fmt: skip
    resized = evaluate(slower).roi
    assert abs(row["roi_low"] - resized) > 0.01  # re-sizing would have hired more and read differently


def test_role_bands_clip_shares():
    sc = load_sample("startup")
    for r in ranges(sc, scale=10.0):
        if r.name in ("local_knowledge_sensitivity", "standardization_gain"):
            assert 0.0 <= r.low <= r.likely <= r.high <= 1.0
        if r.role_id is not None:
            assert r.source.startswith("Model assumption")


def test_charts_validate():
    import altair as alt

    sc = load_sample("midmarket")
    sim = simulate(sc, 2000, seed=0)
    for name, source in (("mc_histogram", sim), ("fan", sim), ("tornado", sensitivity(sc))):
        spec = charts.chart_spec(name, source)
        alt.LayerChart.from_dict(spec)
    fan = charts.chart_spec("fan", sim)["datasets"]["fan"]
    assert len(fan) == 36 and all(r["p10"] <= r["p25"] <= r["p50"] <= r["p75"] <= r["p90"] for r in fan)
    rules = charts.chart_spec("mc_histogram", sim)["datasets"]["percentiles"]
    assert [r["label"] for r in rules] == ["P10", "P50", "P90"]


def test_cli_simulate_json(capsys):
    assert main(["simulate", "midmarket", "--draws", "3000", "--seed", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["draws"] == 3000 and out["seed"] == 4
    for key in ("roi", "payback_months", "productivity_per_rep"):
        assert set(out[key]) >= {"p10", "p50", "p90"}
    expected = simulate(load_sample("midmarket"), 3000, seed=4).percentiles()
    assert out["roi"] == expected["roi"]


def test_cli_simulate_text(capsys):
    assert main(["simulate", "startup", "--draws", "1000"]) == 0
    out = capsys.readouterr().out
    assert "P10" in out and "P50" in out and "Payback" in out


def test_cli_sensitivity_json_ranked(capsys):
    assert main(["sensitivity", "enterprise", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    swings = [p["swing"] for p in out["parameters"]]
    assert swings == sorted(swings, reverse=True) and all(p["source"] for p in out["parameters"])
    assert main(["sensitivity", "startup"]) == 0
    assert "ROI at low" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "midmarket", "--draws", "0"],
        ["simulate", "midmarket", "--draws", "many"],
        ["simulate", "midmarket", "--seed", "-3"],
        ["simulate", "no_such_sample"],
        ["sensitivity"],
    ],
)
def test_cli_bad_arguments_one_error_line(argv, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("error:") and err.count("\n") == 1
