"""Import an org from an HRIS export: a CSV or XLSX file in, a validated Scenario out.

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
  ``"manual"``: staff in the HQ region form the central team unless their
  department says ``embedded`` or ``local``; staff elsewhere are embedded in
  their region. All central: centralized; all embedded: localized; both (or a
  department that says ``hybrid``): hybrid.
* ``cost`` is what the person costs a year; a role's cost per FTE is the staff's
  total cost (divided by their region's ``cost_index`` when the file gives one)
  over their total FTE, or the catalog default when no cost is given.
* An FTE column whose median is above 1.5 is read as percentages (SAP writes
  ``100.00``).
* Regions come from the region column, else the location, else the country
  (id: :func:`region_slug` of the value). Their time-zone offsets from HQ come
  from ``data/locations.csv``; optional columns ``tz_offset_hours``,
  ``market_complexity`` and ``cost_index`` (written by :mod:`salesops.readwrite.export`)
  set them instead and must agree within a region.
* A cell starting with an apostrophe followed by ``=``, ``+``, ``-``, ``@``, tab or
  carriage return loses that apostrophe: :mod:`salesops.readwrite.export` adds it to keep
  spreadsheets from running cell text as a formula.

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

import codecs
import contextlib
import csv
import io
import itertools
import math
import random
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence
from xml.parsers import expat

import pandas as pd
import re2

from salesops.model.limits import (
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    MAX_PATTERN_CHARS,
    MAX_RULES,
    MAX_TITLE_CHARS,
    MAX_XLSX_COMPRESSION_RATIO,
    MAX_XLSX_EXPANDED_BYTES,
    MAX_XLSX_OTHER_PART_BYTES,
    MAX_XLSX_OTHER_PART_ELEMENTS,
    MAX_XLSX_PARTS,
    MAX_XLSX_SHARED_STRINGS,
    MAX_XLSX_SHARED_STRINGS_BYTES,
    MAX_XLSX_SHEET_BYTES,
    MAX_XML_TOKEN_BYTES,
)
from salesops.model.paths import DATA_DIR
from salesops.model.positions import KINDS, Position
from salesops.model.roles import load_catalog
from salesops.model.scenario import Region, RolePlan, Scenario, ScenarioError

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
    "load_locations",
    "load_rules",
    "override_mapping",
    "parse_amount",
    "read_table",
    "region_slug",
    "rules_frame",
    "rules_from_frame",
]

DEFAULT_MAX_BYTES = MAX_IMPORT_BYTES  # every other bound on an import is in salesops.model.limits
MAX_PROBLEMS = 20  # problems listed by ImportRejected; the rest are counted
RULES_PATH = DATA_DIR / "classification_rules.csv"
LOCATIONS_PATH = DATA_DIR / "locations.csv"
UNASSIGNED = "unassigned"
VIRTUAL_ROOT_ID = "virtual-root"
RULE_FIELDS = ("title", "department", "any")

FIELDS = (
    "id", "manager_id", "name", "first_name", "last_name", "title", "department", "location",
    "region", "country", "cost", "kind", "role_id", "fte",
    # Region parameters; written by salesops.readwrite.export so that an export re-imports exactly.
    "tz_offset_hours", "market_complexity", "cost_index",
)
REQUIRED_FIELDS = ("id", "manager_id", "name")  # name, or first_name and last_name

# Column names recognised for each field, most specific first. Matching ignores
# case, spaces, underscores, hyphens, dots and anything in parentheses.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("Employee ID", "employee_id", "ID", "Employee Number", "EmployeeNumber", "Employee No",
           "Worker ID", "Emp ID", "Personnel Number", "Person ID", "Staff ID", "Employee Code"),
    "manager_id": ("Manager ID", "manager_id", "Manager Employee ID", "Manager Employee Number",
                   "ParentId", "Parent ID", "Reports To ID", "Reports To", "Supervisor ID",
                   "Supervisor Employee ID", "Line Manager ID", "Manager Number", "Manager Personnel Number",
                   "Manager", "Supervisor", "Line Manager"),
    "name": ("Name", "Full Name", "Employee Name", "Worker", "Worker Name", "Display Name", "Legal Name",
             "Preferred Name"),
    "first_name": ("First Name", "FirstName", "Given Name", "Forename", "Preferred First Name"),
    "last_name": ("Last Name", "LastName", "Surname", "Family Name"),
    "title": ("Title", "Job Title", "Position", "Business Title", "Position Title", "Job Profile", "Job",
              "Job Name", "Designation"),
    "department": ("Department", "Dept", "Org Unit", "Organizational Unit", "Organization",
                   "Supervisory Organization", "Department Name", "Division", "Team"),
    "location": ("Location", "Office", "Work Location", "City", "Site", "Office Location", "Work City",
                 "Location Name"),
    "region": ("Region", "Sales Region", "Geo", "Geography", "Region Name"),
    "country": ("Country", "Country Name", "Work Country", "Country Code"),
    "cost": ("Salary", "Cost", "cost_usd_per_year", "Base Pay", "Annual Salary", "Total Cost", "Base Salary",
             "Annual Base Salary", "Annual Cost", "Fully Loaded Cost", "Total Compensation"),
    "kind": ("kind", "Position Kind", "Org Kind"),
    "role_id": ("role_id", "Role", "Sales Ops Role", "Role ID", "Ops Role"),
    "fte": ("FTE", "Full Time Equivalent", "FTE Percent", "FTE Percentage"),
    "tz_offset_hours": ("tz_offset_hours", "TZ Offset", "UTC Offset", "Time Zone Offset", "Timezone Offset"),
    "market_complexity": ("market_complexity", "Complexity"),
    "cost_index": ("cost_index", "Cost Level"),
}

_FIELD_LABELS = {
    "id": "employee id", "manager_id": "manager id", "name": "name", "first_name": "first name",
    "last_name": "last name", "title": "title", "department": "department", "location": "location",
    "region": "region", "country": "country", "cost": "cost", "kind": "kind", "role_id": "role_id",
    "fte": "fte", "tz_offset_hours": "tz offset", "market_complexity": "market complexity",
    "cost_index": "cost index",
}
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
_EMBEDDED = re.compile(r"\b(?:embedded|locali[sz]ed|local)\b", re.IGNORECASE)
_HYBRID = re.compile(r"\bhybrid\b", re.IGNORECASE)
_SALES_DEPARTMENT = re.compile(r"\bsales\b", re.IGNORECASE)
_BINARY_MAGIC = (
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE files
_ZIP_MAGIC = b"PK\x03\x04"


# --------------------------------------------------------------------------
# Results and problems
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RawTable:
    """A file read as a table of strings.

    Parameters
    ----------
    frame : pandas.DataFrame
        One column per header cell, every value a trimmed string (blank is
        ``""``). The index holds the spreadsheet row of each employee (the header
        is row 1, so the first employee is row 2 unless blank rows come first).
    warnings : tuple of str
        What reading had to guess (an encoding fallback, a second sheet ignored).
    filename : str
        The name the file was uploaded under.
    """

    frame: pd.DataFrame
    warnings: tuple[str, ...] = ()
    filename: str = ""


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
# Reading
# --------------------------------------------------------------------------
def _mb(n_bytes: int) -> float:
    return n_bytes / 1_000_000  # decimal MB, as the browser's uploader counts


def _fmt_mb(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text} MB"


def check_size(n_bytes: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse a file larger than ``max_bytes``.

    Raises
    ------
    ImportRejected
        ``file is 25.3 MB; the limit is 20 MB``.

    Examples
    --------
    >>> check_size(25_300_000)
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.ImportRejected: file is 25.3 MB; the limit is 20 MB
    """
    if n_bytes > max_bytes:
        size, limit = _mb(n_bytes), _mb(max_bytes)
        digits = 1 if round(size, 1) > limit else 3
        raise _reject(f"file is {_fmt_mb(size, digits)}; the limit is {_fmt_mb(limit, 3)}")


