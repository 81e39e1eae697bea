"""ROI and productivity charts: one Results by region and month, what-ifs, scenarios side by side, initiatives,
and the assumptions that would flip the recommended design."""

from __future__ import annotations

import altair as alt
import pandas as pd

from salesops.charts.common import (
    _CHARTS,
    _USD,
    BLUE,
    GREY,
    INK,
    PLACEMENT_COLORS,
    VERMILLION,
    FIT_WHOLE,
    _chart,
    _records,
    beside_point,
    title,
    wrapped_label,
)
from salesops.model import Results


# --------------------------------------------------------------------------
# Results charts. Each is a structure on named datasets (built once) plus the
# datasets of one Results, so a rerun pays only for the data, not for altair.
# --------------------------------------------------------------------------
def _dumbbell(
    base_field: str,
    value_field: str,
    heading: alt.TitleParams,
    axis_title: str,
    axis_format: str,
    tooltip_format: str,
    color: str,
) -> alt.LayerChart:
    """Per region: a grey dot at the baseline, a coloured dot now, a bar between them.

    The scale does not start at zero, so region differences of a few percent show.
    """
    y = alt.Y("name:N", title=None, sort=None)
    scale = alt.Scale(zero=False, padding=12)
    tooltip = [
        alt.Tooltip("name:N", title="Region"),
        alt.Tooltip("reps:Q", title="Reps"),
        alt.Tooltip(f"{value_field}:Q", title="With sales ops", format=tooltip_format),
        alt.Tooltip(f"{base_field}:Q", title="Without sales ops", format=tooltip_format),
    ]
    base = alt.Chart(alt.NamedData(name="regions")).encode(y=y, tooltip=tooltip)
    link = base.mark_rule(color=color, strokeWidth=3, opacity=0.5).encode(
        x=alt.X(f"{base_field}:Q", title=axis_title, scale=scale, axis=alt.Axis(format=axis_format)),
        x2=f"{value_field}:Q",
    )
    before = base.mark_point(filled=True, size=90, color=GREY).encode(x=alt.X(f"{base_field}:Q", scale=scale))
    now = base.mark_point(filled=True, size=140, color=color).encode(x=alt.X(f"{value_field}:Q", scale=scale))
    return (link + before + now).properties(title=heading, height=alt.Step(30))


def _productivity_structure() -> alt.LayerChart:
    return _dumbbell(
        "baseline_productivity_per_rep_usd",
        "productivity_per_rep_usd",
        title("Productivity per rep by region", "Grey: without sales ops"),
        "Revenue per rep per year (USD)",
        "$,.3s",
        "$,.0f",
        BLUE,
    )


def _productivity_data(results: Results) -> dict[str, list[dict]]:
    df = results.regions_frame()[["name", "reps", "productivity_per_rep_usd", "baseline_productivity_per_rep_usd"]]
    return {"regions": _records(df)}


def _selling_time_structure() -> alt.LayerChart:
    return _dumbbell(
        "baseline_share",
        "selling_time_share",
        title("Selling-time share by region", "Grey: without sales ops"),
        "Share of rep time spent selling",
        ".1%",
        ".1%",
        "#2e7d32",
    )


def _selling_time_data(results: Results) -> dict[str, list[dict]]:
    df = results.regions_frame()[["name", "reps", "selling_time_share"]].assign(
        baseline_share=results.baseline_selling_time_share
    )
    return {"regions": _records(df)}


def _cost_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="costs"))
        .mark_bar()
        .encode(
            y=alt.Y("role:N", title=None, sort="-x"),
            x=alt.X("sum(cost_usd_per_year):Q", title="Cost per year (USD)", axis=alt.Axis(format="$,.2s")),
            color=alt.Color(
                "where:N",
                title="Placement",
                scale=alt.Scale(
                    domain=["Central team (HQ)", "Embedded in regions"],
                    range=[PLACEMENT_COLORS["central"], PLACEMENT_COLORS["embedded"]],
                ),
                legend=None,  # in the subtitle: a legend below the bars would start past the long role names
            ),
            tooltip=[
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("where:N", title="Placement"),
                alt.Tooltip("fte:Q", title="FTE", format=".1f"),
                alt.Tooltip("cost_usd_per_year:Q", title="Cost per year", format=_USD),
            ],
        )
        .properties(
            title=title("Sales-ops cost by role", "Blue: the central team (HQ). Orange: embedded in regions."),
            height=alt.Step(36),
        )
    )


