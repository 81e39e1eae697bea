"""Peers: published figures with their sources, peer profiles, compare() and suggest_profile().

Also the health column of compare(), which must give Org analytics' verdict on
every metric the two pages share (one rule, salesops.insights.analytics.judge).
"""

from __future__ import annotations

import json
import math

from dataclasses import replace

import pytest

from salesops import charts
from salesops.insights.analytics import analyze, judge
from salesops.model import evaluate
from salesops.insights.peers import (
    COMPARE_COLUMNS,
    FIRMNESS,
    HEALTH_STATUSES,
    Benchmark,
    Metric,
    benchmarks,
    compare,
    metrics,
    peer_profiles,
    profile,
    suggest_profile,
)
from salesops.model.samples import load_sample, synthetic
from tests.apptest_support import app, goto, warm_server  # noqa: F401  (autouse: temp database, warm server)

PROFILES = ("startup", "midmarket", "enterprise")
# The metrics the Peer benchmarks page and Org analytics both judge, and Org analytics' flags for them.
SHARED = {
    "reps_per_ops_fte": ("reps_per_ops_fte",),
    "reps_per_manager": ("span_below", "span_above"),
    "attrition": ("attrition",),
    "sales_spend_share": ("sales_spend_share",),
}


def _compare(scenario, profile_id="midmarket"):
    results = evaluate(scenario)
    return compare(scenario, results, analyze(scenario, results), profile_id).set_index("metric_id")


# --------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------
def test_every_benchmark_has_a_source_and_a_firmness():
    known_metrics = {m.id for m in metrics()}
    for b in benchmarks():
        assert b.source.strip() and b.figure.strip() and b.unit.strip(), b.id
        assert b.firmness in FIRMNESS, b.id
        assert b.low <= b.high, b.id
        assert b.metric in known_metrics, b.id
    ids = [b.id for b in benchmarks()]
    assert len(ids) == len(set(ids))


def test_benchmark_figures_are_copied_from_the_reference():
    got = {b.id: (b.low, b.high, b.source, b.firmness) for b in benchmarks()}
    ag = "Alexander Group"
    expected = {
        "reps_per_ops_alexander": (10, 10, f'{ag}, "Rule of Five" Part V', "sourced"),
        "reps_per_ops_therevopsreport": (20, 30, "therevopsreport", "2nd-hand"),
        "reps_per_ops_prospeo": (30, 30, "prospeo", "2nd-hand"),
        "span_alexander": (5, 10, f'{ag}, "Rule of Five" Part I', "sourced"),
        "span_fullcast": (10, 10, 'Fullcast "Capacity Models" documentation', "sourced"),
        "sdr_span_bridge_topo": (8.1, 8.7, "Bridge Group / TOPO", "sourced"),
        "attrition_alexander_target": (0.1, 0.1, f'{ag}, "Rule of Five" Part IV', "sourced"),
        "attrition_alexander_warning": (0.15, 0.2, f'{ag}, "Rule of Five" Part IV', "sourced"),
        "attrition_cso": (0.258, 0.258, "CSO Insights", "2nd-hand"),
        "attrition_hbr": (0.27, 0.27, "HBR", "2nd-hand"),  # 27%, not "about 30%"
        "ramp_ae": (5, 5, "Bridge Group", "2nd-hand"),
        "ramp_sdr": (3, 3, "Bridge Group", "2nd-hand"),
        "selling_time_salesforce": (0.28, 0.28, "Salesforce State of Sales as quoted by blogs", "unconfirmed"),
        "selling_time_cso": (0.41, 0.41, "CSO Insights 2011 via Selling Power", "2nd-hand"),
        "selling_time_pace": (0.22, 0.22, "Pace Productivity", "2nd-hand"),
        # Credited to Alexander Group in many places; no primary source was found.
        "sales_spend_alexander": (
            0.03,
            0.1,
            "Often credited to Alexander Group; no primary source found",
            "unconfirmed",
        ),
        "attainment_bridge_2024": (0.51, 0.51, "Bridge Group", "2nd-hand"),
        "attainment_bridge_2022": (0.66, 0.66, "Bridge Group", "2nd-hand"),
        "attainment_xactly": (0.54, 0.54, "Xactly", "sourced"),
    }
    for bid, value in expected.items():
        assert got[bid] == value, bid
    figures = {b.id: b.figure for b in benchmarks()}
    assert figures["ramp_ae"] == "AE just under 5 months" and figures["attrition_hbr"] == "27%"


