"""Working-copy leases: one live writer (a browser tab) per draft, refused to a second while the first is seen.

:meth:`~salesops.store.access.Access.claim_draft` refuses a second writer with
:class:`DraftInUse` while the first was seen recently, unless it takes over
explicitly; :meth:`~salesops.store.access.Access.touch_draft` keeps the claim
alive. This works in local mode too.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.model.scenario import Scenario
from salesops.store.access.base import _AccessBase
from salesops.store.checks import MAX_ID_CHARS, _check_ref, _check_scenario, _new_id, _now, _show
from salesops.store.errors import StoreError
from salesops.store.schema import _DRAFTS

MAX_WRITER_CHARS = 2 * MAX_ID_CHARS
STALE_AFTER_S = 90.0  # a writer not seen for this long no longer holds its working copy
_DRAFT_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_CHARS)


class DraftInUse(StoreError):
    """Another writer (browser tab) holds this working copy and was seen recently.

    Attributes
    ----------
    writer : str
        The writer holding it.
    seen_at : datetime
        When it was last seen (UTC).
    """

    __module__ = "salesops.store.access"  # named where callers import it (tracebacks, doctests)

    def __init__(self, message: str, writer: str, seen_at: datetime) -> None:
        super().__init__(message)
        self.writer = writer
        self.seen_at = seen_at


def _check_writer(value: Any) -> str:
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= MAX_WRITER_CHARS
        or not value.isprintable()
        or any(c.isspace() for c in value)
    ):
        raise StoreError(
            f"writer must be 1 to {MAX_WRITER_CHARS} printable characters without spaces, got {_show(value)}"
        )
    return value


def _check_draft_id(value: Any) -> str:
    if not isinstance(value, str) or not _DRAFT_PATTERN.fullmatch(value):
        raise StoreError(f"draft id must be 1 to {MAX_ID_CHARS} letters, digits, '-' or '_', got {_show(value)}")
    return value


def _check_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise StoreError(f"stale_after_s must be a number of seconds >= 0, got {_show(value)}")
    return float(value)


class _Leases(_AccessBase):
    """Working-copy leases (the part of :class:`~salesops.store.access.Access` for them)."""

    def _check_lease(
        self, row: Any, writer: str, take_over: bool, stale_after_s: float, now: datetime, succeeds: str | None = None
    ) -> None:
        if row is None or take_over or row.writer is None or row.writer in (writer, succeeds):
            return
        seen = row.writer_seen_at
        if seen is not None and now - seen < timedelta(seconds=stale_after_s):
            ago = max(0, int((now - seen).total_seconds()))
            raise DraftInUse(
                f"this working copy is open in another tab or window (last active {ago} s ago); "
                "open a copy of it, or take it over",
                writer=row.writer,
                seen_at=seen,
            )

    def claim_draft(
        self,
        draft_id: str,
        writer: str,
        *,
        take_over: bool = False,
        succeeds: str | None = None,
        stale_after_s: float = STALE_AFTER_S,
    ) -> None:
        """Become the one live writer of a working copy.

        Parameters
        ----------
        draft_id : str
        writer : str
            Who writes (e.g. a browser tab's id); up to 128 printable characters.
        take_over : bool
            Claim it even if another writer was seen recently (that writer's
            next :meth:`touch_draft` returns False).
        stale_after_s : float
            A writer not seen for this long no longer holds the working copy.

        Raises
        ------
        DraftInUse
            If another writer was seen less than ``stale_after_s`` ago and not ``take_over``.

        Notes
        -----
        A draft id with no draft yet has nothing to claim: its first
        :meth:`put_draft` creates it claimed by its writer.
        """
        draft_id = _check_draft_id(draft_id)
        writer = _check_writer(writer)
        succeeds = None if succeeds is None else _check_writer(succeeds)
        stale = _check_seconds(stale_after_s)

        def work(conn: Connection) -> None:
            row = conn.execute(
                sa.select(_DRAFTS.c.writer, _DRAFTS.c.writer_seen_at).where(_DRAFTS.c.id == draft_id).with_for_update()
            ).first()
            if row is None:
                return
            now = self._now()
            self._check_lease(row, writer, take_over, stale, now, succeeds)
            conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == draft_id).values(writer=writer, writer_seen_at=now))

        self._write(work, "cannot claim the working copy")

    def touch_draft(self, draft_id: str, writer: str) -> bool:
        """Mark ``writer`` as still active on the working copy; False if it is no longer its writer."""
        draft_id = _check_draft_id(draft_id)
        writer = _check_writer(writer)

        def work(conn: Connection) -> bool:
            return (
                conn.execute(
                    sa.update(_DRAFTS)
                    .where(_DRAFTS.c.id == draft_id, _DRAFTS.c.writer == writer)
                    .values(writer_seen_at=self._now())
                ).rowcount
                == 1
            )

        return self._write(work, "cannot update the working copy")

    def put_draft(
        self,
        scenario: Scenario,
        *,
        writer: str,
        draft_id: str | None = None,
        base: tuple[str, int] | None = None,
        stale_after_s: float = STALE_AFTER_S,
    ) -> str:
        """:meth:`Store.put_draft <salesops.store.Store.put_draft>` by a writer, in one transaction with its lease.

        Writes the working copy and marks ``writer`` as its writer, seen now,
        unless another writer holds it (then :class:`DraftInUse`, and nothing is written).
        """
        scenario = _check_scenario(scenario)
        writer = _check_writer(writer)
        stale = _check_seconds(stale_after_s)
        chosen = _new_id() if draft_id is None else _check_draft_id(draft_id)
        base_ref = None if base is None else _check_ref(base, "base")
        body = scenario.to_json(indent=None)

        def work(conn: Connection) -> str:
            row = conn.execute(
                sa.select(_DRAFTS.c.writer, _DRAFTS.c.writer_seen_at).where(_DRAFTS.c.id == chosen).with_for_update()
            ).first()
            now = self._now()
            self._check_lease(row, writer, False, stale, now)
            values = {
                "body": body,
                "updated_at": _now(),
                "writer": writer,
                "writer_seen_at": now,
                "base_scenario_id": base_ref[0] if base_ref else None,
                "base_version": base_ref[1] if base_ref else None,
            }
            if row is None:
                conn.execute(sa.insert(_DRAFTS).values(id=chosen, **values))
            else:
                conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == chosen).values(**values))
            return chosen

        return self._write(work, "cannot save the draft")
