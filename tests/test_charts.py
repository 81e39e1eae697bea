"""Chart builders and what-ifs, tested by inspecting the returned Vega-Lite spec."""

from __future__ import annotations

import pytest

from salesops import charts
from salesops.model import evaluate
from salesops.model.org import build_org
from salesops.model.samples import load_sample
from salesops.model.whatif import placement_whatifs


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def _rows_with(spec: dict, field: str) -> list[dict]:
    return [row for data in _datasets(spec) for row in data if field in row]


@pytest.fixture(scope="module")
def results():
    return evaluate(load_sample("enterprise"))


BUILDERS = {
    "productivity": charts.productivity_chart,
    "selling_time": charts.selling_time_chart,
    "cost_by_role": charts.cost_by_role_chart,
    "projection": charts.projection_chart,
    "cumulative": charts.cumulative_chart,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_results_chart_is_a_valid_spec_with_this_results_data(name, results):
    spec = BUILDERS[name](results).to_dict()  # validates against the Vega-Lite schema
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert charts.results_spec(name, results) == spec
    other = evaluate(load_sample("startup"))
    assert charts.results_spec(name, other)["datasets"] != spec["datasets"]


def test_productivity_chart_plots_each_region_with_and_without_sales_ops(results):
    rows = _rows_with(charts.productivity_chart(results).to_dict(), "productivity_per_rep_usd")
    assert {r["name"]: r["productivity_per_rep_usd"] for r in rows} == {
        r.name: r.productivity_per_rep_usd for r in results.regions
    }
    assert all(r["baseline_productivity_per_rep_usd"] == results.baseline_productivity_per_rep_usd for r in rows)


def test_cost_chart_adds_up_to_the_sales_ops_cost(results):
    rows = _rows_with(charts.cost_by_role_chart(results).to_dict(), "cost_usd_per_year")
    assert sum(r["cost_usd_per_year"] for r in rows) == pytest.approx(results.sales_ops_cost_usd)
    assert {r["where"] for r in rows} == {"Central team (HQ)", "Embedded in regions"}


def test_cumulative_chart_marks_payback(results):
    spec = charts.cumulative_chart(results).to_dict()
    marks = _rows_with(spec, "label")
    assert marks and marks[0]["month"] == pytest.approx(results.payback_months)


def test_projection_chart_has_every_month_of_both_series(results):
    rows = _rows_with(charts.projection_chart(results).to_dict(), "series")
    assert len(rows) == 2 * len(results.projection)


def test_org_chart_is_clickable_on_node_id():
    scenario = load_sample("midmarket")
    graph = build_org(scenario)
    spec = charts.org_chart(graph, selected="cro").to_dict()
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert any(p["name"] == "node" and p["select"]["fields"] == ["id"] for p in params)
    ids = {r["id"] for r in _rows_with(spec, "id")}
    assert ids == set(graph.nodes)


def test_whatifs_match_evaluating_the_switched_scenario():
    scenario = load_sample("midmarket")
    base = evaluate(scenario)
    table = placement_whatifs(scenario)
    assert len(table) == 2 * len(scenario.roles)
    row = table[(table.role_id == "deal_desk") & (table.alternative == "localized")].iloc[0]
    switched = evaluate(scenario.with_placement("deal_desk", "localized"))
    assert row.delta_roi_pp == pytest.approx((switched.roi - base.roi) * 100)
    assert row.delta_cost_usd == pytest.approx(switched.sales_ops_cost_usd - base.sales_ops_cost_usd)
    assert row.delta_net_usd == pytest.approx(switched.net_value_usd - base.net_value_usd)
    spec = charts.whatif_chart(table).to_dict()
    assert len(_rows_with(spec, "delta_roi_pp")) == len(table)


def test_whatif_chart_shows_the_change_in_net_value_best_first_with_roi_in_the_tooltip():
    table = placement_whatifs(load_sample("enterprise"))
    spec = charts.chart_spec("whatif", table)
    enc = spec["encoding"]
    assert enc["x"]["field"] == "delta_net_usd" and "net value" in enc["x"]["title"]
    assert enc["y"]["sort"] == "-x"  # the largest gain at the top
    assert "delta_net_usd" in enc["color"]["condition"]["test"]  # green or red by the sign of the money
    tips = {t["field"]: t.get("title") for t in enc["tooltip"]}
    assert {"delta_net_usd", "delta_npv_usd", "delta_roi_pp", "delta_cost_usd"} <= set(tips)
    rows = _rows_with(spec, "delta_net_usd")
    assert [r["delta_net_usd"] for r in rows] == list(table["delta_net_usd"])
    assert [r["delta_net_usd"] for r in rows] == sorted((r["delta_net_usd"] for r in rows), reverse=True)
    assert rows[0]["delta_net_usd"] > 0 > rows[-1]["delta_net_usd"]


def test_peer_chart_colours_the_health_verdict_of_org_analytics():
    from salesops.insights.analytics import analyze
    from salesops.insights.peers import compare

    scenario = load_sample("midmarket")
    res = evaluate(scenario)
    spec = charts.chart_spec("peer_comparison", compare(scenario, res, analyze(scenario, res), "midmarket"))
    rows = {r["metric"]: r["verdict"] for r in next(iter(spec["datasets"].values()))}
    assert rows["Rep attrition per year"] == "warning"  # 25.8%: among published figures, and a warning
    assert rows["Reps per sales-ops FTE"] == "healthy"
    assert rows["Quota attainment"] == "no health rule"


@pytest.mark.parametrize("objective", ["net", "roi"])
def test_decision_chart_marks_the_assumptions_that_would_hand_the_win_to_the_runner_up(objective):
    from salesops.model.optimize import decision_tornado, optimize

    scenario = load_sample("enterprise")
    rec = optimize(scenario, objective)
    table = decision_tornado(scenario, rec)
    name = "decision_pp" if objective == "roi" else "decision_usd"
    spec = charts.chart_spec(name, (table, rec.margin))
    assert charts.common._top_level(spec).to_dict()["$schema"]  # a valid spec
    scale = 100.0 if objective == "roi" else 1.0
    rows = _rows_with(spec, "verdict")
    assert [r["label"] for r in rows] == list(table["label"])
    assert [r["margin_low"] for r in rows] == pytest.approx(list(table["margin_low"] * scale))
    flips = {r["label"] for r in rows if r["verdict"] == "the runner-up would win"}
    assert flips == set(table.loc[table["flips"], "label"]) and flips
    assert all(r["lo"] <= r["hi"] for r in rows)
    assert _rows_with(spec, "x") == [{"x": 0.0}, {"x": pytest.approx(rec.margin * scale)}]
