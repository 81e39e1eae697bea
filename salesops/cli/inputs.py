"""Reading the scenario a command names (a sample, a JSON file or stdin), and checks on inputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from salesops.cli.args import Placement
from salesops.cli.errors import EXIT_USAGE, CliError
from salesops.model.samples import list_samples, load_sample
from salesops.model.scenario import Scenario, ScenarioError

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
