"""Classification rules: a person's kind and catalog role from their title and department.

:class:`Rule` (a case-insensitive pattern run on RE2, a linear-time engine), the rules of
``data/classification_rules.csv`` (:func:`load_rules`), the editable table (:func:`rules_frame`,
:func:`rules_from_frame`) and :func:`classify`.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd
import re2

from salesops.model.limits import MAX_PATTERN_CHARS, MAX_RULES, MAX_TITLE_CHARS
from salesops.model.paths import DATA_DIR
from salesops.model.positions import KINDS
from salesops.model.roles import load_catalog
from salesops.readwrite.hris.errors import RuleError


RULES_PATH = DATA_DIR / "classification_rules.csv"
RULE_FIELDS = ("title", "department", "any")


# --------------------------------------------------------------------------
# Classification rules
# --------------------------------------------------------------------------
# Rule patterns run on RE2, a linear-time engine: no pattern can backtrack, so classifying a title
# costs time proportional to its length (capped at MAX_TITLE_CHARS) whatever the pattern is.
# RE2 refuses what needs backtracking (backreferences, lookaround, possessive or atomic groups).
# Two differences from Python's re remain: RE2's \b, \w and \d are ASCII (so a word next to an
# accented letter may match where re would not), and its \s is [\t\n\f\r ]; titles are matched with
# every other whitespace character (no-break space, ...) turned into a space, so \s matches those.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.case_sensitive = False
_RE2_OPTIONS.never_capture = True  # only "does it match" is asked: no groups to track
_RE2_OPTIONS.log_errors = False
_OTHER_SPACES = (
    "\x0b\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)  # str.isspace() but not RE2's \s
_SPACES_TO_SPACE = str.maketrans(dict.fromkeys(_OTHER_SPACES, " "))


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    """``pattern`` compiled by RE2, case-insensitive (raises ``re2.error``)."""
    return re2.compile(pattern, _RE2_OPTIONS)


def _rule_text(text: str) -> str:
    """What the rules see of a title or department: its first MAX_TITLE_CHARS characters."""
    return text[:MAX_TITLE_CHARS].translate(_SPACES_TO_SPACE)


def _short(pattern: str, limit: int = 60) -> str:
    return pattern if len(pattern) <= limit else pattern[:limit] + "..."


def _check_pattern(pattern: str, where: str) -> None:
    """Compile ``pattern`` with RE2 or raise a RuleError saying why it cannot be used."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RuleError(f"{where}: the pattern has {len(pattern):,} characters; the limit is {MAX_PATTERN_CHARS:,}")
    try:
        _compiled(pattern)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as py_exc:
            raise RuleError(f"{where}: not a valid regular expression: {py_exc}") from None
        raise RuleError(
            f"{where}: not supported by the linear-time regular-expression engine (RE2): {reason}; "
            "backreferences, lookahead and lookbehind, possessive or atomic groups and repeat "
            "counts over 1000 are not available"
        ) from None


def _check_rule_count(count: int) -> None:
    if count > MAX_RULES:
        raise RuleError(f"{count:,} classification rules; the limit is {MAX_RULES:,}")


