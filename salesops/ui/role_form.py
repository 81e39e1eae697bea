"""Adding a sales-ops role on the Org designer: one from the catalog, one of the user's own, or a copy.

One selectbox (key ``roles:add_choice``) lists the catalog roles the scenario does not have yet, then
"A role of your own" and "A copy of a role in this scenario", so a scenario that already holds every
catalog role can still add one. The last two open a form (keys ``role_form:...``): name, the functions
the role covers, whether sales ops leads or supports them, cost per FTE, requests per rep and per FTE,
how time-critical a request is, and optionally its local-knowledge sensitivity and the rep hours a
request saves. Every add is one undoable step; a refused value names its field and leaves the scenario
as it was; a read-only view disables all of it.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from salesops.model.format import fmt_usd
from salesops.model.limits import MAX_NAME_CHARS, MAX_ROLE_FTE, MAX_ROLES, ROLE_RANGES
from salesops.model.plan_items import FUNCTIONS
from salesops.model.roles import (
    CONTROL_WORDS,
    CUSTOM_FIELDS,
    RELATIONS,
    CustomRoleError,
    RoleSpec,
    custom_role,
    load_catalog,
    new_role_figures,
)
from salesops.model.scenario import RolePlan, Scenario, ScenarioError
from salesops.ui import state
from salesops.ui.text import md

__all__ = ["CHOICE", "COPY", "NEW", "URGENCY_CHOICES", "add_role_section", "form_key"]

CHOICE = "roles:add_choice"
NEW, COPY = "custom:new", "custom:copy"  # the selectbox's two entries besides the catalog's role ids
ERROR = "roles:custom_error"  # a refused add: shown once under the form
FILLED = "role_form:filled_for"  # what the form's values were filled from ("new" or "copy:<role id>")
# How time-critical a request is, in plain words, and the business hours after which it has lost
# half its value (8 business hours a day, 40 a week, 160 a month; the catalog spans 16 to 160).
URGENCY_CHOICES: dict[str, float] = {
    "Within hours": 4.0,
    "Within a day": 8.0,
    "Within a few days": 24.0,
    "Within a week": 40.0,
    "Within a month": 160.0,
}
OTHER_URGENCY = "Another time (type the hours)"
NEW_URGENCY = "Within a week"
RELATION_LABELS = {"leads": "Sales ops leads it", "supports": "Sales ops supports its owner"}
_FIGURES = (
    "cost_usd_per_year",
    "demand_per_rep_week",
    "service_rate_per_fte_week",
    "urgency_hours",
    "local_knowledge_sensitivity",
    "rep_hours_saved_per_request",
)


def form_key(field: str) -> str:
    """The session key of one field of the form (``role_form:name``, ``role_form:cost_usd_per_year``)."""
    return f"role_form:{field}"


def _urgency_label(hours: float) -> str:
    return next((label for label, h in URGENCY_CHOICES.items() if h == hours), OTHER_URGENCY)


def _fill(source: str, base: RoleSpec | None) -> None:
    """Set every field from ``base`` (a copy, named "<name> (copy)") or the figures a new role starts from."""
    if base is None:
        start = new_role_figures()
        values = {k: start[k] for k in _FIGURES if k != "urgency_hours"}
        values |= {"urgency_hours": URGENCY_CHOICES[NEW_URGENCY], "name": "", "functions": [], "relation": "supports"}
    else:
        values = {k: float(getattr(base, k)) for k in _FIGURES}
        name = f"{base.name} (copy)"
        values |= {"name": name[:MAX_NAME_CHARS], "functions": list(base.functions), "relation": base.relation}
    values["urgency_choice"] = _urgency_label(values["urgency_hours"])
    for field, value in values.items():
        st.session_state[form_key(field)] = value
    st.session_state[FILLED] = source


def _on_urgency_choice() -> None:
    hours = URGENCY_CHOICES.get(st.session_state.get(form_key("urgency_choice")))
    if hours is not None:
        st.session_state[form_key("urgency_hours")] = hours


def _on_urgency_hours() -> None:
    st.session_state[form_key("urgency_choice")] = _urgency_label(st.session_state.get(form_key("urgency_hours")))


def _copied() -> RolePlan | None:
    """The plan the form copies (None for a role of the user's own, or one that went away since)."""
    if st.session_state.get(CHOICE) != COPY:
        return None
    try:
        return state.current().plan(st.session_state.get(form_key("copy_from")))
    except KeyError:
        return None


def _refuse(message: str) -> None:
    st.session_state[ERROR] = f"Role not added: {message}. The scenario is unchanged."


def _add_custom() -> None:
    """Build the role from the form and add it in one undoable step, or say which field was refused."""
    scen, base = state.current(), _copied()
    if st.session_state.get(CHOICE) == COPY and base is None:
        _refuse("the role to copy is no longer in the scenario")
        return
    values = {k: st.session_state.get(form_key(k)) for k in ("name", "functions", "relation", *_FIGURES)}
    try:
        spec = custom_role(
            values["name"] if values["name"] is not None else "",
            values["functions"] or [],
            values["relation"],
            values["cost_usd_per_year"],
            values["demand_per_rep_week"],
            values["service_rate_per_fte_week"],
            values["urgency_hours"],
            local_knowledge_sensitivity=values["local_knowledge_sensitivity"],
            rep_hours_saved_per_request=values["rep_hours_saved_per_request"],
            base=base.role if base is not None else None,
            existing=[p.role for p in scen.roles],
        )
    except CustomRoleError as exc:
        _refuse(md(exc))
        return
    needed = scen.total_reps * spec.demand_per_rep_week / spec.service_rate_per_fte_week
    if needed > MAX_ROLE_FTE:
        _refuse(
            f"{CUSTOM_FIELDS['demand_per_rep_week']} and {CUSTOM_FIELDS['service_rate_per_fte_week']}: "
            f"{scen.total_reps:,} reps would need about {needed:,.0f} FTE, over the limit of {MAX_ROLE_FTE:,} "
            "FTE a role"
        )
        return
    plan = RolePlan(role=spec)
    if base is not None:  # where the original sits, sized afresh for the copy's own demand
        plan = replace(base, role=spec, sizing="auto", central_fte=0.0, local_fte=())
    try:
        changed = scen.with_plan(plan)
    except ScenarioError as exc:
        _refuse(md(exc))
        return
    st.session_state.pop(ERROR, None)
    st.session_state[FILLED] = None  # the next role starts afresh
    label = f"Added role {spec.name}" + (f" (a copy of {base.role.name})" if base is not None else "")
    state.commit(changed, label)


def _add_catalog() -> None:
    rid = st.session_state.get(CHOICE)
    scen = state.current()
    catalog = load_catalog()
    if rid in catalog and rid not in {p.role.id for p in scen.roles}:
        state.commit(scen.with_plan(RolePlan(role=catalog[rid])), f"Added {catalog[rid].name}")


def _choice_label(choice: str, catalog: dict[str, RoleSpec]) -> str:
    if choice == NEW:
        return "A role of your own…"
    if choice == COPY:
        return "A copy of a role in this scenario…"
    return catalog[choice].name


def _number(field: str, low: float, high: float, step: float, fmt: str, locked: bool, **kwargs) -> None:
    st.number_input(
        CUSTOM_FIELDS[field],
        min_value=low,
        max_value=high,
        step=step,
        format=fmt,
        key=form_key(field),
        disabled=locked,
        **kwargs,
    )


def _form(scenario: Scenario, locked: bool) -> None:
    """The fields of a role of the user's own (or of a copy) and its Add button."""
    choice = st.session_state.get(CHOICE)
    if choice == COPY:
        ids = [p.role.id for p in scenario.roles]
        names = {p.role.id: p.role.name for p in scenario.roles}
        if st.session_state.get(form_key("copy_from")) not in ids:
            st.session_state[form_key("copy_from")] = ids[0]
        st.selectbox("Copy of", options=ids, format_func=names.get, key=form_key("copy_from"), disabled=locked)
    base = _copied()
    source = f"copy:{base.role.id}" if base is not None else "new"
    if st.session_state.get(FILLED) != source or form_key("name") not in st.session_state:
        _fill(source, base.role if base is not None else None)
    if base is None:
        st.caption(
            "Figures you leave start at the middle of the catalog's six roles. The urgency also sets how fast a "
            "request should be picked up (the service-level target)."
        )
    else:
        lost = ""
        if base.role.control:
            lost = f" Its control value ({CONTROL_WORDS[base.role.control]}) stays with the original, counted once."
        st.caption(
            f"The copy starts with {md(base.role.name)}'s figures and where it sits (placement, hub, process), "
            f"sized automatically for its own demand.{md(lost)}"
        )
    left, right = st.columns(2)
    left.text_input(CUSTOM_FIELDS["name"], max_chars=MAX_NAME_CHARS, key=form_key("name"), disabled=locked)
    right.multiselect(
        CUSTOM_FIELDS["functions"],
        options=list(dict.fromkeys([*FUNCTIONS, *(st.session_state.get(form_key("functions")) or [])])),
        key=form_key("functions"),
        accept_new_options=True,
        max_selections=10,
        disabled=locked,
        help="Pick the charter's functions it covers, or type your own (partner deals, customer success).",
    )
    st.radio(
        CUSTOM_FIELDS["relation"],
        options=list(RELATIONS),
        format_func=RELATION_LABELS.get,
        key=form_key("relation"),
        horizontal=True,
        disabled=locked,
        help="Leads: sales ops owns the function. Supports: another team owns it and sales ops helps.",
    )
    cols = st.columns(3)
    with cols[0]:
        _number("cost_usd_per_year", *ROLE_RANGES["cost_usd_per_year"], 5_000.0, "%.0f", locked)
        st.caption(f"{fmt_usd(st.session_state.get(form_key('cost_usd_per_year')) or 0.0)} a year, fully loaded")
    with cols[1]:
        _number("demand_per_rep_week", *ROLE_RANGES["demand_per_rep_week"], 0.05, "%.3f", locked)
    with cols[2]:
        _number("service_rate_per_fte_week", *ROLE_RANGES["service_rate_per_fte_week"], 1.0, "%g", locked)
    cols = st.columns(2)
    cols[0].selectbox(
        "How time-critical is a request?",
        options=[*URGENCY_CHOICES, OTHER_URGENCY],
        key=form_key("urgency_choice"),
        on_change=_on_urgency_choice,
        disabled=locked,
        help="How soon a request must be answered before it has lost half its value to the rep.",
    )
    with cols[1]:
        _number(
            "urgency_hours",
            *ROLE_RANGES["urgency_hours"],
            1.0,
            "%g",
            locked,
            on_change=_on_urgency_hours,
            help="Business hours: 8 a day, 40 a week.",
        )
    with st.expander("More figures (optional)", icon=":material/tune:"):
        st.slider(
            CUSTOM_FIELDS["local_knowledge_sensitivity"],
            min_value=0.0,
            max_value=1.0,
            step=0.05,
            key=form_key("local_knowledge_sensitivity"),
            disabled=locked,
            help="How much of a request's value is lost when the person answering it does not know the region's "
            "market: 0 none (system work), 1 all of it.",
        )
        _number("rep_hours_saved_per_request", *ROLE_RANGES["rep_hours_saved_per_request"], 0.25, "%g", locked)
    st.button(
        "Add this role",
        key="roles:add_custom",
        on_click=_add_custom,
        icon=":material/add:",
        type="primary",
        disabled=locked,
    )
    problem = st.session_state.pop(ERROR, None)
    if problem:
        st.error(problem)


def add_role_section(scenario: Scenario, locked: bool) -> None:
    """The "Add a sales-ops role" selectbox, then the catalog role's Add button or the form."""
    catalog = load_catalog()
    present = {p.role.id for p in scenario.roles}
    options = [rid for rid in catalog if rid not in present] + [NEW] + ([COPY] if scenario.roles else [])
    if st.session_state.get(CHOICE) not in options:
        st.session_state[CHOICE] = options[0]
    full = len(scenario.roles) >= MAX_ROLES
    with st.container(border=True):
        pick_col, add_col = st.columns([3, 1], vertical_alignment="bottom")
        pick_col.selectbox(
            "Add a sales-ops role",
            options=options,
            format_func=lambda choice: _choice_label(choice, catalog),
            key=CHOICE,
            disabled=locked or full,
            help="A role from the catalog, a role of your own (a RevOps generalist, partner ops, customer-success "
            "ops), or a copy of a role already here with figures you change.",
        )
        if full:
            st.caption(f"The scenario has {MAX_ROLES} roles, the most it can hold: remove one to add another.")
            return
        if st.session_state[CHOICE] in catalog:
            add_col.button("Add role", key="roles:add", on_click=_add_catalog, icon=":material/add:", disabled=locked)
            return
        _form(scenario, locked)