def read_table(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawTable:
    """Read a CSV or XLSX file as a table of strings, within the limits of :mod:`salesops.model.limits`.

    The work is bounded whatever the file holds: the file's size, its rows,
    columns and cell lengths are checked while it is read (reading stops at the
    first row past a limit), and an XLSX workbook is inspected part by part on
    its decompressed stream before openpyxl parses anything (see
    :func:`_inspect_xlsx`). Every refusal names the limit it hit.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name; the extension helps tell XLSX from CSV (an XLSX is also
        recognised by its zip signature whatever its name).
    max_bytes : int
        Size limit (default :data:`~salesops.model.limits.MAX_IMPORT_BYTES`, 20 MB).

    Returns
    -------
    RawTable

    Raises
    ------
    ImportRejected
        For an empty file (0 bytes or only whitespace), a header without rows, a
        file over the size limit, more rows than a header and ``MAX_IMPORT_ROWS``
        (blank rows count) or columns than ``MAX_IMPORT_COLUMNS``, a cell longer than
        ``MAX_CELL_CHARS`` (naming its row and column), a binary file ("not a
        text file"), an unreadable XLSX or one past the workbook limits (zip bomb,
        shared strings), duplicate column names or a row wider than the header.

    Examples
    --------
    >>> raw = read_table(b"\\xef\\xbb\\xbfID;Name;Manager ID\\n007; Ann ;\\n", "x.csv")
    >>> raw.frame.to_dict("records"), list(raw.frame.index)
    ([{'ID': '007', 'Name': 'Ann', 'Manager ID': ''}], [2])
    >>> read_table(b"ID,Name\\n", "x.csv")
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.ImportRejected: the file has a header row but no employee rows
    >>> read_table(b"ID,Name\\n" + b"E,x\\n" * 100_001, "x.csv")
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.ImportRejected: the file has more than 100,001 rows; the limit is a header and
    100,000 rows (blank rows count)
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"read_table needs bytes, got {type(data).__name__}")
    check_size(len(data), max_bytes)
    if not data:
        raise _reject("the file is empty (0 bytes)")
    ext = Path(filename or "").suffix.lower()
    warnings: list[str] = []
    if data.startswith(_ZIP_MAGIC) or ext in (".xlsx", ".xlsm"):
        records = _xlsx_rows(data, warnings)
        what = "the worksheet"
    elif data.startswith(_OLE_MAGIC) or ext == ".xls":
        raise _reject("old Excel 97-2003 (.xls) files are not supported: save it as .xlsx or CSV")
    else:
        text = _decode(data, warnings)
        if not text or text.isspace():  # (text.strip() would copy the whole text)
            raise _reject("the file is empty (only whitespace)")
        records = _csv_rows(text)
        what = "the file"
    with contextlib.closing(records):
        frame = _frame(records, what)
    return RawTable(frame=frame, warnings=tuple(warnings), filename=filename or "")


def _too_many_rows(what: str) -> ImportRejected:
    return _reject(f"{what} has more than {MAX_IMPORT_ROWS + 1:,} rows; the limit is a header and "
                   f"{MAX_IMPORT_ROWS:,} rows (blank rows count)")


def _expands(label: str, kind: str | None) -> str:
    return f"{label} expand{'' if kind == 'sst' else 's'}"


def _decode(data: bytes, warnings: list[str]) -> str:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _reject("UTF-32 files are not supported: save it as UTF-8 CSV")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _reject(f"the file starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                          f"(byte {exc.start + 1})") from None
        _check_text(text)
        return text
    # The body after a UTF-8 BOM, as a view: a 20 MB file is not copied to drop 3 bytes.
    body = memoryview(data)[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else memoryview(data)
    for magic, what in _BINARY_MAGIC:
        if body[:len(magic)] == magic:
            raise _reject(f"not a text file: it looks like {what}; upload a CSV or XLSX file")
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise _reject("not a text file: it contains NUL bytes; upload a CSV or XLSX file")
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise _reject(f"the file looks like {_UTF16_NAMES[codec]} without a byte-order mark but is not valid "
                          f"UTF-16 (byte {exc.start + 1})") from None
        _check_text(text)
        return text
    try:
        text = codecs.decode(body, "utf-8")
    except UnicodeDecodeError as exc:
        skip = len(data) - len(body)
        line = data.count(b"\n", skip, skip + exc.start) + 1
        try:
            text = codecs.decode(body, "cp1252")
            warnings.append(f"read as Windows-1252: line {line} is not UTF-8")
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined: Latin-1 maps every byte
            text = codecs.decode(body, "latin-1")
            warnings.append(f"read as Latin-1: line {line} is not UTF-8")
    _check_text(text)
    return text


_UTF16_NAMES = {"utf-16-le": "UTF-16 (little-endian)", "utf-16-be": "UTF-16 (big-endian)"}


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` looks like UTF-16 text written without a BOM.

    Text in Latin scripts written as UTF-16 has a NUL as the high byte of almost
    every character: at odd offsets (little-endian) or even ones (big-endian),
    and almost never at the other parity. A binary file has NULs at both.

    Examples
    --------
    >>> _utf16_without_bom("ID,Name\\nE1,Zoë\\n".encode("utf-16-be")), _utf16_without_bom(bytes(range(256)))
    ('utf-16-be', None)
    """
    sample = data[:65536]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    for codec, high, nul_high, nul_low in (("utf-16-le", odd, nul_odd, nul_even),
                                           ("utf-16-be", even, nul_even, nul_odd)):
        if nul_high * 2 >= len(high) and nul_low <= max(1, len(high) // 20):
            return codec
    return None


def _check_text(text: str) -> None:
    sample = text[:65536]
    if "\x00" in sample:
        raise _reject("not a text file: it contains NUL characters; upload a CSV or XLSX file")
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f\v")
    if controls > max(8, len(sample) // 100):
        raise _reject("not a text file: it is full of control characters; upload a CSV or XLSX file")


def _sniff_delimiter(text: str) -> str:
    header = next((line for line in text[:1 << 20].splitlines() if line.strip()), "")  # within the first MB
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _clean(cell: str) -> str:
    cell = cell.strip()
    if cell[:1] == "'" and _ESCAPED_FORMULA.match(cell):
        return cell[1:]
    return cell


_LINE_END = re.compile(r"\r\n?|\n")
_LINES_BLOCK = 1 << 20  # characters


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from ``start``, each with its end (as ``open(newline="")`` reads them), lazily.

    ``io.StringIO`` copies a whole text at four bytes a character (80 MB for a
    20 MB file); here it only ever holds a block of about 1 MB, cut at a line end.

    Examples
    --------
    >>> list(_lines("a,b\\r\\nc\\rd\\n\\ne"))
    ['a,b\\r\\n', 'c\\r', 'd\\n', '\\n', 'e']
    """
    def blocks() -> Iterator[io.StringIO]:
        begin, size = start, len(text)
        while begin < size:
            end = min(size, begin + _LINES_BLOCK)
            if end < size:
                line_end = _LINE_END.search(text, end - 1)  # from end - 1: a "\r\n" is not cut in two
                end = line_end.end() if line_end else size
            yield io.StringIO(text[begin:end], newline="")
            begin = end

    return itertools.chain.from_iterable(blocks())


def _csv_rows(text: str) -> Iterator[list[str]]:
    """The records of a CSV text, one list of trimmed cells each, read lazily."""
    # Excel writes and honours a first line "sep=;" naming the delimiter; it is not a row.
    hint = re.match(r"sep=([,;\t|])[ \t]*(?:\r\n|\n|\r)", text)
    start = hint.end() if hint else 0
    delimiter = hint.group(1) if hint else _sniff_delimiter(text)
    reader = csv.reader(_lines(text, start), delimiter=delimiter)
    strip = str.strip
    try:
        for record in reader:
            cells = list(map(strip, record))
            yield [_clean(c) for c in cells] if "'" in "".join(cells) else cells
    except csv.Error as exc:
        raise _reject(f"malformed CSV near line {reader.line_num}: {exc}") from None


# --------------------------------------------------------------------------
# XLSX: the zip and its XML are checked before openpyxl parses anything
# --------------------------------------------------------------------------
_XML_CHUNK = 64 * 1024
_RATIO_FROM_BYTES = 1024 * 1024  # the compression-ratio limit applies to parts larger than this


@dataclass
class _SheetStats:
    """What the scan of one worksheet found: its last row number and widest column holding a value."""

    last_row: int = 0
    columns: int = 0


class _StopScan(Exception):
    """The part declares a DTD."""


def _part_label(name: str, kind: str | None) -> str:
    if kind == "sst":
        return "the workbook's shared strings"
    if kind == "worksheet":
        return f"the worksheet {name!r}"
    return f"the workbook's part {name!r}"


def _kind_by_name(name: str) -> str | None:
    folded = name.lower()
    if "_rels/" in folded:
        return None
    if folded.rsplit("/", 1)[-1].startswith("sharedstrings"):
        return "sst"
    if folded.startswith("xl/worksheets/"):
        return "worksheet"
    return None


def _part_limit(kind: str | None) -> int:
    if kind == "sst":
        return MAX_XLSX_SHARED_STRINGS_BYTES
    if kind == "worksheet":
        return MAX_XLSX_SHEET_BYTES
    return MAX_XLSX_OTHER_PART_BYTES


def _check_declared_sizes(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose zip directory declares too many parts, too many bytes or a bomb's ratio.

    zipfile never returns more bytes for a part than its directory declares, so
    these checks bound what openpyxl can be given; :func:`_scan_part` counts
    the bytes again as they are decompressed.
    """
    if len(infos) > MAX_XLSX_PARTS:
        raise _reject(f"the workbook has {len(infos):,} parts (files in its zip); the limit is {MAX_XLSX_PARTS:,}")
    for info in infos:
        kind = _kind_by_name(info.filename)
        limit = MAX_XLSX_SHEET_BYTES if kind is None else _part_limit(kind)  # the name is only a hint here
        if info.file_size > limit:
            raise _reject(f"{_expands(_part_label(info.filename, kind), kind)} to {_fmt_mb(_mb(info.file_size))}; "
                          f"the limit is {_fmt_mb(_mb(limit))}")
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise _reject(f"the workbook expands to {_fmt_mb(_mb(expanded))} when unzipped; the limit is "
                      f"{_fmt_mb(_mb(MAX_XLSX_EXPANDED_BYTES))}")
    for info in infos:
        if info.file_size > max(_RATIO_FROM_BYTES, MAX_XLSX_COMPRESSION_RATIO * info.compress_size):
            ratio = info.file_size / max(1, info.compress_size)
            raise _reject(f"{_part_label(info.filename, _kind_by_name(info.filename))} is compressed {ratio:,.0f} "
                          f"to 1 (a zip bomb?); the limit is {MAX_XLSX_COMPRESSION_RATIO:,} to 1")


def _inspect_xlsx(zf: zipfile.ZipFile) -> dict[str, _SheetStats]:
    """Check a workbook against the XLSX limits before openpyxl reads it; the stats of each worksheet.

    First the zip directory (:func:`_check_declared_sizes`), then every part is
    decompressed in chunks through a byte counter (stopping past its limit) into
    an XML scanner that counts, without keeping them, the shared strings and the
    characters of each, and each worksheet's rows and the column of each value.
    Other XML parts (styles, workbook, relationships, ...), which openpyxl
    parses whole, are held to a smaller size and a number of elements. A DTD
    (which workbooks never have) is refused, so no entity is ever expanded.
    Parts that are not XML (images) are left alone: openpyxl does not parse them.

    Returns
    -------
    dict
        Worksheet part name to :class:`_SheetStats`.
    """
    infos = zf.infolist()
    _check_declared_sizes(infos)
    budget = [MAX_XLSX_EXPANDED_BYTES]
    sheets: dict[str, _SheetStats] = {}
    for info in infos:
        if info.is_dir() or info.file_size == 0:
            continue
        stats = _scan_part(zf, info, budget)
        if stats is not None:
            sheets[info.filename] = stats
    return sheets


class _PartScanner:
    """Expat handlers that bound one part of a workbook while it streams (see :func:`_scan_part`)."""

    def __init__(self, name: str, declared: int) -> None:
        self.name = name
        self.declared = declared
        self.kind: str | None = None
        self.stats = _SheetStats()
        self.rows = 0          # <row> elements
        self.elements = 0      # elements of any other part
        self.row = 0           # current row number
        self.col = 0           # current column number
        self.strings = 0       # <si> elements
        self.chars = 0         # characters of the current cell or shared string
        self.in_text = False   # inside a <v> or <t>
        self.columns: dict[str, int] = {}

    # ----- the first element tells what the part is ----------------------------
    def root(self, parser: Any, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]  # names as written: "c" or "x:c" (no namespace processing: 40% faster)
        if local == "sst":
            self.kind = "sst"
            declared = attrs.get("uniqueCount") or ""
            if declared.isdigit() and (len(declared) > 15 or int(declared) > MAX_XLSX_SHARED_STRINGS):
                count = f"{int(declared):,}" if len(declared) <= 15 else "more than 10^15"
                raise _reject(f"the workbook declares {count} shared strings; the limit is "
                              f"{MAX_XLSX_SHARED_STRINGS:,}")
            parser.StartElementHandler = self.sst_start
        elif local == "worksheet":
            self.kind = "worksheet"
            parser.StartElementHandler = self.sheet_start
        else:
            self.kind = "other"
            self.other_start(name, attrs)
            parser.StartElementHandler = self.other_start
        limit = _part_limit(self.kind)
        if self.declared > limit:
            raise _reject(f"{_expands(_part_label(self.name, self.kind), self.kind)} to "
                          f"{_fmt_mb(_mb(self.declared))}; the limit is {_fmt_mb(_mb(limit))}")

    # ----- styles, workbook, relationships ... (openpyxl builds objects of every element) ------
    def other_start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_XLSX_OTHER_PART_ELEMENTS:
            raise _reject(f"{_part_label(self.name, self.kind)} has more than {MAX_XLSX_OTHER_PART_ELEMENTS:,} XML "
                          f"elements; the limit is {MAX_XLSX_OTHER_PART_ELEMENTS:,}")

    # ----- shared strings -------------------------------------------------------
    def sst_start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2] if ":" in name else name
        if local == "si":
            self.strings += 1
            if self.strings > MAX_XLSX_SHARED_STRINGS:
                raise _reject(f"the workbook has more than {MAX_XLSX_SHARED_STRINGS:,} shared strings; the limit "
                              f"is {MAX_XLSX_SHARED_STRINGS:,}")
            self.chars = 0
            self.in_text = False
        else:
            self.in_text = local == "t"

    # ----- worksheets -----------------------------------------------------------
    def sheet_start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2] if ":" in name else name
        if local == "c":
            ref = attrs.get("r")
            self.col = self.column(ref) if ref else self.col + 1
            self.chars = 0
            self.in_text = False
        elif local == "t":
            self.in_text = True
        elif local == "row":
            self.rows += 1
            ref = attrs.get("r")
            if ref:
                if not ref.isdigit():
                    raise _reject(f"unreadable XLSX file: row number {ref[:20]!r} in {self.name!r}")
                self.row = int(ref) if len(ref) < 10 else MAX_IMPORT_ROWS + 2
            else:
                self.row += 1
            if self.row > MAX_IMPORT_ROWS + 1 or self.rows > MAX_IMPORT_ROWS + 1:
                raise _too_many_rows(f"the worksheet {self.name!r}")
            self.stats.last_row = max(self.stats.last_row, self.row)
            self.col = 0
            self.in_text = False
        elif local == "v" or local == "is":
            if self.col > self.stats.columns:
                if self.col > MAX_IMPORT_COLUMNS:
                    raise _reject(f"the worksheet {self.name!r} has a value in column {self.col:,} (row "
                                  f"{self.row:,}); the limit is {MAX_IMPORT_COLUMNS:,} columns")
                self.stats.columns = self.col
            self.in_text = local == "v"
        else:
            self.in_text = False

    def column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        col = self.columns.get(letters)
        if col is None:
            col = 0
            for ch in letters[:8].upper():
                if not "A" <= ch <= "Z":
                    raise _reject(f"unreadable XLSX file: cell reference {ref[:20]!r} in {self.name!r}")
                col = col * 26 + ord(ch) - 64
            if len(letters) > 8:
                col = MAX_IMPORT_COLUMNS + 1
            if len(self.columns) < 1024:
                self.columns[letters] = col
        return col

    # ----- text -----------------------------------------------------------------
    def text(self, data: str) -> None:
        if self.in_text and not data.isspace():  # whitespace between tags is not text
            self.chars += len(data)
            if self.chars > MAX_CELL_CHARS:
                if self.kind == "sst":
                    raise _reject(f"shared string {self.strings:,} of the workbook has more than "
                                  f"{MAX_CELL_CHARS:,} characters; the limit for a cell is {MAX_CELL_CHARS:,}")
                raise _reject(f"the cell in column {self.col:,} has more than {MAX_CELL_CHARS:,} characters; "
                              f"the limit is {MAX_CELL_CHARS:,}", row=self.row)

    @staticmethod
    def no_dtd(*_: Any) -> None:
        raise _StopScan


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> _SheetStats | None:
    """Stream one part through a byte counter into :class:`_PartScanner`; a worksheet's stats, else None.

    ``budget`` holds the bytes the whole workbook may still expand to.
    """
    scanner = _PartScanner(info.filename, info.file_size)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attrs: scanner.root(parser, name, attrs)
    parser.CharacterDataHandler = scanner.text
    parser.StartDoctypeDeclHandler = scanner.no_dtd
    parser.EntityDeclHandler = scanner.no_dtd
    counted = 0
    since_tag = 0  # bytes since the last "<": one tag and its text
    try:
        with zf.open(info) as stream:
            while True:
                chunk = stream.read(_XML_CHUNK)
                if not chunk:
                    break
                counted += len(chunk)
                budget[0] -= len(chunk)
                limit = _part_limit(scanner.kind) if scanner.kind else MAX_XLSX_SHEET_BYTES
                if counted > limit:
                    raise _reject(f"{_expands(_part_label(info.filename, scanner.kind), scanner.kind)} past "
                                  f"{_fmt_mb(_mb(limit))}")
                if budget[0] < 0:
                    raise _reject(f"the workbook expands past {_fmt_mb(_mb(MAX_XLSX_EXPANDED_BYTES))} when unzipped")
                first = chunk.find(b"<")
                if first < 0:
                    since_tag += len(chunk)
                else:
                    since_tag += first
                if since_tag > MAX_XML_TOKEN_BYTES and scanner.kind != "other":
                    raise _reject(f"{_part_label(info.filename, scanner.kind)} holds a tag or text of more than "
                                  f"{_fmt_mb(_mb(MAX_XML_TOKEN_BYTES))}; a cell holds at most "
                                  f"{MAX_CELL_CHARS:,} characters")
                if first >= 0:
                    since_tag = len(chunk) - 1 - chunk.rfind(b"<")
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _StopScan:
        raise _reject(f"unreadable XLSX file: {_part_label(info.filename, scanner.kind)} declares a DTD, "
                      "which workbooks never do") from None
    except expat.ExpatError as exc:
        if scanner.kind in (None, "other"):
            return None  # not XML (an image, a printer setting), or a part openpyxl will judge itself
        raise _reject(f"unreadable XLSX file: {_part_label(info.filename, scanner.kind)} is not well-formed XML "
                      f"({expat.ErrorString(exc.code)}, line {exc.lineno})") from None
    return scanner.stats if scanner.kind == "worksheet" else None


def _xlsx_rows(data: bytes, warnings: list[str]) -> Iterator[list[str]]:
    """The rows of the first worksheet as lists of strings, read lazily once the workbook passed the checks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            sheets = _inspect_xlsx(zf)
    except ImportRejected:
        raise
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError, ValueError, ... on junk
        raise _reject(f"unreadable XLSX file: not a valid .xlsx workbook ({exc})") from None
    from openpyxl import load_workbook  # only when a workbook arrives (slow import)

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt input (KeyError, XML errors, ...)
        raise _reject(f"unreadable XLSX file: not a valid .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets_read = workbook.worksheets
        if not sheets_read:
            raise _reject("unreadable XLSX file: the workbook has no worksheet")
        sheet = sheets_read[0]
        if len(sheets_read) > 1:
            warnings.append(f"read the first sheet {sheet.title!r} of {len(sheets_read)}; the others were ignored")
        stats = sheets.get(str(getattr(sheet, "_worksheet_path", "")).lstrip("/"))
        if stats is None:  # not scanned (an unusual layout): bound the rows openpyxl may produce
            stats = _SheetStats(MAX_IMPORT_ROWS + 2, MAX_IMPORT_COLUMNS)
        if stats.last_row == 0:
            return
        sheet.reset_dimensions()  # some writers record a wrong size; read every stored row
        # Rows and columns up to the last one holding a value: styled empty cells further right are not padded.
        for row in sheet.iter_rows(min_row=1, max_row=stats.last_row, min_col=1, max_col=max(1, stats.columns),
                                   values_only=True):
            yield [_xlsx_cell(v) for v in row]
    except ImportRejected:
        raise
    except Exception as exc:  # a corrupt sheet fails while streaming
        raise _reject(f"unreadable XLSX file: {type(exc).__name__}: {exc}") from None
    finally:
        workbook.close()


def _xlsx_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _clean(str(value))


# --------------------------------------------------------------------------
# Records to a frame, within the row, column and cell limits
# --------------------------------------------------------------------------
_CHUNK_ROWS = 4096


class _Columns:
    """Rows appended one at a time, kept as compact Arrow string columns (a chunk of Python lists at a time).

    Memory stays proportional to the text read, not to one Python object per cell.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.pending: list[list[str]] = []
        self.parts: list[list[Any]] = [[] for _ in range(width)]
        try:
            import pyarrow
        except ImportError:  # pragma: no cover - pyarrow comes with streamlit
            pyarrow = None
        self.pa = pyarrow

    def append(self, row: list[str]) -> None:
        self.pending.append(row)
        if len(self.pending) >= _CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        for j, column in enumerate(zip(*self.pending)):
            if self.pa is not None:
                self.parts[j].append(self.pa.array(column, type=self.pa.large_string()))
            else:  # pragma: no cover
                self.parts[j].extend(column)
        self.pending = []

    def arrays(self) -> list[Any]:
        self.flush()
        if self.pa is not None:
            return [pd.array(self.pa.chunked_array(p, type=self.pa.large_string()), dtype="str") for p in self.parts]
        return [pd.array(p, dtype="str") for p in self.parts]  # pragma: no cover


def _long_cells(record: list[str], row: int, header: list[str] | None) -> list[ImportProblem]:
    out = []
    for j, cell in enumerate(record):
        if len(cell) > MAX_CELL_CHARS:
            column = header[j] if header is not None and j < len(header) and header[j] else f"column {j + 1}"
            out.append(ImportProblem(row, column, f"the cell has {len(cell):,} characters; the limit is "
                                                  f"{MAX_CELL_CHARS:,}"))
    return out


def _frame(records: Iterable[list[str]], what: str = "the file") -> pd.DataFrame:
    """The records of a file as a frame of strings: the first non-blank record is the header.

    Reading stops at the first record past :data:`~salesops.model.limits.MAX_IMPORT_ROWS`
    rows below the header (or above it), so a row bomb costs no more than the
    limit; a header wider than ``MAX_IMPORT_COLUMNS`` stops it at once.
    """
    header: list[str] | None = None
    width = 0
    problems: list[ImportProblem] = []
    store = _Columns(0)
    numbers: list[int] = []
    body = 0
    for row_number, record in enumerate(records, start=1):
        if row_number > MAX_IMPORT_ROWS + 1:
            raise _too_many_rows(what)
        longest = max(map(len, record), default=0)
        if not longest:
            continue  # a blank row
        if longest > MAX_CELL_CHARS:
            problems.extend(_long_cells(record, row_number, header))
        if header is None:
            header = [h.replace("\ufeff", "").strip() for h in record]
            while header and not header[-1]:
                header.pop()
            if len(header) > MAX_IMPORT_COLUMNS:
                raise _reject(f"the header has {len(header):,} columns; the limit is {MAX_IMPORT_COLUMNS:,}",
                              row=row_number)
            width = len(header)
            counts = Counter(header)
            for name, n in counts.items():
                if n > 1 and name:
                    where = [str(j + 1) for j, h in enumerate(header) if h == name]
                    problems.append(ImportProblem(row_number, None, f"duplicate column name {name!r} "
                                                                    f"(columns {' and '.join(where)})"))
            store = _Columns(width)
            continue
        body += 1
        if len(record) > width and any(record[width:]):
            filled = len(record) - next(k for k, c in enumerate(reversed(record)) if c)
            problems.append(ImportProblem(row_number, None, f"{filled} values but the header names {width} columns "
                                                            "(an unquoted delimiter inside a value?)"))
            continue
        if problems:
            continue  # the file is refused: keep reading for more problems, not the cells
        store.append(record[:width] + [""] * (width - len(record)) if len(record) != width else record)
        numbers.append(row_number)
    if header is None:
        raise _reject("the file is empty (no cells)")
    if not body:
        raise _reject("the file has a header row but no employee rows")
    if problems:
        raise ImportRejected(problems)
    frame = pd.DataFrame(dict(enumerate(store.arrays())), columns=range(width))
    frame.columns = [h or f"column {j + 1}" for j, h in enumerate(header)]
    frame.index = pd.Index(numbers, name="row")
    return frame


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


def override_mapping(mapping: Mapping[str, str | None], columns: Iterable[str],
                     overrides: Mapping[str, str]) -> dict[str, str | None]:
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
    salesops.readwrite.hris.MappingError: unknown field 'salary' for column 'Emp'; fields: id, manager_id, ...
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
                raise MappingError(f"unknown column {column!r}; the file's columns are: "
                                   f"{', '.join(repr(c) for c in cols)}")
            actual = matches[0]
        for f, c in out.items():
            if c == actual:
                out[f] = None
        if target:
            out[target] = actual
    return out


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
_OTHER_SPACES = ("\x0b\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                 "\u200a\u2028\u2029\u202f\u205f\u3000")  # str.isspace() but not RE2's \s
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
        raise RuleError(f"{where}: not supported by the linear-time regular-expression engine (RE2): {reason}; "
                        "backreferences, lookahead and lookbehind, possessive or atomic groups and repeat "
                        "counts over 1000 are not available") from None


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
                raise RuleError(f"{where}: a sales_ops rule needs a role_id from the catalog "
                                f"({', '.join(catalog)}), got {self.role_id!r}")
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
        return Rule(priority, text("field").lower(), text("pattern"), text("kind").lower(), text("role_id"),
                    text("note"))
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
    return pd.DataFrame([{"priority": r.priority, "field": r.field, "pattern": r.pattern, "kind": r.kind,
                          "role_id": r.role_id, "note": r.note} for r in rules],
                        columns=["priority", "field", "pattern", "kind", "role_id", "note"])


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


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------
MAX_COST_USD = 1e9  # a person's yearly cost; the scenario format refuses more


def _parse_cost(text: str) -> float:
    value = parse_amount(text)
    if value > MAX_COST_USD:
        raise ValueError(f"is more than {MAX_COST_USD:,.0f} a year")
    return value


def parse_amount(text: str, money: bool = True) -> float:
    """A non-negative amount written the way spreadsheets write money.

    Accepts currency symbols or codes, spaces and thousands separators:
    ``"$120,000"``, ``"120000"``, ``"EUR 120.000,50"``, ``"1'250.5"``. With both
    ``.`` and ``,`` the last one is the decimal separator; a single ``,`` not
    followed by exactly three digits is a decimal comma. With ``money`` (the
    default), ``.`` followed by exactly three digits groups thousands
    (``"95.000"`` is 95,000: a yearly cost is not written to a tenth of a cent);
    without it (FTE), ``"1.500"`` is 1.5.

    Raises
    ------
    ValueError
        ``"is not a number"`` or ``"is negative"``.

    Examples
    --------
    >>> parse_amount("$120,000"), parse_amount("120.000,50"), parse_amount("1,5"), parse_amount("95.000")
    (120000.0, 120000.5, 1.5, 95000.0)
    >>> parse_amount("-5")
    Traceback (most recent call last):
    ...
    ValueError: is negative
    """
    s = text.strip()
    value: float | None = None
    if not (money and _DOT_THOUSANDS.fullmatch(s)):
        try:
            value = float(s)
        except ValueError:
            value = None
    if value is None:
        negative = s.startswith("-") or s.endswith("-") or (s.startswith("(") and s.endswith(")"))
        core = re.sub(r"^[A-Za-z]{3}(?=[\s\d(\-])|(?<=[\d\s)])[A-Za-z]{3}$", "", s)
        core = re.sub(r"[\s\u00a0\u202f'’()\-+]", "", core)
        core = "".join(ch for ch in core if not _is_currency(ch))
        if not core or not re.fullmatch(r"[\d.,]+", core) or not re.search(r"\d", core):
            raise ValueError("is not a number")
        if negative:
            raise ValueError("is negative")
        value = _parse_separators(core, money)
    if not math.isfinite(value):
        raise ValueError("is not a number")
    if value < 0:
        raise ValueError("is negative")
    return value + 0.0  # no -0.0


_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _is_currency(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) == "Sc"


def _parse_separators(core: str, money: bool) -> float:
    if "," in core and "." in core:
        decimal = "," if core.rfind(",") > core.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        head, _, tail = core.rpartition(decimal)
        if thousands in tail or decimal in head or not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})*", head):
            raise ValueError("is not a number")
        return float(head.replace(thousands, "") + "." + tail)
    for sep in (",", "."):
        if sep in core:
            grouped = re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", core)
            if grouped and (sep == "," or money or core.count(".") > 1):
                return float(core.replace(sep, ""))
            if core.count(sep) == 1:
                return float(core.replace(sep, "."))
            raise ValueError("is not a number")
    return float(core)