def test_derived_ops_cost_per_rep_band_is_illustrative_and_its_arithmetic_holds():
    b = next(b for b in benchmarks() if b.id == "ops_cost_per_rep_derived")
    salary = next(b for b in benchmarks() if b.id == "revops_salary")
    assert (salary.low, salary.high) == (111_000, 160_000)
    assert b.firmness == "illustrative" and "Derived" in b.source
    assert b.low == pytest.approx(111_000 * 1.2 / 30) and b.high == pytest.approx(160_000 * 1.2 / 10)
    loaded_mid = (111_000 + 160_000) / 2 * 1.2
    for p in peer_profiles():
        assert p.value("ops_cost_per_rep").value == pytest.approx(loaded_mid / p.value("reps_per_ops_fte").value)


def test_benchmark_refuses_unknown_firmness_and_inverted_ranges():
    with pytest.raises(ValueError, match="'rumour'"):
        Benchmark("x", "attrition", 0.1, 0.2, "share", "s", "rumour", "", "f")
    with pytest.raises(ValueError, match="benchmark 'x': low 0.3 is above high 0.2"):
        Benchmark("x", "attrition", 0.3, 0.2, "share", "s", "sourced", "", "f")


# --------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------
def test_profiles_cover_every_compared_metric_and_say_when_a_value_is_a_judgement():
    compared = {m.id for m in metrics() if m.compare}
    assert [p.id for p in peer_profiles()] == list(PROFILES)
    for p in peer_profiles():
        assert {v.metric for v in p.values} == compared, p.id
        for v in p.values:
            assert v.firmness in FIRMNESS and v.note.strip(), (p.id, v.metric)
            if v.firmness == "illustrative":
                assert "Judgement" in v.note or "Derived" in v.note, (p.id, v.metric)


def test_profile_values_that_are_published_figures_match_them():
    for p in peer_profiles():
        assert p.value("attrition").value == 0.258  # CSO Insights
        assert p.value("quota_attainment").value == 0.54  # Xactly
        assert p.value("selling_time_share").value == 0.28
        assert p.value("ramp_months").value == 5
        for mid in ("reps_per_ops_fte", "reps_per_manager", "sales_spend_share"):
            low = min(b.low for b in benchmarks() if b.metric == mid)
            high = max(b.high for b in benchmarks() if b.metric == mid)
            assert low <= p.value(mid).value <= high, (p.id, mid)


def test_unknown_profile_raises_naming_it_and_the_valid_ones():
    s = load_sample("startup")
    res = evaluate(s)
    with pytest.raises(ValueError, match=r"unknown peer profile 'scaleup'; profiles: startup, midmarket, enterprise"):
        compare(s, res, analyze(s, res), "scaleup")
    with pytest.raises(ValueError, match="'scaleup'"):
        profile("scaleup")
    with pytest.raises(KeyError, match="'nope'"):
        profile("startup").value("nope")


@pytest.mark.parametrize(
    "reps, expected",
    [
        (1, "startup"),
        (49, "startup"),
        (50, "midmarket"),
        (299, "midmarket"),
        (300, "enterprise"),
        (10_000, "enterprise"),
    ],
)
def test_suggest_profile_by_total_reps(reps, expected):
    assert suggest_profile(synthetic(reps, 1)) == expected


def test_suggest_profile_for_the_samples():
    assert [suggest_profile(load_sample(n)) for n in PROFILES] == list(PROFILES)


