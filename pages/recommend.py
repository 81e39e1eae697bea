"""Recommended design: the placement of every role that gives the most net value (or NPV, ROI), why, and its odds."""

import threading
import time
from collections import OrderedDict

import pandas as pd
import streamlit as st

from salesops import charts
from salesops.model.format import fmt_pct
from salesops.model.limits import MODEL_SECONDS, MONTE_CARLO_SECONDS, WHATIF_SECONDS
from salesops.model.metrics import METRIC
from salesops.model.optimize import (
    EXHAUSTIVE_LIMIT,
    PER_REGION_LARGEST,
    Odds,
    Recommendation,
    decision_tornado,
    optimize,
    win_odds,
)
from salesops.model.scenario import Scenario
from salesops.model.whatif import bounded, evaluate_cached
from salesops.model.evaluation import evaluate
from salesops.model.worker import BudgetExceeded, busy, needs_worker, run_bounded
from salesops.ui import guard, state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.plausibility import show_design_warnings
from salesops.ui.widgets import headline_strip
from salesops.ui.text import md

ensure_app_navigation()

DRAWS, SEED = 2_000, 0
OBJECTIVE_KEY = "recommend:objective"
PER_REGION_KEY = "recommend:per_region"
PER_REGION_LABEL = "Place roles region by region (and the hub in any region)"
ODDS_KEY = "recommend:odds"
APPLY_LABEL = "Apply the recommended design"
CHOICES = {"net": "Net value per year", "npv": "NPV", "roi": "ROI"}
# The objective's figure in salesops.model.metrics: its label and formatting.
FIGURE = {"net": "net_value", "npv": "npv", "roi": "roi"}
COMPARED = ("net_value", "roi", "sales_ops_cost", "sales_ops_fte")
TORNADO_ROWS = 10
MOVED_CELL = "background-color: #e6f4ea"  # a region (or hub) the recommendation changes


class _Searches:
    """The searches done so far, shared by every session: (scenario, objective, per region) -> result.

    Scenarios are immutable and hashable; a Recommendation is frozen. At most ``size`` are kept.
    """

    def __init__(self, size: int = 64) -> None:
        self.size, self.found, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.found:
                self.found.move_to_end(key)
            return self.found.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            self.found[key] = value
            while len(self.found) > self.size:
                self.found.popitem(last=False)


# Pages run afresh on every rerun, so a module-level cache here would start empty each time: Streamlit's
# resource cache outlives the run. The search itself runs outside it, so that its progress bar is drawn
# on the page of the run that searches (a cached function's elements would be replayed on every hit).
@st.cache_resource
def _searches() -> _Searches:
    return _Searches()


def _recommend(scenario: Scenario, objective: str, per_region: bool = False, show: bool = False):
    """``optimize`` of the scenario (a big org's in a worker, within the what-if budget), or why not.

    ``per_region``: each role's layouts over the largest regions, the hub in any of them. Ranked by NPV,
    that search evaluates thousands of designs in full (about 40 s for the 800-rep enterprise), as it
    does with generalists (whose pools couple the roles), so it then always runs in a worker within
    the budget rather than holding up the app. ``show``: a progress bar while the search runs.
    """
    key = (scenario, objective, per_region)
    found = _searches().get(key)
    if found is None:
        found = _search(scenario, objective, per_region, show)
        if not isinstance(found, BudgetExceeded):  # a budget run out (on a busy server, say) is tried again
            _searches().put(key, found)
    return found


