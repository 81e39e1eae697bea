"""Widgets shared by several pages. Each edit goes through :func:`state.commit`."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

import streamlit as st

from salesops.model.metrics import HEADLINE, delta, explain
from salesops.model import Results
from salesops.model.scenario import LATEST_MODEL, PLACEMENTS, Scenario
from salesops.ui import state, timing
from salesops.model.whatif import evaluate_cached
from salesops.ui.text import md

__all__ = [
    "TZ_GAP_HELP",
    "TZ_OFFSET_HELP",
    "PLACEMENT_LABELS",
    "headline_metrics",
    "headline_strip",
    "old_model_notice",
    "placement_control",
    "placement_controls",
    "placement_key",
]

TZ_OFFSET_HELP = (
    "Clock offset of the region from HQ in hours, signed: +9 means the region's clock is 9 hours ahead of HQ."
)
TZ_GAP_HELP = (
    "Hours between the region's and HQ's clocks the short way round the world, which is what limits "
    "shared business hours: an offset of +14 is a 10-hour gap."
)
PLACEMENT_LABELS = {p: p.capitalize() for p in PLACEMENTS}
_FROM_LABEL = {v: k for k, v in PLACEMENT_LABELS.items()}
PLACEMENT_HELP = {
    "centralized": "One pooled team at HQ: pooling and standard processes, farther from the field.",
    "localized": "A team embedded in each region: local knowledge and time zone, small pools.",
    "hybrid": "A central hub for standard work plus embedded staff in each region.",
}
PLACEMENT_ALIKE_HELP = (
    "Picking a placement here sets every region alike: it clears any placement set region by region "
    "(Org designer, By region and hub). The hub stays where it is."
)
BY_REGION_ICON = ":material/tune:"
OLD_MODEL_TEXT = {
    2: "This scenario was made before model version 3 and keeps its original figures (whole FTE, hybrid as a "
    "fixed mix, no control value, no transition).",
    3: "This scenario was made with model version 3 and keeps its original figures: it counts no control value "
    "(discount leakage, forecast, data and planning consistency), every reclaimed hour as selling time, "
    "and no hiring lag or one-off transition costs.",
}
UPGRADE_LABEL = "Use the current model"


@contextmanager
def lazy_section(label: str, key: str, *, icon: str | None = None) -> Iterator[bool]:
    """An expander whose content is built only while it is open: ``with lazy_section(...) as shown:``.

    A closed section costs nothing on a rerun, on the server or in the browser (its tables and
    text are not sent); opening or closing it reruns the page, which then draws the content.
    It stays open or closed as the user left it, across pages and visits.
    """
    kept = f"{key}:open"  # outlives the widget: a section stays as the user left it from page to page
    st.session_state[key] = bool(st.session_state.get(kept, False))
    box = st.expander(label, key=key, icon=icon, on_change=_keep_open, args=(key,))
    with box:
        yield bool(box.open)


def lazy_fragment(label: str, key: str, draw: Callable[[], None], *, icon: str | None = None) -> None:
    """A :func:`lazy_section` in its own fragment: opening or closing it reruns only the section.

    ``draw`` draws the content (only while open) from what the page's last run computed; it must
    draw inside the section only (a fragment cannot write elsewhere on the page).
    """

    @st.fragment
    def _section() -> None:
        with lazy_section(label, key, icon=icon) as shown:
            if shown:
                draw()

    _section()


def _keep_open(key: str) -> None:
    st.session_state[f"{key}:open"] = bool(st.session_state.get(key))


def placement_key(role_id: str) -> str:
    return f"placement:{role_id}"


@timing.timed("callback:placement")
def _on_placement(role_id: str) -> None:
    label = st.session_state.get(placement_key(role_id))
    placement = _FROM_LABEL.get(label)
    if placement is None:
        return
    scenario = state.current()
    try:
        plan = scenario.plan(role_id)
    except KeyError:
        return
    if plan.placement != placement:
        state.commit(scenario.with_placement(role_id, placement), f"{plan.role.name}: {placement}")


def placement_controls(scenario: Scenario, columns: int = 3) -> None:
    """One segmented control per sales-ops role (key ``placement:<role_id>``)."""
    if not scenario.roles:
        st.info("This scenario has no sales-ops roles yet. Add one on the Org designer page.")
        return
    cols = st.columns(columns)
    for i, plan in enumerate(scenario.roles):
        with cols[i % columns]:
            placement_control(plan)


def headline_metrics(res: Results, before: Results | None = None, against: str | None = None) -> None:
    """The four headline metrics (:data:`salesops.model.metrics.HEADLINE`), each with its change from ``before``.

    ``against`` says what the change is measured against; it is shown under the strip.
    """
    now, then = res.headline(), before.headline() if before is not None else None
    cols = st.columns(len(HEADLINE))
    for col, metric in zip(cols, HEADLINE):
        diff = None if then is None else delta(now[metric.key], then[metric.key])
        shown = None if diff is None or abs(diff) < 1e-9 else metric.delta_text(diff)
        col.metric(
            metric.label,
            metric.text(now[metric.key]),
            delta=shown,
            delta_color="normal" if metric.higher_is_better else "inverse",
            help=f"{md(metric.help)}\n\n**How it is computed:** {md(explain(metric.key, res))}",
        )
    if against:
        st.caption(md(against))


def headline_strip(mode: str | None = None) -> None:
    """The headline metrics of the working scenario with the change the user chose to see (or ``mode``'s)."""
    with timing.phase("headline"):
        reference, against = state.delta_reference(mode)
        headline_metrics(state.results(), evaluate_cached(reference) if reference is not None else None, against)


def by_region_text(detail: str) -> str:
    """The caption of a role placed region by region: ":material/tune: by region: APAC localized; hub in EMEA"."""
    return f"{BY_REGION_ICON} by region: {md(detail)}"


def placement_control(plan, label_visibility: str = "visible", *, show_detail: bool = True) -> None:
    """The segmented control of one role (key ``placement:<role_id>``).

    A role placed region by region (or with its hub away from HQ) gets its layout as a caption
    below the control unless ``show_detail`` is False (a page that shows it beside the role itself).
    """
    key = placement_key(plan.role.id)
    # Always write the value from the scenario: the scenario, not the widget, is the
    # source of truth (undo, other pages and loaded files all change it).
    st.session_state[key] = PLACEMENT_LABELS[plan.placement]
    st.segmented_control(
        md(plan.role.name),
        options=list(PLACEMENT_LABELS.values()),
        key=key,
        required=True,
        on_change=_on_placement,
        args=(plan.role.id,),
        label_visibility=label_visibility,
        disabled=state.readonly(),
        help=" ".join(f"{PLACEMENT_LABELS[p]}: {h}" for p, h in PLACEMENT_HELP.items()) + " " + PLACEMENT_ALIKE_HELP,
    )
    if show_detail and (plan.regions or plan.hub_region):
        detail = next((r.detail for r in state.results().roles if r.role_id == plan.role.id), "")
        if detail:
            st.caption(by_region_text(detail))


def _upgrade_model() -> None:
    scenario = state.current()
    if scenario.model_version < LATEST_MODEL:
        state.commit(scenario.upgraded(), f"{UPGRADE_LABEL} (version {LATEST_MODEL})")


def old_model_notice(scenario: Scenario) -> None:
    """For a scenario made with an earlier model: what its figures mean, and a button to upgrade it.

    The upgrade is one undoable step (to the latest model: fractional staffing, hybrid as routing,
    control value, the value chain and the transition); off in read-only views.
    """
    if scenario.model_version >= LATEST_MODEL:
        return
    text_col, button_col = st.columns([4, 1], vertical_alignment="center")
    text_col.info(OLD_MODEL_TEXT[scenario.model_version], icon=":material/history:")
    button_col.button(
        UPGRADE_LABEL,
        key="model:upgrade",
        on_click=_upgrade_model,
        icon=":material/upgrade:",
        disabled=state.readonly(),
        width="stretch",
        help=f"Model version {LATEST_MODEL} staffs teams in fractional FTE, routes a hybrid role's standard work "
        "to the hub, counts what central control is worth, turns only part of the hours given back into selling "
        "time and charges the transition, so the figures change. One step: Undo in the sidebar brings the "
        "original back.",
    )
