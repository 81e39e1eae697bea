"""The JSON Schema of the scenario file format, and a loader that applies it.

``data/scenario.schema.json`` (draft 2020-12) describes the documents that
:meth:`Scenario.to_json` writes and :meth:`Scenario.from_dict` reads: schema
``"salesops.scenario"``, versions 1 and 2 (version 1 had no ``positions``). It
mirrors the field checks of :mod:`salesops.model.scenario` and :mod:`salesops.model.roles`
(required fields, types, enums, numeric ranges, unknown fields refused where the
code refuses them), so other tools can check a file without Python. What a
schema cannot say (``hq_region`` names one of the regions, unique ids, known
regions in ``local_fte``, ``max_selling_time_share`` at least
``baseline_selling_time_share``, positions forming one tree whose counts match
the regions) is checked when the :class:`Scenario` is built.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> load_scenario_file(load_sample("startup").to_json()) == load_sample("startup")
True
>>> validate_document({"schema": "salesops.scenario", "version": 2, "name": "x", "hq_region": "a",
...                    "regions": [{"id": "a", "name": "A", "reps": -3, "managers": 1}], "roles": []})
Traceback (most recent call last):
...
salesops.readwrite.schema.SchemaViolation: the scenario file does not match the schema (1 problem):
- regions[0].reps: -3 is less than the minimum of 0
"""

from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache
from typing import Any, Iterable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from salesops.model.limits import MAX_POSITIONS, MAX_REGIONS, MAX_ROLES
from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Scenario, ScenarioError

__all__ = [
    "MAX_LISTED_PROBLEMS",
    "SCHEMA_PATH",
    "SchemaViolation",
    "json_path",
    "load_scenario_file",
    "scenario_schema",
    "validate_document",
]

SCHEMA_PATH = DATA_DIR / "scenario.schema.json"
MAX_LISTED_PROBLEMS = 10  # problems named in the message
_MAX_COLLECTED = 1_000  # problems kept on the exception (a 10,000-row file can have one per row)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SchemaViolation(ScenarioError):
    """A document does not match the scenario schema.

    ``problems`` holds one message per problem (up to 1,000), each starting with
    the JSON path of the value, e.g. ``"regions[1].reps: -3 is less than the
    minimum of 0"``; the exception's message lists the first
    :data:`MAX_LISTED_PROBLEMS`.
    """

    def __init__(self, problems: list[str], more: bool = False) -> None:
        self.problems = list(problems)
        count = f"{len(problems)}{'+' if more else ''} problem{'' if len(problems) == 1 and not more else 's'}"
        lines = [f"- {p}" for p in problems[:MAX_LISTED_PROBLEMS]]
        hidden = len(problems) - MAX_LISTED_PROBLEMS
        if hidden > 0 or more:
            lines.append(f"- ... and {'at least ' if more else ''}{max(hidden, 0)} more")
        super().__init__(f"the scenario file does not match the schema ({count}):\n" + "\n".join(lines))


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def scenario_schema() -> dict[str, Any]:
    """The scenario JSON Schema as a dict (a fresh copy each call).

    Examples
    --------
    >>> scenario_schema()["properties"]["schema"]
    {'const': 'salesops.scenario'}
    """
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(scenario_schema())


