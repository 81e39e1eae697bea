"""Reports a consultant hands over (Excel, HTML, PowerPoint), with the charts as images.

May import :mod:`salesops.model`, :mod:`salesops.readwrite` and :mod:`salesops.charts`.

Reports a consultant hands over: an Excel workbook, one HTML file, a PowerPoint deck.

Each builder takes a :class:`~salesops.model.scenario.Scenario` and its
:class:`~salesops.model.Results` and returns the file's content; nothing is
written to disk and nothing touches the network. Charts are the app's own
Vega-Lite specs (:func:`salesops.charts.chart_spec`) rendered to PNG offline by
``vl-convert`` (which bundles Vega and refuses any external data URL here);
:func:`render_charts` renders them once, and :func:`to_html` and :func:`to_pptx`
accept the result so one export of both pays for the charts once.

Reports summarise: regions, roles, teams and what-ifs, never the whole org chart,
so an imported org of 10,000 people gives a report of the same size as a
sample's (the workbook's "Org" sheet does list every person, one row each).

Every user-provided string is treated as hostile: HTML-escaped in the HTML file;
written to the workbook as text, never as a formula (a name such as
``=cmd|' /C calc'!A0`` stays a string, with Excel's quote prefix); and stripped
of the control characters XML cannot hold.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> from salesops.model import evaluate
>>> scenario = load_sample("startup")
>>> workbook = to_excel(scenario, evaluate(scenario))
>>> workbook[:2]
b'PK'
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from salesops.charts import chart_spec
from salesops.model.format import fmt_pct, fmt_ratio, fmt_usd
from salesops.model.metrics import HEADLINE, METRIC
from salesops.model import Results
from salesops.model.scenario import Scenario, ScenarioError, assumption_info

__all__ = [
    "CHART_NAMES",
    "CHART_TITLES",
    "TOP_ASSUMPTIONS",
    "AssumptionRow",
    "assumption_rows",
    "recompress_png",
    "render_charts",
    "to_excel",
    "to_html",
    "to_pptx",
]

CHART_NAMES = ("productivity", "selling_time", "cost_by_role", "projection", "cumulative", "whatif")
CHART_TITLES = {
    "productivity": "Productivity per rep by region",
    "selling_time": "Selling-time share by region",
    "cost_by_role": "Sales-ops cost by role and placement",
    "projection": "Three-year projection, month by month",
    "cumulative": "Cumulative net return and payback",
    "whatif": "What switching one role would do to ROI",
}
CHART_WIDTH_PX = 640     # Vega-Lite width before the 2x scale: sharp on screen and in print
CHART_SCALE = 2
TOP_ASSUMPTIONS = 12     # assumptions on the deck's slides, ranked by how far they move ROI
ASSUMPTIONS_PER_SLIDE = 6
TABLE_ROWS_PER_SLIDE = 12

# Characters XML 1.0 cannot hold (openpyxl and python-pptx refuse them; HTML calls them errors).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Cells a spreadsheet might run as a formula once edited (OWASP CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_USD_FORMAT = '"$"#,##0;-"$"#,##0'
_PCT_FORMAT = "0.0%"
_HOURS_FORMAT = "0.0"
_FTE_FORMAT = "0.00"
_RATIO_FORMAT = "0.00"


def _clean(text: Any) -> str:
    """Text safe for XML: control characters and lone surrogates removed."""
    return _NOT_XML.sub("", str(text))


def _today(generated: dt.date | None) -> dt.date:
    return generated if generated is not None else dt.date.today()


def _date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _whatifs(scenario: Scenario, whatifs: pd.DataFrame | None) -> pd.DataFrame:
    if whatifs is not None:
        return whatifs
    from salesops.model.whatif import placement_whatifs  # evaluates every alternative placement

    return placement_whatifs(scenario)


# --------------------------------------------------------------------------
# Assumptions with their ranges, sources and ROI sensitivity
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class AssumptionRow:
    """One assumption as the reports show it.

    ``roi_at_low`` / ``roi_at_high`` are the scenario's ROI with only this
    assumption moved to its low / high value (None where that makes the
    scenario invalid, or the range is a single value); ``swing_pp`` is the
    distance between them in percentage points.
    """

    key: str
    label: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    firmness: str
    roi_at_low: float | None
    roi_at_high: float | None

    @property
    def swing_pp(self) -> float:
        if self.roi_at_low is None or self.roi_at_high is None:
            return 0.0
        return abs(self.roi_at_high - self.roi_at_low) * 100.0


def _label(key: str) -> str:
    return key.replace("_", " ").replace(" usd", " (USD)").capitalize()


def assumption_rows(scenario: Scenario, evaluate_fn: Callable[[Scenario], Results] | None = None,
                    sensitivity: bool = True) -> list[AssumptionRow]:
    """Every assumption with its value, range, unit, source and ROI at the ends of its range.

    Parameters
    ----------
    scenario : Scenario
    evaluate_fn : callable, optional
        ``Scenario -> Results`` (default :func:`salesops.model.whatif.evaluate_cached`).
    sensitivity : bool
        False skips the two evaluations per assumption (``roi_at_low`` and
        ``roi_at_high`` are then None).

    Returns
    -------
    list of AssumptionRow
        In the order of ``data/assumptions.json``.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> rows = assumption_rows(load_sample("midmarket"))
    >>> row = next(r for r in rows if r.key == "quota_attainment")
    >>> row.value, row.unit, row.roi_at_low < row.roi_at_high
    (0.54, 'share', True)
    """
    if evaluate_fn is None:
        from salesops.model.whatif import evaluate_cached as evaluate_fn
    out = []
    for key, meta in assumption_info().items():
        roi_low = roi_high = None
        if sensitivity and meta["low"] != meta["high"]:
            roi_low, roi_high = (_roi_with(scenario, key, meta[end], evaluate_fn) for end in ("low", "high"))
        out.append(AssumptionRow(
            key=key, label=_label(key), value=getattr(scenario.assumptions, key), low=meta["low"],
            high=meta["high"], unit=meta.get("unit", ""), source=meta.get("source", ""),
            firmness=meta.get("firmness", ""), roi_at_low=roi_low, roi_at_high=roi_high,
        ))
    return out


def _roi_with(scenario: Scenario, key: str, value: Any, evaluate_fn: Callable[[Scenario], Results]) -> float | None:
    try:
        return evaluate_fn(scenario.with_assumptions(**{key: value})).roi
    except ScenarioError:  # e.g. a low max selling time below this scenario's baseline
        return None


def _assumption_value_text(value: float, unit: str) -> str:
    if unit.startswith("share"):
        return fmt_pct(value, 1)
    if unit.startswith("USD"):
        return fmt_usd(value)
    return f"{value:,.4g}"


# --------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------
def render_charts(results: Results, whatifs: pd.DataFrame) -> dict[str, bytes]:
    """Render the report charts to PNG, offline.

    Parameters
    ----------
    results : Results
    whatifs : pandas.DataFrame
        :func:`salesops.model.whatif.placement_whatifs` of the same scenario.

    Returns
    -------
    dict of str to bytes
        PNG data keyed by the names of :data:`CHART_NAMES`, at
        :data:`CHART_WIDTH_PX` wide and scale 2. A chart with nothing to show
        (no roles, so no costs or what-ifs) is left out.

    Notes
    -----
    ``vl_convert`` bundles Vega and Vega-Lite, and is given no allowed base URL,
    so rendering never reaches the network. About 0.1-0.4 s a chart.
    """
    import vl_convert  # imported here: a 60 MB library the app itself does not need

    out: dict[str, bytes] = {}
    for name in CHART_NAMES:
        if name == "whatif" and whatifs.empty:
            continue
        if name == "cost_by_role" and not results.teams:
            continue
        spec = dict(chart_spec(name, whatifs if name == "whatif" else results))
        spec["width"] = CHART_WIDTH_PX
        spec["background"] = "white"
        png = vl_convert.vegalite_to_png(json.dumps(spec), scale=CHART_SCALE, allowed_base_urls=[])
        out[name] = recompress_png(png)
    return out


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def recompress_png(png: bytes, level: int = 9) -> bytes:
    """The same PNG, pixel for pixel, with its image data deflated at ``level``.

    vl-convert writes its PNGs with fast, light compression; recompressing makes
    them about 3-4 times smaller, which is what keeps the HTML report (where they
    are base64 text) small. Ancillary chunks are kept as they are.

    Examples
    --------
    >>> import zlib
    >>> def chunk(kind, data):
    ...     return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    >>> header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])  # 1 x 1, 8-bit grey
    >>> png = _PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\\0\\x80", 0)) + chunk(b"IEND", b"")
    >>> again = recompress_png(png)
    >>> _png_size(again), zlib.decompress(_chunks_of(again)[1][1])
    ((1, 1), b'\\x00\\x80')
    """
    chunks = _chunks_of(png)
    data = b"".join(body for kind, body in chunks if kind == b"IDAT")
    packed = zlib.compress(zlib.decompress(data), level)
    out = [_PNG_SIGNATURE]
    idat_written = False
    for kind, body in chunks:
        if kind == b"IDAT":
            if idat_written:
                continue
            kind, body, idat_written = b"IDAT", packed, True
        out.append(len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big"))
    return b"".join(out)


def _chunks_of(png: bytes) -> list[tuple[bytes, bytes]]:
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG image")
    chunks, pos = [], 8
    while pos + 8 <= len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind = png[pos + 4:pos + 8]
        chunks.append((kind, png[pos + 8:pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's IHDR chunk."""
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# --------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Col:
    title: str
    get: Callable[[Any], Any]
    fmt: str | None = None


