"""Org analytics and peer comparison charts: spans, sales-ops FTE by category, cost by region, peers."""

from __future__ import annotations

import altair as alt
import pandas as pd

from salesops.charts.common import (
    _CHARTS,
    _USD,
    BLUE,
    FIT_WHOLE,
    GREEN,
    GREY,
    INK,
    PURPLE,
    SLATE,
    VERMILLION,
    _records,
    _top_level,
    beside_point,
    chart_spec,
    title,
)
from salesops.insights.analytics import OrgAnalytics, health_rules

# --------------------------------------------------------------------------
# Org analytics and peer comparison charts (data: an OrgAnalytics, or the
# DataFrame of salesops.insights.peers.compare). Same pattern: a structure on named
# datasets, built once, plus a data function.
# --------------------------------------------------------------------------

RELATION_COLORS = {"leads": BLUE, "supports": VERMILLION}
STATUS_COLORS = {"within": GREEN, "below": VERMILLION, "above": PURPLE, "n/a": "#c2c7cc"}
# The dot's colour is the health verdict shared with Org analytics, not the place among published figures
# (25.8% attrition is among them, and a warning).
VERDICT_COLORS = {"healthy": GREEN, "warning": VERMILLION, "no health rule": SLATE}
VERDICT_SHAPES = {"healthy": "circle", "warning": "triangle-up", "no health rule": "square"}  # not by colour alone
_VERDICT = {"ok": "healthy", "warning": "warning", "n/a": "no health rule"}
_SPAN_LEVELS = {"front": "Front-line", "upper": "Manages managers", "empty": "No direct reports"}
_BAND_COLOR = GREY


def _spans_structure() -> alt.LayerChart:
    levels = list(_SPAN_LEVELS.values())
    bars = (
        alt.Chart(alt.NamedData(name="spans"))
        .mark_bar()
        .encode(
            x=alt.X(
                "x_start:Q",
                bin="binned",
                title=None,  # the chart's title says it
                scale=alt.Scale(zero=True, nice=False),
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            x2="x_end:Q",
            y=alt.Y("managers:Q", title="Managers", stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "level:N",
                title=None,
                legend=alt.Legend(orient="bottom", direction="vertical"),
                scale=alt.Scale(domain=levels, range=[BLUE, "#cc79a7", VERMILLION]),
            ),
            tooltip=[
                alt.Tooltip("direct_reports:Q", title="Direct reports"),
                alt.Tooltip("level:N", title="Managers"),
                alt.Tooltip("managers:Q", title="How many"),
            ],
        )
    )
    rules = (
        alt.Chart(alt.NamedData(name="span_rules"))
        .mark_rule(color=INK, strokeDash=[4, 3])
        .encode(x="x:Q", tooltip=[alt.Tooltip("label:N", title="Rule"), alt.Tooltip("source:N", title="Source")])
    )
    labels = (
        alt.Chart(alt.NamedData(name="span_rules"))
        .mark_text(baseline="bottom", color=INK, y=alt.ExprRef("datum.top_px"), **beside_point("x"))
        .encode(x="x:Q", text="label:N")
    )
    # Drawn at a fixed height in half the page: one title line (the dashed lines say what they are and,
    # on hover, whose rule they are) leaves the bars their room.
    return alt.layer(bars, rules, labels).properties(
        title=title("Direct reports per manager"), height=220, autosize=FIT_WHOLE
    )


def _spans_data(analytics: OrgAnalytics) -> dict[str, list[dict]]:
    spans = analytics.spans
    level = spans["reps"].gt(0).map({True: _SPAN_LEVELS["front"], False: _SPAN_LEVELS["upper"]})
    level = level.where(spans["direct_reports"].gt(0), _SPAN_LEVELS["empty"])
    counts = (
        spans.assign(level=level)
        .groupby(["direct_reports", "level"], as_index=False)
        .size()
        .rename(columns={"size": "managers"})
    )
    half = 0.5  # each bar spans its whole number of people, as a histogram bin
    counts = counts.assign(x_start=counts["direct_reports"] - half, x_end=counts["direct_reports"] + half)
    rules = health_rules()
    low, high = rules["span_below"], rules["span_above"]
    lines = [
        {"x": low["min_reps"], "label": f"{low['min_reps']}: fewer is costly", "source": low["source"]},
        {"x": high["max_reps"], "label": f"{high['max_reps']}: keep at or below", "source": high["source"]},
    ]
    for i, line in enumerate(lines):
        line["top_px"] = -4 - 18 * i  # above the bars, each on a line of its own, so nothing overlaps
    return {"spans": _records(counts), "span_rules": lines}


def _ops_by_category_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="ops_categories"))
        .mark_bar()
        .encode(
            y=alt.Y("category:N", title=None, sort="-x"),
            x=alt.X("sum(fte):Q", title="Sales-ops FTE"),
            color=alt.Color(
                "relation:N",
                title="Sales ops",
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=list(RELATION_COLORS), range=list(RELATION_COLORS.values())),
            ),
            tooltip=[
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("relation:N", title="Sales ops"),
                alt.Tooltip("fte:Q", title="FTE", format=".1f"),
                alt.Tooltip("cost_usd_per_year:Q", title="Cost per year", format=_USD),
            ],
        )
        .properties(
            title=title("Sales-ops FTE by category", "Whether sales ops leads or supports the function"),
            height=alt.Step(36),
        )
    )


