"""The store's errors: each a :class:`StoreError` with a plain message, no SQL and no full path.

Each says ``__module__ = "salesops.store"``: tracebacks and doctests name it where callers
import it from (``salesops.store.VersionConflict``), not by this module.
"""

from __future__ import annotations

from salesops.store.values import VersionInfo


class StoreError(Exception):
    """The database cannot be opened or used; the message names the database or value.

    Attributes
    ----------
    reason : str
        What went wrong in plain words, without the operation or the database
        ("the database or disk is full; nothing was saved"), for people;
        the whole message otherwise.
    """

    __module__ = "salesops.store"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class ReadOnlyStore(StoreError):
    """The database is read-only (file, folder or URL): it can be read, nothing can be saved."""

    __module__ = "salesops.store"


class StoreUnavailable(StoreError):
    """The database server cannot be reached (stopped, restarting or unreachable)."""

    __module__ = "salesops.store"


class UnknownScenario(StoreError):
    """No saved scenario (or no such version of it) has this id; the message names it."""

    __module__ = "salesops.store"


class VersionConflict(StoreError):
    """Someone saved the scenario since the caller's base version.

    Attributes
    ----------
    latest : VersionInfo
        The latest saved version, to reload and reapply the edit on.
    """

    __module__ = "salesops.store"

    def __init__(self, message: str, latest: "VersionInfo") -> None:
        super().__init__(message)
        self.latest = latest