def _search(scenario: Scenario, objective: str, per_region: bool, show: bool) -> Recommendation | BudgetExceeded:
    in_full = objective == "npv" or scenario.generalists  # every design evaluated in full
    evaluate_fn = evaluate if in_full else evaluate_cached
    args = (objective, evaluate_fn, EXHAUSTIVE_LIMIT, 0, per_region)
    worker = (per_region and in_full) or needs_worker(len(scenario.regions), len(scenario.roles))
    holder = st.empty() if show else None
    started = time.perf_counter()
    shown: dict = {}

    def progress(fraction: float) -> None:
        # A search in a worker always has a bar; one in process only when it will take a second or more.
        if holder is None or fraction >= 1.0:
            return
        if worker or "bar" in shown or (fraction > 0 and (time.perf_counter() - started) / fraction > 1.0):
            shown["bar"] = holder.progress(fraction, text=f"Searching the designs… {fraction:.0%}")

    def queued() -> None:
        if holder is not None:
            running, limit = busy()
            holder.progress(0.0, text=f"Queued: {running} of {limit} workers busy; the search starts when one is free…")

    try:
        if worker:
            progress(0.0)
            return run_bounded(optimize, scenario, *args, seconds=WHATIF_SECONDS, progress=progress, queued=queued)
        return optimize(scenario, *args, progress=progress)
    except BudgetExceeded as exc:
        return exc
    finally:
        if holder is not None:
            holder.empty()


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs={Scenario: hash})
def _odds(scenario: Scenario, objective: str, per_region: bool = False) -> tuple[Odds, pd.DataFrame] | BudgetExceeded:
    """The odds over DRAWS Monte Carlo draws (seed SEED) and the decision tornado, or why not."""
    rec = _recommend(scenario, objective, per_region)
    try:
        odds = bounded(scenario, win_odds, rec, DRAWS, SEED, seconds=MONTE_CARLO_SECONDS)
        tornado = bounded(scenario, decision_tornado, rec, seconds=MODEL_SECONDS * 12)
    except BudgetExceeded as exc:
        return exc
    return odds, tornado


def _amount(objective: str, value: float) -> str:
    """A difference in the objective without its unit of time: "$160.6K", "1.7 pp"."""
    return f"{value * 100:,.1f} pp" if objective == "roi" else METRIC[FIGURE[objective]].text(value)


UNIT = {"net": "a year", "npv": "of NPV", "roi": "of ROI"}


def _lead(objective: str, value: float) -> str:
    """A difference in the objective in plain words: "$160.6K a year", "$245.7K of NPV", "1.7 pp of ROI"."""
    return f"{_amount(objective, value)} {UNIT[objective]}"


def _share(p: float) -> str:
    """A probability as a whole percentage that never rounds a near-certainty up to certain."""
    if 0.995 <= p < 1.0:
        return "over 99%"
    if 0.0 < p < 0.005:
        return "under 1%"
    return fmt_pct(p)


def _placements_text(rec: Recommendation, design, names: dict[str, str]) -> str:
    moves = design.differences(rec.best, dict(rec.region_names))  # layouts name regions by their names
    return "; ".join(f"**{md(names[r])}** {md(theirs)} instead of {md(ours)}" for r, ours, theirs in moves)


def _reason(advice) -> str:
    """The model's sentence for one role, its name in bold."""
    head, sep, rest = advice.reason.partition(": ")
    return f"**{md(head)}**{sep}{md(rest)}" if sep and head == advice.role else md(advice.reason)


def _apply(objective: str, per_region: bool = False) -> None:
    """Commit the recommended design of the scenario as it is when the button is clicked: one undoable step."""
    scenario = state.current()
    rec = _recommend(scenario, objective, per_region)
    if isinstance(rec, Recommendation) and rec.changes:
        state.commit(rec.best.apply(scenario), APPLY_LABEL)


def _region_grid(rec: Recommendation, scenario: Scenario) -> None:
    """The recommended design region by region: one row per role, one column per staffed region, and the hub.

    A cell the recommendation changes is shaded (what the role has now is in the table and the moves above).
    """
    staffed = [r for r in scenario.regions if r.reps > 0]
    names = dict(rec.region_names)
    now, best = dict(rec.current.layouts), dict(rec.best.layouts)
    rows, moved = [], []
    for advice in rec.roles:
        new, old = best[advice.role_id], now[advice.role_id]
        row, shade = {"role": advice.role}, {"role": False}
        for r in staffed:
            a, b = old.placement_in(r.id), new.placement_in(r.id)
            row[r.id] = b.capitalize()
            shade[r.id] = a != b
        hubs = []
        for layout in (new, old):
            served = any(layout.placement_in(r.id) != "localized" for r in staffed)
            hubs.append(names.get(layout.hub_region or scenario.hq_region, "") if served else "no hub")
        row["hub"] = hubs[0]
        shade["hub"] = hubs[0] != hubs[1]
        rows.append(row)
        moved.append(shade)
    table = pd.DataFrame(rows)
    shading = pd.DataFrame(moved).map(lambda changed: MOVED_CELL if changed else "")
    st.dataframe(
        table.style.apply(lambda _: shading, axis=None),
        column_config={
            "role": "Role",
            **{r.id: st.column_config.TextColumn(r.name, help=f"{r.reps:,} reps") for r in staffed},
            "hub": st.column_config.TextColumn("Hub in", help="Where the role's central team sits."),
        },
        hide_index=True,
        width="stretch",
        key="recommend:regions",
    )
    st.caption(
        "The recommended design region by region: each role's placement in each region with reps, and where its "
        "hub sits. Shaded cells are the moves. The search mixes placements over the "
        f"{PER_REGION_LARGEST} largest regions; smaller regions follow HQ's."
    )


