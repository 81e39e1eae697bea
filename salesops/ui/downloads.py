"""The sidebar's downloads: every file is exactly the scenario on the screen.

A file is built from the :class:`Scenario` and :class:`Results` of the script
run that drew the page, never from ``st.session_state`` read later:

- The data files (scenario JSON, org CSV, org GraphML) are cheap and built when
  clicked, by a callable that Streamlit runs in a server thread *outside* the
  session. Each callable is handed its scenario and results when the button is
  drawn (:func:`functools.partial` over a pure builder), so it has nothing to
  look up.
- The stakeholder pack (Excel, HTML, PowerPoint) takes seconds (charts are
  rendered to images), so it is built in a rerun of the session when the user
  asks for it, with its progress and any failure shown on the page, and kept
  for that scenario only: after an edit it is offered again for the new one.

A builder that fails is logged on the server with its traceback; the user sees
which file failed and why, and keeps working.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Callable

import streamlit as st

from salesops import report

from salesops.readwrite import export
from salesops.model import Results
from salesops.model.limits import PACK_SECONDS
from salesops.model.scenario import Scenario
from salesops.model.worker import BudgetExceeded, needs_worker, run_bounded
from salesops.ui.text import md

__all__ = ["PACK", "Pack", "build_pack", "data_file", "render"]

_LOG = logging.getLogger(__name__)
_PACK_KEY = "downloads:pack"

# name -> (label, file name, MIME type, icon, help)
PACK: dict[str, tuple[str, str, str, str, str]] = {
    "xlsx": (
        "Excel workbook",
        "scenario.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ":material/grid_on:",
        "Summary, assumptions with sources, regions, roles, service, projection, org.",
    ),
    "html": (
        "HTML report",
        "scenario-report.html",
        "text/html",
        ":material/description:",
        "One self-contained file: headline figures, charts, tables, assumptions.",
    ),
    "pptx": (
        "PowerPoint deck",
        "scenario.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ":material/slideshow:",
        "Headline figures, charts, roles and placements, what-ifs and assumptions, a slide each.",
    ),
}


def _recorded(
    kind: str, scenario: Scenario, results: Results, people: bool, on_export: Callable[[str], None] | None
) -> str:
    """:func:`data_file`, then ``on_export(kind)`` (the audit trail of a hosted app). Runs outside the session."""
    text = data_file(kind, scenario, results, people)
    if on_export is not None:
        try:
            on_export(kind)
        except Exception:  # the file is built: a failed audit write must not withhold it
            _LOG.exception("recording the %s export failed", kind)
    return text


def data_file(kind: str, scenario: Scenario, results: Results, people: bool = True) -> str:
    """One data file of ``scenario`` as text: ``"json"``, ``"csv"`` or ``"graphml"``.

    ``people=False`` leaves people-level data (names, salaries, employee ids) out. Pure: safe to
    run in any thread, with or without a session.
    """
    try:
        if kind == "json":
            return (scenario if people else scenario.without_people()).to_json()
        if kind == "csv":
            return export.to_csv(scenario, results, people=people)
        if kind == "graphml":
            return export.to_graphml(scenario, results, people=people)
    except Exception:
        _LOG.exception("building the %s download of %r failed", kind, scenario.name)
        raise
    raise ValueError(f"unknown data file kind {kind!r}")


@dataclass
class Pack:
    """The stakeholder pack of one scenario: file bytes by kind, and what failed."""

    scenario: Scenario
    people: bool = True
    files: dict[str, bytes] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def build_pack(
    scenario: Scenario, results: Results, progress: Callable[[str], None] = lambda _msg: None, people: bool = True
) -> Pack:
    """Build the Excel workbook, HTML report and PowerPoint deck of ``scenario``.

    The charts and what-ifs are computed once for all three. A file whose
    builder fails is left out, with its reason in :attr:`Pack.errors`; the other
    files are still built.
    """
    from salesops.model.whatif import placement_whatifs  # noqa: PLC0415 (evaluates every alternative placement)

    pack = Pack(scenario, people=people)
    try:
        progress("Working out the what-ifs")
        whatifs = placement_whatifs(scenario)
        progress("Rendering the charts")
        charts = report.render_charts(results, whatifs)
    except Exception as exc:  # nothing can be built without them
        _LOG.exception("preparing the stakeholder pack of %r failed", scenario.name)
        reason = _reason(exc)
        pack.errors = {kind: reason for kind in PACK}
        return pack
    builders = {
        "xlsx": lambda: report.to_excel(scenario, results, whatifs=whatifs, people=people),
        "html": lambda: report.to_html(scenario, results, charts=charts, whatifs=whatifs).encode("utf-8"),
        "pptx": lambda: report.to_pptx(scenario, results, charts=charts, whatifs=whatifs),
    }
    for kind, build in builders.items():
        progress(f"Writing the {PACK[kind][0]}")
        try:
            pack.files[kind] = build()
        except Exception as exc:
            _LOG.exception("building the %s of %r failed", PACK[kind][0], scenario.name)
            pack.errors[kind] = _reason(exc)
    return pack


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def render(
    scenario: Scenario, results: Results, people: bool = True, on_export: Callable[[str], None] | None = None
) -> None:
    """Draw the downloads of ``scenario`` (inside the sidebar's Download expander).

    ``people=False`` (a shared link whose owner did not allow it) leaves names, salaries and
    employee ids out of every file; the figures are the same. ``on_export(kind)``, bound to its values
    when the page is drawn (never reading the session later), records each download.
    """
    st.download_button(
        "Scenario (JSON)",
        data=functools.partial(_recorded, "json", scenario, results, people, on_export),
        file_name="scenario.json",
        mime="application/json",
        key="sidebar:download",
        icon=":material/data_object:",
        width="stretch",
        on_click="ignore",
    )
    st.download_button(
        "Org as CSV",
        data=functools.partial(_recorded, "csv", scenario, results, people, on_export),
        file_name="org.csv",
        mime="text/csv",
        key="sidebar:download_csv",
        icon=":material/table:",
        width="stretch",
        on_click="ignore",
        help="One row per person; re-imports on the Import org page to the same org.",
    )
    st.download_button(
        "Org as GraphML",
        data=functools.partial(_recorded, "graphml", scenario, results, people, on_export),
        file_name="org.graphml",
        mime="application/xml",
        key="sidebar:download_graphml",
        icon=":material/account_tree:",
        width="stretch",
        on_click="ignore",
        help="The org graph for network tools (Gephi, yEd, networkx).",
    )

    if not people:
        st.caption(
            "People-level data (names, salaries, employee ids) is left out of these files: the owner of "
            "this link did not share it."
        )
    st.caption(
        "Stakeholder pack: an Excel workbook, an HTML report and a PowerPoint deck of the scenario on the screen."
    )
    pack: Pack | None = st.session_state.get(_PACK_KEY)
    if pack is not None and (pack.scenario is not scenario or pack.people != people):
        st.session_state.pop(_PACK_KEY, None)  # built for an earlier scenario: never offer it for this one
        pack = None
    if pack is None:
        slot = st.empty()  # the button goes once the pack is built, in the same run
        if slot.button(
            "Prepare the stakeholder pack",
            key="sidebar:prepare_pack",
            icon=":material/inventory_2:",
            width="stretch",
            help="Builds the three files for the scenario as it is now (a few seconds).",
        ):
            slot.empty()
            with st.status("Preparing the stakeholder pack", expanded=False) as status:
                if needs_worker(len(scenario.regions), len(scenario.roles)):  # a big org: in a worker, bounded
                    status.update(label=f"Preparing the stakeholder pack in a worker (at most {PACK_SECONDS:.0f} s)")
                    try:
                        pack = run_bounded(build_pack, scenario, results, people=people, seconds=PACK_SECONDS)
                    except BudgetExceeded as exc:
                        pack = Pack(scenario, people=people, errors={kind: str(exc) for kind in PACK})
                    pack.scenario = scenario  # the one on the screen, not the worker's copy
                else:
                    pack = build_pack(scenario, results, progress=lambda msg: status.update(label=msg), people=people)
                status.update(
                    label="Stakeholder pack ready" if not pack.errors else "Stakeholder pack: see below",
                    state="complete" if not pack.errors else "error",
                )
            st.session_state[_PACK_KEY] = pack
            if on_export is not None and pack.files:
                on_export("stakeholder pack")
    if pack is None:
        return
    for kind, (label, file_name, mime, icon, help_text) in PACK.items():
        if kind in pack.files:
            st.download_button(
                label,
                data=pack.files[kind],
                file_name=file_name,
                mime=mime,
                key=f"sidebar:download_{kind}",
                icon=icon,
                width="stretch",
                on_click="ignore",
                help=help_text,
            )
        else:
            st.error(
                f"The {label} could not be built: {md(pack.errors.get(kind, 'unknown error'))}. The other files "
                "are fine; the problem is logged on the server."
            )
