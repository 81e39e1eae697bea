"""Reading an XLSX workbook: the zip and its XML are checked, streaming, before openpyxl parses anything.

:func:`_xlsx_rows` yields the rows of the first worksheet once :func:`_inspect_xlsx` has held every part
to the limits of :mod:`salesops.model.limits` (parts, decompressed sizes, shared strings, rows, columns,
cell lengths; no DTD).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any, Iterator, Sequence
from xml.parsers import expat

from salesops.model.limits import (
    MAX_CELL_CHARS,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
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
from salesops.readwrite.hris.errors import ImportRejected, _fmt_mb, _mb, _reject, _too_many_rows
from salesops.readwrite.hris.text import _clean


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


def _expands(label: str, kind: str | None) -> str:
    return f"{label} expand{'' if kind == 'sst' else 's'}"


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
            raise _reject(
                f"{_expands(_part_label(info.filename, kind), kind)} to {_fmt_mb(_mb(info.file_size))}; "
                f"the limit is {_fmt_mb(_mb(limit))}"
            )
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise _reject(
            f"the workbook expands to {_fmt_mb(_mb(expanded))} when unzipped; the limit is "
            f"{_fmt_mb(_mb(MAX_XLSX_EXPANDED_BYTES))}"
        )
    for info in infos:
        if info.file_size > max(_RATIO_FROM_BYTES, MAX_XLSX_COMPRESSION_RATIO * info.compress_size):
            ratio = info.file_size / max(1, info.compress_size)
            raise _reject(
                f"{_part_label(info.filename, _kind_by_name(info.filename))} is compressed {ratio:,.0f} "
                f"to 1 (a zip bomb?); the limit is {MAX_XLSX_COMPRESSION_RATIO:,} to 1"
            )


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
        self.rows = 0  # <row> elements
        self.elements = 0  # elements of any other part
        self.row = 0  # current row number
        self.col = 0  # current column number
        self.strings = 0  # <si> elements
        self.chars = 0  # characters of the current cell or shared string
        self.in_text = False  # inside a <v> or <t>
        self.columns: dict[str, int] = {}

    # ----- the first element tells what the part is ----------------------------
    def root(self, parser: Any, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]  # names as written: "c" or "x:c" (no namespace processing: 40% faster)
        if local == "sst":
            self.kind = "sst"
            declared = attrs.get("uniqueCount") or ""
            if declared.isdigit() and (len(declared) > 15 or int(declared) > MAX_XLSX_SHARED_STRINGS):
                count = f"{int(declared):,}" if len(declared) <= 15 else "more than 10^15"
                raise _reject(f"the workbook declares {count} shared strings; the limit is {MAX_XLSX_SHARED_STRINGS:,}")
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
            raise _reject(
                f"{_expands(_part_label(self.name, self.kind), self.kind)} to "
                f"{_fmt_mb(_mb(self.declared))}; the limit is {_fmt_mb(_mb(limit))}"
            )

    # ----- styles, workbook, relationships ... (openpyxl builds objects of every element) ------
    def other_start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_XLSX_OTHER_PART_ELEMENTS:
            raise _reject(
                f"{_part_label(self.name, self.kind)} has more than {MAX_XLSX_OTHER_PART_ELEMENTS:,} XML "
                f"elements; the limit is {MAX_XLSX_OTHER_PART_ELEMENTS:,}"
            )

    # ----- shared strings -------------------------------------------------------
    def sst_start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2] if ":" in name else name
        if local == "si":
            self.strings += 1
            if self.strings > MAX_XLSX_SHARED_STRINGS:
                raise _reject(
                    f"the workbook has more than {MAX_XLSX_SHARED_STRINGS:,} shared strings; the limit "
                    f"is {MAX_XLSX_SHARED_STRINGS:,}"
                )
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
                    raise _reject(
                        f"the worksheet {self.name!r} has a value in column {self.col:,} (row "
                        f"{self.row:,}); the limit is {MAX_IMPORT_COLUMNS:,} columns"
                    )
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
                    raise _reject(
                        f"shared string {self.strings:,} of the workbook has more than "
                        f"{MAX_CELL_CHARS:,} characters; the limit for a cell is {MAX_CELL_CHARS:,}"
                    )
                raise _reject(
                    f"the cell in column {self.col:,} has more than {MAX_CELL_CHARS:,} characters; "
                    f"the limit is {MAX_CELL_CHARS:,}",
                    row=self.row,
                )

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
                    raise _reject(
                        f"{_expands(_part_label(info.filename, scanner.kind), scanner.kind)} past {_fmt_mb(_mb(limit))}"
                    )
                if budget[0] < 0:
                    raise _reject(f"the workbook expands past {_fmt_mb(_mb(MAX_XLSX_EXPANDED_BYTES))} when unzipped")
                first = chunk.find(b"<")
                if first < 0:
                    since_tag += len(chunk)
                else:
                    since_tag += first
                if since_tag > MAX_XML_TOKEN_BYTES and scanner.kind != "other":
                    raise _reject(
                        f"{_part_label(info.filename, scanner.kind)} holds a tag or text of more than "
                        f"{_fmt_mb(_mb(MAX_XML_TOKEN_BYTES))}; a cell holds at most "
                        f"{MAX_CELL_CHARS:,} characters"
                    )
                if first >= 0:
                    since_tag = len(chunk) - 1 - chunk.rfind(b"<")
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _StopScan:
        raise _reject(
            f"unreadable XLSX file: {_part_label(info.filename, scanner.kind)} declares a DTD, which workbooks never do"
        ) from None
    except expat.ExpatError as exc:
        if scanner.kind in (None, "other"):
            return None  # not XML (an image, a printer setting), or a part openpyxl will judge itself
        raise _reject(
            f"unreadable XLSX file: {_part_label(info.filename, scanner.kind)} is not well-formed XML "
            f"({expat.ErrorString(exc.code)}, line {exc.lineno})"
        ) from None
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
        for row in sheet.iter_rows(
            min_row=1, max_row=stats.last_row, min_col=1, max_col=max(1, stats.columns), values_only=True
        ):
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
