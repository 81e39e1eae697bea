"""Exporting an org (salesops.readwrite.export): CSV safe for spreadsheets, GraphML, exact re-import."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import networkx as nx
import pytest

from salesops.readwrite.export import CSV_COLUMNS, export_rows, neutralize, to_csv, to_graphml
from salesops.readwrite.hris import build_import, example_csv, guess_mapping, load_rules, read_table
from salesops.model import evaluate
from salesops.model.org import people_drawn
from salesops.model.positions import Position
from salesops.model.samples import load_sample, synthetic
from salesops.model.scenario import Scenario

SAMPLES = ("startup", "midmarket", "enterprise")
PLACEMENTS = ("centralized", "localized", "hybrid")


def reimport(text: str, name: str = "export.csv") -> Scenario:
    raw = read_table(text.encode("utf-8"), name)
    return build_import(raw, guess_mapping(raw.frame.columns), load_rules()).scenario


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_same_figures(a: Scenario, b: Scenario) -> None:
    ha, hb = evaluate(a).headline(), evaluate(b).headline()
    for key, value in ha.items():
        if key == "scenario":
            continue
        if value is None:
            assert hb[key] is None, key
        else:
            assert hb[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key  # FTE summed back from rows


def imported(rows: int = 200) -> Scenario:
    return reimport(example_csv(rows), "hris.csv")


# --------------------------------------------------------------------------
# Formula injection
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell, safe",
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("Ann", "Ann"),
        ("'plain", "'plain"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralize(cell, safe):
    assert neutralize(cell) == safe


def test_formula_in_a_name_is_neutralised_and_reimports_as_written():
    base = imported(60)
    evil = '=HYPERLINK("http://evil.example","click")'
    positions = tuple(
        replace(p, name=evil, title="@risk", department="-ops") if p.manager_id is None else p for p in base.positions
    )
    scenario = replace(base, positions=positions)
    text = to_csv(scenario)
    root = next(r for r in rows_of(text) if r["manager_id"] == "")
    assert root["name"] == "'" + evil and root["title"] == "'@risk" and root["department"] == "'-ops"
    for row in rows_of(text):
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r", value
    again = reimport(text)
    assert {p.id: (p.name, p.title, p.department) for p in again.positions}[root["employee_id"]] == (
        evil,
        "@risk",
        "-ops",
    )
    assert again.positions == scenario.positions


def test_negative_numbers_are_written_as_numbers_and_read_back():
    scenario = load_sample("midmarket")
    west = next(r for r in rows_of(to_csv(scenario)) if r["region"] == "US West")
    assert west["tz_offset_hours"] == "-3"  # a number, not the text '-3: only text can start a formula
    assert reimport(to_csv(scenario)).region("us-west").tz_offset_hours == -3.0


def test_text_that_looks_negative_is_still_neutralised():
    scenario = load_sample("midmarket")
    region = scenario.regions[1]
    odd = replace(
        scenario, regions=(scenario.regions[0], replace(region, name="-2+3+cmd|' /C calc'!A0")) + scenario.regions[2:]
    )
    row = (
        next(r for r in rows_of(to_csv(odd)) if r["region_id"] == region.id)
        if "region_id" in CSV_COLUMNS
        else next(r for r in rows_of(to_csv(odd)) if r["region"].endswith("A0"))
    )
    assert row["region"].startswith("'-2+3")


# --------------------------------------------------------------------------
# CSV content
# --------------------------------------------------------------------------
def test_sample_expands_to_people_with_stable_ids():
    scenario = load_sample("midmarket")
    text = to_csv(scenario)
    assert text == to_csv(scenario)  # deterministic
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    rows = rows_of(text)
    kinds = [r["kind"] for r in rows]
    assert kinds.count("rep") == 120 and kinds.count("manager") == 14
    ids = [r["employee_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert {"cro", "ops-head", "rl:east", "m:east:1", "rep:m:east:1:1"} <= set(ids)
    head = next(r for r in rows if r["employee_id"] == "ops-head")
    assert (head["kind"], head["title"], head["manager_id"]) == ("leader", "Head of Sales Operations", "cro")
    res = evaluate(scenario)
    ops = [r for r in rows if r["kind"] == "sales_ops"]
    assert sum(float(r["fte"]) for r in ops) == pytest.approx(res.sales_ops_fte)
    assert sum(float(r["cost_usd_per_year"]) for r in ops) == pytest.approx(res.sales_ops_cost_usd)
    assert all(r["manager_id"] == "ops-head" for r in ops if r["department"] == "Sales operations (central)")


def test_fractional_fte_becomes_whole_rows_and_a_remainder():
    scenario = load_sample("midmarket")
    plan = replace(
        scenario.plan("deal_desk"),
        sizing="manual",
        placement="hybrid",
        central_fte=2.25,
        local_fte=(("emea", 0.5), ("west", 1.0)),
    )
    scenario = scenario.with_plan(plan)
    rows = [r for r in rows_of(to_csv(scenario)) if r["role_id"] == "deal_desk"]
    assert [(r["employee_id"], r["fte"], r["region"], r["manager_id"]) for r in rows] == [
        ("ops:deal_desk:central:1", "1", "US East (HQ)", "ops-head"),
        ("ops:deal_desk:central:2", "1", "US East (HQ)", "ops-head"),
        ("ops:deal_desk:central:3", "0.25", "US East (HQ)", "ops-head"),
        ("ops:deal_desk:west:1", "1", "US West", "rl:west"),
        ("ops:deal_desk:emea:1", "0.5", "EMEA (London)", "rl:emea"),
    ]
    cost = plan.role.cost_usd_per_year
    assert float(rows[4]["cost_usd_per_year"]) == pytest.approx(0.5 * cost * scenario.region("emea").cost_index)
    again = reimport(to_csv(scenario))
    plan2 = again.plan("deal_desk")
    assert (plan2.placement, plan2.central_fte, dict(plan2.local_fte)) == (
        "hybrid",
        2.25,
        {"emea-london": 0.5, "us-west": 1.0},
    )
    assert plan2.role.cost_usd_per_year == cost
    assert_same_figures(scenario, again)


def test_imported_org_rows_follow_build_org():
    scenario = imported(200)
    rows = rows_of(to_csv(scenario))
    assert [r["employee_id"] for r in rows[: len(scenario.positions)]] == [p.id for p in scenario.positions]
    ops = [r for r in rows if r["kind"] == "sales_ops"]
    head = next(p.id for p in scenario.positions if p.title == "VP Sales Operations")
    heads = {r["region"]: r["manager_id"] for r in ops if r["department"] == "Sales operations (embedded, hybrid)"}
    assert all(r["manager_id"] == head for r in ops if "central" in r["department"])
    positions = {p.id: p for p in scenario.positions}
    for region, manager in heads.items():
        assert positions[manager].kind == "leader" and scenario.region(positions[manager].region).name == region


def test_imported_org_without_head_of_sales_ops_hangs_central_teams_under_the_root():
    text = "ID,Name,Manager ID,Title\nE1,Ann,,CRO\nE2,Bob,E1,CRM Administrator\nE3,Cy,E1,Account Executive\n"
    scenario = reimport(text)
    rows = rows_of(to_csv(scenario))
    assert [(r["employee_id"], r["manager_id"], r["kind"]) for r in rows] == [
        ("E1", "", "leader"),
        ("E2", "E1", "sales_ops"),  # the imported person, under their real manager
        ("E3", "E1", "rep"),
    ]
    rows = rows_of(to_csv(scenario.with_placement("crm_admin", "localized").with_placement("crm_admin", "centralized")))
    assert [r["employee_id"] for r in rows] == ["E1", "E2", "E3"]  # the design is back to what the import found
    assert reimport(to_csv(scenario)).positions == scenario.positions


def test_collapsed_positions_in_a_scenario_file_become_people():
    base = load_sample("startup")
    positions = (
        Position("boss", "Boss", "leader", None, "CRO", base.hq_region),
        Position("team", "Team", "rep", "boss", "AE", base.hq_region, count=base.total_reps),
    )
    regions = (replace(base.hq, managers=0),)
    scenario = replace(base, regions=regions, positions=positions)
    scenario.check_positions()
    rows = [r for r in export_rows(scenario) if r["kind"] == "rep"]
    assert len(rows) == base.total_reps and rows[1]["employee_id"] == "team#2"
    assert reimport(to_csv(scenario)).total_reps == base.total_reps


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------
@pytest.mark.parametrize("placement", (None,) + PLACEMENTS)
@pytest.mark.parametrize("name", SAMPLES)
def test_samples_reimport_to_the_same_people_and_figures(name, placement):
    scenario = load_sample(name)
    if placement:
        scenario = scenario.with_placement("all", placement)
    again = reimport(to_csv(scenario))
    again.check_positions()
    assert again.total_reps == scenario.total_reps
    assert sorted(
        (r.name, r.reps, r.managers, r.tz_offset_hours, r.market_complexity, r.cost_index) for r in again.regions
    ) == sorted(
        (r.name, r.reps, r.managers, r.tz_offset_hours, r.market_complexity, r.cost_index) for r in scenario.regions
    )
    assert again.region(again.hq_region).name == scenario.hq.name
    res, res2 = evaluate(scenario), evaluate(again)
    by_role = {r.role_id: r for r in res.roles}
    for r in res2.roles:  # same FTE per placement, now sized manually
        assert (r.placement, r.sizing) == (by_role[r.role_id].placement, "manual")
        assert (r.fte_central, r.fte_local) == (by_role[r.role_id].fte_central, by_role[r.role_id].fte_local)
    assert_same_figures(scenario, again)


def test_synthetic_org_round_trips():
    scenario = synthetic(600, 6, placement="hybrid")
    assert_same_figures(scenario, reimport(to_csv(scenario)))


def staffed(scenario: Scenario) -> list[tuple]:
    """Each staffed role with the FTE its placement uses (Scenario.manual_fte).

    A role left with no staff has nobody to export, so it is not in the file.
    """
    out = []
    for plan in scenario.roles:
        central, by_region = scenario.manual_fte(plan)
        central = round(central, 5)
        local = tuple(sorted((r, round(f, 5)) for r, f in by_region.items() if f))
        if central or local:
            out.append((plan.role, plan.placement, plan.sizing, central, local))
    return out


def test_imported_org_round_trips_exactly():
    scenario = imported(300)
    again = reimport(to_csv(scenario), "hris.csv")
    assert again.positions == scenario.positions
    assert again.roles == scenario.roles
    assert again.regions == scenario.regions
    assert evaluate(again).headline() == evaluate(scenario).headline()


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_imported_org_with_switched_placements_round_trips(placement):
    scenario = imported(300).with_placement("all", placement)
    again = reimport(to_csv(scenario), "hris.csv")
    # The people of a role whose design changed give way to the designed teams in the file.
    changed = {p.role.id for p in scenario.roles} - people_drawn(scenario)
    kept = [p for p in scenario.positions if p.kind == "sales_ops" and p.role_id not in changed]
    assert [p for p in again.positions if p.kind == "sales_ops" and not p.id.startswith("ops:")] == kept
    assert [p for p in again.positions if p.kind != "sales_ops"] == [
        p for p in scenario.positions if p.kind != "sales_ops"
    ]
    assert staffed(again) == staffed(scenario)
    assert again.regions == scenario.regions
    assert_same_figures(scenario, again)


def test_edited_region_parameters_survive_the_round_trip():
    scenario = imported(150)
    region = scenario.regions[2]
    scenario = scenario.with_region(replace(region, tz_offset_hours=-4.5, market_complexity=0.8, cost_index=0.6))
    again = reimport(to_csv(scenario), "hris.csv")
    assert again.region(region.id) == scenario.region(region.id)
    assert again.roles == scenario.roles
    assert_same_figures(scenario, again)


def test_odd_costs_keep_their_value():
    base = imported(40)
    positions = tuple(replace(p, cost_usd_per_year=950.125) if p.manager_id is None else p for p in base.positions)
    scenario = replace(base, positions=positions)
    assert reimport(to_csv(scenario), "hris.csv").positions == positions


# --------------------------------------------------------------------------
# GraphML
# --------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", [load_sample("enterprise"), imported(250)], ids=["sample", "imported"])
def test_graphml_is_readable_with_every_person(scenario):
    text = to_graphml(scenario)
    graph = nx.read_graphml(io.StringIO(text))
    rows = export_rows(scenario)
    assert set(graph.nodes) == {r["employee_id"] for r in rows}
    assert graph.number_of_edges() == len(rows) - 1
    assert nx.is_arborescence(graph)
    for r in rows[:50]:
        node = graph.nodes[r["employee_id"]]
        assert (node["kind"], node["name"], node["region"]) == (r["kind"], r["name"], r["region_id"])
        assert node["fte"] == pytest.approx(r["fte"])
    reps = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "rep")
    assert reps == scenario.total_reps
    assert graph.graph["name"] == scenario.name


def test_graphml_attributes_are_plain_types():
    graph = nx.read_graphml(io.StringIO(to_graphml(load_sample("startup"))))
    for _, data in graph.nodes(data=True):
        assert all(isinstance(v, (str, int, float)) for v in data.values())


def test_exports_without_people_keep_the_structure_and_drop_who_and_what_they_earn():
    from salesops.report import to_excel
    from tests.readback import read_csv, read_graphml, read_xlsx

    scenario = imported(120)
    res = evaluate(scenario)
    full, redacted = rows_of(to_csv(scenario, res)), rows_of(to_csv(scenario, res, people=False))
    assert len(full) == len(redacted)
    real = {p.id for p in scenario.positions}
    names = {p.name for p in scenario.positions}
    for a, b in zip(full, redacted):
        if a["employee_id"] in real:
            assert b["name"] == "" and float(b["cost_usd_per_year"]) == 0.0 and b["employee_id"].startswith("P")
            assert (a["title"], a["kind"], a["region"], a["fte"]) == (b["title"], b["kind"], b["region"], b["fte"])
    assert not names & {r["name"] for r in redacted}
    assert not real & {r["employee_id"] for r in redacted} and not real & {r["manager_id"] for r in redacted}
    # Same org, same figures.
    for facts in (
        read_csv(to_csv(scenario, res, people=False)),
        read_graphml(to_graphml(scenario, res, people=False)),
        read_xlsx(to_excel(scenario, res, people=False)),
    ):
        assert facts.reps == res.reps and facts.fte == pytest.approx(res.sales_ops_fte)
    json_copy = Scenario.from_json(scenario.without_people().to_json())
    assert evaluate(json_copy).headline() == {**res.headline(), "scenario": json_copy.name}
    assert not names & {p.name for p in json_copy.positions}
    assert reimport(to_csv(scenario, res, people=False)).total_reps == scenario.total_reps