def _ops_by_category_data(analytics: OrgAnalytics) -> dict[str, list[dict]]:
    return {"ops_categories": _records(analytics.ops_fte_by_category)}


def _cost_by_region_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="region_costs"))
        .mark_bar()
        .encode(
            y=alt.Y("region_name:N", title=None, sort=None),
            x=alt.X("sum(cost_usd_per_year):Q", title="Cost per year (USD)", axis=alt.Axis(format="$,.2s")),
            color=alt.Color(
                "function:N",
                title=None,
                sort=alt.EncodingSortField("order", op="min"),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("region_name:N", title="Region"),
                alt.Tooltip("function:N", title="Function"),
                alt.Tooltip("cost_usd_per_year:Q", title="Cost per year", format=_USD),
            ],
        )
        .properties(
            title=title("Cost by region and function", "Sales-ops teams counted where they sit", wide=True),
            height=alt.Step(36),
        )
    )


def _cost_by_region_data(analytics: OrgAnalytics) -> dict[str, list[dict]]:
    by_region = analytics.cost_by_region
    order = {f: i for i, f in enumerate(analytics.cost_by_function["function"])}
    df = by_region.assign(order=by_region["function"].map(lambda f: order.get(f, len(order))))
    return {"region_costs": _records(df)}


# How a compared metric is shown: a scale factor to display units, a unit label
# and a Python format for the tooltip text.
_PEER_FORMATS = {
    "percent": (100.0, "%", "{:.1f}%"),
    "usd": (1e-3, "$K", "${:,.1f}K"),
    "months": (1.0, "months", "{:.1f} months"),
    "ratio": (1.0, "", "{:.1f}"),
}


