"""Tests of the command line ``python -m salesops`` (salesops.cli)."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from salesops.cli import main
from salesops.model import evaluate
from salesops.model.samples import list_samples, load_sample, synthetic
from salesops.model.scenario import Scenario

REPO = Path(__file__).resolve().parent.parent
SAMPLES = ("startup", "midmarket", "enterprise")
HEADLINE_KEYS = (
    "roi",
    "payback_months",
    "productivity_per_rep",
    "selling_time_share",
    "revenue",
    "sales_ops_cost",
    "sales_ops_fte",
    "reps",
    "regions",
    "roles",
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert err == ""
    return json.loads(out, parse_constant=_reject_constant)


def _reject_constant(name: str):
    raise AssertionError(f"JSON contains {name}")


def _all_finite(value) -> bool:
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


def write_scenario(path: Path, scenario: Scenario, **assumption_changes) -> Path:
    data = scenario.to_dict()
    data["assumptions"].update(assumption_changes)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# samples and help
# --------------------------------------------------------------------------
def test_samples_prints_an_aligned_table(capsys):
    code, out, err = run(capsys, "samples")
    assert code == 0 and err == ""
    lines = out.splitlines()
    infos = list_samples()
    assert len(lines) == 2 + len(infos)  # header, rule, one line per sample
    assert lines[0].split() == ["name", "reps", "regions", "roles", "title"]
    for info, line in zip(infos, lines[2:]):
        assert line.split()[:4] == [info.name, f"{info.reps:,}", str(info.regions), str(info.roles)]
        assert line.endswith(info.title)
    # aligned: every title starts in the same column, numbers are right-aligned
    starts = {line.index(info.title) for info, line in zip(infos, lines[2:])}
    assert len(starts) == 1
    reps_end = {line.index(f"{info.reps:,}") + len(f"{info.reps:,}") for info, line in zip(infos, lines[2:])}
    assert reps_end == {lines[0].index("reps") + len("reps")}


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--help"], ["samples", "evaluate", "synth"]),
        (["evaluate", "--help"], ["SCENARIO", "--placement", "ROLE=MODE", "--json", "centralized, localized, hybrid"]),
        (["synth", "--help"], ["--reps", "--regions", "--placement", "--out"]),
        (["samples", "--help"], ["samples"]),
    ],
)
def test_help_is_useful(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    for word in words:
        assert word in out


# --------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", SAMPLES)
def test_evaluate_json_has_finite_headline_regions_and_roles(capsys, name):
    data = run_json(capsys, "evaluate", name)
    for key in HEADLINE_KEYS:
        assert key in data
    assert _all_finite(data)
    scenario = load_sample(name)
    assert data["reps"] == scenario.total_reps
    assert [r["region_id"] for r in data["regions"]] == [r.id for r in scenario.regions]
    assert [r["role_id"] for r in data["roles"]] == [p.role.id for p in scenario.roles]
    assert data["roi"] == evaluate(scenario).roi


def test_placement_all_localized_changes_roi_and_fte_not_reps(capsys):
    base = run_json(capsys, "evaluate", "midmarket")
    local = run_json(capsys, "evaluate", "midmarket", "--placement", "all=localized")
    assert local["roi"] != base["roi"]
    assert local["sales_ops_fte"] != base["sales_ops_fte"]
    assert local["reps"] == base["reps"]
    expected = evaluate(load_sample("midmarket").with_placement("all", "localized"))
    assert local["roi"] == expected.roi
    assert local["sales_ops_fte"] == expected.sales_ops_fte
    assert {r["placement"] for r in local["roles"]} == {"localized"}


def test_placement_mode_is_case_insensitive_and_repeats_apply_in_order(capsys):
    data = run_json(capsys, "evaluate", "enterprise", "--placement", "ALL=Hybrid", "-p", "deal_desk=CENTRALIZED")
    placements = {r["role_id"]: r["placement"] for r in data["roles"]}
    assert placements.pop("deal_desk") == "centralized"
    assert set(placements.values()) == {"hybrid"}
    expected = evaluate(
        load_sample("enterprise").with_placement("all", "hybrid").with_placement("deal_desk", "centralized")
    )
    assert data["roi"] == expected.roi


def test_evaluate_report_shows_headline_regions_and_roles(capsys):
    code, out, err = run(capsys, "evaluate", "enterprise", "--placement", "crm_admin=localized")
    assert code == 0 and err == ""
    res = evaluate(load_sample("enterprise").with_placement("crm_admin", "localized"))
    assert f"{res.roi:.1%}" in out
    assert f"Payback (months)        {res.payback_months:.1f}" in out
    assert f"${res.productivity_per_rep_usd:,.0f}" in out
    assert f"{res.selling_time_share:.1%}" in out
    assert f"${res.revenue_usd:,.0f}" in out
    assert f"${res.sales_ops_cost_usd:,.0f}" in out
    assert f"{res.sales_ops_fte:.1f}" in out
    assert f"{res.reps_per_ops_fte:.1f}" in out
    for label in ("Regions", "Roles", "placement", "mean response h", "Reps per sales-ops FTE"):
        assert label in out
    lines = out.splitlines()
    for region in res.regions:
        assert any(line.split()[:1] == [region.region_id] for line in lines)
    crm = next(line for line in lines if line.split()[:1] == ["crm_admin"])
    assert crm.split()[1] == "localized"
    assert f"{res.roles[0].mean_response_hours:.1f}" in crm


def test_payback_never_and_no_ops_fte(capsys, tmp_path):
    data = load_sample("midmarket").to_dict()
    for region in data["regions"]:
        region["reps"] = 0
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(path))
    assert code == 0 and err == ""
    assert "never" in out
    result = run_json(capsys, "evaluate", str(path))
    assert result["payback_months"] is None and result["reps"] == 0


def test_sample_name_wins_over_a_file_of_the_same_name(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_scenario(tmp_path / "startup", load_sample("midmarket"))
    assert run_json(capsys, "evaluate", "startup")["reps"] == load_sample("startup").total_reps
    assert run_json(capsys, "evaluate", "./startup")["reps"] == load_sample("midmarket").total_reps


def test_evaluate_reads_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(synthetic(40, 2).to_json()))
    assert run_json(capsys, "evaluate", "-")["reps"] == 40


# --------------------------------------------------------------------------
# synth
# --------------------------------------------------------------------------
def test_synth_writes_a_readable_scenario(capsys, tmp_path):
    out_file = tmp_path / "synth.json"
    code, out, err = run(
        capsys, "synth", "--reps", "250", "--regions", "4", "--placement", "Hybrid", "--out", str(out_file)
    )
    assert code == 0 and err == ""
    assert str(out_file) in out
    scenario = Scenario.from_json(out_file.read_text(encoding="utf-8"))
    assert scenario.total_reps == 250
    assert len(scenario.regions) == 4
    assert {p.placement for p in scenario.roles} == {"hybrid"}
    assert scenario == synthetic(250, 4, placement="hybrid")


def test_synth_to_stdout(capsys):
    code, out, err = run(capsys, "synth", "--reps", "7", "--regions", "3")
    assert code == 0 and err == ""
    scenario = Scenario.from_json(out)
    assert (scenario.total_reps, len(scenario.regions)) == (7, 3)


def test_synth_file_round_trips_through_evaluate(capsys, tmp_path):
    out_file = tmp_path / "org.json"
    assert run(capsys, "synth", "--reps", "500", "--regions", "5", "--out", str(out_file))[0] == 0
    data = run_json(capsys, "evaluate", str(out_file), "--placement", "analytics=localized")
    expected = evaluate(synthetic(500, 5).with_placement("analytics", "localized"))
    assert data["roi"] == expected.roi
    assert data["reps"] == 500 and len(data["regions"]) == 5


# --------------------------------------------------------------------------
# errors: one `error:` line, non-zero status, no traceback
# --------------------------------------------------------------------------
def _files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "noschema.json").write_text('{"name": "x"}', encoding="utf-8")
    bad_region = load_sample("startup").to_dict()
    bad_region["regions"][0]["reps"] = -3
    (tmp_path / "badregion.json").write_text(json.dumps(bad_region), encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (tmp_path / "bigint.json").write_text('{"schema": ' + "9" * 5000 + "}", encoding="utf-8")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00\xd8garbage")
    write_scenario(tmp_path / "overflow.json", load_sample("midmarket"), quota_usd_per_rep=1e308)
    (tmp_path / "boolversion.json").write_text(
        json.dumps({**load_sample("startup").to_dict(), "version": True}), encoding="utf-8"
    )
    (tmp_path / "adir").mkdir()
    return {"dir": str(tmp_path)}


ERROR_CASES = [
    # (argv with {dir}, exit code, text the message must name)
    (["evaluate", "nosuchsample"], 2, "'nosuchsample'"),
    (["evaluate", "{dir}/missing.json"], 1, "missing.json"),
    (["evaluate", "{dir}/adir"], 1, "adir"),
    (["evaluate", "{dir}/bad.json"], 1, "not valid JSON"),
    (["evaluate", "{dir}/list.json"], 1, "list"),
    (["evaluate", "{dir}/noschema.json"], 1, "schema"),
    (["evaluate", "{dir}/badregion.json"], 1, "reps"),
    (["evaluate", "{dir}/deep.json"], 1, "deep.json"),
    (["evaluate", "{dir}/bigint.json"], 1, "bigint.json"),
    (["evaluate", "{dir}/binary.json"], 1, "binary.json"),
    (["evaluate", "{dir}/overflow.json", "--json"], 1, "quota_usd_per_rep must be <= 1e+09"),
    (["evaluate", "{dir}/boolversion.json"], 1, "unsupported scenario version True"),
    (["evaluate", "midmarket", "--placement", "foo=localized"], 2, "unknown role 'foo' in --placement foo=localized"),
    (["evaluate", "midmarket", "--placement", "crm_admin=sideways"], 2, "'sideways'"),
    (["evaluate", "midmarket", "--placement", "crm_admin"], 2, "ROLE=MODE"),
    (["evaluate", "midmarket", "--placement", "=localized"], 2, "ROLE"),
    (["evaluate", "midmarket", "--bogus"], 2, "--bogus"),
    (["evaluate"], 2, "SCENARIO"),
    ([], 2, "COMMAND"),
    (["frobnicate"], 2, "'frobnicate'"),
    (["synth", "--reps", "-5", "--regions", "2"], 2, "'-5'"),
    (["synth", "--reps", "0", "--regions", "2"], 2, "'0'"),
    (["synth", "--reps", "ten", "--regions", "2"], 2, "'ten'"),
    (["synth", "--reps", "10", "--regions", "0"], 2, "'0'"),
    (["synth", "--reps", "10", "--regions", "9"], 2, "'9'"),
    (["synth", "--reps", "3", "--regions", "5"], 2, "regions (5) cannot exceed reps (3)"),
    (["synth", "--reps", "30000000", "--regions", "1"], 2, "30000000"),
    (["synth", "--reps", "10"], 2, "--regions"),
    (["synth", "--reps", "10", "--regions", "2", "--placement", "sideways"], 2, "'sideways'"),
    (["synth", "--reps", "10", "--regions", "2", "--out", "{dir}/nodir/x.json"], 1, "x.json"),
    (["synth", "--reps", "10", "--regions", "2", "--out", "{dir}/adir"], 1, "adir"),
]


@pytest.mark.parametrize("argv, code, named", ERROR_CASES, ids=[" ".join(c[0]) or "<none>" for c in ERROR_CASES])
def test_errors_are_one_line_and_non_zero(capsys, tmp_path, argv, code, named):
    subs = _files(tmp_path)
    argv = [a.format(**subs) for a in argv]
    got, out, err = run(capsys, *argv)
    assert got == code
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert named in lines[0]
    assert "Traceback" not in err


# --------------------------------------------------------------------------
# the real module entry point
# --------------------------------------------------------------------------
def test_python_dash_m_salesops_evaluate_json():
    proc = subprocess.run(
        [sys.executable, "-m", "salesops", "evaluate", "midmarket", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout, parse_constant=_reject_constant)
    for key in HEADLINE_KEYS:
        assert key in data
    assert data["roi"] == evaluate(load_sample("midmarket")).roi


@pytest.mark.parametrize("command", ["export", "import"])
def test_out_naming_the_input_file_is_refused_and_the_input_survives(capsys, tmp_path, command):
    path = tmp_path / ("org.json" if command == "export" else "org.csv")
    if command == "export":
        path.write_text(load_sample("startup").to_json(), encoding="utf-8")
    else:
        from salesops.readwrite.hris import example_csv

        path.write_text(example_csv(30), encoding="utf-8")
    before = path.read_bytes()
    code, out, err = run(capsys, command, str(path), "--out", str(tmp_path / "." / path.name))
    assert code == 2 and "is the input file" in err and "destroy the input" in err
    assert path.read_bytes() == before
