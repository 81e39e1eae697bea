"""The org chart: validation of explicit positions, the drawn org and its layout."""

from __future__ import annotations

import re
from collections import defaultdict

import networkx as nx
import pytest

from salesops.model import evaluate
from salesops.model.org import (
    OrgValidationError,
    Position,
    build_org,
    org_from_positions,
    org_summary,
    spans_of_control,
    tree_layout,
    validate_positions,
)
from salesops.model.scenario import Region, Scenario


def P(pid, manager=None, kind="rep"):
    return Position(pid, pid.upper(), kind, manager)


def _error(positions) -> str:
    with pytest.raises(OrgValidationError) as info:
        validate_positions(positions)
    return str(info.value)


def _ids_in(message: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9_:-]+", message))


# --------------------------------------------------------------------------
# validate_positions
# --------------------------------------------------------------------------
def test_valid_tree_passes():
    items = [P("ceo", kind="leader"), P("vp", "ceo", "manager"), P("a", "vp"), P("b", "vp")]
    assert [p.id for p in validate_positions(items)] == ["ceo", "vp", "a", "b"]
    g = org_from_positions(items)
    assert nx.is_arborescence(g)
    assert set(g.successors("vp")) == {"a", "b"}
    assert g.nodes["a"]["title"] == "A"  # title falls back to the name


def test_rejects_empty():
    assert "empty" in _error([])


def test_rejects_duplicates():
    msg = _error([P("ceo", kind="leader"), P("x", "ceo"), P("y", "ceo"), P("x", "ceo"), P("y", "ceo")])
    assert "duplicate" in msg
    assert {"x", "y"} <= _ids_in(msg) and "ceo" not in _ids_in(msg)


def test_rejects_orphans():
    msg = _error([P("ceo", kind="leader"), P("a", "ceo"), P("b", "ghost"), P("c", "phantom")])
    assert "manager not found" in msg
    assert {"b", "ghost", "c", "phantom"} <= _ids_in(msg)
    assert "a" not in _ids_in(msg)


def test_rejects_several_roots():
    msg = _error([P("boss1", kind="leader"), P("boss2", kind="leader"), P("a", "boss1"), P("b", "boss2")])
    assert "roots" in msg
    assert {"boss1", "boss2"} <= _ids_in(msg)
    assert not {"a", "b"} & _ids_in(msg)


def test_empty_manager_id_counts_as_root():
    msg = _error([P("boss1", kind="leader"), Position("boss2", "B", "leader", ""), P("a", "boss1")])
    assert {"boss1", "boss2"} <= _ids_in(msg)


def test_rejects_cycle():
    msg = _error([P("ceo", kind="leader"), P("a", "ceo"), P("b", "d"), P("c", "b"), P("d", "c"), P("e", "b")])
    assert "cycle" in msg
    assert {"b", "c", "d"} <= _ids_in(msg)
    assert not {"ceo", "a", "e"} & _ids_in(msg)


def test_rejects_two_node_cycle_without_root():
    msg = _error([P("a", "b"), P("b", "a")])
    assert "cycle" in msg and {"a", "b"} <= _ids_in(msg)


def test_rejects_self_manager():
    msg = _error([P("ceo", kind="leader"), P("loop", "loop")])
    assert "cycle" in msg and "loop" in _ids_in(msg)


@pytest.mark.parametrize("blank", ["", "   "])
def test_rejects_blank_id(blank):
    msg = _error([P("ceo", kind="leader"), Position(blank, "Nobody", "rep", "ceo")])
    assert "blank" in msg
    assert "2" in msg  # names the (1-based) position of the blank id


def test_rejects_unknown_kind():
    with pytest.raises(OrgValidationError, match="wizard"):
        Position("x", "X", "wizard")


# --------------------------------------------------------------------------
# build_org
# --------------------------------------------------------------------------
def _count(g, kind):
    return sum(d["count"] for _, d in g.nodes(data=True) if d["kind"] == kind)


@pytest.mark.parametrize("expand", [None, []], ids=["expanded", "collapsed"])
def test_build_org_is_a_tree_with_every_rep_and_manager(sample, expand):
    g = build_org(sample, expand_regions=expand)
    assert nx.is_arborescence(g)
    assert g.in_degree("cro") == 0
    assert _count(g, "rep") == sample.total_reps
    assert _count(g, "manager") == sum(r.managers for r in sample.regions)
    summary = org_summary(g)
    assert summary["reps"] == sample.total_reps
    assert summary["managers"] == sum(r.managers for r in sample.regions)
    assert summary["reps_per_manager"] == pytest.approx(sample.total_reps / sum(r.managers for r in sample.regions))