def _cost_data(results: Results) -> dict[str, list[dict]]:
    names = {r.role_id: r.name for r in results.roles}
    rows: dict[tuple[str, str], dict] = {}
    for t in results.teams:
        where = "Central team (HQ)" if t.team == "central" else "Embedded in regions"
        row = rows.setdefault(
            (t.role_id, where), {"role": names[t.role_id], "where": where, "cost_usd_per_year": 0.0, "fte": 0.0}
        )
        row["cost_usd_per_year"] += t.cost_usd_per_year
        row["fte"] += t.fte
    return {"costs": list(rows.values())}


def _projection_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="flows"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("month:Q", title="Month", scale=alt.Scale(nice=False)),
            y=alt.Y("usd:Q", title="USD per month", axis=alt.Axis(format="$,.2s")),
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=["Gross-margin uplift", "Sales-ops cost"], range=[BLUE, VERMILLION]),
            ),
            tooltip=[
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("usd:Q", title="USD", format=_USD),
            ],
        )
        .properties(  # drawn at a fixed height: one title line, so the plot keeps its room
            title=title("3-year projection per month, ramps and attrition included", wide=True),
            height=220,
            autosize=FIT_WHOLE,
        )
    )


def _projection_data(results: Results) -> dict[str, list[dict]]:
    flows = []
    for m in results.projection:
        flows.append({"month": m.month, "series": "Gross-margin uplift", "usd": m.gross_margin_uplift_usd})
        flows.append({"month": m.month, "series": "Sales-ops cost", "usd": m.sales_ops_cost_usd})
    return {"flows": flows}


def _cumulative_structure() -> alt.LayerChart:
    x = alt.X("month:Q", title="Month", scale=alt.Scale(nice=False))
    area = (
        alt.Chart(alt.NamedData(name="months"))
        .mark_area(opacity=0.35, color="#7cc48a", line={"color": "#2e7d32"})
        .encode(
            x=x,
            y=alt.Y("cumulative_net_usd:Q", title="Cumulative net return (USD)", axis=alt.Axis(format="$,.2s")),
            tooltip=[
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cumulative_net_usd:Q", title="Cumulative net", format=_USD),
            ],
        )
    )
    zero = alt.Chart(alt.NamedData(name="zero")).mark_rule(color=INK).encode(y="y:Q")
    rule = alt.Chart(alt.NamedData(name="payback")).mark_rule(color=BLUE, strokeDash=[4, 3]).encode(x=x)
    text = (
        alt.Chart(alt.NamedData(name="payback"))
        .mark_text(color=BLUE, **beside_point("month"))
        .encode(x=x, y=alt.value(12), text="label:N")
    )
    # Drawn at a fixed height (Productivity & ROI, presentation mode's one 1280x720 screen).
    return alt.layer(area, zero, rule, text).properties(
        title=title("Cumulative net return"), height=220, autosize=FIT_WHOLE
    )


def _cumulative_data(results: Results) -> dict[str, list[dict]]:
    months = [{"month": m.month, "cumulative_net_usd": m.cumulative_net_usd} for m in results.projection]
    horizon = results.projection[-1].month if results.projection else 0
    payback = []
    if results.payback_months is not None and results.payback_months <= horizon:
        payback = [{"month": results.payback_months, "label": f"payback {results.payback_months:.1f} months"}]
    return {"months": months, "zero": [{"y": 0.0}], "payback": payback}


