"""Objectives: the sales-ops charter (leads / supports / not ours) and the objectives it is measured by."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from salesops.insights.objectives import (
    ObjectivesRejected,
    charter_flags,
    covering_roles,
    default_charter,
    effective_charter,
    format_kpi,
    kpi_status,
    kpi_targets,
    kpi_values,
    objectives_from_rows,
    with_charter,
)
from salesops.model.plan_items import CHARTER_RELATIONS, FUNCTIONS, KPIS
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md

ensure_app_navigation()

scenario = state.current()
res = state.results()
locked = state.readonly()
charter = effective_charter(scenario)
defaults = default_charter()
values = kpi_values(scenario, res)

st.title("Objectives")
st.markdown(
    "What sales ops is for: the functions it **leads** (owns the outcome), those it **supports** (another "
    "team owns them, sales ops helps) and those that are **not ours** (no sales-ops time), and the "
    "objectives it is measured by. Progress against them is on the Metrics dashboard."
)

# ----- flags: where the charter and the roles disagree --------------------------
flags = charter_flags(scenario)
if flags:
    for flag in flags:
        if flag.kind == "gap":
            st.error(flag.message, icon=":material/report:")
        else:
            st.warning(flag.message, icon=":material/warning:")
else:
    st.success(
        "The charter and the roles agree: every function sales ops leads has a role, and no role spends "
        "time on a function that is not ours.",
        icon=":material/check_circle:",
    )


# ----- charter ------------------------------------------------------------------
def _set_relation(function: str) -> None:
    relation = st.session_state.get(f"charter:{function}")
    current = state.current()
    if relation in CHARTER_RELATIONS and relation != effective_charter(current)[function]:
        state.commit(with_charter(current, function, relation), f"Charter: {function} {relation}")


def _reset_charter() -> None:
    state.commit(replace(state.current(), charter=()), "Charter: catalog defaults")


def _title(text: str) -> str:
    return text[:1].upper() + text[1:]


st.subheader("Charter")
st.caption(
    "Starts from the role catalog: a function is led where a catalog role that covers it leads it, supported "
    "otherwise. Beside each function, the roles of this scenario that cover it."
)
covers = covering_roles(scenario)
with st.container(border=True):
    halves = st.columns(2, gap="large")
    for i, function in enumerate(FUNCTIONS):
        with halves[i // 5]:
            name_col, control_col = st.columns([3, 4], vertical_alignment="center")
            doers = ", ".join(md(p.role.name) for p in covers[function]) or "no role in this scenario"
            changed = "" if charter[function] == defaults[function] else f" · changed (default: {defaults[function]})"
            name_col.markdown(f"**{_title(function)}**")
            name_col.caption(doers + changed)
            key = f"charter:{function}"
            # The scenario, not the widget, is the source of truth (undo, loaded files).
            st.session_state[key] = charter[function]
            control_col.segmented_control(
                function,
                options=list(CHARTER_RELATIONS),
                format_func=_title,
                key=key,
                required=True,
                on_change=_set_relation,
                args=(function,),
                label_visibility="collapsed",
                disabled=locked,
            )
if scenario.charter:
    st.button(
        "Back to the catalog's defaults",
        key="charter:reset",
        on_click=_reset_charter,
        icon=":material/restart_alt:",
        disabled=locked,
    )

# ----- objectives -----------------------------------------------------------------
st.subheader("Objectives and targets")
st.caption(
    "One row per objective: a KPI moved from a baseline to a target by a date. Values are in the KPI's unit: "
    "dollars a year, shares as fractions (0.35 = 35%), reps per sales-ops FTE, ROI as a ratio (1.5 = 150%), "
    "hours. A blank baseline takes the model's current value; a blank id gets one. Add or remove rows, then "
    "apply: a table with any problem is refused whole and the objectives stay as they were."
)
table = pd.DataFrame(
    [
        {
            "id": o.id,
            "title": o.title,
            "kpi": o.kpi,
            "baseline": o.baseline,
            "target": o.target,
            "owner": o.owner,
            "due": o.due or None,
        }
        for o in scenario.objectives
    ],
    columns=["id", "title", "kpi", "baseline", "target", "owner", "due"],
)
# Object columns: rows added in the editor arrive with missing cells as None, which a float or
# datetime column would have to up-cast (a pandas deprecation).
table["due"] = pd.to_datetime(table["due"], errors="coerce").dt.date.astype(object)
table = table.astype(object).where(table.notna(), None)
with st.form("objectives:form", border=False):
    edited = st.data_editor(
        table,
        key=f"objectives:editor:{state.revision()}",
        num_rows="fixed" if locked else "dynamic",
        disabled=locked,
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.TextColumn("Id", max_chars=60),
            "title": st.column_config.TextColumn("Objective", width="large", max_chars=200),
            "kpi": st.column_config.SelectboxColumn(
                "KPI", options=list(KPIS), format_func=lambda k: KPIS[k][0], width="medium"
            ),
            "baseline": st.column_config.NumberColumn("Baseline", format="%.4g"),
            "target": st.column_config.NumberColumn("Target", format="%.4g"),
            "owner": st.column_config.TextColumn("Owner", max_chars=200),
            "due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
        },
    )
    applied = st.form_submit_button(
        "Apply objectives", key="objectives:apply", icon=":material/check:", disabled=locked
    )
if applied:
    try:
        objectives = objectives_from_rows(edited.to_dict("records"), current=values)
    except ObjectivesRejected as exc:
        st.error(
            "Not applied; the objectives are unchanged:\n\n"
            + "\n".join(f"- {md(p)}" for p in exc.problems)
            + (f"\n- and {exc.total - len(exc.problems)} more" if exc.total > len(exc.problems) else "")
        )
    else:
        if objectives != scenario.objectives:
            state.commit(replace(scenario, objectives=objectives), f"Objectives: {len(objectives)} set")
            st.rerun()

if scenario.objectives:
    targets = kpi_targets(scenario, res)
    progress = []
    for o in scenario.objectives:
        label, _, higher = KPIS[o.kpi]
        counts = targets[o.kpi].objective_id == o.id
        progress.append(
            {
                "Objective": o.title or o.id,
                "KPI": label,
                "Baseline": format_kpi(o.kpi, o.baseline),
                "Target": format_kpi(o.kpi, o.target),
                "Model now": format_kpi(o.kpi, values[o.kpi]),
                "Status": kpi_status(values[o.kpi], o.target, higher, targets[o.kpi].tolerance).replace("-", " "),
                "Due": o.due or "",
                "Owner": o.owner,
                "On the dashboard": "yes" if counts else "no (another objective for this KPI is due first)",
            }
        )
    st.markdown("**Where the model puts each objective now**")
    st.dataframe(pd.DataFrame(progress), hide_index=True, width="stretch")
