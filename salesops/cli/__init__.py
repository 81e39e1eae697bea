"""The command line (``python -m salesops``).

May import every layer except :mod:`salesops.ui`.

Command line for the sales-ops org-design model: ``python -m salesops``.

Seven subcommands (``scenarios`` has four actions):

``samples``
    List the shipped sample scenarios as an aligned table.
``evaluate SCENARIO [--placement ROLE=MODE ...] [--json]``
    Evaluate a sample (``startup``, ``midmarket``, ``enterprise``) or a scenario
    JSON file and print a readable report, or one JSON object with ``--json``.
``synth --reps N --regions R [--placement MODE] [--out FILE]``
    Write a synthetic scenario as JSON to ``FILE`` or to stdout.
``import FILE [--map COLUMN=FIELD ...] [--out SCENARIO.json] [--name NAME] [--virtual-root] [--drop-other]``
    Import an HRIS export (CSV or XLSX), print what was found and write the
    scenario JSON to ``--out``. A rejected file prints one ``error:`` line for
    its first problem and one indented line for each other problem.
``export SCENARIO [--format csv|graphml] [--out FILE]``
    Write a scenario's org, one person per row (or node), as CSV or GraphML.
``scenarios list [--user EMAIL [--workspace ID]]``
    List the saved scenarios of the database, most recently updated first.
``scenarios save FILE [--name NAME] [--note TEXT] [--id ID --base-version V] [--user EMAIL --workspace ID]``
    Save a scenario: a new one, or a new version of a saved one (a stale
    ``--base-version`` is refused and nothing is overwritten).
``scenarios show ID [--version V] [--out FILE] [--user EMAIL [--workspace ID]]``
    Print a saved scenario's history and the headline figures of a version, or
    write that version's JSON.
``scenarios workspace create NAME --user EMAIL``, ``scenarios workspace list --user EMAIL``,
``scenarios workspace add-member WS EMAIL --role ROLE --user OWNER``
    Workspaces (client engagements) and their members (owner, editor, viewer).
``compare A B ... [--json] [--user EMAIL [--workspace ID]]``
    Headline figures of several scenarios side by side (samples, JSON files or
    saved ids, ``ID@V`` for a given version) with the difference from the first.

The database commands take ``--db URL`` (a SQLAlchemy URL); without it they use
``$SALESOPS_DATABASE_URL``, else ``sqlite:///salesops.db`` in the working directory.
With ``--user EMAIL`` they act as that member of its workspaces
(:mod:`salesops.store.access`): only the scenarios of those workspaces are listed,
shown, compared or saved onto, and ``--workspace ID`` narrows that to one
workspace (a new scenario is saved in it). Without ``--user`` they work in local
mode, on the scenarios that belong to no workspace; a workspace's scenario is
refused.

Every failure prints exactly one line on stderr starting with ``error:`` and
returns a non-zero exit status, never a traceback:

* ``2`` -- the command line is wrong (unknown sample, unknown role or mode in
  ``--placement``, ``--reps``/``--regions`` out of range, argparse usage errors);
* ``1`` -- a file cannot be read or written, or its content is not a valid
  scenario, or the model produced figures that cannot be written as JSON; the
  database cannot be opened (bad URL, unreachable server), an id or version is
  unknown, or a save conflicts with a newer version;
* ``70`` -- an unexpected internal error (set ``SALESOPS_DEBUG=1`` to see the
  traceback).

Examples
--------
Shell usage::

    python -m salesops samples
    python -m salesops evaluate enterprise --placement all=localized --placement deal_desk=centralized
    python -m salesops synth --reps 300 --regions 4 --out org.json && python -m salesops evaluate org.json --json
    python -m salesops scenarios save midmarket --name "Mid-market plan" --note "as shipped"
    python -m salesops compare midmarket ID ID@1 --json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple, NoReturn, Sequence, TextIO

from salesops import __version__
from salesops.readwrite import hris
from salesops.readwrite.export import export_rows, to_csv, to_graphml
from salesops.model.metrics import COMPARE, METRIC
from salesops.model import Results, evaluate
from salesops.model.samples import MAX_SYNTH_REGIONS, list_samples, load_sample, synthetic
from salesops.model.scenario import PLACEMENTS, Scenario, ScenarioError
from salesops.store.access import ROLES, Access, normalize_email
from salesops.store import DEFAULT_URL, ENV_URL, Store, StoreError, UnknownScenario, VersionConflict, VersionInfo

__all__ = [
    "EXIT_DATA",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "Placement",
    "build_parser",
    "load_scenario",
    "main",
    "parse_column_map",
    "parse_mode",
    "parse_placement",
]

PROG = "python -m salesops"
EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
MAX_SCENARIO_BYTES = 64 * 1024 * 1024
EXPORT_FORMATS = ("csv", "graphml")
# Number of regions :func:`salesops.model.samples.synthetic` can spread reps over.


class CliError(Exception):
    """A failure to report as one ``error:`` line and an exit status.

    Parameters
    ----------
    message : str
        What went wrong, naming the offending value.
    code : int
        Exit status: :data:`EXIT_USAGE` for a bad command line, :data:`EXIT_DATA`
        for a file or data problem.
    """

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Placement(NamedTuple):
    """One ``--placement ROLE=MODE`` argument, with the text as typed."""

    role: str
    mode: str
    text: str


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors become a one-line :class:`CliError`."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)


# --------------------------------------------------------------------------
# Argument types
# --------------------------------------------------------------------------
def parse_mode(text: str) -> str:
    """Normalize a placement mode, accepting any case.

    Parameters
    ----------
    text : str
        ``centralized``, ``localized`` or ``hybrid`` in any case.

    Returns
    -------
    str
        The mode in lower case.

    Raises
    ------
    argparse.ArgumentTypeError
        If ``text`` is not a known mode.

    Examples
    --------
    >>> parse_mode(" Localized ")
    'localized'
    """
    mode = text.strip().lower()
    if mode not in PLACEMENTS:
        raise argparse.ArgumentTypeError(f"unknown mode {text!r}; modes: {', '.join(PLACEMENTS)}")
    return mode


def parse_placement(text: str) -> Placement:
    """Parse ``ROLE=MODE``; the role is checked later against the scenario.

    Raises
    ------
    argparse.ArgumentTypeError
        If there is no ``=``, the role is blank or the mode is unknown.

    Examples
    --------
    >>> parse_placement("crm_admin=Hybrid")
    Placement(role='crm_admin', mode='hybrid', text='crm_admin=Hybrid')
    """
    role, sep, mode = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected ROLE=MODE (e.g. all=localized), got {text!r}")
    role = role.strip()
    if not role:
        raise argparse.ArgumentTypeError(f"missing ROLE before '=' in {text!r}")
    try:
        normalized = parse_mode(mode)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"unknown mode {mode!r} in {text}; modes: {', '.join(PLACEMENTS)}"
        ) from None
    return Placement(role=role, mode=normalized, text=text)


def _positive_int(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def parse_column_map(text: str) -> tuple[str, str]:
    """Parse ``COLUMN=FIELD`` of ``import --map``; the column is checked once the file is read.

    Raises
    ------
    argparse.ArgumentTypeError
        If there is no ``=``, the column is blank or the field is unknown.

    Examples
    --------
    >>> parse_column_map("Emp # = id")
    ('Emp #', 'id')
    >>> parse_column_map("City=")
    ('City', '')
    """
    column, sep, target = text.rpartition("=")
    column, target = column.strip(), target.strip()
    if not sep:
        raise argparse.ArgumentTypeError(f"expected COLUMN=FIELD (e.g. 'Emp #=id'), got {text!r}")
    if not column:
        raise argparse.ArgumentTypeError(f"missing COLUMN before '=' in {text!r}")
    if target and target not in hris.FIELDS:
        raise argparse.ArgumentTypeError(f"unknown field {target!r} in {text}; fields: {', '.join(hris.FIELDS)}")
    return column, target


def _region_count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number between 1 and {MAX_SYNTH_REGIONS}, got {text!r}") from None
    if not 1 <= value <= MAX_SYNTH_REGIONS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SYNTH_REGIONS}, got {text!r}")
    return value


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The ``python -m salesops`` argument parser with its subcommands."""
    modes = ", ".join(PLACEMENTS)
    parser = _Parser(
        prog=PROG,
        description="Sales-operations org design: evaluate centralized, localized and hybrid "
                    "placements of sales-ops roles (ROI, payback, productivity per rep).",
        epilog="Exit status: 0 ok, 1 unreadable/invalid file or unwritable output, 2 bad command line. "
               f"Run '{PROG} COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", required=True)

    p = sub.add_parser(
        "samples", help="list the shipped sample scenarios",
        description="List the shipped sample scenarios: name, reps, regions, roles and title.",
    )
    p.set_defaults(handler=_cmd_samples)

    p = sub.add_parser(
        "evaluate", help="evaluate a sample or a scenario file",
        description="Evaluate a scenario and print the headline figures, a per-region table\n"
                    "and a per-role table, or one JSON object with --json.",
        epilog=f"Examples:\n  {PROG} evaluate midmarket\n"
               f"  {PROG} evaluate enterprise --placement all=localized --placement deal_desk=centralized\n"
               f"  {PROG} evaluate my_scenario.json --json\n"
               f"  {PROG} synth --reps 300 --regions 4 | {PROG} evaluate -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario", metavar="SCENARIO",
        help="a sample name (see the 'samples' command), a path to a scenario JSON file, or '-' "
             "for stdin; a sample name wins over a file of the same name (write ./NAME for the file)",
    )
    p.add_argument(
        "--placement", "-p", metavar="ROLE=MODE", action="append", default=[], type=parse_placement,
        help=f"move ROLE (a role id of the scenario, or 'all') to MODE ({modes}, any case); "
             "may repeat, applied left to right",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    p.set_defaults(handler=_cmd_evaluate)

    p = sub.add_parser(
        "synth", help="write a synthetic scenario as JSON",
        description="Write a synthetic scenario: N reps spread over R regions (HQ takes the\n"
                    "largest share), every catalog role present and auto-sized.",
        epilog=f"Example:\n  {PROG} synth --reps 2000 --regions 6 --placement hybrid --out big.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--reps", metavar="N", type=_positive_int, required=True, help="total reps (>= 1)")
    p.add_argument("--regions", metavar="R", type=_region_count, required=True,
                   help=f"number of regions, 1 to {MAX_SYNTH_REGIONS} (and at most N)")
    p.add_argument("--placement", "-p", metavar="MODE", type=parse_mode, default="centralized",
                   help=f"placement of every role: {modes} (any case; default centralized)")
    p.add_argument("--name", help="scenario name (default 'Synthetic N reps / R regions')")
    p.add_argument("--out", "-o", metavar="FILE",
                   help="write to FILE (overwritten if it exists) instead of stdout; '-' is stdout")
    p.set_defaults(handler=_cmd_synth)

    p = sub.add_parser(
        "import", help="import an org from an HRIS export (CSV or XLSX)",
        description="Import an HRIS export (Workday, BambooHR, SAP, a spreadsheet: CSV or XLSX with employee\n"
                    "and manager ids), classify everyone as leader, manager, rep, sales ops or other, and\n"
                    "print the people by kind, the regions and the sales-ops roles found. With --out the\n"
                    "scenario is written as JSON for 'evaluate' and the app. All or nothing: a file with\n"
                    "problems is rejected with every problem's row and column.",
        epilog=f"Fields for --map: {', '.join(hris.FIELDS)} (an empty FIELD leaves the column unused).\n"
               f"Examples:\n  {PROG} import people.csv --out org.json\n"
               f"  {PROG} import workday.xlsx --map 'Emp #=id' --map 'Boss=manager_id' --virtual-root\n"
               f"  {PROG} import people.csv --drop-other --out - | {PROG} evaluate -",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="the HRIS export: .csv (comma, semicolon or tab) or .xlsx")
    p.add_argument("--map", "-m", metavar="COLUMN=FIELD", action="append", default=[], type=parse_column_map,
                   help="read COLUMN as FIELD instead of the guessed column; may repeat")
    p.add_argument("--out", "-o", metavar="SCENARIO.json",
                   help="write the scenario JSON to this file (overwritten); '-' writes it to stdout and the "
                        "summary to stderr; without --out only the summary is printed")
    p.add_argument("--name", help="scenario name (default 'Imported from FILE')")
    p.add_argument("--virtual-root", action="store_true",
                   help="when several people have no manager, add a root 'virtual-root' above them")
    p.add_argument("--drop-other", action="store_true",
                   help="leave out people classified 'other' (their reports move up to the nearest kept manager)")
    p.set_defaults(handler=_cmd_import)

    p = sub.add_parser(
        "export", help="write a scenario's org as CSV or GraphML",
        description="Write a scenario's org one person per row (CSV) or node (GraphML): leaders, managers,\n"
                    "reps and one row per sales-ops FTE. The CSV re-imports with 'import' to the same org\n"
                    "and figures, and is safe to open in a spreadsheet (no formulas run).",
        epilog=f"Examples:\n  {PROG} export midmarket --out midmarket.csv\n"
               f"  {PROG} export org.json --format graphml --out org.graphml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO",
                   help="a sample name, a path to a scenario JSON file, or '-' for stdin")
    p.add_argument("--format", "-f", choices=EXPORT_FORMATS, type=str.lower,
                   help="csv or graphml (default: from the --out extension, else csv)")
    p.add_argument("--out", "-o", metavar="FILE",
                   help="write to FILE (overwritten if it exists) instead of stdout; '-' is stdout")
    p.set_defaults(handler=_cmd_export)
    _add_store_commands(sub)
    return parser


def _add_db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL",
                   help="database URL, e.g. sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DB "
                        f"(default: ${ENV_URL}, else {DEFAULT_URL} in the working directory)")


