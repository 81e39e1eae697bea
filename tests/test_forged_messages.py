"""A read-only link's viewer, as a raw websocket client: forged messages leave the stored versions unchanged.

The real app server (``streamlit run``) runs on a temporary SQLite database that holds one saved
scenario. A client speaks Streamlit's own protocol to it, without a browser: it opens the share link
``?s=<id>&v=1`` on the ROI page with a ``BackMsg`` ``rerun_script`` and reads the ``ForwardMsg``
stream of the run. Then it sends what no browser would: ``rerun_script`` messages whose widget states
set the disabled deal-desk placement control to "Centralized", trigger the disabled Undo and Redo
buttons and the Save button that the read-only view does not even draw, all of them at once, pick
another sample in the start page's disabled sample picker (also while switching pages), a
``clear_cache`` message (which empties the session's state), and a rerun whose URL no longer names
the link. After each one, the database still holds only version 1 of the shared scenario, exactly
as saved, and no working copy (a read-only view never auto-saves), and the page still shows the
shared scenario, read-only, with its ROI. (Streamlit itself drops a disabled widget's value and
skips its callback; the app's own refusals in ``state.commit``, ``undo`` and ``redo`` are the
second line. The test checks what the two achieve together.)

The same forged messages do take effect where the controls are enabled: in a second session that
opened the app without a link they change the placement (auto-saving a working copy), save a new
scenario, undo and load another sample, so the test would see a forged message that got through.
Last, the viewer makes an editable copy (the one button the view offers), edits it and saves it:
that creates a new scenario, and the shared one still has only its version 1.
"""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack

import pytest
import sqlalchemy
from streamlit.proto.BackMsg_pb2 import BackMsg

from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import list_samples, load_sample
from salesops.store import Store
from tests.browser import app_server

# websockets is a dependency of Streamlit 1.67 (its server is Starlette/uvicorn; tornado is no longer installed).
pytest.importorskip("websockets.sync.client", reason="no websocket client (websockets) installed")

from tests.wsclient import Run, session  # noqa: E402
from tests.wsclient import choose as _choose  # noqa: E402
from tests.wsclient import pick as _pick  # noqa: E402
from tests.wsclient import trigger as _trigger  # noqa: E402