def _whatif_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="whatifs"))
        .mark_bar()
        .encode(
            # Full width: a role and its switch fit two lines of 36 characters ("... administration", "→ Localized").
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelExpr=wrapped_label(36, 2), labelLimit=300)),
            x=alt.X("delta_net_usd:Q", title="Change in net value per year (USD)", axis=alt.Axis(format="$,.2~s")),
            color=alt.condition(alt.datum.delta_net_usd >= 0, alt.value(BLUE), alt.value(VERMILLION)),
            tooltip=[
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("current:N", title="Now"),
                alt.Tooltip("alternative:N", title="Switch to"),
                alt.Tooltip("delta_net_usd:Q", title="Net value change / year", format="+$,.0f"),
                alt.Tooltip("delta_npv_usd:Q", title="NPV change", format="+$,.0f"),
                alt.Tooltip("delta_roi_pp:Q", title="ROI change (pp)", format="+.1f"),
                alt.Tooltip("delta_productivity_usd:Q", title="Productivity per rep change", format="+$,.0f"),
                alt.Tooltip("delta_cost_usd:Q", title="Cost change", format="+$,.0f"),
                alt.Tooltip("delta_fte:Q", title="FTE change", format="+.1f"),
            ],
        )
        .properties(
            title=title("What switching one role would do", "Change in net value per year, best first", wide=True),
            height=alt.Step(38),
        )
    )


def _whatif_data(whatifs: pd.DataFrame) -> dict[str, list[dict]]:
    df = whatifs.assign(label=whatifs["role"] + " → " + whatifs["alternative"].str.capitalize())
    return {"whatifs": _records(df)}


_CHARTS.update(
    {
        "productivity": (_productivity_structure, _productivity_data),
        "selling_time": (_selling_time_structure, _selling_time_data),
        "cost_by_role": (_cost_structure, _cost_data),
        "projection": (_projection_structure, _projection_data),
        "cumulative": (_cumulative_structure, _cumulative_data),
        "whatif": (_whatif_structure, _whatif_data),
    }
)


def productivity_chart(results: Results) -> alt.LayerChart:
    """Productivity per rep by region: without sales ops (grey) and with it (blue)."""
    return _chart("productivity", results)


def selling_time_chart(results: Results) -> alt.LayerChart:
    """Selling-time share by region: baseline (grey) and with sales ops (green)."""
    return _chart("selling_time", results)


def cost_by_role_chart(results: Results) -> alt.Chart:
    """Annual sales-ops cost by role, split into the central team and embedded teams."""
    return _chart("cost_by_role", results)


def projection_chart(results: Results) -> alt.Chart:
    """Three-year projection, month by month: gross-margin uplift against sales-ops cost."""
    return _chart("projection", results)


def cumulative_chart(results: Results) -> alt.LayerChart:
    """Cumulative net return over the projection, with the payback month marked."""
    return _chart("cumulative", results)


def whatif_chart(whatifs: pd.DataFrame) -> alt.Chart:
    """Change in net value per year if one role alone switched placement (best first; ROI in the tooltips)."""
    return _chart("whatif", whatifs)


# --------------------------------------------------------------------------
# Comparison charts: data is a sequence of (label, Results), one per scenario.
# --------------------------------------------------------------------------
_SCENARIO_LEGEND = alt.Legend(orient="bottom", direction="vertical")


def _compare_cumulative_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="months"))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("month:Q", title="Month", scale=alt.Scale(nice=False)),
            y=alt.Y("cumulative_net_usd:Q", title="Cumulative net return (USD)", axis=alt.Axis(format="$,.2s")),
            # Colour and dash both tell the scenarios apart: one legend shows both.
            color=alt.Color("scenario:N", title="Scenario", legend=_SCENARIO_LEGEND),
            strokeDash=alt.StrokeDash("scenario:N", title="Scenario", legend=_SCENARIO_LEGEND),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cumulative_net_usd:Q", title="Cumulative net", format=_USD),
            ],
        )
        .properties(title=title("Cumulative net return over three years", wide=True), height=260, autosize=FIT_WHOLE)
    )


def _compare_cumulative_data(items) -> dict[str, list[dict]]:
    return {
        "months": [
            {"scenario": label, "month": m.month, "cumulative_net_usd": m.cumulative_net_usd}
            for label, res in items
            for m in res.projection
        ]
    }


def _compare_productivity_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="regions"))
        .mark_point(filled=True, size=120)
        .encode(
            y=alt.Y("region:N", title=None, sort=None),
            x=alt.X(
                "productivity_per_rep_usd:Q",
                title="Revenue per rep per year (USD)",
                scale=alt.Scale(zero=False, padding=12),
                axis=alt.Axis(format="$,.3s"),
            ),
            color=alt.Color("scenario:N", title="Scenario", legend=_SCENARIO_LEGEND),
            shape=alt.Shape("scenario:N", title="Scenario", legend=_SCENARIO_LEGEND),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("productivity_per_rep_usd:Q", title="Productivity per rep", format=_USD),
            ],
        )
        .properties(title=title("Productivity per rep by region", wide=True), height=alt.Step(36))
    )