def _parse_fte(text: str) -> float:
    s = text.strip()
    percent = s.endswith("%")
    value = parse_amount(s[:-1] if percent else s, money=False)
    return value / 100.0 if percent else value


def region_slug(text: str) -> str:
    """Region id from a region, location or country as written.

    Examples
    --------
    >>> region_slug("US East (HQ)"), region_slug(" São Paulo "), region_slug("EMEA")
    ('us-east-hq', 'são-paulo', 'emea')
    """
    slug = re.sub(r"[\W_]+", "-", text.casefold()).strip("-")
    return slug or "region-" + str(abs(hash(text)) % 10_000)


@lru_cache(maxsize=4)
def _locations(path: str) -> dict[str, float]:
    out: dict[str, float] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=2):
            name = (rec.get("name") or "").strip()
            try:
                offset = float(rec.get("utc_offset_hours") or "")
            except ValueError:
                raise ValueError(f"{Path(path).name} row {i}: utc_offset_hours must be a number, "
                                 f"got {rec.get('utc_offset_hours')!r}") from None
            if not name or not -12 <= offset <= 14:
                raise ValueError(f"{Path(path).name} row {i}: need a name and an offset in [-12, 14]")
            out[name.casefold()] = offset
    return out


def load_locations(path: str | Path | None = None) -> dict[str, float]:
    """UTC offsets (hours) of countries, cities and region names, keyed in lower case.

    Examples
    --------
    >>> load_locations()["london"], load_locations()["emea"]
    (0.0, 1.0)
    """
    return dict(_locations(str(Path(path) if path is not None else LOCATIONS_PATH)))


