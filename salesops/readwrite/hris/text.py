"""Reading a text file: decoding (UTF-8, UTF-16 with or without a BOM, Windows-1252) and CSV records.

:func:`_decode` turns the bytes into text, refusing binaries; :func:`_csv_rows` yields the records
(delimiter sniffed from the header, cells trimmed, a formula-escaping apostrophe removed by
:func:`_clean`), reading the text through blocks of about 1 MB (:func:`_lines`).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from typing import Iterator

from salesops.readwrite.hris.errors import _reject


_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
_BINARY_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


def _decode(data: bytes, warnings: list[str]) -> str:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _reject("UTF-32 files are not supported: save it as UTF-8 CSV")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _reject(
                f"the file starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start + 1})"
            ) from None
        _check_text(text)
        return text
    # The body after a UTF-8 BOM, as a view: a 20 MB file is not copied to drop 3 bytes.
    body = memoryview(data)[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else memoryview(data)
    for magic, what in _BINARY_MAGIC:
        if body[: len(magic)] == magic:
            raise _reject(f"not a text file: it looks like {what}; upload a CSV or XLSX file")
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise _reject("not a text file: it contains NUL bytes; upload a CSV or XLSX file")
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise _reject(
                f"the file looks like {_UTF16_NAMES[codec]} without a byte-order mark but is not valid "
                f"UTF-16 (byte {exc.start + 1})"
            ) from None
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
    for codec, high, nul_high, nul_low in (
        ("utf-16-le", odd, nul_odd, nul_even),
        ("utf-16-be", even, nul_even, nul_odd),
    ):
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
    header = next((line for line in text[: 1 << 20].splitlines() if line.strip()), "")  # within the first MB
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
