"""Uncertainty charts: the Monte Carlo histogram, the fan chart and the tornado."""

from __future__ import annotations

import altair as alt
import pandas as pd

from salesops.charts.common import _CHARTS, _USD, BLUE, GREEN, INK, VERMILLION, _records, title

# --------------------------------------------------------------------------
# Uncertainty (salesops.model.uncertainty): Monte Carlo histogram, fan chart, tornado.
# Data: a Simulation ("mc_histogram", "fan") or the sensitivity DataFrame ("tornado").
# --------------------------------------------------------------------------
_PCT_COLORS = {"P10": VERMILLION, "P50": BLUE, "P90": GREEN}
SINGLE_POINT = "Single-point"  # every assumption at its likely value (the glossary's "single-point figure")


def _mc_histogram_structure() -> alt.LayerChart:
    bars = (
        alt.Chart(alt.NamedData(name="draws"))
        .mark_bar(color="#b4c3d3")  # light and neutral: the percentile lines stand out on it
        .encode(
            x=alt.X("roi:Q", bin=alt.Bin(maxbins=50), title="ROI", axis=alt.Axis(format=".0%")),
            y=alt.Y("count():Q", title="Draws"),
            tooltip=[
                alt.Tooltip("roi:Q", bin=alt.Bin(maxbins=50), title="ROI", format=".0%"),
                alt.Tooltip("count():Q", title="Draws"),
            ],
        )
    )
    rules = (
        alt.Chart(alt.NamedData(name="percentiles"))
        .mark_rule(strokeWidth=2, strokeDash=[5, 3])
        .encode(
            x="value:Q",
            color=alt.Color(
                "label:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=list(_PCT_COLORS), range=list(_PCT_COLORS.values())),
            ),
            tooltip=[alt.Tooltip("label:N", title="Percentile"), alt.Tooltip("value:Q", title="ROI", format=".1%")],
        )
    )
    return alt.layer(bars, rules).properties(title=title("ROI across the Monte Carlo draws"), height=260)


def _mc_histogram_data(simulation) -> dict[str, list[dict]]:
    import numpy as np  # noqa: PLC0415

    roi = np.asarray(simulation.roi, dtype=float)
    roi = roi[np.isfinite(roi)]
    if roi.size > 20_000:  # the shape of 20,000 evenly spaced order statistics is the shape of all of them
        roi = np.sort(roi)[np.linspace(0, roi.size - 1, 20_000).astype(int)]
    p = simulation.percentiles()["roi"]
    rules = [{"label": k.upper(), "value": p[k]} for k in ("p10", "p50", "p90") if p[k] is not None]
    return {"draws": [{"roi": float(v)} for v in roi], "percentiles": rules}


def _fan_structure() -> alt.LayerChart:
    x = alt.X("month:Q", title="Month", scale=alt.Scale(nice=False))
    y_title = "Cumulative net return (USD)"
    outer = (
        alt.Chart(alt.NamedData(name="fan"))
        .mark_area(opacity=0.25, color=BLUE)
        .encode(
            x=x,
            y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(format="$,.2s")),
            y2="p90:Q",
            tooltip=[
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("p10:Q", title="P10", format=_USD),
                alt.Tooltip("p50:Q", title="P50", format=_USD),
                alt.Tooltip("p90:Q", title="P90", format=_USD),
            ],
        )
    )
    inner = alt.Chart(alt.NamedData(name="fan")).mark_area(opacity=0.35, color=BLUE).encode(x=x, y="p25:Q", y2="p75:Q")
    lines = (
        alt.Chart(alt.NamedData(name="lines"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y="value:Q",
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=["P50", SINGLE_POINT], range=[BLUE, VERMILLION]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", legend=None, scale=alt.Scale(domain=["P50", SINGLE_POINT], range=[[1, 0], [6, 4]])
            ),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("value:Q", title="Cumulative net", format=_USD),
            ],
        )
    )
    zero = alt.Chart(alt.NamedData(name="zero")).mark_rule(color=INK).encode(y="y:Q")
    return alt.layer(outer, inner, lines, zero).properties(
        title=title("3-year cumulative net return", "Bands: P10 to P90 (light) and P25 to P75 (dark)"), height=280
    )


def _fan_data(simulation) -> dict[str, list[dict]]:
    fan = simulation.fan()
    lines = [{"series": "P50", "month": int(m), "value": float(v)} for m, v in zip(fan["month"], fan["p50"])] + [
        {"series": SINGLE_POINT, "month": int(m), "value": float(v)} for m, v in zip(fan["month"], fan["deterministic"])
    ]
    return {"fan": _records(fan), "lines": lines, "zero": [{"y": 0.0}]}


def _tornado_structure() -> alt.LayerChart:
    y = alt.Y(
        "label:N",
        title=None,
        sort=alt.EncodingSortField(field="swing", order="descending"),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Parameter"),
        alt.Tooltip("range:N", title="Low / likely / high"),
        alt.Tooltip("roi_low:Q", title="ROI at low", format=".1%"),
        alt.Tooltip("roi_high:Q", title="ROI at high", format=".1%"),
        alt.Tooltip("swing:Q", title="Swing (ROI)", format=".1%"),
    ]
    bars = (
        alt.Chart(alt.NamedData(name="tornado"))
        .mark_bar(height=alt.RelativeBandSize(0.7))
        .encode(
            y=y,
            x=alt.X("roi_min:Q", title="ROI", axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False)),
            x2="roi_max:Q",
            color=alt.Color(
                "direction:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=["High value raises ROI", "High value lowers ROI"], range=[BLUE, VERMILLION]),
            ),
            tooltip=tooltip,
        )
    )
    base = (
        alt.Chart(alt.NamedData(name="base"))
        .mark_rule(color=INK, strokeWidth=2)
        .encode(x="roi:Q", tooltip=[alt.Tooltip("roi:Q", title="ROI at likely values", format=".1%")])
    )
    return alt.layer(bars, base).properties(
        title=title(
            "What moves ROI most", "One parameter at a time; the black line is ROI at likely values", wide=True
        ),
        height=alt.Step(36),
    )


def _tornado_data(table: pd.DataFrame) -> dict[str, list[dict]]:
    rows = []
    for r in table.itertuples(index=False):
        rows.append(
            {
                "parameter": r.parameter,
                "label": r.label,
                "swing": float(r.swing),
                "roi_low": float(r.roi_low),
                "roi_high": float(r.roi_high),
                "roi_min": float(min(r.roi_low, r.roi_high)),
                "roi_max": float(max(r.roi_low, r.roi_high)),
                "range": f"{r.low:.4g} / {r.likely:.4g} / {r.high:.4g}",
                "direction": "High value raises ROI" if r.roi_high >= r.roi_low else "High value lowers ROI",
            }
        )
    base = table.attrs.get("base_roi")
    return {"tornado": rows, "base": [] if base is None else [{"roi": float(base)}]}


_CHARTS.update(
    {
        "mc_histogram": (_mc_histogram_structure, _mc_histogram_data),
        "fan": (_fan_structure, _fan_data),
        "tornado": (_tornado_structure, _tornado_data),
    }
)
