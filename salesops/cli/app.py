"""The application: the ``python -m salesops`` parser, and :func:`main` with its exit statuses and errors."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

from salesops import __version__
from salesops.cli.advice_cmds import add_optimize
from salesops.cli.args import PROG, _Parser
from salesops.cli.assumption_cmds import add_assumptions, add_calibrate
from salesops.cli.errors import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, CliError
from salesops.cli.file_cmds import add_export, add_import, add_synth
from salesops.cli.model_cmds import add_compare, add_evaluate, add_samples, add_sensitivity, add_simulate
from salesops.cli.store_cmds import add_scenarios
from salesops.model.scenario import ScenarioError

# The commands, in the order ``python -m salesops --help`` lists them.
COMMANDS = (
    add_samples,
    add_assumptions,
    add_evaluate,
    add_synth,
    add_import,
    add_export,
    add_calibrate,
    add_scenarios,
    add_compare,
    add_simulate,
    add_sensitivity,
    add_optimize,
)


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The ``python -m salesops`` argument parser with its subcommands."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Sales-operations org design: evaluate centralized, localized and hybrid "
            "placements of sales-ops roles (ROI, payback, productivity per rep)."
        ),
        epilog=(
            "Exit status: 0 ok, 1 unreadable/invalid file or unwritable output, 2 bad command line. "
            f"Run '{PROG} COMMAND --help' for the options of a command. Every command that evaluates "
            "a scenario takes --placement ROLE=MODE, --process ROLE=PROCESS and --set NAME=VALUE "
            f"(e.g. --set ops_hiring_lag_months=6; '{PROG} assumptions' lists every NAME)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


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
        return _error(
            f"internal error: {type(exc).__name__}: {exc} (set SALESOPS_DEBUG=1 for the traceback)", EXIT_INTERNAL
        )