def _add_user_options(p: argparse.ArgumentParser, workspace_help: str) -> None:
    p.add_argument("--user", metavar="EMAIL",
                   help="act as this member of its workspaces (default: local mode, scenarios in no workspace)")
    p.add_argument("--workspace", metavar="ID", help=workspace_help + " (needs --user)")


def _add_store_commands(sub: Any) -> None:
    """The ``scenarios`` and ``compare`` commands, which use the database."""
    p = sub.add_parser(
        "scenarios", help="list, save and show saved scenarios (database)",
        description="Saved scenarios in the database (--db URL, else $SALESOPS_DATABASE_URL, else\n"
                    f"{DEFAULT_URL}). Every save is a new, immutable version; nothing is overwritten.",
        epilog=f"Examples:\n  {PROG} scenarios save midmarket --name 'Mid-market plan' --note 'as shipped'\n"
               f"  {PROG} scenarios save edited.json --id ID --base-version 1 --note 'deal desk localized'\n"
               f"  {PROG} scenarios list\n"
               f"  {PROG} scenarios show ID --version 1 --out v1.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="actions", required=True)

    q = actions.add_parser("list", help="list the saved scenarios, most recently updated first",
                           description="List the saved scenarios: id, name, latest version, last update "
                                       "(UTC) and number of versions, most recently updated first.")
    q.add_argument("--limit", metavar="N", type=_positive_int, default=500, help="at most N (default 500)")
    _add_user_options(q, "only this workspace's scenarios")
    _add_db_option(q)
    q.set_defaults(handler=_cmd_scenarios_list)

    q = actions.add_parser(
        "save", help="save a scenario, or a new version of a saved one",
        description="Save a scenario (a sample name or a scenario JSON file). Without --id it becomes a new\n"
                    "saved scenario (version 1, under a new id). With --id and --base-version it becomes\n"
                    "the next version of that scenario, if --base-version is still its latest version;\n"
                    "otherwise nothing is saved and the error names the latest version.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    q.add_argument("file", metavar="FILE",
                   help="a sample name, a path to a scenario JSON file, or '-' for stdin")
    q.add_argument("--name", help="save under this name (default: a new scenario keeps its own name, a new "
                                  "version the saved scenario's current name)")
    q.add_argument("--note", default="", help="a note on this version")
    q.add_argument("--id", dest="scenario_id", metavar="ID", help="save a new version of this saved scenario")
    q.add_argument("--base-version", metavar="V", type=_positive_int,
                   help="the version the edit started from (required with --id)")
    _add_user_options(q, "save a new scenario in this workspace (required for a new one with --user)")
    _add_db_option(q)
    q.set_defaults(handler=_cmd_scenarios_save)

    q = actions.add_parser("show", help="print a saved scenario's history and headline, or write its JSON",
                           description="Print the history of a saved scenario (newest first) and the headline\n"
                                       "figures of one version (the latest by default), or with --out write\n"
                                       "that version as scenario JSON.",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("scenario_id", metavar="ID", help="the saved scenario's id (ID@V picks a version)")
    q.add_argument("--version", "-v", metavar="V", type=_positive_int, help="this version (default: the latest)")
    q.add_argument("--out", "-o", metavar="FILE",
                   help="write the version's scenario JSON to FILE (overwritten; '-' is stdout) instead")
    _add_user_options(q, "refuse a scenario that is not in this workspace")
    _add_db_option(q)
    q.set_defaults(handler=_cmd_scenarios_show)

    q = actions.add_parser(
        "workspace", help="create workspaces, list them, add members",
        description="Workspaces (client engagements): every scenario saved with --user belongs to one, and\n"
                    "its members are owners (add members), editors (save, share) or viewers (read).",
        epilog=f"Examples:\n  {PROG} scenarios workspace create 'Acme engagement' --user ann@acme.example\n"
               f"  {PROG} scenarios workspace add-member WS bob@acme.example --role editor --user ann@acme.example\n"
               f"  {PROG} scenarios workspace list --user bob@acme.example",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ws_actions = q.add_subparsers(dest="ws_action", metavar="ACTION", title="actions", required=True)
    w = ws_actions.add_parser("create", help="create a workspace; you become its owner",
                              description="Create a workspace named NAME, owned by --user; print its id.")
    w.add_argument("name", metavar="NAME", help="the workspace's name (e.g. the client)")
    w.add_argument("--user", metavar="EMAIL", required=True, help="you: the new workspace's owner")
    _add_db_option(w)
    w.set_defaults(handler=_cmd_workspace_create)
    w = ws_actions.add_parser("list", help="list your workspaces and your role in each",
                              description="List the workspaces --user belongs to: id, name and role.")
    w.add_argument("--user", metavar="EMAIL", required=True, help="you")
    _add_db_option(w)
    w.set_defaults(handler=_cmd_workspace_list)
    w = ws_actions.add_parser("add-member", help="add a member, or change a member's role (owners only)",
                              description="Add EMAIL to workspace WS with --role, or change its role. Only\n"
                                          "owners may; the last owner cannot be made an editor or viewer.",
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    w.add_argument("workspace_id", metavar="WS", help="the workspace's id")
    w.add_argument("email", metavar="EMAIL", help="the member's e-mail")
    w.add_argument("--role", choices=ROLES, type=str.lower, default="viewer", help="its role (default viewer)")
    w.add_argument("--user", metavar="EMAIL", required=True, help="you: an owner of the workspace")
    _add_db_option(w)
    w.set_defaults(handler=_cmd_workspace_add_member)

    p = sub.add_parser(
        "compare", help="headline figures of several scenarios side by side",
        description="Evaluate several scenarios and print their headline figures side by side (ROI,\n"
                    "productivity per rep, sales-ops cost and FTE, payback, selling time, reps) with\n"
                    "each one's difference from the first, or a JSON list of objects with --json.\n"
                    "Each SCENARIO is a sample name, a scenario JSON file, or the id of a saved scenario\n"
                    "(its latest version, or ID@V for version V).",
        epilog=f"Examples:\n  {PROG} compare startup midmarket enterprise\n"
               f"  {PROG} compare ID@1 ID our_org.json --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("refs", metavar="SCENARIO", nargs="+",
                   help="two or more: sample names, scenario JSON files, saved ids (ID or ID@V)")
    p.add_argument("--json", action="store_true", help="print a JSON list of objects instead of the table")
    _add_user_options(p, "refuse saved ids that are not in this workspace")
    _add_db_option(p)
    p.set_defaults(handler=_cmd_compare)


# --------------------------------------------------------------------------
# Loading a scenario
# --------------------------------------------------------------------------
def _sample_names() -> list[str]:
    return [info.name for info in list_samples()]


def _looks_like_path(ref: str) -> bool:
    return (
        "/" in ref or os.sep in ref or (os.altsep is not None and os.altsep in ref)
        or ref.lower().endswith(".json") or ref.startswith(("~", "."))
    )


def _read_limited(stream: Any, where: str) -> bytes:
    data = stream.read(MAX_SCENARIO_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_SCENARIO_BYTES:
        raise CliError(f"scenario {where} is larger than {MAX_SCENARIO_BYTES // (1024 * 1024)} MB")
    return data


def load_scenario(ref: str, stdin: TextIO | None = None) -> Scenario:
    """Load a scenario from a sample name, a JSON file path, or ``-`` (stdin).

    Parameters
    ----------
    ref : str
        Sample name, path, or ``-``.
    stdin : text stream, optional
        Stream read for ``-`` (default ``sys.stdin``).

    Returns
    -------
    Scenario

    Raises
    ------
    CliError
        :data:`EXIT_USAGE` for an unknown sample name; :data:`EXIT_DATA` when a
        file cannot be read or is not a valid scenario.
    """
    names = _sample_names()
    if ref in names and not _looks_like_path(ref):
        return load_sample(ref)
    if ref == "-":
        stream = stdin if stdin is not None else sys.stdin
        source = getattr(stream, "buffer", stream)
        text = _read_limited(source, "on stdin")
        where = "on stdin"
    else:
        path = Path(ref).expanduser()
        if not path.exists() and not _looks_like_path(ref):
            raise CliError(
                f"unknown sample or file {ref!r}; samples: {', '.join(names)} "
                "(or give the path of a scenario JSON file)",
                EXIT_USAGE,
            )
        try:
            with open(path, "rb") as fh:
                text = _read_limited(fh, f"file {ref!r}")
        except OSError as exc:
            raise CliError(f"cannot read scenario file {ref!r}: {exc.strerror or exc}") from None
        where = f"file {ref!r}"
    try:
        return Scenario.from_json(text)
    except ScenarioError as exc:
        raise CliError(f"invalid scenario {where}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # int digit limit, nesting too deep
        raise CliError(f"invalid scenario {where}: not valid JSON: {exc}") from None


def _apply_placements(scenario: Scenario, placements: Sequence[Placement]) -> Scenario:
    ids = [p.role.id for p in scenario.roles]
    for item in placements:
        if item.role.lower() == "all":
            role = "all"
        elif item.role in ids:
            role = item.role
        else:
            folded = [i for i in ids if i.casefold() == item.role.casefold()]
            if len(folded) != 1:
                raise CliError(
                    f"unknown role {item.role!r} in --placement {item.text}; "
                    f"roles: {', '.join(ids) if ids else '(none)'}, all",
                    EXIT_USAGE,
                )
            role = folded[0]
        scenario = scenario.with_placement(role, item.mode)
    return scenario


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------
def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _usd(value: float) -> str:
    return f"${value:,.0f}" if _finite(value) else "n/a"


def _pct(value: float) -> str:
    return f"{value:.1%}" if _finite(value) else "n/a"


def _num(value: float | None, digits: int = 1) -> str:
    return f"{value:,.{digits}f}" if _finite(value) else "n/a"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str, indent: str = "  ") -> list[str]:
    """Aligned plain-text table; ``align`` holds ``l`` or ``r`` per column."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(cells, widths, align)]
        return (indent + "  ".join(parts)).rstrip()

    rule = [("-" * w) for w in widths]
    return [line(headers), line(rule)] + [line(r) for r in rows]


def _headline_rows(scenario: Scenario, res: Results) -> list[tuple[str, str]]:
    """The headline as label and text, with the labels and formats of :mod:`salesops.model.metrics`."""
    horizon = scenario.assumptions.horizon_months
    head = res.headline()

    def row(key: str, extra: str = "") -> tuple[str, str]:
        return METRIC[key].label, METRIC[key].text(head[key], precise=True) + extra

    return [
        row("roi", "  (annual, steady state)"),
        (f"ROI over {horizon} months", METRIC["roi"].text(res.roi_3yr, precise=True)),
        row("payback_months"),
        row("productivity_per_rep", f"  (baseline {_usd(res.baseline_productivity_per_rep_usd)})"),
        row("selling_time_share", f"  (baseline {_pct(res.baseline_selling_time_share)})"),
        row("revenue", f"  (baseline {_usd(res.baseline_revenue_usd)})"),
        row("gross_margin_uplift"),
        row("sales_ops_cost", "  (per year)"),
        row("sales_ops_fte"),
        row("reps"),
        row("reps_per_sales_ops_fte"),
        row("sales_ops_cost_per_rep"),
    ]


def _headline_lines(scenario: Scenario, res: Results) -> list[str]:
    head = _headline_rows(scenario, res)
    width = max(len(k) for k, _ in head)
    return [f"  {k.ljust(width)}  {v}" for k, v in head]


def _report(scenario: Scenario, res: Results) -> str:
    lines = [scenario.name, "", "Headline"]
    lines += _headline_lines(scenario, res)

    lines += ["", "Regions"]
    lines += _table(
        ["region", "name", "reps", "tz gap h", "selling time", "productivity/rep", "revenue/yr", "embedded FTE"],
        [[r.region_id, r.name, f"{r.reps:,}", _num(r.tz_gap_hours), _pct(r.selling_time_share),
          _usd(r.productivity_per_rep_usd), _usd(r.revenue_usd), _num(r.embedded_ops_fte)]
         for r in res.regions],
        "llrrrrrr",
    )

    lines += ["", "Roles"]
    lines += _table(
        ["role", "placement", "FTE", "cost/yr", "mean response h", "name"],
        [[r.role_id + (" *" if r.overloaded else ""), r.placement, _num(r.fte), _usd(r.cost_usd_per_year),
          _num(r.mean_response_hours), r.name]
         for r in res.roles],
        "llrrrl",
    )
    if not res.roles:
        lines.append("  (no sales-ops roles)")
    if any(r.overloaded for r in res.roles):
        lines.append("  * overloaded: demand exceeds the team's capacity")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------
def _cmd_samples(args: argparse.Namespace) -> int:
    rows = [[s.name, f"{s.reps:,}", str(s.regions), str(s.roles), s.title] for s in list_samples()]
    print("\n".join(_table(["name", "reps", "regions", "roles", "title"], rows, "lrrrl", indent="")))
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    scenario = _apply_placements(load_scenario(args.scenario), args.placement)
    res = evaluate(scenario)
    if args.json:
        try:
            text = json.dumps(res.to_dict(), indent=2, allow_nan=False)
        except ValueError:
            raise CliError(
                f"the model produced non-finite figures for scenario {scenario.name!r} "
                "(check for extreme assumptions); no JSON written"
            ) from None
        print(text)
    else:
        print(_report(scenario, res))
    return EXIT_OK


def _not_the_input(out: str | None, source: str) -> None:
    """Refuse ``--out`` naming the file being read: writing it would destroy the input."""
    if out in (None, "-") or source == "-":
        return
    target, origin = Path(out).expanduser(), Path(source).expanduser()
    try:
        same = target.exists() and origin.exists() and os.path.samefile(target, origin)
    except OSError:
        same = target.resolve() == origin.resolve()
    if same:
        raise CliError(f"--out {out!r} is the input file {source!r}; writing it would destroy the input: "
                       "choose another file", EXIT_USAGE)


def _cmd_synth(args: argparse.Namespace) -> int:
    try:
        scenario = synthetic(args.reps, args.regions, placement=args.placement, name=args.name)
    except ScenarioError as exc:  # every input came from the command line
        message = str(exc)
        if not message.startswith("--"):
            message = f"cannot build --reps {args.reps} --regions {args.regions}: {message}"
        raise CliError(message, EXIT_USAGE) from None
    text = scenario.to_json(indent=2) + "\n"
    if args.out is None or args.out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.out).expanduser()
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
    print(f"wrote {args.out}: {scenario.name} ({scenario.total_reps:,} reps, "
          f"{len(scenario.regions)} regions, {len(scenario.roles)} roles)")
    return EXIT_OK


def _rejected(file: str, exc: hris.ImportRejected) -> int:
    """Print a rejected import: one ``error:`` line, then one indented line per other problem."""
    lines = [" ".join(line.split()) for line in exc.lines()] or ["rejected"]
    count = f" ({exc.total} problems)" if exc.total > 1 else ""
    print(f"error: cannot import {file!r}{count}: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)
    return EXIT_DATA


def _import_summary(result: hris.ImportResult, file: str) -> str:
    summary = result.summary
    scenario = result.scenario
    by_kind = ", ".join(f"{k} {n:,}" for k, n in summary["by_kind"].items())
    lines = [f"Imported {file}: {summary['people']:,} people -> scenario {scenario.name!r}",
             f"  people by kind: {by_kind}"]
    if summary["dropped_other"]:
        lines.append(f"  left out (--drop-other): {summary['dropped_other']:,} other")
    hq = scenario.hq
    lines.append(f"  HQ region: {hq.id} ({hq.name}); top of the org: {summary['root']}"
                 + (" (added)" if summary["virtual_root"] else ""))
    lines += ["", "Regions"]
    lines += _table(["region", "name", "people", "reps", "managers", "tz from HQ h"],
                    [[r["id"], r["name"], f"{r['people']:,}", f"{r['reps']:,}", f"{r['managers']:,}",
                      f"{r['tz_offset_hours']:+g}"] for r in summary["regions"]], "llrrrr")
    lines += ["", "Sales-ops roles"]
    if summary["roles"]:
        lines += _table(["role", "placement", "people", "FTE", "central FTE", "embedded FTE", "cost/FTE/yr"],
                        [[r["role_id"], r["placement"], f"{r['people']:,}", _num(r["fte"]), _num(r["central_fte"]),
                          _num(sum(r["local_fte"].values())), _usd(r["cost_usd_per_year"])]
                         for r in summary["roles"]], "llrrrrr")
    else:
        lines.append("  (no sales-ops staff found)")
    lines += ["", "Columns used"]
    lines += [f"  {f}: {c!r}" for f, c in summary["mapping"].items()]
    if result.warnings:
        lines += ["", "Warnings"]
        lines += [f"  - {' '.join(w.split())}" for w in result.warnings]
    return "\n".join(lines)


def _cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        if path.is_dir():
            raise CliError(f"cannot read {args.file!r}: it is a directory")
        _not_the_input(args.out, args.file)
        hris.check_size(path.stat().st_size)
        with open(path, "rb") as fh:
            data = fh.read(hris.DEFAULT_MAX_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {args.file!r}: {exc.strerror or exc}") from None
    except hris.ImportRejected as exc:
        return _rejected(args.file, exc)
    try:
        raw = hris.read_table(data, path.name)
        mapping = hris.guess_mapping(raw.frame.columns)
        if args.map:
            mapping = hris.override_mapping(mapping, raw.frame.columns, dict(args.map))
        result = hris.build_import(raw, mapping, hris.load_rules(), keep_other=not args.drop_other,
                                   virtual_root=args.virtual_root,
                                   name=args.name if args.name is not None else f"Imported from {path.name}")
    except hris.ImportRejected as exc:
        return _rejected(args.file, exc)
    except hris.MappingError as exc:
        raise CliError(f"--map: {exc}", EXIT_USAGE) from None
    text = result.scenario.to_json(indent=2) + "\n"
    report = _import_summary(result, args.file)
    if args.out == "-":
        print(report, file=sys.stderr)
        sys.stdout.write(text)
        return EXIT_OK
    if args.out is not None:
        try:
            with open(Path(args.out).expanduser(), "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
        report += f"\n\nwrote {args.out}"
    print(report)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    _not_the_input(args.out, args.scenario)
    scenario = load_scenario(args.scenario)
    fmt = args.format
    if fmt is None:
        fmt = "graphml" if (args.out or "").lower().endswith((".graphml", ".xml")) else "csv"
    results = evaluate(scenario)
    people = len(export_rows(scenario, results))
    text = to_csv(scenario, results) if fmt == "csv" else to_graphml(scenario, results)
    if args.out is None or args.out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        # A BOM lets spreadsheet programs recognise UTF-8; the importer strips it.
        with open(Path(args.out).expanduser(), "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                  newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
    print(f"wrote {args.out}: {people:,} people of {scenario.name!r} as {fmt}")
    return EXIT_OK


# --------------------------------------------------------------------------
# Database commands
# --------------------------------------------------------------------------
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
        raise CliError(f"scenario {scenario_id!r} belongs to a workspace: give --user EMAIL (a member of it) "
                       "to use it; nothing was done")


def _in_workspace(access: Access, scenario_id: str, workspace: str | None) -> None:
    """With ``--workspace``: refuse a scenario (already readable by the user) of another workspace."""
    if workspace is not None and access.workspace_of(scenario_id) != workspace:
        raise CliError(f"scenario {scenario_id!r} is not in workspace {workspace!r}; nothing was done")


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
        whose = "" if user is None else (f" of workspace {args.workspace} for {user}" if args.workspace
                                         else f" in the workspaces of {user}")
        print(f"no saved scenarios{whose} in {where}")
        return EXIT_OK
    headers = ["id", "name", "latest", "updated (UTC)", "versions"]
    rows = [[s.scenario_id, s.name, str(s.latest_version), _when(s.updated_at), str(s.versions)] for s in scenarios]
    if user is not None:
        headers.append("workspace")
        for row, s in zip(rows, scenarios):
            row.append(s.workspace_id or "")
    print("\n".join(_table(headers, rows, "llrlrl"[:len(headers)], indent="")))
    return EXIT_OK


def _cmd_scenarios_save(args: argparse.Namespace) -> int:
    if (args.scenario_id is None) != (args.base_version is None):
        raise CliError("--id and --base-version go together: give both to save a new version of a saved "
                       "scenario, or neither to save a new one", EXIT_USAGE)
    if args.name is not None and not args.name.strip():
        raise CliError("--name must not be blank", EXIT_USAGE)
    user = _user_of(args)
    if user is not None and args.scenario_id is None and args.workspace is None:
        raise CliError("a new scenario saved with --user needs --workspace ID (see 'scenarios workspace list "
                       "--user EMAIL')", EXIT_USAGE)
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
            print(f"saved new scenario {info.scenario_id} version 1{where}: {info.name} "
                  f"({info.reps:,} reps, {info.roles} roles)")
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
                info = access.save_version(args.scenario_id, scenario, base_version=args.base_version,
                                           actor=user, note=args.note)
        except VersionConflict as exc:
            latest = exc.latest.version
            raise CliError(f"not saved: {exc}. Get version {latest} with 'scenarios show {args.scenario_id} "
                           f"--out FILE', redo the edit and save with --base-version {latest}") from None
    print(f"saved scenario {info.scenario_id} version {info.version}: {info.name} "
          f"({info.reps:,} reps, {info.roles} roles)")
    return EXIT_OK


def _history_table(history: Sequence[VersionInfo]) -> list[str]:
    rows = []
    for v in history:
        origin = f"{v.parent_scenario_id}@{v.parent_version}" if v.parent_scenario_id else ""
        rows.append([str(v.version), _when(v.created_at), f"{v.reps:,}", str(v.roles), v.name,
                     " ".join(v.note.split()), origin])
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
                access.record("exported", actor=user, scenario_id=scenario_id, version=saved.info.version,
                              detail="scenario JSON, from the command line (scenarios show --out)")
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
    lines = [f"{info.name}  (saved scenario {info.scenario_id})",
             f"  {len(history)} version(s); first saved {_when(history[-1].created_at)} UTC, "
             f"latest {_when(history[0].created_at)} UTC",
             "", "History (newest first)"]
    lines += _history_table(history)
    which = "the latest" if info.version == latest else f"latest is {latest}"
    lines += ["", f"Headline of version {info.version} ({which})"]
    lines += _headline_lines(scenario, evaluate(scenario))
    print("\n".join(lines))
    return EXIT_OK


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


# (key in Results.headline(), label, format of a value, format of a difference): salesops.model.metrics.COMPARE,
# the list the Compare page and the exports use, with dollars in full.
COMPARE_METRICS: tuple[tuple[str, str, Callable[[Any], str], Callable[[Any], str]], ...] = tuple(
    (m.key, m.label, partial(m.text, precise=True), partial(m.delta_text, precise=True)) for m in COMPARE
)


class _Compared(NamedTuple):
    ref: str
    label: str
    source: str
    scenario: Scenario
    scenario_id: str | None
    version: int | None


def _resolve(ref: str, store_of: Callable[[], Store], user: str | None = None,
             workspace: str | None = None) -> _Compared:
    """A compare argument: a sample, a file, or a saved id (``ID`` or ``ID@V``), as ``user`` if given."""
    if ref in _sample_names() and not _looks_like_path(ref):
        return _Compared(ref, ref, "sample", load_sample(ref), None, None)
    if ref == "-" or _looks_like_path(ref) or Path(ref).expanduser().exists():
        return _Compared(ref, ref, "file", load_scenario(ref), None, None)
    scenario_id, version = _split_ref(ref, "a saved scenario")
    store = store_of()
    try:
        if user is None:
            _local_only(store, scenario_id)
            saved = store.load(scenario_id, version)
        else:
            access = Access(store)
            saved = access.load(scenario_id, version, actor=user)
            _in_workspace(access, scenario_id, workspace)
    except UnknownScenario:
        if version is None:  # then the id itself is unknown
            raise CliError(f"{ref!r} is not a sample, a scenario file or a saved scenario in {_where(store)} "
                           f"(samples: {', '.join(_sample_names())})") from None
        raise
    return _Compared(ref, f"{saved.info.scenario_id}@{saved.info.version}", "saved", saved.scenario,
                     saved.info.scenario_id, saved.info.version)


def _difference(key: str, value: Any, first: Any) -> Any:
    if value is None or first is None:
        return None
    return value - first


def _cmd_compare(args: argparse.Namespace) -> int:
    if len(args.refs) < 2:
        raise CliError(f"compare needs two or more scenarios, got {len(args.refs)} ({args.refs[0]!r})", EXIT_USAGE)
    if args.refs.count("-") > 1:
        raise CliError("stdin ('-') can be read only once", EXIT_USAGE)
    user = _user_of(args)
    with ExitStack() as stack:
        opened: list[Store] = []

        def store_of() -> Store:  # the database is opened only if a saved id is named
            if not opened:
                opened.append(stack.enter_context(_open_store(args.db)))
            return opened[0]

        items = [_resolve(ref, store_of, user, args.workspace) for ref in args.refs]
    heads = [evaluate(item.scenario).headline() for item in items]
    first = heads[0]
    if args.json:
        out = []
        for item, head in zip(items, heads):
            record: dict[str, Any] = {"ref": item.ref, "source": item.source, "name": item.scenario.name,
                                      "scenario_id": item.scenario_id, "version": item.version}
            record.update({key: head[key] for key, *_ in COMPARE_METRICS})
            record["difference"] = {key: _difference(key, head[key], first[key]) for key, *_ in COMPARE_METRICS}
            out.append(record)
        try:
            text = json.dumps(out, indent=2, allow_nan=False)
        except ValueError:
            raise CliError("the model produced non-finite figures (check for extreme assumptions); "
                           "no JSON written") from None
        print(text)
        return EXIT_OK
    lines = ["Scenarios"]
    tags = [f"[{i}]" for i in range(1, len(items) + 1)]
    width = max(len(item.label) for item in items)
    for tag, item in zip(tags, items):
        detail = f"saved, version {item.version}" if item.source == "saved" else item.source
        lines.append(f"  {tag} {item.label.ljust(width)}  {item.scenario.name}  ({detail})")
    headers = ["metric", tags[0]]
    for tag in tags[1:]:
        headers += [tag, f"{tag}-{tags[0]}"]
    rows = []
    for key, label, fmt, fmt_diff in COMPARE_METRICS:
        row = [label, fmt(first[key])]
        for head in heads[1:]:
            diff = _difference(key, head[key], first[key])
            row += [fmt(head[key]), "n/a" if diff is None else fmt_diff(diff)]
        rows.append(row)
    lines += [""] + _table(headers, rows, "l" + "r" * (len(headers) - 1), indent="")
    print("\n".join(lines))
    return EXIT_OK


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------
def _error(message: str, code: int) -> int:
    one_line = " ".join(str(message).split())
    print(f"error: {one_line}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 ok, 1 file or data problem, 2 bad command line.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        code = handler(args)
        sys.stdout.flush()
        return code
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_DATA)
    except CliError as exc:
        return _error(exc.message, exc.code)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_DATA
    except KeyboardInterrupt:
        return _error("interrupted", 130)
    except (ScenarioError, OSError, ValueError, RecursionError) as exc:
        return _error(str(exc) or type(exc).__name__, EXIT_DATA)
    except Exception as exc:  # never a traceback, unless asked for
        if os.environ.get("SALESOPS_DEBUG"):
            raise
        return _error(f"internal error: {type(exc).__name__}: {exc} (set SALESOPS_DEBUG=1 for the traceback)",
                      EXIT_INTERNAL)


# --------------------------------------------------------------------------
# Uncertainty: ``simulate`` (Monte Carlo) and ``sensitivity`` (tornado).
# Added to the parser by wrapping build_parser, so the commands above stay untouched.
# --------------------------------------------------------------------------
def _draws_count(text: str) -> int:
    from salesops.model.uncertainty import MAX_DRAWS  # noqa: PLC0415

    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number between 1 and {MAX_DRAWS}, got {text!r}") from None
    if not 1 <= value <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_DRAWS}, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def _json_text(data: Any, scenario: Scenario) -> str:
    try:
        return json.dumps(data, indent=2, allow_nan=False)
    except ValueError:
        raise CliError(f"the model produced non-finite figures for scenario {scenario.name!r} "
                       "(check for extreme assumptions); no JSON written") from None


def _cmd_simulate(args: argparse.Namespace) -> int:
    from salesops.model.uncertainty import simulate  # noqa: PLC0415

    scenario = load_scenario(args.scenario)
    sim = simulate(scenario, draws=args.draws, seed=args.seed)
    pct = sim.percentiles()
    det = sim.deterministic
    if args.json:
        out = {"scenario": scenario.name, "draws": sim.draws, "seed": sim.seed, **pct,
               "deterministic": {"roi": det.roi, "payback_months": det.payback_months,
                                 "productivity_per_rep": det.productivity_per_rep_usd}}
        print(_json_text(out, scenario))
        return EXIT_OK

    def cell(fmt, value):
        return "n/a" if value is None else fmt(value)

    months = lambda v: f"{_num(v)} months"  # noqa: E731
    rows = [["ROI (annual, steady state)"] + [cell(_pct, pct["roi"][k]) for k in ("p10", "p50", "p90")]
            + [_pct(det.roi)],
            ["Payback"] + [cell(months, pct["payback_months"][k]) for k in ("p10", "p50", "p90")]
            + [cell(months, det.payback_months)],
            ["Productivity per rep"] + [cell(_usd, pct["productivity_per_rep"][k]) for k in ("p10", "p50", "p90")]
            + [_usd(det.productivity_per_rep_usd)]]
    lines = [f"{scenario.name}: {sim.draws:,} draws, seed {sim.seed}", ""]
    lines += _table(["metric", "P10", "P50", "P90", "deterministic"], rows, "lrrrr", indent="")
    lines += ["", f"Never pays back within the projection: {_pct(pct['payback_months']['never_share'])} of draws "
                  "(payback percentiles are over the draws that do)."]
    print("\n".join(lines))
    return EXIT_OK


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from salesops.model.uncertainty import sensitivity  # noqa: PLC0415

    scenario = load_scenario(args.scenario)
    table = sensitivity(scenario)
    if args.json:
        out = {"scenario": scenario.name, "base_roi": table.attrs.get("base_roi"),
               "parameters": [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                              for row in table.to_dict(orient="records")]}
        print(_json_text(out, scenario))
        return EXIT_OK
    rows = [[r.label, f"{r.low:.4g}", f"{r.likely:.4g}", f"{r.high:.4g}", _pct(r.roi_low), _pct(r.roi_high),
             _pct(r.swing)] for r in table.itertuples(index=False)]
    lines = [f"{scenario.name}: ROI {_pct(table.attrs.get('base_roi', 0.0))} at the likely values; "
             "each parameter at its low and high, the others at likely", ""]
    lines += _table(["parameter", "low", "likely", "high", "ROI at low", "ROI at high", "swing"], rows,
                    "lrrrrrr", indent="")
    print("\n".join(lines))
    return EXIT_OK


_build_parser_before_uncertainty = build_parser


def build_parser() -> argparse.ArgumentParser:  # noqa: F811 (extends the parser above)
    """The ``python -m salesops`` argument parser, with ``simulate`` and ``sensitivity``."""
    parser = _build_parser_before_uncertainty()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    scenario_help = "a sample name (see the 'samples' command), a path to a scenario JSON file, or '-' for stdin"

    p = sub.add_parser(
        "simulate", help="Monte Carlo of ROI, payback and productivity over the assumption ranges",
        description="Draw every assumption from triangular(low, likely, high) (data/assumptions.json,\n"
                    "data/uncertainty.json) with the team sizes of the scenario as designed, and print\n"
                    "P10/P50/P90 of ROI, payback and productivity per rep, or one JSON object with --json.",
        epilog=f"Examples:\n  {PROG} simulate midmarket --draws 10000\n  {PROG} simulate org.json --seed 7 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO", help=scenario_help)
    p.add_argument("--draws", "-n", metavar="N", type=_draws_count, default=10_000,
                   help="number of draws (default 10000)")
    p.add_argument("--seed", metavar="S", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.set_defaults(handler=_cmd_simulate)

    p = sub.add_parser(
        "sensitivity", help="tornado: ROI at each assumption's low and high, largest swing first",
        description="Evaluate the scenario with each assumption (and each role parameter, all roles\n"
                    "together) at its low and at its high, the others at their likely values, and rank\n"
                    "them by the swing in ROI, largest first; one JSON object with --json.",
        epilog=f"Example:\n  {PROG} sensitivity enterprise --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO", help=scenario_help)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.set_defaults(handler=_cmd_sensitivity)
    return parser
