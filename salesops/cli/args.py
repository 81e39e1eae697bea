"""Declaring the command line: the argument types, and each argument declared once.

An argument is an :class:`Arg` (the flags and keywords of ``add_argument``); the
options several commands share (``SCENARIO``, ``--json``, ``--out``, ``--user``,
``--workspace``, ``--db``, and the what-if options ``--placement``, ``--process``,
``--set`` and ``--current-model`` of :data:`WHAT_IF`) are declared here once, and a
command changes only what differs (``JSON(help=...)``). :func:`command` adds a
subcommand with its arguments in order and the handler that runs it.
"""

from __future__ import annotations

import argparse
import difflib
import math
from dataclasses import fields
from typing import Any, Callable, Mapping, NamedTuple, NoReturn

from salesops.cli.errors import EXIT_USAGE, CliError
from salesops.model.samples import MAX_SYNTH_REGIONS
from salesops.model.scenario import LATEST_MODEL, PLACEMENTS, PROCESSES, Assumptions, assumption_info
from salesops.readwrite import hris
from salesops.store import DEFAULT_URL, ENV_URL

PROG = "python -m salesops"
# The placement modes and the processes, for help texts.
MODES = ", ".join(PLACEMENTS)
PROCESS_NAMES = ", ".join(PROCESSES)
# The command that lists every assumption NAME of --set.
LIST_ASSUMPTIONS = f"'{PROG} assumptions'"
MAX_VALUE_CHARS = 64  # a --set VALUE longer than this is no number anyone means
HOURS_IN_A_WEEK = 168

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


class Setting(NamedTuple):
    """One ``--set NAME=VALUE`` argument: the assumption, its value as a number, and the text as typed."""

    name: str
    value: float
    text: str


class ProcessChoice(NamedTuple):
    """One ``--process ROLE=PROCESS`` argument, with the text as typed."""

    role: str
    process: str
    text: str


def assumption_names() -> tuple[str, ...]:
    """Every field of :class:`~salesops.model.parts.Assumptions`, in its order: the NAMEs of ``--set``."""
    return tuple(f.name for f in fields(Assumptions))


def is_share(name: str) -> bool:
    """Whether assumption ``name`` is a share (its unit says so), so that ``--set`` also takes ``25%``.

    Examples
    --------
    >>> is_share("discount_leakage_share"), is_share("attrition_per_year"), is_share("ops_hiring_lag_months")
    (True, True, False)
    """
    return str(assumption_info().get(name, {}).get("unit", "")).startswith("share")


def closest_names(text: str, names: tuple[str, ...], count: int = 4) -> list[str]:
    """The names most like ``text``: those that contain it, then the closest by :mod:`difflib`.

    Examples
    --------
    >>> closest_names("leakage", assumption_names())
    ['discount_leakage_share']
    >>> closest_names("hiring_lag", assumption_names())[0]
    'ops_hiring_lag_months'
    """
    key = text.strip().lower()
    found = [n for n in names if key and key in n]
    found += [n for n in difflib.get_close_matches(key, names, n=count, cutoff=0.5) if n not in found]
    return found[:count]


def parse_setting(text: str) -> Setting:
    """Parse ``NAME=VALUE`` of ``--set``; the value is checked against the scenario later.

    NAME is a field of :class:`~salesops.model.parts.Assumptions` (any case, ``-`` for ``_``);
    VALUE is a finite number, and a share may also be written as a percentage (``25%``).

    Raises
    ------
    argparse.ArgumentTypeError
        If there is no ``=``, NAME is unknown (naming the closest names), or VALUE is not a number.

    Examples
    --------
    >>> parse_setting("ops_hiring_lag_months=6")
    Setting(name='ops_hiring_lag_months', value=6.0, text='ops_hiring_lag_months=6')
    >>> parse_setting("Discount-Leakage-Share = 1.5%").value
    0.015
    >>> parse_setting("horizon_months=60").value
    60
    """
    name, sep, raw = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE (e.g. ops_hiring_lag_months=6), got {text!r}")
    name = name.strip().lower().replace("-", "_")
    if not name:
        raise argparse.ArgumentTypeError(f"missing NAME before '=' in {text!r}")
    names = assumption_names()
    if name not in names:
        near = closest_names(name, names)
        raise argparse.ArgumentTypeError(
            f"unknown assumption {name!r} in {text}; closest: {', '.join(near) if near else 'none'}; "
            f"{LIST_ASSUMPTIONS} lists them all"
        )
    raw = raw.strip()
    percent = raw.endswith("%")
    number = raw[:-1].strip() if percent else raw
    try:
        if len(raw) > MAX_VALUE_CHARS:
            raise ValueError
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{name} needs a number, got {raw!r} in {text}" + (" (a share: e.g. 0.25 or 25%)" if is_share(name) else "")
        ) from None
    if percent:
        if not is_share(name):
            unit = assumption_info().get(name, {}).get("unit") or "a plain number"
            raise argparse.ArgumentTypeError(
                f"{name} is not a share ({unit}): give it without '%', got {raw!r} in {text}"
            )
        value /= 100.0
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{name} needs a finite number, got {raw!r} in {text}")
    if name == "horizon_months" and value.is_integer():
        return Setting(name=name, value=int(value), text=text)
    return Setting(name=name, value=value, text=text)