scenario = state.current()

st.title("Recommended design")
st.caption(
    f"{md(scenario.name)} · the placement of every sales-ops role at once (centralized, localized or hybrid) "
    "that gives the most of what you rank by. Switching one role at a time is on Productivity & ROI; "
    "this page tries the roles together."
)
headline_strip()

objective = st.segmented_control(
    "Rank designs by",
    options=list(CHOICES),
    format_func=CHOICES.get,
    key=OBJECTIVE_KEY,
    default="net",
    required=True,
    help="Net value per year: gross-margin uplift plus control value minus sales-ops and initiative cost, "
    "once the teams are up to "
    "speed. NPV: every month of the projection (ramps included), discounted at the scenario's discount rate. "
    "ROI: net value divided by cost; a ratio favours the cheapest design, so it is not the default.",
)
st.caption(
    {
        "net": "Ranked by net value per year: the money the design adds, after its cost.",
        "npv": f"Ranked by NPV over the projection, discounted at "
        f"{fmt_pct(scenario.assumptions.discount_rate, 1)} a year: ramps and set-up included.",
        "roi": "Ranked by ROI: return per dollar of cost. It favours cheap designs even when they add less money.",
    }[objective]
)
per_region = st.toggle(
    PER_REGION_LABEL,
    key=PER_REGION_KEY,
    help=f"Off: each role takes one placement for every region, its hub where it is. On: each role may serve "
    f"its {PER_REGION_LARGEST} largest regions differently (e.g. centralized, with the far regions localized) "
    "and its hub may sit in any of them. A wider search: it can find more, and it takes longer.",
)

if not scenario.roles:
    st.info("This scenario has no sales-ops roles, so there is no design to recommend. Add roles on the Org designer.")
    guard.stop_page()

rec = _recommend(scenario, objective, per_region, show=True)
if isinstance(rec, BudgetExceeded):
    st.warning(
        f"The search over this org's designs was not finished: it was {rec}. The scenario is unchanged; "
        "Productivity & ROI still shows what switching one role at a time would do."
        + (
            " Region by region, ranking by net value per year or ROI searches much faster than by NPV, "
            "or turn region by region off."
            if per_region
            else ""
        )
    )
    guard.stop_page()

names = {a.role_id: a.role for a in rec.roles}
tie = rec.margin is not None and rec.margin <= (1e-6 if rec.objective == "roi" else 0.5)
now, best = rec.current_results.headline(), rec.best_results.headline()

# ---------------------------------------------------------------- the recommendation
st.subheader("The recommendation")
if rec.changes and per_region:  # layouts are long: one line per role
    moves = "\n".join(f"- **{md(names[r])}**: {md(a)} → **{md(b)}**" for r, a, b in rec.changes)
    st.success(
        f"Move {len(rec.changes)} of {len(rec.roles)} roles (region by region under Role by role):\n\n{moves}\n\n"
        f"That adds {md(_lead(rec.objective, rec.gain))} over the current design."
    )
elif rec.changes:
    moves = "; ".join(f"**{md(names[r])}**: {md(a)} → **{md(b)}**" for r, a, b in rec.changes)
    st.success(
        f"Move {len(rec.changes)} of {len(rec.roles)} roles: {moves}. "
        f"That adds {md(_lead(rec.objective, rec.gain))} over the current design."
    )
else:
    st.success("The current design is already the best: keep every role where it is.")

cols = st.columns(len(COMPARED))
for col, key in zip(cols, COMPARED):
    metric = METRIC[key]
    diff = best[key] - now[key]
    col.metric(
        metric.label,
        metric.text(best[key]),
        delta=None if abs(diff) < 1e-9 else metric.delta_text(diff),
        delta_color="normal" if metric.higher_is_better else "inverse",
        help=metric.help,
    )
    col.caption(f"Now {md(metric.text(now[key]))}")
