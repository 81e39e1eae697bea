"""One definition of every headline figure: its key, label, format and direction.

The pages (headline strip, Compare), the command line (``evaluate``, ``compare``)
and every export (Excel, HTML, PowerPoint) take their labels, their formatting
and the sign of "better" from here, so a figure cannot be called one thing on
the screen and another in the file a consultant hands over, and a value cannot
be rounded differently in two places.

The values themselves come from :meth:`salesops.model.Results.headline`.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> from salesops.model import evaluate
>>> res = evaluate(load_sample("midmarket"))
>>> [m.label for m in HEADLINE]
['ROI', 'Net value per year', 'Productivity per rep', 'Sales-ops cost', 'Payback (months)']
>>> METRIC["roi"].text(res.headline()["roi"]) == METRIC["roi"].text(res.roi)
True
>>> METRIC["roi"].delta_text(0.031), METRIC["sales_ops_cost"].delta_text(-52_300)
('+3.1 pp', '-$52.3K')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from salesops.model.format import fmt_months, fmt_pct, fmt_usd

__all__ = ["COMPARE", "HEADLINE", "METRIC", "Metric", "delta", "explain", "values"]


@dataclass(frozen=True)
class Metric:
    """A headline figure.

    Attributes
    ----------
    key : str
        Its key in :meth:`Results.headline` (and in ``evaluate --json``).
    label : str
        The words every page, command and file uses for it.
    kind : {"percent", "usd", "months", "fte", "count", "ratio"}
        How it is formatted and compared.
    higher_is_better : bool
        Direction of a good change (colours a delta green or red).
    help : str
        One sentence that says what it is.
    """

    key: str
    label: str
    kind: str
    higher_is_better: bool
    help: str
    missing: str = "n/a"  # what the screen shows when the figure has no value

    def text(self, value: Any, precise: bool = False) -> str:
        """The value as the screen shows it ('n/a' or 'never' when missing).

        ``precise`` writes dollars in full (the command line) instead of $1.2M.

        >>> METRIC["payback_months"].text(None), METRIC["sales_ops_fte"].text(12.04)
        ('never', '12.0')
        >>> METRIC["roi"].text(1.4178), METRIC["revenue"].text(1_234_567.4), METRIC["revenue"].text(1_234_567.4, True)
        ('141.8%', '$1.2M', '$1,234,567')
        """
        if value is None or value != value:  # None, or NaN where a table held None
            return "never" if self.kind == "months" else self.missing
        if not math.isfinite(value):
            return "n/a"
        return {
            "percent": lambda v: fmt_pct(v, 1),
            "usd": lambda v: f"${v:,.0f}".replace("$-", "-$") if precise else fmt_usd(v),
            "months": fmt_months,
            "fte": lambda v: f"{v:,.1f}",
            "count": lambda v: f"{int(v):,}",
            "ratio": lambda v: f"{v:,.1f} : 1",
        }[self.kind](value)

    def delta_text(self, diff: float | None, precise: bool = False) -> str | None:
        """A change as the screen shows it: percentage points for shares, signed dollars, ...

        >>> METRIC["reps"].delta_text(15), METRIC["payback_months"].delta_text(-0.44)
        ('+15', '-0.4')
        """
        if diff is None:
            return None
        if self.kind == "percent":
            return f"{diff * 100:+.1f} pp"
        if self.kind == "usd":
            return ("+" if diff >= 0 else "-") + (f"${abs(diff):,.0f}" if precise else fmt_usd(abs(diff)))
        if self.kind == "count":
            return f"{int(round(diff)):+,}"
        return f"{diff:+,.1f}"


HEADLINE: tuple[Metric, ...] = (
    Metric(
        "roi",
        "ROI",
        "percent",
        True,
        "Run-rate annual ROI: (gross-margin uplift + control value - sales-ops cost) / sales-ops cost. A change "
        "in ROI shows in percentage points (pp): 78% to 68% is -10 pp.",
        missing="n/a (no cost)",
    ),
    Metric(
        "net_value",
        "Net value per year",
        "usd",
        True,
        "Gross-margin uplift plus control value minus sales-ops and initiative cost, per year at run rate: "
        "what advice ranks by.",
    ),
    Metric(
        "productivity_per_rep",
        "Productivity per rep",
        "usd",
        True,
        "Revenue per rep per year, after ramp and attrition.",
    ),
    Metric("sales_ops_cost", "Sales-ops cost", "usd", False, "Fully loaded annual cost of all sales-ops FTE."),
    Metric(
        "payback_months", "Payback (months)", "months", False, "Months until the cumulative net return turns positive."
    ),
)

COMPARE: tuple[Metric, ...] = HEADLINE + (
    Metric(
        "npv",
        "NPV over the horizon",
        "usd",
        True,
        "Every month's net of the projection, discounted at the discount rate (an assumption, 10% a year).",
    ),
    Metric("sales_ops_fte", "Sales-ops FTE", "fte", False, "Sales-ops staff, full-time equivalents."),
    Metric("reps", "Reps", "count", True, "Quota-carrying reps."),
    Metric("reps_per_sales_ops_fte", "Reps per sales-ops FTE", "ratio", True, "Reps served by each sales-ops FTE."),
    Metric("selling_time_share", "Selling-time share", "percent", True, "Share of a rep's working week spent selling."),
    Metric("revenue", "Revenue", "usd", True, "Revenue per year of the modelled reps."),
    Metric(
        "gross_margin_uplift",
        "Gross-margin uplift",
        "usd",
        True,
        "Gross margin per year that the sales-ops function adds.",
    ),
    Metric(
        "sales_ops_cost_per_rep", "Sales-ops cost per rep", "usd", False, "Sales-ops cost per year divided by the reps."
    ),
)

METRIC: Mapping[str, Metric] = {m.key: m for m in COMPARE}


def values(headline: Mapping[str, Any], metrics: tuple[Metric, ...] = COMPARE) -> dict[str, Any]:
    """The figures of ``metrics`` from a :meth:`Results.headline` dict, in order."""
    return {m.key: headline[m.key] for m in metrics}


def delta(now: Any, then: Any) -> float | None:
    """``now - then``, or None when either is missing (payback 'never')."""
    if now is None or then is None:
        return None
    return now - then


def explain(key: str, res: Any) -> str:
    """How a headline figure is computed, with this scenario's own numbers (for a "How is this computed?").

    Plain text, no file paths: a viewer of a shared link reads it on the page.

    >>> from salesops.model.samples import load_sample
    >>> from salesops.model import evaluate
    >>> print(explain("roi", evaluate(load_sample("midmarket"))))  # doctest: +NORMALIZE_WHITESPACE
    ROI = (gross-margin uplift + control value - cost) / cost = ($2.3M + $669.7K - $1.5M) / $1.5M = 97.2% a year
    at run rate. Uplift = (revenue with sales ops $58.8M - revenue without $55.8M) x gross margin 75.0%.
    Control value = what central control is worth: discount leakage recovered and one forecast, data and
    planning method (money kept, counted in full).
    """
    usd = METRIC["net_value"].text
    spend = res.sales_ops_cost_usd + res.initiative_cost_usd_per_year
    cost = (
        usd(spend)
        if not res.initiative_cost_usd_per_year
        else (
            f"{usd(spend)} (sales ops {usd(res.sales_ops_cost_usd)} "
            f"+ initiatives {usd(res.initiative_cost_usd_per_year)})"
        )
    )
    gm = (
        res.gross_margin_uplift_usd / (res.revenue_usd - res.baseline_revenue_usd)
        if res.revenue_usd != res.baseline_revenue_usd
        else None
    )
    uplift = (
        f"Uplift = (revenue with sales ops {usd(res.revenue_usd)} - revenue without {usd(res.baseline_revenue_usd)})"
        + (f" x gross margin {fmt_pct(gm, 1)}." if gm is not None else ".")
    )
    control = f" + {usd(res.control_value_usd)}" if res.control_value_usd else ""
    gains = "gross-margin uplift" + (" + control value" if res.control_value_usd else "")
    if res.control_value_usd:
        uplift += (
            " Control value = what central control is worth: discount leakage recovered and one forecast, "
            "data and planning method (money kept, counted in full)."
        )
    if key == "roi":
        if spend <= 0:
            return "ROI needs a cost: this design costs nothing, so there is no ROI to show (n/a). " + uplift
        return (
            f"ROI = ({gains} - cost) / cost = ({usd(res.gross_margin_uplift_usd)}{control} - {cost}) / "
            f"{usd(spend)} = {METRIC['roi'].text(res.roi)} a year at run rate. " + uplift
        )
    if key == "net_value":
        return (
            f"Net value = {gains} - cost = {usd(res.gross_margin_uplift_usd)}{control} - {cost} = "
            f"{usd(res.net_value_usd)} a year at run rate. " + uplift
        )
    if key == "productivity_per_rep":
        return (
            f"Productivity per rep = revenue of the modelled reps / reps = {usd(res.revenue_usd)} / "
            f"{res.reps:,} = {usd(res.productivity_per_rep_usd)} a year, after ramp and attrition "
            f"(without sales ops {usd(res.baseline_productivity_per_rep_usd)}). Each region's reps sell "
            f"{fmt_pct(res.selling_time_share, 1)} of their week on average (without sales ops "
            f"{fmt_pct(res.baseline_selling_time_share, 1)}): the hours sales ops gives back."
        )
    if key == "sales_ops_cost":
        return (
            f"Sales-ops cost = FTE x loaded cost per FTE x the cost index where each team sits = "
            f"{usd(res.sales_ops_cost_usd)} a year for {res.sales_ops_fte:,.1f} FTE."
        )
    if key == "payback_months":
        shown = METRIC["payback_months"].text(res.payback_months)
        return (
            "Payback = months until the cumulative net return (uplift - cost, month by month, as new hires "
            "ramp, the sales-ops staff are hired and the set-up reaches full effect, after the one-off "
            "costs of the transition) turns positive for good"
            + (f": {shown} months." if res.payback_months is not None else ": never within reach.")
            + f" 3-year ROI {fmt_pct(res.roi_3yr, 1)}."
        )
    if key == "npv":
        return f"NPV = every month's net return over the projection, discounted to today: {usd(res.npv_usd)}."
    return METRIC[key].help
