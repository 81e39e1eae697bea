"""The Assumptions page's form: every company-wide assumption, grouped, in words a sales leader knows.

Each assumption is one number input (key ``assumption:<field>``) bounded by the hard limits of
:class:`~salesops.model.parts.Assumptions` (shares as percentages), with its plausible range, source and
firmness from ``assumption_info()``. A change is one undoable commit; a value the scenario refuses
leaves it unchanged and shows the refusal beside the group, naming the assumption. Each group has a
"Reset to default" (one commit for the group).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace

import streamlit as st

from salesops.model.format import fmt_usd
from salesops.model.parts import MAX_RAMP_MONTHS, MODEL_4_ASSUMPTIONS, Assumptions, assumption_info
from salesops.model.scenario import Scenario, ScenarioError
from salesops.ui import state
from salesops.ui.text import md

__all__ = [
    "FIELDS",
    "GROUPS",
    "MODEL_4_FIELDS",
    "Field",
    "Group",
    "bounds",
    "changed_count",
    "error_key",
    "explain_error",
    "input_key",
    "range_text",
    "render_group",
    "shown",
]

# Read by model version 4 only (scenarios made before ignore them).
MODEL_4_FIELDS = MODEL_4_ASSUMPTIONS


@dataclass(frozen=True)
class Field:
    """One assumption as the page shows it.

    ``kind`` says how it is entered: ``share`` (a percentage), ``hours``, ``months``, ``usd``,
    ``musd`` (USD millions), ``number`` or ``whole`` (a whole number).
    """

    name: str
    label: str
    kind: str
    unit: str = ""

    @property
    def scale(self) -> float:
        """Shown value = stored value x scale."""
        return {"share": 100.0, "musd": 1e-6}.get(self.kind, 1.0)

    @property
    def step(self) -> float | int:
        return {"share": 0.1, "usd": 1_000.0, "musd": 1.0, "number": 0.05, "whole": 1}.get(self.kind, 0.5)

    @property
    def number_format(self) -> str:
        return {"share": "%.2f", "usd": "%.0f", "musd": "%.1f", "number": "%.2f", "whole": "%d"}.get(self.kind, "%.1f")


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    about: str
    fields: tuple[Field, ...]


def _share(name: str, label: str, unit: str = "%") -> Field:
    return Field(name, label, "share", unit)


GROUPS: tuple[Group, ...] = (
    Group(
        "reps",
        "Reps and revenue",
        "What a rep's week, quota and pay-off look like, and how often reps leave.",
        (
            Field("rep_hours_per_week", "Rep working week", "hours", "hours a week"),
            Field("quota_usd_per_rep", "Quota per rep", "usd", "$ a year"),
            _share("quota_attainment", "Average quota attainment"),
            _share("gross_margin", "Gross margin"),
            _share("attrition_per_year", "Reps who leave each year", "% a year"),
            Field("ramp_months", "A new rep's ramp to full productivity", "months", "months"),
            Field("company_revenue_usd", "Company's total annual revenue", "musd", "$ millions a year"),
        ),
    ),
    Group(
        "service",
        "Sales-ops staff and service",
        "How long a sales-ops week is and how well each team is staffed to answer requests.",
        (
            Field("ops_hours_per_week", "Sales-ops working week", "hours", "hours a week"),
            _share("service_level_target", "Requests picked up within the target time"),
            _share("max_utilization", "Highest planned workload of a team"),
            Field("max_response_hours", "Longest answer time that still counts", "hours", "hours"),
            _share("peak_cover", "How far teams are staffed for the peak weeks"),
        ),
    ),
    Group(
        "distance",
        "Distance, time zones and coordination",
        "What a central team loses far from the field, and what several teams of one role spend keeping aligned.",
        (
            Field("shared_business_hours", "Business day used for time-zone overlap", "hours", "hours"),
            Field("handoff_delay_hours", "Extra wait when no business hours are shared", "hours", "hours"),
            _share("distance_knowledge_floor", "Local-knowledge loss that remains at full overlap"),
            _share("coordination_overhead_per_channel", "Capacity a team loses per other team it aligns with"),
            _share("max_coordination_overhead", "Most capacity a team can lose to coordination"),
        ),
    ),
    Group(
        "value_chain",
        "From hours to revenue (value chain)",
        "How the hours sales ops gives back become selling time, and selling time becomes sales.",
        (
            _share("baseline_selling_time_share", "Selling-time share without sales ops"),
            _share("max_selling_time_share", "Highest selling-time share"),
            _share("selling_conversion", "Hours given back that become selling time"),
            Field("productivity_elasticity", "Elasticity of sales to selling time", "number", "1 = proportional"),
        ),
    ),
    Group(
        "control",
        "What central control buys",
        "What one standard way of working is worth, as a share of revenue, and what it costs an embedded team.",
        (
            _share("discount_leakage_share", "Discount leakage a deal desk recovers", "% of revenue"),
            _share("forecast_accuracy_share", "Value of one forecast method", "% of revenue"),
            _share("data_quality_share", "Value of one set of CRM data rules", "% of revenue"),
            _share("plan_consistency_share", "Value of territories and pay plans set one way", "% of revenue"),
            _share("embedded_adherence", "Control an embedded team keeps on the standard process"),
            _share("standard_process_overhead", "Capacity an embedded team spends on the standard process"),
        ),
    ),
    Group(
        "transition",
        "The transition",
        "What moving to the new set-up costs and how long it takes: hiring, recruiting, reorganising, reps lost.",
        (
            Field("ops_hiring_lag_months", "Months to hire the new sales-ops staff", "months", "months"),
            Field("ops_benefit_ramp_months", "Months for a new set-up to reach full effect", "months", "months"),
            Field("ops_recruiting_cost_usd", "Recruiting cost per sales-ops hire", "usd", "$ per hire"),
            Field("reorg_one_off_usd", "One-off reorganisation cost", "usd", "$"),
            _share("reorg_rep_departure_share", "Reps who leave because of the reorganisation", "% of reps"),
            Field("rep_replacement_cost_usd", "Cost to recruit and onboard a rep", "usd", "$ per rep"),
        ),
    ),
    Group(
        "horizon",
        "Horizon and discount rate",
        "How far the projection runs and the cost of capital that discounts it.",
        (
            Field("horizon_months", "Projection horizon", "whole", "months"),
            _share("discount_rate", "Discount rate (cost of capital)", "% a year"),
        ),
    ),
)
# Only the assumptions this version of the model has (a field listed ahead of the model is left out).
_KNOWN = {f.name for f in fields(Assumptions)}
GROUPS = tuple(replace(g, fields=tuple(f for f in g.fields if f.name in _KNOWN)) for g in GROUPS)
FIELDS: dict[str, Field] = {f.name: f for g in GROUPS for f in g.fields}
_GROUP_OF = {f.name: g for g in GROUPS for f in g.fields}


def input_key(name: str) -> str:
    return f"assumption:{name}"


def error_key(group_id: str) -> str:
    return f"assumptions:error:{group_id}"


def bounds(name: str) -> tuple[float, float]:
    """The hard limits of an assumption as stored (a share's 0..1), from :class:`Assumptions`.

    >>> bounds("gross_margin"), bounds("ramp_months"), bounds("horizon_months"), bounds("rep_hours_per_week")
    ((0.0, 1.0), (0.0, 24.0), (12.0, 120.0), (0.0, 100.0))
    """
    if name == "horizon_months":
        return 12.0, 120.0
    if name == "ramp_months":
        return 0.0, float(MAX_RAMP_MONTHS)
    if name in Assumptions._SHARES or name in ("service_level_target", "max_utilization"):
        return 0.0, 1.0
    return 0.0, float(Assumptions._HARD_MAX[name])


def shown(name: str, value: float) -> str:
    """A value in the words of the page, with its unit.

    >>> shown("gross_margin", 0.75), shown("quota_usd_per_rep", 900_000), shown("ramp_months", 5.0)
    ('75%', '$900,000 a year', '5 months')
    >>> shown("discount_leakage_share", 0.005), shown("company_revenue_usd", 2.5e8)
    ('0.5% of revenue', '$250.0M a year')
    """
    field = FIELDS[name]
    unit = field.unit
    if field.kind == "share":
        pct = value * 100.0
        text = f"{pct:.0f}" if math.isclose(pct, round(pct), abs_tol=1e-9) else f"{pct:.3g}"
        return f"{text}{unit}" if unit.startswith("%") else f"{text}% {unit}"
    if field.kind == "usd":
        return f"${value:,.0f}" + (f" {unit[2:]}" if unit.startswith("$ ") else "")
    if field.kind == "musd":
        return f"{fmt_usd(value)} a year" if value > 0 else "not given"
    if field.kind == "number":
        return f"{value:g}"
    return f"{value:g} {unit}"


def explain_error(exc: Exception) -> str:
    """A scenario's refusal with each assumption named in the page's words.

    >>> refusal = "assumptions.max_selling_time_share must be >= baseline_selling_time_share (0.2 < 0.28)"
    >>> explain_error(ScenarioError(refusal))
    "'Highest selling-time share' must be >= 'Selling-time share without sales ops' (0.2 < 0.28)"
    """

    def name(match: re.Match) -> str:
        field = FIELDS.get(match.group(2))
        return f"'{field.label}'" if field else match.group(0)

    return re.sub(r"(assumptions\.)?\b([a-z][a-z_]*[a-z])\b", name, str(exc))


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _refused(group: Group, field: Field, exc: Exception, value_text: str) -> None:
    note = " (Shares are written as fractions here: 0.28 = 28%.)" if field.kind == "share" else ""
    st.session_state[error_key(group.id)] = (
        f"{field.label} was not changed to {value_text}: {explain_error(exc)}. The scenario is as it was.{note}"
    )


def _apply(name: str) -> None:
    """on_change of one input: commit the new value (one undo step), or say why the scenario refuses it."""
    field, group = FIELDS[name], _GROUP_OF[name]
    raw = st.session_state.get(input_key(name))
    if raw is None:
        return
    scenario = state.current()
    value = int(raw) if field.kind == "whole" else float(raw) / field.scale
    if _same(value, getattr(scenario.assumptions, name)):
        return
    try:
        changed = scenario.with_assumptions(**{name: value})
    except ScenarioError as exc:
        _refused(group, field, exc, shown(name, value))
        return
    st.session_state.pop(error_key(group.id), None)
    state.commit(changed, f"{field.label}: {shown(name, value)}")


def _reset(group_id: str) -> None:
    """Every assumption of one group back to its default: one commit."""
    group = next(g for g in GROUPS if g.id == group_id)
    scenario = state.current()
    defaults = Assumptions.defaults()
    changes = {
        f.name: getattr(defaults, f.name)
        for f in group.fields
        if not _same(getattr(scenario.assumptions, f.name), getattr(defaults, f.name))
    }
    if not changes:
        return
    try:
        changed = scenario.with_assumptions(**changes)
    except ScenarioError as exc:  # a default beside a value of another group it must agree with
        st.session_state[error_key(group.id)] = (
            f"{group.title} was not reset: {explain_error(exc)}. The scenario is as it was."
        )
        return
    st.session_state.pop(error_key(group.id), None)
    state.commit(changed, f"{group.title}: reset to default")


def _bare(name: str, value: float) -> str:
    """A value with its sign of unit but without the words after it ("22%", "$15,000", "40")."""
    kind = FIELDS[name].kind
    if kind == "share":
        return f"{value * 100:.3g}%"
    if kind == "usd":
        return f"${value:,.0f}"
    return f"{value:g}"


def range_text(name: str, low: float, high: float) -> str:
    """The plausible range in words ("plausible 22% to 41%"); a single figure is set for the client.

    >>> range_text("baseline_selling_time_share", 0.22, 0.41), range_text("rep_hours_per_week", 40, 55)
    ('plausible 22% to 41%', 'plausible 40 to 55 hours a week')
    >>> range_text("discount_leakage_share", 0.001, 0.02), range_text("rep_replacement_cost_usd", 15e3, 6e4)
    ('plausible 0.1% to 2% of revenue', 'plausible $15,000 to $60,000 per rep')
    >>> range_text("reorg_one_off_usd", 0, 0)
    'no range: set it for the client'
    """
    if _same(low, high):
        return "no range: set it for the client"
    return f"plausible {_bare(name, low)} to {shown(name, high)}"


def _field(field: Field, scenario: Scenario, info: dict, locked: bool) -> None:
    meta = info[field.name]
    value = getattr(scenario.assumptions, field.name)
    default = meta["default"]
    low, high = bounds(field.name)
    key = input_key(field.name)
    # The scenario, not the widget, is the source of truth (undo, other pages and loaded files change it).
    st.session_state[key] = int(value) if field.kind == "whole" else value * field.scale
    old_model = field.name in MODEL_4_FIELDS and scenario.model_version < 4
    plausible = md(range_text(field.name, meta["low"], meta["high"]))
    unit = f" ({field.unit})" if field.unit else ""
    st.number_input(
        f"{field.label}{unit}",
        min_value=int(low) if field.kind == "whole" else low * field.scale,
        max_value=int(high) if field.kind == "whole" else high * field.scale,
        step=field.step,
        format=field.number_format,
        key=key,
        on_change=_apply,
        args=(field.name,),
        disabled=locked,
        help=f"{md(meta['source'])}\n\n**How firm:** {md(meta['firmness'])} · {plausible}.",
    )
    changed = not _same(value, default)
    bits = [
        (f":orange[**Changed**] from the default {md(shown(field.name, default))}" if changed else "Default"),
        plausible,
        md(meta["firmness"]),
    ]
    if old_model:
        bits.append(f":grey[not used by model version {scenario.model_version}]")
    st.caption(" · ".join(bits))


def changed_count(group: Group, scenario: Scenario) -> int:
    defaults = Assumptions.defaults()
    return sum(not _same(getattr(scenario.assumptions, f.name), getattr(defaults, f.name)) for f in group.fields)


def render_group(group: Group, scenario: Scenario, columns: int = 3) -> None:
    """One group in a bordered box: its inputs, the count that differ from the default, and its reset."""
    locked = state.readonly()
    info = assumption_info()
    with st.container(border=True):
        head, reset = st.columns([4, 1], vertical_alignment="center")
        changed = changed_count(group, scenario)
        head.markdown(f"**{group.title}**  \n{group.about}")
        reset.button(
            "Reset to default",
            key=f"assumptions:reset:{group.id}",
            on_click=_reset,
            args=(group.id,),
            disabled=locked or changed == 0,
            icon=":material/restart_alt:",
            width="stretch",
            help=f"Every assumption of this group back to its default: one step (Undo in the sidebar "
            f"brings them back). {changed} of {len(group.fields)} differ from the default now.",
        )
        old = [f for f in group.fields if f.name in MODEL_4_FIELDS]
        if old and scenario.model_version < 4:
            names = ", ".join(f.label.lower() for f in old) if len(old) < len(group.fields) else "these assumptions"
            st.info(
                f"This scenario was made with model version {scenario.model_version}: {names} "
                "(from model version 4) have no effect on its figures until it moves to the current model "
                "(the button at the top of the page). Values entered here are kept for then.",
                icon=":material/history:",
            )
        message = st.session_state.pop(error_key(group.id), None)
        if message:
            st.error(md(message), icon=":material/block:")
        for start in range(0, len(group.fields), columns):  # row by row, so that a row's inputs line up
            row = group.fields[start : start + columns]
            for col, field in zip(st.columns(columns), row):
                with col:
                    _field(field, scenario, info, locked)