st.caption("Each figure for the recommended design; the change and the figure now are against the current design.")
show_design_warnings(rec.best_results)

if rec.method == "exhaustive":
    method = (
        f"Exhaustive over {rec.space:,} designs: every combination of {len(rec.roles)} roles × 3 placements "
        "was evaluated, so no other design scores higher (within the model and its assumptions)."
    )
elif rec.method.startswith("exhaustive"):  # region by region, a small org
    method = (
        f"Exhaustive over {rec.space:,} designs: every layout of every role (a placement per region over the "
        f"{PER_REGION_LARGEST} largest regions, the hub in any of them) was evaluated, so no other design scores "
        "higher (within the model and its assumptions)."
    )
else:
    method = (
        f"{rec.method.capitalize()}: {rec.designs_evaluated:,} of {rec.space:,} designs evaluated. Each role in "
        f"turn takes its best {'layout' if per_region else 'placement'} with the others held, until no single "
        "switch helps; the best of these ends wins. Very likely, but not certain, to be the best design."
    )
st.caption(f"How it was found: {md(method)}")

if rec.runner_up is None:
    st.markdown("There is no other design to compare with.")
elif tie:
    st.markdown(
        f"**A tie.** The runner-up (the best other design: {_placements_text(rec, rec.runner_up, names)}) "
        "scores the same: where the roles sit makes no difference to this figure here."
    )
else:
    st.markdown(
        f"**Ahead of the runner-up by {md(_lead(rec.objective, rec.margin))}.** The runner-up is the best other "
        f"design: {_placements_text(rec, rec.runner_up, names)}."
    )

apply_col, why_col = st.columns([1, 3], vertical_alignment="center")
readonly = state.readonly()
apply_col.button(
    APPLY_LABEL,
    key="recommend:apply",
    type="primary",
    icon=":material/done_all:",
    on_click=_apply,
    args=(objective, per_region),
    disabled=readonly or not rec.changes,
    width="stretch",
)
if readonly:
    why_col.caption(
        "This view is read-only (a shared link, or a hosted app before sign-in): the design cannot be applied "
        "here. Make an editable copy in the sidebar's Save & share to apply it."
    )
elif not rec.changes:
    why_col.caption("Nothing to apply: the working scenario already has the recommended design.")
else:
    why_col.caption(
        f"Moves the {len(rec.changes)} roles above in one step; Undo in the sidebar puts them all back."
        if len(rec.changes) > 1
        else "Moves the role above; Undo in the sidebar puts it back."
    )

# ---------------------------------------------------------------- role by role
st.subheader("Role by role")
unit = {"net": " ($ / year)", "npv": " ($ NPV)", "roi": " (ROI pp)"}[rec.objective]
scale = 100.0 if rec.objective == "roi" else 1.0
table = pd.DataFrame(
    [
        {
            "role": a.role,
            "now": a.current,
            "recommended": a.best,
            "next_best": a.next_best,
            "margin": a.margin * scale,
            "moves": a.best != a.current,
        }
        for a in rec.roles
    ]
)
st.dataframe(
    table,
    column_config={
        "role": "Role",
        "now": "Now",
        "recommended": "Recommended",
        "next_best": "Next best",
        "moves": st.column_config.CheckboxColumn("Moves", help="The recommendation moves this role."),
        "margin": st.column_config.NumberColumn(
            "Margin over next best" + unit,
            format="%.1f" if rec.objective == "roi" else "$%,.0f",
            help="How much more the recommended design scores than the same design with this role at its "
            "next-best placement.",
        ),
    },
    hide_index=True,
    width="stretch",
    key="recommend:roles",
)
st.caption("Next best: where the role would go if its recommended placement were ruled out, the others staying put.")
if per_region:
    _region_grid(rec, scenario)
st.markdown("\n".join(f"- {_reason(a)}" for a in rec.roles))

# ---------------------------------------------------------------- the odds
st.subheader("How sure is it?")
st.caption(
    f"The assumptions are uncertain. {DRAWS:,} Monte Carlo draws (seed {SEED}) each pick every assumption from its "
    "range; the recommended design, the runner-up and the current design are scored on the same draws. Then "
    "each assumption alone is moved to its low and high end to see which would hand the win to the runner-up."
)
if st.button(f"Compute the odds ({DRAWS:,} draws)", key="recommend:odds_run", icon=":material/casino:"):
    st.session_state[ODDS_KEY] = (scenario, objective, per_region)

