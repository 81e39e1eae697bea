"""Imported orgs: a Scenario holding positions, drawn, edited and serialized."""

from __future__ import annotations

import networkx as nx
import pytest

from salesops.model import evaluate
from salesops.model.org import build_org
from salesops.model.positions import Position
from salesops.model.roles import load_catalog
from salesops.model.scenario import Region, RolePlan, Scenario, ScenarioError


def _org() -> Scenario:
    people = [
        Position("ceo", "Ana CEO", "leader", None, "Chief Revenue Officer", "na"),
        Position("vpops", "Ops Lead", "leader", "ceo", "VP Sales Operations", "na"),
        Position("vpe", "Eve", "leader", "ceo", "Head of EMEA Sales", "emea"),
        Position("m1", "Max", "manager", "ceo", "Sales Manager", "na"),
        Position("m2", "Mia", "manager", "vpe", "Sales Manager", "emea"),
        Position("m3", "Moe", "manager", "m2", "Team Lead", "emea"),
    ]
    people += [Position(f"r{i}", f"Rep {i}", "rep", "m1", "Account Executive", "na") for i in range(1, 5)]
    people += [
        Position(f"e{i}", f"EU rep {i}", "rep", "m3" if i > 2 else "m2", "Account Executive", "emea")
        for i in range(1, 6)
    ]
    people.append(Position("x1", "Fay", "other", "ceo", "CFO", "na"))
    catalog = load_catalog()
    return Scenario(
        name="Imported",
        hq_region="na",
        regions=(
            Region("na", "North America", reps=4, managers=1),
            Region("emea", "EMEA", reps=5, managers=2, tz_offset_hours=5),
        ),
        roles=(RolePlan(catalog["deal_desk"], "hybrid", "manual", central_fte=1.0, local_fte=(("emea", 1.0),)),),
        positions=tuple(people),
    )


def test_positions_round_trip_through_json():
    s = _org()
    s.check_positions()
    again = Scenario.from_json(s.to_json())
    assert again == s and again.positions == s.positions


def test_positions_that_disagree_with_region_counts_are_rejected():
    doc = _org().to_dict()
    doc["regions"][0]["reps"] = 7
    with pytest.raises(ScenarioError, match="region 'na' says 7 reps and 1 managers but its positions hold 4 reps"):
        Scenario.from_dict(doc)


def test_positions_with_a_cycle_are_rejected_naming_the_ids():
    doc = _org().to_dict()
    for p in doc["positions"]:
        if p["id"] == "m2":
            p["manager_id"] = "m3"
    with pytest.raises(ScenarioError, match="reporting cycle: .*m2.*m3|reporting cycle: .*m3.*m2"):
        Scenario.from_dict(doc)


def test_imported_org_draws_as_a_tree_with_ops_under_the_ops_leader():
    s = _org()
    res = evaluate(s)
    graph = build_org(s, {(t.role_id, t.team): t.fte for t in res.teams})
    assert nx.is_arborescence(graph)
    reps = sum(d["count"] for _, d in graph.nodes(data=True) if d["kind"] == "rep")
    assert reps == 9
    assert graph.has_edge("vpops", "ops:deal_desk:central")  # "VP Sales Operations" leads the central team
    assert graph.has_edge("vpe", "ops:deal_desk:emea")  # the embedded team sits with the region's top leader
    assert graph.nodes["team:m1"]["count"] == 4


def test_collapsed_region_groups_managers_and_reps():
    s = _org()
    graph = build_org(s, expand_regions=["na"])
    assert graph.nodes["mgrs:vpe:emea"]["count"] == 2
    assert graph.nodes["reps:vpe:emea"]["count"] == 5
    assert "m2" not in graph and "m1" in graph


def test_headcount_edits_add_and_remove_planned_positions():
    s = _org()
    more = s.with_region_headcount("emea", reps=8, managers=3)
    more.check_positions()
    planned = [p for p in more.positions if p.id.startswith("planned-")]
    assert len([p for p in planned if p.kind == "rep"]) == 3 and len([p for p in planned if p.kind == "manager"]) == 1
    assert evaluate(more).reps == 12
    fewer = more.with_region_headcount("emea", reps=4, managers=2)
    fewer.check_positions()
    assert not any(p.id.startswith("planned-") for p in fewer.positions)  # planned ones go first
    assert evaluate(fewer).reps == 8
    # Removing a manager moves its reports up to its own manager.
    one = s.with_region_headcount("emea", reps=5, managers=1)
    one.check_positions()
    assert {p.manager_id for p in one.positions if p.id in ("e3", "e4", "e5")} == {"m2"}


def test_placement_change_keeps_the_people():
    s = _org()
    moved = s.with_placement("deal_desk", "localized")
    assert moved.positions is s.positions
    assert evaluate(moved).reps == evaluate(s).reps
