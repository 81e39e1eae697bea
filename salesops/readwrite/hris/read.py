"""Reading an HRIS file: the bytes of a CSV or XLSX file in, a :class:`RawTable` of trimmed strings out.

:func:`check_size` and :func:`read_table` (CSV and text through :mod:`salesops.readwrite.hris.text`,
workbooks through :mod:`salesops.readwrite.hris.xlsx`), and :func:`_frame`, which makes the records a
frame within the row, column and cell limits of :mod:`salesops.model.limits`.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from salesops.model.limits import MAX_CELL_CHARS, MAX_IMPORT_BYTES, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS
from salesops.readwrite.hris.errors import ImportProblem, ImportRejected, _fmt_mb, _mb, _reject, _too_many_rows
from salesops.readwrite.hris.text import _csv_rows, _decode
from salesops.readwrite.hris.xlsx import _xlsx_rows


DEFAULT_MAX_BYTES = MAX_IMPORT_BYTES  # every other bound on an import is in salesops.model.limits
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE files
_ZIP_MAGIC = b"PK\x03\x04"


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


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------
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
    salesops.readwrite.hris.errors.ImportRejected: file is 25.3 MB; the limit is 20 MB
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
    salesops.readwrite.hris.errors.ImportRejected: the file has a header row but no employee rows
    >>> read_table(b"ID,Name\\n" + b"E,x\\n" * 100_001, "x.csv")
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.errors.ImportRejected: the file has more than 100,001 rows; the limit is a header and
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
            out.append(
                ImportProblem(row, column, f"the cell has {len(cell):,} characters; the limit is {MAX_CELL_CHARS:,}")
            )
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
                raise _reject(
                    f"the header has {len(header):,} columns; the limit is {MAX_IMPORT_COLUMNS:,}", row=row_number
                )
            width = len(header)
            counts = Counter(header)
            for name, n in counts.items():
                if n > 1 and name:
                    where = [str(j + 1) for j, h in enumerate(header) if h == name]
                    problems.append(
                        ImportProblem(
                            row_number, None, f"duplicate column name {name!r} (columns {' and '.join(where)})"
                        )
                    )
            store = _Columns(width)
            continue
        body += 1
        if len(record) > width and any(record[width:]):
            filled = len(record) - next(k for k, c in enumerate(reversed(record)) if c)
            problems.append(
                ImportProblem(
                    row_number,
                    None,
                    f"{filled} values but the header names {width} columns (an unquoted delimiter inside a value?)",
                )
            )
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
