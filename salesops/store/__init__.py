"""Persistence: saved versions, drafts (``salesops.store``), workspaces, links and audit (``.access``).

May import :mod:`salesops.model` only.
"""

from salesops.store.engine import DEFAULT_URL, ENV_URL, database_url
from salesops.store.errors import ReadOnlyStore, StoreError, StoreUnavailable, UnknownScenario, VersionConflict
from salesops.store.faults import FILE_GONE as FILE_GONE
from salesops.store.schema import SCHEMA_VERSION
from salesops.store.store import Store
from salesops.store.values import Draft, SavedVersion, ScenarioInfo, VersionInfo

__all__ = [
    "DEFAULT_URL",
    "ENV_URL",
    "SCHEMA_VERSION",
    "Draft",
    "ReadOnlyStore",
    "SavedVersion",
    "ScenarioInfo",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnknownScenario",
    "VersionConflict",
    "VersionInfo",
    "database_url",
]
