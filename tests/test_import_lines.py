"""Reporting lines kept on import: each sales-ops person's placement read from whom they report to, the
chart drawing the file's lines while the design is what the import found, and the round trip."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from salesops.model.org import build_org, people_drawn
from salesops.readwrite.export import to_csv
from salesops.readwrite.hris import ImportRejected, build_import, guess_mapping, load_rules, read_table
from tests.orgfiles import hris_csv_with_cities

HEADER = ["Employee ID", "Name", "Job Title", "Manager ID", "Location", "Salary"]
# A CRO and a VP Sales Ops in New York, a VP Sales EMEA in London with a manager and reps, reps at HQ.
BASE = [
    ["E1", "Cleo Ray", "Chief Revenue Officer", "", "New York", "300000"],
    ["E2", "Vic Sand", "VP Sales Operations", "E1", "New York", "250000"],
    ["E3", "Lou Park", "VP Sales EMEA", "E1", "London", "240000"],
    ["E4", "Mia Holt", "Sales Manager", "E3", "London", "150000"],
    ["E5", "Ray Cole", "Account Executive", "E4", "London", "100000"],
    ["E6", "Sam Ode", "Account Executive", "E1", "New York", "100000"],
]


def csv_of(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def imp(text: str, **options):
    raw = read_table(text.encode("utf-8"), "org.csv")
    return build_import(raw, guess_mapping(raw.frame.columns), load_rules(), **options)


def placements(result) -> dict[str, dict]:
    return {p["id"]: p for p in result.summary["placements"]}


def test_reporting_to_the_head_of_sales_ops_is_central_even_in_london():
    result = imp(csv_of(BASE + [["E7", "Ann Lind", "Sales Enablement Manager", "E2", "London", "130000"]]))
    ann = placements(result)["E7"]
    assert (ann["placement"], ann["corrected"]) == ("central", False)
    assert ann["reason"] == "reports to Vic Sand (VP Sales Operations), the head of sales ops"
    plan = result.scenario.plan("enablement")
    assert (plan.placement, plan.central_fte, plan.local_fte) == ("centralized", 1.0, ())
    position = {p.id: p for p in result.scenario.positions}["E7"]
    assert (position.kind, position.manager_id, position.role_id) == ("sales_ops", "E2", "enablement")


def test_reporting_to_the_regional_vp_is_embedded_in_that_region():
    # Bea sits in New York but reports to the VP Sales EMEA: she serves EMEA.
    result = imp(csv_of(BASE + [["E7", "Bea Nox", "Deal Desk Analyst", "E3", "New York", "120000"]]))
    bea = placements(result)["E7"]
    region = {p.id: p for p in result.scenario.positions}["E3"].region
    assert bea["placement"] == "embedded" and bea["team"] == region != result.scenario.hq_region
    assert bea["reason"].startswith("reports to Lou Park (VP Sales EMEA), who leads sales in ")
    plan = result.scenario.plan("deal_desk")
    assert (plan.placement, plan.central_fte, plan.local_fte) == ("localized", 0.0, ((region, 1.0),))


def test_reporting_through_a_sales_ops_lead_follows_the_lead():
    rows = BASE + [
        ["E7", "Cy Moss", "Sales Operations Manager", "E3", "London", "140000"],
        ["E8", "Di Roe", "Sales Operations Analyst", "E7", "London", "110000"],
    ]
    got = placements(imp(csv_of(rows)))
    assert got["E8"]["placement"] == got["E7"]["placement"] == "embedded"


def test_a_dotted_line_to_a_regional_vp_makes_one_embedded():
    header = HEADER + ["Dotted Line Manager"]
    rows = [r + [""] for r in BASE] + [["E7", "Eve Dunn", "Sales Operations Analyst", "E2", "London", "120000", "E3"]]
    result = imp(csv_of(rows, header))
    eve = placements(result)["E7"]
    assert eve["placement"] == "embedded"
    assert eve["reason"].startswith("dotted line to Lou Park (VP Sales EMEA), who leads sales in ")
    assert "solid line: reports to Vic Sand" in eve["reason"]
    # without the dotted line the solid line decides
    assert placements(imp(csv_of([r[:6] for r in rows])))["E7"]["placement"] == "central"
    # a dotted line to no one is ignored with a warning
    unknown = imp(csv_of([r[:6] + [""] for r in BASE] + [rows[-1][:6] + ["E99"]], header))
    assert placements(unknown)["E7"]["placement"] == "central"
    assert any("dotted line" in w and "name no one" in w for w in unknown.warnings)


def test_a_correction_wins_and_says_so():
    text = csv_of(BASE + [["E7", "Ann Lind", "Sales Enablement Manager", "E2", "London", "130000"]])
    result = imp(text, placement_overrides={"E7": "embedded"})
    ann = placements(result)["E7"]
    assert (ann["placement"], ann["corrected"]) == ("embedded", True)
    assert ann["reason"].startswith("your correction (the file implies central: reports to Vic Sand")
    assert result.scenario.plan("enablement").placement == "localized"
    with pytest.raises(ImportRejected, match="placement correction for 'E7' must be 'central' or 'embedded'"):
        imp(text, placement_overrides={"E7": "nearby"})
    stale = imp(text, placement_overrides={"E404": "central"})
    assert any("name no sales-ops person" in w for w in stale.warnings)


def test_without_a_head_the_top_sales_ops_person_heads_sales_ops():
    rows = (
        BASE[:1]
        + BASE[2:]
        + [
            ["E7", "Cy Moss", "Sales Operations Manager", "E1", "London", "140000"],
            ["E8", "Di Roe", "Sales Operations Analyst", "E7", "London", "110000"],
        ]
    )
    got = placements(imp(csv_of(rows)))
    assert got["E8"]["reason"] == "reports to Cy Moss (Sales Operations Manager), the head of sales ops"
    assert got["E7"]["placement"] == got["E8"]["placement"] == "central"


def _all_drawn(scenario) -> nx.DiGraph:
    managers = [p.id for p in scenario.positions]
    return build_org(scenario, expand_regions=None, expand_teams=managers)


def test_the_chart_keeps_every_reporting_line_until_the_design_changes():
    scenario = imp(hris_csv_with_cities(300)).scenario
    ops = [p for p in scenario.positions if p.kind == "sales_ops"]
    assert ops and people_drawn(scenario) == {p.role.id for p in scenario.roles}
    graph = _all_drawn(scenario)
    for p in scenario.positions:
        assert list(graph.predecessors(p.id)) == ([p.manager_id] if p.manager_id else [])
    assert not [n for n in graph if str(n).startswith("ops:")]
    # A placement change: that role's people give way to the designed teams, the others stay.
    role = ops[0].role_id
    current = scenario.plan(role).placement
    other = "localized" if current != "localized" else "centralized"
    changed = scenario.with_placement(role, other)
    graph = _all_drawn(changed)
    assert not [p.id for p in ops if p.role_id == role and p.id in graph]
    assert [n for n in graph if str(n).startswith(f"ops:{role}:")]
    assert all(p.id in graph for p in ops if p.role_id != role)
    assert nx.is_arborescence(graph)
    # back to the design the import found: the people again
    assert ops[0].id in _all_drawn(changed.with_placement(role, current))


def test_export_and_reimport_keep_every_line_and_placement():
    header = HEADER + ["Dotted Line Manager"]
    rows = [r + [""] for r in BASE] + [
        ["E7", "Eve Dunn", "Sales Operations Analyst", "E2", "London", "120000", "E3"],
        ["E8", "Ann Lind", "Sales Enablement Manager", "E2", "London", "130000", ""],
        ["E9", "Bea Nox", "Deal Desk Analyst", "E3", "New York", "120000", ""],
    ]
    for text, options in (
        (csv_of(rows, header), {"placement_overrides": {"E8": "embedded"}}),
        (hris_csv_with_cities(300), {}),
    ):
        first = imp(text, **options)
        again = imp(to_csv(first.scenario))
        assert {p.id: p.manager_id for p in again.scenario.positions} == {
            p.id: p.manager_id for p in first.scenario.positions
        }
        assert again.scenario.positions == first.scenario.positions
        assert again.scenario.roles == first.scenario.roles
        want = {p["id"]: (p["placement"], p["team"]) for p in first.summary["placements"]}
        got = {p["id"]: (p["placement"], p["team"]) for p in again.summary["placements"]}
        pooled = {p.role.id for p in first.scenario.roles if p.placement == "centralized"}
        # a centralized role pools its people: each comes back central
        role_of = {p["id"]: p["role_id"] for p in first.summary["placements"]}
        assert got == {pid: (("central", "central") if role_of[pid] in pooled else w) for pid, w in want.items()}


# --------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------
def _harness() -> None:
    import streamlit as st

    from salesops.readwrite.hris import build_import, guess_mapping, read_table
    from salesops.ui.import_lines import render_placements

    raw = read_table(st.session_state["csv"].encode("utf-8"), "org.csv")
    corrections = st.session_state.get("import:placements", {})
    result = build_import(raw, guess_mapping(raw.frame.columns), placement_overrides=corrections)
    st.session_state["placed"] = {p["id"]: p["placement"] for p in result.summary["placements"]}
    render_placements(result)


def test_page_corrects_a_placement_and_clears_it():
    from streamlit.testing.v1 import AppTest

    from salesops.ui.import_lines import editor_key

    at = AppTest.from_function(_harness, default_timeout=60)
    at.session_state["csv"] = csv_of(BASE + [["E7", "Ann Lind", "Sales Enablement Manager", "E2", "London", "1"]])
    at.run()
    assert not at.exception, at.exception
    [editor] = at.data_editor
    assert editor.value.loc[0, ["name", "placement"]].tolist() == ["Ann Lind", "central"]
    assert "head of sales ops" in editor.value.loc[0, "why"]
    assert not at.button  # nothing to clear yet
    at.session_state[editor_key({})] = {
        "edited_rows": {0: {"placement": "embedded"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["import:placements"] == {"E7": "embedded"}
    assert at.session_state["placed"] == {"E7": "embedded"}
    [editor] = at.data_editor
    assert editor.value.loc[0, "placement"] == "embedded"
    assert editor.value.loc[0, "why"].startswith("your correction")
    at.button(key="import:placements:clear").click().run()
    assert not at.exception, at.exception
    assert "import:placements" not in at.session_state
    assert at.session_state["placed"] == {"E7": "central"}
