"""Scenario value: JSON codec, edits and validation messages."""

from __future__ import annotations

import json
import math

from dataclasses import replace

import pytest

from salesops.model.samples import load_sample
from salesops.model.scenario import (
    PLACEMENTS,
    Assumptions,
    Region,
    RolePlan,
    Scenario,
    ScenarioError,
    assumption_info,
    tz_gap_hours,
)


def _doc(name: str = "midmarket") -> dict:
    """A fresh, mutable JSON document of a sample."""
    return json.loads(load_sample(name).to_json())


def _rejects(doc_or_text, *needles: str) -> str:
    text = doc_or_text if isinstance(doc_or_text, (str, bytes)) else json.dumps(doc_or_text)
    with pytest.raises(ScenarioError) as info:
        Scenario.from_json(text)
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------
# Round trip
# --------------------------------------------------------------------------
def test_round_trip_equals_original(sample):
    text = sample.to_json()
    again = Scenario.from_json(text)
    assert again == sample
    assert again.to_json() == text  # stable


def test_round_trip_compact_and_bytes(sample):
    assert Scenario.from_json(sample.to_json(indent=None)) == sample
    assert Scenario.from_json(sample.to_json().encode("utf-8")) == sample


def test_round_trip_with_manual_sizing_and_edits(sample):
    first = sample.roles[0]
    plan = RolePlan(
        role=first.role,
        placement="hybrid",
        sizing="manual",
        central_fte=2.5,
        local_fte=tuple((r.id, 1.25) for r in sample.regions),
    )
    edited = sample.with_plan(plan).with_assumptions(gross_margin=0.6, horizon_months=48).renamed("Edited ✓ scenario")
    again = Scenario.from_json(edited.to_json())
    assert again == edited
    assert again.plan(first.role.id).local_fte_for(sample.regions[0].id) == 1.25
    assert again.assumptions.horizon_months == 48


def test_to_dict_carries_schema_and_version(sample):
    d = sample.to_dict()
    assert d["schema"] == "salesops.scenario"
    assert d["version"] == 4  # version 4: the role plan's process, the role's control
    assert "positions" not in d  # an org described by its regions alone


def test_version_1_documents_still_read():
    from salesops.model.samples import load_sample

    doc = load_sample("midmarket").to_dict()
    doc["version"] = 1
    del doc["staffing"], doc["model_version"]  # fields of version 3
    for plan in doc["roles"]:
        del plan["process"]  # a field of version 4
    # An old document opens with the old meaning: whole FTE, model version 2.
    assert Scenario.from_dict(doc) == replace(load_sample("midmarket"), staffing="integer", model_version=2)


def test_version_3_fields_in_an_older_document_are_refused():
    from salesops.model.samples import load_sample

    doc = load_sample("midmarket").to_dict()
    doc["version"] = 2
    with pytest.raises(ScenarioError, match="scenario version 2 has no field.s. staffing, model_version"):
        Scenario.from_dict(doc)
    del doc["staffing"], doc["model_version"]
    doc["roles"][0]["regions"] = {"emea": "localized"}
    with pytest.raises(ScenarioError, match=r"roles\[0\]: scenario version 2 has no field.s. regions"):
        Scenario.from_dict(doc)


# --------------------------------------------------------------------------
# Edits
# --------------------------------------------------------------------------
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_with_placement_all(sample, placement):
    moved = sample.with_placement("all", placement)
    assert all(p.placement == placement for p in moved.roles)
    assert [p.role for p in moved.roles] == [p.role for p in sample.roles]
    assert [p.sizing for p in moved.roles] == [p.sizing for p in sample.roles]
    assert moved.regions == sample.regions and moved.assumptions == sample.assumptions
    before = [p.placement for p in sample.roles]
    sample.with_placement("all", placement)
    assert [p.placement for p in sample.roles] == before  # the original is untouched


def test_with_placement_one_role(sample):
    target = sample.roles[0].role.id
    new = "hybrid" if sample.roles[0].placement != "hybrid" else "localized"
    moved = sample.with_placement(target, new)
    assert moved.plan(target).placement == new
    for before, after in zip(sample.roles[1:], moved.roles[1:]):
        assert before == after
    assert moved != sample
    assert moved.with_placement(target, sample.roles[0].placement) == sample


