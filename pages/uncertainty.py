"""Uncertainty: Monte Carlo ranges of ROI, payback and productivity, and a tornado."""

import time
from functools import lru_cache

import streamlit as st

from salesops import charts
from salesops.model.format import fmt_months, fmt_pct, fmt_usd
from salesops.model.scenario import Scenario
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.glossary import define
from salesops.model.limits import MODEL_SECONDS, MONTE_CARLO_SECONDS
from salesops.model.uncertainty import BATCH, in_worker, is_cached, sensitivity, simulate_cached
from salesops.model.whatif import bounded
from salesops.model.worker import BudgetExceeded, busy, run_bounded
from salesops.ui.text import md

ensure_app_navigation()

MAX_DRAWS = 200_000
RESULT_KEY = "uncertainty:last"


@lru_cache(maxsize=32)
def _tornado(scenario: Scenario):
    return bounded(scenario, sensitivity, seconds=MODEL_SECONDS * 12)


def _in_worker(bar):
    """A runner for ``simulate_cached``: the draws in a worker process, within a time and memory budget.

    ``bar`` (a ``st.progress``) says when the run waits for a free worker and moves with the draws.
    """

    def queued() -> None:
        running, limit = busy()
        bar.progress(0.0, text=f"Queued: {running} of {limit} workers busy; the draws start when one is free…")

    def progress(fraction: float) -> None:
        bar.progress(fraction, text=f"Drawing in a worker process… {fraction:.0%}")

    def runner(fn, scenario: Scenario, draws: int, seed: int):
        return run_bounded(fn, scenario, draws, seed, seconds=MONTE_CARLO_SECONDS, progress=progress, queued=queued)

    return runner


scenario = state.current()
res = state.results()

st.title("Uncertainty")
st.caption(
    f"{md(scenario.name)} · each run picks every uncertain assumption at random between its low and high "
    "value, most often near the likely one; the sales-ops teams keep the sizes of the org as designed. "
    f"Single-point ROI (every assumption at its likely value) {fmt_pct(res.roi)}, payback "
    f"{fmt_months(res.payback_months)}."
)

with st.container(border=True):
    left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
    draws = left.number_input(
        "Draws (simulated runs)",
        min_value=1_000,
        max_value=MAX_DRAWS,
        value=10_000,
        step=1_000,
        key="uncertainty:draws",
        help=define("Draws"),
    )
    seed = right.number_input(
        "Seed",
        min_value=0,
        max_value=2**32 - 1,
        value=0,
        step=1,
        key="uncertainty:seed",
        help=define("Seed"),
    )
    run = button.button("Run", key="uncertainty:run", type="primary", width="stretch", icon=":material/casino:")

if run:
    key = (scenario, int(draws), int(seed))
    if is_cached(*key):
        simulate_cached(*key)
    else:
        shown: dict = {}
        started = time.perf_counter()

        def progress(fraction: float) -> None:
            # Only a run that will take a second or more gets a bar.
            elapsed = time.perf_counter() - started
            if "bar" not in shown and fraction < 1.0 and elapsed / fraction > 1.0:
                shown["bar"] = st.progress(fraction, text="Drawing…")
            elif "bar" in shown:
                shown["bar"].progress(fraction, text=f"Drawing… {fraction:.0%}")

        try:
            if in_worker(scenario, int(draws)):
                shown["bar"] = st.progress(
                    0.0, text=f"Drawing {int(draws):,} runs in a worker process (at most {MONTE_CARLO_SECONDS:.0f} s)…"
                )
                simulate_cached(*key, runner=_in_worker(shown["bar"]))
            else:
                simulate_cached(*key, progress=progress if int(draws) > BATCH else None)
        except BudgetExceeded as exc:
            key = None
            st.error(f"The Monte Carlo was {exc}. Try fewer draws; the scenario is unchanged.")
        if "bar" in shown:
            shown["bar"].empty()
    if key is not None:
        st.session_state[RESULT_KEY] = key

last = st.session_state.get(RESULT_KEY)
if last is None or last[0] != scenario:
    st.info("Set the number of draws and a seed, then **Run** the Monte Carlo.")
else:
    sim = simulate_cached(*last)
    pct = sim.percentiles()
    st.caption(f"{sim.draws:,} draws, seed {sim.seed}.")
    groups = (
        ("ROI", pct["roi"], fmt_pct),
        ("Payback", pct["payback_months"], fmt_months),
        ("Productivity per rep", pct["productivity_per_rep"], fmt_usd),
    )
    for title, values, fmt in groups:
        cols = st.columns(3)
        for col, k in zip(cols, ("p10", "p50", "p90")):
            col.metric(
                f"{title} {k.upper()}", "n/a" if values[k] is None else fmt(values[k]), help=define("P10 / P50 / P90")
            )
    never = pct["payback_months"]["never_share"]
    if never > 0:
        st.caption(
            f"{fmt_pct(never, 1)} of draws never pay back within the projection; the payback "
            "percentiles are over the draws that do."
        )
    left, right = st.columns(2)
    left.vega_lite_chart(spec=charts.chart_spec("mc_histogram", sim), width="stretch")
    right.vega_lite_chart(spec=charts.chart_spec("fan", sim), width="stretch")

st.subheader("What moves ROI most")
st.caption(
    "Each parameter at its low and at its high, everything else at its likely value, with the teams "
    "as designed, as in the Monte Carlo above. Role parameters move for all roles together."
)
try:
    table = _tornado(scenario)
except BudgetExceeded as exc:
    table = None
    st.warning(f"The tornado of this org was not computed: it was {exc}.")
if table is None:
    pass
elif table.empty:
    st.info("No parameter has a range.")
else:
    st.vega_lite_chart(spec=charts.chart_spec("tornado", table), width="stretch")
    st.dataframe(
        table[["label", "low", "likely", "high", "unit", "roi_low", "roi_high", "swing", "source"]],
        column_config={
            "label": "Parameter",
            "low": "Low",
            "likely": "Likely",
            "high": "High",
            "unit": "Unit",
            "roi_low": st.column_config.NumberColumn("ROI at low", format="percent"),
            "roi_high": st.column_config.NumberColumn("ROI at high", format="percent"),
            "swing": st.column_config.NumberColumn("Swing", format="percent"),
            "source": st.column_config.TextColumn("Source", width="large"),
        },
        hide_index=True,
        width="stretch",
        key="uncertainty:tornado_table",
    )
