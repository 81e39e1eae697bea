"""Reading what users type or upload: periods (YYYY-MM or YYYY-Qn), numbers, KPI names, refusal as a whole.

Shared by the objectives table (:mod:`salesops.insights.objectives.edits`), the actuals file
(:mod:`salesops.insights.objectives.actuals`) and the KPI tables that sort actuals by period.
"""

from __future__ import annotations

import re
from typing import Any, Iterable


from salesops.model.plan_items import KPIS

MAX_PROBLEMS = 20  # problems listed by ActualsRejected / ObjectivesRejected; the rest are counted

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class _Rejected(ValueError):
    """Input refused as a whole; ``problems`` (the first MAX_PROBLEMS) name each, ``total`` counts all."""

    def __init__(self, problems: Iterable[str]) -> None:
        items = list(problems)
        self.total = len(items)
        self.problems: tuple[str, ...] = tuple(items[:MAX_PROBLEMS])
        super().__init__(str(self))

    def __str__(self) -> str:
        more = self.total - len(self.problems)
        return "; ".join(self.problems) + (f"; and {more} more problem(s)" if more > 0 else "")


def resolve_kpi(text: Any) -> str | None:
    """A KPI id from its id or label, case-insensitively; None if unknown.

    >>> resolve_kpi("ROI"), resolve_kpi(" Reps per sales-ops FTE "), resolve_kpi("nps")
    ('roi', 'reps_per_ops_fte', None)
    """
    if not isinstance(text, str):
        return None
    key = text.strip().lower()
    for kpi, (label, _, _) in KPIS.items():
        if key in (kpi.lower(), label.lower()):
            return kpi
    return None


def _normal_period(text: str) -> str | None:
    text = text.strip()
    if _MONTH.match(text):
        return text
    m = _QUARTER.match(text)
    return f"{m.group(1)}-Q{m.group(2)}" if m else None


def period_month(period: str) -> tuple[int, int]:
    """The (year, month) a period is plotted at: a month itself, a quarter's last month.

    Raises
    ------
    ValueError
        If ``period`` is neither YYYY-MM nor YYYY-Qn.

    Examples
    --------
    >>> period_month("2026-02"), period_month("2026-Q1"), period_month("2025-Q4")
    ((2026, 2), (2026, 3), (2025, 12))
    """
    norm = _normal_period(period) if isinstance(period, str) else None
    if norm is None:
        raise ValueError(f"period {period!r} is not YYYY-MM or YYYY-Qn")
    year, rest = norm.split("-")
    return int(year), (int(rest[1]) * 3 if rest.startswith("Q") else int(rest))


def _period_start(period: str) -> tuple[int, int]:
    year, month = period_month(period)
    return (year, month - 2) if "Q" in period.upper() else (year, month)


def _period_sort_key(period: str) -> tuple[int, int, int]:
    year, month = period_month(period)
    return year, month, 0 if "Q" in period.upper() else 1
