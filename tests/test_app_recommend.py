"""The Recommended design page through streamlit.testing.v1.AppTest."""

from __future__ import annotations

from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from salesops.model.format import fmt_pct
from salesops.model.metrics import METRIC
from salesops.model.optimize import Design, optimize, win_odds
from salesops.model.samples import load_sample
from salesops.model.scenario import Region, Scenario
from salesops.readwrite.share import encode
from salesops.ui.text import plain
from tests.apptest_support import app, goto, warm_server  # noqa: F401  (autouse: temp database, warm server)

PAGE = "pages/recommend.py"


def _page(sample: str = "midmarket", **query_params: str) -> AppTest:
    at = app(**query_params)
    if sample != "midmarket" and not query_params:
        at.selectbox(key="scenario:sample").set_value(sample).run()
    return goto(at, PAGE)


def _texts(elements) -> list[str]:
    return [plain(e.value) for e in elements]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.main.metric}


def _roles_table(at: AppTest):
    return at.dataframe[0].value  # the roles table is the page's first


def _assert_shows(at: AppTest, rec) -> None:
    """The page states ``rec``: its placements, its figures against today's, its method and margin."""
    table = _roles_table(at)
    assert list(table["role"]) == [a.role for a in rec.roles]
    assert list(table["now"]) == [a.current for a in rec.roles]
    assert list(table["recommended"]) == [a.best for a in rec.roles] == [p for _, p in rec.best.placements]
    assert list(table["next_best"]) == [a.next_best for a in rec.roles]
    scale = 100.0 if rec.objective == "roi" else 1.0
    assert list(table["margin"]) == pytest.approx([a.margin * scale for a in rec.roles])
    assert list(table["moves"]) == [a.best != a.current for a in rec.roles]
    metrics = _metrics(at)
    best, now = rec.best_results.headline(), rec.current_results.headline()
    for key in ("net_value", "roi", "sales_ops_cost", "sales_ops_fte"):
        assert metrics[METRIC[key].label] == METRIC[key].text(best[key]), key
    captions = _texts(at.caption)
    assert f"Now {METRIC['net_value'].text(now['net_value'])}" in captions
    assert any(f"Exhaustive over {rec.space:,} designs" in c for c in captions)
    markdown = " ".join(_texts(at.markdown))
    for advice in rec.roles:  # each role's reason, its name in bold
        name, _, why = advice.reason.partition(": ")
        assert name == advice.role and f"**{name}**: {why}" in markdown
    success = " ".join(_texts(at.success))
    if rec.changes:
        assert f"Move {len(rec.changes)} of {len(rec.roles)} roles" in success
        for _, old, new in rec.changes:
            assert f"{old} → **{new}**" in success
    else:
        assert "already the best" in success


@pytest.mark.parametrize("sample", ["startup", "midmarket", "enterprise"])
def test_page_renders_each_sample_and_shows_the_optimum(sample):
    at = _page(sample)
    scenario = load_sample(sample)
    assert at.session_state["scenario"] == scenario
    assert not at.error and not at.warning
    assert at.title[0].value == "Recommended design"
    assert at.segmented_control(key="recommend:objective").value == "net"
    rec = optimize(scenario)
    assert rec.method == "exhaustive"
    _assert_shows(at, rec)
    assert at.button(key="recommend:apply").disabled == (not rec.changes)


def test_apply_moves_every_role_in_one_step_and_undo_puts_them_back():
    at = _page("enterprise")
    before = at.session_state["scenario"]
    rec = optimize(before)
    assert len(rec.changes) >= 2  # several roles move at once
    at.button(key="recommend:apply").click().run()
    assert not at.exception, at.exception
    after = at.session_state["scenario"]
    assert after == rec.best.apply(before) and Design.of(after) == rec.best
    assert "Last change: Apply the recommended design" in _texts(at.sidebar.caption)
    assert at.button(key="recommend:apply").disabled  # nothing left to apply
    assert any("already has the recommended design" in c for c in _texts(at.caption))
    at.sidebar.button(key="sidebar:undo").click().run()  # one step back restores every role
    assert at.session_state["scenario"] == before
    assert not at.button(key="recommend:apply").disabled
    at.sidebar.button(key="sidebar:redo").click().run()
    assert at.session_state["scenario"] == after


def test_apply_is_disabled_in_a_read_only_link_view():
    at = _page(z=encode(load_sample("enterprise")))
    scenario = at.session_state["scenario"]
    assert at.session_state["persist:readonly"] and scenario.name == load_sample("enterprise").name
    assert optimize(scenario).changes  # there is something to apply, but not here
    assert at.button(key="recommend:apply").disabled
    assert any("read-only" in c for c in _texts(at.caption))