def parse_process(text: str) -> ProcessChoice:
    """Parse ``ROLE=PROCESS`` of ``--process``; the role is checked later against the scenario.

    Raises
    ------
    argparse.ArgumentTypeError
        If there is no ``=``, the role is blank or the process is unknown.

    Examples
    --------
    >>> parse_process("deal_desk=Local")
    ProcessChoice(role='deal_desk', process='local', text='deal_desk=Local')
    """
    role, sep, process = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected ROLE=PROCESS (e.g. all=local), got {text!r}")
    role = role.strip()
    if not role:
        raise argparse.ArgumentTypeError(f"missing ROLE before '=' in {text!r}")
    normalized = process.strip().lower()
    if normalized not in PROCESSES:
        raise argparse.ArgumentTypeError(f"unknown process {process!r} in {text}; processes: {PROCESS_NAMES}")
    return ProcessChoice(role=role, process=normalized, text=text)


def parse_share(text: str) -> float:
    """A share above 0 and at most 1, as a fraction (``0.28``) or a percentage (``28%``).

    Examples
    --------
    >>> parse_share("0.28"), parse_share(" 28% ")
    (0.28, 0.28)
    """
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        if len(raw) > MAX_VALUE_CHARS:
            raise ValueError
        value = float(raw[:-1] if percent else raw) / (100.0 if percent else 1.0)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0.0 < value <= 1.0):
        big = not percent and math.isfinite(value) and 1.0 < value <= 100.0
        hint = f" (for {value:g}% write {value / 100:g} or {value:g}%)" if big else ""
        raise argparse.ArgumentTypeError(f"must be a share above 0 and at most 1, as 0.28 or 28%, got {text!r}{hint}")
    return value


def _hours(text: str) -> float:
    """Hours per rep-week, from 0 to the hours in a week (checked against the scenario's week later).

    >>> _hours("2.5")
    2.5
    """
    try:
        if len(text) > MAX_VALUE_CHARS:
            raise ValueError
        value = float(text.strip())
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0.0 <= value <= HOURS_IN_A_WEEK):
        raise argparse.ArgumentTypeError(f"must be hours per rep-week from 0 to {HOURS_IN_A_WEEK}, got {text!r}")
    return value


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


MAX_REGION_CHOICES = 1_000  # --region options of one import
_MAX_LOCATION_CHARS = 200
_MAX_REGION_CHARS = 80


def parse_region_map(text: str) -> tuple[str, str]:
    """Parse ``LOCATION=REGION`` of ``import --region``: put the people of a location (as the file writes
    it, any case) in a region, an existing one ("EMEA") or a new one.

    Raises
    ------
    argparse.ArgumentTypeError
        If there is no ``=``, either side is blank, or a side is too long.

    Examples
    --------
    >>> parse_region_map("Manchester = UK & Ireland")
    ('Manchester', 'UK & Ireland')
    >>> parse_region_map("Remote - Lisbon=EMEA")
    ('Remote - Lisbon', 'EMEA')
    """
    location, sep, region = text.rpartition("=")
    location, region = " ".join(location.split()), " ".join(region.split())
    if not sep:
        raise argparse.ArgumentTypeError(f"expected LOCATION=REGION (e.g. 'Manchester=EMEA'), got {text!r}")
    if not location or not region:
        raise argparse.ArgumentTypeError(f"need both a LOCATION and a REGION in {text!r}")
    if len(location) > _MAX_LOCATION_CHARS or len(region) > _MAX_REGION_CHARS:
        raise argparse.ArgumentTypeError(
            f"LOCATION may have up to {_MAX_LOCATION_CHARS} characters and REGION up to {_MAX_REGION_CHARS}"
        )
    return location, region


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


# The what-if options of every command that evaluates a scenario, applied in this order:
# --current-model, then --placement, --process and --set (salesops.cli.inputs.apply_what_if).
PLACEMENT = arg(
    "--placement",
    "-p",
    metavar="ROLE=MODE",
    action="append",
    default=[],
    type=parse_placement,
    help=(
        f"move ROLE (a role id of the scenario, or 'all') to MODE ({MODES}, any case); "
        "may repeat, applied left to right; e.g. -p all=localized -p deal_desk=centralized"
    ),
)
PROCESS = arg(
    "--process",
    metavar="ROLE=PROCESS",
    action="append",
    default=[],
    type=parse_process,
    help=(
        "have ROLE's embedded teams (a role id, or 'all') work to PROCESS: standard (the hub's one "
        "process: its throughput gain and control, at a compliance overhead) or local (a process of "
        "their own); may repeat, applied left to right; e.g. --process all=local --process deal_desk=standard"
    ),
)
SET = arg(
    "--set",
    metavar="NAME=VALUE",
    action="append",
    default=[],
    dest="settings",
    type=parse_setting,
    help=(
        "set assumption NAME to VALUE for this run: a number, and a share also as a percentage "
        f"(0.25 or 25%%); may repeat, a later NAME wins; {LIST_ASSUMPTIONS} lists every NAME with its "
        "default, plausible range and unit; e.g. --set ops_hiring_lag_months=6 --set discount_leakage_share=1%%"
    ),
)
CURRENT_MODEL = arg(
    "--current-model",
    action="store_true",
    help=(
        f"first move a scenario made with an earlier model to the current one (version {LATEST_MODEL}: "
        "fractional staffing, control value, the value chain, the transition), as the app's "
        "'Use the current model' does; an earlier model ignores --process and the model-4 assumptions"
    ),
)
WHAT_IF = (PLACEMENT, PROCESS, SET, CURRENT_MODEL)
# The examples of the what-if options, for a command's epilog: "{command}" is the command and its SCENARIO.
WHAT_IF_EXAMPLES = (
    "  {command} --set ops_hiring_lag_months=6 --set reorg_one_off_usd=250000\n"
    "  {command} -p all=localized --process all=local --set discount_leakage_share=1.5%"
)
