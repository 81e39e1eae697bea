"""Saving, sharing and comparing through the app (AppTest), on a temporary SQLite store."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import load_sample
from salesops.readwrite.share import encode
from salesops.store import Store, StoreUnavailable
from salesops.ui.text import plain
from tests.apptest_support import app, open_sections, warm_server  # noqa: F401  (autouse: temp database, warm server)
from tests.dbfixtures import (
    cap_sqlite_pages,
    fresh_postgres_schema,
    local_postgres_cluster,
    postgres_url_or_skip,
    read_only_bind_mount,
)

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
    # Saving the copy creates a new scenario: never a version of the shared one.
    copy_id, copy_version = _save(viewer, "My copy", "from the link")
    assert copy_id != sid and copy_version == 1
    assert [h.version for h in temp_store.history(sid)] == [2, 1]
    assert temp_store.load(copy_id).scenario.plan("deal_desk").placement == "centralized"


def test_concurrent_saves_from_one_base_conflict_and_can_branch(temp_store):
    first = _app()
    sid, _ = _save(first, "Plan")
    second = _app()  # a second editor continues version 1 from Saved scenarios
    second.switch_page("pages/scenarios.py").run()
    second.selectbox(key="scenarios:chosen").set_value(sid).run()
    second.button(key="scenarios:open").click().run()
    assert second.session_state["persist:ref"] == (sid, 1)
    _roi(first)
    first.segmented_control(key="placement:planning").set_value("Localized").run()
    assert _save(first, "Plan", "first edit") == (sid, 2)
    _roi(second)
    second.segmented_control(key="placement:analytics").set_value("Hybrid").run()
    second.sidebar.button(key="save:button").click().run()  # still based on version 1
    assert any("Nothing was overwritten" in plain(w.value) for w in second.sidebar.warning)
    assert temp_store.load(sid).info.version == 2
    assert temp_store.load(sid).scenario.plan("planning").placement == "localized"
    second.sidebar.button(key="save:branch").click().run()
    branch_id, branch_version = second.session_state["persist:ref"]
    assert branch_id != sid and branch_version == 1
    branch = temp_store.history(branch_id)[0]
    assert (branch.parent_scenario_id, branch.parent_version) == (sid, 1)
    assert temp_store.load(branch_id).scenario.plan("analytics").placement == "hybrid"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"s": "no-such-id"}, "does not open a saved scenario"),
        ({"s": "x" * 5000}, "does not open a saved scenario"),
        ({"s": "abc", "v": "two"}, "is not a version number"),
        ({"z": "1.deadbeef.AAAA"}, "could not be opened"),
        ({"z": "9." + "A" * 40}, "could not be opened"),
        ({"z": "A" * 200_000}, "could not be opened"),
        ({"w": "not-a-draft"}, "was not found"),
    ],
)
def test_bad_links_give_a_clear_message_and_the_default_scenario(params, message):
    at = _app(**params)
    assert any(message in plain(e.value) for e in list(at.error) + list(at.warning)), (
        [plain(e.value) for e in at.error],
        [plain(w.value) for w in at.warning],
    )
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


# --------------------------------------------------------------------------
# The database failing under the app: a message on the run that failed, never a traceback
# --------------------------------------------------------------------------
def _app_store() -> Store:
    """The Store the app itself uses (cached per process by persist._store_for)."""
    import os

    from salesops.ui import persist

    return persist._store_for(os.environ["SALESOPS_DATABASE_URL"])


def _sidebar_errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.sidebar.error]


def _said_saved(at: AppTest) -> bool:
    return any("Saved" in plain(s.value) for s in at.success)


def _save_panel_open(at: AppTest) -> bool:
    panel = next(e for e in at.sidebar.expander if e.label == "Save & share")
    return panel.proto.expanded


def test_a_deleted_database_file_fails_the_autosave_and_the_save_on_that_run(temp_store, tmp_path):
    at = _app()
    _roi(at)
    at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    sid, _ = _save(at, "Plan")
    assert not _sidebar_errors(at)
    temp_store.dispose()
    for suffix in ("", "-wal", "-shm"):  # deleted while the app is running
        Path(f"{tmp_path / 'app.db'}{suffix}").unlink(missing_ok=True)

    at.segmented_control(key="placement:crm_admin").set_value("Hybrid").run()  # an edit: auto-save fails
    assert not at.exception, at.exception
    errors = _sidebar_errors(at)
    assert any(e.startswith("Auto-save failed") and "removed or replaced" in e for e in errors), errors
    assert any("Auto-save failed" in plain(t.value) for t in at.toast)
    assert _save_panel_open(at)

    at.sidebar.text_input(key="save:note").set_value("after the delete")
    at.sidebar.button(key="save:button").click().run()
    assert not at.exception, at.exception
    errors = _sidebar_errors(at)
    assert any(e.startswith("Save failed") and "nothing was saved" in e for e in errors), errors
    assert not _said_saved(at)
    assert at.session_state["persist:ref"] == (sid, 1)  # still based on the version that was saved
    assert not (tmp_path / "app.db").exists()  # and no empty database was made in its place


def test_a_failed_autosave_shows_on_that_run_and_a_later_save_clears_it(temp_store):
    at = _app()
    _roi(at)
    cap = cap_sqlite_pages(_app_store())  # the database is full: no room for the working copy
    at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    assert not at.exception, at.exception
    errors = _sidebar_errors(at)
    assert any(e.startswith("Auto-save failed") and "the database or disk is full" in e for e in errors), errors
    assert [t.value for t in at.toast if "Auto-save failed" in plain(t.value)]
    assert _save_panel_open(at)
    assert "w" not in at.query_params  # no link to a working copy that was not written

    at.sidebar.button(key="save:button").click().run()  # Save fails too, on its own run
    assert not at.exception, at.exception
    assert any(e.startswith("Save failed") and "full" in e for e in _sidebar_errors(at))
    assert not _said_saved(at) and "persist:ref" not in at.session_state
    assert temp_store.list_scenarios() == []

    cap["pages"] = 1_000_000  # room again, without restarting the app
    _app_store().engine.dispose()
    at.segmented_control(key="placement:crm_admin").set_value("Hybrid").run()
    assert not at.exception, at.exception
    draft = at.query_params["w"]  # the auto-save went through ...
    assert temp_store.get_draft(draft).scenario == at.session_state["scenario"]
    assert any(e.startswith("Save failed") for e in _sidebar_errors(at))  # ... but no version was saved yet
    sid, version = _save(at, "After the disk was freed")
    assert version == 1 and _said_saved(at)
    assert not _sidebar_errors(at) and not _save_panel_open(at)  # a successful save clears the warning
    assert temp_store.load(sid).scenario == at.session_state["scenario"]


@pytest.mark.parametrize("how", ["read-only URL", "read-only mount"])
def test_a_read_only_database_opens_links_and_says_saving_is_off(temp_store, tmp_path, monkeypatch, how):
    from salesops.ui import persist

    shared = load_sample("startup").renamed("Shared plan")
    sid = temp_store.create(shared).scenario_id
    temp_store.dispose()
    with contextlib.ExitStack() as stack:
        if how == "read-only URL":
            url = f"sqlite:///file:{tmp_path / 'app.db'}?mode=ro&uri=true"
        else:
            data = tmp_path / "data"
            data.mkdir()
            (tmp_path / "app.db").rename(data / "app.db")
            stack.enter_context(read_only_bind_mount(data, tmp_path / "view"))()
            url = f"sqlite:///{tmp_path / 'view' / 'app.db'}"
        monkeypatch.setenv("SALESOPS_DATABASE_URL", url)
        persist._store_for.clear()
        try:
            viewer = _app(s=sid, v="1")
            assert viewer.session_state["scenario"] == shared and viewer.session_state["persist:readonly"]
            assert not viewer.error and not _sidebar_errors(viewer)
            assert any("Saving is off" in c.value for c in viewer.sidebar.caption)
            viewer.sidebar.button(key="save:fork").click().run()
            _roi(viewer)
            viewer.segmented_control(key="placement:deal_desk").set_value("Localized").run()
            assert not viewer.exception, viewer.exception
            assert viewer.session_state["scenario"].plan("deal_desk").placement == "localized"
            assert not _sidebar_errors(viewer)  # no auto-save is tried, so none fails
            assert any("Saving is off" in w.value and "read-only" in w.value for w in viewer.sidebar.warning)
            assert not [b for b in viewer.sidebar.button if b.key == "save:button"]
        finally:
            _app_store().dispose()
            persist._store_for.clear()


def test_postgres_stopped_while_the_app_runs_then_started_again(monkeypatch):
    from salesops.ui import persist

    base_url = postgres_url_or_skip()
    cluster = local_postgres_cluster(base_url)
    cluster.start()
    with fresh_postgres_schema(base_url) as url:
        monkeypatch.setenv("SALESOPS_DATABASE_URL", url)
        persist._store_for.clear()
        try:
            at = _app()
            _roi(at)
            at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
            sid, _ = _save(at, "Plan")
            try:
                cluster.stop()
                at.segmented_control(key="placement:crm_admin").set_value("Hybrid").run()
                assert not at.exception, at.exception
                assert any(
                    e.startswith("Auto-save failed") and "cannot be reached" in e for e in _sidebar_errors(at)
                ), _sidebar_errors(at)
                at.sidebar.button(key="save:button").click().run()
                assert not at.exception, at.exception
                assert any(e.startswith("Save failed") and "cannot be reached" in e for e in _sidebar_errors(at))
                assert not _said_saved(at)
            finally:
                cluster.start()
            assert _save(at, "Plan", "after the restart") == (sid, 2)  # the same app process
            assert _said_saved(at) and not _sidebar_errors(at)
            check = Store(url)
            try:
                assert [h.version for h in check.history(sid)] == [2, 1]
                assert check.load(sid).scenario == at.session_state["scenario"]
            finally:
                check.dispose()
        finally:
            _app_store().dispose()
            persist._store_for.clear()


def test_opening_a_version_when_the_database_fails_changes_nothing_and_says_so(temp_store, monkeypatch):
    at = _app()
    sid, _ = _save(at, "History")
    _roi(at)
    at.segmented_control(key="placement:deal_desk").set_value("Hybrid").run()
    before = at.session_state["scenario"]
    real_load, down = Store.load, {"now": True}

    def load(self, *args, **kwargs):  # the server went away between listing and loading
        if down["now"]:
            raise StoreUnavailable(
                "cannot load scenario 'x' in postgresql://...: the database server cannot be reached",
                reason="the database server cannot be reached",
            )
        return real_load(self, *args, **kwargs)

    at.switch_page("pages/scenarios.py").run()
    at.selectbox(key="scenarios:chosen").set_value(sid).run()
    monkeypatch.setattr(Store, "load", load)
    at.button(key="scenarios:open").click().run()
    assert not at.exception, at.exception
    assert any("Loading version 1 failed: the database server cannot be reached" in e.value for e in at.error)
    assert not any("is now the working scenario" in s.value for s in at.success)
    assert at.session_state["scenario"] == before and at.session_state["persist:ref"] == (sid, 1)
    assert any("Loading version 1 failed" in e for e in _sidebar_errors(at))  # and the sidebar still drawn
    down["now"] = False
    at.button(key="scenarios:open").click().run()  # the database is back: it opens, the message goes
    assert any("is now the working scenario" in s.value for s in at.success)
    assert not _sidebar_errors(at)


def test_a_link_view_leaves_people_out_of_downloads_unless_its_owner_allowed_it():
    at = _app()
    assert at.session_state.get("persist:readonly") is not True
    from salesops.ui import persist

    at.session_state["persist:readonly"] = True
    open_sections(at, "sidebar:downloads")  # the Download section is built only while open
    assert any("People-level data" in plain(c.value) for c in at.sidebar.caption)
    at.session_state[persist.LINK_PEOPLE] = True
    at.run()
    assert not any("People-level data" in plain(c.value) for c in at.sidebar.caption)


def test_a_second_tab_on_the_same_working_copy_is_told_and_nothing_is_lost(temp_store):
    first = _app()
    _roi(first)
    first.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    draft = first.query_params["w"]
    second = _app(w=draft)  # the address bar copied into another tab
    assert second.session_state["persist:in_use"] is not None
    assert any("open in another tab" in plain(w.value) for w in second.sidebar.warning)
    _roi(second)
    second.segmented_control(key="placement:analytics").set_value("Hybrid").run()
    # The second tab's edit is not written over the first tab's working copy ...
    assert temp_store.get_draft(draft).scenario.plan("analytics").placement == "centralized"
    first.segmented_control(key="placement:planning").set_value("Localized").run()
    assert temp_store.get_draft(draft).scenario.plan("planning").placement == "localized"
    # ... until it chooses: a copy of its own keeps both sets of edits.
    second.sidebar.button(key="save:as_copy").click().run()
    copy = second.query_params["w"]
    assert copy != draft
    assert temp_store.get_draft(copy).scenario.plan("analytics").placement == "hybrid"
    assert temp_store.get_draft(draft).scenario.plan("planning").placement == "localized"


def test_taking_over_a_working_copy_tells_the_other_tab(temp_store):
    first = _app()
    _roi(first)
    first.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    draft = first.query_params["w"]
    second = _app(w=draft)
    second.sidebar.button(key="save:take_over").click().run()
    _roi(second)
    second.segmented_control(key="placement:analytics").set_value("Hybrid").run()
    assert temp_store.get_draft(draft).scenario.plan("analytics").placement == "hybrid"
    first.segmented_control(key="placement:planning").set_value("Localized").run()  # the first tab edits on
    assert first.session_state["persist:in_use"] is not None
    assert any("open in another tab" in plain(w.value) for w in first.sidebar.warning)
    assert temp_store.get_draft(draft).scenario.plan("planning").placement == "centralized"


def test_a_link_view_lists_no_saved_scenario_and_opens_none(temp_store):
    """Local mode too: from a read-only link, no page lists or opens another saved scenario."""
    other = temp_store.create(load_sample("enterprise"), name="Someone else's plan")
    shared = temp_store.create(load_sample("startup"), name="Shared")
    viewer = _app(s=shared.scenario_id, v="1")
    viewer.switch_page("pages/scenarios.py").run()
    assert not viewer.exception
    assert not viewer.selectbox and not any(other.scenario_id in str(df.value.values) for df in viewer.dataframe)
    assert not any("Open as the working scenario" in b.label for b in viewer.button)
    viewer.switch_page("pages/compare.py").run()
    assert not any("Someone else" in o for o in viewer.multiselect(key="compare:chosen").options)
    assert [h.version for h in temp_store.history(shared.scenario_id)] == [1]


def test_compare_tells_apart_saved_versions_with_the_same_name_by_date_and_id(temp_store):
    base = load_sample("midmarket")
    first = temp_store.create(base, name="Client X - as is", note="as is")
    second = temp_store.create(base.with_placement("deal_desk", "localized"), name="Client X - as is", note="as is")
    at = _app()
    at.switch_page("pages/compare.py").run()
    labels = [o for o in at.multiselect(key="compare:chosen").options if "Client X" in o]  # the shown labels
    assert len(labels) == 2 and len(set(labels)) == 2, labels
    assert all("saved 20" in label and "(as is)" in label for label in labels)
    assert any(f"#{first.scenario_id[:8]}" in label for label in labels)
    assert any(f"#{second.scenario_id[:8]}" in label for label in labels)
