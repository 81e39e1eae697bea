"""The saved-scenario commands: ``scenarios list``, ``scenarios save`` and ``scenarios show``.

Each command's handler (``_cmd_*``) and, at the end, the ``scenarios`` group with its
actions (the ``workspace`` actions come from :mod:`salesops.cli.access_cmds`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from salesops.cli.access_cmds import add_workspace
from salesops.cli.args import DB, OUT, PROG, RAW, SOURCE_HELP, _positive_int, arg, command, user_options
from salesops.cli.database import _in_workspace, _local_only, _open_store, _split_ref, _user_of, _when, _where
from salesops.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from salesops.cli.formatting import _headline_lines, _table
from salesops.cli.inputs import load_scenario
from salesops.model import evaluate
from salesops.store import DEFAULT_URL, VersionConflict, VersionInfo
from salesops.store.access import Access


def _cmd_scenarios_list(args: argparse.Namespace) -> int:
    user = _user_of(args)
    with _open_store(args.db) as store:
        access = Access(store)
        if user is None:
            scenarios = access.local_scenarios(limit=args.limit)
        else:
            scenarios = access.list_scenarios(actor=user, workspace_id=args.workspace, limit=args.limit)
        where = _where(store)
    if not scenarios:
        whose = (
            ""
            if user is None
            else (f" of workspace {args.workspace} for {user}" if args.workspace else f" in the workspaces of {user}")
        )
        print(f"no saved scenarios{whose} in {where}")
        return EXIT_OK
    headers = ["id", "name", "latest", "updated (UTC)", "versions"]
    rows = [[s.scenario_id, s.name, str(s.latest_version), _when(s.updated_at), str(s.versions)] for s in scenarios]
    if user is not None:
        headers.append("workspace")
        for row, s in zip(rows, scenarios):
            row.append(s.workspace_id or "")
    print("\n".join(_table(headers, rows, "llrlrl"[: len(headers)], indent="")))
    return EXIT_OK


def _cmd_scenarios_save(args: argparse.Namespace) -> int:
    if (args.scenario_id is None) != (args.base_version is None):
        raise CliError(
            "--id and --base-version go together: give both to save a new version of a saved "
            "scenario, or neither to save a new one",
            EXIT_USAGE,
        )
    if args.name is not None and not args.name.strip():
        raise CliError("--name must not be blank", EXIT_USAGE)
    user = _user_of(args)
    if user is not None and args.scenario_id is None and args.workspace is None:
        raise CliError(
            "a new scenario saved with --user needs --workspace ID (see 'scenarios workspace list --user EMAIL')",
            EXIT_USAGE,
        )
    scenario = load_scenario(args.file)
    if args.name is not None and args.name != scenario.name:
        scenario = scenario.renamed(args.name)
    with _open_store(args.db) as store:
        access = Access(store)
        if args.scenario_id is None:
            if user is None:
                info = store.create(scenario, note=args.note)
            else:
                info = access.create_scenario(args.workspace, scenario, actor=user, note=args.note)
            where = "" if user is None else f" in workspace {args.workspace}"
            print(
                f"saved new scenario {info.scenario_id} version 1{where}: {info.name} "
                f"({info.reps:,} reps, {info.roles} roles)"
            )
            return EXIT_OK
        if user is None:
            _local_only(store, args.scenario_id)
            current = store.history(args.scenario_id)[0].name
        else:  # the user may save here, and --workspace names its workspace, before anything is read
            access.require_role(args.scenario_id, "editor", actor=user)
            _in_workspace(access, args.scenario_id, args.workspace)
            current = access.history(args.scenario_id, actor=user)[0].name
        if args.name is None and current != scenario.name:
            # a new version keeps the saved scenario's name unless --name says otherwise
            scenario = scenario.renamed(current)
        try:
            if user is None:
                info = store.save(args.scenario_id, scenario, base_version=args.base_version, note=args.note)
            else:
                info = access.save_version(
                    args.scenario_id, scenario, base_version=args.base_version, actor=user, note=args.note
                )
        except VersionConflict as exc:
            latest = exc.latest.version
            raise CliError(
                f"not saved: {exc}. Get version {latest} with 'scenarios show {args.scenario_id} "
                f"--out FILE', redo the edit and save with --base-version {latest}"
            ) from None
    print(
        f"saved scenario {info.scenario_id} version {info.version}: {info.name} "
        f"({info.reps:,} reps, {info.roles} roles)"
    )
    return EXIT_OK


def _history_table(history: Sequence[VersionInfo]) -> list[str]:
    rows = []
    for v in history:
        origin = f"{v.parent_scenario_id}@{v.parent_version}" if v.parent_scenario_id else ""
        rows.append(
            [str(v.version), _when(v.created_at), f"{v.reps:,}", str(v.roles), v.name, " ".join(v.note.split()), origin]
        )
    return _table(["version", "saved (UTC)", "reps", "roles", "name", "note", "branched from"], rows, "rlrrlll")


def _cmd_scenarios_show(args: argparse.Namespace) -> int:
    scenario_id, version = _split_ref(args.scenario_id, "ID")
    if version is not None and args.version is not None and version != args.version:
        raise CliError(f"{args.scenario_id!r} and --version {args.version} name different versions", EXIT_USAGE)
    version = version if version is not None else args.version
    user = _user_of(args)
    with _open_store(args.db) as store:
        if user is None:
            _local_only(store, scenario_id)
            saved = store.load(scenario_id, version)
            history = [] if args.out is not None else store.history(scenario_id)
        else:
            access = Access(store)
            saved = access.load(scenario_id, version, actor=user)
            _in_workspace(access, scenario_id, args.workspace)
            history = [] if args.out is not None else access.history(scenario_id, actor=user)
            if args.out is not None and not store.read_only:
                access.record(
                    "exported",
                    actor=user,
                    scenario_id=scenario_id,
                    version=saved.info.version,
                    detail="scenario JSON, from the command line (scenarios show --out)",
                )
    info, scenario = saved.info, saved.scenario
    if args.out is not None:
        text = scenario.to_json(indent=2) + "\n"
        if args.out == "-":
            sys.stdout.write(text)
            return EXIT_OK
        try:
            with open(Path(args.out).expanduser(), "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
        print(f"wrote {args.out}: scenario {info.scenario_id} version {info.version} ({info.name})")
        return EXIT_OK
    latest = history[0].version
    lines = [
        f"{info.name}  (saved scenario {info.scenario_id})",
        f"  {len(history)} version(s); first saved {_when(history[-1].created_at)} UTC, "
        f"latest {_when(history[0].created_at)} UTC",
        "",
        "History (newest first)",
    ]
    lines += _history_table(history)
    which = "the latest" if info.version == latest else f"latest is {latest}"
    lines += ["", f"Headline of version {info.version} ({which})"]
    lines += _headline_lines(scenario, evaluate(scenario))
    print("\n".join(lines))
    return EXIT_OK


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
def add_scenarios(sub: Any) -> None:
    """The ``scenarios`` command and its actions, which use the database."""
    p = command(
        sub,
        "scenarios",
        None,
        help="list, save and show saved scenarios (database)",
        description=(
            "Saved scenarios in the database (--db URL, else $SALESOPS_DATABASE_URL, else\n"
            f"{DEFAULT_URL}). Every save is a new, immutable version; nothing is overwritten."
        ),
        epilog=(
            f"Examples:\n  {PROG} scenarios save midmarket --name 'Mid-market plan' --note 'as shipped'\n"
            f"  {PROG} scenarios save edited.json --id ID --base-version 1 --note 'deal desk localized'\n"
            f"  {PROG} scenarios list\n"
            f"  {PROG} scenarios show ID --version 1 --out v1.json"
        ),
        formatter_class=RAW,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)

    command(
        actions,
        "list",
        _cmd_scenarios_list,
        arg("--limit", metavar="N", type=_positive_int, default=500, help="at most N (default 500)"),
        *user_options("only this workspace's scenarios"),
        DB,
        help="list the saved scenarios, most recently updated first",
        description=(
            "List the saved scenarios: id, name, latest version, last update "
            "(UTC) and number of versions, most recently updated first."
        ),
    )

    command(
        actions,
        "save",
        _cmd_scenarios_save,
        arg("file", metavar="FILE", help=SOURCE_HELP),
        arg(
            "--name",
            help=(
                "save under this name (default: a new scenario keeps its own name, a new "
                "version the saved scenario's current name)"
            ),
        ),
        arg("--note", default="", help="a note on this version"),
        arg("--id", dest="scenario_id", metavar="ID", help="save a new version of this saved scenario"),
        arg(
            "--base-version",
            metavar="V",
            type=_positive_int,
            help="the version the edit started from (required with --id)",
        ),
        *user_options("save a new scenario in this workspace (required for a new one with --user)"),
        DB,
        help="save a scenario, or a new version of a saved one",
        description=(
            "Save a scenario (a sample name or a scenario JSON file). Without --id it becomes a new\n"
            "saved scenario (version 1, under a new id). With --id and --base-version it becomes\n"
            "the next version of that scenario, if --base-version is still its latest version;\n"
            "otherwise nothing is saved and the error names the latest version."
        ),
        formatter_class=RAW,
    )

    command(
        actions,
        "show",
        _cmd_scenarios_show,
        arg("scenario_id", metavar="ID", help="the saved scenario's id (ID@V picks a version)"),
        arg("--version", "-v", metavar="V", type=_positive_int, help="this version (default: the latest)"),
        OUT(help="write the version's scenario JSON to FILE (overwritten; '-' is stdout) instead"),
        *user_options("refuse a scenario that is not in this workspace"),
        DB,
        help="print a saved scenario's history and headline, or write its JSON",
        description=(
            "Print the history of a saved scenario (newest first) and the headline\n"
            "figures of one version (the latest by default), or with --out write\n"
            "that version as scenario JSON."
        ),
        formatter_class=RAW,
    )

    add_workspace(actions)
