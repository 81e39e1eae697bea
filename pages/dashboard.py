"""Metrics dashboard: the KPIs against their targets, uploaded actuals, projected against actual."""

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from salesops import charts
from salesops.insights.objectives import (
    MAX_ACTUALS_BYTES,
    TIME_PATH_KPIS,
    ActualsRejected,
    actual_series,
    actuals_template,
    default_tolerance,
    first_period,
    format_gap,
    format_kpi,
    kpi_table,
    kpi_values,
    merge_actuals,
    parse_actuals,
    projected_series,
    target_sources,
)
from salesops.model.plan_items import KPIS
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md

ensure_app_navigation()

STATUS = {  # status -> (text, badge colour, icon, table cell background)
    "on-track": ("On track", "green", ":material/check_circle:", "#e3f4e6"),
    "at-risk": ("At risk", "orange", ":material/error:", "#fff0d9"),
    "off-track": ("Off track", "red", ":material/cancel:", "#fde4e4"),
    "no data": ("No data", "gray", ":material/help:", "#f0f2f6"),
}
UPLOAD, MESSAGE = "dashboard:actuals", "dashboard:actuals:message"

scenario = state.current()
res = state.results()
locked = state.readonly()
table = kpi_table(scenario, res)

st.title("Metrics dashboard")
st.caption(
    f"{md(scenario.name)} · the model's value of each KPI against its target: the scenario's objective for "
    f"that KPI where there is one, otherwise a default (marked *default* with its firmness: a published figure "
    f"or a model assumption; see below). On track = target met; "
    f"at risk = missed by at most {default_tolerance():.0%} of the target; off track = missed by more."
)

# ----- KPI cards --------------------------------------------------------------
for start in range(0, len(table), 4):
    cols = st.columns(4)
    for col, row in zip(cols, table.iloc[start : start + 4].itertuples()):
        text, color, icon, _ = STATUS[row.status]
        with col.container(border=True):
            st.metric(
                row.label,
                format_kpi(row.kpi, row.value),
                delta=None if pd.isna(row.gap) else f"{format_gap(row.kpi, row.gap)} vs target",
                delta_color="normal" if row.higher_is_better else "inverse",
                help=("Higher is better." if row.higher_is_better else "Lower is better.")
                + f" Target from {row.target_source}",
            )
            st.badge(text, color=color, icon=icon)
            origin = (
                f"objective {row.target_source.split(':')[0].removeprefix('objective ')}"
                if row.from_objective
                else f"default, {row.firmness}"
            )
            line = f"Target {format_kpi(row.kpi, row.target)} ({origin})"
            if row.latest_period:  # "" without actuals
                line += (
                    f" · actual {row.latest_period}: {format_kpi(row.kpi, row.latest_actual)}, "
                    f"{STATUS[row.actual_status][0].lower()}"
                )
            st.caption(line)

has_actual = table["latest_period"] != ""
shown = pd.DataFrame(
    {
        "KPI": table["label"],
        "Model": [format_kpi(k, v) for k, v in zip(table["kpi"], table["value"])],
        "Target": [format_kpi(k, v) for k, v in zip(table["kpi"], table["target"])],
        "Gap": [format_gap(k, v) for k, v in zip(table["kpi"], table["gap"])],
        "Status": [STATUS[s][0] for s in table["status"]],
        "Better": ["higher" if h else "lower" for h in table["higher_is_better"]],
        "Latest actual": [
            format_kpi(k, v) if a else "" for k, v, a in zip(table["kpi"], table["latest_actual"], has_actual)
        ],
        "Period": table["latest_period"],
        "Actual status": [STATUS[s][0] if a else "" for s, a in zip(table["actual_status"], has_actual)],
        "Target from": [s if o else f"default: {s}" for s, o in zip(table["target_source"], table["from_objective"])],
    }
)
_BACKGROUND = {text: colour for text, _, _, colour in STATUS.values()}
st.dataframe(
    shown.style.map(
        lambda v: f"background-color: {_BACKGROUND[v]}" if v in _BACKGROUND else "", subset=["Status", "Actual status"]
    ),
    hide_index=True,
    width="stretch",
    column_config={"Target from": st.column_config.TextColumn(width="large")},
)
with st.expander("Where the default targets come from"):
    sources = target_sources()
    st.dataframe(
        sources.drop(columns=["kpi"]).rename(columns=str.capitalize),
        hide_index=True,
        width="stretch",
        column_config={"Tolerance": st.column_config.NumberColumn(format="percent")},
    )
    st.caption("Set your own target for a KPI as an objective on the Objectives page; it replaces the default.")


