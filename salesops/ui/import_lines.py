"""The import page's placement step: each sales-ops person, where the reporting lines place them and why,
with the placement editable.

:func:`render_placements` draws ``ImportResult.summary["placements"]`` as a table (name, title, role,
region, placement, why) whose placement column is a choice of ``central`` or ``embedded``. A change is
kept in ``st.session_state["import:placements"]`` (employee id -> placement), which the page passes to
:func:`salesops.readwrite.hris.build_import` as ``placement_overrides`` on the next run.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

import pandas as pd
import streamlit as st

from salesops.readwrite.hris import ImportResult

PLACEMENTS_KEY = "import:placements"
CLEAR_KEY = "import:placements:clear"
CHOICES = ("central", "embedded")
MAX_CORRECTIONS = 100_000  # people a correction map may name (the import's row limit bounds it anyway)


def editor_key(corrections: Mapping[str, str]) -> str:
    """The placements editor's widget key: new for each set of corrections, so an applied edit starts afresh.

    Examples
    --------
    >>> editor_key({}) == editor_key({}) != editor_key({"E7": "central"})
    True
    """
    digest = hashlib.sha1(json.dumps(sorted(corrections.items())).encode("utf-8")).hexdigest()[:10]
    return f"import:placements:{digest}"


def placements_frame(placements: list[dict[str, Any]], role_names: Mapping[str, str]) -> pd.DataFrame:
    """The table the page shows: one row per sales-ops person, in the file's order.

    Examples
    --------
    >>> rows = [{"id": "E7", "name": "Ann", "title": "Enablement Manager", "role_id": "enablement", "region": "emea",
    ...          "region_name": "EMEA", "placement": "central", "reason": "sits at HQ", "corrected": False}]
    >>> placements_frame(rows, {"enablement": "Enablement"}).loc[0, ["role", "placement"]].tolist()
    ['Enablement', 'central']
    """
    return pd.DataFrame(
        {
            "name": [p["name"] for p in placements],
            "title": [p["title"] for p in placements],
            "role": [role_names.get(p["role_id"], p["role_id"]) for p in placements],
            "region": [p.get("region_name", p["region"]) for p in placements],
            "placement": [p["placement"] for p in placements],
            "why": [p["reason"] for p in placements],
        },
        columns=["name", "title", "role", "region", "placement", "why"],
    )


def changed_placements(
    placements: list[dict[str, Any]], edited: pd.DataFrame, current: Mapping[str, str]
) -> dict[str, str] | None:
    """The user's corrections after an edit of the table, or None when no placement changed.

    Examples
    --------
    >>> rows = [{"id": "E7", "placement": "central"}, {"id": "E8", "placement": "embedded"}]
    >>> changed_placements(rows, pd.DataFrame({"placement": ["embedded", "embedded"]}), {})
    {'E7': 'embedded'}
    >>> changed_placements(rows, pd.DataFrame({"placement": ["central", None]}), {}) is None
    True
    """
    out = dict(current)
    changed = False
    for person, wanted in zip(placements, edited["placement"].tolist()):
        if wanted in CHOICES and wanted != person["placement"]:
            out[str(person["id"])] = str(wanted)
            changed = True
    if not changed:
        return None
    return dict(list(out.items())[-MAX_CORRECTIONS:])


def render_placements(result: ImportResult) -> None:
    """Draw the sales-ops people of an import with their placement editable; an edit reruns the script."""
    placements: list[dict[str, Any]] = result.summary.get("placements") or []
    current: dict[str, str] = dict(st.session_state.get(PLACEMENTS_KEY) or {})
    if not placements:
        st.caption("No sales-ops people in this file.")
        return
    st.caption(
        "Where each sales-ops person works, read from whom they report to: to the head of sales ops, central; "
        "to a sales leader outside HQ (or a dotted line to one), embedded in that leader's region; otherwise "
        "by where they sit. Change a placement to correct it."
    )
    roles = {r["role_id"]: r["name"] for r in result.summary.get("roles", [])}
    edited = st.data_editor(
        placements_frame(placements, roles),
        key=editor_key(current),
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        disabled=["name", "title", "role", "region", "why"],
        column_config={
            "name": st.column_config.TextColumn("Name"),
            "title": st.column_config.TextColumn("Title"),
            "role": st.column_config.TextColumn("Role"),
            "region": st.column_config.TextColumn("Region", help="Where the person sits"),
            "placement": st.column_config.SelectboxColumn(
                "Placement", options=list(CHOICES), required=True, help="Central team or embedded in a region"
            ),
            "why": st.column_config.TextColumn("Why"),
        },
    )
    corrections = changed_placements(placements, edited, current)
    if corrections is not None:
        st.session_state[PLACEMENTS_KEY] = corrections
        st.rerun()
    if current and st.button("Clear my corrections", key=CLEAR_KEY):
        st.session_state.pop(PLACEMENTS_KEY, None)
        st.rerun()
