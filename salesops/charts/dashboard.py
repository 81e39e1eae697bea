"""The metrics dashboard's chart: one KPI over time, projected against actuals and the target."""

from __future__ import annotations

import altair as alt
import pandas as pd

from salesops.charts.common import _CHARTS, BLUE, VERMILLION, _top_level, chart_spec
from salesops.model.plan_items import KPIS

# --------------------------------------------------------------------------
# KPI over time: the model's projected path against measured actuals and the
# target (metrics dashboard). One structure per unit, so each axis has its format.
# --------------------------------------------------------------------------
_KPI_TRACK_FORMATS = {  # KPIS unit -> (chart name, axis title, axis format, tooltip format)
    "USD/year": ("kpi_track_usd", "USD per year", "$,.3s", "$,.0f"),
    "share": ("kpi_track_share", "Share", ".0%", ".1%"),
    "reps": ("kpi_track_reps", "Reps per FTE", ",.1f", ",.1f"),
    "ratio": ("kpi_track_ratio", "ROI", ".0%", ".0%"),
    "hours": ("kpi_track_hours", "Hours", ",.1f", ",.1f"),
}
KPI_TRACK_COLORS = {"Projected": BLUE, "Actual": VERMILLION, "Target": "#6b6b6b"}


def _kpi_track_structure(axis_title: str, axis_format: str, tooltip_format: str) -> alt.LayerChart:
    x = alt.X("month:Q", title="Month of the projection", scale=alt.Scale(nice=False))
    y = alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=False, padding=10), axis=alt.Axis(format=axis_format))
    series = list(KPI_TRACK_COLORS)
    lines = (
        alt.Chart(alt.NamedData(name="track"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=series, range=list(KPI_TRACK_COLORS.values())),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", legend=None, scale=alt.Scale(domain=series, range=[[1, 0], [1, 0], [6, 4]])
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("value:Q", title="Value", format=tooltip_format),
            ],
        )
    )
    points = (
        alt.Chart(alt.NamedData(name="actual"))
        .mark_point(filled=True, size=80, color=KPI_TRACK_COLORS["Actual"])
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("period:N", title="Period"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("value:Q", title="Actual", format=tooltip_format),
            ],
        )
    )
    return alt.layer(lines, points).properties(height=280)


def _kpi_track_data(source) -> dict[str, list[dict]]:
    """``source``: a mapping with ``projected`` (month, value), ``actual`` (period, month, value), ``target``."""
    projected, actual, target = source["projected"], source["actual"], source.get("target")
    track = [
        {"series": "Projected", "month": int(m), "value": float(v)}
        for m, v in zip(projected["month"], projected["value"])
    ]
    points = [
        {"series": "Actual", "period": str(p), "month": int(m), "value": float(v)}
        for p, m, v in zip(actual["period"], actual["month"], actual["value"])
    ]
    track += [{k: r[k] for k in ("series", "month", "value")} for r in points]
    months = [r["month"] for r in track]
    if target is not None and pd.notna(target) and months:
        track += [
            {"series": "Target", "month": min(1, min(months)), "value": float(target)},
            {"series": "Target", "month": max(months), "value": float(target)},
        ]
    return {"track": track, "actual": points}


for _unit, (_name, _title, _axis, _tip) in _KPI_TRACK_FORMATS.items():
    _CHARTS.update({_name: ((lambda t=_title, a=_axis, f=_tip: _kpi_track_structure(t, a, f)), _kpi_track_data)})
del _unit, _name, _title, _axis, _tip


def kpi_track_spec(kpi: str, projected: pd.DataFrame, actual: pd.DataFrame, target: float | None) -> dict:
    """The Vega-Lite spec of one KPI over time: projected line, actuals, dashed target.

    Parameters
    ----------
    kpi : str
        A key of :data:`salesops.model.plan_items.KPIS` (its unit picks the axis format).
    projected : DataFrame
        ``month``, ``value`` (:func:`salesops.insights.objectives.projected_series`).
    actual : DataFrame
        ``period``, ``month``, ``value`` (:func:`salesops.insights.objectives.actual_series`).
    target : float or None
        Drawn as a dashed line when given.
    """
    name = _KPI_TRACK_FORMATS[KPIS[kpi][1]][0]
    return chart_spec(name, {"projected": projected, "actual": actual, "target": target})


def kpi_track_chart(kpi: str, projected: pd.DataFrame, actual: pd.DataFrame, target: float | None) -> alt.LayerChart:
    """:func:`kpi_track_spec` as an altair chart (validated)."""
    return _top_level(kpi_track_spec(kpi, projected, actual, target))
