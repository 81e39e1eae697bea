"""The import page's region step: where each office location lands, editable, and what each region holds.

:func:`render_regions` draws the locations of an import (from ``ImportResult.summary["locations"]``) with
their region editable, then one row per region (reps, managers, sales-ops people, offset from HQ). A
change is kept in ``st.session_state["import:region_map"]`` (location -> region name), which the page
passes to :func:`salesops.readwrite.hris.build_import` as ``region_map`` on the next run.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, Mapping

import pandas as pd
import streamlit as st

from salesops.readwrite.hris import ImportResult
from salesops.readwrite.hris.values import REGION_NAMES
from salesops.ui.text import md

MAP_KEY = "import:region_map"
RESET_KEY = "import:regions:reset"
MAX_REGION_CHARS = 80  # a region name the user types
MAX_CHOICES = 1_000  # locations the map may hold


def editor_key(region_map: Mapping[str, str]) -> str:
    """The locations editor's widget key: new for each mapping, so that an applied edit starts afresh.

    Examples
    --------
    >>> editor_key({}) == editor_key({}) != editor_key({"Leeds": "EMEA"})
    True
    """
    digest = hashlib.sha1(json.dumps(sorted(region_map.items())).encode("utf-8")).hexdigest()[:10]
    return f"import:regions:{digest}"


def locations_frame(locations: list[dict[str, Any]]) -> pd.DataFrame:
    """The locations table the page shows: one row per location of the file, in the file's order."""
    return pd.DataFrame(
        {
            "location": [loc["location"] or "(blank)" for loc in locations],
            "country": [loc["country"] for loc in locations],
            "region": [loc["region"] for loc in locations],
            "people": [loc["people"] for loc in locations],
            "reps": [loc["reps"] for loc in locations],
            "managers": [loc["managers"] for loc in locations],
            "sales_ops": [loc["sales_ops"] for loc in locations],
            "how": [loc["how"] for loc in locations],
        }
    )


def changed_choices(
    locations: list[dict[str, Any]], edited: pd.DataFrame, current: Mapping[str, str]
) -> dict[str, str] | None:
    """The user's mapping after an edit of the table, or None when no region changed.

    Examples
    --------
    >>> locs = [{"location": "Leeds", "region": "EMEA"}, {"location": "Osaka", "region": "APAC"}]
    >>> changed_choices(locs, pd.DataFrame({"region": ["UK & Ireland", "APAC"]}), {})
    {'Leeds': 'UK & Ireland'}
    >>> changed_choices(locs, pd.DataFrame({"region": ["EMEA", "  "]}), {}) is None
    True
    """
    out = dict(current)
    changed = False
    for loc, region in zip(locations, edited["region"].tolist()):
        name = " ".join(str(region or "").split())[:MAX_REGION_CHARS]
        if name and name != loc["region"] and loc["location"]:
            out[loc["location"]] = name
            changed = True
    if not changed:
        return None
    return dict(list(out.items())[-MAX_CHOICES:])


def regions_frame(result: ImportResult) -> pd.DataFrame:
    """One row per region of the import: reps, managers, sales-ops people, offset from HQ and the HQ flag."""
    summary = result.summary
    ops: Counter = Counter()
    for loc in summary.get("locations") or []:
        ops[loc["region_id"]] += loc["sales_ops"]
    if not summary.get("locations"):
        ops = Counter(result.classification.loc[result.classification["kind"] == "sales_ops", "region"].tolist())
    return pd.DataFrame(
        {
            "region": [r["name"] for r in summary["regions"]],
            "reps": [r["reps"] for r in summary["regions"]],
            "managers": [r["managers"] for r in summary["regions"]],
            "sales_ops": [ops[r["id"]] for r in summary["regions"]],
            "hours_from_hq": [r["tz_offset_hours"] for r in summary["regions"]],
            "hq": [r["id"] == summary["hq_region"] for r in summary["regions"]],
        }
    )


def render_regions(result: ImportResult) -> None:
    """Draw the locations (region editable) and the regions of an import; an edit reruns the script."""
    locations = result.summary.get("locations") or []
    current: dict[str, str] = dict(st.session_state.get(MAP_KEY) or {})
    if locations:
        names = sorted({r["name"] for r in result.summary["regions"]} | set(REGION_NAMES.values()))
        st.caption(
            "Each office location is placed in a region: by the city or country it names (UN M49 regions, "
            "IANA time zones), a remote location by the place it names or the person's country. Type another "
            f"region to move a location: {', '.join(md(n) for n in names)}, or a new name."
        )
        edited = st.data_editor(
            locations_frame(locations),
            key=editor_key(current),
            hide_index=True,
            num_rows="fixed",
            width="stretch",
            disabled=["location", "country", "people", "reps", "managers", "sales_ops", "how"],
            column_config={
                "location": st.column_config.TextColumn("Location"),
                "country": st.column_config.TextColumn("Country"),
                "region": st.column_config.TextColumn(
                    "Region", max_chars=MAX_REGION_CHARS, help="An existing region or a new name"
                ),
                "people": st.column_config.NumberColumn("People"),
                "reps": st.column_config.NumberColumn("Reps"),
                "managers": st.column_config.NumberColumn("Managers"),
                "sales_ops": st.column_config.NumberColumn("Sales ops"),
                "how": st.column_config.TextColumn("How", help="How the region was found"),
            },
        )
        choices = changed_choices(locations, edited, current)
        if choices is not None:
            st.session_state[MAP_KEY] = choices
            st.rerun()
    else:
        st.caption("The file names its regions (a region column), so they are kept as written.")
    st.dataframe(
        regions_frame(result),
        hide_index=True,
        width="stretch",
        column_config={
            "region": st.column_config.TextColumn("Region"),
            "reps": st.column_config.NumberColumn("Reps"),
            "managers": st.column_config.NumberColumn("Managers"),
            "sales_ops": st.column_config.NumberColumn("Sales-ops people"),
            "hours_from_hq": st.column_config.NumberColumn("Hours from HQ", format="%+g"),
            "hq": st.column_config.CheckboxColumn("HQ"),
        },
    )
    if current and st.button("Reset to the default regions", key=RESET_KEY):
        st.session_state.pop(MAP_KEY, None)
        st.rerun()