# --------------------------------------------------------------------------
# compare()
# --------------------------------------------------------------------------
def test_compare_columns_and_one_row_per_compared_metric():
    s = load_sample("midmarket")
    res = evaluate(s)
    table = compare(s, res, analyze(s, res), "midmarket")
    assert list(table.columns) == COMPARE_COLUMNS
    assert list(table["metric_id"]) == [m.id for m in metrics() if m.compare]
    assert table["source"].str.len().gt(0).all() and table["firmness"].isin(FIRMNESS).all()
    assert set(table["status"]) <= {"within", "below", "above", "n/a"}


def test_compare_midmarket_known_values():
    s = replace(load_sample("midmarket"), staffing="integer")  # whole FTE: 14 people, staffed for the peaks
    res = evaluate(s)
    t = _compare(s)
    assert t.loc["reps_per_ops_fte", "this_org"] == pytest.approx(120 / 14)
    assert t.loc["reps_per_ops_fte", "status"] == "below"  # under the 10:1 floor in whole people
    fractional = _compare(load_sample("midmarket"))  # shares of people's time: within the band
    assert 10 <= fractional.loc["reps_per_ops_fte", "this_org"] <= 30
    assert fractional.loc["reps_per_ops_fte", "status"] == "within"
    assert (t.loc["reps_per_ops_fte", "low"], t.loc["reps_per_ops_fte", "high"]) == (10, 30)
    assert t.loc["reps_per_ops_fte", "peer_value"] == 20
    assert t.loc["reps_per_ops_fte", "firmness"] == "2nd-hand"  # the weakest figure in the band
    assert t.loc["reps_per_manager", "this_org"] == pytest.approx(120 / 14)
    assert t.loc["reps_per_manager", "status"] == "within"
    assert t.loc["attrition", "this_org"] == 0.258 and t.loc["attrition", "status"] == "within"  # 10% to 30%
    assert t.loc["ramp_months", "status"] == "within"  # 5 months, the top of 3-5
    assert t.loc["quota_attainment", "status"] == "within"
    assert t.loc["selling_time_share", "this_org"] == pytest.approx(res.selling_time_share)
    assert t.loc["ops_cost_per_rep", "this_org"] == pytest.approx(res.sales_ops_cost_usd / 120)
    assert t.loc["sales_spend_share", "status"] == "n/a"  # needs the company's total revenue
    assert "Alexander Group" in t.loc["reps_per_ops_fte", "source"] and "prospeo" in t.loc["reps_per_ops_fte", "source"]


def test_compare_startup_is_over_served_on_sales_ops_in_whole_people():
    t = _compare(replace(load_sample("startup"), staffing="integer"), "startup")
    assert t.loc["reps_per_ops_fte", "this_org"] == pytest.approx(25 / 4)
    assert t.loc["reps_per_ops_fte", "status"] == "below"
    assert t.loc["ops_cost_per_rep", "status"] == "above"  # $605K / 25 reps = $24,200 > $19,200


def test_compare_startup_in_shares_of_people_sits_in_the_peer_band():
    """About two people's time for 25 reps: the 10-30 reps per revenue-ops person practitioners use."""
    s = load_sample("startup")
    t = _compare(s, "startup")
    fte = evaluate(s).sales_ops_fte
    assert 1.5 < fte < 2.5
    assert t.loc["reps_per_ops_fte", "this_org"] == pytest.approx(25 / fte)
    assert t.loc["reps_per_ops_fte", "status"] == "within"


@pytest.mark.parametrize(
    "field, value, metric, status",
    [
        ("attrition_per_year", 0.05, "attrition", "below"),
        ("attrition_per_year", 0.35, "attrition", "above"),
        ("attrition_per_year", 0.10, "attrition", "within"),
        ("quota_attainment", 0.5, "quota_attainment", "below"),
        ("quota_attainment", 0.7, "quota_attainment", "above"),
        ("ramp_months", 6.0, "ramp_months", "above"),
        ("ramp_months", 2.0, "ramp_months", "below"),
        ("baseline_selling_time_share", 0.1, "selling_time_share", "below"),  # ~2 hours a week back: still < 22%
    ],
)
def test_compare_statuses_follow_the_assumptions(field, value, metric, status):
    s = load_sample("midmarket").with_assumptions(**{field: value})
    t = _compare(s)
    assert t.loc[metric, "status"] == status
    if metric != "selling_time_share":
        assert t.loc[metric, "this_org"] == value


