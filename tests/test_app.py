"""Every page through streamlit.testing.v1.AppTest: the user's path without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.format import fmt_pct
from salesops.model import evaluate
from salesops.samples import load_sample

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = ("pages/home.py", "pages/org_designer.py", "pages/roi.py")
HEADLINES = ("ROI", "Productivity per rep", "Sales-ops cost", "Payback (months)")


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric labelled {label!r}; have {[m.label for m in at.metric]}"
    return values[0]


def _goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("sample", ["startup", "midmarket", "enterprise"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_every_sample(page, sample):
    at = _app()
    at.selectbox(key="scenario:sample").set_value(sample).run()
    _goto(at, page)
    assert at.session_state["scenario"] == load_sample(sample)
    assert not at.error


def test_start_page_loads_sample_and_shows_its_headline():
    at = _app()
    assert at.session_state["scenario"].name == load_sample("midmarket").name
    at.selectbox(key="scenario:sample").set_value("enterprise").run()
    expected = evaluate(load_sample("enterprise"))
    assert _metric(at, "ROI") == fmt_pct(expected.roi)
    assert at.session_state["scenario"].total_reps == 800


def test_roi_page_has_the_four_headlines():
    at = _goto(_app(), "pages/roi.py")
    for label in HEADLINES:
        _metric(at, label)


def test_changing_a_placement_changes_roi_and_changing_back_restores_it():
    at = _goto(_app(), "pages/roi.py")
    before = _metric(at, "ROI")
    control = at.segmented_control(key="placement:deal_desk")
    assert control.value == "Centralized"
    assert control.options == ["Centralized", "Localized", "Hybrid"]
    control.set_value("Localized").run()
    after = _metric(at, "ROI")
    assert after != before
    expected = evaluate(load_sample("midmarket").with_placement("deal_desk", "localized"))
    assert after == fmt_pct(expected.roi)
    assert at.session_state["scenario"].plan("deal_desk").placement == "localized"
    at.segmented_control(key="placement:deal_desk").set_value("Centralized").run()
    assert _metric(at, "ROI") == before


def test_scenario_survives_switching_pages():
    at = _goto(_app(), "pages/roi.py")
    at.segmented_control(key="placement:crm_admin").set_value("Hybrid").run()
    roi = _metric(at, "ROI")
    for page in ("pages/org_designer.py", "pages/home.py", "pages/roi.py"):
        _goto(at, page)
        assert at.session_state["scenario"].plan("crm_admin").placement == "hybrid"
    assert at.segmented_control(key="placement:crm_admin").value == "Hybrid"
    assert _metric(at, "ROI") == roi


def test_undo_and_redo_from_the_sidebar():
    at = _goto(_app(), "pages/roi.py")
    original = _metric(at, "ROI")
    at.segmented_control(key="placement:analytics").set_value("Localized").run()
    changed = _metric(at, "ROI")
    assert changed != original
    at.sidebar.button(key="sidebar:undo").click().run()
    assert _metric(at, "ROI") == original
    assert at.segmented_control(key="placement:analytics").value == "Centralized"
    at.sidebar.button(key="sidebar:redo").click().run()
    assert _metric(at, "ROI") == changed
    assert at.segmented_control(key="placement:analytics").value == "Localized"


def test_org_designer_remove_and_add_a_role():
    at = _goto(_app(), "pages/org_designer.py")
    n = len(at.session_state["scenario"].roles)
    at.button(key="remove:planning").click().run()
    assert "planning" not in [p.role.id for p in at.session_state["scenario"].roles]
    assert len(at.session_state["scenario"].roles) == n - 1
    at.selectbox(key="roles:add_choice").set_value("planning").run()
    at.button(key="roles:add").click().run()
    assert "planning" in [p.role.id for p in at.session_state["scenario"].roles]


def test_org_designer_manual_fte_seeds_from_auto_and_zero_fte_warns():
    at = _goto(_app(), "pages/org_designer.py")
    auto_fte = next(r.fte for r in evaluate(load_sample("midmarket")).roles if r.role_id == "deal_desk")
    at.toggle(key="sizing:deal_desk").set_value(True).run()
    plan = at.session_state["scenario"].plan("deal_desk")
    assert plan.sizing == "manual" and plan.central_fte == auto_fte
    assert at.number_input(key="fte:deal_desk:central").value == auto_fte
    at.number_input(key="fte:deal_desk:central").set_value(0.0).run()
    assert at.session_state["scenario"].plan("deal_desk").central_fte == 0.0
    assert any("Deal desk" in w.value for w in at.warning)
    assert not at.exception


def test_org_designer_edits_reps_per_region():
    at = _goto(_app(), "pages/org_designer.py")
    key = f"regions:editor:{at.session_state['scenario:revision']}"
    at.session_state[key] = {"edited_rows": {0: {"reps": 90}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert at.session_state["scenario"].regions[0].reps == 90
    assert at.session_state["scenario"].total_reps == 150


def test_org_designer_rejects_a_bad_region_edit_and_keeps_the_scenario():
    at = _goto(_app(), "pages/org_designer.py")
    before = at.session_state["scenario"]
    key = f"regions:editor:{at.session_state['scenario:revision']}"
    at.session_state[key] = {"edited_rows": {1: {"name": ""}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert at.session_state["scenario"] == before
    assert any("Row 2" in e.value and "name" in e.value for e in at.error)


def test_org_designer_shows_details_of_the_selected_node():
    at = _goto(_app(), "pages/org_designer.py")
    at.session_state["org:selected"] = "rl:emea"
    at.run()
    assert any("EMEA (London) sales" in m.value for m in at.markdown)
    assert any("people report here directly" in m.value for m in at.markdown)
