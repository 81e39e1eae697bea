"""The Store's drafts: working copies written on every edit, never versions.

(Who may write a working copy, its *lease*, is :mod:`salesops.store.access`'s.)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite
from sqlalchemy.engine import Connection

from salesops.model.scenario import Scenario
from salesops.store.checks import MAX_ID_CHARS, _ID_PATTERN, _check_ref, _check_scenario, _new_id, _now, _show
from salesops.store.errors import StoreError
from salesops.store.schema import _DRAFTS
from salesops.store.values import Draft
from salesops.store.versions import _Rows


class _Drafts(_Rows):
    """Drafts: the auto-saved working copy of a browser session, one mutable row per draft id."""

    def put_draft(self, scenario: Scenario, *, draft_id: str | None = None, base: tuple[str, int] | None = None) -> str:
        """Write the working copy of a session, replacing any earlier one of that id.

        Parameters
        ----------
        scenario : Scenario
        draft_id : str, optional
            The draft to overwrite (or create under this id); a new
            unguessable id when None.
        base : (scenario_id, version), optional
            The saved version the draft started from (not checked: a draft
            always saves).

        Returns
        -------
        str
            The draft id.
        """
        scenario = _check_scenario(scenario)
        if draft_id is not None and (not isinstance(draft_id, str) or not _ID_PATTERN.fullmatch(draft_id)):
            raise StoreError(f"draft id must be 1 to {MAX_ID_CHARS} letters, digits, '-' or '_', got {_show(draft_id)}")
        base_ref = None if base is None else _check_ref(base, "base")
        body = scenario.to_json(indent=None)
        chosen = _new_id() if draft_id is None else draft_id

        def work(conn: Connection) -> str:
            values = {
                "body": body,
                "updated_at": _now(),
                "base_scenario_id": base_ref[0] if base_ref else None,
                "base_version": base_ref[1] if base_ref else None,
            }
            dialect = conn.dialect.name
            if dialect in ("sqlite", "postgresql"):  # one atomic upsert
                insert = sa.dialects.sqlite.insert if dialect == "sqlite" else sa.dialects.postgresql.insert
                stmt = insert(_DRAFTS).values(id=chosen, **values)
                conn.execute(stmt.on_conflict_do_update(index_elements=[_DRAFTS.c.id], set_=values))
            elif conn.execute(sa.update(_DRAFTS).where(_DRAFTS.c.id == chosen).values(**values)).rowcount != 1:
                conn.execute(sa.insert(_DRAFTS).values(id=chosen, **values))
            return chosen

        return self._run(work, write=True, what="cannot save the draft")

    def get_draft(self, draft_id: str) -> Draft | None:
        """The draft of this id, or None if there is none."""
        if not isinstance(draft_id, str) or not _ID_PATTERN.fullmatch(draft_id):
            return None

        def work(conn: Connection) -> Any:
            return conn.execute(sa.select(_DRAFTS).where(_DRAFTS.c.id == draft_id)).first()

        row = self._run(work, write=False, what="cannot read the draft")
        if row is None:
            return None
        return Draft(
            draft_id=row.id,
            scenario=self._parse(row.body, f"draft {draft_id!r}"),
            base_scenario_id=row.base_scenario_id,
            base_version=None if row.base_version is None else int(row.base_version),
            updated_at=row.updated_at,
            writer=row.writer,
            writer_seen_at=row.writer_seen_at,
        )
