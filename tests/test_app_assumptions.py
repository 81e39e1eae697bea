"""The Assumptions page through streamlit.testing.v1.AppTest: every assumption editable in one undoable step,
refusals that name the field, reset per group, read-only views and the calibration panel."""

from __future__ import annotations

from dataclasses import fields, replace

from streamlit.testing.v1 import AppTest

from salesops.model import evaluate
from salesops.model.calibration import calibrate
from salesops.model.metrics import METRIC
from salesops.model.parts import Assumptions
from salesops.model.samples import load_sample
from salesops.ui.assumptions_form import FIELDS, GROUPS, MODEL_4_FIELDS, input_key
from salesops.ui.text import plain
from tests.apptest_support import app, goto, warm_server  # noqa: F401  (autouse: temp database, warm server)

PAGE, ROI = "pages/assumptions.py", "pages/roi.py"


def _texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


def _roi_shown(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "ROI")


def _roi_text(scenario) -> str:
    return METRIC["roi"].text(evaluate(scenario).headline()["roi"])


def _last_change(at: AppTest) -> str:
    return next(c for c in _texts(at.sidebar.caption) if c.startswith("Last change: "))


def _undo(at: AppTest) -> None:
    at.sidebar.button(key="sidebar:undo").click().run()
    assert not at.exception, at.exception


def test_every_assumption_has_one_input_in_one_group():
    names = [f.name for f in fields(Assumptions)]
    listed = [f.name for g in GROUPS for f in g.fields]
    assert sorted(listed) == sorted(names) and len(set(listed)) == len(listed)
    at = goto(app(), PAGE)
    keys = {n.key for n in at.number_input}
    assert {input_key(n) for n in names} <= keys
    for name in names:  # labels in words, never the internal id
        label = at.number_input(key=input_key(name)).label
        assert name not in label and "_" not in label


def test_model_4_assumptions_are_exactly_those_an_older_model_ignores():
    old = replace(load_sample("midmarket"), model_version=3)
    base = evaluate(old)
    defaults = Assumptions.defaults()
    for name in (f.name for f in fields(Assumptions)):
        value = getattr(defaults, name)
        moved = 48 if name == "horizon_months" else (value * 0.5 if value else 0.01)
        # Caps matter only once reached: move them to where they bind.
        moved = {"max_selling_time_share": 0.29, "max_coordination_overhead": 0.01, "max_response_hours": 1.0}.get(
            name, moved
        )
        res = evaluate(old.with_assumptions(**{name: moved}))
        same = (res.net_value_usd, res.npv_usd, res.roi_3yr) == (base.net_value_usd, base.npv_usd, base.roi_3yr)
        if name in MODEL_4_FIELDS:
            assert same, name
        elif name != "company_revenue_usd":  # only compared with total sales spend, on Peer benchmarks
            assert not same, name


def test_editing_gross_margin_changes_the_roi_shown_elsewhere_and_is_one_undo_step():
    at = goto(app(), PAGE)
    before = at.session_state["scenario"]
    goto(at, ROI)
    assert _roi_shown(at) == _roi_text(before)
    goto(at, PAGE)
    margin = at.number_input(key=input_key("gross_margin"))
    assert margin.value == 75.0 and margin.min == 0.0 and margin.max == 100.0
    margin.set_value(60.0).run()
    assert not at.exception, at.exception
    after = at.session_state["scenario"]
    assert after == before.with_assumptions(gross_margin=0.6)
    assert _last_change(at) == "Last change: Gross margin: 60%"
    assert any(
        c.startswith(":orange[**Changed**] from the default 75% · plausible 60% to 85%") for c in _texts(at.caption)
    )
    goto(at, ROI)
    assert _roi_shown(at) == _roi_text(after) != _roi_text(before)
    _undo(at)
    assert at.session_state["scenario"] == before
    assert _roi_shown(at) == _roi_text(before)
    goto(at, PAGE)
    assert at.number_input(key=input_key("gross_margin")).value == 75.0


def test_a_value_the_scenario_refuses_names_the_field_and_leaves_it_unchanged():
    at = goto(app(), PAGE)
    before = at.session_state["scenario"]
    at.number_input(key=input_key("max_selling_time_share")).set_value(20.0).run()
    assert not at.exception, at.exception
    assert at.session_state["scenario"] == before
    errors = _texts(at.error)
    assert len(errors) == 1
    assert errors[0].startswith("Highest selling-time share was not changed to 20%")
    assert "'Highest selling-time share' must be >= 'Selling-time share without sales ops'" in errors[0]
    assert at.number_input(key=input_key("max_selling_time_share")).value == 65.0  # the scenario's value again
    assert not any(c.startswith("Last change: Highest") for c in _texts(at.sidebar.caption))
    at.number_input(key=input_key("rep_hours_per_week")).set_value(0.0).run()
    assert at.session_state["scenario"] == before
    assert any("'Rep working week' must be > 0" in e for e in _texts(at.error))
    at.number_input(key=input_key("service_level_target")).set_value(100.0).run()
    assert at.session_state["scenario"] == before
    assert any("'Requests picked up within the target time' must be in (0, 1)" in e for e in _texts(at.error))
    at.run()  # the message was about that change: the next run no longer shows it
    assert not at.error