def _compare_productivity_data(items) -> dict[str, list[dict]]:
    return {
        "regions": [
            {"scenario": label, "region": r.name, "productivity_per_rep_usd": r.productivity_per_rep_usd}
            for label, res in items
            for r in res.regions
        ]
    }


def _compare_cost_structure() -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="roles"))
        .mark_bar()
        .encode(
            # Full width: a version's label (name, note, date, id) in up to three lines of 36 characters.
            y=alt.Y("scenario:N", title=None, axis=alt.Axis(labelExpr=wrapped_label(36, 3), labelLimit=300)),
            x=alt.X("sum(cost_usd_per_year):Q", title="Sales-ops cost per year (USD)", axis=alt.Axis(format="$,.2s")),
            color=alt.Color("role:N", title="Role", legend=alt.Legend(orient="bottom", direction="vertical")),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("placement:N", title="Placement"),
                alt.Tooltip("fte:Q", title="FTE", format=".1f"),
                alt.Tooltip("cost_usd_per_year:Q", title="Cost", format=_USD),
            ],
        )
        .properties(title=title("Sales-ops cost by role", wide=True), height=alt.Step(54))
    )


def _compare_cost_data(items) -> dict[str, list[dict]]:
    return {
        "roles": [
            {
                "scenario": label,
                "role": r.name,
                "placement": r.placement,
                "fte": r.fte,
                "cost_usd_per_year": r.cost_usd_per_year,
            }
            for label, res in items
            for r in res.roles
        ]
    }


_CHARTS.update(
    {
        "compare_cumulative": (_compare_cumulative_structure, _compare_cumulative_data),
        "compare_productivity": (_compare_productivity_structure, _compare_productivity_data),
        "compare_cost": (_compare_cost_structure, _compare_cost_data),
    }
)


# --------------------------------------------------------------------------
# ROI levers: each initiative's 3-year cost against its 3-year return.
# --------------------------------------------------------------------------
def _portfolio_structure() -> alt.LayerChart:
    base = alt.Chart(alt.NamedData(name="initiatives"))
    x = alt.X(
        "cost_3yr_usd:Q",
        title="3-year cost (USD)",
        axis=alt.Axis(format="$,.2s"),
        scale=alt.Scale(zero=True, nice=True),
    )
    y = alt.Y(
        "return_3yr_usd:Q",
        title="3-year return net of team cost (USD)",
        axis=alt.Axis(format="$,.2s"),
        scale=alt.Scale(zero=True, nice=True),
    )
    breakeven = (
        alt.Chart(alt.NamedData(name="breakeven"))
        .mark_line(color=GREY, strokeDash=[4, 3])
        .encode(x="cost:Q", y="ret:Q")
    )
    points = base.mark_circle(opacity=0.85, stroke=INK, strokeWidth=1).encode(
        x=x,
        y=y,
        size=alt.Size("roi_3yr:Q", title="3-year ROI", scale=alt.Scale(range=[120, 1400]), legend=None),
        color=alt.Color(
            "included:N",
            title=None,
            scale=alt.Scale(domain=["included", "not included"], range=[BLUE, GREY]),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("name:N", title="Initiative"),
            alt.Tooltip("cost_3yr_usd:Q", title="3-year cost", format=_USD),
            alt.Tooltip("return_3yr_usd:Q", title="3-year return", format=_USD),
            alt.Tooltip("roi_3yr:Q", title="3-year ROI", format=".0%"),
            alt.Tooltip("payback:N", title="Payback after start"),
        ],
    )
    labels = base.mark_text(**beside_point("cost_3yr_usd", gap=12)).encode(x=x, y=y, text="name:N")
    return alt.layer(breakeven, points, labels).properties(height=320, autosize=FIT_WHOLE)  # at a fixed height


