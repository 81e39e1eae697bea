"""Reading the scenario a command names (a sample, a JSON file or stdin), the what-if options, and checks on inputs.

:func:`load_what_if` reads a command's ``SCENARIO`` and applies its what-if options
(:func:`apply_what_if`): ``--current-model``, then ``--placement``, ``--process`` and
``--set``, each left to right.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from salesops.cli.args import CURRENT_MODEL, LIST_ASSUMPTIONS, Placement, ProcessChoice, Setting, is_share
from salesops.cli.errors import EXIT_USAGE, CliError
from salesops.model.samples import list_samples, load_sample
from salesops.model.scenario import LATEST_MODEL, Scenario, ScenarioError
from salesops.model.parts import MODEL_4_ASSUMPTIONS

MAX_SCENARIO_BYTES = 64 * 1024 * 1024


def _sample_names() -> list[str]:
    return [info.name for info in list_samples()]


def _looks_like_path(ref: str) -> bool:
    return (
        "/" in ref
        or os.sep in ref
        or (os.altsep is not None and os.altsep in ref)
        or ref.lower().endswith(".json")
        or ref.startswith(("~", "."))
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


# The assumptions model version 4 added: a scenario made with an earlier model ignores them.


def _role_id(scenario: Scenario, role: str, option: str, text: str, where: str = "") -> str:
    """The role id ``role`` names (exactly, or in another case), or ``"all"``; else a usage error."""
    ids = [p.role.id for p in scenario.roles]
    if role.lower() == "all":
        return "all"
    if role in ids:
        return role
    folded = [i for i in ids if i.casefold() == role.casefold()]
    if len(folded) != 1:
        raise CliError(
            f"unknown role {role!r} in {option} {text}{where}; roles: {', '.join(ids) if ids else '(none)'}, all",
            EXIT_USAGE,
        )
    return folded[0]


def _apply_placements(scenario: Scenario, placements: Sequence[Placement], where: str = "") -> Scenario:
    for item in placements:
        scenario = scenario.with_placement(_role_id(scenario, item.role, "--placement", item.text, where), item.mode)
    return scenario


def _apply_processes(scenario: Scenario, choices: Sequence[ProcessChoice], where: str = "") -> Scenario:
    """Each ``--process ROLE=PROCESS`` in turn (``all`` sets every role).

    >>> from salesops.cli.args import parse_process
    >>> from salesops.model.samples import load_sample
    >>> choices = [parse_process("all=local"), parse_process("DEAL_DESK=standard")]
    >>> mid = _apply_processes(load_sample("midmarket"), choices)
    >>> sorted({p.role.id: p.process for p in mid.roles}.items())[:3]
    [('analytics', 'local'), ('crm_admin', 'local'), ('deal_desk', 'standard')]
    """
    for item in choices:
        role = _role_id(scenario, item.role, "--process", item.text, where)
        for plan in scenario.roles:
            if role in ("all", plan.role.id):
                scenario = scenario.with_process(plan.role.id, item.process)
    return scenario


def _apply_settings(scenario: Scenario, settings: Sequence[Setting], where: str = "") -> Scenario:
    """Every ``--set NAME=VALUE`` at once (a later NAME wins), so that their order never makes a set refused.

    A value the scenario refuses is a usage error naming the ``--set`` and the field.

    >>> from salesops.cli.args import parse_setting
    >>> from salesops.model.samples import load_sample
    >>> lagged = _apply_settings(load_sample("startup"), [parse_setting("ops_hiring_lag_months=6")])
    >>> lagged.assumptions.ops_hiring_lag_months
    6.0
    """
    changes = {item.name: item.value for item in settings}
    if not changes:
        return scenario
    try:
        return scenario.with_assumptions(**changes)
    except ScenarioError as exc:
        message = str(exc)
        last = {item.name: item for item in settings}  # the ones in force
        named = [item for name, item in last.items() if re.search(rf"(?<!\w){name}(?!\w)", message)]
        culprits = named or list(last.values())
        hint = (
            " (a share: e.g. 0.25 or 25%)"
            if any(is_share(item.name) and item.value > 1 for item in culprits)
            else f" ({LIST_ASSUMPTIONS} gives each one's plausible range)"
        )
        raise CliError(
            f"--set {', '.join(item.text for item in culprits)}{where}: {message}{hint}", EXIT_USAGE
        ) from None


def _ignored(scenario: Scenario, args: argparse.Namespace) -> list[str]:
    """The what-if options a scenario of an earlier model ignores (``--process``, model-4 assumptions)."""
    if scenario.model_version >= 4:
        return []
    ignored = ["--process"] if getattr(args, "process", None) else []
    names = dict.fromkeys(s.name for s in getattr(args, "settings", ()) if s.name in MODEL_4_ASSUMPTIONS)
    return ignored + [f"--set {name}" for name in names]


def apply_what_if(scenario: Scenario, args: argparse.Namespace, where: str = "") -> Scenario:
    """``scenario`` with a command's what-if options applied: ``--current-model``, ``--placement``,
    ``--process`` and ``--set``, in that order (each left to right).

    A command without some of these options skips them. When the scenario was made with an
    earlier model that ignores some of the options given, one ``warning:`` line on stderr says
    which (its figures do not move), and how to apply them (``--current-model``).

    Parameters
    ----------
    scenario : Scenario
    args : argparse.Namespace
        The parsed command line (``current_model``, ``placement``, ``process``, ``settings``).
    where : str
        Appended to the messages to say which scenario (``compare`` reads several).

    Raises
    ------
    CliError
        :data:`EXIT_USAGE` for an unknown role, or a value the scenario refuses (naming the field).
    """
    if getattr(args, "current_model", False) and scenario.model_version < LATEST_MODEL:
        scenario = scenario.upgraded()
    scenario = _apply_placements(scenario, getattr(args, "placement", ()), where)
    scenario = _apply_processes(scenario, getattr(args, "process", ()), where)
    scenario = _apply_settings(scenario, getattr(args, "settings", ()), where)
    ignored = _ignored(scenario, args)
    if ignored:
        print(
            f"warning: scenario {scenario.name!r}{where} was made with model version {scenario.model_version}, "
            f"which ignores {' and '.join(ignored)} (model version 4 adds them): its figures do not move; "
            f"add {CURRENT_MODEL.flags[0]} to use the current model",
            file=sys.stderr,
        )
    return scenario


def load_what_if(args: argparse.Namespace) -> Scenario:
    """Read ``args.scenario`` (:func:`load_scenario`) and apply the what-if options (:func:`apply_what_if`)."""
    return apply_what_if(load_scenario(args.scenario), args)


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
        raise CliError(
            f"--out {out!r} is the input file {source!r}; writing it would destroy the input: choose another file",
            EXIT_USAGE,
        )
