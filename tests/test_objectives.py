"""The charter, its flags, KPIs against targets, and actuals (salesops.insights.objectives)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from salesops import charts
from salesops.model import evaluate
from salesops.insights.objectives import (
    MAX_PROBLEMS,
    TIME_PATH_KPIS,
    ActualsRejected,
    ObjectivesRejected,
    actual_series,
    actuals_template,
    charter_flags,
    default_charter,
    default_tolerance,
    effective_charter,
    first_period,
    kpi_status,
    kpi_table,
    kpi_targets,
    kpi_values,
    merge_actuals,
    objectives_from_rows,
    parse_actuals,
    period_month,
    projected_series,
    target_sources,
    with_charter,
)
from salesops.model.plan_items import FUNCTIONS, KPIS, Actual, Objective, PlanItemError
from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample
from salesops.model.scenario import RolePlan, Scenario

KPI_LIST = ", ".join(KPIS)


@pytest.fixture(scope="module")
def midmarket():
    # Whole FTE (the model staffs in fractions by default): the KPI arithmetic below counts people,
    # 14 FTE for 120 reps (teams staffed for their quarter-end and planning-season peaks).
    scenario = replace(load_sample("midmarket"), staffing="integer")
    return scenario, evaluate(scenario)


# --------------------------------------------------------------------------
# Charter
# --------------------------------------------------------------------------
def test_default_charter_follows_the_catalog():
    charter = default_charter()
    assert list(charter) == list(FUNCTIONS)
    assert charter["forecasting"] == "leads"  # analytics leads it
    assert charter["lead management"] == "supports"  # marketing ops supports it
    assert charter["hiring support"] == "supports"  # enablement supports it
    assert charter["pricing support"] == "leads"  # deal desk leads it
    assert charter["reporting and BI"] == "leads"  # CRM admin and analytics both lead it
    assert set(charter.values()) <= {"leads", "supports"}


def test_a_function_no_role_lists_defaults_to_supports():
    catalog = load_catalog()
    charter = default_charter({"deal_desk": catalog["deal_desk"]})
    assert charter["deal desk"] == "leads"
    assert charter["forecasting"] == "supports"
    assert charter["compensation administration"] == "supports"


def test_a_function_led_by_one_role_and_supported_by_another_is_led():
    catalog = load_catalog()
    supporter = replace(catalog["marketing_ops"], id="x", functions=("forecasting",))
    assert default_charter({"x": supporter})["forecasting"] == "supports"
    assert default_charter({"x": supporter, "analytics": catalog["analytics"]})["forecasting"] == "leads"


def test_with_charter_stores_only_changes_and_changing_back_restores_the_scenario(midmarket):
    scenario, _ = midmarket
    changed = with_charter(scenario, "pricing support", "not ours")
    assert [(e.function, e.relation) for e in changed.charter] == [("pricing support", "not ours")]
    assert effective_charter(changed)["pricing support"] == "not ours"
    assert effective_charter(changed)["deal desk"] == "leads"
    assert with_charter(changed, "pricing support", "leads") == scenario
    assert Scenario.from_json(changed.to_json()) == changed


def test_with_charter_names_a_bad_function_or_relation(midmarket):
    scenario, _ = midmarket
    with pytest.raises(PlanItemError, match="unknown function 'fortune telling'"):
        with_charter(scenario, "fortune telling", "leads")
    with pytest.raises(PlanItemError, match=r"charter\[deal desk\]: relation must be one of"):
        with_charter(scenario, "deal desk", "owns")


def test_the_samples_at_their_defaults(midmarket):
    scenario, _ = midmarket
    assert charter_flags(scenario) == []
    assert charter_flags(load_sample("enterprise")) == []
    # The startup has no planning role, so the functions the catalog leads through it are gaps.
    startup = charter_flags(load_sample("startup"))
    assert [(f.kind, f.function) for f in startup] == [
        ("gap", "territory and quota"),
        ("gap", "compensation administration"),
    ]


def test_gap_when_a_led_function_has_no_covering_role(midmarket):
    scenario, _ = midmarket
    flags = charter_flags(scenario.without_role("analytics"))
    assert len(flags) == 1  # reporting and BI is still covered by the CRM admins
    flag = flags[0]
    assert (flag.kind, flag.function, flag.roles) == ("gap", "forecasting", ("analytics",))
    assert flag.message == (
        "Sales ops leads forecasting, but no role in this scenario covers it: add Sales "
        "analytics and forecasting (Org designer page), or change the charter to 'supports' "
        "or 'not ours'."
    )


def test_no_gap_when_the_function_is_only_supported_or_not_ours(midmarket):
    scenario, _ = midmarket
    without = scenario.without_role("analytics")
    assert charter_flags(with_charter(without, "forecasting", "supports")) == []
    assert charter_flags(with_charter(without, "forecasting", "not ours")) == []
    # lead management is only supported: removing marketing ops leaves no gap
    assert charter_flags(scenario.without_role("marketing_ops")) == []


def test_a_manual_role_with_no_fte_covers_nothing(midmarket):
    scenario, _ = midmarket
    empty = replace(scenario.plan("analytics"), sizing="manual", central_fte=0.0, local_fte=())
    flags = charter_flags(scenario.with_plan(empty))
    assert [(f.kind, f.function) for f in flags] == [("gap", "forecasting")]


def test_dumping_ground_flag(midmarket):
    scenario, _ = midmarket
    flags = charter_flags(with_charter(scenario, "pricing support", "not ours"))
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.kind, flag.function, flag.roles) == ("dumping_ground", "pricing support", ("deal_desk",))
    assert flag.message == "Deal desk spends time on pricing support, which the charter says is not ours."


def test_dumping_ground_names_every_role_doing_the_work(midmarket):
    scenario, _ = midmarket
    [flag] = charter_flags(with_charter(scenario, "reporting and BI", "not ours"))
    assert flag.roles == ("crm_admin", "analytics")
    assert flag.message == (
        "CRM / sales systems administration and Sales analytics and forecasting spend time on "
        "reporting and BI, which the charter says is not ours."
    )


def test_gaps_come_before_dumping_grounds(midmarket):
    scenario, _ = midmarket
    changed = with_charter(scenario.without_role("analytics"), "pricing support", "not ours")
    assert [f.kind for f in charter_flags(changed)] == ["gap", "dumping_ground"]


def test_a_scenario_without_roles_has_a_gap_for_every_led_function(midmarket):
    scenario, _ = midmarket
    bare = replace(scenario, roles=())
    led = [f for f, r in default_charter().items() if r == "leads"]
    assert [f.function for f in charter_flags(bare)] == led


# --------------------------------------------------------------------------
# KPIs, targets, status
# --------------------------------------------------------------------------
def test_kpi_values_on_the_midmarket_sample_equal_the_results(midmarket):
    scenario, res = midmarket
    values = kpi_values(scenario, res)
    assert list(values) == list(KPIS)
    assert values["productivity_per_rep"] == res.productivity_per_rep_usd
    assert values["selling_time_share"] == res.selling_time_share
    assert values["quota_attainment"] == scenario.assumptions.quota_attainment == 0.54
    assert values["ops_cost_per_rep"] == res.ops_cost_per_rep_usd
    assert res.sales_ops_fte == 14.0
    assert values["reps_per_ops_fte"] == res.reps_per_ops_fte == 120 / 14
    assert values["roi"] == res.roi
    demand = {r.role_id: sum(s.demand_per_week for s in res.services if s.role_id == r.role_id) for r in res.roles}
    expected = sum(r.mean_response_hours * demand[r.role_id] for r in res.roles) / sum(demand.values())
    assert values["response_hours"] == pytest.approx(expected, rel=1e-12)
    assert (
        min(r.mean_response_hours for r in res.roles)
        < values["response_hours"]
        < max(r.mean_response_hours for r in res.roles)
    )


def test_kpi_values_without_sales_ops_are_nan_where_undefined(midmarket):
    scenario, _ = midmarket
    bare = replace(scenario, roles=())
    values = kpi_values(bare, evaluate(bare))
    assert math.isnan(values["reps_per_ops_fte"]) and math.isnan(values["response_hours"])
    assert values["ops_cost_per_rep"] == 0.0


def test_default_targets_carry_their_sources(midmarket):
    scenario, res = midmarket
    targets = kpi_targets(scenario, res)
    assert list(targets) == list(KPIS)
    reps = targets["reps_per_ops_fte"]
    assert (reps.target, reps.from_objective, reps.firmness) == (10.0, False, "sourced")
    assert "Alexander Group" in reps.source
    assert targets["quota_attainment"].target == 0.54 and "Xactly" in targets["quota_attainment"].source
    assert targets["productivity_per_rep"].target == pytest.approx(1.04 * res.baseline_productivity_per_rep_usd)
    assert targets["selling_time_share"].target == pytest.approx(1.08 * res.baseline_selling_time_share)
    assert targets["roi"].target == 0.5
    assert {targets[k].firmness for k in ("selling_time_share", "roi")} == {"model assumption"}
    assert all(t.tolerance == default_tolerance() == 0.05 for t in targets.values())
    assert all(t.source for t in targets.values())
    sources = target_sources()
    assert list(sources["kpi"]) == list(KPIS) and sources["source"].str.len().min() > 20


def test_an_objective_replaces_the_default_target_and_the_first_due_counts(midmarket):
    scenario, res = midmarket
    scenario = replace(
        scenario,
        objectives=(
            Objective("late", "reps_per_ops_fte", 10, 25, due="2027-06-30"),
            Objective("undated", "reps_per_ops_fte", 10, 30),
            Objective("soon", "reps_per_ops_fte", 10, 15, due="2026-12-31", title="Leaner ops"),
        ),
    )
    target = kpi_targets(scenario, res)["reps_per_ops_fte"]
    assert (target.target, target.from_objective, target.objective_id) == (15.0, True, "soon")
    assert target.source == "objective 'soon': Leaner ops"
    row = kpi_table(scenario, res).set_index("kpi").loc["reps_per_ops_fte"]
    assert row["status"] == "off-track" and row["gap"] == pytest.approx(120 / 14 - 15)


def test_kpi_table_statuses_on_the_midmarket_sample(midmarket):
    scenario, res = midmarket
    table = kpi_table(scenario, res).set_index("kpi")
    assert table["status"].to_dict() == {
        "productivity_per_rep": "on-track",
        "selling_time_share": "on-track",
        "quota_attainment": "on-track",
        "ops_cost_per_rep": "on-track",
        # 14 whole people for 120 reps: below the 10:1 benchmark, and a run-rate ROI of 43% under the 50% hurdle
        "reps_per_ops_fte": "off-track",
        "roi": "off-track",
        "response_hours": "on-track",
    }
    assert (table["actual_status"] == "no data").all()


# --------------------------------------------------------------------------
# Default targets the shipped samples can meet, and a weaker design can miss
# --------------------------------------------------------------------------
SAMPLES = ("startup", "midmarket", "enterprise")


def _low_roi_midmarket() -> Scenario:
    """The mid-market sample with three teams moved out of the centre: same reps, costlier sales ops.

    In whole FTE: every embedded team is at least one person, as a client hiring people would staff it.
    """
    s = replace(load_sample("midmarket"), staffing="integer")
    for role_id, placement in (("deal_desk", "localized"), ("analytics", "localized"), ("crm_admin", "hybrid")):
        s = s.with_placement(role_id, placement)
    return s


def test_default_roi_target_is_a_hurdle_above_break_even(midmarket):
    scenario, res = midmarket
    roi = kpi_targets(scenario, res)["roi"]
    assert roi.target > 0 and not roi.from_objective
    note = target_sources().set_index("kpi").loc["roi"]
    assert note["firmness"] == "model assumption" and "1.5 dollars" in note["source"]


def test_a_low_roi_design_is_not_on_track():
    s = _low_roi_midmarket()
    res = evaluate(s)
    assert res.roi < 0.5 * evaluate(load_sample("midmarket")).roi  # far below the sample's own design
    row = kpi_table(s, res).set_index("kpi").loc["roi"]
    assert row["status"] in ("at-risk", "off-track")


@pytest.mark.parametrize(
    "name, staffing, status",
    [
        ("startup", "continuous", "on-track"),
        ("midmarket", "continuous", "on-track"),
        ("enterprise", "continuous", "on-track"),
        # Whole people do not clear the hurdle: four for 25 reps, or fourteen for 120 (staffed for the
        # quarter-end peaks); shares of people's time do.
        ("startup", "integer", "off-track"),
        ("midmarket", "integer", "off-track"),
    ],
)
def test_roi_status_of_the_samples_at_their_defaults(name, staffing, status):
    s = replace(load_sample(name), staffing=staffing)
    assert kpi_table(s, evaluate(s)).set_index("kpi").loc["roi", "status"] == status


@pytest.mark.parametrize("name", SAMPLES)
def test_selling_time_target_is_reachable_on_the_samples(name):
    s = load_sample(name)
    res = evaluate(s)
    target = kpi_targets(s, res)["selling_time_share"]
    assert res.baseline_selling_time_share < target.target <= res.selling_time_share
    assert kpi_table(s, res).set_index("kpi").loc["selling_time_share", "status"] == "on-track"


@pytest.mark.parametrize("name", SAMPLES)
def test_selling_time_target_is_not_met_without_sales_ops(name):
    bare = replace(load_sample(name), roles=())
    res = evaluate(bare)
    assert res.selling_time_share == res.baseline_selling_time_share
    row = kpi_table(bare, res).set_index("kpi").loc["selling_time_share"]
    assert row["value"] < row["target"] and row["status"] != "on-track"


def test_selling_time_note_keeps_the_published_figure():
    note = target_sources().set_index("kpi").loc["selling_time_share"]
    assert note["target"] == "1.08 x baseline selling time share"
    assert "41%" in note["note"] and "CSO Insights" in note["note"]


def test_kpi_table_reads_the_latest_actual(midmarket):
    scenario, res = midmarket
    scenario = replace(
        scenario, actuals=(Actual("2026-Q1", "roi", 0.5), Actual("2026-03", "roi", -0.2), Actual("2026-02", "roi", 2.0))
    )
    row = kpi_table(scenario, res).set_index("kpi").loc["roi"]
    assert (row["latest_period"], row["latest_actual"], row["actual_status"]) == ("2026-03", -0.2, "off-track")


@pytest.mark.parametrize(
    ("value", "target", "higher", "expected"),
    [
        (10.0, 10.0, True, "on-track"),  # exactly on target
        (12.0, 10.0, True, "on-track"),  # beaten
        (9.5, 10.0, True, "at-risk"),  # exactly at the edge of the 5% band
        (9.6, 10.0, True, "at-risk"),  # within tolerance
        (9.49, 10.0, True, "off-track"),  # just beyond
        (8.0, 8.0, False, "on-track"),  # lower is better, exactly on target
        (4.0, 8.0, False, "on-track"),
        (8.4, 8.0, False, "at-risk"),  # lower is better, at the edge (8 * 1.05)
        (8.41, 8.0, False, "off-track"),
        (-0.01, 0.0, True, "off-track"),  # a zero target has no at-risk band
        (-1.05, -1.0, True, "at-risk"),  # a negative target: the band is 5% of its size
        (math.nan, 10.0, True, "no data"),
        (None, 10.0, True, "no data"),
    ],
)
def test_kpi_status_boundaries(value, target, higher, expected):
    assert kpi_status(value, target, higher, 0.05) == expected


def test_kpi_status_default_and_custom_tolerance():
    assert kpi_status(95, 100, True) == "at-risk"
    assert kpi_status(95, 100, True, tolerance=0.01) == "off-track"
    assert kpi_status(80, 100, True, tolerance=0.2) == "at-risk"
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        kpi_status(1, 2, True, tolerance=-0.1)


# --------------------------------------------------------------------------
# Actuals
# --------------------------------------------------------------------------
def test_parse_actuals_good_file():
    data = (
        "\ufeffPeriod , KPI, Value ,note\n"
        '2026-01, productivity_per_rep , "$510,250",first month\n'
        "\n"
        "2026-01,Selling-time share,31.5%,\n"
        "2026-q1,roi,1.2,\n"
        "2026-02,reps_per_ops_fte,11,\n"
        "2026-02,response_hours,5.5,\n"
        "2026-02,quota_attainment,0.52,\n"
        "2026-02,ops_cost_per_rep,15000,\n"
        "2026-03,roi,-35%,\n"
    ).encode("utf-8")
    got = parse_actuals(data)
    assert got == [
        Actual("2026-01", "productivity_per_rep", 510250.0),
        Actual("2026-01", "selling_time_share", 0.315),
        Actual("2026-Q1", "roi", 1.2),
        Actual("2026-02", "reps_per_ops_fte", 11.0),
        Actual("2026-02", "response_hours", 5.5),
        Actual("2026-02", "quota_attainment", 0.52),
        Actual("2026-02", "ops_cost_per_rep", 15000.0),
        Actual("2026-03", "roi", -0.35),
    ]


def test_parse_actuals_semicolons_and_crlf():
    assert parse_actuals(b"period;kpi;value\r\n2026-04;roi;1.5\r\n") == [Actual("2026-04", "roi", 1.5)]


def test_the_template_parses_back(midmarket):
    scenario, res = midmarket
    values = kpi_values(scenario, res)
    got = parse_actuals(actuals_template(values, "2026-05"))
    assert [a.kpi for a in got] == list(KPIS)
    for a in got:
        assert a.period == "2026-05" and a.value == pytest.approx(values[a.kpi], rel=1e-5)
    blank = actuals_template().decode()
    assert blank.splitlines()[0] == "period,kpi,value" and blank.splitlines()[1] == "2026-01,productivity_per_rep,"


HEADER = "period,kpi,value\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty; it needs a header row period,kpi,value and one row per value"),
        (b"\xef\xbb\xbf  \n\n", "the file is empty; it needs a header row period,kpi,value and one row per value"),
        (b"period,kpi,value\n", "the file has a header but no data rows (from row 2)"),
        (
            b"period,kpi,amount\n2026-01,roi,1\n",
            "row 1: missing column(s) 'value'; the file needs the columns period, kpi, value (found 'period', 'kpi', "
            "'amount')",
        ),
        (b"period,kpi,value,value\n2026-01,roi,1,2\n", "row 1: column 'value' appears more than once in the header"),
        ((HEADER + "2026-01,roi,1\n2026-02,roi,abc\n").encode(), "row 3, column 'value': 'abc' is not a number"),
        (
            (HEADER + "2026-01,roi,1\n2026-13,roi,1\n").encode(),
            "row 3, column 'period': '2026-13' is not YYYY-MM or YYYY-Qn",
        ),
        ((HEADER + "2026-Q5,roi,1\n").encode(), "row 2, column 'period': '2026-Q5' is not YYYY-MM or YYYY-Qn"),
        (
            (HEADER + "2026-01,roi,1\n2026-02,roi,1\n2026-03,roi,1\n2026-04,roi,1\n2026-05,nps,40\n").encode(),
            f"row 6, column 'kpi': unknown KPI 'nps'; KPIs: {KPI_LIST}",
        ),
        (
            (HEADER + "2026-01,roi,1.1\n2026-02,roi,1.2\n2026-01,ROI,1.3\n").encode(),
            "row 4, columns 'period' and 'kpi': 2026-01 roi is already given in row 2",
        ),
        ((HEADER + "2026-01,roi,\n").encode(), "row 2, column 'value': empty; give a number"),
        ((HEADER + ",roi,1\n").encode(), "row 2, column 'period': empty; give YYYY-MM or YYYY-Qn"),
        ((HEADER + "2026-01,,1\n").encode(), f"row 2, column 'kpi': empty; KPIs: {KPI_LIST}"),
        (
            (HEADER + "2026-01,selling_time_share,32\n").encode(),
            "row 2, column 'value': 32 is not a share between 0 and 1 for selling_time_share (write 0.32 or 32%)",
        ),
        (
            (HEADER + "2026-01,ops_cost_per_rep,-5\n").encode(),
            "row 2, column 'value': -5 is negative; ops_cost_per_rep cannot be below 0",
        ),
        (
            (HEADER + "2026-01,reps_per_ops_fte,12%\n").encode(),
            "row 2, column 'value': '12%' is a percentage, but reps_per_ops_fte is in reps",
        ),
        ((HEADER + "2026-01,roi,nan\n").encode(), "row 2, column 'value': 'nan' is not a finite number"),
        ((HEADER + "2026-01,roi,1_000\n").encode(), "row 2, column 'value': '1_000' is not a number"),
        ((HEADER + "2026-01,roi,1,extra\n").encode(), "row 2: 4 values but the header names 3 columns"),
        (
            b"period,kpi,value\n2026-01,roi,\xe9\n",
            "the file is not UTF-8 text (byte 0xe9 at position 29); save it as CSV UTF-8",
        ),
        (b"PK\x03\x04\x00\x00binary", "the file contains NUL bytes: it is not a CSV text file"),
    ],
)
def test_parse_actuals_rejects_with_the_row_and_column(data, message):
    with pytest.raises(ActualsRejected) as info:
        parse_actuals(data)
    assert message in info.value.problems, info.value.problems


def test_parse_actuals_lists_every_problem_up_to_the_limit():
    rows = "".join(f"2026-{m:02d},roi,x{m}\n" for m in range(1, 13)) + "".join(
        f"{2030 + i}-13,nps,1\n" for i in range(20)
    )
    with pytest.raises(ActualsRejected) as info:
        parse_actuals((HEADER + rows).encode())
    exc = info.value
    assert exc.total == 12 + 20 * 2 and len(exc.problems) == MAX_PROBLEMS
    assert exc.problems[0] == "row 2, column 'value': 'x1' is not a number"
    assert str(exc).endswith(f"; and {exc.total - MAX_PROBLEMS} more problem(s)")


def test_parse_actuals_is_all_or_nothing():
    with pytest.raises(ActualsRejected) as info:
        parse_actuals((HEADER + "2026-01,roi,1\n2026-02,roi,oops\n2026-03,roi,1\n").encode())
    assert info.value.problems == ("row 3, column 'value': 'oops' is not a number",)


def test_merge_actuals_replaces_the_same_period_and_kpi():
    existing = (
        Actual("2026-02", "roi", 1.0),
        Actual("2026-01", "roi", 0.5),
        Actual("2026-01", "productivity_per_rep", 500_000.0),
    )
    new = [Actual("2026-02", "roi", 1.4), Actual("2026-Q1", "roi", 1.1), Actual("2026-03", "selling_time_share", 0.3)]
    merged = merge_actuals(existing, new)
    assert merged == (
        Actual("2026-01", "productivity_per_rep", 500_000.0),
        Actual("2026-01", "roi", 0.5),
        Actual("2026-02", "roi", 1.4),
        Actual("2026-Q1", "roi", 1.1),
        Actual("2026-03", "selling_time_share", 0.3),
    )
    assert merge_actuals(merged, []) == merged == merge_actuals(merged, merged)
    assert merge_actuals((), ()) == ()


# --------------------------------------------------------------------------
# Projected against actual
# --------------------------------------------------------------------------
def test_period_month():
    assert period_month("2026-07") == (2026, 7)
    assert [period_month(f"2026-Q{q}") for q in range(1, 5)] == [(2026, 3), (2026, 6), (2026, 9), (2026, 12)]
    with pytest.raises(ValueError, match="'2026-7' is not YYYY-MM or YYYY-Qn"):
        period_month("2026-7")


def test_actual_series_maps_periods_to_months_from_the_first_actual():
    actuals = [
        Actual("2026-Q1", "roi", 0.1),
        Actual("2026-02", "selling_time_share", 0.3),
        Actual("2026-04", "roi", 0.4),
        Actual("2027-01", "roi", 0.9),
    ]
    assert first_period(actuals) == "2026-Q1"
    roi = actual_series(actuals, "roi")
    assert roi.to_dict("records") == [
        {"period": "2026-Q1", "month": 3, "value": 0.1},
        {"period": "2026-04", "month": 4, "value": 0.4},
        {"period": "2027-01", "month": 13, "value": 0.9},
    ]
    assert actual_series(actuals, "selling_time_share")["month"].tolist() == [2]
    assert actual_series(actuals, "response_hours").empty
    assert actual_series([], "roi").empty and first_period([]) is None
    assert actual_series([Actual("2025-11", "roi", 1.0), Actual("2026-Q1", "roi", 2.0)], "roi")["month"].tolist() == [
        1,
        5,
    ]


def test_projected_series(midmarket):
    scenario, res = midmarket
    months = len(res.projection)
    productivity = projected_series(scenario, res, "productivity_per_rep")
    assert list(productivity.columns) == ["month", "value"] and productivity["month"].tolist() == list(
        range(1, months + 1)
    )
    assert productivity["value"].iloc[0] < productivity["value"].iloc[-1]
    assert productivity["value"].iloc[-1] == pytest.approx(res.productivity_per_rep_usd, rel=1e-9)
    roi = projected_series(scenario, res, "roi")["value"]
    assert roi.iloc[0] < 0 < roi.iloc[-1] < res.roi
    assert roi.iloc[-1] == pytest.approx(res.roi_3yr, rel=1e-9)
    cost = projected_series(scenario, res, "ops_cost_per_rep")["value"]
    lag = int(scenario.assumptions.ops_hiring_lag_months)  # nothing paid before the staff start
    assert cost.tolist() == pytest.approx([0.0] * lag + [res.ops_cost_per_rep_usd] * (months - lag))
    values = kpi_values(scenario, res)
    for kpi in set(KPIS) - TIME_PATH_KPIS:
        flat = projected_series(scenario, res, kpi)["value"]
        assert len(flat) == months and (flat == values[kpi]).all()
    with pytest.raises(ValueError, match="unknown KPI 'nps'"):
        projected_series(scenario, res, "nps")


def test_kpi_track_chart(midmarket):
    scenario, res = midmarket
    actuals = [Actual("2026-01", "roi", -0.5), Actual("2026-Q1", "roi", -0.1)]
    for kpi in KPIS:
        chart = charts.kpi_track_chart(kpi, projected_series(scenario, res, kpi), actual_series(actuals, kpi), 1.0)
        spec = chart.to_dict()
        series = {row["series"] for row in spec["datasets"]["track"]}
        assert series == ({"Projected", "Actual", "Target"} if kpi == "roi" else {"Projected", "Target"})
    spec = charts.kpi_track_spec("roi", projected_series(scenario, res, "roi"), actual_series(actuals, "roi"), None)
    assert [r["period"] for r in spec["datasets"]["actual"]] == ["2026-01", "2026-Q1"]
    assert "Target" not in {r["series"] for r in spec["datasets"]["track"]}
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".0%"


# --------------------------------------------------------------------------
# Objectives from the edited table
# --------------------------------------------------------------------------
def test_objectives_from_rows_good():
    rows = [
        {
            "id": "o1",
            "title": "Lean ops",
            "kpi": "reps_per_ops_fte",
            "baseline": 10,
            "target": 15.0,
            "owner": "VP Sales Ops",
            "due": pd.Timestamp("2026-12-31"),
        },
        {
            "id": None,
            "title": "",
            "kpi": "Sales-ops response time",
            "baseline": None,
            "target": 6,
            "owner": None,
            "due": pd.NaT,
        },
        {"id": None, "title": None, "kpi": None, "baseline": None, "target": None, "owner": None, "due": None},
    ]
    got = objectives_from_rows(rows, current={"response_hours": 4.5})
    assert got == (
        Objective("o1", "reps_per_ops_fte", 10.0, 15.0, owner="VP Sales Ops", due="2026-12-31", title="Lean ops"),
        Objective("obj-1", "response_hours", 4.5, 6.0),
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "o1", "kpi": "roi", "baseline": 1.0, "target": None}, "row 1, field 'target' is empty; give a number"),
        ({"id": "o1", "kpi": "roi", "baseline": 1.0, "target": "abc"}, "row 1, field 'target': 'abc' is not a number"),
        (
            {"id": "o1", "kpi": "roi", "baseline": 1.0, "target": float("inf")},
            "row 1, field 'target': inf is not a finite number",
        ),
        (
            {"id": "o1", "kpi": "nps", "baseline": 1.0, "target": 2.0},
            f"row 1, field 'kpi': unknown KPI 'nps'; KPIs: {KPI_LIST}",
        ),
        (
            {"id": "o1", "kpi": None, "baseline": 1.0, "target": 2.0},
            f"row 1, field 'kpi' is empty; choose one of {KPI_LIST}",
        ),
        (
            {"id": "o1", "kpi": "roi", "baseline": None, "target": 2.0},
            "row 1, field 'baseline' is empty; give a number",
        ),
        (
            {"id": "o1", "kpi": "roi", "baseline": 1, "target": 2.0, "due": "next year"},
            "row 1, field 'due': 'next year' is not a date YYYY-MM-DD",
        ),
    ],
)
def test_objectives_from_rows_names_the_row_and_field(row, message):
    with pytest.raises(ObjectivesRejected) as info:
        objectives_from_rows([row])
    assert info.value.problems == (message,)


def test_objectives_from_rows_duplicate_id_names_both_rows():
    rows = [
        {"id": "o1", "kpi": "roi", "baseline": 1, "target": 2},
        {"id": "o2", "kpi": "roi", "baseline": 1, "target": 2},
        {"id": "o1", "kpi": "roi", "baseline": 1, "target": 3},
    ]
    with pytest.raises(ObjectivesRejected) as info:
        objectives_from_rows(rows)
    assert info.value.problems == ("row 3, field 'id': 'o1' is already used in row 1",)


def test_objectives_survive_a_json_round_trip(midmarket):
    scenario, _ = midmarket
    objectives = objectives_from_rows([{"id": "o1", "kpi": "roi", "baseline": 1.4, "target": 1.6, "due": "2026-06-30"}])
    changed = replace(scenario, objectives=objectives, actuals=(Actual("2026-Q2", "roi", 1.5),))
    assert Scenario.from_json(changed.to_json()) == changed


def test_blank_baseline_without_a_model_value_is_a_problem():
    with pytest.raises(ObjectivesRejected, match="row 1, field 'baseline' is empty"):
        objectives_from_rows([{"kpi": "reps_per_ops_fte", "target": 12}], current={"reps_per_ops_fte": math.nan})


def test_role_plan_fixture_sanity():
    # A role added from the catalog covers its functions (the Org designer's "Add role").
    bare = replace(load_sample("startup"))
    with_planning = bare.with_plan(RolePlan(role=load_catalog()["planning"]))
    assert charter_flags(with_planning) == []