def test_forged_messages_leave_a_read_only_links_versions_unchanged(tmp_path):
    db_path = tmp_path / "forged.db"
    url = f"sqlite:///{db_path}"
    store = Store(sqlalchemy.create_engine(url))
    shared = load_sample("midmarket").with_placement("deal_desk", "localized")
    info = store.create(shared, name="Shared", note="v1")
    saved = store.load(info.scenario_id, 1).scenario  # as stored (named "Shared")
    default = load_sample("midmarket")  # what the app opens without a link: the deal desk centralized
    assert shared.with_placement("deal_desk", "centralized") == default
    shared_roi = METRIC["roi"].text(evaluate(shared).roi)
    default_roi = METRIC["roi"].text(evaluate(default).roi)
    assert shared_roi != default_roi  # so that a forged "Centralized" that got through would show
    startup = next(s for s in list_samples() if s.name == "startup")
    startup_roi = METRIC["roi"].text(evaluate(load_sample("startup")).roi)
    assert startup_roi != shared_roi

    def drafts() -> int:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]

    def assert_unchanged(run: Run, what: str) -> None:
        history = store.history(info.scenario_id)
        assert [h.version for h in history] == [1], f"{what}: versions {[h.version for h in history]}"
        assert store.load(info.scenario_id, 1).scenario == saved, f"{what}: version 1 changed"
        assert drafts() == 0, f"{what}: a read-only view wrote a working copy"
        assert run.exceptions == [], f"{what}: {run.exceptions}"
        assert run.metrics.get("ROI") == shared_roi, f"{what}: ROI {run.metrics.get('ROI')} != {shared_roi}"
        if "placement:deal_desk" in run.widgets:  # the ROI page
            assert run.placement("deal_desk") == (["Localized"], True), f"{what}: {run.placement('deal_desk')}"
        else:  # the start page
            assert run.widgets["scenario:sample"][1].disabled, f"{what}: the sample picker is enabled"
        assert "save:fork" in run.widgets and "save:button" not in run.widgets, f"{what}: not read-only"
        assert run.widgets["sidebar:undo"][1].disabled and run.widgets["sidebar:redo"][1].disabled, what

    link = f"s={info.scenario_id}&v=1"
    with app_server(env={"SALESOPS_DATABASE_URL": url}) as base, ExitStack() as stack:
        viewer = stack.enter_context(session(base, link, "roi"))
        editor = stack.enter_context(session(base, "", "roi"))  # no link: every control enabled (the control)
        first = viewer.rerun()
        assert any("read-only" in a for a in first.alerts), first.alerts
        assert_unchanged(first, "opening the link")
        placement_id = first.widget_id("placement:deal_desk")
        undo_id, redo_id = first.widget_id("sidebar:undo"), first.widget_id("sidebar:redo")

        plain = editor.rerun()
        assert plain.metrics.get("ROI") == default_roi and plain.placement("deal_desk") == (["Centralized"], False)
        save_id = plain.widget_id("save:button")  # not drawn in the read-only view; a key-only id
        assert plain.widget_id("placement:deal_desk") == placement_id  # ids are the same in every session
        assert drafts() == 0  # an untouched default is not auto-saved

        forged = {
            "placement 'Centralized'": [_choose(placement_id, "Centralized")],
            "Save": [_trigger(save_id)],
            "Undo": [_trigger(undo_id)],
            "Redo": [_trigger(redo_id)],
            "all at once": [_choose(placement_id, "Centralized"), _trigger(save_id), _trigger(undo_id)],
        }
        for what, widgets in forged.items():
            assert_unchanged(viewer.rerun(widgets), f"forged {what}")

        # The start page's sample picker (disabled in the view) would replace the whole scenario.
        start = viewer.goto("home")
        assert_unchanged(start, "the start page")
        sample_id = start.widget_id("scenario:sample")
        assert_unchanged(viewer.rerun([_pick(sample_id, startup.title)]), "forged sample 'startup'")
        assert_unchanged(
            viewer.goto("roi", [_pick(sample_id, startup.title), _choose(placement_id, "Centralized")]),
            "a forged sample and placement on the way back to the ROI page",
        )

        # clear_cache empties the session's state (the read-only flag with it); the link opens read-only again.
        msg = BackMsg()
        msg.clear_cache = True
        viewer.send(msg)
        run = viewer.rerun([_choose(placement_id, "Centralized"), _trigger(save_id)])
        assert any("You are viewing" in a for a in run.alerts), run.alerts  # the session began afresh
        assert_unchanged(run, "clear_cache, then a forged placement and Save")
        # A rerun whose URL no longer names the link does not end the read-only view.
        assert_unchanged(
            viewer.rerun([_choose(placement_id, "Centralized"), _trigger(save_id)], query_string=""),
            "a forged rerun without the link's parameters",
        )

        # The control: the same messages where the controls are enabled do change and save things.
        run = editor.rerun([_choose(placement_id, "Localized")])
        assert run.exceptions == [] and run.metrics.get("ROI") == shared_roi, run.metrics
        assert drafts() == 1  # auto-saved as a working copy
        editor.rerun([_trigger(save_id)])
        assert len(store.list_scenarios()) == 2
        run = editor.rerun([_trigger(undo_id)])
        assert run.exceptions == [] and run.metrics.get("ROI") == default_roi, run.metrics
        editor.goto("home")  # a widget's message counts only on the page that drew it in the last run
        run = editor.rerun([_pick(sample_id, startup.title)])
        assert run.exceptions == [] and run.metrics.get("ROI") == startup_roi, run.metrics
        assert [h.version for h in store.history(info.scenario_id)] == [1]

        # The viewer's way out: an editable copy; its edits and its save never touch the shared scenario.
        run = viewer.rerun([_trigger(first.widget_id("save:fork"))])
        assert run.placement("deal_desk") == (["Localized"], False) and "save:button" in run.widgets
        run = viewer.rerun([_choose(placement_id, "Centralized")])
        assert run.exceptions == [] and run.metrics.get("ROI") == default_roi, run.metrics
        viewer.rerun([_trigger(save_id)])
        assert len(store.list_scenarios()) == 3
        assert [h.version for h in store.history(info.scenario_id)] == [1]
        assert store.load(info.scenario_id, 1).scenario == saved
