"""Mapping a file's columns to the fields of an import: the fields, the column names known for each, the guess.

:func:`guess_mapping` recognises common HRIS column names (:data:`FIELD_ALIASES`);
:func:`override_mapping` applies the user's ``COLUMN=FIELD`` corrections.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping

from salesops.readwrite.hris.errors import MappingError


FIELDS = (
    "id",
    "manager_id",
    "name",
    "first_name",
    "last_name",
    "title",
    "department",
    "location",
    "region",
    "country",
    "cost",
    "kind",
    "role_id",
    "fte",
    # A dotted-line (matrix) manager, and a sales-ops person's placement (central or embedded).
    "dotted_line_id",
    "placement",
    # Region parameters; written by salesops.readwrite.export so that an export re-imports exactly.
    "tz_offset_hours",
    "market_complexity",
    "cost_index",
)
REQUIRED_FIELDS = ("id", "manager_id", "name")  # name, or first_name and last_name

# Column names recognised for each field, most specific first. Matching ignores
# case, spaces, underscores, hyphens, dots and anything in parentheses.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "Employee ID",
        "employee_id",
        "ID",
        "Employee Number",
        "EmployeeNumber",
        "Employee No",
        "Worker ID",
        "Emp ID",
        "Personnel Number",
        "Person ID",
        "Staff ID",
        "Employee Code",
    ),
    "manager_id": (
        "Manager ID",
        "manager_id",
        "Manager Employee ID",
        "Manager Employee Number",
        "ParentId",
        "Parent ID",
        "Reports To ID",
        "Reports To",
        "Supervisor ID",
        "Supervisor Employee ID",
        "Line Manager ID",
        "Manager Number",
        "Manager Personnel Number",
        "Manager",
        "Supervisor",
        "Line Manager",
    ),
    "name": (
        "Name",
        "Full Name",
        "Employee Name",
        "Worker",
        "Worker Name",
        "Display Name",
        "Legal Name",
        "Preferred Name",
    ),
    "first_name": ("First Name", "FirstName", "Given Name", "Forename", "Preferred First Name"),
    "last_name": ("Last Name", "LastName", "Surname", "Family Name"),
    "title": (
        "Title",
        "Job Title",
        "Position",
        "Business Title",
        "Position Title",
        "Job Profile",
        "Job",
        "Job Name",
        "Designation",
    ),
    "department": (
        "Department",
        "Dept",
        "Org Unit",
        "Organizational Unit",
        "Organization",
        "Supervisory Organization",
        "Department Name",
        "Division",
        "Team",
    ),
    "location": (
        "Location",
        "Office",
        "Work Location",
        "City",
        "Site",
        "Office Location",
        "Work City",
        "Location Name",
    ),
    "region": ("Region", "Sales Region", "Geo", "Geography", "Region Name"),
    "country": ("Country", "Country Name", "Work Country", "Country Code"),
    "cost": (
        "Salary",
        "Cost",
        "cost_usd_per_year",
        "Base Pay",
        "Annual Salary",
        "Total Cost",
        "Base Salary",
        "Annual Base Salary",
        "Annual Cost",
        "Fully Loaded Cost",
        "Total Compensation",
    ),
    "kind": ("kind", "Position Kind", "Org Kind"),
    "role_id": ("role_id", "Role", "Sales Ops Role", "Role ID", "Ops Role"),
    "fte": ("FTE", "Full Time Equivalent", "FTE Percent", "FTE Percentage"),
    "dotted_line_id": (
        "dotted_line_id",
        "Dotted Line ID",
        "Dotted Line Manager",
        "Dotted Line Manager ID",
        "Matrix Manager",
        "Matrix Manager ID",
        "Secondary Manager",
        "Secondary Manager ID",
        "Dotted Line",
    ),
    "placement": ("placement", "Sales Ops Placement", "Ops Placement"),
    "tz_offset_hours": ("tz_offset_hours", "TZ Offset", "UTC Offset", "Time Zone Offset", "Timezone Offset"),
    "market_complexity": ("market_complexity", "Complexity"),
    "cost_index": ("cost_index", "Cost Level"),
}

_FIELD_LABELS = {
    "id": "employee id",
    "manager_id": "manager id",
    "name": "name",
    "first_name": "first name",
    "last_name": "last name",
    "title": "title",
    "department": "department",
    "location": "location",
    "region": "region",
    "country": "country",
    "cost": "cost",
    "kind": "kind",
    "role_id": "role_id",
    "fte": "fte",
    "dotted_line_id": "dotted-line manager",
    "placement": "placement",
    "tz_offset_hours": "tz offset",
    "market_complexity": "market complexity",
    "cost_index": "cost index",
}


# --------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------
def _norm(name: str) -> str:
    text = str(name).casefold().replace("#", "number")
    text = re.sub(r"\(.*?\)", "", text)
    return re.sub(r"[\W_]+", "", text)


@lru_cache(maxsize=1)
def _alias_keys() -> dict[str, tuple[str, ...]]:
    return {f: tuple(dict.fromkeys(_norm(a) for a in names)) for f, names in FIELD_ALIASES.items()}


def guess_mapping(columns: Iterable[str]) -> dict[str, str | None]:
    """Guess which column holds each field from common HRIS column names.

    Parameters
    ----------
    columns : iterable of str
        The file's column names.

    Returns
    -------
    dict
        Every name of :data:`FIELDS` mapped to a column, or None when no column
        looks like it. Each column serves one field at most.

    Examples
    --------
    >>> m = guess_mapping(["Employee Number", "Reports To", "First Name", "Last Name", "Job Title"])
    >>> m["id"], m["manager_id"], m["first_name"], m["title"], m["name"]
    ('Employee Number', 'Reports To', 'First Name', 'Job Title', None)
    """
    cols = [str(c) for c in columns]
    keys = [(c, _norm(c)) for c in cols]
    used: set[str] = set()
    out: dict[str, str | None] = {}
    aliases = _alias_keys()
    for f in FIELDS:
        out[f] = None
        for alias in aliases[f]:
            hit = next((c for c, k in keys if k == alias and c not in used), None)
            if hit is not None:
                out[f] = hit
                used.add(hit)
                break
    return out


def override_mapping(
    mapping: Mapping[str, str | None], columns: Iterable[str], overrides: Mapping[str, str]
) -> dict[str, str | None]:
    """Apply the user's ``COLUMN=FIELD`` choices on top of a mapping.

    Parameters
    ----------
    mapping : mapping of field to column or None
        Usually :func:`guess_mapping`'s answer.
    columns : iterable of str
        The file's columns.
    overrides : mapping of column to field
        ``{"Emp #": "id"}`` maps a column to a field (replacing any guess for that
        field and any other field that column was guessed for); an empty field
        (``{"City": ""}``) leaves the column unused.

    Returns
    -------
    dict

    Raises
    ------
    MappingError
        Naming an unknown field or a column the file does not have.

    Examples
    --------
    >>> cols = ["Emp", "Boss", "Name"]
    >>> override_mapping(guess_mapping(cols), cols, {"Emp": "id", "Boss": "manager_id"})["id"]
    'Emp'
    >>> override_mapping(guess_mapping(cols), cols, {"Emp": "salary"})
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.errors.MappingError: unknown field 'salary' for column 'Emp'; fields: id, manager_id, ...
    """
    cols = [str(c) for c in columns]
    out: dict[str, str | None] = {f: mapping.get(f) for f in FIELDS}
    for column, target in overrides.items():
        target = (target or "").strip()
        if target and target not in FIELDS:
            folded = [f for f in FIELDS if f == target.casefold().replace(" ", "_")]
            if not folded:
                raise MappingError(f"unknown field {target!r} for column {column!r}; fields: {', '.join(FIELDS)}")
            target = folded[0]
        actual = column if column in cols else None
        if actual is None:
            matches = [c for c in cols if _norm(c) == _norm(column)]
            if len(matches) != 1:
                raise MappingError(
                    f"unknown column {column!r}; the file's columns are: {', '.join(repr(c) for c in cols)}"
                )
            actual = matches[0]
        for f, c in out.items():
            if c == actual:
                out[f] = None
        if target:
            out[target] = actual
    return out
