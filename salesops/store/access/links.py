"""Share links: an unguessable token that opens one scenario read-only, until revoked or expired.

A link opens one fixed version, or the latest version when made with
``version=None``. Anyone holding the token can open it; an editable copy of
what it opens (:meth:`~salesops.store.access.Access.fork_link`) is a new
scenario in the viewer's own workspace, and nothing ever adds a version to the
shared scenario through a link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from salesops.model.scenario import Scenario
from salesops.store.access.base import (
    ANONYMOUS,
    PermissionDenied,
    _AccessBase,
    _check_scenario_id,
    _check_workspace_id,
    _TOKEN_PATTERN,
    normalize_email,
)
from salesops.store.checks import _check_scenario, _check_text, _check_version, _now, _show
from salesops.store.errors import StoreError
from salesops.store.schema import _LINKS, _SCENARIOS
from salesops.store.store import Store
from salesops.store.values import SavedVersion, VersionInfo

LINK_TOKEN_BYTES = 16  # secrets.token_urlsafe(16): 22 characters, 128 random bits


class LinkUnavailable(StoreError):
    """A share link cannot be opened: it does not exist, was revoked or expired.

    Attributes
    ----------
    reason : str
        ``"unknown"``, ``"revoked"`` or ``"expired"``; the message says it in
        plain words ("this link expired on 2026-11-29 14:00 UTC").
    at : datetime or None
        When it was revoked or expired.
    """

    __module__ = "salesops.store.access"  # named where callers import it (tracebacks, doctests)

    def __init__(self, reason: str, message: str, at: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.at = at


@dataclass(frozen=True)
class ShareLink:
    """A read-only link to one scenario.

    Parameters
    ----------
    token : str
        The secret in the link's URL.
    scenario_id : str
    version : int or None
        The version it opens; None opens the latest version of the scenario.
    created_by : str
    created_at : datetime
    expires_at, revoked_at : datetime or None
    include_people : bool
        Whether exports from the link may include people-level data (names,
        salaries); False unless its creator chose otherwise.
    """

    token: str
    scenario_id: str
    version: int | None
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    include_people: bool

    def state_at(self, now: datetime) -> str:
        """``"revoked"``, ``"expired"`` (at or after ``expires_at``) or ``"active"`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"

    @property
    def state(self) -> str:
        """``"active"``, ``"revoked"`` or ``"expired"``, now.

        Examples
        --------
        >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> ShareLink("t", "s", None, "a@x.io", at, at, None, False).state
        'expired'
        """
        return self.state_at(_now())


def _day(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d")


def _minute(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


class _LinkRows(_AccessBase):
    """What making and opening links share: a link of its row, why it cannot be opened, a checked token."""

    @staticmethod
    def _link(row: Any) -> ShareLink:
        return ShareLink(
            token=row.token,
            scenario_id=row.scenario_id,
            version=None if row.version is None else int(row.version),
            created_by=row.created_by,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            include_people=bool(row.include_people),
        )

    def _unavailable(self, row: Any, now: datetime) -> LinkUnavailable | None:
        if row is None:
            return LinkUnavailable("unknown", "this link does not exist")
        if row.revoked_at is not None:
            return LinkUnavailable(
                "revoked", f"this link was revoked by its owner on {_day(row.revoked_at)}", row.revoked_at
            )
        if row.expires_at is not None and now >= row.expires_at:
            return LinkUnavailable("expired", f"this link expired on {_minute(row.expires_at)}", row.expires_at)
        return None

    @staticmethod
    def _check_token(token: Any) -> str:
        if not isinstance(token, str) or not _TOKEN_PATTERN.fullmatch(token):
            raise LinkUnavailable("unknown", "this link does not exist")
        return token


class _Sharing(_LinkRows):
    """Making, listing and revoking share links (the part of :class:`~salesops.store.access.Access` for it)."""

    def create_link(
        self,
        scenario_id: str,
        *,
        actor: str,
        version: int | None,
        expires_at: datetime | None = None,
        include_people: bool = False,
    ) -> ShareLink:
        """A new read-only link to one version of a scenario (the latest, whichever it is, when None).

        Parameters
        ----------
        scenario_id : str
        actor : str
            An editor or owner of the scenario's workspace.
        version : int or None
            A version that exists, or None for "the latest version of this scenario".
        expires_at : datetime, optional
            Time-zone aware, in the future; the link stops working then.
        include_people : bool
            Whether exports from the link may include names and salaries (default False).
        """
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)
        if version is not None:
            version = _check_version(version, "version")
        if expires_at is not None and (not isinstance(expires_at, datetime) or expires_at.tzinfo is None):
            raise StoreError(f"expires_at must be a time-zone aware datetime, got {_show(expires_at)}")
        if not isinstance(include_people, bool):
            raise StoreError(f"include_people must be True or False, got {_show(include_people)}")

        def work(conn: Connection) -> ShareLink:
            workspace_id, _ = self._require_scenario(
                conn, actor, scenario_id, "editor", "share", lock=True, nothing="no link was made"
            )
            if version is not None:
                self.store._load_in(conn, scenario_id, version)  # raises UnknownScenario naming the versions
            now = self._now()
            if expires_at is not None and expires_at <= now:
                raise StoreError(f"expires_at must be in the future, got {_minute(expires_at)}; no link was made")
            link = ShareLink(
                token=secrets.token_urlsafe(LINK_TOKEN_BYTES),
                scenario_id=scenario_id,
                version=version,
                created_by=actor,
                created_at=now,
                expires_at=None if expires_at is None else expires_at.astimezone(timezone.utc),
                revoked_at=None,
                include_people=include_people,
            )
            conn.execute(
                sa.insert(_LINKS).values(
                    token=link.token,
                    scenario_id=scenario_id,
                    version=version,
                    created_by=actor,
                    created_at=now,
                    expires_at=link.expires_at,
                    revoked_at=None,
                    revoked_by=None,
                    include_people=include_people,
                )
            )
            what = "latest version" if version is None else f"version {version}"
            extra = (f", expires {_minute(link.expires_at)}" if link.expires_at else "") + (
                ", with people-level data" if include_people else ""
            )
            self._audit(
                conn,
                "shared",
                actor,
                workspace_id=workspace_id,
                scenario_id=scenario_id,
                version=version,
                detail=f"read-only link to the {what}{extra}",
            )
            return link

        return self._write(work, f"cannot share scenario {_show(scenario_id)}")

    def revoke_link(self, token: str, *, actor: str) -> ShareLink:
        """Revoke a link: it stops working at once. Owners of the workspace, or the link's creator.

        Revoking a revoked link changes nothing. Returns the link as it is now.

        Raises
        ------
        LinkUnavailable
            If there is no such link (reason "unknown").
        PermissionDenied
            If ``actor`` is neither.
        """
        actor = normalize_email(actor, "actor")
        token = self._check_token(token)

        def work(conn: Connection) -> ShareLink:
            row = conn.execute(sa.select(_LINKS).where(_LINKS.c.token == token).with_for_update()).first()
            if row is None:
                raise LinkUnavailable("unknown", "this link does not exist")
            workspace_id = conn.execute(
                sa.select(_SCENARIOS.c.workspace_id).where(_SCENARIOS.c.id == row.scenario_id)
            ).scalar()
            role = None if workspace_id is None else self._role_in(conn, actor, workspace_id, lock=True)
            if role != "owner" and row.created_by != actor:
                raise PermissionDenied(
                    f"you ({actor}) cannot revoke this link of scenario {_show(row.scenario_id)}: "
                    "only its creator and the owners of its workspace can; nothing was changed"
                )
            if row.revoked_at is not None:
                return self._link(row)
            now = self._now()
            conn.execute(sa.update(_LINKS).where(_LINKS.c.token == token).values(revoked_at=now, revoked_by=actor))
            self._audit(
                conn,
                "revoked",
                actor,
                workspace_id=workspace_id,
                scenario_id=row.scenario_id,
                version=row.version,
                detail=f"link {token[:6]}\u2026",
            )
            return self._link(_Values(row, revoked_at=now))

        return self._write(work, "cannot revoke the link")

    def links_of(self, scenario_id: str, *, actor: str) -> list[ShareLink]:
        """Every link of a scenario (active, revoked and expired), newest first; editors and owners only."""
        actor = normalize_email(actor, "actor")
        scenario_id = _check_scenario_id(scenario_id)

        def work(conn: Connection) -> list[ShareLink]:
            self._require_scenario(conn, actor, scenario_id, "editor", "see the share links of")
            rows = conn.execute(
                sa.select(_LINKS)
                .where(_LINKS.c.scenario_id == scenario_id)
                .order_by(_LINKS.c.created_at.desc(), _LINKS.c.token)
            ).all()
            return [self._link(r) for r in rows]

        return self._read(work, f"cannot list the links of {_show(scenario_id)}")


class _Opening(_LinkRows):
    """Opening a share link, and an editable copy of what it opens (part of :class:`~salesops.store.access.Access`)."""

    def open_link(self, token: str, *, actor: str | None = None) -> tuple[ShareLink, SavedVersion]:
        """The link and the version it opens, for anyone holding the token; records "link opened".

        Parameters
        ----------
        token : str
        actor : str, optional
            The signed-in user opening it, for the audit trail (default: anyone with the link).

        Raises
        ------
        LinkUnavailable
            ``reason`` "unknown" (also for a malformed token), "revoked" or "expired".

        Notes
        -----
        On a read-only database the link opens and nothing is recorded.
        """
        token = self._check_token(token)
        who = ANONYMOUS if actor is None else normalize_email(actor, "actor")
        write = not self.store.read_only

        def work(conn: Connection) -> tuple[ShareLink, VersionInfo, str]:
            row = conn.execute(sa.select(_LINKS).where(_LINKS.c.token == token)).first()
            refused = self._unavailable(row, self._now())
            if refused is not None:
                raise refused
            info, body = self.store._load_in(conn, row.scenario_id, row.version)
            if write:
                workspace_id = conn.execute(
                    sa.select(_SCENARIOS.c.workspace_id).where(_SCENARIOS.c.id == row.scenario_id)
                ).scalar()
                self._audit(
                    conn,
                    "link opened",
                    who,
                    workspace_id=workspace_id,
                    scenario_id=row.scenario_id,
                    version=info.version,
                    detail=f"link {token[:6]}\u2026",
                )
            return self._link(row), info, body

        link, info, body = self.store._run(work, write=write, what="cannot open the link")
        return link, self.store._saved(info, body)

    def fork_link(
        self,
        token: str,
        workspace_id: str,
        *,
        actor: str,
        scenario: Scenario | None = None,
        name: str | None = None,
        note: str = "",
    ) -> VersionInfo:
        """ "Make an editable copy": a new scenario in the actor's workspace from what a link opens.

        The copy is version 1 of a new scenario of ``workspace_id`` (the actor
        must be an editor or owner there), branched from the linked version;
        the shared scenario is never changed. Records "forked" in the shared
        scenario's workspace and "saved" in the actor's.

        Parameters
        ----------
        token : str
        workspace_id : str
            The actor's own workspace.
        actor : str
        scenario : Scenario, optional
            The content to save (default: the linked version as it is).
        name, note : str
            As :meth:`create_scenario`.
        """
        actor = normalize_email(actor, "actor")
        token = self._check_token(token)
        workspace_id = _check_workspace_id(workspace_id)
        if scenario is not None:
            scenario = _check_scenario(scenario)
        _check_text(note, "note")

        def work(conn: Connection) -> VersionInfo:
            self._require_workspace(
                conn, actor, workspace_id, "editor", "save a copy in it; nothing was saved", lock=True
            )
            row = conn.execute(sa.select(_LINKS).where(_LINKS.c.token == token)).first()
            refused = self._unavailable(row, self._now())
            if refused is not None:
                raise refused
            info, body = self.store._load_in(conn, row.scenario_id, row.version)
            content = scenario if scenario is not None else self.store._saved(info, body).scenario
            copy, copy_name, copy_note, parent = Store._check_create(
                content, name, note, (info.scenario_id, info.version)
            )
            made = self.store._create_in(
                conn, copy, copy_name, copy_note, parent, workspace_id=workspace_id, owner=actor
            )
            source_ws = conn.execute(
                sa.select(_SCENARIOS.c.workspace_id).where(_SCENARIOS.c.id == row.scenario_id)
            ).scalar()
            self._audit(
                conn,
                "forked",
                actor,
                workspace_id=source_ws,
                scenario_id=info.scenario_id,
                version=info.version,
                detail="an editable copy was made from a share link",
            )
            self._audit(
                conn,
                "saved",
                actor,
                workspace_id=workspace_id,
                scenario_id=made.scenario_id,
                version=1,
                detail=f"copy of a shared scenario: {copy_name}",
            )
            return made

        return self._write(work, "cannot make an editable copy")


class _Values:
    """A row with some values replaced."""

    def __init__(self, row: Any, **changes: Any) -> None:
        self.__dict__.update(row._asdict())
        self.__dict__.update(changes)
