"""Old scenario files and links keep opening, with the figures the app gave them when they were made.

``tests/fixtures/legacy_v2.json`` was written by the app before scenario document version 3 and
link codec 2: the three samples, an all-hybrid enterprise with a manually sized deal desk, and a
one-rep synthetic org, each as a file, as a link, and with the headline figures of that app.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from salesops.model import evaluate
from salesops.model.scenario import Assumptions, Scenario
from salesops.readwrite.schema import load_scenario_file
from salesops.readwrite.share import ASSUMPTIONS_BY_CODEC, CODEC_VERSION, decode

LEGACY = json.loads((Path(__file__).parent / "fixtures" / "legacy_v2.json").read_text(encoding="utf-8"))["cases"]
IDS = [c["case"] for c in LEGACY]


def _assert_same_figures(scenario: Scenario, expected: dict) -> None:
    now = evaluate(scenario).headline()
    for key, value in expected.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert now[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
        else:
            assert now[key] == value, key


@pytest.mark.parametrize("case", LEGACY, ids=IDS)
def test_an_old_scenario_file_opens_with_its_old_figures(case):
    text = json.dumps(case["document"])
    assert case["document"]["version"] == 2
    _assert_same_figures(load_scenario_file(text), case["headline"])
    _assert_same_figures(Scenario.from_json(text), case["headline"])


@pytest.mark.parametrize("case", LEGACY, ids=IDS)
def test_an_old_link_opens_with_its_old_figures(case):
    assert case["link"].startswith("1.")
    scenario = decode(case["link"])
    assert scenario == Scenario.from_dict(case["document"])
    _assert_same_figures(scenario, case["headline"])


@pytest.mark.parametrize("case", LEGACY, ids=IDS)
def test_an_old_scenario_saved_again_keeps_its_figures(case):
    again = Scenario.from_json(Scenario.from_dict(case["document"]).to_json())
    _assert_same_figures(again, case["headline"])


def test_the_current_codec_knows_every_assumption():
    """Adding an assumption needs a new link codec, so that older links keep their fingerprint."""
    assert ASSUMPTIONS_BY_CODEC[CODEC_VERSION] == {f.name for f in fields(Assumptions)}