def test_the_odds_match_win_odds_with_the_same_seed():
    at = _page("enterprise")
    assert any("Compute the odds" in i for i in _texts(at.info))
    at.button(key="recommend:odds_run").click().run()
    assert not at.exception, at.exception
    scenario = load_sample("enterprise")
    odds = win_odds(scenario, optimize(scenario), draws=2_000, seed=0)
    assert 0.0 < odds.p_beats_runner_up < 1.0  # a real contest, so the figure says something
    metrics = _metrics(at)
    assert metrics["Beats the runner-up"] == fmt_pct(odds.p_beats_runner_up)
    assert metrics["Beats the current design"] == fmt_pct(odds.p_beats_current)
    words = " ".join(_texts(at.markdown))
    assert f"wins in {fmt_pct(odds.p_beats_runner_up)} of 2,000 draws" in words
    assert METRIC["net_value"].text(odds.margin_p90) in metrics["Lead over the runner-up, P10 to P90"]
    # The decision tornado: the assumptions that flip the answer are named.
    assert any("would hand the win to the runner-up" in w for w in _texts(at.warning))
    assert len(at.get("vega_lite_chart")) >= 1


def test_ranking_by_roi_recommends_the_roi_optimum():
    at = _page("enterprise")
    at.segmented_control(key="recommend:objective").set_value("roi").run()
    assert not at.exception, at.exception
    scenario = load_sample("enterprise")
    by_roi, by_net = optimize(scenario, "roi"), optimize(scenario, "net")
    assert by_roi.best != by_net.best  # the ratio picks another design
    _assert_shows(at, by_roi)
    at.button(key="recommend:apply").click().run()
    assert Design.of(at.session_state["scenario"]) == by_roi.best


def test_hostile_role_names_reach_the_page_escaped():
    from tests.test_hostile_inputs import _hostile_scenario

    at = app()
    at.session_state["scenario"] = _hostile_scenario()
    goto(at, PAGE)
    at.button(key="recommend:odds_run").click().run()
    assert not at.exception, at.exception
    sources = [e.value for kind in ("markdown", "caption", "warning", "info", "success") for e in getattr(at, kind)]
    for text in sources:
        for raw in ("](http", ":red[", "](javascript"):
            assert raw not in str(text), text


def test_a_scenario_without_roles_says_there_is_nothing_to_recommend():
    at = app()
    at.session_state["scenario"] = Scenario(name="No ops", hq_region="a", regions=(Region("a", "A", 10, 1),), roles=())
    goto(at, PAGE)
    assert not at.error
    assert any("no sales-ops roles" in i for i in _texts(at.info))


def test_a_search_over_its_budget_is_a_warning_and_the_scenario_is_unchanged(monkeypatch):
    import salesops.model.limits as limits

    monkeypatch.setenv("SALESOPS_WORKER_UNITS", "0")  # every org runs in a worker
    monkeypatch.setattr(limits, "WHATIF_SECONDS", 0.001)
    scenario = replace(load_sample("midmarket"), name="Over budget")  # a scenario no other test has cached
    at = app()
    at.session_state["scenario"] = scenario
    goto(at, PAGE)
    assert any("was not finished" in w for w in _texts(at.warning)), _texts(at.warning)
    assert at.session_state["scenario"] == scenario and not at.error


def test_a_one_region_org_where_every_design_ties_says_so():
    at = _page("startup")
    rec = optimize(load_sample("startup"))
    assert not rec.changes and rec.margin == pytest.approx(0.0)
    assert any("A tie." in m for m in _texts(at.markdown))
    at.button(key="recommend:odds_run").click().run()
    assert not at.exception, at.exception
    assert any("a level draw counts as a win" in m for m in _texts(at.markdown))


def test_ranking_by_npv_recommends_the_npv_optimum():
    at = _page("midmarket")
    at.segmented_control(key="recommend:objective").set_value("npv").run()
    assert not at.exception, at.exception
    _assert_shows(at, optimize(load_sample("midmarket"), "npv"))
    assert any("discounted at 10.0% a year" in c for c in _texts(at.caption))


def test_a_design_above_a_plausibility_cap_is_flagged_on_the_roi_and_recommendation_pages():
    """A deal desk that saves 40 rep hours a request pushes selling time to its cap: both pages say so."""
    mid = load_sample("midmarket")
    plan = mid.plan("deal_desk")
    absurd = mid.with_plan(replace(plan, role=replace(plan.role, rep_hours_saved_per_request=40.0)))
    for page in ("pages/roi.py", "pages/recommend.py"):
        at = app()
        at.session_state["scenario"] = absurd
        goto(at, page)
        warnings = [plain(w.value) for w in at.warning if "plausibility cap" in plain(w.value)]
        assert any("Selling-time share rises" in w for w in warnings), (page, warnings)
        plain_at = app()
        goto(plain_at, page)
        assert not [w for w in plain_at.warning if "plausibility cap" in plain(w.value)], page


def test_every_page_where_an_edit_moves_the_figures_shows_the_headline_strip():
    """A workshop sees what its edit did without switching pages (the Org designer's is tested with its edits)."""
    for page in ("pages/roi.py", "pages/assumptions.py", "pages/levers.py", "pages/recommend.py"):
        at = goto(app(), page)
        labels = [m.label for m in at.metric]
        for label in ("ROI", "Net value per year", "Productivity per rep", "Sales-ops cost", "Payback (months)"):
            assert label in labels, (page, labels)
        assert "No change yet." in [plain(c.value) for c in at.caption], page  # the strip's own line
