"""The workspace commands: ``scenarios workspace create``, ``list`` and ``add-member``.

Each command's handler (``_cmd_*``) and, at the end, the ``workspace`` group with its actions.
"""

from __future__ import annotations

import argparse
from typing import Any

from salesops.cli.args import DB, PROG, RAW, USER, arg, command
from salesops.cli.database import _open_store, _user_of, _when, _where
from salesops.cli.errors import EXIT_OK
from salesops.cli.formatting import _table
from salesops.store.access import ROLES, Access


def _cmd_workspace_create(args: argparse.Namespace) -> int:
    user = _user_of(args)
    with _open_store(args.db) as store:
        ws = Access(store).create_workspace(args.name, actor=user)
    print(f"created workspace {ws.workspace_id}: {ws.name} (owner {ws.created_by})")
    return EXIT_OK


def _cmd_workspace_list(args: argparse.Namespace) -> int:
    user = _user_of(args)
    with _open_store(args.db) as store:
        found = Access(store).workspaces_of(user)
        where = _where(store)
    if not found:
        print(f"{user} is in no workspace in {where}")
        return EXIT_OK
    rows = [[ws.workspace_id, ws.name, role, _when(ws.created_at)] for ws, role in found]
    print("\n".join(_table(["id", "name", "your role", "created (UTC)"], rows, "llll", indent="")))
    return EXIT_OK


def _cmd_workspace_add_member(args: argparse.Namespace) -> int:
    user = _user_of(args)
    with _open_store(args.db) as store:
        member = Access(store).add_member(args.workspace_id, args.email, args.role, actor=user)
    article = "an" if member.role in ("owner", "editor") else "a"
    print(f"{member.email} is {article} {member.role} of workspace {member.workspace_id}")
    return EXIT_OK


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
def add_workspace(actions: Any) -> None:
    """The ``workspace`` group of ``scenarios``, and its actions."""
    p = command(
        actions,
        "workspace",
        None,
        help="create workspaces, list them, add members",
        description=(
            "Workspaces (client engagements): every scenario saved with --user belongs to one, and\n"
            "its members are owners (add members), editors (save, share) or viewers (read)."
        ),
        epilog=(
            f"Examples:\n  {PROG} scenarios workspace create 'Acme engagement' --user ann@acme.example\n"
            f"  {PROG} scenarios workspace add-member WS bob@acme.example --role editor --user ann@acme.example\n"
            f"  {PROG} scenarios workspace list --user bob@acme.example"
        ),
        formatter_class=RAW,
    )
    ws_actions = p.add_subparsers(dest="ws_action", metavar="ACTION", title="actions", required=True)
    command(
        ws_actions,
        "create",
        _cmd_workspace_create,
        arg("name", metavar="NAME", help="the workspace's name (e.g. the client)"),
        USER(required=True, help="you: the new workspace's owner"),
        DB,
        help="create a workspace; you become its owner",
        description="Create a workspace named NAME, owned by --user; print its id.",
    )
    command(
        ws_actions,
        "list",
        _cmd_workspace_list,
        USER(required=True, help="you"),
        DB,
        help="list your workspaces and your role in each",
        description="List the workspaces --user belongs to: id, name and role.",
    )
    command(
        ws_actions,
        "add-member",
        _cmd_workspace_add_member,
        arg("workspace_id", metavar="WS", help="the workspace's id"),
        arg("email", metavar="EMAIL", help="the member's e-mail"),
        arg("--role", choices=ROLES, type=str.lower, default="viewer", help="its role (default viewer)"),
        USER(required=True, help="you: an owner of the workspace"),
        DB,
        help="add a member, or change a member's role (owners only)",
        description=(
            "Add EMAIL to workspace WS with --role, or change its role. Only\n"
            "owners may; the last owner cannot be made an editor or viewer."
        ),
        formatter_class=RAW,
    )
