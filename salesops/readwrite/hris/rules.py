"""Classification rules: a person's kind and catalog role from their title and department.

:class:`Rule` says in plain words what it looks for (the title or department *contains*, *equals* or
*starts with* a text, compared case-insensitively with spaces tidied, no regular expression involved) or,
for advanced use, a case-insensitive pattern run on RE2, a linear-time engine. Also the rules of
``data/classification_rules.csv`` (:func:`load_rules`), the editable table (:func:`rules_frame`,
:func:`rules_from_frame`), the page's list of plain dicts (:func:`rule_to_dict`, :func:`rules_from_dicts`),
:func:`classify` and :func:`match_all`, which classifies a whole file under a time limit.
"""

from __future__ import annotations

import csv
import math
import re
import time
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
RULE_MATCHES = ("contains", "equals", "starts_with", "pattern")
DEFAULT_TIME_LIMIT = 1.0  # seconds for classifying a whole file (match_all)
CHECK_EVERY = 256  # distinct (title, department) pairs between two looks at the clock
_FIELD_WORDS = {"title": "title", "department": "department", "any": "title or department"}
_MATCH_WORDS = {
    "contains": "contains",
    "equals": "equals",
    "starts_with": "starts with",
    "pattern": "matches the pattern",
}


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


@lru_cache(maxsize=1024)
def _casefolded(text: str) -> str:
    return text.casefold()


def _rule_text(text: str) -> str:
    """What the rules see of a title or department: its first MAX_TITLE_CHARS characters."""
    return text[:MAX_TITLE_CHARS].translate(_SPACES_TO_SPACE)


