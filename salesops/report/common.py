"""What the three reports share: chart names and titles, the assumptions table, headline cards, text helpers.

Reports a consultant hands over: an Excel workbook (:mod:`salesops.report.excel`), one HTML file
(:mod:`salesops.report.html`), a PowerPoint deck (:mod:`salesops.report.pptx`).

Each builder takes a :class:`~salesops.model.scenario.Scenario` and its
:class:`~salesops.model.Results` and returns the file's content; nothing is
written to disk and nothing touches the network. Charts are the app's own
Vega-Lite specs (:func:`salesops.charts.chart_spec`) rendered to PNG offline by
``vl-convert`` (which bundles Vega and refuses any external data URL here);
:func:`~salesops.report.images.render_charts` renders them once, and
:func:`~salesops.report.html.to_html` and :func:`~salesops.report.pptx.to_pptx`
accept the result so one export of both pays for the charts once.

Reports summarise: regions, roles, teams and what-ifs, never the whole org chart,
so an imported org of 10,000 people gives a report of the same size as a
sample's (the workbook's "Org" sheet does list every person, one row each).

Every user-provided string is treated as hostile: HTML-escaped in the HTML file;
written to the workbook as text, never as a formula (a name such as
``=cmd|' /C calc'!A0`` stays a string, with Excel's quote prefix); and stripped
of the control characters XML cannot hold (:func:`_clean`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from salesops.model.format import fmt_pct, fmt_usd
from salesops.model.metrics import HEADLINE, METRIC
from salesops.model import Results
from salesops.model.scenario import Scenario, ScenarioError, assumption_info

CHART_NAMES = ("productivity", "selling_time", "cost_by_role", "projection", "cumulative", "whatif")
CHART_TITLES = {
    "productivity": "Productivity per rep by region",
    "selling_time": "Selling-time share by region",
    "cost_by_role": "Sales-ops cost by role and placement",
    "projection": "Three-year projection, month by month",
    "cumulative": "Cumulative net return and payback",
    "whatif": "What switching one role would do to net value per year",
}
CHART_WIDTH_PX = 640  # Vega-Lite width before the 2x scale: sharp on screen and in print
CHART_SCALE = 2

# Characters XML 1.0 cannot hold (openpyxl and python-pptx refuse them; HTML calls them errors).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: Any) -> str:
    """Text safe for XML: control characters and lone surrogates removed."""
    return _NOT_XML.sub("", str(text))


def _today(generated: dt.date | None) -> dt.date:
    return generated if generated is not None else dt.date.today()


def _date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# The what-if tables of every report: the change in net value per year first, best first.
WHATIF_NET_LABEL = "Net value change / year"


def _whatifs(scenario: Scenario, whatifs: pd.DataFrame | None) -> pd.DataFrame:
    """The what-ifs in their ranking order (:data:`salesops.model.whatif.RANKED_BY`, best first)."""
    from salesops.model.whatif import RANKED_BY, placement_whatifs  # evaluates every alternative placement

    if whatifs is None:
        return placement_whatifs(scenario)
    return whatifs.sort_values(RANKED_BY, ascending=False, kind="stable", ignore_index=True)


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


def assumption_rows(
    scenario: Scenario, evaluate_fn: Callable[[Scenario], Results] | None = None, sensitivity: bool = True
) -> list[AssumptionRow]:
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
        out.append(
            AssumptionRow(
                key=key,
                label=_label(key),
                value=getattr(scenario.assumptions, key),
                low=meta["low"],
                high=meta["high"],
                unit=meta.get("unit", ""),
                source=meta.get("source", ""),
                firmness=meta.get("firmness", ""),
                roi_at_low=roi_low,
                roi_at_high=roi_high,
            )
        )
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


def _headline_cards(results: Results) -> list[tuple[str, str, str, str]]:
    """(label, value, unit after the value, note) of the headline figures, as the app's headline strip."""
    r = results
    head = r.headline()
    notes = {
        "roi": f"annual, steady state; {METRIC['roi'].text(r.roi_3yr)} over {len(r.projection)} months",
        "net_value": f"uplift{' and control value' if r.control_value_usd else ''} minus cost, per year; NPV "
        f"{METRIC['npv'].text(r.npv_usd)} over {len(r.projection)} months",
        "productivity_per_rep": f"per year; {fmt_usd(r.baseline_productivity_per_rep_usd)} without sales ops",
        "sales_ops_cost": f"per year; {METRIC['sales_ops_fte'].text(r.sales_ops_fte)} FTE",
        "payback_months": "from the start, ramps included",
    }
    return [(m.label, m.text(head[m.key]), "", notes[m.key]) for m in HEADLINE]


def _signed_usd(value: float) -> str:
    return ("+" if value > 0 else "") + fmt_usd(value, 1) if abs(value) >= 0.5 else "$0"


def _range_text(a: AssumptionRow) -> str:
    low, high = (_assumption_value_text(v, a.unit) for v in (a.low, a.high))
    return low if a.low == a.high else f"{low} to {high}"


def _roi_range_text(a: AssumptionRow) -> str:
    if a.roi_at_low is None or a.roi_at_high is None:
        return "-"
    return f"{fmt_pct(a.roi_at_low)} / {fmt_pct(a.roi_at_high)}"