def test_expanded_regions_draw_each_manager(sample):
    g = build_org(sample)
    for r in sample.regions:
        managers = [n for n in g.successors(f"rl:{r.id}") if g.nodes[n]["kind"] == "manager"]
        assert len(managers) == r.managers
        assert all(g.nodes[m]["count"] == 1 for m in managers)


def test_collapsed_regions_have_one_manager_node(sample):
    g = build_org(sample, expand_regions=[])
    for r in sample.regions:
        managers = [n for n, d in g.nodes(data=True) if d["kind"] == "manager" and d["region"] == r.id]
        assert len(managers) == (1 if r.managers else 0)


def test_expand_teams_draws_individual_reps():
    s = Scenario("t", "na", (Region("na", "NA", 25, 3),), ())
    g = build_org(s, expand_teams=["m:na:1"])
    # 25 reps over 3 managers: 9, 8, 8 (the remainder goes to the first)
    reps1 = list(g.successors("m:na:1"))
    assert len(reps1) == 9
    assert all(g.nodes[n]["kind"] == "rep" and g.nodes[n]["count"] == 1 for n in reps1)
    assert "team:m:na:1" not in g
    assert g.nodes["team:m:na:2"]["count"] == 8 and g.nodes["team:m:na:3"]["count"] == 8
    assert _count(g, "rep") == 25
    assert nx.is_arborescence(g)


def test_reps_without_managers_report_to_region_head():
    s = Scenario("t", "a", (Region("a", "A", 7, 0), Region("b", "B", 0, 2)), ())
    for expand in (None, []):
        g = build_org(s, expand_regions=expand)
        assert nx.is_arborescence(g)
        assert _count(g, "rep") == 7 and _count(g, "manager") == 2
        rep_nodes = [n for n, d in g.nodes(data=True) if d["kind"] == "rep"]
        assert all(next(g.predecessors(n)) == "rl:a" for n in rep_nodes)


def test_sales_ops_teams_follow_placement(sample):
    res = evaluate(sample)
    fte = {(t.role_id, t.team): t.fte for t in res.teams}
    g = build_org(sample, fte_by_team=fte)
    assert org_summary(g)["sales_ops_fte"] == pytest.approx(res.sales_ops_fte)
    for plan in sample.roles:
        central = f"ops:{plan.role.id}:central"
        if plan.placement == "localized":
            assert central not in g
            for r in sample.regions:
                if r.reps:
                    assert next(g.predecessors(f"ops:{plan.role.id}:{r.id}")) == f"rl:{r.id}"
        else:
            assert next(g.predecessors(central)) == "ops-head"


def test_spans_of_control(sample):
    g = build_org(sample)
    spans = spans_of_control(g)
    assert sum(spans.values()) == sample.total_reps - sum(r.reps for r in sample.regions if r.managers == 0)


# --------------------------------------------------------------------------
# tree_layout
# --------------------------------------------------------------------------
def _check_layout(g):
    pos = tree_layout(g)
    assert set(pos) == set(g.nodes)
    root = next(n for n, d in g.in_degree() if d == 0)
    assert pos[root][1] == 0.0
    by_depth = defaultdict(list)
    for node, (x, y) in pos.items():
        by_depth[y].append(x)
        kids = list(g.successors(node))
        if kids:
            xs = [pos[k][0] for k in kids]
            assert x == pytest.approx((min(xs) + max(xs)) / 2)
            assert all(pos[k][1] == y + 1 for k in kids)
    for y, xs in by_depth.items():
        assert len(xs) == len(set(xs)), f"two nodes share x at depth {y}"
    return pos


@pytest.mark.parametrize("expand", [None, []], ids=["expanded", "collapsed"])
def test_tree_layout(sample, expand):
    _check_layout(build_org(sample, expand_regions=expand))


def test_tree_layout_hand_example():
    g = org_from_positions(
        [
            P("r", kind="leader"),
            P("a", "r", "manager"),
            P("b", "r", "manager"),
            P("a1", "a"),
            P("a2", "a"),
            P("b1", "b"),
        ]
    )
    pos = _check_layout(g)
    # leaves 0, 1, 2; a over (0, 1) at 0.5; b over its one leaf at 2; r over (0.5, 2)
    assert sorted(x for n, (x, y) in pos.items() if y == 2) == [0.0, 1.0, 2.0]
    assert pos["b"][0] == 2.0
    assert {pos["a"][0], pos["b"][0]} == {0.5, 2.0}
    assert pos["r"] == (1.25, 0.0)


def test_tree_layout_deep_chain_no_recursion_limit():
    items = [P("n0", kind="leader")] + [P(f"n{i}", f"n{i - 1}") for i in range(1, 3000)]
    pos = tree_layout(org_from_positions(items))
    assert pos["n2999"] == (0.0, 2999.0)


def test_tree_layout_empty():
    assert tree_layout(nx.DiGraph()) == {}