def _wrap_offset(hours: float) -> float:
    while hours > 14:
        hours -= 24
    while hours < -12:
        hours += 24
    return hours + 0.0


def _natural_key(text: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part != "")


def _norm_kind(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _norm_role(value: str, catalog: Mapping[str, Any]) -> str | None:
    key = _norm_kind(value)
    if key in catalog:
        return key
    for rid, spec in catalog.items():
        if spec.name.casefold() == value.strip().casefold():
            return rid
    return None


# --------------------------------------------------------------------------
# Building the scenario
# --------------------------------------------------------------------------
def build_import(raw: RawTable, mapping: Mapping[str, str | None], rules: Sequence[Rule] | None = None, *,
                 keep_other: bool = True, virtual_root: bool = False,
                 kind_overrides: Mapping[str, tuple[str, str]] | None = None,
                 name: str = "Imported org") -> ImportResult:
    """Classify the people of a file and build a Scenario from them, or reject it.

    Parameters
    ----------
    raw : RawTable
        From :func:`read_table`.
    mapping : mapping of field to column or None
        From :func:`guess_mapping` / :func:`override_mapping`.
    rules : sequence of Rule, optional
        Classification rules (default :func:`load_rules`).
    keep_other : bool
        Keep people classified ``other``; with False they are dropped and their
        reports move up to the nearest kept manager (the top of the org is kept).
    virtual_root : bool
        When several people have no manager, add a root ``"virtual-root"`` above them.
    kind_overrides : mapping of employee id to (kind, role_id), optional
        Per-person corrections; they win over the file and the rules.
    name : str
        Scenario name.

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportRejected
        Listing up to :data:`MAX_PROBLEMS` problems, each with its row and column:
        missing required columns, blank or duplicate ids, unknown managers,
        reporting cycles, no root or several roots, bad costs or FTE, unknown
        kinds or roles.
    RuleError
        For more rules than :data:`~salesops.model.limits.MAX_RULES`.

    Examples
    --------
    >>> raw = read_table(b"ID,Name,Manager,Title\\nE1,Ann,,VP Sales\\nE2,Bob,E1,Account Executive\\n", "x.csv")
    >>> result = build_import(raw, guess_mapping(raw.frame.columns))
    >>> [(p.id, p.kind, p.manager_id) for p in result.scenario.positions]
    [('E1', 'leader', None), ('E2', 'rep', 'E1')]
    >>> raw = read_table(b"ID,Name,Manager\\nE1,Ann,\\nE2,Bob,E9\\n", "x.csv")
    >>> build_import(raw, guess_mapping(raw.frame.columns))
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.ImportRejected: row 3, column 'Manager': manager 'E9' does not exist
    """
    if rules is not None:
        _check_rule_count(len(rules))
    return _Importer(raw, mapping, list(rules) if rules is not None else load_rules(), keep_other,
                     virtual_root, dict(kind_overrides or {}), name).run()


@dataclass
class _Importer:
    raw: RawTable
    mapping: Mapping[str, str | None]
    rules: list[Rule]
    keep_other: bool
    virtual_root: bool
    kind_overrides: dict[str, tuple[str, str]]
    name: str
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # ----- helpers ----------------------------------------------------------
    def col(self, f: str) -> str | None:
        return self.cols.get(f)

    def values(self, f: str) -> list[str] | None:
        c = self.cols.get(f)
        return self.frame[c].tolist() if c is not None else None

    def problem(self, row: int | None, f: str | None, message: str) -> None:
        self.problems.append(ImportProblem(row, self.cols.get(f) if f else None, message))

    def stop_if_problems(self) -> None:
        if self.problems:
            rowed = sorted((p for p in self.problems if p.row is not None), key=lambda p: p.row)
            whole = [p for p in self.problems if p.row is None]
            raise ImportRejected(rowed + whole)

    # ----- steps ------------------------------------------------------------
    def run(self) -> ImportResult:
        self.frame = self.raw.frame
        self.warnings = list(self.raw.warnings)
        self.rows: list[int] = [int(r) for r in self.frame.index]
        self.check_mapping()
        self.read_people()
        self.classify_people()
        self.check_tree()
        self.stop_if_problems()
        self.trim_tree()
        self.place_regions()
        self.stop_if_problems()
        roles = self.build_roles()
        positions = self.build_positions()
        return self.finish(positions, roles)

    def check_mapping(self) -> None:
        cols: dict[str, str] = {}
        columns = [str(c) for c in self.frame.columns]
        for f, c in self.mapping.items():
            if f not in FIELDS:
                self.problems.append(ImportProblem(None, None, f"unknown field {f!r} in the column mapping; "
                                                               f"fields: {', '.join(FIELDS)}"))
                continue
            if c in (None, ""):
                continue
            if c not in columns:
                self.problems.append(ImportProblem(None, str(c), f"mapped to {f!r} but the file has no such "
                                                                 "column"))
                continue
            cols[f] = c
        self.cols = cols
        for f in ("id", "manager_id"):
            if f not in cols:
                self.problems.append(ImportProblem(None, None, self._missing(f)))
        if "name" not in cols and not ("first_name" in cols and "last_name" in cols):
            self.problems.append(ImportProblem(None, None, self._missing("name") + "; or map both 'first_name' "
                                                           f"({', '.join(FIELD_ALIASES['first_name'])}) and "
                                                           f"'last_name' ({', '.join(FIELD_ALIASES['last_name'])})"))
        self.stop_if_problems()

    @staticmethod
    def _missing(f: str) -> str:
        return (f"no {_FIELD_LABELS[f]} column: looked for {', '.join(FIELD_ALIASES[f])} "
                f"(map one with COLUMN={f})")

    def read_people(self) -> None:
        rows = self.rows
        ids = self.values("id")
        self.ids = ids
        first_row: dict[str, int] = {}
        first_index: dict[str, int] = {}
        for i, (pid, row) in enumerate(zip(ids, rows)):
            if not pid:
                self.problem(row, "id", "blank employee id")
            elif pid in first_row:
                self.problem(row, "id", f"duplicate employee id {pid!r} (also on row {first_row[pid]})")
            else:
                first_row[pid] = row
                first_index[pid] = i
        self.first_row = first_row
        self.first_index = first_index
        # Names
        names = self.values("name") or [""] * len(rows)
        firsts, lasts = self.values("first_name"), self.values("last_name")
        if firsts is not None or lasts is not None:
            firsts = firsts or [""] * len(rows)
            lasts = lasts or [""] * len(rows)
            names = [n or f"{a} {b}".strip() for n, a, b in zip(names, firsts, lasts)]
        unnamed = sum(1 for n, pid in zip(names, ids) if not n and pid)
        if unnamed:
            self.warnings.append(f"{unnamed} employee(s) have no name; their id is used as the name")
        self.names = [n or pid for n, pid in zip(names, ids)]
        # Managers (ids, or names when every unknown value names exactly one person)
        managers = self.values("manager_id")
        unknown = {m for m in managers if m and m not in first_row}
        if unknown:
            name_counts = Counter(self.names)
            if all(name_counts.get(m, 0) == 1 for m in unknown):
                by_name = {n: pid for n, pid in zip(self.names, ids) if name_counts[n] == 1}
                managers = [by_name[m] if m in unknown else m for m in managers]
                self.warnings.append(f"column {self.col('manager_id')!r} holds names, not ids: "
                                     f"{len(unknown)} manager(s) matched by name")
                unknown = set()
        self.managers = managers
        for pid, m, row in zip(ids, managers, rows):
            if m in unknown:
                self.problem(row, "manager_id", f"manager {m!r} does not exist")
            elif m and m == pid:
                self.warnings.append(f"row {row}: {pid!r} is their own manager; taken as the top of the org")
        self.titles = self.values("title") or [""] * len(rows)
        self.departments = self.values("department") or [""] * len(rows)
        self.costs = self._numbers("cost", _parse_cost, default=None)
        self.ftes = self._ftes()
        self.region_params = {f: self._numbers(f, _parse_signed, default=None)
                              for f in ("tz_offset_hours", "market_complexity", "cost_index")}

    def _numbers(self, f: str, parse, default: float | None) -> list[float | None]:
        values = self.values(f)
        if values is None:
            return [default] * len(self.rows)
        parsed: dict[str, float | None | str] = {}
        for text in set(values):
            if not text:
                parsed[text] = default
                continue
            try:
                parsed[text] = parse(text)
            except ValueError as exc:
                parsed[text] = str(exc)
        out: list[float | None] = []
        label = _FIELD_LABELS[f]
        for text, row in zip(values, self.rows):
            value = parsed[text]
            if isinstance(value, str):
                self.problem(row, f, f"{label} {text!r} {value}")
                out.append(default)
            else:
                out.append(value)
        return out

    def _ftes(self) -> list[float]:
        values = self._numbers("fte", _parse_fte, default=None)
        texts = self.values("fte") or [""] * len(self.rows)
        plain = [v for v, t in zip(values, texts) if v is not None and not t.endswith("%")]
        scale = 1.0
        if plain:
            median = float(pd.Series(plain).median())
            if median > 1.5 and max(plain) <= 100:
                scale = 0.01
                self.warnings.append(f"column {self.col('fte')!r} looks like percentages (median {median:g}): "
                                     "divided by 100")
        out = []
        for v, text, row in zip(values, texts, self.rows):
            if v is None:
                out.append(1.0)
                continue
            if not text.endswith("%"):
                v *= scale
            if v > 100:
                self.problem(row, "fte", f"fte {text!r} is more than 100")
            out.append(v)
        return out

    def classify_people(self) -> None:
        rules = sorted(self.rules, key=lambda r: r.priority)
        catalog = load_catalog()
        self.catalog = catalog
        cache: dict[tuple[str, str], Rule | None] = {}
        kinds_col, roles_col = self.values("kind"), self.values("role_id")
        n = len(self.rows)
        kinds, roles, reasons = [""] * n, [""] * n, [""] * n
        roles_list = ", ".join(catalog)
        for i, (title, dept, row) in enumerate(zip(self.titles, self.departments, self.rows)):
            key = (title, dept)
            if key not in cache:
                cache[key] = _match(title, dept, rules)
            rule = cache[key]
            kind, role = (rule.kind, rule.role_id) if rule is not None else ("other", "")
            reason = rule.label if rule is not None else "no rule matched"
            k_text = kinds_col[i] if kinds_col is not None else ""
            r_text = roles_col[i] if roles_col is not None else ""
            given_role = None
            if r_text:
                given_role = _norm_role(r_text, catalog)
                if given_role is None:
                    self.problem(row, "role_id", f"unknown role_id {r_text!r} (roles: {roles_list})")
            if k_text:
                given_kind = _norm_kind(k_text)
                if given_kind not in KINDS:
                    self.problem(row, "kind", f"unknown kind {k_text!r} (kinds: {', '.join(KINDS)})")
                elif given_kind == "sales_ops":
                    if given_role:
                        kind, role, reason = "sales_ops", given_role, "kind and role_id columns"
                    elif not r_text and kind == "sales_ops":
                        reason = f"kind column; role from {reason}"
                    elif not r_text:
                        self.problem(row, "kind", f"kind 'sales_ops' needs a role_id (roles: {roles_list}); "
                                                  f"no rule gives one for title {title!r}")
                else:
                    if r_text:
                        self.problem(row, "role_id", f"role_id {r_text!r} given for kind {given_kind!r}; "
                                                     "only sales_ops people have a role")
                    kind, role, reason = given_kind, "", "kind column"
            elif given_role:
                kind, role, reason = "sales_ops", given_role, "role_id column"
            kinds[i], roles[i], reasons[i] = kind, role, reason
        for pid, (kind, role) in self.kind_overrides.items():
            if pid not in self.first_row:
                self.problems.append(ImportProblem(None, None, f"kind override names unknown employee {pid!r}"))
                continue
            i = self.first_index[pid]
            kind = _norm_kind(kind or "")
            role = role or ""
            if kind not in KINDS:
                self.problems.append(ImportProblem(self.rows[i], None, f"kind override for {pid!r}: unknown kind "
                                                                       f"{kind!r} (kinds: {', '.join(KINDS)})"))
                continue
            if kind == "sales_ops":
                role_id = _norm_role(role, catalog) if role else (roles[i] if kinds[i] == "sales_ops" else None)
                if role_id is None:
                    self.problems.append(ImportProblem(self.rows[i], None, f"kind override for {pid!r}: sales_ops "
                                                                           f"needs a role_id (roles: {roles_list}), "
                                                                           f"got {role!r}"))
                    continue
                role = role_id
            else:
                role = ""
            kinds[i], roles[i], reasons[i] = kind, role, "override"
        self.kinds, self.roles, self.reasons = kinds, roles, reasons
        long_texts = sum(1 for t, d in cache if len(t) > MAX_TITLE_CHARS or len(d) > MAX_TITLE_CHARS)
        if long_texts:
            self.warnings.append(f"{long_texts:,} distinct title(s) or department(s) are longer than "
                                 f"{MAX_TITLE_CHARS:,} characters: the rules looked at the first {MAX_TITLE_CHARS:,}")

    def check_tree(self) -> None:
        parent: dict[str, str | None] = {}
        roots: list[str] = []
        for pid, m in zip(self.ids, self.managers):
            if not pid or pid in parent:
                continue
            if not m or m == pid:
                parent[pid] = None
                roots.append(pid)
            elif m in self.first_row:
                parent[pid] = m
            else:
                parent[pid] = None  # unknown manager: already a problem, not a root
        state: dict[str, int] = {}
        cycles = []
        for start in parent:
            if start in state:
                continue
            path = []
            node: str | None = start
            while node is not None and node not in state:
                state[node] = 1
                path.append(node)
                node = parent[node]
            if node is not None and state[node] == 1:
                cycles.append(path[path.index(node):])
            for n in path:
                state[n] = 2
        for cycle in cycles:
            k = min(range(len(cycle)), key=lambda j: self.first_row[cycle[j]])
            ordered = cycle[k:] + cycle[:k]
            self.problem(self.first_row[ordered[0]], "manager_id",
                         "reporting cycle: " + " -> ".join(ordered + [ordered[0]]))
        if not roots and parent:
            self.problems.append(ImportProblem(None, None, "no root: every employee has a manager; the top person's "
                                                           "manager id must be blank (or their own id)"))
        elif len(roots) > 1 and not self.virtual_root:
            shown = ", ".join(f"{r} (row {self.first_row[r]})" for r in roots[:10])
            more = f" and {len(roots) - 10} more" if len(roots) > 10 else ""
            self.problems.append(ImportProblem(None, self.cols.get("manager_id"),
                                               f"several roots (employees with no manager): {shown}{more}; give "
                                               "them a common manager, or import with the virtual-root option "
                                               "(--virtual-root) to add one above them"))
        if len(roots) > 1 and self.virtual_root and VIRTUAL_ROOT_ID in parent:
            self.problem(self.first_row[VIRTUAL_ROOT_ID], "id",
                         f"id {VIRTUAL_ROOT_ID!r} is taken, so no virtual root can be added above the "
                         f"{len(roots)} roots")
        self.parent = parent
        self.root_ids = roots

    def trim_tree(self) -> None:
        parent = dict(self.parent)
        pos = self.first_index
        self.pos = pos
        if len(self.root_ids) > 1:
            root = VIRTUAL_ROOT_ID
            for r in self.root_ids:
                parent[r] = root
            parent[root] = None
            self.warnings.append(f"added a virtual root {VIRTUAL_ROOT_ID!r} above the {len(self.root_ids)} "
                                 f"people with no manager: {', '.join(self.root_ids[:10])}"
                                 + (" ..." if len(self.root_ids) > 10 else ""))
        else:
            root = self.root_ids[0]
        self.root = root
        if root in pos:
            i = pos[root]
            if self.kinds[i] == "sales_ops":
                self.warnings.append(f"the top of the org {root!r} ({self.titles[i] or 'no title'}) is classified "
                                     "sales_ops; kept as the org's leader")
                self.kinds[i], self.roles[i], self.reasons[i] = "leader", "", self.reasons[i] + "; top of the org"
        children: dict[str, list[str]] = {}
        for pid, m in parent.items():
            if m is not None:
                children.setdefault(m, []).append(pid)
        order = [root]
        for node in order:  # breadth first: a manager comes before their reports
            order.extend(children.get(node, ()))
        kind_of = {pid: self.kinds[i] for pid, i in pos.items()}
        if root == VIRTUAL_ROOT_ID:
            kind_of[root] = "leader"
        removed = {pid for pid, k in kind_of.items() if k == "sales_ops"}
        dropped = set()
        if not self.keep_other:
            dropped = {pid for pid, k in kind_of.items() if k == "other" and pid != root}
            if root in pos and kind_of[root] == "other":
                self.warnings.append(f"the top of the org {root!r} is classified other; kept so the org stays "
                                     "one tree")
        gone = removed | dropped
        new_parent: dict[str, str | None] = {root: None}
        for node in order[1:]:
            p = parent[node]
            new_parent[node] = p if p not in gone else new_parent[p]
        self.new_parent = new_parent
        self.ops_ids = [pid for pid in order if pid in removed]
        self.dropped = dropped
        self.kept = [pid for pid in order if pid not in gone]
        self.kind_of = kind_of

    def place_regions(self) -> None:
        source = next((f for f in ("region", "location", "country") if f in self.cols), None)
        self.region_source = source
        n = len(self.rows)
        raw_values = self.values(source) if source else [""] * n
        if source is None:
            self.warnings.append("no region, location or country column: everyone is in one region 'Unassigned'")
        slug_of: dict[str, str] = {"": UNASSIGNED}
        spellings: dict[str, Counter] = {UNASSIGNED: Counter()}
        for v in raw_values:
            if v not in slug_of:
                slug_of[v] = region_slug(v)
        region_ids = [slug_of[v] for v in raw_values]
        for v, rid in zip(raw_values, region_ids):
            if v:
                spellings.setdefault(rid, Counter())[v] += 1
        names = {rid: (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else "Unassigned")
                 for rid, c in spellings.items()}
        names.setdefault(UNASSIGNED, "Unassigned")
        blanks = sum(1 for pid, v in zip(self.ids, raw_values) if pid in self.pos and not v)
        if source is not None and blanks:
            self.warnings.append(f"{blanks} employee(s) have a blank {source}; they are in region 'Unassigned'")
        region_of = {pid: region_ids[i] for pid, i in self.pos.items()}
        # HQ: the root's region, else where most leaders sit, else where most people sit.
        root_region = region_of.get(self.root)
        if root_region and root_region != UNASSIGNED:
            hq = root_region
        else:
            leaders = Counter(region_of[p] for p, k in self.kind_of.items()
                              if k == "leader" and p in region_of and region_of[p] != UNASSIGNED)
            if not leaders:
                leaders = Counter(r for r in region_of.values() if r != UNASSIGNED)
            hq = min(leaders.items(), key=lambda kv: (-kv[1], kv[0]))[0] if leaders else UNASSIGNED
        if self.root == VIRTUAL_ROOT_ID:
            region_of[VIRTUAL_ROOT_ID] = hq
        self.region_of = region_of
        self.hq = hq
        used = {region_of[p] for p in self.kept} | {region_of[p] for p in self.ops_ids} | {hq}
        params = self._region_params(region_of, names)
        offsets = self._offsets(used, names, region_ids, params.get("tz_offset_hours", {}))
        reps = Counter(region_of[p] for p in self.kept if self.kind_of[p] == "rep")
        managers = Counter(region_of[p] for p in self.kept if self.kind_of[p] == "manager")
        people = Counter(region_of[p] for p in self.kept) + Counter(region_of[p] for p in self.ops_ids)
        order = sorted(used, key=lambda r: (r != hq, -people[r], r))
        regions = []
        for rid in order:
            extra = {}
            for f in ("market_complexity", "cost_index"):
                if rid in params.get(f, {}):
                    extra[f] = params[f][rid][0]
            try:
                regions.append(Region(id=rid, name=names.get(rid, rid), reps=reps[rid], managers=managers[rid],
                                      tz_offset_hours=offsets[rid], **extra))
            except ScenarioError as exc:
                self.problems.append(ImportProblem(None, None, str(exc)))
        self.regions = regions
        self.region_names = names
        self.cost_index = {r.id: r.cost_index for r in regions}

    def _region_params(self, region_of: dict[str, str], names: dict[str, str]
                       ) -> dict[str, dict[str, tuple[float, int]]]:
        limits = {"tz_offset_hours": (-24.0, 24.0), "market_complexity": (0.0, 1.0), "cost_index": (0.05, 20.0)}
        out: dict[str, dict[str, tuple[float, int]]] = {}
        for f, values in self.region_params.items():
            if f not in self.cols:
                continue
            seen: dict[str, tuple[float, int]] = {}
            low, high = limits[f]
            for pid, i in self.pos.items():
                value = values[i]
                if value is None:
                    continue
                row, rid = self.rows[i], region_of[pid]
                if not low <= value <= high:
                    self.problem(row, f, f"{_FIELD_LABELS[f]} {value:g} is outside [{low:g}, {high:g}]")
                elif rid in seen and seen[rid][0] != value:
                    self.problem(row, f, f"region {names.get(rid, rid)!r} has {_FIELD_LABELS[f]} "
                                         f"{seen[rid][0]:g} on row {seen[rid][1]} but {value:g} here")
                else:
                    seen.setdefault(rid, (value, row))
            out[f] = seen
        return out

    def _offsets(self, used: set[str], names: dict[str, str], region_ids: list[str],
                 explicit: dict[str, tuple[float, int]]) -> dict[str, float]:
        table = load_locations()
        absolute: dict[str, float | None] = {}
        # Fall back on the location or country of a region's people when its name is unknown.
        fallback: dict[str, Counter] = {}
        if self.region_source == "region":
            for f in ("location", "country"):
                values = self.values(f)
                if values is None:
                    continue
                for rid, v in zip(region_ids, values):
                    off = table.get(v.casefold()) if v else None
                    if off is not None:
                        fallback.setdefault(rid, Counter())[off] += 1
                if fallback:
                    break
        for rid in used:
            off = table.get(names.get(rid, rid).casefold())
            if off is None and rid in fallback:
                off = min(fallback[rid].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            absolute[rid] = off
        out: dict[str, float] = {}
        hq = self.hq
        hq_explicit = explicit.get(hq, (None, 0))[0]
        hq_abs = absolute.get(hq)
        if any(rid not in explicit for rid in used if rid != hq) and hq_abs is None and hq not in explicit:
            if any(absolute[r] is not None for r in used if r != hq and r not in explicit):
                self.warnings.append(f"time zone of the HQ region {names.get(hq, hq)!r} is unknown (not in "
                                     "data/locations.csv): every region is taken as 0 hours from HQ")
        for rid in used:
            if rid in explicit:
                out[rid] = _wrap_offset(explicit[rid][0] - (hq_explicit or 0.0))
            elif rid == hq:
                out[rid] = 0.0
            elif absolute[rid] is None or hq_abs is None:
                if absolute[rid] is None and rid != UNASSIGNED:
                    self.warnings.append(f"time zone of region {names.get(rid, rid)!r} is unknown (not in "
                                         "data/locations.csv): 0 hours from HQ assumed")
                out[rid] = 0.0
            else:
                out[rid] = _wrap_offset(absolute[rid] - hq_abs)
        return out

    def build_roles(self) -> list[RolePlan]:
        plans = []
        costs_given = "cost" in self.cols
        for role_id, spec in self.catalog.items():
            staff = [pid for pid in self.ops_ids if self.roles[self.pos[pid]] == role_id]
            if not staff:
                continue
            central = 0.0
            local: Counter = Counter()
            has_central = has_local = marked_hybrid = False
            cost_sum = cost_fte = 0.0
            for pid in staff:
                i = self.pos[pid]
                rid, fte = self.region_of[pid], self.ftes[i]
                marked_hybrid = marked_hybrid or bool(_HYBRID.search(self.departments[i]))
                if rid == self.hq and not _EMBEDDED.search(self.departments[i]):
                    central += fte
                    has_central = True
                else:
                    local[rid] += fte
                    has_local = True
                cost = self.costs[i]
                if costs_given and cost is not None:
                    cost_sum += cost / self.cost_index.get(rid, 1.0)
                    cost_fte += fte
            rep_regions = {self.region_of[pid] for pid in self.kept
                           if pid in self.kind_of and self.kind_of[pid] == "rep"} - {self.hq}
            marked = marked_hybrid or any(_EMBEDDED.search(self.departments[self.pos[pid]]) for pid in staff)
            if marked_hybrid or (has_central and has_local and (marked or rep_regions <= set(local))):
                placement = "hybrid"
            elif has_central and has_local:
                # Staff at HQ and in some regions only: a hybrid set-up would leave the other
                # regions' share unserved, so the people are modelled as one central pool.
                placement = "centralized"
                total = central + sum(local.values())
                self.warnings.append(
                    f"{spec.name}: staff at HQ and in {', '.join(sorted(local))} but not in every region, so "
                    f"all {total:g} FTE are modelled as one central team; switch it to hybrid or localized on "
                    "the Org designer page to compare")
                central, local = total, Counter()
            else:
                placement = "centralized" if has_central else "localized"
            if placement == "hybrid" and self.hq in local:  # the hub at HQ serves the HQ region itself
                central += local.pop(self.hq)
            if cost_fte > 0:
                spec = replace(spec, cost_usd_per_year=round(cost_sum / cost_fte, 2))
            plans.append(RolePlan(role=spec, placement=placement, sizing="manual", central_fte=round(central, 9),
                                  local_fte=tuple((rid, round(f, 9)) for rid, f in local.items())))
        return plans

    def build_positions(self) -> list[Position]:
        out = []
        for pid in self.kept:
            parent = self.new_parent[pid]
            if pid == VIRTUAL_ROOT_ID and pid not in self.pos:
                out.append(Position(VIRTUAL_ROOT_ID, "Virtual root", "leader", None, "Virtual root (added on import)",
                                    self.hq))
                continue
            i = self.pos[pid]
            kind = self.kind_of[pid]
            out.append(Position(
                id=pid, name=self.names[i], kind=kind, manager_id=parent, title=self.titles[i],
                region=self.region_of[pid], cost_usd_per_year=self.costs[i] or 0.0, fte=self.ftes[i],
                role_id=self.roles[i] if kind == "sales_ops" else "", department=self.departments[i],
            ))
        out.sort(key=lambda p: _natural_key(p.id))
        return out

    def finish(self, positions: list[Position], roles: list[RolePlan]) -> ImportResult:
        filename = self.raw.filename
        description = f"Imported from {filename}" if filename else "Imported from an HRIS export"
        try:
            scenario = Scenario(name=self.name.strip() or "Imported org", hq_region=self.hq,
                                regions=tuple(self.regions), roles=tuple(roles), positions=tuple(positions),
                                description=f"{description} ({len(self.rows):,} rows)")
            scenario.check_positions()
        except ScenarioError as exc:
            raise _reject(f"the imported org is not valid: {exc}") from None
        sales_others = Counter(t for t, d, k in zip(self.titles, self.departments, self.kinds)
                               if k == "other" and _SALES_DEPARTMENT.search(d))
        if sales_others:
            examples = ", ".join(repr(t or "(no title)") for t, _ in sales_others.most_common(3))
            self.warnings.append(f"{sum(sales_others.values())} people in a sales department have a title no rule "
                                 f"recognises (e.g. {examples}); they count as 'other' (add a rule or a kind column)")
        classification = pd.DataFrame({
            "row": self.rows, "id": self.ids, "name": self.names, "title": self.titles,
            "department": self.departments,
            "region": [self.region_of.get(pid, "") for pid in self.ids],
            "kind": self.kinds, "role_id": self.roles, "rule": self.reasons,
        })
        by_kind = Counter(self.kinds)
        summary = {
            "rows": len(self.rows),
            "people": len(self.pos),
            "positions": len(positions),
            "by_kind": {k: by_kind.get(k, 0) for k in KINDS},
            "dropped_other": len(self.dropped),
            "virtual_root": self.root == VIRTUAL_ROOT_ID,
            "root": self.root,
            "hq_region": self.hq,
            "region_source": self.region_source,
            "mapping": dict(self.cols),
            "regions": [{"id": r.id, "name": r.name, "people": sum(1 for p in positions if p.region == r.id)
                         + sum(1 for p in self.ops_ids if self.region_of[p] == r.id),
                         "reps": r.reps, "managers": r.managers, "tz_offset_hours": r.tz_offset_hours}
                        for r in scenario.regions],
            "roles": [{"role_id": p.role.id, "name": p.role.name, "placement": p.placement,
                       "people": sum(1 for q in self.ops_ids if self.roles[self.pos[q]] == p.role.id),
                       "fte": round(p.central_fte + sum(f for _, f in p.local_fte), 6),
                       "central_fte": p.central_fte, "local_fte": dict(p.local_fte),
                       "cost_usd_per_year": p.role.cost_usd_per_year} for p in scenario.roles],
        }
        return ImportResult(scenario=scenario, classification=classification,
                            warnings=tuple(dict.fromkeys(self.warnings)), summary=summary)


def _parse_signed(text: str) -> float:
    s = text.strip().replace("\u2212", "-")
    negative = s.startswith("-")
    value = parse_amount(s[1:] if negative or s.startswith("+") else s, money=False)
    return -value if negative else value


# --------------------------------------------------------------------------
# An example export
# --------------------------------------------------------------------------
_EXAMPLE_REGIONS = (  # (region, office, leader title, weight)
    ("North America", "New York", "VP Sales, North America", 5),
    ("EMEA", "London", "Head of EMEA Sales", 3),
    ("APAC", "Singapore", "VP Sales APAC", 2),
    ("LATAM", "Sao Paulo", "Director of Sales, LATAM", 1),
    ("ANZ", "Sydney", "Regional Vice President ANZ", 1),
)
_EXAMPLE_OPS = (("Sales Operations Analyst", 3), ("CRM Administrator", 2), ("Deal Desk Analyst", 2),
                ("Marketing Operations Manager", 1), ("Sales Enablement Manager", 1), ("Quota Analyst", 1))
_EXAMPLE_OTHER = ("Marketing Manager", "Recruiter", "Software Engineer", "Solutions Engineer", "Executive Assistant")
_FIRST = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jun", "Kofi", "Lena", "Mateo",
          "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zane")
_LAST = ("Abe", "Brown", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kim",
         "Lopez", "Müller", "Nair", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Novak", "Walsh", "Zhang")


def example_csv(rows: int = 50, seed: int = 0) -> str:
    """A realistic HRIS export (Workday-style column names) of ``rows`` employees.

    A Chief Revenue Officer in New York, a VP Sales Operations with central staff,
    five regional sales leaders, front-line managers (about one per eight reps),
    reps, sales-ops staff (some embedded in the regions) and a few others, with
    salaries. Deterministic for a given ``seed``; for demos, tests and benchmarks.

    Examples
    --------
    >>> example_csv(12).splitlines()[0]
    'Employee ID,Worker,Business Title,Manager Employee ID,Supervisory Organization,Location,Annual Salary,FTE'
    """
    if rows < 1:
        raise ValueError(f"rows must be >= 1, got {rows!r}")
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Employee ID", "Worker", "Business Title", "Manager Employee ID", "Supervisory Organization",
                     "Location", "Annual Salary", "FTE"])
    records: list[list[str]] = []
    counter = [0]

    def add(title: str, manager: str, dept: str, office: str, salary: int, fte: str = "1") -> str:
        counter[0] += 1
        pid = f"E{counter[0]:05d}"
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        records.append([pid, name, title, manager, dept, office, str(salary), fte])
        return pid

    cro = add("Chief Revenue Officer", "", "Sales", "New York", 350_000)
    ops_head = add("VP Sales Operations", cro, "Sales Operations", "New York", 260_000) if rows > 1 else cro
    regions = _EXAMPLE_REGIONS[: max(1, min(5, (rows - 2) // 12))]
    leaders = {}
    for region, office, title, _ in regions:
        if counter[0] < rows:
            leaders[region] = add(title, cro, "Sales", office, 240_000)
    rest = max(0, rows - counter[0])
    n_ops = round(rest * 0.08)
    n_other = round(rest * 0.06)
    n_mgr = max(1 if rest > 2 else 0, round((rest - n_ops - n_other) / 9))
    n_rep = rest - n_ops - n_other - n_mgr
    weights = [w for *_, w in regions]
    managers: dict[str, list[str]] = {r: [] for r, *_ in regions}
    offices = {r: o for r, o, *_ in regions}

    def pick_region() -> str:
        return rng.choices([r for r, *_ in regions], weights=weights)[0]

    for k in range(n_mgr):
        region = regions[k % len(regions)][0] if k < len(regions) else pick_region()
        managers[region].append(add(rng.choice(("Sales Manager", "Regional Sales Manager", "Team Lead, Sales")),
                                    leaders.get(region, cro), "Sales", offices[region], rng.randrange(150, 190) * 1000))
    for _ in range(n_rep):
        region = pick_region()
        boss = rng.choice(managers[region]) if managers[region] else leaders.get(region, cro)
        title = rng.choices(("Account Executive", "Senior AE", "SDR", "Business Development Representative"),
                            weights=(5, 2, 2, 1))[0]
        add(title, boss, "Sales", offices[region], rng.randrange(70, 140) * 1000)
    ops_titles = [t for t, w in _EXAMPLE_OPS for _ in range(w)]
    for k in range(n_ops):
        title = ops_titles[k % len(ops_titles)]
        if k % 4 == 3 and len(regions) > 1:  # one in four embedded in a region away from HQ
            region = regions[1 + (k // 4) % (len(regions) - 1)][0]
            add(title, leaders.get(region, cro), "Sales Operations", offices[region], rng.randrange(110, 160) * 1000)
        else:
            add(title, ops_head, "Sales Operations", "New York", rng.randrange(110, 170) * 1000,
                fte="0.5" if k % 11 == 10 else "1")
    for k in range(n_other):
        region = pick_region()
        add(_EXAMPLE_OTHER[k % len(_EXAMPLE_OTHER)], leaders.get(region, cro), "Marketing" if k % 5 == 0 else "G&A",
            offices[region], rng.randrange(80, 160) * 1000)
    writer.writerows(records[:rows])
    return out.getvalue()
