"""The command line (``python -m salesops``).

May import every layer except :mod:`salesops.ui`.

Twelve subcommands (``scenarios`` has four actions):

``samples``
    List the shipped sample scenarios as an aligned table.
``assumptions [SCENARIO] [--json]``
    List every assumption ``--set`` takes: name, default, plausible low and high,
    unit and firmness (``--json`` adds the source); with a scenario, its own values.
``evaluate SCENARIO [what-if options] [--json]``
    Evaluate a sample (``startup``, ``midmarket``, ``enterprise``) or a scenario
    JSON file and print a readable report, or one JSON object with ``--json``.
``synth --reps N --regions R [--placement MODE] [--out FILE]``
    Write a synthetic scenario as JSON to ``FILE`` or to stdout.
``import FILE [--map COLUMN=FIELD ...] [--out SCENARIO.json] [--name NAME] [--virtual-root] [--drop-other]``
    Import an HRIS export (CSV or XLSX), print what was found and write the
    scenario JSON to ``--out``. A rejected file prints one ``error:`` line for
    its first problem and one indented line for each other problem.
``export SCENARIO [--format csv|graphml] [what-if options] [--out FILE]``
    Write a scenario's org, one person per row (or node), as CSV or GraphML.
``calibrate SCENARIO --selling-share S [--admin-hours H] [what-if options] [--out FILE] [--json]``
    Fit the scenario to a client's time study (:mod:`salesops.model.calibration`) and
    write the fitted scenario as JSON, with a report of the fit (before and after,
    every warning) on stderr, or as one JSON object with ``--json``.
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
``compare A B ... [what-if options] [--json] [--user EMAIL [--workspace ID]]``
    Headline figures of several scenarios side by side (samples, JSON files or
    saved ids, ``ID@V`` for a given version) with the difference from the first.
``simulate SCENARIO [--draws N] [--seed S] [what-if options] [--json]``, ``sensitivity SCENARIO [...]``
    Monte Carlo P10/P50/P90 over the assumption ranges; the tornado of one-at-a-time swings.
``optimize SCENARIO [--objective net|npv|roi] [--draws N] [--seed S] [what-if options] [--json]``
    The recommended placement of every role by net value, its runner-up, its odds of
    winning over the Monte Carlo draws, the assumptions that flip it, and the reasons.

The what-if options, on every command that evaluates a scenario, are applied in this
order: ``--current-model`` (a scenario made with an earlier model moves to the current
one), ``--placement ROLE=MODE``, ``--process ROLE=standard|local`` and ``--set NAME=VALUE``
(an assumption; a share also as a percentage, ``25%``), each repeatable and applied left
to right. A scenario of an earlier model that ignores some of them says so in one
``warning:`` line on stderr.

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
  ``--placement`` or process in ``--process``, an unknown assumption in ``--set`` (the
  closest names are listed) or a value the scenario refuses (naming the field),
  ``--reps``/``--regions`` or ``--selling-share``/``--admin-hours`` out of range,
  argparse usage errors);
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
    python -m salesops evaluate enterprise --set ops_hiring_lag_months=6 --set discount_leakage_share=1%
    python -m salesops calibrate midmarket --selling-share 30% --admin-hours 2 --out fitted.json
    python -m salesops synth --reps 300 --regions 4 --out org.json && python -m salesops evaluate org.json --json
    python -m salesops scenarios save midmarket --name "Mid-market plan" --note "as shipped"
    python -m salesops compare midmarket ID ID@1 --json

Modules
-------
:mod:`~salesops.cli.app` (the parser, :func:`main`, exit statuses and error lines),
:mod:`~salesops.cli.args` (argument types, and each shared option declared once),
:mod:`~salesops.cli.errors`, :mod:`~salesops.cli.inputs` (reading a scenario),
:mod:`~salesops.cli.formatting` (plain-text tables), :mod:`~salesops.cli.database`
(``--db``, ``--user``, saved ids), and one module per group of commands:
:mod:`~salesops.cli.model_cmds` (samples, evaluate, compare, simulate, sensitivity),
:mod:`~salesops.cli.assumption_cmds` (assumptions, calibrate), :mod:`~salesops.cli.advice_cmds`
(optimize), :mod:`~salesops.cli.file_cmds` (synth, import, export), :mod:`~salesops.cli.store_cmds`
(scenarios list, save, show) and :mod:`~salesops.cli.access_cmds` (scenarios workspace).
"""

from __future__ import annotations

from salesops.cli.app import build_parser, main
from salesops.cli.args import PROG as PROG
from salesops.cli.args import (
    Placement,
    ProcessChoice,
    Setting,
    parse_column_map,
    parse_mode,
    parse_placement,
    parse_process,
    parse_setting,
)
from salesops.cli.errors import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CliError
from salesops.cli.file_cmds import EXPORT_FORMATS as EXPORT_FORMATS
from salesops.cli.inputs import MAX_SCENARIO_BYTES as MAX_SCENARIO_BYTES
from salesops.cli.inputs import load_scenario
from salesops.cli.model_cmds import COMPARE_METRICS as COMPARE_METRICS

__all__ = [
    "EXIT_DATA",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "Placement",
    "ProcessChoice",
    "Setting",
    "build_parser",
    "load_scenario",
    "main",
    "parse_column_map",
    "parse_mode",
    "parse_placement",
    "parse_process",
    "parse_setting",
]