if st.session_state.get(ODDS_KEY) != (scenario, objective, per_region):
    st.info("Click **Compute the odds** to see how often the recommendation wins when the assumptions vary.")
else:
    with st.spinner(f"Drawing {DRAWS:,} worlds…"):
        found = _odds(scenario, objective, per_region)
    if isinstance(found, BudgetExceeded):
        st.warning(f"The odds of this org were not computed: it was {found}. The recommendation above is complete.")
    else:
        odds, tornado = found
        left, mid, right = st.columns(3)
        if odds.p_beats_runner_up is not None:
            left.metric(
                "Beats the runner-up",
                _share(odds.p_beats_runner_up),
                help="Share of the draws in which the recommended design scores at least as much as the runner-up.",
            )
        mid.metric(
            "Beats the current design",
            _share(odds.p_beats_current),
            help="Share of the draws in which the recommended design scores at least as much as today's design.",
        )
        if odds.margin_p10 is not None:
            right.metric(
                "Lead over the runner-up, P10 to P90",
                f"{_amount(objective, odds.margin_p10)} to {_amount(objective, odds.margin_p90)}",
                help="P10 to P90: 8 draws in 10 fall in this range; 1 in 10 below it, 1 in 10 above.",
            )
        sentences = []
        if tie:
            sentences.append("The runner-up is worth the same as the recommendation, so a level draw counts as a win.")
        if odds.p_beats_runner_up is not None:
            sentences.append(
                f"The recommendation wins in {_share(odds.p_beats_runner_up)} of {odds.draws:,} draws against the "
                f"runner-up, and in {_share(odds.p_beats_current)} against the current design."
            )
            sentences.append(
                f"Its lead over the runner-up is between {md(_amount(objective, odds.margin_p10))} and "
                f"{md(_lead(objective, odds.margin_p90))} in 8 draws out of 10 (P10 to P90; below zero the "
                f"runner-up wins that draw), and "
                f"{md(_lead(objective, odds.margin_p50))} in the middle draw (P50)."
            )
        else:
            sentences.append(
                f"The recommendation wins in {_share(odds.p_beats_current)} of {odds.draws:,} draws against the "
                "current design."
            )
        st.markdown(" ".join(sentences))

        st.markdown("**What would change the answer**")
        if tornado.empty:
            st.info("No assumption has a range, or there is no runner-up to compare with.")
        else:
            flips = tornado[tornado["flips"]]
            if flips.empty:
                st.success(
                    "No single assumption, moved to either end of its range, would make the runner-up win: "
                    "the recommendation holds across every range."
                )
            else:
                listed = ", ".join(md(label) for label in flips["label"])
                st.warning(
                    f"{len(flips)} of {len(tornado)} assumptions would hand the win to the runner-up at one end of "
                    f"their range: {listed}. Check these figures before you move people."
                )
            name = "decision_pp" if objective == "roi" else "decision_usd"
            shown = tornado.head(TORNADO_ROWS)
            st.vega_lite_chart(spec=charts.chart_spec(name, (shown, rec.margin)), width="stretch")
            st.caption(
                f"The {len(shown)} assumptions that bring the runner-up closest, each alone at its low and high "
                "end. Left of the black line the runner-up wins; the dashed line is the lead at the likely values."
            )
            with st.expander("Every assumption as a table"):
                lead = tornado.assign(
                    margin_low=tornado["margin_low"] * scale,
                    margin_high=tornado["margin_high"] * scale,
                    answer=tornado["flips"].map({True: "the runner-up would win", False: "holds"}),
                )[["label", "low", "high", "margin_low", "margin_high", "answer"]]
                money = "%.1f" if objective == "roi" else "$%,.0f"
                st.dataframe(
                    lead.style.apply(
                        lambda row: ["background-color: #fde7e7" if row["answer"] != "holds" else ""] * len(row),
                        axis=1,
                    ),
                    column_config={
                        "label": "Assumption",
                        "low": "Low",
                        "high": "High",
                        "margin_low": st.column_config.NumberColumn("Lead at low" + unit, format=money),
                        "margin_high": st.column_config.NumberColumn("Lead at high" + unit, format=money),
                        "answer": "Within the range",
                    },
                    hide_index=True,
                    width="stretch",
                    key="recommend:tornado",
                )