def test_with_placement_rejects_unknown_role_and_placement(sample):
    with pytest.raises(KeyError):
        sample.with_placement("no_such_role", "localized")
    with pytest.raises(ScenarioError, match="placement"):
        sample.with_placement("all", "offshore")


def test_without_role_and_with_region(sample):
    rid = sample.roles[0].role.id
    fewer = sample.without_role(rid)
    assert rid not in [p.role.id for p in fewer.roles]
    assert len(fewer.roles) == len(sample.roles) - 1
    region = sample.regions[0]
    bigger = sample.with_region(Region(region.id, region.name, region.reps + 7, region.managers))
    assert bigger.total_reps == sample.total_reps + 7


def test_scenario_is_immutable(sample):
    with pytest.raises(Exception):
        sample.name = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------
# from_json rejections: each message names the field
# --------------------------------------------------------------------------
def test_rejects_invalid_json_text():
    _rejects("{not json", "not valid JSON")
    _rejects(b"\xff\xfe\x00garbage", "not valid JSON")


def test_rejects_non_object():
    _rejects("[1, 2]", "JSON object")


def test_rejects_unknown_version():
    doc = _doc()
    doc["version"] = 5
    _rejects(doc, "version", "5")


def test_rejects_wrong_schema():
    doc = _doc()
    doc["schema"] = "someone.else"
    _rejects(doc, "schema", "someone.else")
    del doc["schema"]
    _rejects(doc, "schema")


@pytest.mark.parametrize("field", ["regions", "roles", "name", "hq_region"])
def test_rejects_missing_top_level_field(field):
    doc = _doc()
    del doc[field]
    _rejects(doc, "missing", field)


def test_rejects_empty_regions():
    doc = _doc()
    doc["regions"] = []
    doc["roles"] = []
    _rejects(doc, "region")


def test_rejects_negative_reps():
    doc = _doc()
    doc["regions"][1]["reps"] = -5
    _rejects(doc, "regions[1]", "reps", "-5")


def test_rejects_reps_not_a_number():
    doc = _doc()
    doc["regions"][0]["reps"] = "sixty"
    _rejects(doc, "regions[0]", "reps", "number")
    doc["regions"][0]["reps"] = True
    _rejects(doc, "regions[0]", "reps", "number")


def test_rejects_fractional_reps():
    doc = _doc()
    doc["regions"][0]["reps"] = 12.5
    _rejects(doc, "reps", "whole")


def test_rejects_nan_reps():
    doc = _doc()
    doc["regions"][0]["reps"] = math.nan
    text = json.dumps(doc)  # json writes the non-standard NaN literal ...
    assert "NaN" in text
    _rejects(text, "reps", "finite")  # ... and json.loads accepts it, so the model must not


def test_rejects_infinite_tz_offset():
    doc = _doc()
    doc["regions"][0]["tz_offset_hours"] = math.inf
    _rejects(json.dumps(doc), "tz_offset_hours", "finite")


def test_rejects_tz_offset_out_of_range():
    doc = _doc()
    doc["regions"][0]["tz_offset_hours"] = 15
    _rejects(doc, "tz_offset_hours")


def test_rejects_missing_region_field():
    doc = _doc()
    del doc["regions"][0]["managers"]
    _rejects(doc, "regions[0]", "managers")


def test_rejects_unknown_region_field():
    doc = _doc()
    doc["regions"][0]["colour"] = "blue"
    _rejects(doc, "regions[0]", "colour")


def test_rejects_duplicate_region_ids():
    doc = _doc()
    doc["regions"][2]["id"] = doc["regions"][1]["id"]
    _rejects(doc, "duplicate region", doc["regions"][1]["id"])


def test_rejects_hq_not_a_region():
    doc = _doc()
    doc["hq_region"] = "atlantis"
    _rejects(doc, "hq_region", "atlantis")


def test_rejects_unknown_placement():
    doc = _doc()
    doc["roles"][0]["placement"] = "offshore"
    _rejects(doc, "roles[0]", "placement", "offshore")


