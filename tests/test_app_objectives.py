"""The Objectives and Metrics dashboard pages through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from salesops.model import evaluate
from salesops.insights.objectives import charter_flags, format_kpi, kpi_values, with_charter
from salesops.model.plan_items import KPIS, Actual, Objective
from salesops.model.samples import load_sample
from salesops.ui.text import plain

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = ("pages/objectives.py", "pages/dashboard.py")


from tests.apptest_support import app, goto, warm_server  # noqa: E402,F401  (autouse: temp database, warm server)


_app, _goto = app, goto


def _texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


@pytest.mark.parametrize("sample", ["startup", "midmarket", "enterprise"])
@pytest.mark.parametrize("page", PAGES)
def test_both_pages_render_every_sample(page, sample):
    at = _app()
    at.selectbox(key="scenario:sample").set_value(sample).run()
    _goto(at, page)
    scenario = load_sample(sample)
    assert at.session_state["scenario"] == scenario
    if page == "pages/dashboard.py":
        assert not at.error, _texts(at.error)
        assert [m.label for m in at.metric] == [label for label, _, _ in KPIS.values()]
        values = kpi_values(scenario, evaluate(scenario))
        shown = {m.label: m.value for m in at.metric}
        for kpi, (label, _, _) in KPIS.items():
            assert shown[label] == format_kpi(kpi, values[kpi])
    else:
        # The startup has no planning role: its led functions show as gaps, in red.
        assert _texts(at.error) == [f.message for f in charter_flags(scenario) if f.kind == "gap"]
        assert len(at.main.segmented_control) == 10


def test_charter_starts_from_the_catalog_defaults():
    at = _goto(_app(), "pages/objectives.py")
    assert at.segmented_control(key="charter:forecasting").value == "leads"
    assert at.segmented_control(key="charter:lead management").value == "supports"
    assert at.segmented_control(key="charter:hiring support").value == "supports"
    assert at.segmented_control(key="charter:deal desk").options == ["Leads", "Supports", "Not ours"]
    assert any("charter and the roles agree" in plain(s.value) for s in at.success)


def test_changing_a_charter_cell_commits_and_flags_the_dumping_ground():
    at = _goto(_app(), "pages/objectives.py")
    at.segmented_control(key="charter:pricing support").set_value("not ours").run()
    assert not at.exception, at.exception
    expected = with_charter(load_sample("midmarket"), "pricing support", "not ours")
    assert at.session_state["scenario"] == expected
    assert _texts(at.warning) == ["Deal desk spends time on pricing support, which the charter says is not ours."]
    assert at.segmented_control(key="charter:pricing support").value == "not ours"
    at.sidebar.button(key="sidebar:undo").click().run()
    assert at.session_state["scenario"] == load_sample("midmarket")
    assert not at.warning
    assert at.segmented_control(key="charter:pricing support").value == "leads"


def test_a_gap_flag_goes_when_the_charter_changes():
    at = _app()
    at.selectbox(key="scenario:sample").set_value("startup").run()
    _goto(at, "pages/objectives.py")
    assert len(at.error) == 2 and "Sales ops leads territory and quota" in plain(at.error[0].value)
    at.segmented_control(key="charter:territory and quota").set_value("supports").run()
    at.segmented_control(key="charter:compensation administration").set_value("not ours").run()
    assert not at.error
    assert {(e.function, e.relation) for e in at.session_state["scenario"].charter} == {
        ("territory and quota", "supports"),
        ("compensation administration", "not ours"),
    }
    at.button(key="charter:reset").click().run()
    assert at.session_state["scenario"].charter == ()
    assert len(at.error) == 2


def _edit(at: AppTest, added: list[dict] = (), edited: dict | None = None, deleted: list[int] = ()) -> AppTest:
    # The editor is keyed on the session's revision, so it starts afresh after every change.
    [key] = [e.key for e in at.data_editor if e.key.startswith("objectives:editor:")]
    at.session_state[key] = {"edited_rows": edited or {}, "added_rows": list(added), "deleted_rows": list(deleted)}
    at.button(key="objectives:apply").click().run()
    assert not at.exception, at.exception
    return at


def test_adding_an_objective_with_a_bad_target_is_refused():
    at = _goto(_app(), "pages/objectives.py")
    _edit(at, [{"id": "o1", "title": "More selling time", "kpi": "selling_time_share", "baseline": 0.3}])
    assert any("row 1, field 'target' is empty; give a number" in plain(e.value) for e in at.error), _texts(at.error)
    assert at.session_state["scenario"] == load_sample("midmarket")


def test_adding_a_good_objective_sets_the_dashboard_target():
    at = _goto(_app(), "pages/objectives.py")
    _edit(
        at,
        [
            {
                "id": "o1",
                "title": "Leaner ops",
                "kpi": "reps_per_ops_fte",
                "baseline": 10,
                "target": 15,
                "owner": "VP Sales Ops",
            }
        ],
    )
    assert not at.error, _texts(at.error)
    assert at.session_state["scenario"].objectives == (
        Objective("o1", "reps_per_ops_fte", 10.0, 15.0, owner="VP Sales Ops", title="Leaner ops"),
    )
    _goto(at, "pages/dashboard.py")
    metric = next(m for m in at.metric if m.label == "Reps per sales-ops FTE")
    now = evaluate(load_sample("midmarket")).reps_per_ops_fte  # 14.4 reps per FTE with fractional staffing
    assert metric.delta == f"{now - 15:+.1f} vs target"
    assert any("Target 15.0 : 1 (objective 'o1')" in plain(c.value) for c in at.caption), _texts(at.caption)
    _goto(at, "pages/objectives.py")
    _edit(at, edited={0: {"target": 20}})
    assert at.session_state["scenario"].objectives[0].target == 20.0
    _edit(at, edited={0: {"due": "2026-13-01"}})  # what a browser cannot send, the page still refuses
    assert any("row 1, field 'due': '2026-13-01' is not a date YYYY-MM-DD" in plain(e.value) for e in at.error)
    assert at.session_state["scenario"].objectives[0].target == 20.0
    _edit(at, deleted=[0])
    assert at.session_state["scenario"].objectives == ()


GOOD = b"period,kpi,value\n2026-01,productivity_per_rep,480000\n2026-02,productivity_per_rep,495000\n2026-Q1,roi,-0.2\n"
BAD = b"period,kpi,value\n2026-01,roi,1\n2026-02,roi,abc\n2026-13,roi,1\n2026-04,nps,3\n"


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="dashboard:actuals").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_uploading_good_actuals_merges_them():
    at = _goto(_app(), "pages/dashboard.py")
    _upload(at, "actuals.csv", GOOD)
    assert at.session_state["scenario"].actuals == (
        Actual("2026-01", "productivity_per_rep", 480000.0),
        Actual("2026-02", "productivity_per_rep", 495000.0),
        Actual("2026-Q1", "roi", -0.2),
    )
    assert any("Merged 3 values" in plain(s.value) for s in at.success), _texts(at.success)
    assert not at.error
    assert at.selectbox(key="dashboard:kpi").value == "productivity_per_rep"
    assert any("Month 1 is the start of the earliest actual (2026-01)" in plain(c.value) for c in at.caption)
    # A second file replaces the same period and KPI and adds the rest.
    _upload(at, "more.csv", b"period,kpi,value\n2026-02,productivity_per_rep,499000\n2026-03,roi,0.1\n")
    actuals = at.session_state["scenario"].actuals
    assert len(actuals) == 4 and Actual("2026-02", "productivity_per_rep", 499000.0) in actuals
    assert any("1 replaced earlier values" in plain(s.value) for s in at.success)
    at.sidebar.button(key="sidebar:undo").click().run()
    assert len(at.session_state["scenario"].actuals) == 3  # the upload is not merged again after undo


def test_uploading_bad_actuals_shows_the_rows_and_changes_nothing():
    at = _goto(_app(), "pages/dashboard.py")
    before = at.session_state["scenario"]
    _upload(at, "bad.csv", BAD)
    assert at.session_state["scenario"] == before
    [error] = at.error
    for message in (
        "row 3, column 'value': 'abc' is not a number",
        "row 4, column 'period': '2026-13' is not YYYY-MM or YYYY-Qn",
        "row 5, column 'kpi': unknown KPI 'nps'; KPIs: ",
    ):
        assert message in plain(error.value)
    assert "the scenario is unchanged" in error.value


def test_the_kpi_chart_follows_the_chosen_kpi():
    at = _goto(_app(), "pages/dashboard.py")
    at.selectbox(key="dashboard:kpi").set_value("selling_time_share").run()
    assert any("no time path for selling-time share" in plain(c.value) for c in at.caption)
    at.selectbox(key="dashboard:kpi").set_value("roi").run()
    assert any("ROI to date" in plain(c.value) for c in at.caption)


@pytest.mark.parametrize(
    "sample, roi_status", [("startup", "On track"), ("midmarket", "On track"), ("enterprise", "On track")]
)
def test_default_targets_on_the_dashboard_are_reachable_and_roi_can_fail(sample, roi_status):
    at = _app()
    at.selectbox(key="scenario:sample").set_value(sample).run()
    _goto(at, "pages/dashboard.py")
    roi, selling = format_kpi("roi", 0.5), format_kpi("selling_time_share", 0.28 * 1.08)  # "50%", "30.2%"
    table = at.dataframe[0].value.set_index("KPI")
    assert (table.loc["ROI", "Target"], table.loc["ROI", "Status"]) == (roi, roi_status)
    assert (table.loc["Selling-time share", "Target"], table.loc["Selling-time share", "Status"]) == (
        selling,
        "On track",
    )
    captions = _texts(at.caption)
    assert f"Target {roi} (default, model assumption)" in captions
    assert f"Target {selling} (default, model assumption)" in captions


def test_roi_can_fail_the_default_hurdle_the_old_startup_link_shows_it():
    """A link made before model version 3 keeps its whole-FTE figures: 4 people for 25 reps, ROI 33.2%."""
    import json

    legacy = json.loads((Path(__file__).parent / "fixtures" / "legacy_v2.json").read_text(encoding="utf-8"))
    link = next(c["link"] for c in legacy["cases"] if c["case"] == "startup")
    at = goto(app(z=link).run(), "pages/dashboard.py")
    table = at.dataframe[0].value.set_index("KPI")
    assert (table.loc["ROI", "Target"], table.loc["ROI", "Status"]) == (format_kpi("roi", 0.5), "Off track")
    assert format_kpi("roi", 0.33172599289939114) in table.loc["ROI"].astype(str).tolist()


def test_read_only_view_disables_every_edit():
    at = _app()
    at.session_state["persist:readonly"] = True
    _goto(at, "pages/objectives.py")
    assert all(c.disabled for c in at.main.segmented_control)
    assert at.button(key="objectives:apply").disabled
    _goto(at, "pages/dashboard.py")
    assert at.file_uploader(key="dashboard:actuals").disabled
