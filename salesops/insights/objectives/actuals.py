"""Measured KPI values: read from a CSV file (all or nothing), merged into a scenario, a template to fill in.

Measured values per period come in as a CSV (:func:`parse_actuals`, all or
nothing) and are merged into the scenario (:func:`merge_actuals`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Iterable, Mapping


from salesops.model.plan_items import KPIS, Actual, PlanItemError
from salesops.insights.objectives.parsing import (
    _NUMBER,
    _normal_period,
    _period_sort_key,
    _Rejected,
    resolve_kpi,
)

ACTUALS_COLUMNS = ("period", "kpi", "value")
MAX_ACTUALS_BYTES = 1_000_000
MAX_ACTUALS_ROWS = 10_000

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class ActualsRejected(_Rejected):
    """An actuals file that cannot be used; ``problems`` lists why (at most :data:`MAX_PROBLEMS`).

    Parameters
    ----------
    problems : iterable of str
        Every problem found, each naming its row and column where it has one;
        the first :data:`MAX_PROBLEMS` are kept and ``total`` counts them all.
    """


def _value(text: str, kpi: str | None, where: str, problems: list[str]) -> float | None:
    raw = text.strip()
    if not raw:
        problems.append(f"{where}: empty; give a number")
        return None
    body, percent = raw, raw.endswith("%")
    if percent:
        body = body[:-1].strip()
    sign = ""
    if body[:1] in "+-":
        sign, body = body[0], body[1:].strip()
    if body.startswith("$"):
        body = body[1:].strip()
    if _THOUSANDS.match(body):
        body = body.replace(",", "")
    if not _NUMBER.match(body):
        if body.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            problems.append(f"{where}: {raw!r} is not a finite number")
        else:
            problems.append(f"{where}: {raw!r} is not a number")
        return None
    value = float(sign + body)
    if not math.isfinite(value):
        problems.append(f"{where}: {raw!r} is not a finite number")
        return None
    if kpi is None:
        return None
    unit = KPIS[kpi][1]
    if percent:
        if unit not in ("share", "ratio"):
            problems.append(f"{where}: {raw!r} is a percentage, but {kpi} is in {unit}")
            return None
        value /= 100.0
    if unit == "share" and not 0.0 <= value <= 1.0:
        problems.append(f"{where}: {raw} is not a share between 0 and 1 for {kpi} (write 0.32 or 32%)")
        return None
    if unit in ("USD/year", "reps", "hours") and value < 0:
        problems.append(f"{where}: {raw} is negative; {kpi} cannot be below 0")
        return None
    if unit == "ratio" and value < -1.0:
        problems.append(f"{where}: {raw} is below -1; {kpi} cannot lose more than the whole cost (-100%)")
        return None
    if abs(value) > 1e12:
        problems.append(f"{where}: {raw} is implausibly large")
        return None
    return value


def _decode(data: bytes) -> str:
    if not isinstance(data, (bytes, bytearray)):
        raise ActualsRejected([f"expected the file's bytes, got {type(data).__name__}"])
    if len(data) > MAX_ACTUALS_BYTES:
        raise ActualsRejected([f"the file is {len(data):,} bytes; the limit is {MAX_ACTUALS_BYTES:,}"])
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise ActualsRejected(["the file is empty; it needs a header row period,kpi,value and one row per value"])
    if b"\x00" in data:
        raise ActualsRejected(["the file contains NUL bytes: it is not a CSV text file"])
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActualsRejected(
            [f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); save it as CSV UTF-8"]
        ) from None


def parse_actuals(data: bytes) -> list[Actual]:
    """Read measured KPI values from a CSV file, all or nothing.

    The file has a header row naming the columns ``period``, ``kpi`` and
    ``value`` (any order and case; other columns are ignored) and one row per
    value: ``period`` is ``YYYY-MM`` or ``YYYY-Qn``, ``kpi`` a KPI id or label of
    :data:`~salesops.model.plan_items.KPIS`, ``value`` a number in the KPI's unit
    (shares as 0.32 or 32%, ROI as 1.4 or 140%, dollars may carry ``$`` and
    thousands commas). A byte-order mark, spaces around values, a ``;`` or tab
    delimiter and blank lines are fine.

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    list of Actual
        In file order, with KPI ids and periods normalised (``2026-q1`` ->
        ``2026-Q1``).

    Raises
    ------
    ActualsRejected
        Listing up to :data:`MAX_PROBLEMS` problems, each with its spreadsheet
        row (the header is row 1) and column, e.g. ``row 4, column 'value':
        'abc' is not a number``: an empty or non-text file, missing columns, a
        period that is not YYYY-MM or YYYY-Qn, an unknown KPI, a value that is
        not a number or out of range for its KPI, two values for one period and
        KPI.

    Examples
    --------
    >>> parse_actuals(b"period,kpi,value\\n2026-01,roi,1.2\\n2026-Q1,Selling-time share,31%\\n")
    [Actual(period='2026-01', kpi='roi', value=1.2), Actual(period='2026-Q1', kpi='selling_time_share', value=0.31)]
    >>> parse_actuals(b"period,kpi,value\\n2026-13,roi,1.2\\n")
    Traceback (most recent call last):
    ...
    salesops.insights.objectives.actuals.ActualsRejected: row 2, column 'period': '2026-13' is not YYYY-MM or YYYY-Qn
    """
    text = _decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = "," if "," in first else (";" if ";" in first else ("\t" if "\t" in first else ","))
    try:
        records = list(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True)
        )
    except csv.Error as exc:
        raise ActualsRejected([f"the file is not a readable CSV: {exc}"]) from None
    numbered = [(n, [c.strip() for c in rec]) for n, rec in enumerate(records, start=1)]
    numbered = [(n, rec) for n, rec in numbered if any(rec)]
    if not numbered:
        raise ActualsRejected(["the file is empty; it needs a header row period,kpi,value and one row per value"])
    header_row, header = numbered[0]
    names = [h.strip().lower() for h in header]
    problems: list[str] = []
    dupes = sorted({h for h in names if h and names.count(h) > 1 and h in ACTUALS_COLUMNS})
    for h in dupes:
        problems.append(f"row {header_row}: column {h!r} appears more than once in the header")
    missing = [c for c in ACTUALS_COLUMNS if c not in names]
    if missing:
        found = ", ".join(repr(h) for h in header if h) or "nothing"
        problems.append(
            f"row {header_row}: missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"the file needs the columns {', '.join(ACTUALS_COLUMNS)} (found {found})"
        )
    if problems:
        raise ActualsRejected(problems)
    col = {c: names.index(c) for c in ACTUALS_COLUMNS}
    body = numbered[1:]
    if not body:
        raise ActualsRejected([f"the file has a header but no data rows (from row {header_row + 1})"])
    if len(body) > MAX_ACTUALS_ROWS:
        raise ActualsRejected([f"the file has {len(body):,} data rows; the limit is {MAX_ACTUALS_ROWS:,}"])
    out: list[Actual] = []
    first_seen: dict[tuple[str, str], int] = {}
    for n, rec in body:
        if len(rec) > len(header) and any(rec[len(header) :]):
            problems.append(f"row {n}: {len(rec)} values but the header names {len(header)} columns")
            continue
        cell = {c: (rec[i] if i < len(rec) else "") for c, i in col.items()}
        before = len(problems)
        period = _normal_period(cell["period"])
        if not cell["period"]:
            problems.append(f"row {n}, column 'period': empty; give YYYY-MM or YYYY-Qn")
        elif period is None:
            problems.append(f"row {n}, column 'period': {cell['period']!r} is not YYYY-MM or YYYY-Qn")
        kpi = resolve_kpi(cell["kpi"])
        if not cell["kpi"]:
            problems.append(f"row {n}, column 'kpi': empty; KPIs: {', '.join(KPIS)}")
        elif kpi is None:
            problems.append(f"row {n}, column 'kpi': unknown KPI {cell['kpi']!r}; KPIs: {', '.join(KPIS)}")
        value = _value(cell["value"], kpi, f"row {n}, column 'value'", problems)
        if len(problems) > before:
            continue
        key = (period, kpi)
        if key in first_seen:
            problems.append(
                f"row {n}, columns 'period' and 'kpi': {period} {kpi} is already given in row {first_seen[key]}"
            )
            continue
        first_seen[key] = n
        try:
            out.append(Actual(period=period, kpi=kpi, value=value))
        except PlanItemError as exc:  # defensive: the checks above cover Actual's own
            problems.append(f"row {n}: {exc}")
    if problems:
        raise ActualsRejected(problems)
    return out


def merge_actuals(existing: Iterable[Actual], new: Iterable[Actual]) -> tuple[Actual, ...]:
    """Existing actuals with new ones added; a new value replaces the same (period, KPI).

    Returns
    -------
    tuple of Actual
        Sorted by period (a quarter just before the month it ends in), then
        in the KPI order of :data:`~salesops.model.plan_items.KPIS`.

    Examples
    --------
    >>> old = [Actual("2026-01", "roi", 1.0), Actual("2026-02", "roi", 1.1)]
    >>> [a.value for a in merge_actuals(old, [Actual("2026-02", "roi", 1.3), Actual("2026-03", "roi", 1.2)])]
    [1.0, 1.3, 1.2]
    """
    merged = {(a.period, a.kpi): a for a in existing}
    merged.update({(a.period, a.kpi): a for a in new})
    order = list(KPIS)
    return tuple(sorted(merged.values(), key=lambda a: (_period_sort_key(a.period), order.index(a.kpi))))


def actuals_template(values: Mapping[str, float] | None = None, period: str = "2026-01") -> bytes:
    """A CSV template of actuals: the header and one row per KPI for ``period``.

    Parameters
    ----------
    values : mapping of KPI id to value, optional
        Example values (for instance :func:`kpi_values`); blank without.
    period : str
        YYYY-MM or YYYY-Qn.

    Returns
    -------
    bytes
        UTF-8 CSV; with ``values`` it parses back with :func:`parse_actuals`.
    """
    if _normal_period(period) is None:
        raise ValueError(f"period {period!r} is not YYYY-MM or YYYY-Qn")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ACTUALS_COLUMNS)
    for kpi in KPIS:
        value = (values or {}).get(kpi)
        cell = "" if value is None or not math.isfinite(value) else f"{value:.6g}"
        writer.writerow([period, kpi, cell])
    return buf.getvalue().encode("utf-8")
