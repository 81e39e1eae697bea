"""The problems and results of an HRIS import: what a refusal lists, the exceptions, an accepted import.

:class:`ImportProblem` is one reason (row, column, message) and :class:`ImportRejected` the refusal
listing them; :class:`MappingError` and :class:`RuleError` name a bad column mapping or rule;
:class:`ImportResult` is an accepted import. The helpers word refusals (sizes in decimal MB, the row limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from salesops.model.limits import MAX_IMPORT_ROWS
from salesops.model.scenario import Scenario


MAX_PROBLEMS = 20  # problems listed by ImportRejected; the rest are counted


# --------------------------------------------------------------------------
# Results and problems
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportProblem:
    """One reason a file cannot be imported.

    Parameters
    ----------
    row : int or None
        Spreadsheet row (header = row 1), or None for a problem of the whole file.
    column : str or None
        The file's column name, or None.
    message : str
        What is wrong, naming the bad value.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportRejected(ValueError):
    """The file cannot be imported; ``problems`` lists why (at most :data:`MAX_PROBLEMS`).

    Parameters
    ----------
    problems : iterable of ImportProblem
        Every problem found; the first :data:`MAX_PROBLEMS` are kept and ``total``
        counts them all.
    """

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        items = list(problems)
        self.total = len(items)
        self.problems: tuple[ImportProblem, ...] = tuple(items[:MAX_PROBLEMS])
        super().__init__(str(self))

    def lines(self) -> list[str]:
        """One line per problem, plus a count of those left out."""
        out = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            more = self.total - len(self.problems)
            out.append(f"... and {more:,} more problem{'s' if more != 1 else ''}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class MappingError(ValueError):
    """A column mapping names an unknown field or a column the file does not have."""


class RuleError(ValueError):
    """A classification rule is invalid; the message names the rule and the field."""


@dataclass(frozen=True, eq=False)
class ImportResult:
    """An accepted import.

    Parameters
    ----------
    scenario : Scenario
        Positions for everyone but the sales-ops staff, who became ``roles``.
    classification : pandas.DataFrame
        One row per employee in file order: ``row, id, name, title, department,
        region, kind, role_id, rule`` (``rule`` says what decided the kind).
    warnings : tuple of str
        What the import assumed (blank regions, unknown time zones, ...).
    summary : dict
        Counts for the page and the command line: ``by_kind``, ``regions``,
        ``roles``, ``hq_region``, ``root``, ``dropped_other``, ``virtual_root``,
        ``mapping``, ``rows``.
    """

    scenario: Scenario
    classification: pd.DataFrame
    warnings: tuple[str, ...]
    summary: dict[str, Any]


def _reject(message: str, row: int | None = None, column: str | None = None) -> ImportRejected:
    return ImportRejected([ImportProblem(row, column, message)])


# --------------------------------------------------------------------------
# How refusals are worded
# --------------------------------------------------------------------------
def _mb(n_bytes: int) -> float:
    return n_bytes / 1_000_000  # decimal MB, as the browser's uploader counts


def _fmt_mb(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text} MB"


def _too_many_rows(what: str) -> ImportRejected:
    return _reject(
        f"{what} has more than {MAX_IMPORT_ROWS + 1:,} rows; the limit is a header and "
        f"{MAX_IMPORT_ROWS:,} rows (blank rows count)"
    )
