"""Assumptions: every company-wide assumption, grouped, each change one undoable step; and a calibration panel."""

import math

import pandas as pd
import streamlit as st

from salesops.model.calibration import Calibration, admin_hours_left, as_today, calibrate, work_sales_ops_could_take
from salesops.model.limits import WHATIF_SECONDS
from salesops.model.metrics import METRIC
from salesops.model.parts import assumption_info
from salesops.model.scenario import Scenario
from salesops.model.whatif import bounded, evaluate_cached
from salesops.model.worker import BudgetExceeded
from salesops.ui import state
from salesops.ui.assumptions_form import GROUPS, render_group
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md
from salesops.ui.widgets import headline_strip, old_model_notice

ensure_app_navigation()

SHARE_KEY, ADMIN_KEY = "calibration:share", "calibration:admin_hours"
FIT_KEY, FIT_ERROR_KEY = "calibration:fit", "calibration:error"

scenario = state.current()
locked = state.readonly()

st.title("Assumptions")
st.markdown(
    "Every company-wide assumption of the model, in groups. Each shows its default, the range a "
    "practitioner would call plausible, where the figure comes from and how firm it is (*sourced*, "
    "*2nd-hand*, *unconfirmed* or *model assumption*: a judgement of this tool); hover over **?** for "
    "the source. A change updates every page and is one step that **Undo** in the sidebar takes back. "
    "Have a client's time study? **Calibrate** at the bottom of the page fits the model to it."
)
old_model_notice(scenario)
if locked:
    st.info("This is a read-only view: the assumptions are shown, not edited.", icon=":material/lock:")
headline_strip()

for group in GROUPS:
    render_group(group, scenario)


# ----- calibration ---------------------------------------------------------------------
def _fit() -> None:
    """The "Fit the model" button: fit the working scenario to the time study (in a worker for a big org)."""
    st.session_state.pop(FIT_ERROR_KEY, None)
    st.session_state.pop(FIT_KEY, None)
    share = st.session_state.get(SHARE_KEY)
    admin = st.session_state.get(ADMIN_KEY)
    if share is None:
        st.session_state[FIT_ERROR_KEY] = "Enter the selling-time share the time study measured first."
        return
    source = state.current()
    try:
        fit = bounded(
            source, calibrate, float(share) / 100.0, None if admin is None else float(admin), seconds=WHATIF_SECONDS
        )
    except (BudgetExceeded, ValueError) as exc:
        st.session_state[FIT_ERROR_KEY] = f"The model was not fitted: {exc}."
        return
    st.session_state[FIT_KEY] = (source, fit)


def _apply_fit() -> None:
    """The "Apply the fit" button: the fitted scenario becomes the working one (one undoable step)."""
    stored = st.session_state.get(FIT_KEY)
    if not stored or stored[0] != state.current():
        return
    fit: Calibration = stored[1]
    admin = "" if fit.observed_admin_hours is None else f", {fit.observed_admin_hours:g} admin h"
    state.commit(fit.scenario, f"Calibrated to a time study ({fit.observed_share:.1%} selling{admin})")


def _roi(res) -> str:
    return METRIC["roi"].text(res.headline()["roi"])


def _comparison(source: Scenario, fit: Calibration) -> pd.DataFrame:
    before, after = evaluate_cached(source), evaluate_cached(fit.scenario)
    today = evaluate_cached(as_today(source))  # the org as the time study saw it: ROI levers off
    k = fit.demand_scale
    observed_admin = "not given" if fit.observed_admin_hours is None else f"{fit.observed_admin_hours:.2f} h"
    rows = [
        (
            "Selling-time share without sales ops",
            f"{source.assumptions.baseline_selling_time_share:.1%}",
            f"{fit.baseline_share:.1%}",
            "",
        ),
        ("Requests per rep-week (scale on every role)", "x1", f"x{k:.3g}", ""),
        (
            "Selling-time share of the org today",
            f"{today.selling_time_share:.1%}",
            f"{fit.selling_share:.1%}",
            f"{fit.observed_share:.1%}",
        ),
        (
            "Admin hours per rep-week left with reps",
            f"{admin_hours_left(source, evaluate_cached):.2f} h",
            f"{fit.admin_hours:.2f} h",
            observed_admin,
        ),
        ("ROI", _roi(before), _roi(after), ""),
        (
            "Net value a year",
            METRIC["net_value"].text(before.net_value_usd),
            METRIC["net_value"].text(after.net_value_usd),
            "",
        ),
    ]
    return pd.DataFrame(rows, columns=["", "Now", "Fitted", "Time study"])


