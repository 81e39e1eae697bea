"""Import an org from an HRIS export: a CSV or XLSX file in, a validated Scenario out.

May import :mod:`salesops.model` only; inside the package each stage imports the ones before it.

Real users start from an export of Workday, BambooHR, SAP SuccessFactors or a
spreadsheet: one row per employee with an employee id and a manager id, messy
titles and missing values. The pipeline has three pure steps, shared by the
upload page and the command line (``python -m salesops import``):

1. :func:`read_table` turns the bytes of a CSV or XLSX file into a
   :class:`RawTable` of strings (ids like ``007`` survive). CSV is decoded as
   UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when the
   NULs of its high bytes give it away) or, failing that, Windows-1252 with a
   warning; the delimiter (comma, semicolon or tab) is sniffed from the header;
   every cell is trimmed. The work is bounded by :mod:`salesops.model.limits`
   (rows, columns, cell length; for XLSX the zip's parts, their decompressed
   size, the shared strings), checked while the file streams, before anything
   proportional to it is allocated.
2. :func:`guess_mapping` maps the file's columns to :data:`FIELDS` from common
   HRIS column names; :func:`override_mapping` applies the user's corrections
   (``--map COLUMN=FIELD`` on the command line).
3. :func:`build_import` classifies every person as ``leader``, ``manager``,
   ``rep``, ``sales_ops`` (with a catalog role) or ``other`` by the editable rules
   of ``data/classification_rules.csv`` (see :func:`classify`; patterns run on
   RE2, a linear-time engine, against the first ``MAX_TITLE_CHARS`` characters
   of a title or department), checks the reporting tree and returns an
   :class:`ImportResult` holding a :class:`~salesops.model.scenario.Scenario`, or
   raises :class:`ImportRejected` listing
   every problem with its spreadsheet row (the header is row 1) and column.
   Nothing is half imported.

Conventions, so that a file means one thing:

* A person whose manager id is blank, or their own id, is the top of the org.
* A manager column holding *names* instead of ids (BambooHR's "Reports To") is
  matched by name when every such value names exactly one person.
* Sales-ops staff become :class:`~salesops.model.scenario.RolePlan` s, sized
  ``"manual"``, and stay in the positions under their real managers. Each one's placement is
  read from the reporting line (:mod:`~salesops.readwrite.hris.placement`): reporting into the
  head of sales ops, central; into a sales leader outside HQ, or a dotted line to one, embedded
  in that leader's region; otherwise where they sit (HQ: central unless the department says
  ``embedded`` or ``local``). All central: centralized; all embedded: localized; both (or a
  department that says ``hybrid``): hybrid. ``placement_overrides`` correct a person.
* ``cost`` is what the person costs a year; a role's cost per FTE is the staff's
  total cost (divided by their region's ``cost_index`` when the file gives one)
  over their total FTE, or the catalog default when no cost is given.
* An FTE column whose median is above 1.5 is read as percentages (SAP writes
  ``100.00``).
* Regions come from the region column as the file names them; else each location (or
  country) is placed in North America, Latin America, EMEA or APAC by
  ``data/location_regions.csv`` (:func:`load_location_regions`; a remote location by the place
  it names or the person's country), the user's ``region_map`` winning. A region's time-zone
  offset from HQ is that of its largest office; optional columns ``tz_offset_hours``,
  ``market_complexity`` and ``cost_index`` (written by :mod:`salesops.readwrite.export`) set them
  instead and must agree within a region.
* A cell starting with an apostrophe followed by ``=``, ``+``, ``-``, ``@``, tab or
  carriage return loses that apostrophe: :mod:`salesops.readwrite.export` adds it to keep
  spreadsheets from running cell text as a formula.

The package follows the stages: :mod:`~salesops.readwrite.hris.read` (with
:mod:`~salesops.readwrite.hris.text` for CSV and :mod:`~salesops.readwrite.hris.xlsx` for workbooks),
:mod:`~salesops.readwrite.hris.mapping`, :mod:`~salesops.readwrite.hris.rules`,
:mod:`~salesops.readwrite.hris.values`, :mod:`~salesops.readwrite.hris.build` (which runs
:mod:`~salesops.readwrite.hris.people`, :mod:`~salesops.readwrite.hris.tree` and
:mod:`~salesops.readwrite.hris.regions` on the shared :mod:`~salesops.readwrite.hris.state`),
:mod:`~salesops.readwrite.hris.errors` and :mod:`~salesops.readwrite.hris.example`;
:mod:`~salesops.readwrite.hris.flags` marks the rows worth a look and
:mod:`~salesops.readwrite.hris.summary` writes the one-page import summary. Every name below is
importable from ``salesops.readwrite.hris``.

Examples
--------
>>> raw = read_table(example_csv(40).encode("utf-8"), "people.csv")
>>> result = build_import(raw, guess_mapping(raw.frame.columns), load_rules())
>>> len(result.scenario.positions) + round(sum(p.central_fte for p in result.scenario.roles)) > 0
True
>>> str(ImportRejected([ImportProblem(7, "Manager ID", "manager 'E999' does not exist")]))
"row 7, column 'Manager ID': manager 'E999' does not exist"
"""

from __future__ import annotations

from salesops.readwrite.hris.build import build_import
from salesops.readwrite.hris.errors import (
    MAX_PROBLEMS,
    ImportProblem,
    ImportRejected,
    ImportResult,
    MappingError,
    RuleError,
)
from salesops.readwrite.hris.example import example_csv
from salesops.readwrite.hris.mapping import FIELD_ALIASES, FIELDS, REQUIRED_FIELDS, guess_mapping, override_mapping
from salesops.readwrite.hris.read import DEFAULT_MAX_BYTES, RawTable, check_size, read_table
from salesops.readwrite.hris.rules import RULE_FIELDS, Rule, classify, load_rules, rules_frame, rules_from_frame
from salesops.readwrite.hris.state import UNASSIGNED, VIRTUAL_ROOT_ID
from salesops.readwrite.hris.values import load_location_regions, load_locations, parse_amount, region_slug

# Internals the tests look at (a test that monkeypatches one patches the module that looks it up).
from salesops.readwrite.hris.rules import _OTHER_SPACES as _OTHER_SPACES
from salesops.readwrite.hris.text import _csv_rows as _csv_rows, _lines as _lines
from salesops.readwrite.hris.xlsx import _PartScanner as _PartScanner

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FIELDS",
    "FIELD_ALIASES",
    "MAX_PROBLEMS",
    "REQUIRED_FIELDS",
    "RULE_FIELDS",
    "UNASSIGNED",
    "VIRTUAL_ROOT_ID",
    "ImportProblem",
    "ImportRejected",
    "ImportResult",
    "MappingError",
    "RawTable",
    "Rule",
    "RuleError",
    "build_import",
    "check_size",
    "classify",
    "example_csv",
    "guess_mapping",
    "load_location_regions",
    "load_locations",
    "load_rules",
    "override_mapping",
    "parse_amount",
    "read_table",
    "region_slug",
    "rules_frame",
    "rules_from_frame",
]