def _write_sheet(wb, title: str, columns: Sequence[_Col], rows: Iterable[Any]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    bold = Font(bold=True)
    widths = [len(c.title) for c in columns]
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=_clean(col.title))
        cell.font = bold
    for i, item in enumerate(rows, start=2):
        for j, col in enumerate(columns, start=1):
            value = col.get(item)
            cell = ws.cell(row=i, column=j)
            _set_value(cell, value)
            if col.fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.number_format = col.fmt
            if i < 502:  # widths from the first 500 rows: enough, and fast on a 10,000-row sheet
                widths[j - 1] = max(widths[j - 1], _display_len(value, col.fmt))
    ws.freeze_panes = "A2"
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))


def _set_value(cell, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        text = _clean(value)
        if not text:
            return  # an empty cell, not an empty string
        cell.value = text
        # openpyxl stores a string starting with "=" as a formula: force text, and
        # set Excel's quote prefix so the cell stays text even when edited.
        cell.data_type = "s"
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return
    cell.value = value


def _display_len(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        if fmt == _USD_FORMAT:
            return len(f"${value:,.0f}")
        return min(len(f"{value:,.2f}"), 14)
    return len(str(value))


def to_excel(scenario: Scenario, results: Results, *, whatifs: pd.DataFrame | None = None,
             generated: dt.date | None = None, people: bool = True) -> bytes:
    """The scenario and its results as an Excel workbook (.xlsx).

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``evaluate(scenario)``.
    whatifs : pandas.DataFrame, optional
        :func:`salesops.model.whatif.placement_whatifs` of the scenario (computed if not given).
    generated : datetime.date, optional
        The report date (default today).
    people : bool
        False leaves people-level data (names, salaries, employee ids) out of the "Org" sheet.

    Returns
    -------
    bytes
        A workbook with the sheets "Summary" (headline metrics with labels and
        units), "Assumptions" (value, low, high, unit, source, firmness and the
        ROI at each end of the range), "Regions", "Roles", "Service" (what each
        region gets from each team of each role), "Projection" (month by month),
        "What-if" (each role switched alone) and "Org" (one row per person, the
        rows of :func:`salesops.readwrite.export.to_csv`). Numbers are numbers with
        currency, percent or decimal formats; each header row is bold and
        frozen; column widths fit the content. Text is always stored as text.
    """
    from openpyxl import Workbook

    from salesops.readwrite.export import CSV_COLUMNS, export_rows, redact_people

    day = _today(generated)
    whatifs = _whatifs(scenario, whatifs)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = _clean(f"Sales-ops org design: {scenario.name}")[:250]
    wb.properties.creator = "salesops org designer"

    h = results
    summary = [
        ("Scenario", scenario.name, "", None),
        ("Report date", day, "", "yyyy-mm-dd"),
        ("ROI", h.roi, "annual, steady state", _PCT_FORMAT),
        ("ROI over the projection", h.roi_3yr, f"{len(h.projection)} months", _PCT_FORMAT),
        ("Payback", h.payback_months if h.payback_months is not None else "never", "months", "0.0"),
        ("Productivity per rep", h.productivity_per_rep_usd, "USD per rep per year", _USD_FORMAT),
        ("Productivity per rep without sales ops", h.baseline_productivity_per_rep_usd, "USD per rep per year",
         _USD_FORMAT),
        ("Selling-time share", h.selling_time_share, "share of rep time", _PCT_FORMAT),
        ("Selling-time share without sales ops", h.baseline_selling_time_share, "share of rep time", _PCT_FORMAT),
        ("Revenue", h.revenue_usd, "USD per year", _USD_FORMAT),
        ("Revenue without sales ops", h.baseline_revenue_usd, "USD per year", _USD_FORMAT),
        ("Gross-margin uplift", h.gross_margin_uplift_usd, "USD per year", _USD_FORMAT),
        ("Sales-ops cost", h.sales_ops_cost_usd, "USD per year", _USD_FORMAT),
        ("Sales-ops FTE", h.sales_ops_fte, "FTE", _FTE_FORMAT),
        ("Reps per sales-ops FTE", h.reps_per_ops_fte if h.reps_per_ops_fte is not None else "n/a", "reps per FTE",
         _RATIO_FORMAT),
        ("Sales-ops cost per rep", h.ops_cost_per_rep_usd, "USD per rep per year", _USD_FORMAT),
        ("Reps", h.reps, "people", "#,##0"),
        ("Managers", h.managers, "people", "#,##0"),
        ("Regions", len(scenario.regions), "", "0"),
        ("Sales-ops roles", len(scenario.roles), "", "0"),
    ]
    _write_sheet(wb, "Summary", [
        _Col("Metric", lambda r: r[0]),
        _Col("Value", lambda r: r[1]),
        _Col("Unit", lambda r: r[2]),
    ], summary)
    ws = wb["Summary"]
    for i, row in enumerate(summary, start=2):
        if row[3] and not isinstance(row[1], str):
            ws.cell(row=i, column=2).number_format = row[3]

    def fmt_for(unit: str) -> str | None:
        return _PCT_FORMAT if unit.startswith("share") else _USD_FORMAT if unit.startswith("USD") else "0.###"

    assumptions = assumption_rows(scenario)
    _write_sheet(wb, "Assumptions", [
        _Col("Assumption", lambda r: r.label),
        _Col("Key", lambda r: r.key),
        _Col("Value", lambda r: r.value),
        _Col("Low", lambda r: r.low),
        _Col("High", lambda r: r.high),
        _Col("Unit", lambda r: r.unit),
        _Col("Firmness", lambda r: r.firmness),
        _Col("ROI at low", lambda r: r.roi_at_low, _PCT_FORMAT),
        _Col("ROI at high", lambda r: r.roi_at_high, _PCT_FORMAT),
        _Col("Source", lambda r: r.source),
    ], assumptions)
    ws = wb["Assumptions"]
    for i, row in enumerate(assumptions, start=2):
        for j in (3, 4, 5):
            ws.cell(row=i, column=j).number_format = fmt_for(row.unit)

    inputs = {r.id: r for r in scenario.regions}
    _write_sheet(wb, "Regions", [
        _Col("Region", lambda r: r.name),
        _Col("Id", lambda r: r.region_id),
        _Col("Reps", lambda r: r.reps, "#,##0"),
        _Col("Managers", lambda r: r.managers, "#,##0"),
        _Col("Time-zone offset (h)", lambda r: inputs[r.region_id].tz_offset_hours, _HOURS_FORMAT),
        _Col("Gap to HQ (h)", lambda r: r.tz_gap_hours, _HOURS_FORMAT),
        _Col("Market complexity", lambda r: inputs[r.region_id].market_complexity, "0.00"),
        _Col("Cost index", lambda r: inputs[r.region_id].cost_index, "0.00"),
        _Col("Embedded sales-ops FTE", lambda r: r.embedded_ops_fte, _FTE_FORMAT),
        _Col("Reclaimed hours per rep per week", lambda r: r.reclaimed_hours_per_rep_week, "0.00"),
        _Col("Selling-time share", lambda r: r.selling_time_share, _PCT_FORMAT),
        _Col("Productivity per rep", lambda r: r.productivity_per_rep_usd, _USD_FORMAT),
        _Col("Productivity per rep without sales ops", lambda r: r.baseline_productivity_per_rep_usd, _USD_FORMAT),
        _Col("Revenue", lambda r: r.revenue_usd, _USD_FORMAT),
        _Col("Revenue without sales ops", lambda r: r.baseline_revenue_usd, _USD_FORMAT),
    ], results.regions)

    _write_sheet(wb, "Roles", [
        _Col("Role", lambda r: r.name),
        _Col("Id", lambda r: r.role_id),
        _Col("Category", lambda r: r.category),
        _Col("Sales ops", lambda r: r.relation),
        _Col("Placement", lambda r: r.placement),
        _Col("Sizing", lambda r: r.sizing),
        _Col("FTE central", lambda r: r.fte_central, _FTE_FORMAT),
        _Col("FTE embedded", lambda r: r.fte_local, _FTE_FORMAT),
        _Col("FTE", lambda r: r.fte, _FTE_FORMAT),
        _Col("Cost per year", lambda r: r.cost_usd_per_year, _USD_FORMAT),
        _Col("Mean response (h)", lambda r: r.mean_response_hours, _HOURS_FORMAT),
        _Col("Rep hours saved per week", lambda r: r.hours_saved_per_rep_week, "0.00"),
        _Col("Overloaded", lambda r: "yes" if r.overloaded else "no"),
    ], results.roles)

    role_names = {r.role_id: r.name for r in results.roles}
    region_names = {r.id: r.name for r in scenario.regions}
    _write_sheet(wb, "Service", [
        _Col("Role", lambda s: role_names.get(s.role_id, s.role_id)),
        _Col("Region", lambda s: region_names.get(s.region_id, s.region_id)),
        _Col("Served by", lambda s: "central team (HQ)" if s.team == "central"
             else f"team in {region_names.get(s.team, s.team)}"),
        _Col("Requests per week", lambda s: s.demand_per_week, "0.0"),
        _Col("Served share", lambda s: s.served_share, _PCT_FORMAT),
        _Col("Response (h)", lambda s: s.response_hours, _HOURS_FORMAT),
        _Col("Hand-off delay (h)", lambda s: s.handoff_delay_hours, _HOURS_FORMAT),
        _Col("Effectiveness", lambda s: s.effectiveness, _PCT_FORMAT),
        _Col("Value kept", lambda s: s.value_factor, _PCT_FORMAT),
        _Col("Rep hours saved per week", lambda s: s.hours_saved_per_rep_week, "0.000"),
    ], results.services)

    _write_sheet(wb, "Projection", [
        _Col("Month", lambda m: m.month, "0"),
        _Col("Reps", lambda m: m.reps, "#,##0"),
        _Col("Rep capacity", lambda m: m.rep_capacity, _PCT_FORMAT),
        _Col("Sales-ops benefit ramp", lambda m: m.ops_benefit, _PCT_FORMAT),
        _Col("Revenue", lambda m: m.revenue_usd, _USD_FORMAT),
        _Col("Revenue without sales ops", lambda m: m.baseline_revenue_usd, _USD_FORMAT),
        _Col("Gross-margin uplift", lambda m: m.gross_margin_uplift_usd, _USD_FORMAT),
        _Col("Sales-ops cost", lambda m: m.sales_ops_cost_usd, _USD_FORMAT),
        _Col("Cumulative net", lambda m: m.cumulative_net_usd, _USD_FORMAT),
    ], results.projection)

    _write_sheet(wb, "What-if", [
        _Col("Role", lambda w: w["role"]),
        _Col("Now", lambda w: w["current"]),
        _Col("Switched to", lambda w: w["alternative"]),
        _Col("ROI", lambda w: w["roi"], _PCT_FORMAT),
        _Col("ROI change (pp)", lambda w: w["delta_roi_pp"], "+0.0;-0.0;0.0"),
        _Col("Productivity per rep change", lambda w: w["delta_productivity_usd"], _USD_FORMAT),
        _Col("Cost change", lambda w: w["delta_cost_usd"], _USD_FORMAT),
        _Col("FTE change", lambda w: w["delta_fte"], "+0.00;-0.00;0.00"),
        _Col("Response change (h)", lambda w: w["delta_response_hours"], "+0.0;-0.0;0.0"),
    ], ({k: _plain(v) for k, v in row.items()} for row in whatifs.to_dict(orient="records")))

    numeric = {"fte": _FTE_FORMAT, "cost_usd_per_year": _USD_FORMAT, "tz_offset_hours": _HOURS_FORMAT,
               "market_complexity": "0.00", "cost_index": "0.00"}
    _write_sheet(wb, "Org", [_Col(c, (lambda rec, c=c: rec[c]), numeric.get(c)) for c in CSV_COLUMNS],
                 export_rows(scenario, results) if people
                 else redact_people(scenario, export_rows(scenario, results)))

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers (openpyxl writes those)."""
    return value.item() if hasattr(value, "item") else value


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------
_CSS = """
:root { --ink: #1d2733; --muted: #5d6b7a; --line: #d8dee6; --accent: #1f5f99; --good: #2e7d32; --bad: #c62828; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 1040px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; }
.card .label { color: var(--muted); font-size: .85rem; }
.card .value { font-size: 1.8rem; font-weight: 650; color: var(--accent); }
.card .value small { font-size: 1rem; font-weight: 500; }
.card .note { color: var(--muted); font-size: .8rem; }
.facts { color: var(--muted); font-size: .92rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .86rem; margin: .4rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f6f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.up { color: var(--good); } td.down { color: var(--bad); }
td.source { font-size: .78rem; color: var(--muted); }
footer { color: var(--muted); font-size: .8rem; margin-top: 2.5rem; border-top: 1px solid var(--line); padding-top: .6rem; }
@media (max-width: 760px) { .cards { grid-template-columns: repeat(2, 1fr); } }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, .cards, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .card .value { color: #000; }
  figure img { border: none; }
}
"""


def _e(value: Any) -> str:
    return html.escape(_clean(value), quote=True)


def _table(headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[tuple[str, str]]]) -> str:
    """headers: (title, numeric); rows: cells of (already escaped html, css class)."""
    head = "".join(f'<th class="num">{_e(t)}</th>' if num else f"<th>{_e(t)}</th>" for t, num in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>" for text, cls in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _signed(value: float, text: str) -> tuple[str, str]:
    return _e(text), "num up" if value > 1e-9 else "num down" if value < -1e-9 else "num"


def _headline_cards(results: Results) -> list[tuple[str, str, str, str]]:
    """(label, value, unit after the value, note) of the four headline figures, as the app's headline strip."""
    r = results
    head = r.headline()
    notes = {
        "roi": f"annual, steady state; {METRIC['roi'].text(r.roi_3yr)} over {len(r.projection)} months",
        "productivity_per_rep": f"per year; {fmt_usd(r.baseline_productivity_per_rep_usd)} without sales ops",
        "sales_ops_cost": f"per year; {METRIC['sales_ops_fte'].text(r.sales_ops_fte)} FTE",
        "payback_months": "from the start, ramps included",
    }
    return [(m.label, m.text(head[m.key]), "", notes[m.key]) for m in HEADLINE]


def to_html(scenario: Scenario, results: Results, *, charts: Mapping[str, bytes] | None = None,
            whatifs: pd.DataFrame | None = None, generated: dt.date | None = None) -> str:
    """The scenario and its results as one self-contained HTML file.

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``evaluate(scenario)``.
    charts : mapping of str to bytes, optional
        :func:`render_charts` output, to reuse charts already rendered.
    whatifs : pandas.DataFrame, optional
        :func:`salesops.model.whatif.placement_whatifs` of the scenario.
    generated : datetime.date, optional
        The report date (default today).

    Returns
    -------
    str
        An HTML5 document with no external reference (no linked script, style,
        font or image: charts are PNG ``data:`` URIs): title and date, the
        headline figures, how to read the report, the charts, the regions,
        roles and what-if tables, and the assumptions with their sources, with
        a print stylesheet. Every user-provided string is escaped.
    """
    day = _today(generated)
    whatifs = _whatifs(scenario, whatifs)
    if charts is None:
        charts = render_charts(results, whatifs)
    r = results
    parts: list[str] = []
    add = parts.append
    title = f"Sales-ops org design: {scenario.name}"
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>")
    add(f"<header><h1>{_e(scenario.name)}</h1>")
    add(f'<p class="meta">Sales-operations org design report &middot; {_e(_date_text(day))}</p>')
    if scenario.description:
        add(f"<p>{_e(scenario.description)}</p>")
    add("</header>")

    add('<section id="headlines"><h2>Headline figures</h2><div class="cards">')
    head = r.headline()
    for (label, value, unit, note), metric in zip(_headline_cards(r), HEADLINE):
        raw = head[metric.key]  # the exact figure, for anyone who checks the report against the app
        add(f'<div class="card" data-metric="{metric.key}" data-value="{"" if raw is None else repr(float(raw))}">'
            f'<div class="label">{_e(label)}</div><div class="value">{_e(value)}'
            f'{" <small>" + _e(unit) + "</small>" if unit else ""}</div>'
            f'<div class="note">{_e(note)}</div></div>')
    add("</div>")
    add(f'<p class="facts">{r.reps:,} reps and {r.managers:,} managers in {len(scenario.regions)} region(s); '
        f"{r.sales_ops_fte:,.1f} sales-ops FTE in {len(scenario.roles)} role(s), "
        f"{_e(fmt_ratio(r.reps_per_ops_fte))} reps per FTE, {_e(fmt_usd(r.ops_cost_per_rep_usd))} per rep per year. "
        f"Selling time {_e(fmt_pct(r.selling_time_share, 1))} of rep hours "
        f"(without sales ops {_e(fmt_pct(r.baseline_selling_time_share, 1))}); gross-margin uplift "
        f"{_e(fmt_usd(r.gross_margin_uplift_usd))} per year.</p></section>")

    add('<section id="how-to-read"><h2>How to read this</h2><p>Each sales-ops role is placed '
        "<em>centralized</em> (one pooled team at HQ), <em>localized</em> (a team in each region) or "
        "<em>hybrid</em> (a hub at HQ plus embedded staff). The model treats every team as a queue: the help it "
        "gives reclaims rep hours, less what is lost to waiting, time-zone gaps and missing local knowledge, and "
        "reclaimed hours raise the share of time reps spend selling and so their productivity. <strong>ROI</strong> "
        "is the yearly gross-margin uplift minus the sales-ops cost, divided by that cost, once the teams are up to "
        "speed; <strong>payback</strong> counts months from the start, with rep ramp, attrition and the sales-ops "
        "set-up ramp included. The what-if table switches one role at a time and keeps everything else as it is. "
        "Every assumption has a plausible low and high value and a source (last section); the ROI at both ends "
        "shows which assumptions the answer depends on. The equations are written out in docs/MODEL.md.</p>"
        "</section>")

    if charts:
        add('<section id="charts"><h2>Charts</h2>')
        for name in CHART_NAMES:
            png = charts.get(name)
            if png is None:
                continue
            width, height = _png_size(png)
            data = base64.b64encode(png).decode("ascii")
            add(f'<figure><img src="data:image/png;base64,{data}" width="{width // CHART_SCALE}" '
                f'height="{height // CHART_SCALE}" alt="{_e(CHART_TITLES[name])}">'
                f"<figcaption>{_e(CHART_TITLES[name])}</figcaption></figure>")
        add("</section>")

    inputs = {x.id: x for x in scenario.regions}
    add('<section id="regions"><h2>Regions</h2>')
    add(_table(
        [("Region", False), ("Reps", True), ("Managers", True), ("Gap to HQ (h)", True), ("Complexity", True),
         ("Embedded ops FTE", True), ("Selling time", True), ("Productivity per rep", True),
         ("Without sales ops", True)],
        ([(_e(x.name + (" (HQ)" if x.region_id == scenario.hq_region and "HQ" not in x.name else "")), ""),
          (f"{x.reps:,}", "num"), (f"{x.managers:,}", "num"), (f"{x.tz_gap_hours:g}", "num"),
          (f"{inputs[x.region_id].market_complexity:.2f}", "num"), (f"{x.embedded_ops_fte:,.1f}", "num"),
          (_e(fmt_pct(x.selling_time_share, 1)), "num"), (_e(fmt_usd(x.productivity_per_rep_usd)), "num"),
          (_e(fmt_usd(x.baseline_productivity_per_rep_usd)), "num")] for x in r.regions)))
    add("</section>")

    add('<section id="roles"><h2>Sales-ops roles</h2>')
    if r.roles:
        add(_table(
            [("Role", False), ("Category", False), ("Sales ops", False), ("Placement", False), ("Sizing", False),
             ("FTE", True), ("Cost per year", True), ("Mean response (h)", True), ("Rep hours saved / week", True)],
            ([(_e(x.name) + (" <strong>(overloaded)</strong>" if x.overloaded else ""), ""), (_e(x.category), ""),
              (_e(x.relation), ""), (_e(x.placement), ""), (_e(x.sizing), ""), (f"{x.fte:,.1f}", "num"),
              (_e(fmt_usd(x.cost_usd_per_year)), "num"), (f"{x.mean_response_hours:,.1f}", "num"),
              (f"{x.hours_saved_per_rep_week:.2f}", "num")] for x in r.roles)))
    else:
        add("<p>This scenario has no sales-ops roles.</p>")
    add("</section>")

    add('<section id="whatif"><h2>What switching one role would do</h2>')
    if not whatifs.empty:
        add(_table(
            [("Role", False), ("Now", False), ("Switched to", False), ("ROI", True), ("ROI change", True),
             ("Productivity per rep", True), ("Cost", True), ("FTE", True), ("Response (h)", True)],
            ([(_e(w["role"]), ""), (_e(w["current"]), ""), (_e(w["alternative"]), ""),
              (_e(fmt_pct(w["roi"])), "num"), _signed(w["delta_roi_pp"], f"{w['delta_roi_pp']:+.1f} pp"),
              _signed(w["delta_productivity_usd"], _signed_usd(w["delta_productivity_usd"])),
              _signed(-w["delta_cost_usd"], _signed_usd(w["delta_cost_usd"])),
              (f"{w['delta_fte']:+,.1f}", "num"),
              _signed(-w["delta_response_hours"], f"{w['delta_response_hours']:+,.1f}")]
             for w in whatifs.to_dict(orient="records"))))
        add('<p class="facts">Green is better for the business: more ROI or productivity, less cost, faster '
            "response.</p>")
    else:
        add("<p>No roles to switch.</p>")
    add("</section>")

    add('<section id="assumptions"><h2>Assumptions and sources</h2>')
    rows = assumption_rows(scenario)
    add(_table(
        [("Assumption", False), ("Value", True), ("Range", True), ("Unit", False), ("ROI at low / high", True),
         ("Firmness", False), ("Source", False)],
        ([(_e(a.label), ""), (_e(_assumption_value_text(a.value, a.unit)), "num"),
          (_e(_range_text(a)), "num"), (_e(a.unit), ""),
          (_e(_roi_range_text(a)), "num"), (_e(a.firmness), ""), (_e(a.source), "source")] for a in rows)))
    add("</section>")
    add(f"<footer>Made with the sales-ops org designer on {_e(day.isoformat())}. Figures follow from the scenario "
        "and the assumptions above; they are a model, not a forecast.</footer>")
    add("</body></html>")
    return "\n".join(parts)


def _signed_usd(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_usd(value, 1) if abs(value) >= 0.5 else "$0"


def _range_text(a: AssumptionRow) -> str:
    low, high = (_assumption_value_text(v, a.unit) for v in (a.low, a.high))
    return low if a.low == a.high else f"{low} to {high}"


def _roi_range_text(a: AssumptionRow) -> str:
    if a.roi_at_low is None or a.roi_at_high is None:
        return "-"
    return f"{fmt_pct(a.roi_at_low)} / {fmt_pct(a.roi_at_high)}"


# --------------------------------------------------------------------------
# PowerPoint
# --------------------------------------------------------------------------
def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items]


def to_pptx(scenario: Scenario, results: Results, *, charts: Mapping[str, bytes] | None = None,
            whatifs: pd.DataFrame | None = None, generated: dt.date | None = None) -> bytes:
    """The scenario and its results as a 16:9 PowerPoint deck.

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``evaluate(scenario)``.
    charts : mapping of str to bytes, optional
        :func:`render_charts` output, to reuse charts already rendered.
    whatifs : pandas.DataFrame, optional
        :func:`salesops.model.whatif.placement_whatifs` of the scenario.
    generated : datetime.date, optional
        The report date (default today).

    Returns
    -------
    bytes
        A .pptx deck: a title slide (scenario name, date), the four headline
        figures (ROI, productivity per rep, sales-ops cost, payback), one slide
        per chart, the roles table, the what-if table and the
        :data:`TOP_ASSUMPTIONS` assumptions that move ROI most, with their
        sources (tables longer than a slide continue on the next).
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    day = _today(generated)
    whatifs = _whatifs(scenario, whatifs)
    if charts is None:
        charts = render_charts(results, whatifs)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]
    accent, muted = RGBColor(0x1F, 0x5F, 0x99), RGBColor(0x5D, 0x6B, 0x7A)
    margin = Inches(0.6)
    content_top = Inches(1.45)
    content_width = prs.slide_width - 2 * margin
    content_height = prs.slide_height - content_top - Inches(0.4)

    def titled(text: str):
        slide = prs.slides.add_slide(title_only)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = margin, Inches(0.35), content_width, Inches(0.95)
        shape.text = _clean(text)
        for p in shape.text_frame.paragraphs:
            p.alignment = PP_ALIGN.LEFT
            for run in p.runs:
                run.font.size = Pt(30)
        return slide

    def text_box(slide, left, top, width, height, lines: Sequence[tuple[str, int, bool, RGBColor | None]]):
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for k, (text, size, bold, color) in enumerate(lines):
            p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            run = p.add_run()
            run.text = _clean(text)
            run.font.size, run.font.bold = Pt(size), bold
            if color is not None:
                run.font.color.rgb = color
        return box

    def table(slide, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              font: int = 12, numeric: Iterable[int] = ()):
        numeric = set(numeric)
        height = Inches(0.4) * (len(rows) + 1)
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), margin, content_top, content_width,
                                       min(height, content_height))
        grid = shape.table
        total = sum(widths)
        for j, w in enumerate(widths):
            grid.columns[j].width = Emu(int(content_width * w / total))
        for i, row in enumerate([headers, *rows]):
            for j, text in enumerate(row):
                cell = grid.cell(i, j)
                cell.text = _clean(text)
                for p in cell.text_frame.paragraphs:
                    if j in numeric:
                        p.alignment = PP_ALIGN.RIGHT
                    for run in p.runs:
                        run.font.size = Pt(font)
                        run.font.bold = i == 0
        return grid

    # Title
    slide = prs.slides.add_slide(title_layout)
    slide.shapes.title.text = _clean(scenario.name)
    subtitle = slide.placeholders[1]
    subtitle.text = _clean(f"Sales-operations org design · {_date_text(day)}")
    for shape in (slide.shapes.title, subtitle):
        shape.left, shape.width = margin, content_width

    # Headlines
    slide = titled("Headline figures")
    cards = _headline_cards(results)
    gap = Inches(0.3)
    card_width = int((content_width - gap * (len(cards) - 1)) / len(cards))
    for k, (label, value, unit, note) in enumerate(cards):
        left = margin + k * (card_width + gap)
        label = f"{label} ({unit})" if unit else label
        box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, Inches(2.0), card_width, Inches(2.6))
        box.fill.background()
        box.line.color.rgb = RGBColor(0xD8, 0xDE, 0xE6)
        text_box(slide, left + Inches(0.15), Inches(2.15), card_width - Inches(0.3), Inches(2.3), [
            (label, 16, False, muted), (value, 40, True, accent), (note, 12, False, muted)])
    r = results
    text_box(slide, margin, Inches(5.1), content_width, Inches(1.5), [(
        f"{r.reps:,} reps and {r.managers:,} managers in {len(scenario.regions)} region(s); "
        f"{r.sales_ops_fte:,.1f} sales-ops FTE in {len(scenario.roles)} role(s); {fmt_ratio(r.reps_per_ops_fte)} "
        f"reps per FTE. Selling time {fmt_pct(r.selling_time_share, 1)} of rep hours (without sales ops "
        f"{fmt_pct(r.baseline_selling_time_share, 1)}).", 14, False, None)])

    # Charts
    for name in CHART_NAMES:
        png = charts.get(name)
        if png is None:
            continue
        slide = titled(CHART_TITLES[name])
        width_px, height_px = _png_size(png)
        scale = min(content_width / width_px, content_height / height_px)
        width, height = int(width_px * scale), int(height_px * scale)
        left = margin + (content_width - width) // 2
        slide.shapes.add_picture(io.BytesIO(png), left, content_top, width, height)

    # Roles
    role_rows = [[x.name, x.placement, x.sizing, f"{x.fte:,.1f}", fmt_usd(x.cost_usd_per_year),
                  f"{x.mean_response_hours:,.1f}", "yes" if x.overloaded else ""] for x in results.roles]
    pages = _chunks(role_rows, TABLE_ROWS_PER_SLIDE)
    for k, page in enumerate(pages):
        slide = titled("Sales-ops roles" + (f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""))
        if page:
            table(slide, ["Role", "Placement", "Sizing", "FTE", "Cost per year", "Mean response (h)", "Overloaded"],
                  page, [4.2, 1.4, 1.1, 0.9, 1.5, 1.7, 1.2], numeric=(3, 4, 5))
        else:
            text_box(slide, margin, content_top, content_width, Inches(1), [("No sales-ops roles.", 18, False, None)])

    # What-ifs
    records = whatifs.to_dict(orient="records")
    what_rows = [[w["role"], f"{w['current']} → {w['alternative']}", fmt_pct(w["roi"]),
                  f"{w['delta_roi_pp']:+.1f} pp", _signed_usd(w["delta_productivity_usd"]),
                  _signed_usd(w["delta_cost_usd"]), f"{w['delta_fte']:+,.1f}"] for w in records]
    pages = _chunks(what_rows, TABLE_ROWS_PER_SLIDE)
    for k, page in enumerate(pages):
        slide = titled("What switching one role would do" + (f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""))
        if page:
            table(slide, ["Role", "Switch", "ROI", "ROI change", "Productivity per rep", "Cost", "FTE"], page,
                  [4.0, 2.6, 1.0, 1.3, 1.9, 1.4, 0.9], font=11, numeric=(2, 3, 4, 5, 6))
        else:
            text_box(slide, margin, content_top, content_width, Inches(1), [("No roles to switch.", 18, False, None)])

    # Assumptions that move ROI most
    ranked = sorted(assumption_rows(scenario), key=lambda a: -a.swing_pp)[:TOP_ASSUMPTIONS]
    pages = _chunks(ranked, ASSUMPTIONS_PER_SLIDE)
    for k, page in enumerate(pages):
        slide = titled("Assumptions that move ROI most" + (f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""))
        table(slide, ["Assumption", "Value", "Range", "ROI at low / high", "Source"],
              [[a.label, _assumption_value_text(a.value, a.unit), _range_text(a), _roi_range_text(a),
                f"{a.source} ({a.firmness})"] for a in page],
              [2.6, 1.1, 1.6, 1.6, 6.0], font=10, numeric=(1, 2, 3))

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