st.subheader("Calibrate to a client's time study")
st.markdown(
    "Enter what a time study of the org **as it runs today** (with its current sales-ops set-up) measured. "
    "The fit first scales every role's requests per rep-week so that the admin hours the model leaves "
    "with reps match the study (when you give them), then sets the selling-time share without sales ops "
    "so that the model reproduces the measured selling share. ROI levers are left out of the fit (a time "
    "study measures today) and kept in the scenario. Nothing changes until you apply the fit."
)
now = state.results()
left, right = st.columns(2)
left.number_input(
    "Selling-time share the study measured (%)",
    min_value=1.0,
    max_value=100.0,
    value=None,
    step=0.5,
    format="%.1f",
    placeholder=f"the model says {now.selling_time_share:.1%} today",
    key=SHARE_KEY,
    disabled=locked,
    help="Share of a rep's working week spent selling. Published figures: about 28% (Salesforce State of "
    "Sales, as quoted), 22% (Pace Productivity), 41% (CSO Insights 2011).",
)
right.number_input(
    "Admin hours per rep-week sales ops could take (optional)",
    min_value=0.0,
    max_value=float(scenario.assumptions.rep_hours_per_week),
    value=None,
    step=0.25,
    format="%.2f",
    placeholder=f"the model says {admin_hours_left(scenario, evaluate_cached):.2f} h today",
    key=ADMIN_KEY,
    disabled=locked,
    help="Hours a rep still spends each week on work the scenario's sales-ops roles could do (CRM upkeep, "
    "quotes, reports...). Leave empty to keep the roles' request rates as they are.",
)
st.button(
    "Fit the model",
    key="calibration:fit_button",
    on_click=_fit,
    disabled=locked,
    icon=":material/query_stats:",
    help="Fits without changing the scenario: the result is shown below with a button to apply it.",
)

message = st.session_state.pop(FIT_ERROR_KEY, None)
if message:
    st.error(md(message), icon=":material/error:")
stored = st.session_state.get(FIT_KEY)
if stored:
    source, fit = stored
    if scenario == fit.scenario and source != scenario:
        st.success(
            f"The fit is applied: selling-time share without sales ops {fit.baseline_share:.1%}, requests per "
            f"rep-week x{fit.demand_scale:.3g}. Undo in the sidebar takes it back.",
            icon=":material/check_circle:",
        )
    elif source != scenario:
        st.caption("The scenario changed since this fit: fit the model again to see it for the scenario as it is.")
    else:
        for warning in fit.warnings:
            st.warning(md(warning), icon=":material/warning:")
        st.dataframe(_comparison(source, fit), hide_index=True, width="stretch")
        meta = assumption_info()["baseline_selling_time_share"]
        if not meta["low"] <= fit.baseline_share <= meta["high"]:
            side = "below" if fit.baseline_share < meta["low"] else "above"
            st.info(
                f"The fitted selling-time share without sales ops, {fit.baseline_share:.1%}, is {side} the range the "
                f"default is drawn from ({meta['low']:.0%} to {meta['high']:.0%}, published selling-time shares): "
                "the model credits today's sales ops with "
                + ("a large" if side == "below" else "little or no")
                + " lift. Check the time study and the hours each role saves per request before applying.",
                icon=":material/info:",
            )
        work = work_sales_ops_could_take(source) * fit.demand_scale
        if work > 0 and not math.isclose(fit.demand_scale, 1.0):
            st.caption(
                f"In the fitted model a rep has {work:.1f} h a week of work the sales-ops roles could take; "
                f"today's teams take {work - fit.admin_hours:.1f} h of it and {fit.admin_hours:.1f} h stays with "
                "the rep. The hours given back, times the share that becomes selling time, are what lifts the "
                "selling share above the baseline."
            )
        st.button(
            "Apply the fit",
            key="calibration:apply",
            on_click=_apply_fit,
            disabled=locked,
            type="primary",
            icon=":material/check:",
            help="The fitted request rates and baseline become the working scenario: one step that Undo takes back.",
        )