def test_reset_to_default_puts_a_group_back_in_one_step():
    at = goto(app(), PAGE)
    before = at.session_state["scenario"]
    reset = at.button(key="assumptions:reset:reps")
    assert reset.disabled  # nothing differs from the default
    at.number_input(key=input_key("gross_margin")).set_value(60.0).run()
    at.number_input(key=input_key("quota_attainment")).set_value(70.0).run()
    edited = at.session_state["scenario"]
    assert (edited.assumptions.gross_margin, edited.assumptions.quota_attainment) == (0.6, 0.7)
    assert at.button(key="assumptions:reset:service").disabled  # another group: nothing to reset there
    at.button(key="assumptions:reset:reps").click().run()
    assert not at.exception, at.exception
    assert at.session_state["scenario"] == before
    assert _last_change(at) == "Last change: Reps and revenue: reset to default"
    assert at.button(key="assumptions:reset:reps").disabled
    _undo(at)
    assert at.session_state["scenario"] == edited


def test_a_read_only_view_disables_every_input_and_button():
    at = app()
    at.session_state["persist:readonly"] = True
    goto(at, PAGE)
    inputs = at.main.number_input
    assert len(inputs) == len(FIELDS) + 2  # every assumption and the two time-study figures
    assert all(n.disabled for n in inputs)
    buttons = at.main.button
    assert {b.key for b in buttons} >= {"calibration:fit_button"} | {f"assumptions:reset:{g.id}" for g in GROUPS}
    assert all(b.disabled for b in buttons)


def test_an_older_scenario_says_beside_the_model_4_assumptions_that_it_ignores_them():
    at = app()
    at.session_state["scenario"] = replace(load_sample("midmarket"), model_version=3)
    goto(at, PAGE)
    notes = [t for t in _texts(at.info) if "have no effect on its figures" in t]
    # One note in each group that holds a model-4 assumption (what central control buys, the transition, the
    # selling conversion in the value chain...).
    assert len(notes) == sum(any(f.name in MODEL_4_FIELDS for f in g.fields) for g in GROUPS) >= 3
    assert any("hours given back that become selling time" in t for t in notes)
    captions = _texts(at.caption)
    assert sum("not used by model version 3" in c for c in captions) == len(MODEL_4_FIELDS & set(FIELDS))
    assert not at.button(key="model:upgrade").disabled  # the way to the current model, at the top of the page


def test_the_calibration_panel_fits_shows_before_and_after_and_applies_in_one_step():
    at = goto(app(), PAGE)
    before = at.session_state["scenario"]
    at.number_input(key="calibration:share").set_value(28.0).run()
    at.number_input(key="calibration:admin_hours").set_value(2.0).run()
    at.button(key="calibration:fit_button").click().run()
    assert not at.exception, at.exception
    assert at.session_state["scenario"] == before  # fitting changes nothing
    expected = calibrate(before, 0.28, 2.0)
    table = at.dataframe[0].value.set_index("")
    assert table.loc["Selling-time share without sales ops", "Fitted"] == f"{expected.baseline_share:.1%}"
    assert table.loc["Selling-time share of the org today", "Fitted"] == "28.0%"
    assert table.loc["Admin hours per rep-week left with reps", "Fitted"] == "2.00 h"
    assert table.loc["ROI", "Now"] == _roi_text(before)
    assert table.loc["ROI", "Fitted"] == _roi_text(expected.scenario)
    at.button(key="calibration:apply").click().run()
    assert not at.exception, at.exception
    applied = at.session_state["scenario"]
    assert applied == expected.scenario
    assert abs(evaluate(applied).selling_time_share - 0.28) <= 1e-6
    assert _last_change(at) == "Last change: Calibrated to a time study (28.0% selling, 2 admin h)"
    assert any(t.startswith("The fit is applied") for t in _texts(at.success))
    _undo(at)
    assert at.session_state["scenario"] == before


def test_a_time_study_out_of_reach_warns_and_the_fit_can_still_be_applied():
    at = goto(app(), PAGE)
    at.number_input(key="calibration:share").set_value(2.0).run()
    at.button(key="calibration:fit_button").click().run()
    assert not at.exception, at.exception
    assert any("below what today's sales-ops set-up alone gives" in w for w in _texts(at.warning))
    assert not at.button(key="calibration:apply").disabled
