"""The Excel workbook: the scenario and its results, one sheet per subject, text always stored as text.

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

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from salesops.model import Results
from salesops.model.metrics import METRIC
from salesops.model.scenario import Scenario
from salesops.report.common import WHATIF_NET_LABEL, _clean, _today, _whatifs, assumption_rows

# Cells a spreadsheet might run as a formula once edited (OWASP CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_USD_FORMAT = '"$"#,##0;-"$"#,##0'
_SIGNED_USD_FORMAT = '+"$"#,##0;-"$"#,##0;"$"0'
_PCT_FORMAT = "0.0%"
_HOURS_FORMAT = "0.0"
_FTE_FORMAT = "0.00"
_RATIO_FORMAT = "0.00"


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


def to_excel(
    scenario: Scenario,
    results: Results,
    *,
    whatifs: pd.DataFrame | None = None,
    generated: dt.date | None = None,
    people: bool = True,
) -> bytes:
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
        (
            "ROI",
            h.roi if h.headline()["roi"] is not None else METRIC["roi"].text(None),  # "n/a (no cost)"
            "annual, steady state",
            _PCT_FORMAT,
        ),
        ("ROI over the projection", h.roi_3yr, f"{len(h.projection)} months", _PCT_FORMAT),
        (
            "Net value per year",
            h.net_value_usd,
            "USD per year, gross-margin uplift plus control value minus cost",
            _USD_FORMAT,
        ),
        (
            "NPV over the horizon",
            h.npv_usd,
            f"USD, {len(h.projection)} months discounted at {scenario.assumptions.discount_rate:.1%} a year",
            _USD_FORMAT,
        ),
        ("Payback", h.payback_months if h.payback_months is not None else "never", "months", "0.0"),
        ("Productivity per rep", h.productivity_per_rep_usd, "USD per rep per year", _USD_FORMAT),
        (
            "Productivity per rep without sales ops",
            h.baseline_productivity_per_rep_usd,
            "USD per rep per year",
            _USD_FORMAT,
        ),
        ("Selling-time share", h.selling_time_share, "share of rep time", _PCT_FORMAT),
        ("Selling-time share without sales ops", h.baseline_selling_time_share, "share of rep time", _PCT_FORMAT),
        ("Revenue", h.revenue_usd, "USD per year", _USD_FORMAT),
        ("Revenue without sales ops", h.baseline_revenue_usd, "USD per year", _USD_FORMAT),
        ("Gross-margin uplift", h.gross_margin_uplift_usd, "USD per year", _USD_FORMAT),
        (
            "Control value",
            h.control_value_usd,
            "USD per year: discount leakage recovered and one forecast, data and planning method",
            _USD_FORMAT,
        ),
        ("One-off transition costs", h.transition_one_off_usd, "USD, in month 1 of the projection", _USD_FORMAT),
        ("Sales-ops cost", h.sales_ops_cost_usd, "USD per year", _USD_FORMAT),
        ("Sales-ops FTE", h.sales_ops_fte, "FTE", _FTE_FORMAT),
        (
            "Reps per sales-ops FTE",
            h.reps_per_ops_fte if h.reps_per_ops_fte is not None else "n/a",
            "reps per FTE",
            _RATIO_FORMAT,
        ),
        ("Sales-ops cost per rep", h.ops_cost_per_rep_usd, "USD per rep per year", _USD_FORMAT),
        ("Reps", h.reps, "people", "#,##0"),
        ("Managers", h.managers, "people", "#,##0"),
        ("Regions", len(scenario.regions), "", "0"),
        ("Sales-ops roles", len(scenario.roles), "", "0"),
    ]
    if scenario.description:  # an imported org's description is its import summary
        summary.append(("About this scenario", _plain(scenario.description), "", None))
    _write_sheet(
        wb,
        "Summary",
        [
            _Col("Metric", lambda r: r[0]),
            _Col("Value", lambda r: r[1]),
            _Col("Unit", lambda r: r[2]),
        ],
        summary,
    )
    ws = wb["Summary"]
    for i, row in enumerate(summary, start=2):
        if row[3] and not isinstance(row[1], str):
            ws.cell(row=i, column=2).number_format = row[3]

    def fmt_for(unit: str) -> str | None:
        return _PCT_FORMAT if unit.startswith("share") else _USD_FORMAT if unit.startswith("USD") else "0.###"

    assumptions = assumption_rows(scenario)
    _write_sheet(
        wb,
        "Assumptions",
        [
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
        ],
        assumptions,
    )
    ws = wb["Assumptions"]
    for i, row in enumerate(assumptions, start=2):
        for j in (3, 4, 5):
            ws.cell(row=i, column=j).number_format = fmt_for(row.unit)

    inputs = {r.id: r for r in scenario.regions}
    _write_sheet(
        wb,
        "Regions",
        [
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
        ],
        results.regions,
    )

    _write_sheet(
        wb,
        "Roles",
        [
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
        ],
        results.roles,
    )

    role_names = {r.role_id: r.name for r in results.roles}
    region_names = {r.id: r.name for r in scenario.regions}
    _write_sheet(
        wb,
        "Service",
        [
            _Col("Role", lambda s: role_names.get(s.role_id, s.role_id)),
            _Col("Region", lambda s: region_names.get(s.region_id, s.region_id)),
            _Col(
                "Served by",
                lambda s: "central team (HQ)" if s.team == "central" else f"team in {region_names.get(s.team, s.team)}",
            ),
            _Col("Requests per week", lambda s: s.demand_per_week, "0.0"),
            _Col("Served share", lambda s: s.served_share, _PCT_FORMAT),
            _Col("Response (h)", lambda s: s.response_hours, _HOURS_FORMAT),
            _Col("Hand-off delay (h)", lambda s: s.handoff_delay_hours, _HOURS_FORMAT),
            _Col("Effectiveness", lambda s: s.effectiveness, _PCT_FORMAT),
            _Col("Value kept", lambda s: s.value_factor, _PCT_FORMAT),
            _Col("Rep hours saved per week", lambda s: s.hours_saved_per_rep_week, "0.000"),
        ],
        results.services,
    )

    _write_sheet(
        wb,
        "Projection",
        [
            _Col("Month", lambda m: m.month, "0"),
            _Col("Reps", lambda m: m.reps, "#,##0"),
            _Col("Rep capacity", lambda m: m.rep_capacity, _PCT_FORMAT),
            _Col("Sales-ops benefit ramp", lambda m: m.ops_benefit, _PCT_FORMAT),
            _Col("Revenue", lambda m: m.revenue_usd, _USD_FORMAT),
            _Col("Revenue without sales ops", lambda m: m.baseline_revenue_usd, _USD_FORMAT),
            _Col("Gross-margin uplift", lambda m: m.gross_margin_uplift_usd, _USD_FORMAT),
            _Col("Sales-ops cost", lambda m: m.sales_ops_cost_usd, _USD_FORMAT),
            _Col("Cumulative net", lambda m: m.cumulative_net_usd, _USD_FORMAT),
        ],
        results.projection,
    )

    _write_sheet(
        wb,
        "What-if",
        [
            _Col("Role", lambda w: w["role"]),
            _Col("Now", lambda w: w["current"]),
            _Col("Switched to", lambda w: w["alternative"]),
            _Col(WHATIF_NET_LABEL, lambda w: w["delta_net_usd"], _SIGNED_USD_FORMAT),
            _Col("ROI change (pp)", lambda w: w["delta_roi_pp"], "+0.0;-0.0;0.0"),
            _Col("NPV change", lambda w: w["delta_npv_usd"], _SIGNED_USD_FORMAT),
            _Col("ROI", lambda w: w["roi"], _PCT_FORMAT),
            _Col("Productivity per rep change", lambda w: w["delta_productivity_usd"], _USD_FORMAT),
            _Col("Cost change", lambda w: w["delta_cost_usd"], _USD_FORMAT),
            _Col("FTE change", lambda w: w["delta_fte"], "+0.00;-0.00;0.00"),
            _Col("Response change (h)", lambda w: w["delta_response_hours"], "+0.0;-0.0;0.0"),
        ],
        ({k: _plain(v) for k, v in row.items()} for row in whatifs.to_dict(orient="records")),
    )

    numeric = {
        "fte": _FTE_FORMAT,
        "cost_usd_per_year": _USD_FORMAT,
        "tz_offset_hours": _HOURS_FORMAT,
        "market_complexity": "0.00",
        "cost_index": "0.00",
    }
    _write_sheet(
        wb,
        "Org",
        [_Col(c, (lambda rec, c=c: rec[c]), numeric.get(c)) for c in CSV_COLUMNS],
        export_rows(scenario, results) if people else redact_people(scenario, export_rows(scenario, results)),
    )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers (openpyxl writes those)."""
    return value.item() if hasattr(value, "item") else value