def _plain(text: str) -> str:
    """What a plain rule compares: spaces tidied (runs of any whitespace become one space), case folded.

    >>> _plain("  Growth\u00a0  PARTNER ")
    'growth partner'
    """
    return " ".join(text.split()).casefold()


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
    """One classification rule: a plain text or a pattern looked for in a title or department.

    Parameters
    ----------
    priority : int
        Rules are tried from the lowest priority number up (ties keep list order); the first
        match wins. :func:`rules_from_dicts` numbers a list's rules in list order.
    field : {"title", "department", "any"}
        Where the rule looks (``any``: the title, then the department).
    pattern : str
        For ``match="pattern"``: a regular expression, searched case-insensitively with RE2
        (linear time; no backreferences or lookaround) in the first
        :data:`~salesops.model.limits.MAX_TITLE_CHARS` characters; at most
        :data:`~salesops.model.limits.MAX_PATTERN_CHARS` characters. Blank for a plain rule.
    kind : {"leader", "manager", "rep", "sales_ops", "other"}
    role_id : str
        Catalog role of a ``sales_ops`` rule (blank otherwise).
    note : str
        Why the rule exists; shown as the reason of a classification.
    match : {"contains", "equals", "starts_with", "pattern"}
        How the rule compares. The plain ones compare :attr:`text` with the first
        :data:`~salesops.model.limits.MAX_TITLE_CHARS` characters of the title or department,
        ignoring case and runs of spaces; ``pattern`` uses :attr:`pattern`.
    text : str
        The text of a plain rule (its spaces tidied); blank for a pattern rule.

    Raises
    ------
    RuleError
        Naming the rule and the bad field, match, text, kind, role or pattern.

    Examples
    --------
    >>> rule = Rule(10, "title", "", "rep", match="contains", text="Growth  Partner")
    >>> rule.text, rule.matches("Senior growth partner, EMEA", ""), rule.matches("Partner", "")
    ('Growth Partner', True, False)
    >>> rule.words
    'title contains "Growth Partner" -> rep'
    >>> Rule(11, "department", "", "sales_ops", "deal_desk", match="starts_with", text="sales ops").words
    'department starts with "sales ops" -> sales ops (Deal desk)'
    >>> Rule(12, "title", "", "rep", match="equals", text="  ")
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.errors.RuleError: rule 12 (title equals ""): text must not be blank
    """

    priority: int
    field: str
    pattern: str
    kind: str
    role_id: str = ""
    note: str = ""
    match: str = "pattern"
    text: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise RuleError(f"rule priority must be a whole number, got {self.priority!r}")
        if self.match not in RULE_MATCHES:
            raise RuleError(f"rule {self.priority}: match must be one of {', '.join(RULE_MATCHES)}, got {self.match!r}")
        if not isinstance(self.text, str) or not isinstance(self.pattern, str):
            raise RuleError(f"rule {self.priority}: text and pattern must be text")
        object.__setattr__(self, "text", " ".join(self.text.split()))
        where = f"rule {self.priority} ({self._what()})"
        if self.field not in RULE_FIELDS:
            raise RuleError(f"{where}: field must be one of {', '.join(RULE_FIELDS)}, got {self.field!r}")
        if self.kind not in KINDS:
            raise RuleError(f"{where}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.match == "pattern":
            if self.text:
                raise RuleError(f"{where}: a pattern rule takes a pattern, not a text")
            if not self.pattern.strip():
                raise RuleError(f"{where}: pattern must not be blank")
            _check_pattern(self.pattern, where)
        else:
            if self.pattern:
                raise RuleError(f"{where}: a {_MATCH_WORDS[self.match]!r} rule takes a text, not a pattern")
            if not self.text:
                raise RuleError(f"{where}: text must not be blank")
            if len(self.text) > MAX_TITLE_CHARS:
                raise RuleError(
                    f"{where}: text has {len(self.text):,} characters; titles and departments are compared "
                    f"on their first {MAX_TITLE_CHARS:,}"
                )
        if self.kind == "sales_ops":
            catalog = load_catalog()
            if self.role_id not in catalog:
                raise RuleError(
                    f"{where}: a sales_ops rule needs a role_id from the catalog "
                    f"({', '.join(catalog)}), got {self.role_id!r}"
                )
        elif self.role_id:
            raise RuleError(f"{where}: role_id {self.role_id!r} is only for kind 'sales_ops', not {self.kind!r}")

    def _what(self) -> str:
        """The rule's test in words (shortened), e.g. ``title contains "ae"``."""
        if self.match == "pattern":
            return _short(self.pattern)
        return f'{self.field if self.field in RULE_FIELDS else "?"} {_MATCH_WORDS[self.match]} "{_short(self.text)}"'

    def matches(self, title: str, department: str) -> bool:
        """Whether the rule finds what it looks for in the title or department (as :attr:`field` says)."""
        return self._search(_rule_text(title), _rule_text(department))

    def _search(self, title: str, department: str) -> bool:
        """The test on texts already cut by :func:`_rule_text`."""
        if self.match != "pattern":
            return self._plain_search(_plain(title), _plain(department))
        regex = _compiled(self.pattern)
        if self.field == "title":
            return regex.search(title) is not None
        if self.field == "department":
            return regex.search(department) is not None
        return regex.search(title) is not None or regex.search(department) is not None

    def _plain_search(self, title: str, department: str) -> bool:
        """The test of a plain rule on texts already through :func:`_plain`."""
        if self.field == "title":
            return self._plain_test(title)
        if self.field == "department":
            return self._plain_test(department)
        return self._plain_test(title) or self._plain_test(department)

    def _plain_test(self, text: str) -> bool:
        wanted = _casefolded(self.text)
        if self.match == "contains":
            return wanted in text
        if self.match == "equals":
            return wanted == text
        return text.startswith(wanted)

    @property
    def words(self) -> str:
        """The rule in plain words: ``title contains "growth partner" -> rep``."""
        return self.describe()

    def describe(self, limit: int | None = None) -> str:
        """The rule in plain words, its pattern or text cut to ``limit`` characters (``...`` added).

        >>> Rule(1, "any", "(a+)+$", "leader").describe(3)
        'title or department matches the pattern "(a+..." -> leader'
        """
        shown = self.pattern if self.match == "pattern" else self.text
        if limit is not None and len(shown) > limit:
            shown = shown[:limit] + "..."
        field = _FIELD_WORDS[self.field]
        test = f'"{shown}"'
        outcome = self.kind.replace("_", " ")
        if self.kind == "sales_ops":
            spec = load_catalog().get(self.role_id)
            outcome += f" ({spec.name if spec is not None else self.role_id})"
        return f"{field} {_MATCH_WORDS[self.match]} {test} -> {outcome}"

    @property
    def label(self) -> str:
        """The reason a classification gives: ``rule 10: <note>`` (or the rule's test without a note)."""
        if self.note:
            return f"rule {self.priority}: {self.note}"
        return f"rule {self.priority}: {self.pattern if self.match == 'pattern' else self._what()}"


def _rule_from_record(record: Mapping[str, Any], where: str) -> Rule:
    missing = [c for c in ("priority", "field", "kind") if c not in record]
    if "pattern" not in record and "text" not in record:
        missing.append("pattern")
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
            priority,
            text("field").lower(),
            text("pattern"),
            text("kind").lower(),
            text("role_id"),
            text("note"),
            match=text("match").lower().replace(" ", "_") or "pattern",
            text=text("text"),
        )
    except RuleError as exc:
        raise RuleError(f"{where}: {exc}") from None


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """The classification rules, from ``data/classification_rules.csv`` by default.

    A file without the ``match`` and ``text`` columns (as written before plain rules) holds
    pattern rules only.

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


_FRAME_COLUMNS = ["priority", "field", "match", "text", "pattern", "kind", "role_id", "note"]


def rules_frame(rules: Sequence[Rule]) -> pd.DataFrame:
    """The rules as a DataFrame (for an editable table or a CSV like ``data/classification_rules.csv``)."""
    return pd.DataFrame(
        [{c: getattr(r, c) for c in _FRAME_COLUMNS} for r in rules],
        columns=_FRAME_COLUMNS,
    )


def rules_from_frame(frame: pd.DataFrame) -> list[Rule]:
    """Rules from an edited table, in priority order (a table without ``match``: pattern rules).

    Raises
    ------
    RuleError
        Naming the table row (1-based) of a bad rule, or more rules than
        :data:`~salesops.model.limits.MAX_RULES`.
    """
    _check_rule_count(len(frame))
    rules = [_rule_from_record(rec, f"rules row {i}") for i, rec in enumerate(frame.to_dict("records"), start=1)]
    return sorted(rules, key=lambda r: r.priority)


_DICT_KEYS = ("field", "match", "text", "pattern", "kind", "role_id", "note")


def rule_to_dict(rule: Rule) -> dict[str, str]:
    """A rule as a plain dict (what the page keeps in its session), without its priority.

    >>> rule_to_dict(Rule(10, "title", "", "rep", match="equals", text="AE"))["text"]
    'AE'
    """
    return {k: getattr(rule, k) for k in _DICT_KEYS}


def rules_from_dicts(items: Sequence[Mapping[str, Any]]) -> list[Rule]:
    """Rules from plain dicts (see :func:`rule_to_dict`), tried in list order.

    Their priorities are 10, 20, 30... in list order, so that anything sorting rules by
    priority tries them in the order the user sees.

    Raises
    ------
    RuleError
        Naming the position (``rule 3``) and the field of a bad rule, or more rules than
        :data:`~salesops.model.limits.MAX_RULES`.

    Examples
    --------
    >>> rules = rules_from_dicts([{"field": "title", "match": "contains", "text": "partner", "kind": "rep"},
    ...                           {"field": "title", "pattern": "growth", "kind": "other"}])
    >>> [(r.priority, r.match) for r in rules], classify("Growth Partner", "", rules)
    ([(10, 'contains'), (20, 'pattern')], ('rep', ''))
    """
    _check_rule_count(len(items))
    out = []
    for i, item in enumerate(items, start=1):
        record = {"priority": 10 * i, **{k: item.get(k, "") for k in _DICT_KEYS}}
        record["match"] = record["match"] or "pattern"
        try:
            out.append(_rule_from_record(record, f"rule {i}"))
        except RuleError as exc:  # name the rule once, by its position in the list
            raise RuleError(str(exc).replace(f"rule {i}: rule {10 * i}", f"rule {i}", 1)) from None
    return out


def _match(title: str, department: str, rules: Sequence[Rule]) -> Rule | None:
    title, department = _rule_text(title), _rule_text(department)
    plain: tuple[str, str] | None = None
    for rule in rules:
        if rule.match == "pattern":
            if rule._search(title, department):
                return rule
            continue
        if plain is None:
            plain = (_plain(title), _plain(department))
        if rule._plain_search(*plain):
            return rule
    return None


def match_all(
    titles: Sequence[str],
    departments: Sequence[str],
    rules: Sequence[Rule],
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> list[Rule | None]:
    """The first matching rule (or None) of each person of a file, under a time limit.

    Rules are tried in priority order (ties keep list order). Each distinct (title, department)
    is matched once; every :data:`CHECK_EVERY` of them the clock is read, and past ``time_limit``
    seconds the work stops. (Between two readings the work is bounded: at most
    :data:`~salesops.model.limits.MAX_RULES` rules on texts cut to
    :data:`~salesops.model.limits.MAX_TITLE_CHARS` characters, each in linear time.)

    Raises
    ------
    RuleError
        Past the time limit, naming the rule that was slowest on the last title and saying that
        nothing was changed; for more rules than :data:`~salesops.model.limits.MAX_RULES`; for a
        time limit that is not a positive number of seconds up to 60.

    Examples
    --------
    >>> rules = load_rules()
    >>> [r.kind if r else None for r in match_all(["AE", "Recruiter", "AE"], ["", "", ""], rules)]
    ['rep', None, 'rep']
    """
    _check_rule_count(len(rules))
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not 0 < time_limit <= 60:
        raise RuleError(f"time_limit must be between 0 and 60 seconds, got {time_limit!r}")
    ordered = sorted(rules, key=lambda r: r.priority)
    deadline = time.perf_counter() + time_limit
    cache: dict[tuple[str, str], Rule | None] = {}
    out: list[Rule | None] = []
    for title, department in zip(titles, departments):
        key = (title or "", department or "")
        if key not in cache:
            if cache and len(cache) % CHECK_EVERY == 0 and time.perf_counter() > deadline:
                raise _too_slow(key, ordered, len(out), len(titles), time_limit)
            cache[key] = _match(key[0], key[1], ordered)
        out.append(cache[key])
    return out


def _too_slow(key: tuple[str, str], rules: Sequence[Rule], done: int, total: int, limit: float) -> RuleError:
    """The error of a classification past its time limit, naming the rule slowest on ``key``."""
    slowest, worst = None, -1.0
    title, department = _rule_text(key[0]), _rule_text(key[1])
    for rule in rules:
        started = time.perf_counter()
        rule._search(title, department)
        spent = time.perf_counter() - started
        if spent > worst:
            slowest, worst = rule, spent
    running = f"rule {slowest.priority} ({slowest.words})" if slowest is not None else "no rule"
    return RuleError(
        f"classification stopped: past its time limit of {limit:g} s after {done:,} of {total:,} rows, "
        f"while {running} was running; nothing was changed (the previous rules stay in force)"
    )


def classify(title: str, department: str, rules: Sequence[Rule]) -> tuple[str, str]:
    """Kind and catalog role of a person from their title and department.

    The first rule (lowest priority number, ties in list order) that matches wins; nothing
    matching means ``("other", "")``. The rules see the first
    :data:`~salesops.model.limits.MAX_TITLE_CHARS` characters of each; patterns run on RE2,
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
