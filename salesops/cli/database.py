"""The database side of the commands: opening ``--db``, ``--user`` and ``--workspace``, saved ids.

Shared by the saved-scenario, workspace and compare commands.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from typing import Any, Iterator

from salesops.cli.errors import EXIT_USAGE, CliError
from salesops.store import Store, StoreError, UnknownScenario
from salesops.store.access import Access, normalize_email


@contextmanager
def _open_store(url: str | None) -> Iterator[Store]:
    """The Store of ``--db`` (or the environment, or the default); its errors become CliErrors."""
    try:
        store = Store.from_url(url)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    try:
        yield store
    except UnknownScenario as exc:
        raise CliError(f"{exc} in {_where(store)}") from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.engine.dispose()


def _where(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=True)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _split_ref(text: str, what: str) -> tuple[str, int | None]:
    """``ID`` or ``ID@V`` -> (id, version or None)."""
    scenario_id, sep, version = text.rpartition("@")
    if not sep:
        return text, None
    try:
        number = int(version)
    except ValueError:
        number = 0
    if not scenario_id or number < 1:
        raise CliError(f"expected ID or ID@VERSION for {what}, got {text!r}", EXIT_USAGE)
    return scenario_id, number


def _user_of(args: argparse.Namespace) -> str | None:
    """The ``--user`` e-mail (lower-cased), or None for local mode; ``--workspace`` needs it."""
    user, workspace = getattr(args, "user", None), getattr(args, "workspace", None)
    if user is None:
        if workspace is not None:
            raise CliError("--workspace needs --user EMAIL (the member acting in it)", EXIT_USAGE)
        return None
    try:
        return normalize_email(user, "--user")
    except StoreError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _local_only(store: Store, scenario_id: str) -> None:
    """Local mode: refuse a workspace's scenario (an unknown id raises UnknownScenario)."""
    if Access(store).workspace_of(scenario_id) is not None:
        raise CliError(
            f"scenario {scenario_id!r} belongs to a workspace: give --user EMAIL (a member of it) "
            "to use it; nothing was done"
        )


def _in_workspace(access: Access, scenario_id: str, workspace: str | None) -> None:
    """With ``--workspace``: refuse a scenario (already readable by the user) of another workspace."""
    if workspace is not None and access.workspace_of(scenario_id) != workspace:
        raise CliError(f"scenario {scenario_id!r} is not in workspace {workspace!r}; nothing was done")