# ----- actuals ------------------------------------------------------------------
def _on_upload() -> None:
    uploaded = st.session_state.get(UPLOAD)
    if uploaded is None:
        st.session_state.pop(MESSAGE, None)
        return
    try:
        new = parse_actuals(uploaded.getvalue())
    except ActualsRejected as exc:
        more = exc.total - len(exc.problems)
        st.session_state[MESSAGE] = (
            "error",
            f"**{md(uploaded.name)}** was not used; the scenario is unchanged:\n\n"
            + "\n".join(f"- {md(p)}" for p in exc.problems)
            + (f"\n- and {more} more" if more > 0 else ""),
        )
        return
    current = state.current()
    known = {(a.period, a.kpi) for a in current.actuals}
    replaced = sum((a.period, a.kpi) in known for a in new)
    state.commit(
        replace(current, actuals=merge_actuals(current.actuals, new)),
        f"Actuals: {len(new)} values from {uploaded.name}",
    )
    st.session_state[MESSAGE] = (
        "success",
        f"Merged {len(new)} values from **{md(uploaded.name)}**"
        + (f" ({replaced} replaced earlier values)." if replaced else "."),
    )


def _clear_actuals() -> None:
    state.commit(replace(state.current(), actuals=()), "Actuals removed")
    st.session_state.pop(MESSAGE, None)


st.subheader("Actuals")
st.caption(
    "Measured values per period: a CSV with the columns **period** (YYYY-MM or YYYY-Qn), **kpi** (an id from "
    "the template, or the KPI's name) and **value** in the KPI's unit (shares as 0.32 or 32%, ROI as 1.4 or "
    "140%). A new value replaces the same period and KPI. A file with any problem is refused whole and the "
    "scenario stays as it was."
)
up_col, template_col = st.columns([3, 1], vertical_alignment="center")
up_col.file_uploader(
    "Upload actuals (CSV)",
    type=["csv", "txt"],
    key=UPLOAD,
    on_change=_on_upload,
    disabled=locked,
    max_upload_size=max(1, MAX_ACTUALS_BYTES // 1_000_000),
)
today = dt.date.today()
template_col.download_button(
    "CSV template",
    data=actuals_template(kpi_values(scenario, res), period=f"{today.year}-{today.month:02d}"),
    file_name="actuals-template.csv",
    mime="text/csv",
    key="dashboard:template",
    icon=":material/download:",
    on_click="ignore",
    width="stretch",
    help="One row per KPI for this month, filled with the model's values: replace them with measured ones.",
)
message = st.session_state.get(MESSAGE)
if message:
    getattr(st, message[0])(message[1])
if scenario.actuals:
    with st.expander(f"{len(scenario.actuals)} actuals in this scenario"):
        st.dataframe(
            pd.DataFrame(
                [
                    {"Period": a.period, "KPI": KPIS[a.kpi][0], "Value": format_kpi(a.kpi, a.value)}
                    for a in scenario.actuals
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        st.button(
            "Remove all actuals",
            key="dashboard:clear_actuals",
            on_click=_clear_actuals,
            icon=":material/delete:",
            disabled=locked,
            help="Undo brings them back.",
        )

# ----- projected against actual ---------------------------------------------------
st.subheader("Projected against actual")
with_actuals = [k for k in KPIS if any(a.kpi == k for a in scenario.actuals)]
if st.session_state.get("dashboard:kpi") not in KPIS:
    st.session_state["dashboard:kpi"] = with_actuals[0] if with_actuals else "productivity_per_rep"
kpi = st.selectbox("KPI", options=list(KPIS), format_func=lambda k: KPIS[k][0], key="dashboard:kpi")
row = table.set_index("kpi").loc[kpi]
actual = actual_series(scenario.actuals, kpi)
st.vega_lite_chart(
    spec=charts.kpi_track_spec(kpi, projected_series(scenario, res, kpi), actual, row["target"]), width="stretch"
)
if kpi == "roi":
    path = (
        "Projected: ROI to date (cumulative gross-margin uplift less cumulative cost, over cumulative cost), "
        f"which climbs toward the run-rate ROI of the card ({format_kpi(kpi, row['value'])}) as the ramp-up ends."
    )
elif kpi in TIME_PATH_KPIS:
    path = "Projected: the model's value in each month of the 3-year projection (ramp and attrition included)."
else:
    path = (
        f"The model has no time path for {KPIS[kpi][0].lower()}: the projected line is flat at its "
        f"steady-state value ({format_kpi(kpi, row['value'])})."
    )
if scenario.actuals:
    where = (
        f"Month 1 is the start of the earliest actual ({first_period(scenario.actuals)}); a quarter is "
        "plotted at its last month."
        if not actual.empty
        else "No actuals for this KPI yet."
    )
else:
    where = "No actuals yet: upload a file above to plot them against the projection."
st.caption(f"{path} {where} Dashed: the target.")
