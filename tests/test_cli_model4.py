"""The command line states model-4 assumptions and calibrates: ``--set``, ``--process``,
``--current-model``, and the ``assumptions`` and ``calibrate`` commands."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import fields, replace
from pathlib import Path

import pytest

from salesops.cli import main
from salesops.cli.inputs import MODEL_4_ASSUMPTIONS
from salesops.model import evaluate
from salesops.model.calibration import calibrate
from salesops.model.plausibility import DESIGN_MAX_SELLING_TIME_GAIN
from salesops.model.samples import load_sample
from salesops.model.scenario import Assumptions, Scenario, assumption_info


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def one_error(capsys, *argv: str, code: int = 2) -> str:
    """Run a failing command line: exactly one ``error:`` line on stderr, nothing on stdout."""
    got, out, err = run(capsys, *argv)
    assert got == code, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


def old_model(tmp_path: Path) -> Path:
    """The mid-market sample as a file made with model version 2 (whole FTE, no model-4 terms)."""
    path = tmp_path / "old.json"
    path.write_text(replace(load_sample("midmarket"), staffing="integer", model_version=2).to_json(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# --set
# --------------------------------------------------------------------------
def test_set_changes_exactly_the_named_assumption(capsys):
    base = {r["name"]: r["value"] for r in run_json(capsys, "assumptions", "enterprise")}
    lagged = {
        r["name"]: r["value"] for r in run_json(capsys, "assumptions", "enterprise", "--set", "ops_hiring_lag_months=6")
    }
    changed = {name for name in base if base[name] != lagged[name]}
    assert changed == {"ops_hiring_lag_months"}
    assert lagged["ops_hiring_lag_months"] == 6.0
    data = run_json(capsys, "evaluate", "enterprise", "--set", "ops_hiring_lag_months=6")
    assert data == evaluate(load_sample("enterprise").with_assumptions(ops_hiring_lag_months=6.0)).to_dict()


def test_a_six_month_hiring_lag_pays_back_later_and_leaves_the_yearly_value_alone(capsys):
    # No cost and no benefit before the new staff start: the cash flow shifts later, the steady state does not.
    base = run_json(capsys, "evaluate", "enterprise")
    lagged = run_json(capsys, "evaluate", "enterprise", "--set", "ops_hiring_lag_months=6")
    assert base["payback_months"] is not None and lagged["payback_months"] is not None
    assert lagged["payback_months"] > base["payback_months"]
    assert lagged["npv"] < base["npv"]
    assert lagged["roi_3yr"] < base["roi_3yr"]
    for key in ("net_value", "roi", "control_value", "sales_ops_cost", "gross_margin_uplift"):
        assert lagged[key] == pytest.approx(base[key], rel=1e-12), key


def test_more_discount_leakage_raises_the_control_value(capsys):
    low = run_json(capsys, "evaluate", "enterprise", "--set", "discount_leakage_share=0.001")
    base = run_json(capsys, "evaluate", "enterprise")
    high = run_json(capsys, "evaluate", "enterprise", "--set", "discount_leakage_share=0.02")
    assert low["control_value"] < base["control_value"] < high["control_value"]
    assert low["net_value"] < base["net_value"] < high["net_value"]
    assert high["sales_ops_cost"] == base["sales_ops_cost"]  # control is bought by the design, not by more staff


def test_shares_may_be_percentages_and_a_later_set_wins(capsys):
    as_fraction = run_json(capsys, "evaluate", "midmarket", "--set", "discount_leakage_share=0.015")
    as_percent = run_json(capsys, "evaluate", "midmarket", "--set", "Discount-Leakage-Share = 1.5%")
    assert as_percent == as_fraction
    twice = run_json(
        capsys, "evaluate", "midmarket", "--set", "discount_leakage_share=5%", "--set", "discount_leakage_share=0.015"
    )
    assert twice == as_fraction


def test_sets_are_checked_together_so_their_order_never_refuses_them(capsys):
    # Raising the baseline above the old cap is valid once the cap is raised too, in either order.
    a = run_json(
        capsys,
        "evaluate",
        "midmarket",
        "--set",
        "baseline_selling_time_share=70%",
        "--set",
        "max_selling_time_share=0.8",
    )
    b = run_json(
        capsys,
        "evaluate",
        "midmarket",
        "--set",
        "max_selling_time_share=0.8",
        "--set",
        "baseline_selling_time_share=0.7",
    )
    assert a == b and a["baseline_selling_time_share"] == pytest.approx(0.7)


def test_set_follows_placement(capsys):
    data = run_json(capsys, "evaluate", "enterprise", "--set", "peak_cover=0.9", "-p", "all=localized")
    expected = evaluate(load_sample("enterprise").with_placement("all", "localized").with_assumptions(peak_cover=0.9))
    assert data == expected.to_dict()


@pytest.mark.parametrize(
    "typed, closest",
    [("hiring_lag", "ops_hiring_lag_months"), ("leakage", "discount_leakage_share"), ("peak_cuver", "peak_cover")],
)
def test_an_unknown_assumption_names_the_closest_and_the_list_command(capsys, typed, closest):
    line = one_error(capsys, "evaluate", "midmarket", "--set", f"{typed}=6")
    assert f"unknown assumption {typed!r}" in line
    assert f"closest: {closest}" in line
    assert "'python -m salesops assumptions' lists them all" in line


BAD_VALUES = [
    # (--set text, what the one line must name)
    ("peak_cover=2", "assumptions.peak_cover must be <= 1"),
    ("discount_leakage_share=25", "a share: e.g. 0.25 or 25%"),
    ("ramp_months=30", "assumptions.ramp_months must be <= 24"),
    ("horizon_months=6", "assumptions.horizon_months must be >= 12"),
    ("horizon_months=36.5", "assumptions.horizon_months must be a whole number"),
    ("ops_hiring_lag_months=-1", "assumptions.ops_hiring_lag_months must be >= 0"),
    ("baseline_selling_time_share=0.9", "assumptions.max_selling_time_share must be >= baseline_selling_time_share"),
    ("ops_hiring_lag_months=5%", "ops_hiring_lag_months is not a share (months)"),
    ("ramp_months=soon", "ramp_months needs a number, got 'soon'"),
    ("ramp_months=nan", "ramp_months needs a finite number"),
    ("ramp_months=1e999", "ramp_months needs a finite number"),
    ("ramp_months", "expected NAME=VALUE"),
    ("=4", "missing NAME"),
]


@pytest.mark.parametrize("setting, named", BAD_VALUES, ids=[s for s, _ in BAD_VALUES])
def test_a_refused_value_is_one_usage_line_naming_the_field(capsys, setting, named):
    line = one_error(capsys, "evaluate", "midmarket", "--set", setting)
    assert named in line


def test_every_command_that_evaluates_takes_set(capsys, tmp_path):
    lag = ("--set", "ops_hiring_lag_months=6")
    mid = load_sample("midmarket").with_assumptions(ops_hiring_lag_months=6.0)
    sim = run_json(capsys, "simulate", "midmarket", "--draws", "200", *lag)
    assert sim["deterministic"]["payback_months"] == evaluate(mid).payback_months
    tornado = run_json(capsys, "sensitivity", "startup", "--set", "selling_conversion=60%")
    assert tornado["base_roi"] == pytest.approx(
        evaluate(load_sample("startup").with_assumptions(selling_conversion=0.6)).roi, rel=1e-9
    )
    advice = run_json(capsys, "optimize", "midmarket", "--draws", "0", *lag)
    assert advice["current_headline"]["payback_months"] == pytest.approx(evaluate(mid).payback_months, rel=1e-9)
    compared = run_json(capsys, "compare", "midmarket", "enterprise", *lag)
    for record, name in zip(compared, ("midmarket", "enterprise")):
        assert (
            record["payback_months"]
            == evaluate(load_sample(name).with_assumptions(ops_hiring_lag_months=6.0)).payback_months
        )
    out_file = tmp_path / "org.csv"
    code, out, err = run(capsys, "export", "enterprise", "--set", "peak_cover=0.8", "--out", str(out_file))
    assert code == 0 and err == ""
    peak = sum(1 for line in out_file.read_text(encoding="utf-8-sig").splitlines() if ",sales_ops," in line)
    code, out, err = run(capsys, "export", "enterprise", "--out", str(out_file))
    full = sum(1 for line in out_file.read_text(encoding="utf-8-sig").splitlines() if ",sales_ops," in line)
    assert peak < full  # staffed toward less of the peak week: fewer sales-ops people


# --------------------------------------------------------------------------
# --process and --current-model
# --------------------------------------------------------------------------
def test_process_sets_the_role_and_a_local_process_gives_up_control(capsys):
    standard = run_json(capsys, "evaluate", "enterprise", "-p", "all=localized")
    local = run_json(capsys, "evaluate", "enterprise", "-p", "all=localized", "--process", "DEAL_DESK=Local")
    processes = {r["role_id"]: r["process"] for r in local["roles"]}
    assert processes.pop("deal_desk") == "local" and set(processes.values()) == {"standard"}
    assert local["control_value"] < standard["control_value"]
    expected = evaluate(load_sample("enterprise").with_placement("all", "localized").with_process("deal_desk", "local"))
    assert local == expected.to_dict()
    every = run_json(capsys, "evaluate", "enterprise", "--process", "all=local", "--process", "planning=standard")
    processes = {r["role_id"]: r["process"] for r in every["roles"]}
    assert processes.pop("planning") == "standard" and set(processes.values()) == {"local"}


def test_the_report_shows_each_roles_process_and_control_value(capsys):
    argv = (
        "evaluate",
        "enterprise",
        "-p",
        "all=localized",
        "-p",
        "planning=centralized",
        "--process",
        "deal_desk=local",
    )
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    rows = {
        line.split()[0]: line.split() for line in out.splitlines() if line.split()[:1] in (["deal_desk"], ["planning"])
    }
    res = evaluate(
        load_sample("enterprise")
        .with_placement("all", "localized")
        .with_placement("planning", "centralized")
        .with_process("deal_desk", "local")
    )
    control = {r.role_id: f"${r.control_value_usd:,.0f}" for r in res.roles}
    assert rows["deal_desk"][1:4] == ["localized", "local", control["deal_desk"]]
    assert rows["planning"][1:4] == ["centralized", "-", control["planning"]]  # no embedded teams: no process


@pytest.mark.parametrize(
    "process, named",
    [
        ("sales=local", "unknown role 'sales' in --process sales=local; roles: crm_admin"),
        ("deal_desk=global", "unknown process 'global' in deal_desk=global; processes: standard, local"),
        ("deal_desk", "expected ROLE=PROCESS"),
        ("=local", "missing ROLE"),
    ],
)
def test_a_bad_process_is_one_usage_line(capsys, process, named):
    assert named in one_error(capsys, "evaluate", "enterprise", "--process", process)


def test_an_earlier_model_says_it_ignores_model_4_options_until_moved(capsys, tmp_path):
    path = str(old_model(tmp_path))
    code, out, err = run(capsys, "evaluate", path, "--set", "discount_leakage_share=2%", "--process", "all=local")
    assert code == 0
    warning = err.splitlines()
    assert len(warning) == 1 and warning[0].startswith("warning: ")
    for named in ("model version 2", "--process", "--set discount_leakage_share", "--current-model"):
        assert named in warning[0]
    code, same, err = run(capsys, "evaluate", path)
    assert same == out and err == ""  # the figures do not move
    moved = run_json(capsys, "evaluate", path, "--current-model", "--set", "discount_leakage_share=2%")
    expected = evaluate(
        Scenario.from_json(Path(path).read_text()).upgraded().with_assumptions(discount_leakage_share=0.02)
    )
    assert moved == expected.to_dict()
    # an assumption every model reads is no reason to warn
    code, out, err = run(capsys, "evaluate", path, "--set", "ramp_months=4")
    assert code == 0 and err == ""


# --------------------------------------------------------------------------
# assumptions
# --------------------------------------------------------------------------
def test_assumptions_json_lists_every_field_with_its_default_range_and_unit(capsys):
    rows = run_json(capsys, "assumptions")
    names = [f.name for f in fields(Assumptions)]
    assert [r["name"] for r in rows] == names
    defaults = Assumptions()
    info = assumption_info()
    for row in rows:
        assert row["default"] == getattr(defaults, row["name"])
        assert (row["low"], row["high"], row["unit"]) == (
            info[row["name"]]["low"],
            info[row["name"]]["high"],
            info[row["name"]]["unit"],
        )
        assert row["firmness"] and row["source"]
        assert row["low"] <= row["default"] <= row["high"]
    assert {r["name"] for r in rows if r["model_4"]} == MODEL_4_ASSUMPTIONS


def test_the_model_4_assumptions_are_the_ones_the_assumptions_page_marks():
    from salesops.ui.assumptions_form import MODEL_4_FIELDS

    assert MODEL_4_ASSUMPTIONS == MODEL_4_FIELDS


def test_assumptions_table_and_a_scenarios_values(capsys):
    code, out, err = run(capsys, "assumptions")
    assert code == 0 and err == ""
    lines = out.splitlines()
    for f in fields(Assumptions):
        assert any(line.split()[:1] == [f.name] for line in lines), f.name
    assert lines[2].split() == ["name", "default", "low", "high", "unit", "firmness"]
    code, out, err = run(capsys, "assumptions", "midmarket", "--set", "reorg_one_off_usd=250000")
    row = next(line for line in out.splitlines() if line.split()[:1] == ["reorg_one_off_usd"])
    assert row.split()[2:4] == ["250,000", "!"]  # after the model-4 mark: the value, marked as changed
    assert "name one" in one_error(capsys, "assumptions", "--set", "peak_cover=0.9")


# --------------------------------------------------------------------------
# calibrate
# --------------------------------------------------------------------------
def test_calibrate_writes_a_scenario_that_reproduces_the_time_study(capsys, tmp_path):
    out_file = tmp_path / "fitted.json"
    code, out, err = run(
        capsys, "calibrate", "midmarket", "--selling-share", "30%", "--admin-hours", "2", "--out", str(out_file)
    )
    assert code == 0 and err == ""
    assert f"wrote {out_file}" in out
    data = run_json(capsys, "evaluate", str(out_file))
    assert data["selling_time_share"] == pytest.approx(0.30, abs=1e-9)
    fitted = Scenario.from_json(out_file.read_text(encoding="utf-8"))
    assert fitted == calibrate(load_sample("midmarket"), 0.30, admin_hours=2.0).scenario
    for label in ("Selling-time share without sales ops", "Demand scale", "reproduced", "ROI", "Net value per year"):
        assert label in out
    assert "30.0%  (observed 30.0%)" in out and "2.00  (observed 2.00)" in out


def test_calibrate_to_stdout_pipes_into_evaluate(capsys, monkeypatch):
    code, out, err = run(capsys, "calibrate", "startup", "--selling-share", "0.24")
    assert code == 0
    assert "Selling-time share reproduced" in err  # the report on stderr, the scenario on stdout
    monkeypatch.setattr(sys, "stdin", io.StringIO(out))
    assert run_json(capsys, "evaluate", "-")["selling_time_share"] == pytest.approx(0.24, abs=1e-9)


def test_calibrate_json_report(capsys, tmp_path):
    report = run_json(capsys, "calibrate", "midmarket", "--selling-share", "0.3", "--admin-hours", "2")
    fit = calibrate(load_sample("midmarket"), 0.3, admin_hours=2.0)
    assert Scenario.from_dict(report["scenario"]) == fit.scenario
    assert report["selling_share"] == pytest.approx(0.3, abs=1e-9)
    assert report["admin_hours"] == pytest.approx(2.0, abs=0.01)
    assert report["observed_share"] == 0.3 and report["observed_admin_hours"] == 2.0
    assert (report["baseline_share"], report["demand_scale"]) == (fit.baseline_share, fit.demand_scale)
    assert report["before"]["roi"] == evaluate(load_sample("midmarket")).roi
    assert report["after"]["roi"] == evaluate(fit.scenario).roi
    assert report["warnings"] == []
    # 2 admin hours left with 30% selling asks for far more sales-ops work than the sample assumes: the
    # fitted org gains more selling time than the plausibility cap, and the report says so.
    assert report["after"]["selling_time_share"] - report["baseline_share"] > DESIGN_MAX_SELLING_TIME_GAIN
    assert any("plausibility cap" in w and "Selling-time share" in w for w in report["plausibility"])
    assert run_json(capsys, "calibrate", "startup", "--selling-share", "0.24")["plausibility"] == []
    out_file = tmp_path / "fitted.json"
    with_out = run_json(capsys, "calibrate", "midmarket", "--selling-share", "0.3", "--out", str(out_file))
    assert "scenario" not in with_out and with_out["out"] == str(out_file)
    assert (
        Scenario.from_json(out_file.read_text(encoding="utf-8")).assumptions.baseline_selling_time_share
        == (with_out["baseline_share"])
    )


def test_calibrate_keeps_the_what_if_options(capsys):
    report = run_json(capsys, "calibrate", "midmarket", "--selling-share", "0.3", "--set", "selling_conversion=0.6")
    fitted = Scenario.from_dict(report["scenario"])
    assert fitted.assumptions.selling_conversion == 0.6
    assert evaluate(fitted).selling_time_share == pytest.approx(0.3, abs=1e-9)


def test_calibrate_says_when_the_model_cannot_reach_the_study(capsys):
    code, out, err = run(capsys, "calibrate", "midmarket", "--selling-share", "3%")
    assert code == 0 and "Warnings" in err and "below what today's sales-ops set-up alone gives" in err
    report = run_json(capsys, "calibrate", "midmarket", "--selling-share", "3%")
    assert len(report["warnings"]) == 1 and report["baseline_share"] == 0.01


@pytest.mark.parametrize(
    "argv, named",
    [
        (["--selling-share", "0"], "argument --selling-share: must be a share above 0 and at most 1"),
        (["--selling-share", "1.5"], "got '1.5'"),
        (["--selling-share", "30"], "(for 30% write 0.3 or 30%)"),
        (["--selling-share", "-0.2"], "got '-0.2'"),
        (["--selling-share", "most"], "got 'most'"),
        (["--selling-share", "120%"], "got '120%'"),
        ([], "--selling-share"),
        (["--selling-share", "0.3", "--admin-hours", "-1"], "argument --admin-hours: must be hours per rep-week"),
        (["--selling-share", "0.3", "--admin-hours", "50"], "--admin-hours: admin hours per rep-week must be between"),
        (["--selling-share", "0.3", "--json", "--out", "-"], "give --out FILE"),
    ],
)
def test_calibrate_refuses_bad_inputs(capsys, argv, named):
    assert named in one_error(capsys, "calibrate", "midmarket", *argv)


def test_calibrate_never_overwrites_its_input(capsys, tmp_path):
    path = tmp_path / "org.json"
    path.write_text(load_sample("startup").to_json(), encoding="utf-8")
    before = path.read_bytes()
    assert "is the input file" in one_error(
        capsys, "calibrate", str(path), "--selling-share", "0.3", "--out", str(path)
    )
    assert path.read_bytes() == before


# --------------------------------------------------------------------------
# help
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, words",
    [
        (["--help"], ["assumptions", "calibrate", "--set NAME=VALUE"]),
        (["evaluate", "--help"], ["--set NAME=VALUE", "--process ROLE=PROCESS", "--current-model", "25%", "e.g."]),
        (["assumptions", "--help"], ["Examples:", "--json", "assumptions midmarket --set"]),
        (["calibrate", "--help"], ["Examples:", "--selling-share S", "--admin-hours H", "28%", "calibrate midmarket"]),
        (["compare", "--help"], ["--set", "--set ops_hiring_lag_months=6"]),
        (["simulate", "--help"], ["--set", "--set selling_conversion=60%"]),
        (["sensitivity", "--help"], ["--process", "--process all=local"]),
        (["optimize", "--help"], ["--set", "optimize enterprise --set"]),
        (["export", "--help"], ["--set", "export enterprise -p all=localized --set"]),
    ],
)
def test_help_of_the_new_options_has_examples(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    flat = " ".join(out.split())
    for word in words:
        assert word in flat, word
