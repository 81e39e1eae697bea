"""Projected against actual: a KPI's path over the projection's months, and the actuals placed on them.

:func:`projected_series` and :func:`actual_series` put measured values on the
months of the model's three-year projection.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from salesops.model import Results
from salesops.model.plan_items import KPIS, Actual
from salesops.model.scenario import Scenario
from salesops.insights.objectives.kpis import kpi_values
from salesops.insights.objectives.parsing import _period_sort_key, _period_start, period_month

# KPIs the three-year projection gives a month-by-month path for; the others are flat.
TIME_PATH_KPIS = frozenset({"productivity_per_rep", "ops_cost_per_rep", "roi"})


def projected_series(scenario: Scenario, results: Results, kpi: str) -> pd.DataFrame:
    """The model's value of a KPI for each month of the projection.

    Productivity per rep is the month's revenue / reps x 12 (ramp, attrition and
    the ramp-up of sales ops' benefit included); sales-ops cost per rep is the
    month's running cost / reps x 12 (0 before the staff start, one-off transition
    costs left out); ROI is the return to date (cumulative gross-margin uplift and
    control value less cumulative cost, over cumulative cost), which climbs toward
    the run-rate ROI but stays below it. The other KPIs have no time path in the
    model: their line is flat at the steady-state value (see
    :data:`TIME_PATH_KPIS`).

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (1 = first month of the projection) and ``value``.
    """
    if kpi not in KPIS:
        raise ValueError(f"unknown KPI {kpi!r}; KPIs: {', '.join(KPIS)}")
    months = [m.month for m in results.projection]
    if kpi == "productivity_per_rep":
        values = [m.revenue_usd * 12.0 / m.reps if m.reps else 0.0 for m in results.projection]
    elif kpi == "ops_cost_per_rep":
        values = [
            (m.sales_ops_cost_usd - m.transition_usd) * 12.0 / m.reps if m.reps else 0.0 for m in results.projection
        ]
    elif kpi == "roi":
        values, uplift, cost = [], 0.0, 0.0
        for m in results.projection:
            uplift += m.gross_margin_uplift_usd + m.control_value_usd
            cost += m.sales_ops_cost_usd
            values.append((uplift - cost) / cost if cost > 0 else 0.0)
    else:
        values = [kpi_values(scenario, results)[kpi]] * len(months)
    return pd.DataFrame({"month": months, "value": values})


def first_period(actuals: Iterable[Actual]) -> str | None:
    """The period that starts earliest (month 1 of :func:`actual_series`); None without actuals.

    >>> first_period([Actual("2026-02", "roi", 1.0), Actual("2026-Q1", "roi", 1.1)])
    '2026-Q1'
    """
    actuals = list(actuals)
    if not actuals:
        return None
    return min(actuals, key=lambda a: (_period_start(a.period), _period_sort_key(a.period))).period


def actual_series(actuals: Iterable[Actual], kpi: str) -> pd.DataFrame:
    """The actuals of one KPI placed on the projection's months.

    Month 1 is the first month of the earliest period among **all** the actuals
    (so every KPI shares one calendar); a month is plotted at itself and a
    quarter at its last month (2026-Q1 is month 3 when 2026-01 is month 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``month`` and ``value``, sorted by month; empty when
        the KPI has no actuals.
    """
    actuals = list(actuals)
    if not actuals:
        return pd.DataFrame(
            {"period": pd.Series(dtype=str), "month": pd.Series(dtype=int), "value": pd.Series(dtype=float)}
        )
    y0, m0 = min(_period_start(a.period) for a in actuals)
    rows = []
    for a in actuals:
        if a.kpi != kpi:
            continue
        y, m = period_month(a.period)
        rows.append({"period": a.period, "month": (y - y0) * 12 + (m - m0) + 1, "value": a.value})
    frame = pd.DataFrame(rows, columns=["period", "month", "value"])
    return frame.sort_values(["month", "period"], kind="stable").reset_index(drop=True)
