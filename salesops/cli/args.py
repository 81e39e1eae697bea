"""Declaring the command line: the argument types, and each argument declared once.

An argument is an :class:`Arg` (the flags and keywords of ``add_argument``); the
options several commands share (``SCENARIO``, ``--json``, ``--out``, ``--user``,
``--workspace``, ``--db``) are declared here once, and a command changes only what
differs (``JSON(help=...)``). :func:`command` adds a subcommand with its arguments
in order and the handler that runs it.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable, Mapping, NamedTuple, NoReturn

from salesops.cli.errors import EXIT_USAGE, CliError
from salesops.model.samples import MAX_SYNTH_REGIONS
from salesops.model.scenario import PLACEMENTS
from salesops.readwrite import hris
from salesops.store import DEFAULT_URL, ENV_URL

PROG = "python -m salesops"
# The placement modes, for help texts.
MODES = ", ".join(PLACEMENTS)

Handler = Callable[[argparse.Namespace], int]


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
        raise argparse.ArgumentTypeError(f"unknown mode {mode!r} in {text}; modes: {', '.join(PLACEMENTS)}") from None
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
            f"must be a whole number between 1 and {MAX_SYNTH_REGIONS}, got {text!r}"
        ) from None
    if not 1 <= value <= MAX_SYNTH_REGIONS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SYNTH_REGIONS}, got {text!r}")
    return value


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


# --------------------------------------------------------------------------
# Declaring arguments and commands
# --------------------------------------------------------------------------
class Arg(NamedTuple):
    """One argument, declared once: the flags and keywords of ``ArgumentParser.add_argument``.

    Examples
    --------
    >>> JSON(help="print a JSON list").options["help"]
    'print a JSON list'
    >>> JSON.options["help"]
    'print one JSON object instead of the table'
    """

    flags: tuple[str, ...]
    options: Mapping[str, Any]

    def __call__(self, **changes: Any) -> Arg:
        """The same argument with some keywords changed (its help, ``required``, ...)."""
        return Arg(self.flags, {**self.options, **changes})


def arg(*flags: str, **options: Any) -> Arg:
    """Declare an argument as ``add_argument(*flags, **options)`` would."""
    return Arg(flags, options)


def command(
    sub: Any, name: str, handler: Handler | None, *arguments: Arg, **parser_options: Any
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` to ``sub`` with ``arguments`` in order.

    ``parser_options`` go to ``add_parser`` (help, description, epilog, formatter_class);
    ``handler`` runs the command (None for a group of actions, which add their own).
    """
    p = sub.add_parser(name, **parser_options)
    for item in arguments:
        p.add_argument(*item.flags, **item.options)
    if handler is not None:
        p.set_defaults(handler=handler)
    return p


RAW = argparse.RawDescriptionHelpFormatter  # keeps the line breaks of descriptions and epilogs

# --------------------------------------------------------------------------
# The arguments several commands share
# --------------------------------------------------------------------------
SOURCE_HELP = "a sample name, a path to a scenario JSON file, or '-' for stdin"
SCENARIO_HELP = "a sample name (see the 'samples' command), a path to a scenario JSON file, or '-' for stdin"

SCENARIO = arg("scenario", metavar="SCENARIO", help=SCENARIO_HELP)
JSON = arg("--json", action="store_true", help="print one JSON object instead of the table")
OUT = arg(
    "--out", "-o", metavar="FILE", help="write to FILE (overwritten if it exists) instead of stdout; '-' is stdout"
)
DB = arg(
    "--db",
    metavar="URL",
    help=(
        "database URL, e.g. sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DB "
        f"(default: ${ENV_URL}, else {DEFAULT_URL} in the working directory)"
    ),
)
USER = arg(
    "--user",
    metavar="EMAIL",
    help="act as this member of its workspaces (default: local mode, scenarios in no workspace)",
)


def user_options(workspace_help: str) -> tuple[Arg, Arg]:
    """``--user`` and ``--workspace``, the latter with ``workspace_help`` (it needs --user)."""
    return USER, arg("--workspace", metavar="ID", help=workspace_help + " (needs --user)")
