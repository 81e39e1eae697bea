"""``python -m salesops optimize``: the recommendation, its odds and reasons, as the pages compute them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from salesops.model.optimize import decision_tornado, optimize, win_odds
from salesops.model.samples import load_sample
from tests.test_cli import REPO, run, run_json


def test_optimize_prints_the_recommendation_role_by_role(capsys):
    code, out, err = run(capsys, "optimize", "enterprise", "--draws", "300", "--seed", "3")
    assert code == 0 and err == ""
    rec = optimize(load_sample("enterprise"))
    odds = win_odds(load_sample("enterprise"), rec, draws=300, seed=3)
    assert "the recommended design by net value per year (exhaustive over 729 designs)" in out
    for advice in rec.roles:
        assert advice.reason in out
        row = next(line for line in out.splitlines() if line.strip().startswith(advice.role_id + " "))
        assert advice.best in row and advice.next_best in row
    assert f"beats the runner-up in {odds.p_beats_runner_up:.1%} of draws" in out
    assert f"the current design in {odds.p_beats_current:.1%}" in out
    assert "Assumptions that flip it to the runner-up" in out
    assert "$-" not in out  # money is written -$1,234


def test_optimize_json_is_the_models_recommendation(capsys):
    data = run_json(capsys, "optimize", "midmarket", "--draws", "200", "--seed", "1")
    scenario = load_sample("midmarket")
    rec = optimize(scenario)
    assert data["recommended"] == dict(rec.best.placements)
    assert data["current"] == dict(rec.current.placements)
    assert data["recommended_value"] == pytest.approx(rec.best_value)
    assert data["gain"] == pytest.approx(rec.gain)
    assert data["method"] == "exhaustive" and data["designs_evaluated"] == 729
    assert data["odds"] == pytest.approx(win_odds(scenario, rec, draws=200, seed=1).to_dict())
    assert len(data["decision_tornado"]) == len(decision_tornado(scenario, rec))
    assert [r["reason"] for r in data["roles"]] == [a.reason for a in rec.roles]


@pytest.mark.parametrize("objective", ["npv", "roi"])
def test_optimize_other_objectives(capsys, objective):
    data = run_json(capsys, "optimize", "enterprise", "--objective", objective, "--draws", "0")
    rec = optimize(load_sample("enterprise"), objective)
    assert data["objective"] == objective and data["odds"] is None
    assert data["recommended"] == dict(rec.best.placements)


def test_optimize_refuses_a_bad_command_line(capsys):
    code, _, err = run(capsys, "optimize", "midmarket", "--objective", "revenue")
    assert code == 2 and "invalid choice: 'revenue'" in err
    code, _, err = run(capsys, "optimize", "midmarket", "--draws", "-1")
    assert code == 2 and "--draws" in err
    code, _, err = run(capsys, "optimize", "no_such_scenario_file.json")
    assert code == 1 and "no_such_scenario_file.json" in err


def test_optimize_reads_a_scenario_from_stdin():
    text = (REPO / "data" / "samples" / "startup.json").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "salesops", "optimize", "-", "--draws", "0", "--json"],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["designs_in_space"] == 3**4


def test_optimize_per_region_places_roles_region_by_region(capsys):
    data = run_json(capsys, "optimize", "midmarket", "--per-region", "--draws", "0")
    rec = optimize(load_sample("midmarket"), per_region=True)
    assert data["recommended"] == rec.to_dict()["recommended"]
    assert "per region" in data["method"]
    assert data["recommended_value"] >= optimize(load_sample("midmarket")).best_value - 1e-6
    code, out, _ = run(capsys, "optimize", "enterprise", "--per-region", "--draws", "0")
    assert code == 0 and "recommended: " in out and "hub in" in out
