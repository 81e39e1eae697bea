"""Every bound on what the app accepts, in one place.

A hosted copy serves many people from one process: one hostile or absurd input
(a link, a scenario file, an HRIS export, a form value) must be refused with a
message, or finish in bounded time and memory, and never slow anyone else.
Each limit below is far above what a real sales organisation needs and low
enough that the work it allows is bounded; the scenario code, the JSON Schema
(``data/scenario.schema.json``), the link codec and the importer all take their
bounds from here, and a test checks that the schema says the same.

Examples
--------
>>> MAX_TOTAL_REPS >= 100_000 and MAX_REGIONS >= 20
True
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "TextError",
    "check_text",
    "MAX_DESCRIPTION_CHARS",
    "MAX_MANAGERS_PER_REGION",
    "MAX_NAME_CHARS",
    "MAX_POSITIONS",
    "MAX_REGIONS",
    "MAX_REPS_PER_REGION",
    "MAX_ROLES",
    "MAX_ROLE_FTE",
    "MAX_TOTAL_REPS",
    "IMPORT_SECONDS",
    "MAX_UPLOAD_BYTES",
    "MODEL_SECONDS",
    "MONTE_CARLO_SECONDS",
    "PACK_SECONDS",
    "ROLE_RANGES",
    "WHATIF_SECONDS",
]

# ----- Scenario ----------------------------------------------------------------
# The largest sales forces have tens of thousands of reps; 200,000 leaves room and keeps
# one evaluation near 20 ms and the one-role what-ifs under half a second.
MAX_TOTAL_REPS = 200_000
MAX_REPS_PER_REGION = MAX_TOTAL_REPS
MAX_MANAGERS_PER_REGION = MAX_TOTAL_REPS
# Regions a sales org is run by (NA, EMEA, ... or countries); 50 is generous and bounds the
# per-region queues, tables and charts (a 500-region link cost 105 s of server time).
MAX_REGIONS = 50
# The catalog has six roles; custom roles and copies bring a real scenario to a dozen.
MAX_ROLES = 30
# People of an imported org (one row each in the HRIS export).
MAX_POSITIONS = 100_000
# FTE of one role, whether typed (manual sizing) or what its demand needs (auto sizing):
# a queue of more servers is not a sales-ops team, and staffing work grows with it.
MAX_ROLE_FTE = 20_000
# Names of scenarios, regions, roles and people; free-text descriptions.
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2_000

# Ranges of each role parameter (inclusive; a lower bound of 0 with "positive" means > 0).
# Wide enough for any sourced figure, narrow enough that no figure overflows.
ROLE_RANGES: dict[str, tuple[float, float]] = {
    "cost_usd_per_year": (0.0, 5_000_000.0),  # fully loaded cost of one FTE
    "service_rate_per_fte_week": (0.01, 10_000.0),  # requests one FTE completes a week
    "demand_per_rep_week": (0.0, 100.0),  # requests one rep raises a week
    "rep_hours_saved_per_request": (0.0, 40.0),  # a week's work at most
    "target_answer_hours": (0.01, 2_000.0),
    "urgency_hours": (0.01, 2_000.0),
    "peak_factor": (1.0, 5.0),  # demand in peak weeks over normal weeks (model 4)
    "peak_share": (0.0, 0.5),  # share of the year's weeks at peak
}

# ----- Work budgets ---------------------------------------------------------------
# Wall-clock budgets of work that runs outside the model's fast path (seconds).
MODEL_SECONDS = 5.0  # one evaluation, in a worker when the org is large
WHATIF_SECONDS = 20.0  # every one-role what-if of a scenario
MONTE_CARLO_SECONDS = 120.0  # one Monte Carlo run of a big org (10,000 draws of 50 regions x 30 roles: ~17 s)
PACK_SECONDS = 120.0  # the stakeholder pack (Excel, HTML, PowerPoint) of a big org
IMPORT_SECONDS = 30.0  # reading and building an HRIS file over 1 MB (in a worker process)


# Characters no name may hold: C0/C1 controls (tab and newline are fine in descriptions) and
# lone surrogates, which no encoder can write (a lone surrogate once stopped the sidebar).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class TextError(ValueError):
    """A name or text is not a string, too long, or holds a character that cannot be shown."""


def check_text(value: Any, where: str, *, limit: int = MAX_NAME_CHARS, blank_ok: bool = False) -> str:
    """``value`` if it is text a page, file and link can carry; else :class:`TextError` naming ``where``.

    Examples
    --------
    >>> check_text("EMEA (London)", "region name")
    'EMEA (London)'
    >>> check_text("bad" + chr(0xD800), "scenario name")
    Traceback (most recent call last):
    ...
    salesops.model.limits.TextError: scenario name: character 4 is not a printable character (U+D800)
    """
    if not isinstance(value, str):
        raise TextError(f"{where} must be text, got {type(value).__name__}")
    if not blank_ok and not value.strip():
        raise TextError(f"{where} must not be blank")
    if len(value) > limit:
        raise TextError(f"{where} is {len(value):,} characters; the limit is {limit:,}")
    bad = _BAD_CHARS.search(value)
    if bad:
        raise TextError(f"{where}: character {bad.start() + 1} is not a printable character (U+{ord(bad.group()):04X})")
    return value


# ----- Import (HRIS files and classification rules; salesops.readwrite.hris) -----------------
# Sized so that a realistic HRIS export of 50,000 employees (benchmarks/bench_import.py:
# Workday-style, 8 columns, 3.3 MB as CSV, 1.9 MB as XLSX holding a 23 MB worksheet) imports
# with room to spare (twice the rows, 25 times the columns), while the hostile files of
# tests/test_hostile_import.py (zip, shared-string and row bombs, ReDoS titles and patterns)
# are refused in well under 2 s and 200 MB. Every refusal names the limit it hit.
_MB = 1_000_000  # decimal megabytes, as the browser's file uploader counts them (20 MB = 20,000,000 bytes)
# The uploaded file as it arrives (a CSV, or an XLSX still compressed): 6x the 50,000-row CSV.
MAX_IMPORT_BYTES = 20 * _MB
# Rows below the header, blank rows included (XLSX rows holding only formatting count too):
# one per person, so the same bound as the people of a scenario; twice the benchmark file.
MAX_IMPORT_ROWS = MAX_POSITIONS
# Columns of the header: full Workday or SuccessFactors exports have about 100.
MAX_IMPORT_COLUMNS = 200
# Characters in one cell (header names too); a longer cell is refused naming its row and column.
MAX_CELL_CHARS = 1_000
# Characters of a title or department the classification rules look at (the rest is ignored):
# the longest real job titles are about 100 characters; the same bound as a name.
MAX_TITLE_CHARS = MAX_NAME_CHARS
# XLSX, checked on the zip directory (declared sizes) and again on the decompressed stream
# (a byte counter and an element counter), all before openpyxl parses anything.
MAX_XLSX_PARTS = 1_000  # files in the zip; a workbook of a few sheets has about 15
MAX_XLSX_EXPANDED_BYTES = 200 * _MB  # all parts decompressed (512 MB let a 4 GB host run out)
MAX_XLSX_SHEET_BYTES = 150 * _MB  # one worksheet: 100,000 rows x 25 inline strings (x 50 shared)
MAX_XLSX_SHARED_STRINGS_BYTES = 50 * _MB  # the shared-strings part, which openpyxl holds whole
MAX_XLSX_SHARED_STRINGS = 1_000_000  # distinct strings: 100,000 rows x 10 unique texts
MAX_XLSX_OTHER_PART_BYTES = 10 * _MB  # styles, workbook, theme ...: parsed whole by openpyxl
MAX_XLSX_OTHER_PART_ELEMENTS = 100_000  # XML elements of one such part (~1.5 s of openpyxl); Excel
# itself allows 64,000 cell formats
MAX_XLSX_COMPRESSION_RATIO = 200  # parts over 1 MB; worksheets compress ~12:1, a bomb ~1000:1
MAX_XML_TOKEN_BYTES = 1 * _MB  # between two "<" of a worksheet or shared strings
# Classification rules (data/classification_rules.csv has 24; the longest pattern has 340 characters).
MAX_RULES = 200
MAX_PATTERN_CHARS = 1_000

__all__ += [
    "MAX_CELL_CHARS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_COLUMNS",
    "MAX_IMPORT_ROWS",
    "MAX_PATTERN_CHARS",
    "MAX_RULES",
    "MAX_TITLE_CHARS",
    "MAX_XLSX_COMPRESSION_RATIO",
    "MAX_XLSX_EXPANDED_BYTES",
    "MAX_XLSX_OTHER_PART_BYTES",
    "MAX_XLSX_OTHER_PART_ELEMENTS",
    "MAX_XLSX_PARTS",
    "MAX_XLSX_SHARED_STRINGS",
    "MAX_XLSX_SHARED_STRINGS_BYTES",
    "MAX_XLSX_SHEET_BYTES",
    "MAX_XML_TOKEN_BYTES",
]

# What an uploader accepts (HRIS files, scenario files, actuals), in the browser and on the server alike.
MAX_UPLOAD_BYTES = MAX_IMPORT_BYTES
