"""Saving, sharing and comparing through the app (AppTest), on a temporary SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.metrics import METRIC
from salesops.model import evaluate
from salesops.samples import load_sample
from salesops.share import encode
from salesops.store import Store
from salesops.ui.text import plain
from tests.apptest_support import app, warm_server  # noqa: F401  (autouse: temp database, warm server)

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture(autouse=True)
def temp_store(warm_server):
    """The database the app uses in this test (see tests.apptest_support.warm_server)."""
    import os

    return Store(os.environ["SALESOPS_DATABASE_URL"])


_app = app


def _roi(at: AppTest) -> str:
    at.switch_page("pages/roi.py").run()
    assert not at.exception, at.exception
    return next(m.value for m in at.metric if m.label == "ROI")


def _save(at: AppTest, name: str, note: str = "") -> tuple[str, int]:
    at.sidebar.text_input(key="save:name").set_value(name)
    at.sidebar.text_input(key="save:note").set_value(note)
    at.sidebar.button(key="save:button").click().run()
    assert not at.exception, at.exception
    return at.session_state["persist:ref"]


def test_every_change_is_autosaved_and_a_refresh_restores_it(temp_store):
    at = _app()
    _roi(at)
    at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    draft = at.query_params["w"]
    assert temp_store.get_draft(draft).scenario == at.session_state["scenario"]
    again = _app(w=draft)  # a page refresh: a new session with the same URL
    assert again.session_state["scenario"] == at.session_state["scenario"]
    assert _roi(again) == _roi(at)


def test_save_creates_versions_and_the_link_opens_exactly_that_version_read_only(temp_store):
    at = _app()
    _roi(at)
    at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    sid, v1 = _save(at, "Workshop A", "deal desk local")
    assert v1 == 1 and any("version 1" in plain(s.value) for s in at.success)
    at.segmented_control(key="placement:crm_admin").set_value("Hybrid").run()
    _, v2 = _save(at, "Workshop A", "crm hybrid")
    assert v2 == 2
    assert [h.version for h in temp_store.history(sid)] == [2, 1]
    viewer = _app(s=sid, v="1")
    expected = evaluate(load_sample("midmarket").with_placement("deal_desk", "localized").renamed("Workshop A"))
    assert _roi(viewer) == METRIC["roi"].text(expected.roi)
    assert viewer.session_state["persist:readonly"]
    assert viewer.segmented_control(key="placement:deal_desk").disabled
    before = viewer.session_state["scenario"]
    viewer.session_state["placement:deal_desk"] = "Centralized"  # even a forced edit is refused
    viewer.run()
    assert viewer.session_state["scenario"] == before
    viewer.sidebar.button(key="save:fork").click().run()
    assert not viewer.session_state["persist:readonly"]
    viewer.switch_page("pages/roi.py").run()
    viewer.segmented_control(key="placement:deal_desk").set_value("Centralized").run()
    assert viewer.session_state["scenario"].plan("deal_desk").placement == "centralized"
    assert temp_store.load(sid, 1).scenario == before  # the shared version never changes


def test_concurrent_saves_from_one_base_conflict_and_can_branch(temp_store):
    first = _app()
    sid, _ = _save(first, "Plan")
    second = _app(s=sid, v="1")
    second.sidebar.button(key="save:fork").click().run()
    _roi(first)
    first.segmented_control(key="placement:planning").set_value("Localized").run()
    assert _save(first, "Plan", "first edit") == (sid, 2)
    _roi(second)
    second.segmented_control(key="placement:analytics").set_value("Hybrid").run()
    second.sidebar.button(key="save:button").click().run()  # still based on version 1
    assert any("Nothing was overwritten" in w.value for w in second.sidebar.warning)
    assert temp_store.load(sid).info.version == 2
    assert temp_store.load(sid).scenario.plan("planning").placement == "localized"
    second.sidebar.button(key="save:branch").click().run()
    branch_id, branch_version = second.session_state["persist:ref"]
    assert branch_id != sid and branch_version == 1
    branch = temp_store.history(branch_id)[0]
    assert (branch.parent_scenario_id, branch.parent_version) == (sid, 1)
    assert temp_store.load(branch_id).scenario.plan("analytics").placement == "hybrid"


@pytest.mark.parametrize("params, message", [
    ({"s": "no-such-id"}, "does not open a saved scenario"),
    ({"s": "x" * 5000}, "does not open a saved scenario"),
    ({"s": "abc", "v": "two"}, "is not a version number"),
    ({"z": "1.deadbeef.AAAA"}, "could not be opened"),
    ({"z": "9." + "A" * 40}, "could not be opened"),
    ({"z": "A" * 200_000}, "could not be opened"),
    ({"w": "not-a-draft"}, "was not found"),
])
def test_bad_links_give_a_clear_message_and_the_default_scenario(params, message):
    at = _app(**params)
    assert any(message in e.value for e in list(at.error) + list(at.warning)), (
        [plain(e.value) for e in at.error], [plain(w.value) for w in at.warning])
    assert at.session_state["scenario"] == load_sample("midmarket")
    assert not at.session_state.get("persist:readonly")


def test_compact_link_opens_without_the_database_read_only():
    scenario = load_sample("startup").with_placement("all", "localized")
    at = _app(z=encode(scenario))
    assert at.session_state["scenario"] == scenario
    assert at.session_state["persist:readonly"]


def test_saved_scenarios_page_restores_an_old_version_as_the_newest(temp_store):
    at = _app()
    sid, _ = _save(at, "History")
    _roi(at)
    at.segmented_control(key="placement:deal_desk").set_value("Hybrid").run()
    _save(at, "History", "hybrid")
    at.switch_page("pages/scenarios.py").run()
    at.selectbox(key="scenarios:chosen").set_value(sid).run()
    at.selectbox(key="scenarios:version").set_value(1).run()
    at.button(key="scenarios:open").click().run()
    assert at.session_state["scenario"].plan("deal_desk").placement == "centralized"
    assert at.session_state["persist:ref"] == (sid, 2)
    assert _save(at, "History", "restored version 1") == (sid, 3)
    assert temp_store.load(sid, 3).scenario.plan("deal_desk").placement == "centralized"


def test_compare_page_shows_six_scenarios_with_differences(temp_store):
    base = load_sample("midmarket")
    saved = []
    for placement in ("localized", "hybrid"):
        for role in ("deal_desk", "crm_admin"):
            saved.append(temp_store.create(base.with_placement(role, placement), name=f"{role} {placement}"))
    at = _app()
    at.switch_page("pages/compare.py").run()
    keys = ["working", "sample:enterprise"] + [f"saved:{i.scenario_id}:1" for i in saved]
    at.multiselect(key="compare:chosen").set_value(keys).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table.columns) == 1 + 6
    roi_row = table[table["Metric"] == "ROI"].iloc[0]
    localized = evaluate(base.with_placement("deal_desk", "localized")).roi - evaluate(base).roi
    assert f"{localized * 100:+.1f} pp" in roi_row.iloc[3]
    assert any("placement" in str(df.value.values) for df in at.dataframe[1:])


def test_scenario_file_opens_after_schema_validation_and_a_bad_one_changes_nothing():
    at = _app()
    at.switch_page("pages/import_org.py").run()
    good = load_sample("enterprise").to_json().encode()
    at.file_uploader(key="import:scenario_file").set_value(("ent.json", good, "application/json")).run()
    at.button(key="import:scenario_accept").click().run()
    assert at.session_state["scenario"] == load_sample("enterprise")
    bad = good.replace(b'"reps": 320', b'"reps": -3')
    at.file_uploader(key="import:scenario_file").set_value(("bad.json", bad, "application/json")).run()
    assert any("regions[0].reps: -3 is less than the minimum of 0" in plain(e.value) for e in at.error)
    assert at.session_state["scenario"] == load_sample("enterprise")