def json_path(path: Iterable[Any]) -> str:
    """A JSON path as a reader writes it: ``regions[1].reps``; ``(top level)`` for the document.

    Examples
    --------
    >>> json_path(["regions", 1, "reps"]), json_path([]), json_path(["roles", 0, "local_fte", "eu west"])
    ('regions[1].reps', '(top level)', 'roles[0].local_fte["eu west"]')
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "(top level)"


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_NAMES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def _message(error: ValidationError) -> str:
    """One problem in words; never the repr of a large value."""
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return f"missing field(s) {', '.join(missing)}"
    if kind == "additionalProperties" and isinstance(value, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in known)
        return f"unknown field(s) {', '.join(map(str, extra))}"
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return f"must be {' or '.join(_TYPE_NAMES.get(t, t) for t in types)}, got {_short(value)}"
    if kind == "minimum":
        return f"{_short(value)} is less than the minimum of {expected}"
    if kind == "maximum":
        return f"{_short(value)} is greater than the maximum of {expected}"
    if kind == "exclusiveMinimum":
        return f"{_short(value)} must be greater than {expected}"
    if kind == "exclusiveMaximum":
        return f"{_short(value)} must be less than {expected}"
    if kind == "enum":
        return f"{_short(value)} is not one of {', '.join(map(repr, expected))}"
    if kind == "const":
        return f"must be {expected!r}, got {_short(value)}"
    if kind == "pattern" and expected == "\\S":
        return "must not be blank"
    if kind == "pattern" and isinstance(value, str) and "\\u0000" in str(expected):  # the text patterns
        if expected.startswith("^(?=") and not value.strip():
            return "must not be blank"
        return "holds a character that is not printable (a control character or a lone surrogate)"
    if kind == "maxLength":
        return f"is {len(value):,} characters; the limit is {expected:,}"
    if kind == "maxItems":
        return f"has {len(value):,} items; the limit is {expected:,}"
    if kind == "minItems":
        return f"needs at least {expected} item{'' if expected == 1 else 's'}"
    if kind == "not" and isinstance(error.schema, dict) and error.schema.get("description"):
        return str(error.schema["description"])
    text = error.message
    return text if len(text) <= 200 else text[:197] + "..."


def _sort_key(error: ValidationError) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path)


def validate_document(data: object) -> None:
    """Check a parsed JSON document against the scenario schema.

    Parameters
    ----------
    data : object
        The result of ``json.loads`` on a scenario file.

    Raises
    ------
    SchemaViolation
        Naming the JSON path of each problem, e.g. ``regions[1].reps: -3 is less
        than the minimum of 0``, the first :data:`MAX_LISTED_PROBLEMS` in the
        message (sorted by path, list items in order) and all of them in ``problems``.
    """
    try:
        errors = list(itertools.islice(_validator().iter_errors(data), _MAX_COLLECTED + 1))
    except RecursionError:
        raise SchemaViolation(["(top level): the document is nested too deeply"]) from None
    if not errors:
        return
    more = len(errors) > _MAX_COLLECTED
    errors = sorted(errors[:_MAX_COLLECTED], key=_sort_key)
    raise SchemaViolation([f"{json_path(e.absolute_path)}: {_message(e)}" for e in errors], more=more)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (write a finite number)")


def load_scenario_file(text: str | bytes) -> Scenario:
    """Parse, check against the schema and build a scenario file.

    Parameters
    ----------
    text : str or bytes
        The file's content; bytes must be UTF-8 (a byte-order mark is fine).

    Returns
    -------
    Scenario

    Raises
    ------
    SchemaViolation
        If the document does not match the schema (a :class:`ScenarioError`).
    ScenarioError
        If it is not UTF-8 or not JSON (``NaN`` and ``Infinity`` are refused), or
        for the problems a schema cannot express (an ``hq_region`` that is not a
        region, duplicate ids, positions that do not form one tree, ...).
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"the scenario file is not UTF-8 text (byte {exc.start})") from None
    elif not isinstance(text, str):
        raise ScenarioError(f"a scenario file must be text or bytes, got {type(text).__name__}")
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ScenarioError("not a scenario: the JSON is nested too deeply") from None
    except ValueError as exc:  # NaN / Infinity, or an integer with thousands of digits
        raise ScenarioError(f"not valid JSON: {exc}") from None
    _check_sizes(data)
    validate_document(data)
    return Scenario.from_dict(data)


def _check_sizes(data: object) -> None:
    """Refuse an oversized document before the schema walks every item of it."""
    if not isinstance(data, dict):
        return
    for key, limit, what in (
        ("regions", MAX_REGIONS, "regions"),
        ("roles", MAX_ROLES, "sales-ops roles"),
        ("positions", MAX_POSITIONS, "people"),
    ):
        items = data.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise ScenarioError(f"the scenario has {len(items):,} {what}; the limit is {limit:,}")
