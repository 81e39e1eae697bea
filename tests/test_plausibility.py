"""Plausibility caps: the warnings fire above a cap and only there; the defaults stay under them.

The caps are stated in salesops.model.plausibility with their reasons. The tests craft figures
on either side of each cap, check that the default initiatives (sized for each sample and for a
large synthetic org) raise no warning, and drive the ROI levers page with a deliberately
implausible initiative and a plausible one.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from salesops.model import evaluate, initiatives
from salesops.model.plan_items import Initiative
from salesops.model.plausibility import (
    CAPS,
    DESIGN_MAX_PRODUCTIVITY_LIFT,
    DESIGN_MAX_SELLING_TIME_GAIN,
    INITIATIVE_MAX_ROI_3YR,
    INITIATIVE_MIN_PAYBACK_MONTHS,
    design_warnings,
    initiative_warnings,
)
from salesops.model.samples import load_sample, synthetic
from salesops.ui.text import plain
from tests.apptest_support import app, goto, warm_server  # noqa: F401  (autouse: temp database, warm server)

SAMPLES = ("startup", "midmarket", "enterprise")


def _row(**changes) -> dict:
    """A rank row of a modest initiative: $500K over 3 years returning $900K, paying back in 11 months."""
    return {
        "id": "x",
        "name": "Modest",
        "roi_3yr": 0.8,
        "payback_months": 11.0,
        "cost_3yr_usd": 500_000.0,
        "return_3yr_usd": 900_000.0,
    } | changes


@pytest.fixture(scope="module")
def midmarket_results():
    return evaluate(load_sample("midmarket"))


# --------------------------------------------------------------------------
# The caps
# --------------------------------------------------------------------------
def test_every_cap_states_its_value_and_a_reason_that_says_how_firm_it_is():
    assert len(CAPS) == 4
    for cap in CAPS:
        assert cap.figure and cap.limit and any(ch.isdigit() for ch in cap.limit)
        assert cap.reason.startswith("Model assumption"), cap.reason  # none is a published threshold
    assert 0 < DESIGN_MAX_SELLING_TIME_GAIN < 1 and 0 < DESIGN_MAX_PRODUCTIVITY_LIFT < 1
    assert INITIATIVE_MAX_ROI_3YR > 0 and INITIATIVE_MIN_PAYBACK_MONTHS > 0


# --------------------------------------------------------------------------
# Initiatives
# --------------------------------------------------------------------------
def test_a_modest_initiative_raises_no_warning():
    assert initiative_warnings(_row()) == []


def test_roi_above_the_cap_is_named_with_the_figure_and_the_cap():
    (text,) = initiative_warnings(_row(name="CRM data clean-up", roi_3yr=34.21))
    assert text.startswith("CRM data clean-up: 3-year ROI of 3,421%") and "cap of 300%" in text


def test_a_payback_sooner_than_the_cap_is_named():
    (text,) = initiative_warnings(_row(name="Territory redesign", payback_months=1.3))
    assert "pays back 1.3 months after it starts" in text and "cap of 3.0 months" in text


def test_both_warnings_when_both_caps_are_passed():
    assert len(initiative_warnings(_row(roi_3yr=24.19, payback_months=1.3))) == 2


def test_a_free_initiative_with_a_return_is_flagged_and_a_free_noop_is_not():
    (text,) = initiative_warnings(_row(name="Free", cost_3yr_usd=0.0, roi_3yr=0.0, payback_months=0.0))
    assert "costs nothing yet returns $900.0K" in text
    assert initiative_warnings(_row(cost_3yr_usd=0.0, return_3yr_usd=0.0, roi_3yr=0.0, payback_months=0.0)) == []


def test_missing_or_nan_figures_are_not_judged():
    assert initiative_warnings(_row(payback_months=None)) == []
    assert initiative_warnings(_row(payback_months=float("nan"), roi_3yr=float("nan"))) == []
    assert initiative_warnings({"name": "Bare"}) == []


def test_a_loss_making_initiative_that_never_pays_back_is_not_flagged_as_implausible():
    assert initiative_warnings(_row(roi_3yr=-0.6, payback_months=None, return_3yr_usd=200_000.0)) == []


def test_rows_of_the_rank_table_are_read_as_well_as_dicts():
    table = pd.DataFrame([_row(name="A", roi_3yr=9.0), _row(name="B", payback_months=None)])
    found = [initiative_warnings(r) for r in table.itertuples()]  # None becomes NaN in the frame
    assert len(found[0]) == 1 and found[0][0].startswith("A: 3-year ROI of 900%") and found[1] == []


@settings(max_examples=60, deadline=None)
@given(roi=st.floats(-1.0, 50.0, allow_nan=False))
def test_roi_warning_fires_exactly_above_the_cap(roi):
    fired = any("3-year ROI" in t for t in initiative_warnings(_row(roi_3yr=roi)))
    assert fired == (roi > INITIATIVE_MAX_ROI_3YR)


@settings(max_examples=60, deadline=None)
@given(payback=st.floats(0.0, 36.0, allow_nan=False))
def test_payback_warning_fires_exactly_below_the_cap(payback):
    fired = any("pays back" in t for t in initiative_warnings(_row(payback_months=payback)))
    assert fired == (payback < INITIATIVE_MIN_PAYBACK_MONTHS)


# --------------------------------------------------------------------------
# Designs
# --------------------------------------------------------------------------
def test_selling_time_gain_above_the_cap_is_named(midmarket_results):
    res = replace(midmarket_results, baseline_selling_time_share=0.28, selling_time_share=0.43)
    (text,) = [t for t in design_warnings(res) if t.startswith("Selling-time")]
    assert "from 28.0% to 43.0% (+15.0 points)" in text and "cap of +10 points" in text


def test_productivity_lift_above_the_cap_is_named(midmarket_results):
    base = midmarket_results.baseline_productivity_per_rep_usd
    res = replace(midmarket_results, productivity_per_rep_usd=base * 1.25)
    (text,) = [t for t in design_warnings(res) if t.startswith("Revenue per rep")]
    assert "25% above the same org without sales ops" in text and "cap of 20%" in text


def test_a_design_within_both_caps_raises_nothing(midmarket_results):
    base = midmarket_results.baseline_productivity_per_rep_usd
    res = replace(
        midmarket_results,
        baseline_selling_time_share=0.28,
        selling_time_share=0.28 + DESIGN_MAX_SELLING_TIME_GAIN,  # at the cap is within it
        productivity_per_rep_usd=base * (1 + DESIGN_MAX_PRODUCTIVITY_LIFT),
    )
    assert design_warnings(res) == []


def test_a_design_without_a_baseline_is_not_judged_on_productivity(midmarket_results):
    res = replace(midmarket_results, baseline_productivity_per_rep_usd=0.0, productivity_per_rep_usd=1e6)
    assert not any(t.startswith("Revenue per rep") for t in design_warnings(res))


@settings(max_examples=50, deadline=None)
@given(gain=st.floats(0.0, 0.4, allow_nan=False), lift=st.floats(-0.2, 1.0, allow_nan=False))
def test_design_warnings_fire_exactly_above_their_caps(midmarket_results, gain, lift):
    assume(abs(gain - DESIGN_MAX_SELLING_TIME_GAIN) > 1e-9 and abs(lift - DESIGN_MAX_PRODUCTIVITY_LIFT) > 1e-9)
    base = midmarket_results.baseline_productivity_per_rep_usd
    res = replace(
        midmarket_results,
        baseline_selling_time_share=0.28,
        selling_time_share=0.28 + gain,
        productivity_per_rep_usd=base * (1 + lift),
    )
    found = design_warnings(res)
    assert any(t.startswith("Selling-time") for t in found) == (gain > DESIGN_MAX_SELLING_TIME_GAIN)
    assert any(t.startswith("Revenue per rep") for t in found) == (lift > DESIGN_MAX_PRODUCTIVITY_LIFT)


# --------------------------------------------------------------------------
# The defaults stay under the caps, whatever the org's size
# --------------------------------------------------------------------------
def _orgs():
    for name in SAMPLES:
        yield name, load_sample(name)
    yield "synthetic 20,000 reps", synthetic(20_000, 4)
    yield "synthetic 100,000 reps", synthetic(100_000, 8)


@pytest.mark.parametrize("name, scenario", list(_orgs()), ids=lambda v: v if isinstance(v, str) else "")
def test_each_default_initiative_sized_for_the_org_stays_under_the_caps(name, scenario):
    # Each measured alone (the others present but not included), then all five included together.
    sized = initiatives.catalog(scenario)
    table = initiatives.rank(replace(scenario, initiatives=tuple(sized)), evaluate)
    assert len(table) == len(sized)
    for row in table.itertuples():
        assert initiative_warnings(row) == [], (name, row.id, row.roi_3yr, row.payback_months)
    together = evaluate(replace(scenario, initiatives=tuple(replace(i, active=True) for i in sized)))
    assert design_warnings(together) == [], name


@pytest.mark.parametrize("name", SAMPLES)
def test_the_samples_at_their_defaults_are_within_the_design_caps(name):
    assert design_warnings(evaluate(load_sample(name))) == []


def test_the_old_fixed_cost_defaults_at_enterprise_size_are_caught():
    # The defaults this replaced: CRM clean-up at $60,000 once and $10,000 a year, whatever the org's
    # size, with 0.3 rep hours a week saved. For 800 reps the caps must say so.
    old = Initiative(
        "crm_cleanup",
        "CRM data clean-up",
        one_off_cost_usd=60_000,
        running_cost_usd_per_year=10_000,
        hours_saved_per_rep_week=0.3,
        service_rate_gain=0.1,
        roles=("crm_admin", "analytics"),
        active=True,
    )
    (row,) = initiatives.rank(replace(load_sample("enterprise"), initiatives=(old,)), evaluate).itertuples()
    assert any("3-year ROI" in t for t in initiative_warnings(row))


# --------------------------------------------------------------------------
# The ROI levers page
# --------------------------------------------------------------------------
def _levers_with(*items: Initiative):
    at = app()
    at.session_state["scenario"] = replace(load_sample("midmarket"), initiatives=tuple(items))
    return goto(at, "pages/levers.py")


def _warnings(at) -> list[str]:
    return [plain(w.value) for w in at.warning]


def _ranked(at) -> pd.DataFrame:
    (table,) = [d.value for d in at.dataframe if "Plausibility" in d.value.columns]
    return table


def test_levers_page_warns_beside_an_implausible_initiative_only():
    miracle = Initiative("miracle", "Miracle tool", one_off_cost_usd=1_000, hours_saved_per_rep_week=2.0)
    sensible = Initiative(
        "sensible", "Sensible tool", one_off_cost_usd=400_000, running_cost_usd_per_year=150_000, start_month=3
    )
    at = _levers_with(miracle, sensible)
    shown = _warnings(at)
    # One box for the implausible initiative, a paragraph per cap it passes; none for the plausible one.
    # (The design with the miracle in it may pass a design cap too: that box names no initiative.)
    (box,) = [t for t in shown if "Miracle tool" in t]
    assert box.startswith("Miracle tool: 3-year ROI of") and "cap of 300%" in box, shown
    assert "Miracle tool: pays back" in box, shown
    assert not any("Sensible tool" in t for t in shown), shown
    table = _ranked(at)
    flags = dict(zip(table["Initiative"], table["Plausibility"]))
    assert flags == {"Miracle tool": "above a cap: see below", "Sensible tool": "within the caps"}


def test_levers_page_shows_no_warning_for_a_plausible_initiative():
    at = _levers_with(
        Initiative("sensible", "Sensible tool", one_off_cost_usd=400_000, running_cost_usd_per_year=150_000)
    )
    assert _warnings(at) == []


def test_levers_page_says_no_cost_instead_of_zero_roi():
    at = _levers_with(Initiative("free", "Free advice", hours_saved_per_rep_week=0.1))
    assert list(_ranked(at)["ROI"]) == ["n/a (no cost)"]
    assert any(t.startswith("Free advice: costs nothing yet returns") for t in _warnings(at))


def test_levers_page_adds_defaults_sized_for_the_org_and_re_sizes_them():
    at = app()
    at.selectbox(key="scenario:sample").set_value("enterprise").run()
    goto(at, "pages/levers.py")
    at.multiselect(key="levers:add_choice").set_value(["cpq_deal_desk"]).run()
    at.button(key="levers:add").click().run()
    enterprise = load_sample("enterprise")
    (added,) = at.session_state["scenario"].initiatives
    expected = {i.id: i for i in initiatives.catalog(enterprise)}["cpq_deal_desk"]
    assert (added.one_off_cost_usd, added.running_cost_usd_per_year) == (
        expected.one_off_cost_usd,
        expected.running_cost_usd_per_year,
    )
    assert any("sized for this scenario's 800 reps" in plain(c.value) for c in at.caption)

    # The same initiative at the mid-market's size (120 reps): the page says so and re-sizes on request.
    small = {i.id: i for i in initiatives.catalog(load_sample("midmarket"))}["cpq_deal_desk"]
    at.session_state["scenario"] = replace(enterprise, initiatives=(replace(small, active=True),))
    at.run()
    assert any("set for 120 reps" in plain(i.value) for i in at.info), [plain(i.value) for i in at.info]
    at.button(key="levers:resize").click().run()
    assert not at.exception, at.exception
    (resized,) = at.session_state["scenario"].initiatives
    assert (resized.one_off_cost_usd, resized.running_cost_usd_per_year) == (
        expected.one_off_cost_usd,
        expected.running_cost_usd_per_year,
    )
    assert resized.active and resized.hours_saved_per_rep_week == small.hours_saved_per_rep_week