def test_rejects_unknown_sizing():
    doc = _doc()
    doc["roles"][0]["sizing"] = "guess"
    _rejects(doc, "roles[0]", "sizing", "guess")


def test_rejects_local_fte_naming_unknown_region():
    doc = _doc()
    doc["roles"][1]["local_fte"] = {"east": 1.0, "mars": 2.0}
    _rejects(doc, "local_fte", "mars", doc["roles"][1]["role"]["id"])


def test_rejects_negative_local_fte():
    doc = _doc()
    doc["roles"][0]["local_fte"] = {"east": -1}
    _rejects(doc, "roles[0]", "local_fte", "east")


def test_rejects_duplicate_role():
    doc = _doc()
    doc["roles"].append(doc["roles"][0])
    _rejects(doc, "duplicate role", doc["roles"][0]["role"]["id"])


def test_rejects_bad_role_spec():
    doc = _doc()
    doc["roles"][0]["role"]["service_rate_per_fte_week"] = 0
    _rejects(doc, "roles[0]", "service_rate_per_fte_week")
    doc = _doc()
    del doc["roles"][0]["role"]["urgency_hours"]
    _rejects(doc, "roles[0]", "urgency_hours")


def test_rejects_unknown_assumption_field():
    doc = _doc()
    doc["assumptions"]["sunshine_factor"] = 1.0
    _rejects(doc, "assumptions", "sunshine_factor")


@pytest.mark.parametrize(
    "field,value,needle",
    [
        ("gross_margin", 1.5, "gross_margin"),
        ("quota_usd_per_rep", "lots", "quota_usd_per_rep"),
        ("service_level_target", 1.0, "service_level_target"),
        ("max_utilization", 0.0, "max_utilization"),
        ("max_selling_time_share", 0.1, "max_selling_time_share"),
        ("horizon_months", 6, "horizon_months"),
        ("ramp_months", 0, "ramp_months"),
        ("ramp_months", 25, "ramp_months"),
    ],
)
def test_rejects_bad_assumption_value(field, value, needle):
    doc = _doc()
    doc["assumptions"][field] = value
    _rejects(doc, "assumptions", needle)


def test_missing_assumptions_fall_back_to_defaults():
    doc = _doc()
    del doc["assumptions"]
    assert Scenario.from_json(json.dumps(doc)).assumptions == Assumptions.defaults()
    doc["assumptions"] = {"gross_margin": 0.6}
    a = Scenario.from_json(json.dumps(doc)).assumptions
    assert a.gross_margin == 0.6 and a.quota_attainment == Assumptions.defaults().quota_attainment


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "offset,gap",
    [(0, 0), (-3, 3), (5.5, 5.5), (12, 12), (-12, 12), (13, 11), (14, 10), (10.5, 10.5), (24, 0), (-13, 11)],
)
def test_tz_gap_wraps_round_the_globe(offset, gap):
    assert tz_gap_hours(offset) == pytest.approx(gap)


def test_region_gap_property():
    assert Region("apac", "APAC", 10, 1, tz_offset_hours=14).tz_gap_hours == 10


def test_defaults_match_assumption_file():
    info = assumption_info()
    a = Assumptions.defaults()
    for name, meta in info.items():
        assert getattr(a, name) == meta["default"]
        assert meta["low"] <= meta["default"] <= meta["high"], name


def test_region_blank_id_and_name():
    with pytest.raises(ScenarioError, match="id"):
        Region(" ", "X", 1, 0)
    with pytest.raises(ScenarioError, match="name"):
        Region("x", "", 1, 0)


def test_a_manual_role_placed_region_by_region_uses_its_figures_as_entered():
    from salesops.model import evaluate
    from salesops.model.samples import load_sample

    s = load_sample("midmarket")
    plan = replace(s.plan("deal_desk"), sizing="manual", central_fte=2.0, local_fte=(("emea", 1.5),))
    mixed = s.with_plan(replace(plan, placement="centralized", regions=(("emea", "localized"),)))
    role = next(r for r in evaluate(mixed).roles if r.role_id == "deal_desk")
    assert (role.fte_central, role.fte_local, role.overloaded) == (2.0, 1.5, False)
    assert mixed.manual_fte(mixed.plan("deal_desk")) == (2.0, {"emea": 1.5})