@dataclass(frozen=True)
class Rule:
    """One classification rule: a case-insensitive regex on a title or department.

    Parameters
    ----------
    priority : int
        Rules are tried from the lowest priority number up; the first match wins.
    field : {"title", "department", "any"}
        Where the pattern is searched (``any``: the title, then the department).
    pattern : str
        Regular expression, searched case-insensitively with RE2 (linear time;
        no backreferences or lookaround) in the first
        :data:`~salesops.model.limits.MAX_TITLE_CHARS` characters; at most
        :data:`~salesops.model.limits.MAX_PATTERN_CHARS` characters.
    kind : {"leader", "manager", "rep", "sales_ops", "other"}
    role_id : str
        Catalog role of a ``sales_ops`` rule (blank otherwise).
    note : str
        Why the rule exists; shown as the reason of a classification.

    Raises
    ------
    RuleError
        Naming the bad field, kind, role or pattern.
    """

    priority: int
    field: str
    pattern: str
    kind: str
    role_id: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        where = f"rule {self.priority} ({_short(self.pattern) if isinstance(self.pattern, str) else self.pattern!r})"
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise RuleError(f"rule priority must be a whole number, got {self.priority!r}")
        if self.field not in RULE_FIELDS:
            raise RuleError(f"{where}: field must be one of {', '.join(RULE_FIELDS)}, got {self.field!r}")
        if self.kind not in KINDS:
            raise RuleError(f"{where}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if not isinstance(self.pattern, str) or not self.pattern.strip():
            raise RuleError(f"{where}: pattern must not be blank")
        _check_pattern(self.pattern, where)
        if self.kind == "sales_ops":
            catalog = load_catalog()
            if self.role_id not in catalog:
                raise RuleError(
                    f"{where}: a sales_ops rule needs a role_id from the catalog "
                    f"({', '.join(catalog)}), got {self.role_id!r}"
                )
        elif self.role_id:
            raise RuleError(f"{where}: role_id {self.role_id!r} is only for kind 'sales_ops', not {self.kind!r}")

    def matches(self, title: str, department: str) -> bool:
        """Whether the pattern is found in the title or department (as :attr:`field` says)."""
        return self._search(_rule_text(title), _rule_text(department))

    def _search(self, title: str, department: str) -> bool:
        regex = _compiled(self.pattern)
        if self.field == "title":
            return regex.search(title) is not None
        if self.field == "department":
            return regex.search(department) is not None
        return regex.search(title) is not None or regex.search(department) is not None

    @property
    def label(self) -> str:
        return f"rule {self.priority}: {self.note}" if self.note else f"rule {self.priority}: {self.pattern}"


def _rule_from_record(record: Mapping[str, Any], where: str) -> Rule:
    missing = [c for c in ("priority", "field", "pattern", "kind") if c not in record]
    if missing:
        raise RuleError(f"{where}: missing column(s) {', '.join(missing)}")
    raw_priority = record["priority"]
    try:
        priority = int(str(raw_priority).strip())
    except ValueError:
        raise RuleError(f"{where}: priority must be a whole number, got {raw_priority!r}") from None

    def text(name: str) -> str:
        value = record.get(name, "")
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()

    try:
        return Rule(
            priority, text("field").lower(), text("pattern"), text("kind").lower(), text("role_id"), text("note")
        )
    except RuleError as exc:
        raise RuleError(f"{where}: {exc}") from None


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """The classification rules, from ``data/classification_rules.csv`` by default.

    Returns
    -------
    list of Rule
        In priority order (ties keep file order): a fresh, editable list.

    Raises
    ------
    RuleError
        Naming the file row of a bad rule.

    Examples
    --------
    >>> rules = load_rules()
    >>> classify("Senior AE", "", rules), classify("Deal Desk Analyst", "", rules)
    (('rep', ''), ('sales_ops', 'deal_desk'))
    """
    target = Path(path) if path is not None else RULES_PATH
    return list(_load_rules_cached(str(target)))


@lru_cache(maxsize=8)
def _load_rules_cached(path: str) -> tuple[Rule, ...]:
    rules = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=2):
            _check_rule_count(i - 1)
            rules.append(_rule_from_record(rec, f"{Path(path).name} row {i}"))
    return tuple(sorted(rules, key=lambda r: r.priority))


def rules_frame(rules: Sequence[Rule]) -> pd.DataFrame:
    """The rules as a DataFrame (for an editable table)."""
    return pd.DataFrame(
        [
            {
                "priority": r.priority,
                "field": r.field,
                "pattern": r.pattern,
                "kind": r.kind,
                "role_id": r.role_id,
                "note": r.note,
            }
            for r in rules
        ],
        columns=["priority", "field", "pattern", "kind", "role_id", "note"],
    )


def rules_from_frame(frame: pd.DataFrame) -> list[Rule]:
    """Rules from an edited table, in priority order.

    Raises
    ------
    RuleError
        Naming the table row (1-based) of a bad rule, or more rules than
        :data:`~salesops.model.limits.MAX_RULES`.
    """
    _check_rule_count(len(frame))
    rules = [_rule_from_record(rec, f"rules row {i}") for i, rec in enumerate(frame.to_dict("records"), start=1)]
    return sorted(rules, key=lambda r: r.priority)


def _match(title: str, department: str, rules: Sequence[Rule]) -> Rule | None:
    title, department = _rule_text(title), _rule_text(department)
    for rule in rules:
        if rule._search(title, department):
            return rule
    return None


def classify(title: str, department: str, rules: Sequence[Rule]) -> tuple[str, str]:
    """Kind and catalog role of a person from their title and department.

    The first rule (lowest priority number) that matches wins; nothing matching
    means ``("other", "")``. The rules see the first
    :data:`~salesops.model.limits.MAX_TITLE_CHARS` characters of each, and run on RE2,
    so the time is linear in that length whatever the patterns.

    Raises
    ------
    RuleError
        For more rules than :data:`~salesops.model.limits.MAX_RULES`.

    Examples
    --------
    >>> rules = load_rules()
    >>> classify("VP Sales Operations", "", rules)
    ('leader', '')
    >>> classify("Analyst", "Revenue Operations", rules)
    ('sales_ops', 'analytics')
    >>> classify("Recruiter", "People", rules)
    ('other', '')
    >>> classify("vp " * 8000, "", rules)  # once 12 s of backtracking; now microseconds
    ('other', '')
    """
    _check_rule_count(len(rules))
    ordered = sorted(rules, key=lambda r: r.priority)
    rule = _match(title or "", department or "", ordered)
    return (rule.kind, rule.role_id) if rule is not None else ("other", "")
