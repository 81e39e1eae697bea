"""Compare: any number of scenarios side by side against a chosen baseline."""

import pandas as pd
import streamlit as st

from salesops import charts
from salesops.insights.compare import headline_table, structural_diff
from salesops.model.metrics import METRIC
from salesops.model.samples import list_samples, load_sample
from salesops.ui import persist, state
from salesops.ui.boot import ensure_app_navigation
from salesops.model.whatif import evaluate_cached
from salesops.ui.text import md
from salesops.ui.guard import stop_page

ensure_app_navigation()

st.title("Compare scenarios")
st.markdown(
    "Put any number of scenarios side by side: the working one, the samples and every saved version. "
    "Differences are taken against the baseline you choose."
)

options: dict[str, str] = {"working": f"Working scenario: {state.current().name}"}
options.update({f"sample:{s.name}": f"Sample: {s.title}" for s in list_samples()})
db = None if st.session_state.get(state.READONLY) else persist.store()  # a link's visitor sees no saved list
if db is not None:
    for h in db.recent_versions():  # one query, however many scenarios are saved
        # Distinct and dated: two scenarios of the same name, or versions saved the same day, never read alike.
        when = h.created_at.strftime("%Y-%m-%d %H:%M")
        note = f" ({h.note})" if h.note else ""
        options[f"saved:{h.scenario_id}:{h.version}"] = (
            f"{h.name} v{h.version}{note} · saved {when} · #{h.scenario_id[:8]}"
        )
elif st.session_state.get(state.READONLY):
    st.caption("Saved scenarios are not listed from a shared link.")
else:
    st.caption(f"Saved scenarios are unavailable: {persist.store_error()}")

if "compare:chosen" not in st.session_state:
    st.session_state["compare:chosen"] = ["working", "sample:midmarket"]
st.session_state["compare:chosen"] = [c for c in st.session_state["compare:chosen"] if c in options]
chosen = st.multiselect("Scenarios", options=list(options), format_func=options.get, key="compare:chosen")
if len(chosen) < 2:
    st.info("Choose at least two scenarios.")
    stop_page()


def _load(key: str):
    if key == "working":
        return state.current()
    if key.startswith("sample:"):
        return load_sample(key.split(":", 1)[1])
    _, sid, version = key.split(":")
    return db.load(sid, int(version)).scenario


scenarios = [_load(k) for k in chosen]
labels = []
for key in chosen:  # labels must be unique: the option text, numbered if it repeats
    label = options[key]
    labels.append(label if label not in labels else f"{label} #{len(labels) + 1}")
results = [evaluate_cached(s) for s in scenarios]
baseline = st.selectbox(
    "Baseline", options=list(range(len(chosen))), format_func=lambda i: labels[i], key="compare:baseline"
)

table = headline_table(labels, results, baseline=baseline)
shown = []
for row in table.to_dict("records"):
    out = {"Metric": row["metric"]}
    for i, label in enumerate(labels):
        value, delta = row[label], row[f"{label} Δ"]
        metric = METRIC[row["key"]]
        text = metric.text(value)
        if i != baseline and delta is not None and abs(delta) > 1e-12:
            text += f"  ({metric.delta_text(delta)})"
        out[label] = text
    shown.append(out)
st.dataframe(pd.DataFrame(shown), hide_index=True, width="stretch", height=36 * (len(shown) + 1) + 4)
st.caption("In brackets: the difference from the baseline.")

items = list(zip(labels, results))
st.vega_lite_chart(spec=charts.chart_spec("compare_cumulative", items), width="stretch", height=340)
st.vega_lite_chart(spec=charts.chart_spec("compare_productivity", items), width="stretch")
st.vega_lite_chart(spec=charts.chart_spec("compare_cost", items), width="stretch")

st.subheader("What is different from the baseline")
for i, (label, scenario) in enumerate(zip(labels, scenarios)):
    if i == baseline:
        continue
    changes = structural_diff(scenarios[baseline], scenario)
    with st.expander(f"{md(label)}: {len(changes)} change(s)", expanded=len(chosen) <= 3):
        if not changes:
            st.write("Same structure as the baseline.")
        else:
            st.dataframe(
                pd.DataFrame(
                    [{"Change": c.kind, "What": c.subject, "Baseline": c.before, label: c.after} for c in changes]
                ),
                hide_index=True,
                width="stretch",
            )