def _peer_comparison_structure() -> alt.FacetChart:
    x = alt.X("low:Q", title=None, scale=alt.Scale(zero=False, padding=10))
    band = alt.Chart().mark_rule(strokeWidth=10, opacity=0.35, color=_BAND_COLOR).encode(x=x, x2="high:Q")
    ends = (
        alt.Chart()
        .transform_fold(["low", "high"], as_=["end", "value"])
        .mark_tick(color=_BAND_COLOR, thickness=2, size=18)
        .encode(x="value:Q")
    )
    peer = (
        alt.Chart()
        .mark_tick(color=INK, thickness=3, size=22)
        .encode(
            x="peer_value:Q",
            tooltip=[
                alt.Tooltip("peer_text:N", title="Peer profile"),
                alt.Tooltip("peer_firmness:N", title="Firmness"),
                alt.Tooltip("peer_note:N", title="Note"),
            ],
        )
    )
    this = (
        alt.Chart()
        .mark_point(filled=True, size=150, opacity=1)
        .encode(
            x="this_x:Q",
            # No value (n/a): an invisible dot, so that the row still describes this org to a screen reader.
            opacity=alt.Opacity("shown:Q", scale=None, legend=None),
            color=alt.Color(
                "verdict:N",
                title="Health check (Org analytics rules)",
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values())),
            ),
            shape=alt.Shape(
                "verdict:N",
                title="Health check (Org analytics rules)",
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=list(VERDICT_SHAPES), range=list(VERDICT_SHAPES.values())),
            ),
            tooltip=[
                alt.Tooltip("metric:N", title="Metric"),
                alt.Tooltip("this_text:N", title="This org"),
                alt.Tooltip("band_text:N", title="Published"),
                alt.Tooltip("status:N", title="Among published"),
                alt.Tooltip("verdict:N", title="Health check"),
                alt.Tooltip("source:N", title="Sources"),
                alt.Tooltip("firmness:N", title="Firmness"),
            ],
        )
    )
    layered = alt.layer(band, ends, peer, this, data=alt.NamedData(name="comparison")).properties(width=360, height=30)
    return (
        layered.facet(
            row=alt.Row(
                "row_label:N",
                title=None,
                sort=alt.EncodingSortField("order", op="min"),
                header=alt.Header(labelAngle=0, labelAlign="left"),
            ),
            spacing=6,
        )
        .resolve_scale(x="independent")
        .properties(
            title=title(
                "This org against published figures",
                "Dot: this org. Grey band: published figures. Black tick: the peer profile.",
                wide=True,
            )
        )
    )


def _peer_value(value, scale: float) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value) * scale


def _peer_comparison_data(comparison: pd.DataFrame) -> dict[str, list[dict]]:
    rows = []
    for i, r in enumerate(comparison.itertuples(index=False)):
        scale, unit, fmt = _PEER_FORMATS[r.format]
        this, low, high, peer = (_peer_value(v, scale) for v in (r.this_org, r.low, r.high, r.peer_value))
        unit_label = unit or r.unit
        rows.append(
            {
                "order": i,
                "metric": r.metric,
                "row_label": f"{r.metric} ({unit_label})",
                "this_org": this,
                "this_x": this if this is not None else (low if low is not None else peer),
                "shown": 0 if this is None else 1,
                "low": low,
                "high": high,
                "peer_value": peer,
                "status": r.status,
                "verdict": _VERDICT.get(getattr(r, "health", "n/a"), "no health rule"),
                "this_text": "n/a" if this is None else fmt.format(this),
                "band_text": fmt.format(low) if low == high else f"{fmt.format(low)} to {fmt.format(high)}",
                "peer_text": "n/a" if peer is None else fmt.format(peer),
                "source": r.source,
                "firmness": r.firmness,
                "peer_firmness": r.peer_firmness,
                "peer_note": r.peer_note,
            }
        )
    return {"comparison": rows}


_CHARTS.update(
    {
        "spans": (_spans_structure, _spans_data),
        "ops_by_category": (_ops_by_category_structure, _ops_by_category_data),
        "cost_by_region": (_cost_by_region_structure, _cost_by_region_data),
        "peer_comparison": (_peer_comparison_structure, _peer_comparison_data),
    }
)


def spans_chart(analytics: OrgAnalytics) -> alt.LayerChart:
    """How many managers have each number of direct reports, with the 5:1 and 10:1 rule lines."""
    return _top_level(chart_spec("spans", analytics))


def ops_by_category_chart(analytics: OrgAnalytics) -> alt.Chart:
    """Sales-ops FTE by category, coloured by whether sales ops leads or supports the function."""
    return _top_level(chart_spec("ops_by_category", analytics))


def cost_by_region_chart(analytics: OrgAnalytics) -> alt.Chart:
    """Annual cost of each region, stacked by function (reps, managers, leaders, sales ops, other)."""
    return _top_level(chart_spec("cost_by_region", analytics))


def peer_comparison_chart(comparison: pd.DataFrame) -> alt.FacetChart:
    """One row per metric, each on its own scale: this org's value against the published band.

    ``comparison`` is the DataFrame of :func:`salesops.insights.peers.compare`.
    """
    return _top_level(chart_spec("peer_comparison", comparison))
