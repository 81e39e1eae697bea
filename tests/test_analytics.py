"""Org analytics: spans, layers, ratios, costs by function and region, health flags, and their charts.

Expectations are derived by hand from the sample files and small orgs built here.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from salesops import charts
from salesops.insights.analytics import (
    JUDGED_RULES,
    VERDICTS,
    HealthFlag,
    Verdict,
    analyze,
    cost_defaults,
    health_rules,
    judge,
)
from salesops.model import evaluate
from salesops.model.org import build_org, spans_of_control
from salesops.model.paths import DATA_DIR
from salesops.model.positions import Position
from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample
from salesops.model.scenario import Region, RolePlan, Scenario

REP_COST = 180_000 * 1.2  # AE OTE $180K mid-market (ryanconsulting.ai) x 1.2 loading
MANAGER_COST = 225_000 * 1.2
LEADER_COST = 350_000 * 1.2


def _analyze(scenario: Scenario):
    results = evaluate(scenario)
    return analyze(scenario, results), results


def _one_region(reps: int, managers: int, roles=(), **assumptions) -> Scenario:
    s = Scenario(
        name="One region", hq_region="na", regions=(Region("na", "North America", reps, managers),), roles=tuple(roles)
    )
    return s.with_assumptions(**assumptions) if assumptions else s


def _deal_desk(fte: float) -> RolePlan:
    return RolePlan(load_catalog()["deal_desk"], "centralized", "manual", central_fte=fte)


def _imported(rep_cost: float = 150_000.0, extra: tuple[Position, ...] = (), roles=None) -> Scenario:
    """CEO -> director -> two managers (Mia: 3 reps, Max: 12 reps, one node of 4 among them); an assistant."""
    people = [
        Position("ceo", "Cara", "leader", None, "CEO", "na", cost_usd_per_year=400_000),
        Position("ea", "Eli", "other", "ceo", "Executive assistant", "na", cost_usd_per_year=90_000),
        Position("dir", "Dana", "manager", "ceo", "Sales director", "na", cost_usd_per_year=260_000),
        Position("mia", "Mia", "manager", "dir", "Sales manager", "na", cost_usd_per_year=200_000),
        Position("max", "Max", "manager", "dir", "Sales manager", "na", cost_usd_per_year=210_000),
    ]
    people += [
        Position(f"a{i}", f"Rep A{i}", "rep", "mia", "AE", "na", cost_usd_per_year=rep_cost) for i in range(1, 4)
    ]
    people += [
        Position(f"b{i}", f"Rep B{i}", "rep", "max", "AE", "na", cost_usd_per_year=rep_cost) for i in range(1, 9)
    ]
    people.append(Position("bteam", "4 reps", "rep", "max", "AE", "na", cost_usd_per_year=4 * rep_cost, count=4))
    people += list(extra)
    reps = sum(p.count for p in people if p.kind == "rep")
    managers = sum(p.count for p in people if p.kind == "manager")
    s = Scenario(
        name="Imported",
        hq_region="na",
        regions=(Region("na", "North America", reps=reps, managers=managers),),
        roles=(_deal_desk(1.0),) if roles is None else roles,
        positions=tuple(people),
    )
    s.check_positions()
    return s


# --------------------------------------------------------------------------
# Orgs described by regions alone
# --------------------------------------------------------------------------
def test_midmarket_spans_split_reps_evenly_like_the_drawn_org():
    a, _ = _analyze(load_sample("midmarket"))
    assert len(a.spans) == 14 and set(a.spans["kind"]) == {"manager"}
    by_region = a.spans.groupby("region", sort=False)["reps"].apply(list).to_dict()
    assert by_region == {
        "east": [9, 9, 9, 9, 8, 8, 8],  # 60 reps over 7 managers
        "west": [9, 9, 9, 8],  # 35 over 4
        "emea": [9, 8, 8],
    }  # 25 over 3
    assert (a.spans["direct_reports"] == a.spans["reps"]).all()
    assert a.spans["manager_id"].iloc[0] == "m:east:1"
    assert (a.leaders, a.managers, a.reps, a.others) == (4, 14, 120, 0)  # CRO + 3 regional VPs
    assert a.reps_per_manager == pytest.approx(120 / 14)


def test_sample_spans_agree_with_the_expanded_org_chart(sample):
    a, _ = _analyze(sample)
    graph_spans = spans_of_control(build_org(sample))  # every region expanded, one node per manager
    assert dict(zip(a.spans["manager_id"], a.spans["direct_reports"])) == graph_spans


def test_samples_have_four_layers(sample):
    a, res = _analyze(sample)
    assert a.layers == 4  # CRO -> regional VP -> manager -> rep
    assert a.leaders == 1 + len(sample.regions)
    assert a.reps_per_ops_fte == pytest.approx(res.reps_per_ops_fte)


def test_region_without_managers_has_three_layers_and_its_vp_as_front_line_manager():
    s = Scenario(
        name="Flat",
        hq_region="na",
        roles=(),
        regions=(Region("na", "North America", 12, 0), Region("emea", "EMEA", 0, 0)),
    )
    a, _ = _analyze(s)
    assert a.layers == 3
    assert a.spans.to_dict("records") == [
        {
            "manager_id": "rl:na",
            "name": "North America sales",
            "region": "na",
            "kind": "leader",
            "direct_reports": 12,
            "reps": 12,
        }
    ]
    assert a.reps_per_manager is None
    assert a.flag("span_above").status == "warning"


def test_generated_costs_are_estimated_from_the_defaults_and_the_cost_index():
    # cost index: east 1.0 (HQ), west 1.05, emea 0.95; whole FTE, so a localized role is one person a region
    s = replace(load_sample("midmarket"), staffing="integer")
    a, res = _analyze(s)
    rows = a.cost_by_function.set_index("function")
    assert rows.loc["Reps", "cost_usd_per_year"] == pytest.approx(REP_COST * (60 + 35 * 1.05 + 25 * 0.95))
    assert rows.loc["Sales managers", "cost_usd_per_year"] == pytest.approx(MANAGER_COST * (7 + 4 * 1.05 + 3 * 0.95))
    assert rows.loc["Sales leaders", "cost_usd_per_year"] == pytest.approx(LEADER_COST * (1 + 1 + 1.05 + 0.95))
    assert rows.loc[["Reps", "Sales managers", "Sales leaders"], "estimated"].all()
    ops = rows[rows.index.str.startswith("Sales ops: ")]
    assert not ops["estimated"].any() and (ops["unit"] == "FTE").all()
    assert ops["cost_usd_per_year"].sum() == pytest.approx(res.sales_ops_cost_usd)
    assert ops["headcount"].sum() == pytest.approx(res.sales_ops_fte)
    assert rows.loc["Sales ops: Enablement", "headcount"] == 3.0  # localized: one FTE in each region
    assert "Other" not in rows.index


def test_cost_defaults_carry_their_sources():
    d = cost_defaults()
    assert d["rep"].pay_usd_per_year == 180_000 and d["rep"].firmness == "2nd-hand"
    assert "ryanconsulting.ai" in d["rep"].source
    assert {k: v.firmness for k, v in d.items() if k != "rep"} == {
        "manager": "model assumption",
        "leader": "model assumption",
        "other": "model assumption",
    }
    assert d["rep"].cost_usd_per_year == pytest.approx(REP_COST)


def test_cost_by_region_adds_up_to_cost_by_function_and_puts_ops_where_teams_sit(sample):
    a, res = _analyze(sample)
    assert a.cost_by_region["cost_usd_per_year"].sum() == pytest.approx(a.cost_by_function["cost_usd_per_year"].sum())
    per_function = a.cost_by_region.groupby("function")["cost_usd_per_year"].sum()
    for row in a.cost_by_function.itertuples():
        assert per_function[row.function] == pytest.approx(row.cost_usd_per_year)
    ops = a.cost_by_region[a.cost_by_region["function"].str.startswith("Sales ops: ")]
    teams_by_region = {}
    for t in res.teams:
        teams_by_region[t.location_region] = teams_by_region.get(t.location_region, 0.0) + t.cost_usd_per_year
    assert ops.groupby("region")["cost_usd_per_year"].sum().to_dict() == pytest.approx(teams_by_region)
    names = {r.id: r.name for r in sample.regions}
    assert all(names[r] == n for r, n in zip(a.cost_by_region["region"], a.cost_by_region["region_name"]))


def test_ops_fte_by_category_comes_from_the_roles():
    a, res = _analyze(replace(load_sample("midmarket"), staffing="integer"))  # whole FTE: people to count
    table = a.ops_fte_by_category.set_index("category")
    # 14 people: planning, staffed for its planning season, needs two
    assert table["fte"].sum() == pytest.approx(14.0) == pytest.approx(res.sales_ops_fte)
    assert table.loc["Enablement", "relation"] == "supports" and table.loc["Enablement", "fte"] == 3.0
    assert table.loc["Planning", "relation"] == "leads" and table.loc["Planning", "fte"] == 2.0
    assert table["cost_usd_per_year"].sum() == pytest.approx(res.sales_ops_cost_usd)


# --------------------------------------------------------------------------
# Imported orgs
# --------------------------------------------------------------------------
def test_imported_org_spans_layers_and_headcounts():
    a, _ = _analyze(_imported())
    spans = {r["manager_id"]: (r["direct_reports"], r["reps"]) for r in a.spans.to_dict("records")}
    assert spans == {"dir": (2, 0), "mia": (3, 3), "max": (12, 12)}  # the 4-rep node counts as 4
    assert a.layers == 4  # ceo -> dir -> mia/max -> reps
    assert (a.leaders, a.managers, a.reps, a.others) == (1, 3, 15, 1)
    assert a.reps_per_manager == pytest.approx(5.0)
    assert a.reps_per_ops_fte == pytest.approx(15.0)


def test_imported_org_span_flags_name_the_offenders():
    a, _ = _analyze(_imported())
    low, high = a.flag("span_below"), a.flag("span_above")
    assert (low.status, low.value) == ("warning", 1) and "Mia (3 reps)" in low.message
    assert (high.status, high.value) == ("warning", 1) and "Max (12 reps)" in high.message
    assert "1 of 2 front-line managers" in low.message  # the director manages managers, not reps
    assert "Alexander Group" in low.source and low.firmness == "sourced"
    assert a.flag("managers_without_reports").status == "ok"


def test_span_flags_name_only_the_worst_few():
    extra = tuple(
        Position(f"m{i}", f"Manager {i}", "manager", "dir", "Sales manager", "na", cost_usd_per_year=1)
        for i in range(1, 6)
    )
    extra += tuple(
        Position(f"r{i}-{k}", "Rep", "rep", f"m{i}", "AE", "na", cost_usd_per_year=1)
        for i in range(1, 6)
        for k in range(i)
    )  # manager i has i reps
    s = _imported(extra=extra)
    flag = analyze(s, evaluate(s)).flag("span_below")
    assert flag.value == 5  # managers 1-4 and Mia (3); manager 5 has exactly 5
    assert json.loads((DATA_DIR / "health_rules.json").read_text())["max_examples"] == 3
    assert "5 of 7 front-line managers" in flag.message  # Mia, Max and managers 1-5; not the director
    assert "Manager 1 (1 rep), Manager 2 (2 reps), Manager 3 (3 reps) and 2 more" in flag.message


def test_collapsed_manager_node_splits_its_reports_evenly():
    people = (
        Position("ceo", "Cara", "leader", None, "CEO", "na"),
        Position("pod", "Pod leads", "manager", "ceo", "Managers", "na", count=2),
        Position("team", "11 reps", "rep", "pod", "AE", "na", count=11),
    )
    s = Scenario(
        name="Pods", hq_region="na", regions=(Region("na", "North America", 11, 2),), roles=(), positions=people
    )
    s.check_positions()
    a, _ = _analyze(s)
    assert a.spans[["manager_id", "reps"]].to_dict("records") == [
        {"manager_id": "pod:1", "reps": 6},
        {"manager_id": "pod:2", "reps": 5},
    ]
    assert a.managers == 2 and a.layers == 3


def _chain(managers: int) -> Scenario:
    """A CEO, a chain of ``managers`` managers, and 6 reps under the last one."""
    people = [Position("ceo", "Cara", "leader", None, "CEO", "na")]
    for i in range(1, managers + 1):
        people.append(Position(f"m{i}", f"Manager {i}", "manager", people[-1].id, "Manager", "na"))
    people += [Position(f"r{k}", f"Rep {k}", "rep", f"m{managers}", "AE", "na") for k in range(6)]
    s = Scenario(
        name="Deep",
        hq_region="na",
        regions=(Region("na", "North America", 6, managers),),
        roles=(),
        positions=tuple(people),
    )
    s.check_positions()
    return s


@pytest.mark.parametrize("managers, layers, status", [(6, 8, "warning"), (5, 7, "warning"), (4, 6, "ok")])
def test_layers_rule(managers, layers, status):
    a, _ = _analyze(_chain(managers))
    flag = a.flag("layers")
    assert a.layers == layers  # the CEO, the managers, the reps
    assert (flag.status, flag.value, flag.firmness) == (status, layers, "model assumption")
    assert health_rules()["layers"]["max_layers"] == 6


def test_sales_ops_staff_in_positions_count_neither_in_layers_nor_in_costs():
    s = _chain(1)
    ops = (
        Position("ops", "Ops lead", "sales_ops", "m1", "Sales operations", "na", cost_usd_per_year=1e6),
        Position("ops2", "Analyst", "sales_ops", "ops", "Sales operations", "na", cost_usd_per_year=1e6),
    )
    a, _ = _analyze(replace(s, positions=s.positions + ops))
    assert a.layers == 3 and a.others == 0
    assert a.cost_by_function["cost_usd_per_year"].sum() == pytest.approx(
        LEADER_COST + MANAGER_COST + 6 * REP_COST
    )  # no costs given: all estimated at HQ prices


def test_imported_costs_add_up_to_the_positions_plus_sales_ops():
    s = _imported()
    a, res = _analyze(s)
    positions_total = sum(p.cost_usd_per_year for p in s.positions)
    assert positions_total == pytest.approx(400_000 + 90_000 + 260_000 + 200_000 + 210_000 + 15 * 150_000)
    assert a.cost_by_function["cost_usd_per_year"].sum() == pytest.approx(positions_total + res.sales_ops_cost_usd)
    assert not a.cost_by_function["estimated"].any()
    rows = a.cost_by_function.set_index("function")
    assert rows.loc["Reps", "headcount"] == 15 and rows.loc["Other", "cost_usd_per_year"] == 90_000
    assert rows.loc["Sales managers", "cost_usd_per_year"] == pytest.approx(670_000)
    assert list(rows.index) == ["Reps", "Sales managers", "Sales leaders", "Sales ops: Deal desk", "Other"]
    spend = positions_total - 90_000 + res.sales_ops_cost_usd  # Other staff are not sales spend
    assert a.sales_spend_usd_per_year == pytest.approx(spend)
    assert a.sales_spend_share is None  # no company revenue entered: nothing comparable
    with_revenue = s.with_assumptions(company_revenue_usd=50_000_000.0)
    assert analyze(with_revenue, evaluate(with_revenue)).sales_spend_share == pytest.approx(spend / 50_000_000.0)


def test_positions_without_a_cost_are_estimated_at_the_region_cost_index():
    s = _imported(rep_cost=0.0)
    s = replace(s, regions=(replace(s.regions[0], cost_index=0.5),))
    a, _ = _analyze(s)
    rows = a.cost_by_function.set_index("function")
    assert rows.loc["Reps", "estimated"] and not rows.loc["Sales managers", "estimated"]
    assert rows.loc["Reps", "cost_usd_per_year"] == pytest.approx(15 * REP_COST * 0.5)


def test_planned_manager_without_a_team_is_flagged():
    s = _imported()
    more = s.with_region_headcount("na", reps=15, managers=4)  # one planned manager, no reps moved
    a, _ = _analyze(more)
    flag = a.flag("managers_without_reports")
    assert (flag.status, flag.value) == ("warning", 1) and "Planned manager" in flag.message
    gen = _one_region(reps=2, managers=3)  # the third manager gets nobody
    assert analyze(gen, evaluate(gen)).flag("managers_without_reports").value == 1


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fte, status, words",
    [
        (6.0, "ok", "within"),  # 60 / 6 = 10:1, the Alexander Group target itself
        (7.5, "warning", "over-served"),  # 8:1
        (2.0, "ok", "within"),  # 30:1, the top of the published range
        (1.5, "warning", "under-served"),  # 40:1
    ],
)
def test_reps_per_ops_fte_thresholds(fte, status, words):
    s = _one_region(60, 6, roles=(_deal_desk(fte),))
    a, _ = _analyze(s)
    flag = a.flag("reps_per_ops_fte")
    assert flag.value == pytest.approx(60 / fte)
    assert flag.status == status and words in flag.message
    assert "Alexander Group" in flag.source and "therevopsreport" in flag.source and "prospeo" in flag.source


def test_no_sales_ops_is_under_served():
    a, _ = _analyze(_one_region(60, 6))
    flag = a.flag("reps_per_ops_fte")
    assert (flag.status, flag.value) == ("warning", None) and a.reps_per_ops_fte is None


@pytest.mark.parametrize("attrition, status", [(0.258, "warning"), (0.15, "warning"), (0.149, "ok"), (0.1, "ok")])
def test_attrition_warning_from_fifteen_percent(attrition, status):
    a, _ = _analyze(_one_region(60, 6, attrition_per_year=attrition))
    flag = a.flag("attrition")
    assert (flag.status, flag.value) == (status, attrition)
    assert "Part IV" in flag.source


def test_overloaded_role_is_flagged_by_name():
    a, res = _analyze(_one_region(60, 6, roles=(_deal_desk(0.5),)))  # 27 requests/week, capacity 18
    assert res.roles[0].overloaded
    flag = a.flag("ops_overload")
    assert (flag.status, flag.value) == ("warning", 1) and "Deal desk" in flag.message


def test_sales_spend_share_band():
    s = _imported(roles=())
    res = evaluate(s)
    spend = analyze(s, res).sales_spend_usd_per_year
    for share, status in ((0.05, "ok"), (0.02, "warning"), (0.2, "warning")):
        with_revenue = s.with_assumptions(company_revenue_usd=spend / share)
        flag = analyze(with_revenue, evaluate(with_revenue)).flag("sales_spend_share")
        assert flag.value == pytest.approx(share) and flag.status == status
    assert "Alexander Group" in flag.source


def test_sales_spend_share_needs_the_company_revenue(sample):
    a, _ = _analyze(sample)
    flag = a.flag("sales_spend_share")
    assert a.sales_spend_share is None and flag.value is None and flag.status == "ok"
    assert "total annual revenue" in flag.message


def test_every_rule_gives_one_flag_with_its_source():
    a, _ = _analyze(load_sample("enterprise"))
    assert [f.rule for f in a.flags] == list(health_rules())
    for f in a.flags:
        assert f.source and f.threshold and f.message and f.metric
        assert f.firmness in ("sourced", "2nd-hand", "unconfirmed", "model assumption")
        assert f.status in ("ok", "warning")
    assert {f.rule for f in a.warnings} == {"attrition"}
    assert list(a.flags_frame()["rule"]) == list(health_rules())
    with pytest.raises(KeyError, match="'nope'"):
        a.flag("nope")


@pytest.mark.parametrize(
    "rule, value, status",
    [
        ("span_below", 4, "warning"),
        ("span_below", 5, "ok"),
        ("span_above", 10, "ok"),
        ("span_above", 10.5, "warning"),
        ("reps_per_ops_fte", 9.99, "warning"),
        ("reps_per_ops_fte", 10, "ok"),
        ("reps_per_ops_fte", 30, "ok"),
        ("reps_per_ops_fte", 30.01, "warning"),
        ("reps_per_ops_fte", math.inf, "warning"),
        ("attrition", 0.149, "ok"),
        ("attrition", 0.15, "warning"),
        ("attrition", 0.258, "warning"),
        ("sales_spend_share", 0.029, "warning"),
        ("sales_spend_share", 0.03, "ok"),
        ("sales_spend_share", 0.1, "ok"),
        ("sales_spend_share", 0.11, "warning"),
        ("attrition", None, "n/a"),
        ("span_above", math.nan, "n/a"),
    ],
)
def test_judge_applies_one_rule_to_one_value(rule, value, status):
    verdict = judge(rule, value)
    assert isinstance(verdict, Verdict) and verdict.status == status and verdict.status in VERDICTS
    assert verdict.threshold


def test_judge_refuses_an_unknown_rule_naming_the_judged_ones():
    assert JUDGED_RULES == ("span_below", "span_above", "reps_per_ops_fte", "attrition", "sales_spend_share")
    with pytest.raises(ValueError, match="'layers'; rules: span_below, span_above, reps_per_ops_fte"):
        judge("layers", 5)


def test_flags_of_the_judged_rules_carry_judge_thresholds(sample):
    revenue = sample.with_assumptions(company_revenue_usd=1e9)
    for scenario in (sample, revenue):
        a, _ = _analyze(scenario)
        for rule in JUDGED_RULES:
            assert a.flag(rule).threshold == judge(rule, None).threshold, rule
        assert a.flag("attrition").status == judge("attrition", scenario.assumptions.attrition_per_year).status
        assert a.flag("reps_per_ops_fte").status == judge("reps_per_ops_fte", a.reps_per_ops_fte).status
    assert a.flag("sales_spend_share").status == judge("sales_spend_share", a.sales_spend_share).status


def test_front_line_span_is_the_mean_over_managers_with_reps():
    a, _ = _analyze(load_sample("midmarket"))
    assert a.front_line_span == pytest.approx(120 / 14) == pytest.approx(a.reps_per_manager)
    a, _ = _analyze(_imported())  # Mia 3 reps, Max 12; the director manages managers only
    assert a.front_line_span == pytest.approx(15 / 2) and a.reps_per_manager == pytest.approx(15 / 3)
    a, _ = _analyze(Scenario(name="None", hq_region="na", roles=(), regions=(Region("na", "North America", 0, 0),)))
    assert a.front_line_span is None


def test_rule_thresholds_match_the_reference():
    rules = health_rules()
    assert rules["span_below"]["min_reps"] == 5 and rules["span_above"]["max_reps"] == 10
    assert (rules["reps_per_ops_fte"]["low"], rules["reps_per_ops_fte"]["high"]) == (10, 30)
    assert (rules["attrition"]["warn_at"], rules["attrition"]["target"]) == (0.15, 0.1)
    assert (rules["sales_spend_share"]["low"], rules["sales_spend_share"]["high"]) == (0.03, 0.1)


def test_bad_status_and_mismatched_results_are_refused():
    with pytest.raises(ValueError, match="'bad'"):
        HealthFlag("m", 1.0, "bad", "t", "s", "sourced", "msg", "rule")
    with pytest.raises(ValueError, match="'Startup"):
        analyze(load_sample("midmarket"), evaluate(load_sample("startup")))


# --------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------
ANALYTICS_CHARTS = {
    "spans": charts.spans_chart,
    "ops_by_category": charts.ops_by_category_chart,
    "cost_by_region": charts.cost_by_region_chart,
}


@pytest.mark.parametrize("name", sorted(ANALYTICS_CHARTS))
def test_analytics_charts_are_valid_specs(name, sample):
    a, _ = _analyze(sample)
    spec = ANALYTICS_CHARTS[name](a).to_dict()  # validates against the Vega-Lite schema
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert spec == charts.chart_spec(name, a) | {"$schema": spec["$schema"]}
    json.dumps(spec, allow_nan=False)


def test_spans_chart_counts_every_manager_and_draws_the_rule_lines():
    a, _ = _analyze(load_sample("midmarket"))
    data = charts.chart_spec("spans", a)["datasets"]
    assert {(r["direct_reports"], r["managers"]) for r in data["spans"]} == {(8, 6), (9, 8)}
    assert sorted(r["x"] for r in data["span_rules"]) == [5, 10]
    imported, _ = _analyze(_imported())
    levels = {r["direct_reports"]: r["level"] for r in charts.chart_spec("spans", imported)["datasets"]["spans"]}
    assert levels[2].startswith("Manages managers") and levels[12].startswith("Front-line")


def test_cost_and_ops_charts_add_up(sample):
    a, res = _analyze(sample)
    costs = charts.chart_spec("cost_by_region", a)["datasets"]["region_costs"]
    assert sum(r["cost_usd_per_year"] for r in costs) == pytest.approx(a.cost_by_function["cost_usd_per_year"].sum())
    ops = charts.chart_spec("ops_by_category", a)["datasets"]["ops_categories"]
    assert sum(r["fte"] for r in ops) == pytest.approx(res.sales_ops_fte)
    assert {r["relation"] for r in ops} <= {"leads", "supports"}
