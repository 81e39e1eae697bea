"""Model version 3 in the app through streamlit.testing.v1.AppTest: placement region by region, the hub
in any region, the minimum team, fractional or whole staffing, old (model 2) scenarios and the
region-by-region search of the Recommended design page."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from salesops.model import evaluate
from salesops.model.optimize import Design, optimize
from salesops.model.samples import load_sample
from salesops.readwrite.share import encode
from salesops.ui.text import plain
from salesops.ui.widgets import OLD_MODEL_TEXT
from tests.apptest_support import app, goto, warm_server  # noqa: F401  (autouse: temp database, warm server)

DESIGNER, ROI, RECOMMEND = "pages/org_designer.py", "pages/roi.py", "pages/recommend.py"
LEGACY = json.loads((Path(__file__).parent / "fixtures" / "legacy_v2.json").read_text(encoding="utf-8"))["cases"]
MIDMARKET = next(c for c in LEGACY if c["case"] == "midmarket")


def _texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


def _last_change(at: AppTest) -> str:
    return next(c for c in _texts(at.sidebar.caption) if c.startswith("Last change: "))


def _undo(at: AppTest) -> None:
    at.sidebar.button(key="sidebar:undo").click().run()
    assert not at.exception, at.exception


def _designer(at: AppTest) -> AppTest:
    """The Org designer with every role's "By region, hub and process" section open (they are built only when open)."""
    goto(at, DESIGNER)
    for plan in at.session_state["scenario"].roles:
        at.session_state[f"org:by_region:{plan.role.id}:open"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def _central(scenario, role_id: str):
    return next(t for t in evaluate(scenario).teams if t.role_id == role_id and t.team == "central")


def test_a_region_placement_commits_its_override_and_undo_restores_it():
    at = _designer(app())
    before = at.session_state["scenario"]
    assert before.plan("deal_desk").regions == ()
    select = at.selectbox(key="region_placement:deal_desk:emea")
    assert select.value == "centralized" and select.options == ["Centralized", "Localized", "Hybrid"]
    select.set_value("localized").run()
    assert not at.exception, at.exception
    after = at.session_state["scenario"]
    assert after == before.with_region_placement("deal_desk", "emea", "localized")
    assert after.plan("deal_desk").regions == (("emea", "localized"),)
    assert _last_change(at) == "Last change: Deal desk: EMEA (London) localized"
    assert ":material/tune: by region: EMEA (London) localized" in _texts(at.caption)  # beside the role
    # The ROI page shows the layout under the placement control, whose help says a pick sets every region.
    goto(at, ROI)
    assert ":material/tune: by region: EMEA (London) localized" in _texts(at.caption)
    assert "sets every region alike" in at.segmented_control(key="placement:deal_desk").help
    _designer(at)
    _undo(at)
    assert at.session_state["scenario"] == before
    assert at.selectbox(key="region_placement:deal_desk:emea").value == "centralized"
    assert not any("by region" in c for c in _texts(at.caption))


def test_the_hub_select_moves_the_hub_and_every_region_alike_clears_the_overrides():
    at = _designer(app())
    before = at.session_state["scenario"]
    hub = at.selectbox(key="hub:deal_desk")
    assert hub.value == "east" and hub.options[0] == "US East (HQ)"  # HQ first
    assert _central(before, "deal_desk").location_region == "east"
    hub.set_value("emea").run()
    assert not at.exception, at.exception
    moved = at.session_state["scenario"]
    assert moved.plan("deal_desk").hub_region == "emea" and moved.hub_of(moved.plan("deal_desk")).id == "emea"
    assert _central(moved, "deal_desk").location_region == "emea"
    assert _last_change(at) == "Last change: Deal desk: hub in EMEA (London)"
    assert ":material/tune: by region: hub in EMEA (London)" in _texts(at.caption)
    at.selectbox(key="hub:deal_desk").set_value("east").run()  # back to HQ
    assert at.session_state["scenario"].plan("deal_desk").hub_region == ""
    # Two regions placed otherwise, then one click puts every region back on the role's placement.
    assert at.button(key="alike:deal_desk").disabled
    at.selectbox(key="region_placement:deal_desk:west").set_value("hybrid").run()
    at.selectbox(key="region_placement:deal_desk:emea").set_value("localized").run()
    assert at.session_state["scenario"].plan("deal_desk").regions == (("emea", "localized"), ("west", "hybrid"))
    at.button(key="alike:deal_desk").click().run()
    assert at.session_state["scenario"].plan("deal_desk").regions == ()
    assert _last_change(at) == "Last change: Deal desk: every region centralized"


def test_a_minimum_team_raises_an_auto_sized_team():
    at = _designer(app())
    before = _central(at.session_state["scenario"], "deal_desk").fte
    assert before < 3.5
    at.number_input(key="min_fte:deal_desk").set_value(3.5).run()
    assert not at.exception, at.exception
    scenario = at.session_state["scenario"]
    assert scenario.plan("deal_desk").min_fte == 3.5
    assert _central(scenario, "deal_desk").fte == 3.5
    assert _last_change(at) == "Last change: Deal desk: minimum team 3.5 FTE"
    at.toggle(key="sizing:deal_desk").set_value(True).run()  # a manual role has no minimum to set
    assert not any(n.key == "min_fte:deal_desk" for n in at.number_input)


def test_whole_staffing_is_one_step_and_the_note_names_the_largest_jumps():
    at = _designer(app())
    control = at.segmented_control(key="staffing")
    assert control.value == "continuous" and control.options == ["Fractional FTE", "Whole FTE"]
    assert "generalist covering several roles" in control.help
    assert not any("jumps whole staffing causes" in w for w in _texts(at.warning))
    control.set_value("integer").run()
    assert not at.exception, at.exception
    scenario = at.session_state["scenario"]
    assert scenario.staffing == "integer"
    assert _last_change(at) == "Last change: Staffing: whole FTE"
    whole, fractional = evaluate(scenario), evaluate(replace(scenario, staffing="continuous"))
    cost = {(t.role_id, t.team): t.cost_usd_per_year for t in fractional.teams}
    jumps = sorted(whole.teams, key=lambda t: cost[(t.role_id, t.team)] - t.cost_usd_per_year)
    names = {r.role_id: r.name for r in whole.roles}
    note = next(w for w in _texts(at.warning) if "jumps whole staffing causes" in w)
    for team in jumps[:3]:  # the largest jumps, each with its whole and fractional FTE
        other = next(t for t in fractional.teams if (t.role_id, t.team) == (team.role_id, team.team))
        assert f"**{names[team.role_id]}**" in note
        assert f"{team.fte:g} whole FTE against {other.fte:.2f} fractional" in note
    _undo(at)
    assert at.session_state["scenario"].staffing == "continuous"


def test_a_generalist_covering_the_small_roles_is_one_undoable_step():
    at = app()
    at.selectbox(key="scenario:sample").set_value("startup").run()
    at = _designer(at)
    assert not at.toggle(key="generalists").value
    at.toggle(key="generalists").set_value(True).run()
    scenario = at.session_state["scenario"]
    assert scenario.generalists and _last_change(at) == "Last change: Staffing: a generalist covers the small roles"
    res = evaluate(scenario)
    shared = [t for t in res.teams if t.pool]
    assert len(shared) == 4 and res.sales_ops_fte < evaluate(replace(scenario, generalists=False)).sales_ops_fte
    assert any(f"{len(shared)} small teams share {shared[0].servers_exact:.2f} FTE of generalists" in c
               for c in _texts(at.caption))  # fmt: skip
    _undo(at)
    assert not at.session_state["scenario"].generalists
    at.segmented_control(key="staffing").set_value("integer").run()
    assert at.toggle(key="generalists").disabled  # whole people cannot be shared by fractions


def test_an_old_scenario_says_so_and_the_current_model_is_one_undoable_step():
    at = goto(app(), "pages/import_org.py")
    data = json.dumps(MIDMARKET["document"]).encode()
    at.file_uploader(key="import:scenario_file").set_value(("old.json", data, "application/json")).run()
    at.button(key="import:scenario_accept").click().run()
    old = at.session_state["scenario"]
    assert (old.model_version, old.staffing) == (2, "integer")
    goto(at, ROI)
    assert OLD_MODEL_TEXT[2] in _texts(at.info)
    _designer(at)
    assert OLD_MODEL_TEXT[2] in _texts(at.info)
    assert at.segmented_control(key="staffing").disabled  # model 2 staffs whole FTE only
    at.button(key="model:upgrade").click().run()
    assert not at.exception, at.exception
    new = at.session_state["scenario"]
    assert new == old.upgraded()
    assert (new.model_version, new.staffing) == (4, "continuous")
    assert {p.role.id: p.role.control for p in new.roles if p.role.control} == {
        "crm_admin": "data_quality",
        "analytics": "forecast_accuracy",
        "deal_desk": "discount_leakage",
        "planning": "plan_consistency",
    }
    assert _last_change(at) == "Last change: Use the current model (version 4)"
    assert not [t for t in OLD_MODEL_TEXT.values() if t in _texts(at.info)]
    assert not at.segmented_control(key="staffing").disabled
    _undo(at)
    assert at.session_state["scenario"] == old
    assert OLD_MODEL_TEXT[2] in _texts(at.info)


def test_the_process_of_embedded_teams_is_one_undoable_choice_that_moves_the_figures():
    at = _designer(app())
    before = at.session_state["scenario"]
    at.radio(key="process:enablement").set_value("local").run()
    assert not at.exception, at.exception
    after = at.session_state["scenario"]
    assert after == before.with_process("enablement", "local")
    assert _last_change(at) == "Last change: Enablement and training: a process of their own"
    res_before, res_after = evaluate(before), evaluate(after)
    teams = {t.team: t for t in res_after.teams if t.role_id == "enablement"}
    assert not any(t.standardized for k, t in teams.items() if k != "central")  # no standard gain out there
    assert res_after.net_value_usd != res_before.net_value_usd
    _undo(at)
    assert at.session_state["scenario"] == before


def test_every_control_is_off_in_a_read_only_view():
    scenario = load_sample("midmarket").with_region_placement("deal_desk", "emea", "localized")
    at = _designer(app(z=encode(scenario)))
    assert at.session_state["persist:readonly"]
    regional = [s for s in at.selectbox if s.key.startswith(("region_placement:", "hub:"))]
    assert len(regional) == len(scenario.roles) * (len(scenario.regions) + 1)
    assert all(s.disabled for s in regional)
    assert all(n.disabled for n in at.number_input if n.key.startswith("min_fte:"))
    assert all(b.disabled for b in at.button if b.key.startswith("alike:"))
    assert [r.key for r in at.radio if r.key.startswith("process:")] == [f"process:{p.role.id}" for p in scenario.roles]
    assert all(r.disabled for r in at.radio if r.key.startswith("process:"))
    assert at.segmented_control(key="staffing").disabled
    # An old link opens read-only too: the box says what it is, its button is off.
    at = _designer(app(z=MIDMARKET["link"]))
    assert at.session_state["scenario"].model_version == 2
    assert OLD_MODEL_TEXT[2] in _texts(at.info)
    assert at.button(key="model:upgrade").disabled
    goto(at, ROI)
    assert at.button(key="model:upgrade").disabled


def test_the_recommended_design_region_by_region_is_optimize_per_region_and_applies_in_one_step():
    at = goto(app(), RECOMMEND)
    scenario = at.session_state["scenario"]
    plain_rec = optimize(scenario)
    assert list(at.dataframe[0].value["recommended"]) == [a.best for a in plain_rec.roles]
    at.toggle(key="recommend:per_region").set_value(True).run()
    assert not at.exception, at.exception
    rec = optimize(scenario, per_region=True)
    assert rec.best != plain_rec.best and any("; " in a.best for a in rec.roles)  # a layout region by region
    table = at.dataframe[0].value
    assert list(table["recommended"]) == [a.best for a in rec.roles]
    assert list(table["now"]) == [a.current for a in rec.roles]
    success = " ".join(_texts(at.success))
    for _, old, new in rec.changes:
        assert f"{old} → **{new}**" in success
    grid = at.dataframe[1].value  # region by region: a column per region with reps, and the hub
    assert list(grid["role"]) == [a.role for a in rec.roles]
    best = dict(rec.best.layouts)
    for _, row in grid.iterrows():
        rid = next(a.role_id for a in rec.roles if a.role == row["role"])
        for region in scenario.regions:
            mode = dict(best[rid].regions).get(region.id, best[rid].placement)
            assert row[region.id].startswith(mode.capitalize())
    assert any("per region" in c for c in _texts(at.caption))
    at.button(key="recommend:apply").click().run()
    assert not at.exception, at.exception
    assert Design.of(at.session_state["scenario"]) == rec.best
    _undo(at)
    assert at.session_state["scenario"] == scenario


def test_hostile_region_and_role_names_reach_the_new_text_escaped():
    from tests.test_hostile_inputs import _hostile_scenario

    scenario = _hostile_scenario()
    first, far = scenario.roles[0].role.id, scenario.regions[-1].id
    scenario = replace(scenario.with_region_placement(first, far, "localized").with_hub(first, far), staffing="integer")
    at = app()
    at.session_state["scenario"] = scenario
    for page in (DESIGNER, ROI, RECOMMEND):
        goto(at, page)
        if page == RECOMMEND:
            at.toggle(key="recommend:per_region").set_value(True).run()
            assert not at.exception, at.exception
        sources = [e.value for kind in ("markdown", "caption", "warning", "info", "success") for e in getattr(at, kind)]
        sources += [w.label for w in at.selectbox] + [w.help or "" for w in at.selectbox]
        assert any("by region" in str(s) for s in sources) or page == RECOMMEND
        for text in sources:
            for raw in ("](http", ":red[", "](javascript"):
                assert raw not in str(text), (page, text)


def test_region_by_region_by_npv_runs_in_a_worker_and_gives_the_npv_optimum():
    at = goto(app(), RECOMMEND)
    at.toggle(key="recommend:per_region").set_value(True).run()
    at.segmented_control(key="recommend:objective").set_value("npv").run()
    assert not at.exception, at.exception
    rec = optimize(at.session_state["scenario"], "npv", per_region=True)
    assert list(at.dataframe[0].value["recommended"]) == [a.best for a in rec.roles]
    assert not at.warning
