"""Rows of a classification worth a second look, each with its reasons in words.

:func:`flags` reads the classification table of an :class:`~salesops.readwrite.hris.errors.ImportResult`
(columns ``title, department, kind, role_id, rule``) and says, per row, why a consultant should check it:
an ``other`` in a sales department (the test the import's own warning uses), a sales-ops person without a
role, a blank title, a kind decided by a department rule alone, a title no rule matched.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from salesops.readwrite.hris.build import _SALES_DEPARTMENT
from salesops.readwrite.hris.rules import Rule, load_rules

OTHER_IN_SALES = "'other' in a sales department"
OPS_WITHOUT_ROLE = "sales ops without a role"
BLANK_TITLE = "blank title"
BY_DEPARTMENT = "kind from the department only"
NO_RULE = "no rule matched the title"
NO_RULE_REASON = "no rule matched"  # what the import writes in the ``rule`` column


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def flags(classification: pd.DataFrame, rules: Sequence[Rule] | None = None) -> pd.Series:
    """Per row, why it is worth a look (reasons joined by ``"; "``), or ``""`` when it is not flagged.

    Parameters
    ----------
    classification : pandas.DataFrame
        The import's classification table; needs ``title``, ``department``, ``kind``,
        ``role_id`` and ``rule``.
    rules : sequence of Rule, optional
        The rules of the import (default :func:`~salesops.readwrite.hris.load_rules`), to tell
        which reasons name a department rule.

    Returns
    -------
    pandas.Series
        Of strings, indexed like ``classification``.

    Examples
    --------
    >>> table = pd.DataFrame({
    ...     "title": ["Account Executive", "Growth Partner", "", "Analyst"],
    ...     "department": ["Sales", "Sales", "Finance", "Deal Desk"],
    ...     "kind": ["rep", "other", "other", "sales_ops"],
    ...     "role_id": ["", "", "", "deal_desk"],
    ...     "rule": ["rule 60: quota-carrying rep", "no rule matched", "no rule matched",
    ...              "rule 70: department: deal desk"],
    ... })
    >>> flags(table).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['', "'other' in a sales department; no rule matched the title",
     'blank title', 'kind from the department only']
    """
    missing = [c for c in ("title", "department", "kind", "role_id", "rule") if c not in classification.columns]
    if missing:
        raise ValueError(f"the classification table has no column(s) {', '.join(missing)}")
    by_department = {r.label for r in (rules if rules is not None else load_rules()) if r.field == "department"}
    out = []
    for title, department, kind, role_id, reason in zip(
        classification["title"],
        classification["department"],
        classification["kind"],
        classification["role_id"],
        classification["rule"],
    ):
        title, department, kind, reason = _text(title), _text(department), _text(kind), _text(reason)
        found = []
        if kind == "other" and _SALES_DEPARTMENT.search(department):
            found.append(OTHER_IN_SALES)
        if kind == "sales_ops" and not _text(role_id):
            found.append(OPS_WITHOUT_ROLE)
        if not title:
            found.append(BLANK_TITLE)
        if reason in by_department or reason.removeprefix("kind column; role from ") in by_department:
            found.append(BY_DEPARTMENT)
        if reason == NO_RULE_REASON and title:
            found.append(NO_RULE)
        out.append("; ".join(found))
    return pd.Series(out, index=classification.index, dtype=object, name="flag")
