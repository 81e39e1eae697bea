"""Plain-text output: money, shares and numbers, aligned tables, and the headline figures."""

from __future__ import annotations

import math
from typing import Any, Sequence

from salesops.model import Results
from salesops.model.metrics import METRIC
from salesops.model.scenario import Scenario


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _usd(value: float) -> str:
    return f"${value:,.0f}" if _finite(value) else "n/a"


def _pct(value: float) -> str:
    return f"{value:.1%}" if _finite(value) else "n/a"


def _num(value: float | None, digits: int = 1) -> str:
    return f"{value:,.{digits}f}" if _finite(value) else "n/a"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str, indent: str = "  ") -> list[str]:
    """Aligned plain-text table; ``align`` holds ``l`` or ``r`` per column."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(cells, widths, align)]
        return (indent + "  ".join(parts)).rstrip()

    rule = [("-" * w) for w in widths]
    return [line(headers), line(rule)] + [line(r) for r in rows]


def _headline_rows(scenario: Scenario, res: Results) -> list[tuple[str, str]]:
    """The headline as label and text, with the labels and formats of :mod:`salesops.model.metrics`."""
    horizon = scenario.assumptions.horizon_months
    head = res.headline()

    def row(key: str, extra: str = "") -> tuple[str, str]:
        return METRIC[key].label, METRIC[key].text(head[key], precise=True) + extra

    return [
        row("roi", "  (annual, steady state)"),
        (f"ROI over {horizon} months", METRIC["roi"].text(res.roi_3yr, precise=True)),
        row("payback_months"),
        row("productivity_per_rep", f"  (baseline {_usd(res.baseline_productivity_per_rep_usd)})"),
        row("selling_time_share", f"  (baseline {_pct(res.baseline_selling_time_share)})"),
        row("revenue", f"  (baseline {_usd(res.baseline_revenue_usd)})"),
        row("gross_margin_uplift"),
        row("sales_ops_cost", "  (per year)"),
        row("sales_ops_fte"),
        row("reps"),
        row("reps_per_sales_ops_fte"),
        row("sales_ops_cost_per_rep"),
    ]


def _headline_lines(scenario: Scenario, res: Results) -> list[str]:
    head = _headline_rows(scenario, res)
    width = max(len(k) for k, _ in head)
    return [f"  {k.ljust(width)}  {v}" for k, v in head]