def test_compare_without_sales_ops_is_not_applicable():
    s = load_sample("startup")
    for plan in s.roles:
        s = s.without_role(plan.role.id)
    t = _compare(s, "startup")
    assert t.loc["reps_per_ops_fte", "status"] == "n/a" and math.isnan(t.loc["reps_per_ops_fte", "this_org"])
    assert t.loc["ops_cost_per_rep", "this_org"] == 0 and t.loc["ops_cost_per_rep", "status"] == "below"


# --------------------------------------------------------------------------
# The peer comparison chart
# --------------------------------------------------------------------------
@pytest.mark.parametrize("profile_id", PROFILES)
def test_peer_comparison_chart_is_a_valid_spec(profile_id, sample):
    res = evaluate(sample)
    table = compare(sample, res, analyze(sample, res), profile_id)
    chart = charts.peer_comparison_chart(table)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert "facet" in spec and spec["resolve"]["scale"]["x"] == "independent"
    json.dumps(spec, allow_nan=False)
    rows = charts.chart_spec("peer_comparison", table)["datasets"]["comparison"]
    assert [r["metric"] for r in rows] == list(table["metric"])


def test_peer_comparison_chart_shows_percent_and_thousands_and_skips_missing_values():
    s = load_sample("startup")
    for plan in s.roles:
        s = s.without_role(plan.role.id)
    res = evaluate(s)
    table = compare(s, res, analyze(s, res), "startup")
    rows = {r["metric"]: r for r in charts.chart_spec("peer_comparison", table)["datasets"]["comparison"]}
    attrition = rows["Rep attrition per year"]
    assert attrition["this_org"] == pytest.approx(25.8) and attrition["band_text"] == "10.0% to 27.0%"
    assert rows["Sales-ops cost per rep"]["high"] == pytest.approx(19.2)  # $K
    ops = rows["Reps per sales-ops FTE"]
    assert ops["this_org"] is None and ops["this_text"] == "n/a"
    json.dumps(charts.peer_comparison_chart(table).to_dict(), allow_nan=False)


# --------------------------------------------------------------------------
# Health: one rule shared with Org analytics
# --------------------------------------------------------------------------
def _no_sales_ops(name):
    s = load_sample(name)
    for plan in s.roles:
        s = s.without_role(plan.role.id)
    return s


HEALTH_CASES = {
    **{name: (lambda n=name: load_sample(n)) for name in PROFILES},
    **{
        f"{name}, attrition 12%": (lambda n=name: load_sample(n).with_assumptions(attrition_per_year=0.12))
        for name in PROFILES
    },
    "midmarket, attrition 15%": lambda: load_sample("midmarket").with_assumptions(attrition_per_year=0.15),
    "midmarket, revenue $500M": lambda: load_sample("midmarket").with_assumptions(company_revenue_usd=500e6),
    "midmarket, revenue $200M": lambda: load_sample("midmarket").with_assumptions(company_revenue_usd=200e6),
    "startup, 2 managers": lambda: load_sample("startup").with_region_headcount("na", 25, 2),
    "startup, 6 managers": lambda: load_sample("startup").with_region_headcount("na", 25, 6),
    "startup, no sales ops": lambda: _no_sales_ops("startup"),
}


@pytest.mark.parametrize("case", list(HEALTH_CASES))
def test_peer_health_is_the_org_analytics_verdict(case):
    scenario = HEALTH_CASES[case]()
    results = evaluate(scenario)
    analytics = analyze(scenario, results)
    table = compare(scenario, results, analytics, suggest_profile(scenario)).set_index("metric_id")
    for metric, rules in SHARED.items():
        flags = [analytics.flag(rule) for rule in rules]
        expected = "warning" if any(f.status == "warning" for f in flags) else "ok"
        health = table.loc[metric, "health"]
        if health == "n/a":  # nothing to judge: Org analytics passes the rule without a value
            assert expected == "ok" and all(f.value is None for f in flags), (case, metric)
        else:
            assert health == expected, (case, metric)
        assert table.loc[metric, "health_threshold"] == "; ".join(f.threshold for f in flags), (case, metric)


