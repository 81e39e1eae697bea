"""The values the store returns: saved versions (with and without their scenario), listed scenarios, drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from salesops.model.scenario import Scenario


@dataclass(frozen=True)
class VersionInfo:
    """One saved, immutable version of a scenario (without its body).

    Parameters
    ----------
    scenario_id : str
    version : int
        1 for the first save, then 2, 3, ... without gaps.
    name : str
        The scenario's name at this version.
    note : str
        What the person saving said about it.
    created_at : datetime
        When it was saved (UTC, time-zone aware).
    parent_scenario_id, parent_version : str or None, int or None
        The version a branch started from (on its version 1 only).
    reps, roles : int
        Total reps and number of sales-ops roles, for listings.
    saved_by : str or None
        The e-mail of who saved it (saves through :mod:`salesops.store.access`);
        None for local-mode saves.
    """

    scenario_id: str
    version: int
    name: str
    note: str
    created_at: datetime
    parent_scenario_id: str | None
    parent_version: int | None
    reps: int
    roles: int
    saved_by: str | None = None


@dataclass(frozen=True)
class SavedVersion:
    """A saved version and its scenario."""

    info: VersionInfo
    scenario: Scenario


@dataclass(frozen=True)
class ScenarioInfo:
    """A saved scenario as listed: its latest name and version.

    Parameters
    ----------
    scenario_id, name : str
    latest_version, versions : int
        Versions are numbered 1..latest without gaps, so the two agree.
    created_at, updated_at : datetime
        First and latest save (UTC, time-zone aware).
    workspace_id, owner : str or None
        The workspace it belongs to and the e-mail of who created it; None
        for a local-mode scenario.
    """

    scenario_id: str
    name: str
    latest_version: int
    versions: int
    created_at: datetime
    updated_at: datetime
    workspace_id: str | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Draft:
    """The auto-saved working copy of a browser session.

    Parameters
    ----------
    draft_id : str
    scenario : Scenario
    base_scenario_id, base_version : str or None, int or None
        The saved version the draft started from, if any.
    updated_at : datetime
        Last write (UTC, time-zone aware).
    writer, writer_seen_at : str or None, datetime or None
        Who holds the working copy (see :meth:`salesops.store.access.Access.claim_draft`)
        and when that writer was last seen; None when nobody claimed it.
    """

    draft_id: str
    scenario: Scenario
    base_scenario_id: str | None
    base_version: int | None
    updated_at: datetime
    writer: str | None = None
    writer_seen_at: datetime | None = None
