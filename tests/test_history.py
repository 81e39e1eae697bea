"""Undo, redo and the change shown under each headline.

The pure :class:`salesops.model.history.History` is checked against a plain list
model over random sequences of edits, undos and redos (hypothesis); the app is
then driven through the same kind of sequences (AppTest) and the change shown
under ROI and cost must equal the difference between the figures before and
after the last action, whatever that action was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from salesops.model.history import History
from salesops.model.metrics import METRIC
from salesops.model import evaluate
from salesops.model.samples import load_sample
from salesops.ui.text import plain
from tests.apptest_support import warm_server  # noqa: F401  (autouse: temp database, warm server)

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")

ops = st.lists(
    st.one_of(st.tuples(st.just("commit"), st.integers(0, 5), st.booleans()), st.just(("undo",)), st.just(("redo",))),
    max_size=40,
)


@given(ops, st.integers(1, 6))
def test_history_follows_a_plain_model(sequence, limit):
    history = History(0, "start", limit=limit)
    past, cur, future, base = [], 0, [], 0
    before = None
    for op in sequence:
        if op[0] == "commit":
            _, value, is_base = op
            changed = history.commit(value, f"set {value}", baseline=is_base)
            assert changed == (value != cur)
            if changed:
                past.append((cur, base))
                del past[:-limit]
                future.clear()
                before, cur = cur, value
                base = value if is_base else base
        elif op[0] == "undo":
            assert history.undo() == bool(past)
            if past:
                future.append((cur, base))
                before = cur
                cur, base = past.pop()
        else:
            assert history.redo() == bool(future)
            if future:
                past.append((cur, base))
                del past[:-limit]
                before = cur
                cur, base = future.pop()
        assert history.current == cur
        assert history.before == before
        assert history.baseline[0] == base
        assert history.can_undo() == bool(past) and history.can_redo() == bool(future)


def test_undo_says_what_it_undid_and_redo_what_it_redid():
    history = History("a", "Loaded sample")
    history.commit("b", "Deal desk: localized")
    assert history.action == "Deal desk: localized"
    history.undo()
    assert (history.current, history.before, history.action) == ("a", "b", "Undid: Deal desk: localized")
    history.redo()
    assert (history.current, history.before, history.action) == ("b", "a", "Redid: Deal desk: localized")
    history.reset("z", "Opened a link")
    assert (history.before, history.baseline, history.can_undo()) == (None, ("z", "Opened a link"), False)


# --------------------------------------------------------------------------
# The app: the delta shown is the last action's
# --------------------------------------------------------------------------
ROLES = ("deal_desk", "crm_admin", "analytics")
LABELS = {"centralized": "Centralized", "localized": "Localized", "hybrid": "Hybrid"}
app_ops = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.sampled_from(ROLES), st.sampled_from(list(LABELS))),
        st.just(("undo",)),
        st.just(("redo",)),
    ),
    min_size=1,
    max_size=8,
)


def _metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def _shown_delta(at: AppTest, label: str) -> str | None:
    delta = _metric(at, label).delta
    return delta or None


def _expected_delta(key: str, now, then) -> str | None:
    if then is None:
        return None
    a, b = now.headline()[key], then.headline()[key]
    if a is None or b is None or abs(a - b) < 1e-9:
        return None
    return METRIC[key].delta_text(a - b)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(app_ops)
def test_the_delta_under_each_headline_is_what_the_last_action_did(sequence):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/roi.py").run()
    for op in sequence:
        before = at.session_state["scenario"]
        if op[0] == "set":
            _, role, placement = op
            at.segmented_control(key=f"placement:{role}").set_value(LABELS[placement]).run()
        else:
            button = at.button(key=f"sidebar:{op[0]}")
            if button.disabled:  # nothing to undo or redo: the button is off, as in a browser
                continue
            button.click().run()
        assert not at.exception, at.exception
        after = at.session_state["scenario"]
        if after is before or after == before:
            continue  # nothing happened (nothing to undo, or the same placement): the earlier delta stays
        now, then = evaluate(after), evaluate(before)
        assert _metric(at, "ROI").value == METRIC["roi"].text(now.roi)
        assert _shown_delta(at, "ROI") == _expected_delta("roi", now, then), op
        assert _shown_delta(at, "Sales-ops cost") == _expected_delta("sales_ops_cost", now, then), op


def test_after_undo_the_delta_is_the_undo_not_the_edit_now_on_top():
    """The reported case: ROI 78% -> 68% after Undo must not be labelled with the edit below it."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/roi.py").run()
    mid = load_sample("midmarket")
    at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    at.segmented_control(key="placement:crm_admin").set_value("Hybrid").run()
    at.button(key="sidebar:undo").click().run()
    now = evaluate(mid.with_placement("deal_desk", "localized"))
    undone = evaluate(mid.with_placement("deal_desk", "localized").with_placement("crm_admin", "hybrid"))
    assert _shown_delta(at, "ROI") == METRIC["roi"].delta_text(now.roi - undone.roi)
    assert any("Undid: CRM" in plain(c.value) for c in at.caption)


def test_since_we_began_shows_the_change_from_the_loaded_sample():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.selectbox(key="scenario:sample").set_value("enterprise").run()
    at.switch_page("pages/roi.py").run()
    at.segmented_control(key="placement:deal_desk").set_value("Localized").run()
    at.segmented_control(key="placement:planning").set_value("Hybrid").run()
    at.segmented_control(key="delta:mode").set_value("baseline").run()
    start = evaluate(load_sample("enterprise"))
    now = evaluate(
        load_sample("enterprise").with_placement("deal_desk", "localized").with_placement("planning", "hybrid")
    )
    assert _shown_delta(at, "ROI") == METRIC["roi"].delta_text(now.roi - start.roi)
    assert any("since we began" in plain(c.value).lower() and "enterprise" in plain(c.value) for c in at.caption)


def test_no_delta_across_two_different_orgs():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.selectbox(key="scenario:sample").set_value("enterprise").run()
    assert all(not m.delta for m in at.metric if m.label in ("ROI", "Sales-ops cost"))
    assert any("different org" in plain(c.value) for c in at.caption)


@pytest.mark.parametrize("mode", ["last", "baseline"])
def test_delta_mode_is_available_in_a_read_only_view_and_changes_nothing(mode):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["persist:readonly"] = True
    at.switch_page("pages/roi.py").run()
    scenario = at.session_state["scenario"]
    at.segmented_control(key="delta:mode").set_value(mode).run()
    assert not at.exception
    assert at.session_state["scenario"] is scenario