@pytest.mark.parametrize("name", PROFILES)
def test_cso_attrition_is_a_warning_on_both_pages_though_among_published_figures(name):
    s = load_sample(name)
    assert s.assumptions.attrition_per_year == 0.258
    res = evaluate(s)
    a = analyze(s, res)
    row = compare(s, res, a, name).set_index("metric_id").loc["attrition"]
    assert a.flag("attrition").status == "warning"
    assert row.health == "warning" and "15%" in row.health_threshold
    assert row.status == "within"  # 25.8% is itself a published figure: the band is a spread, not a norm


@pytest.mark.parametrize("attrition, health", [(0.12, "ok"), (0.149, "ok"), (0.15, "warning"), (0.258, "warning")])
def test_attrition_health_follows_the_fifteen_percent_rule(attrition, health):
    t = _compare(load_sample("midmarket").with_assumptions(attrition_per_year=attrition))
    assert t.loc["attrition", "health"] == health == judge("attrition", attrition).status


def test_health_columns_and_metrics_without_a_rule():
    t = _compare(load_sample("midmarket"))
    assert set(t["health"]) <= set(HEALTH_STATUSES)
    for m in metrics():
        if m.compare and not m.health_rules:
            assert (t.loc[m.id, "health"], t.loc[m.id, "health_threshold"]) == ("n/a", ""), m.id
    assert {m.id for m in metrics() if m.health_rules} == set(SHARED)
    assert {m.id: m.health_rules for m in metrics() if m.health_rules} == SHARED
    assert t.loc["sales_spend_share", "health"] == "n/a"  # no company revenue entered


def test_span_health_judges_the_front_line_average():
    t = _compare(load_sample("startup").with_region_headcount("na", 25, 2))
    assert t.loc["reps_per_manager", "this_org"] == 12.5 and t.loc["reps_per_manager", "health"] == "warning"
    # A region with reps and no managers: the regional VP is their front-line manager.
    s = load_sample("startup").with_region_headcount("na", 12, 0)
    res = evaluate(s)
    a = analyze(s, res)
    row = compare(s, res, a, "startup").set_index("metric_id").loc["reps_per_manager"]
    assert row.this_org == 12 and row.health == "warning" == a.flag("span_above").status


def test_no_sales_ops_is_under_served_on_both_pages():
    t = _compare(_no_sales_ops("startup"), "startup")
    assert math.isnan(t.loc["reps_per_ops_fte", "this_org"]) and t.loc["reps_per_ops_fte", "health"] == "warning"


def test_metric_refuses_an_unknown_health_rule():
    with pytest.raises(ValueError, match="metric 'x': unknown health rule\\(s\\) 'nope'"):
        Metric("x", "X", "share", "percent", True, ("nope",))


def test_peers_page_shows_the_health_check_beside_the_published_figures():
    at = goto(app(), "pages/peers.py")
    shown = at.dataframe[0].value.set_index("Metric")
    assert "Against the published band" not in shown.columns
    attrition = shown.loc["Rep attrition per year"]
    assert attrition["Health check (as Org analytics)"] == "Warning"
    assert attrition["Among published figures"] == "within the range"
    assert "15%" in attrition["Health rule"]
    assert shown.loc["Reps per sales-ops FTE", "Health check (as Org analytics)"] == "OK"  # 10:1 mid-market
    assert shown.loc["Ramp to full productivity", "Health check (as Org analytics)"] == "No rule"
    assert any("Rep attrition per year: 25.8%" in w.value for w in at.warning), [w.value for w in at.warning]
    goto(at, "pages/org_analytics.py")
    assert any("Rep attrition per year" in w.value for w in at.warning)