def _portfolio_data(ranked) -> dict[str, list[dict]]:
    rows = []
    for r in ranked.itertuples():
        rows.append(
            {
                "name": r.name,
                "cost_3yr_usd": float(r.cost_3yr_usd),
                "return_3yr_usd": float(r.return_3yr_usd),
                "roi_3yr": float(r.roi_3yr),
                "included": "included" if r.active else "not included",
                "payback": "never"
                if r.payback_months is None or pd.isna(r.payback_months)
                else f"{r.payback_months:.1f} months",
            }
        )
    top = max([r["cost_3yr_usd"] for r in rows] + [1.0])
    return {"initiatives": rows, "breakeven": [{"cost": 0.0, "ret": 0.0}, {"cost": top, "ret": top}]}


_CHARTS.update({"portfolio": (_portfolio_structure, _portfolio_data)})


# --------------------------------------------------------------------------
# The recommended design: which assumptions would hand the win to the runner-up.
# Data: (decision tornado table, the lead at the likely values), from
# salesops.model.optimize.decision_tornado and Recommendation.margin.
# --------------------------------------------------------------------------
DECISION_FLIPS_COLOR = VERMILLION
DECISION_HOLDS_COLOR = BLUE


def _decision_structure(axis_title: str, axis_format: str, tip_format: str) -> alt.LayerChart:
    y = alt.Y("label:N", title=None, sort=None)
    color = alt.Color(
        "verdict:N",
        title=None,
        scale=alt.Scale(
            domain=["the runner-up would win", "the recommendation holds"],
            range=[DECISION_FLIPS_COLOR, DECISION_HOLDS_COLOR],
        ),
        legend=alt.Legend(orient="top", direction="vertical"),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Assumption"),
        alt.Tooltip("range:N", title="Low to high"),
        alt.Tooltip("margin_low:Q", title="Lead at the low end", format=tip_format),
        alt.Tooltip("margin_high:Q", title="Lead at the high end", format=tip_format),
        alt.Tooltip("verdict:N", title="Within the range"),
    ]
    base = alt.Chart(alt.NamedData(name="parameters")).encode(y=y, tooltip=tooltip)
    x = alt.X("lo:Q", title=axis_title, axis=alt.Axis(format=axis_format))
    span = base.mark_bar(height=10, opacity=0.45).encode(x=x, x2="hi:Q", color=color)
    low = base.mark_point(shape="circle", size=70, filled=False, strokeWidth=2).encode(
        x=alt.X("margin_low:Q"), color=color
    )
    high = base.mark_point(shape="circle", size=70, filled=True).encode(x=alt.X("margin_high:Q"), color=color)
    zero = alt.Chart(alt.NamedData(name="zero")).mark_rule(color=INK, strokeWidth=1.5).encode(x="x:Q")
    likely = (
        alt.Chart(alt.NamedData(name="likely"))
        .mark_rule(color="#6b7785", strokeDash=[4, 3])
        .encode(x="x:Q", tooltip=[alt.Tooltip("x:Q", title="Lead at the likely values", format=tip_format)])
    )
    return alt.layer(span, low, high, zero, likely).properties(
        title=title(
            "Lead over the runner-up", "One assumption at its low (o) or high (●) end, the rest likely", wide=True
        ),
        height=alt.Step(38),
    )


def _decision_data(source, scale: float) -> dict[str, list[dict]]:
    table, margin = source
    rows = []
    for r in table.itertuples():
        low, high = float(r.margin_low) * scale, float(r.margin_high) * scale
        rows.append(
            {
                "label": r.label,
                "range": f"{r.low:,.4g} to {r.high:,.4g}",
                "margin_low": low,
                "margin_high": high,
                "lo": min(low, high),
                "hi": max(low, high),
                "verdict": "the runner-up would win" if r.flips else "the recommendation holds",
            }
        )
    likely = [] if margin is None else [{"x": float(margin) * scale}]
    return {"parameters": rows, "zero": [{"x": 0.0}], "likely": likely}


_CHARTS.update(
    {
        # net value per year or NPV: the lead in dollars
        "decision_usd": (
            lambda: _decision_structure("Lead over the runner-up (USD)", "$,.2~s", "$,.0f"),
            lambda source: _decision_data(source, 1.0),
        ),
        # ROI: the lead in percentage points
        "decision_pp": (
            lambda: _decision_structure("Lead over the runner-up (ROI percentage points)", "+.1f", "+.1f"),
            lambda source: _decision_data(source, 100.0),
        ),
    }
)
