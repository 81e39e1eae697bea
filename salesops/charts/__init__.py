"""Charts: Vega-Lite specs built from results and analytics, drawn by the pages and the reports.

May import :mod:`salesops.model` and :mod:`salesops.insights`.

Altair chart builders: Results (or an org graph) in, ``alt.Chart`` out.

Like altair's own API these functions draw nothing; the page decides where to
show the chart. Tests inspect ``chart.to_dict()``.
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import networkx as nx
import pandas as pd

from salesops.model import Results
from salesops.model.org import tree_layout

__all__ = [
    "KIND_COLORS",
    "PLACEMENT_COLORS",
    "cost_by_role_chart",
    "cumulative_chart",
    "org_chart",
    "org_frames",
    "productivity_chart",
    "projection_chart",
    "chart_spec",
    "results_spec",
    "selling_time_chart",
    "whatif_chart",
]

PLACEMENT_COLORS = {"central": "#1f5f99", "embedded": "#e07b39"}
KIND_COLORS = {
    "leader": "#3b3b58",
    "manager": "#5b8def",
    "rep": "#7cc48a",
    "sales_ops": "#e07b39",
    "other": "#9e9e9e",
}
_USD = "$,.0f"


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


# --------------------------------------------------------------------------
# Results charts. Each is a structure on named datasets (built once) plus the
# datasets of one Results, so a rerun pays only for the data, not for altair.
# --------------------------------------------------------------------------
def _dumbbell(base_field: str, value_field: str, title: str, axis_title: str,
              axis_format: str, tooltip_format: str, color: str) -> alt.LayerChart:
    """Per region: a grey dot at the baseline, a coloured dot now, a bar between them.

    The scale does not start at zero, so region differences of a few percent show.
    """
    y = alt.Y("name:N", title=None, sort=None, axis=alt.Axis(labelLimit=200))
    scale = alt.Scale(zero=False, padding=12)
    tooltip = [alt.Tooltip("name:N", title="Region"), alt.Tooltip("reps:Q", title="Reps"),
               alt.Tooltip(f"{value_field}:Q", title="With sales ops", format=tooltip_format),
               alt.Tooltip(f"{base_field}:Q", title="Without sales ops", format=tooltip_format)]
    base = alt.Chart(alt.NamedData(name="regions")).encode(y=y, tooltip=tooltip)
    link = base.mark_rule(color=color, strokeWidth=3, opacity=0.5).encode(
        x=alt.X(f"{base_field}:Q", title=axis_title, scale=scale, axis=alt.Axis(format=axis_format)),
        x2=f"{value_field}:Q")
    before = base.mark_point(filled=True, size=90, color="#9aa3ad").encode(x=alt.X(f"{base_field}:Q", scale=scale))
    now = base.mark_point(filled=True, size=140, color=color).encode(x=alt.X(f"{value_field}:Q", scale=scale))
    return (link + before + now).properties(title=title, height=alt.Step(34))


def _productivity_structure() -> alt.LayerChart:
    return _dumbbell("baseline_productivity_per_rep_usd", "productivity_per_rep_usd",
                     "Productivity per rep by region (grey: without sales ops)",
                     "Revenue per rep per year (USD)", "$,.3s", "$,.0f", "#1f5f99")


def _productivity_data(results: Results) -> dict[str, list[dict]]:
    df = results.regions_frame()[["name", "reps", "productivity_per_rep_usd", "baseline_productivity_per_rep_usd"]]
    return {"regions": _records(df)}


def _selling_time_structure() -> alt.LayerChart:
    return _dumbbell("baseline_share", "selling_time_share",
                     "Selling-time share by region (grey: without sales ops)",
                     "Share of rep time spent selling", ".1%", ".1%", "#2e7d32")


def _selling_time_data(results: Results) -> dict[str, list[dict]]:
    df = results.regions_frame()[["name", "reps", "selling_time_share"]].assign(
        baseline_share=results.baseline_selling_time_share)
    return {"regions": _records(df)}


def _cost_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="costs")).mark_bar().encode(
        y=alt.Y("role:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        x=alt.X("sum(cost_usd_per_year):Q", title="Cost per year (USD)", axis=alt.Axis(format="$,.2s")),
        color=alt.Color("where:N", title="Placement",
                        scale=alt.Scale(domain=["Central team (HQ)", "Embedded in regions"],
                                        range=[PLACEMENT_COLORS["central"], PLACEMENT_COLORS["embedded"]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("role:N", title="Role"), alt.Tooltip("where:N", title="Placement"),
                 alt.Tooltip("fte:Q", title="FTE", format=".1f"),
                 alt.Tooltip("cost_usd_per_year:Q", title="Cost per year", format=_USD)],
    ).properties(title="Sales-ops cost by role and placement", height=alt.Step(30))


def _cost_data(results: Results) -> dict[str, list[dict]]:
    names = {r.role_id: r.name for r in results.roles}
    rows: dict[tuple[str, str], dict] = {}
    for t in results.teams:
        where = "Central team (HQ)" if t.team == "central" else "Embedded in regions"
        row = rows.setdefault((t.role_id, where), {"role": names[t.role_id], "where": where,
                                                   "cost_usd_per_year": 0.0, "fte": 0.0})
        row["cost_usd_per_year"] += t.cost_usd_per_year
        row["fte"] += t.fte
    return {"costs": list(rows.values())}


def _projection_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="flows")).mark_line(strokeWidth=2.5).encode(
        x=alt.X("month:Q", title="Month", scale=alt.Scale(nice=False)),
        y=alt.Y("usd:Q", title="USD per month", axis=alt.Axis(format="$,.2s")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["Gross-margin uplift", "Sales-ops cost"],
                                        range=["#1f5f99", "#e07b39"])),
        tooltip=[alt.Tooltip("month:Q", title="Month"), alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("usd:Q", title="USD", format=_USD)],
    ).properties(title="3-year projection per month (ramp, attrition and the ops set-up ramp included)",
                 height=220)


def _projection_data(results: Results) -> dict[str, list[dict]]:
    flows = []
    for m in results.projection:
        flows.append({"month": m.month, "series": "Gross-margin uplift", "usd": m.gross_margin_uplift_usd})
        flows.append({"month": m.month, "series": "Sales-ops cost", "usd": m.sales_ops_cost_usd})
    return {"flows": flows}


def _cumulative_structure() -> alt.LayerChart:
    x = alt.X("month:Q", title="Month", scale=alt.Scale(nice=False))
    area = alt.Chart(alt.NamedData(name="months")).mark_area(
        opacity=0.35, color="#7cc48a", line={"color": "#2e7d32"}).encode(
        x=x, y=alt.Y("cumulative_net_usd:Q", title="Cumulative net return (USD)", axis=alt.Axis(format="$,.2s")),
        tooltip=[alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("cumulative_net_usd:Q", title="Cumulative net", format=_USD)],
    )
    zero = alt.Chart(alt.NamedData(name="zero")).mark_rule(color="#222222").encode(y="y:Q")
    rule = alt.Chart(alt.NamedData(name="payback")).mark_rule(color="#1f5f99", strokeDash=[4, 3]).encode(x=x)
    text = alt.Chart(alt.NamedData(name="payback")).mark_text(align="left", dx=4, color="#1f5f99").encode(
        x=x, y=alt.value(12), text="label:N")
    return alt.layer(area, zero, rule, text).properties(title="Cumulative net return", height=220)


def _cumulative_data(results: Results) -> dict[str, list[dict]]:
    months = [{"month": m.month, "cumulative_net_usd": m.cumulative_net_usd} for m in results.projection]
    horizon = results.projection[-1].month if results.projection else 0
    payback = []
    if results.payback_months is not None and results.payback_months <= horizon:
        payback = [{"month": results.payback_months, "label": f"payback {results.payback_months:.1f} months"}]
    return {"months": months, "zero": [{"y": 0.0}], "payback": payback}


def _whatif_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="whatifs")).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=260)),
        x=alt.X("delta_roi_pp:Q", title="Change in ROI (percentage points)"),
        color=alt.condition(alt.datum.delta_roi_pp >= 0, alt.value("#2e7d32"), alt.value("#c62828")),
        tooltip=[alt.Tooltip("role:N"), alt.Tooltip("current:N"), alt.Tooltip("alternative:N"),
                 alt.Tooltip("delta_roi_pp:Q", title="ROI change (pp)", format="+.1f"),
                 alt.Tooltip("delta_productivity_usd:Q", title="Productivity per rep change", format="+$,.0f"),
                 alt.Tooltip("delta_cost_usd:Q", title="Cost change", format="+$,.0f"),
                 alt.Tooltip("delta_fte:Q", title="FTE change", format="+.1f")],
    ).properties(title="What switching one role would do to ROI", height=alt.Step(24))


def _whatif_data(whatifs: pd.DataFrame) -> dict[str, list[dict]]:
    df = whatifs.assign(label=whatifs["role"] + " → " + whatifs["alternative"].str.capitalize())
    return {"whatifs": _records(df)}


_CHARTS = {
    "productivity": (_productivity_structure, _productivity_data),
    "selling_time": (_selling_time_structure, _selling_time_data),
    "cost_by_role": (_cost_structure, _cost_data),
    "projection": (_projection_structure, _projection_data),
    "cumulative": (_cumulative_structure, _cumulative_data),
    "whatif": (_whatif_structure, _whatif_data),
}


@lru_cache(maxsize=None)
def _structure_spec(name: str) -> dict:
    return _CHARTS[name][0]().to_dict()


def chart_spec(name: str, data_source) -> dict:
    """The Vega-Lite spec of a named chart for one Results (or, for ``"whatif"``, a table).

    The structure is built and validated once per process; each call only adds the
    data, which keeps a rerun cheap. Pass the dict to ``st.vega_lite_chart``.
    """
    spec = dict(_structure_spec(name))
    spec["datasets"] = _CHARTS[name][1](data_source)
    return spec


@lru_cache(maxsize=256)
def results_spec(name: str, results: Results) -> dict:
    """:func:`chart_spec` memoised on the (immutable) Results: a toggle back is free.

    Callers must not mutate the returned dict.
    """
    return chart_spec(name, results)


def _chart(name: str, data_source) -> alt.TopLevelMixin:
    spec = chart_spec(name, data_source)
    cls = alt.LayerChart if "layer" in spec else alt.Chart
    return cls.from_dict(spec)


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
    """Change in ROI (percentage points) if one role alone switched placement."""
    return _chart("whatif", whatifs)


KIND_LABELS = {"leader": "Leader", "manager": "Manager", "rep": "Reps", "sales_ops": "Sales ops", "other": "Other"}


def org_frames(graph: nx.DiGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (with a left-to-right layout: x = layer, y = row) and edges as DataFrames."""
    layout = tree_layout(graph)
    rows = []
    for n, d in graph.nodes(data=True):
        order, depth = layout[n]
        label = d.get("name", n)
        title = d.get("title", "")
        if d.get("role_id"):
            label = f"{label} · {d.get('fte', 0.0):.1f} FTE"
        elif d.get("count", 1) == 1 and title and title not in label and d.get("kind") in ("leader", "manager"):
            label = f"{label} · {title}"  # imported people: who they are and what they do
        rows.append({"id": n, "x": depth, "y": order, "name": d.get("name", n), "label": label,
                     "title": d.get("title", ""), "kind": KIND_LABELS.get(d.get("kind", "other"), "Other"),
                     "region": d.get("region", ""), "count": d.get("count", 1), "fte": d.get("fte", 1.0),
                     "cost_usd_per_year": d.get("cost_usd_per_year", 0.0)})
    nodes = pd.DataFrame(rows)
    edges = pd.DataFrame([
        {"x": layout[u][1], "y": layout[u][0], "x2": layout[v][1], "y2": layout[v][0]} for u, v in graph.edges
    ], columns=["x", "y", "x2", "y2"])
    return nodes, edges


ROW_PX = 30


def org_chart(graph: nx.DiGraph, selected: str | None = None) -> alt.LayerChart:
    """The org chart as a clickable left-to-right tree.

    A point selection named ``node`` on the ``id`` field returns the clicked
    node. Collapsed teams are drawn larger, sized by how many people they stand for.
    """
    nodes, edges = org_frames(graph)
    rows = int(nodes["y"].max()) + 1 if len(nodes) else 1
    layers = int(nodes["x"].max()) + 1 if len(nodes) else 1
    select = alt.selection_point(name="node", fields=["id"], on="click", clear="dblclick")
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.1, layers - 0.1]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-0.6, rows - 0.4], reverse=True))
    links = alt.Chart(edges).mark_rule(color="#b0b7c3").encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    points = alt.Chart(nodes).mark_circle(stroke="#111111", opacity=1).encode(
        x=x, y=y,
        size=alt.Size("count:Q", scale=alt.Scale(type="sqrt", range=[70, 380]), legend=None),
        color=alt.Color("kind:N", title="Position", scale=alt.Scale(
            domain=[KIND_LABELS[k] for k in KIND_COLORS], range=list(KIND_COLORS.values())),
            legend=alt.Legend(orient="top")),
        strokeWidth=alt.condition(alt.datum.id == (selected or ""), alt.value(3), alt.value(0)),
        tooltip=[alt.Tooltip("name:N", title="Name"), alt.Tooltip("title:N", title="Title"),
                 alt.Tooltip("region:N", title="Region"), alt.Tooltip("count:Q", title="People"),
                 alt.Tooltip("fte:Q", title="FTE", format=".1f")],
    ).add_params(select)
    # Labels sit just above their node, so the reporting lines never run through them.
    labels = alt.Chart(nodes).mark_text(align="left", baseline="bottom", dx=8, dy=-5, fontSize=11,
                                        limit=320).encode(
        x=x, y=y, text="label:N")
    return (links + points + labels).properties(width="container", height=max(160, ROW_PX * rows))



# --------------------------------------------------------------------------
# Org analytics and peer comparison charts (data: an OrgAnalytics, or the
# DataFrame of salesops.insights.peers.compare). Same pattern: a structure on named
# datasets, built once, plus a data function.
# --------------------------------------------------------------------------
from salesops.insights.analytics import OrgAnalytics, health_rules  # noqa: E402

__all__ += [
    "RELATION_COLORS",
    "STATUS_COLORS",
    "cost_by_region_chart",
    "ops_by_category_chart",
    "peer_comparison_chart",
    "spans_chart",
]

RELATION_COLORS = {"leads": "#1f5f99", "supports": "#7cc48a"}
STATUS_COLORS = {"within": "#2e7d32", "below": "#e07b39", "above": "#8e44ad", "n/a": "#9e9e9e"}
# The dot's colour is the health verdict shared with Org analytics, not the place among published figures
# (25.8% attrition is among them, and a warning).
VERDICT_COLORS = {"healthy": "#2e7d32", "warning": "#c62828", "no health rule": "#5b7083"}
_VERDICT = {"ok": "healthy", "warning": "warning", "n/a": "no health rule"}
_SPAN_LEVELS = {"front": "Front-line (reps report)", "upper": "Manages managers", "empty": "No direct reports"}
_BAND_COLOR = "#9aa3ad"


def _spans_structure() -> alt.LayerChart:
    levels = list(_SPAN_LEVELS.values())
    bars = alt.Chart(alt.NamedData(name="spans")).mark_bar().encode(
        x=alt.X("x_start:Q", bin="binned", title="Direct reports per manager",
                scale=alt.Scale(zero=True, nice=False), axis=alt.Axis(tickMinStep=1, format="d")),
        x2="x_end:Q",
        y=alt.Y("managers:Q", title="Managers", stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("level:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=levels, range=["#5b8def", "#3b3b58", "#c62828"])),
        tooltip=[alt.Tooltip("direct_reports:Q", title="Direct reports"), alt.Tooltip("level:N", title="Managers"),
                 alt.Tooltip("managers:Q", title="How many")],
    )
    rules = alt.Chart(alt.NamedData(name="span_rules")).mark_rule(color="#c62828", strokeDash=[4, 3]).encode(
        x="x:Q", tooltip=[alt.Tooltip("label:N", title="Rule"), alt.Tooltip("source:N", title="Source")])
    labels = alt.Chart(alt.NamedData(name="span_rules")).mark_text(
        align="left", baseline="top", dx=4, color="#c62828").encode(x="x:Q", y=alt.value(4), text="label:N")
    return alt.layer(bars, rules, labels).properties(
        title="Direct reports per manager (lines: Alexander Group's span rules)", height=220)


def _spans_data(analytics: OrgAnalytics) -> dict[str, list[dict]]:
    spans = analytics.spans
    level = spans["reps"].gt(0).map({True: _SPAN_LEVELS["front"], False: _SPAN_LEVELS["upper"]})
    level = level.where(spans["direct_reports"].gt(0), _SPAN_LEVELS["empty"])
    counts = (spans.assign(level=level).groupby(["direct_reports", "level"], as_index=False)
              .size().rename(columns={"size": "managers"}))
    half = 0.5  # each bar spans its whole number of people, as a histogram bin
    counts = counts.assign(x_start=counts["direct_reports"] - half, x_end=counts["direct_reports"] + half)
    rules = health_rules()
    low, high = rules["span_below"], rules["span_above"]
    lines = [{"x": low["min_reps"], "label": f"{low['min_reps']}: fewer is costly", "source": low["source"]},
             {"x": high["max_reps"], "label": f"{high['max_reps']}: keep at or below", "source": high["source"]}]
    return {"spans": _records(counts), "span_rules": lines}


def _ops_by_category_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="ops_categories")).mark_bar().encode(
        y=alt.Y("category:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
        x=alt.X("sum(fte):Q", title="Sales-ops FTE"),
        color=alt.Color("relation:N", title="Sales ops", legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(RELATION_COLORS), range=list(RELATION_COLORS.values()))),
        tooltip=[alt.Tooltip("category:N", title="Category"), alt.Tooltip("relation:N", title="Sales ops"),
                 alt.Tooltip("fte:Q", title="FTE", format=".1f"),
                 alt.Tooltip("cost_usd_per_year:Q", title="Cost per year", format=_USD)],
    ).properties(title="Sales-ops FTE by category (leads or supports the function)", height=alt.Step(28))


def _ops_by_category_data(analytics: OrgAnalytics) -> dict[str, list[dict]]:
    return {"ops_categories": _records(analytics.ops_fte_by_category)}


def _cost_by_region_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="region_costs")).mark_bar().encode(
        y=alt.Y("region_name:N", title=None, sort=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("sum(cost_usd_per_year):Q", title="Cost per year (USD)", axis=alt.Axis(format="$,.2s")),
        color=alt.Color("function:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                        scale=alt.Scale(scheme="tableau20"), legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("region_name:N", title="Region"), alt.Tooltip("function:N", title="Function"),
                 alt.Tooltip("cost_usd_per_year:Q", title="Cost per year", format=_USD)],
    ).properties(title="Cost by region and function (sales-ops teams where they sit)", height=alt.Step(34))


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
    ends = alt.Chart().transform_fold(["low", "high"], as_=["end", "value"]).mark_tick(
        color=_BAND_COLOR, thickness=2, size=18).encode(x="value:Q")
    peer = alt.Chart().mark_tick(color="#222222", thickness=3, size=22).encode(
        x="peer_value:Q", tooltip=[alt.Tooltip("peer_text:N", title="Peer profile"),
                                   alt.Tooltip("peer_firmness:N", title="Firmness"),
                                   alt.Tooltip("peer_note:N", title="Note")])
    this = alt.Chart().mark_point(filled=True, size=150, opacity=1).encode(
        x="this_org:Q",
        color=alt.Color("verdict:N", title="Health check (the rules of Org analytics)",
                        legend=alt.Legend(orient="bottom", labelLimit=0),
                        scale=alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))),
        tooltip=[alt.Tooltip("metric:N", title="Metric"), alt.Tooltip("this_text:N", title="This org"),
                 alt.Tooltip("band_text:N", title="Published"), alt.Tooltip("status:N", title="Among published"),
                 alt.Tooltip("verdict:N", title="Health check"),
                 alt.Tooltip("source:N", title="Sources"), alt.Tooltip("firmness:N", title="Firmness")])
    layered = alt.layer(band, ends, peer, this, data=alt.NamedData(name="comparison")).properties(
        width=360, height=30)
    return layered.facet(
        row=alt.Row("row_label:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                    header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=260)),
        spacing=6,
    ).resolve_scale(x="independent").properties(
        title="This org (dot) against the published figures (grey band) and the peer profile (black tick)")


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
        rows.append({
            "order": i, "metric": r.metric, "row_label": f"{r.metric} ({unit_label})",
            "this_org": this, "low": low, "high": high, "peer_value": peer, "status": r.status,
            "verdict": _VERDICT.get(getattr(r, "health", "n/a"), "no health rule"),
            "this_text": "n/a" if this is None else fmt.format(this),
            "band_text": fmt.format(low) if low == high else f"{fmt.format(low)} to {fmt.format(high)}",
            "peer_text": "n/a" if peer is None else fmt.format(peer),
            "source": r.source, "firmness": r.firmness, "peer_firmness": r.peer_firmness, "peer_note": r.peer_note,
        })
    return {"comparison": rows}


_CHARTS.update({
    "spans": (_spans_structure, _spans_data),
    "ops_by_category": (_ops_by_category_structure, _ops_by_category_data),
    "cost_by_region": (_cost_by_region_structure, _cost_by_region_data),
    "peer_comparison": (_peer_comparison_structure, _peer_comparison_data),
})


def _top_level(spec: dict) -> alt.TopLevelMixin:
    """The altair object of a top-level spec of any of the shapes used here (validates it)."""
    for key, cls in (("facet", alt.FacetChart), ("layer", alt.LayerChart), ("vconcat", alt.VConcatChart),
                     ("hconcat", alt.HConcatChart)):
        if key in spec:
            return cls.from_dict(spec)
    return alt.Chart.from_dict(spec)


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


# --------------------------------------------------------------------------
# Comparison charts: data is a sequence of (label, Results), one per scenario.
# --------------------------------------------------------------------------
def _compare_cumulative_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="months")).mark_line(strokeWidth=2.5).encode(
        x=alt.X("month:Q", title="Month", scale=alt.Scale(nice=False)),
        y=alt.Y("cumulative_net_usd:Q", title="Cumulative net return (USD)", axis=alt.Axis(format="$,.2s")),
        color=alt.Color("scenario:N", title="Scenario", legend=alt.Legend(orient="bottom", columns=2,
                                                                          labelLimit=320)),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("cumulative_net_usd:Q", title="Cumulative net", format=_USD)],
    ).properties(title="Cumulative net return over three years", height=260)


def _compare_cumulative_data(items) -> dict[str, list[dict]]:
    return {"months": [{"scenario": label, "month": m.month, "cumulative_net_usd": m.cumulative_net_usd}
                       for label, res in items for m in res.projection]}


def _compare_productivity_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="regions")).mark_point(filled=True, size=120).encode(
        y=alt.Y("region:N", title=None, sort=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("productivity_per_rep_usd:Q", title="Revenue per rep per year (USD)",
                scale=alt.Scale(zero=False, padding=12), axis=alt.Axis(format="$,.3s")),
        color=alt.Color("scenario:N", title="Scenario", legend=alt.Legend(orient="bottom", columns=2,
                                                                          labelLimit=320)),
        shape=alt.Shape("scenario:N", legend=None),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("region:N", title="Region"),
                 alt.Tooltip("productivity_per_rep_usd:Q", title="Productivity per rep", format=_USD)],
    ).properties(title="Productivity per rep by region", height=alt.Step(30))


def _compare_productivity_data(items) -> dict[str, list[dict]]:
    return {"regions": [{"scenario": label, "region": r.name, "productivity_per_rep_usd": r.productivity_per_rep_usd}
                        for label, res in items for r in res.regions]}


def _compare_cost_structure() -> alt.Chart:
    return alt.Chart(alt.NamedData(name="roles")).mark_bar().encode(
        y=alt.Y("scenario:N", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("sum(cost_usd_per_year):Q", title="Sales-ops cost per year (USD)", axis=alt.Axis(format="$,.2s")),
        color=alt.Color("role:N", title="Role", legend=alt.Legend(orient="bottom", columns=3, labelLimit=260)),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("role:N", title="Role"),
                 alt.Tooltip("placement:N", title="Placement"), alt.Tooltip("fte:Q", title="FTE", format=".1f"),
                 alt.Tooltip("cost_usd_per_year:Q", title="Cost", format=_USD)],
    ).properties(title="Sales-ops cost by role", height=alt.Step(34))


def _compare_cost_data(items) -> dict[str, list[dict]]:
    return {"roles": [{"scenario": label, "role": r.name, "placement": r.placement, "fte": r.fte,
                       "cost_usd_per_year": r.cost_usd_per_year} for label, res in items for r in res.roles]}


_CHARTS.update({
    "compare_cumulative": (_compare_cumulative_structure, _compare_cumulative_data),
    "compare_productivity": (_compare_productivity_structure, _compare_productivity_data),
    "compare_cost": (_compare_cost_structure, _compare_cost_data),
})


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
KPI_TRACK_COLORS = {"Projected": "#1f5f99", "Actual": "#e07b39", "Target": "#6b6b6b"}


def _kpi_track_structure(axis_title: str, axis_format: str, tooltip_format: str) -> alt.LayerChart:
    x = alt.X("month:Q", title="Month of the projection", scale=alt.Scale(nice=False))
    y = alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=False, padding=10),
              axis=alt.Axis(format=axis_format))
    series = list(KPI_TRACK_COLORS)
    lines = alt.Chart(alt.NamedData(name="track")).mark_line(strokeWidth=2.5).encode(
        x=x, y=y,
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=series, range=list(KPI_TRACK_COLORS.values()))),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=series, range=[[1, 0], [1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("series:N", title="Series"), alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("value:Q", title="Value", format=tooltip_format)],
    )
    points = alt.Chart(alt.NamedData(name="actual")).mark_point(
        filled=True, size=80, color=KPI_TRACK_COLORS["Actual"]).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("value:Q", title="Actual", format=tooltip_format)],
    )
    return alt.layer(lines, points).properties(height=280)


def _kpi_track_data(source) -> dict[str, list[dict]]:
    """``source``: a mapping with ``projected`` (month, value), ``actual`` (period, month, value), ``target``."""
    projected, actual, target = source["projected"], source["actual"], source.get("target")
    track = [{"series": "Projected", "month": int(m), "value": float(v)}
             for m, v in zip(projected["month"], projected["value"])]
    points = [{"series": "Actual", "period": str(p), "month": int(m), "value": float(v)}
              for p, m, v in zip(actual["period"], actual["month"], actual["value"])]
    track += [{k: r[k] for k in ("series", "month", "value")} for r in points]
    months = [r["month"] for r in track]
    if target is not None and pd.notna(target) and months:
        track += [{"series": "Target", "month": min(1, min(months)), "value": float(target)},
                  {"series": "Target", "month": max(months), "value": float(target)}]
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
    from salesops.model.plan_items import KPIS  # noqa: PLC0415 (kept with the code appended here)

    name = _KPI_TRACK_FORMATS[KPIS[kpi][1]][0]
    return chart_spec(name, {"projected": projected, "actual": actual, "target": target})


def kpi_track_chart(kpi: str, projected: pd.DataFrame, actual: pd.DataFrame, target: float | None) -> alt.LayerChart:
    """:func:`kpi_track_spec` as an altair chart (validated)."""
    return _top_level(kpi_track_spec(kpi, projected, actual, target))


__all__ += ["KPI_TRACK_COLORS", "kpi_track_chart", "kpi_track_spec"]


# --------------------------------------------------------------------------
# ROI levers: each initiative's 3-year cost against its 3-year return.
# --------------------------------------------------------------------------
def _portfolio_structure() -> alt.LayerChart:
    base = alt.Chart(alt.NamedData(name="initiatives"))
    x = alt.X("cost_3yr_usd:Q", title="3-year cost (USD)", axis=alt.Axis(format="$,.2s"),
              scale=alt.Scale(zero=True, nice=True))
    y = alt.Y("return_3yr_usd:Q", title="3-year return: gross-margin uplift net of team cost (USD)",
              axis=alt.Axis(format="$,.2s"), scale=alt.Scale(zero=True, nice=True))
    breakeven = alt.Chart(alt.NamedData(name="breakeven")).mark_line(color="#9aa3ad", strokeDash=[4, 3]).encode(
        x="cost:Q", y="ret:Q")
    points = base.mark_circle(opacity=0.85, stroke="#1c2430", strokeWidth=1).encode(
        x=x, y=y,
        size=alt.Size("roi_3yr:Q", title="3-year ROI", scale=alt.Scale(range=[120, 1400]), legend=None),
        color=alt.Color("included:N", title=None, scale=alt.Scale(domain=["included", "not included"],
                                                                  range=["#1f5f99", "#9aa3ad"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("name:N", title="Initiative"), alt.Tooltip("cost_3yr_usd:Q", title="3-year cost", format=_USD),
                 alt.Tooltip("return_3yr_usd:Q", title="3-year return", format=_USD),
                 alt.Tooltip("roi_3yr:Q", title="3-year ROI", format=".0%"),
                 alt.Tooltip("payback:N", title="Payback after start")],
    )
    labels = base.mark_text(align="left", dx=12, fontSize=11).encode(x=x, y=y, text="name:N")
    return alt.layer(breakeven, points, labels).properties(height=320)


def _portfolio_data(ranked) -> dict[str, list[dict]]:
    rows = []
    for r in ranked.itertuples():
        rows.append({"name": r.name, "cost_3yr_usd": float(r.cost_3yr_usd), "return_3yr_usd": float(r.return_3yr_usd),
                     "roi_3yr": float(r.roi_3yr), "included": "included" if r.active else "not included",
                     "payback": "never" if r.payback_months is None or pd.isna(r.payback_months)
                     else f"{r.payback_months:.1f} months"})
    top = max([r["cost_3yr_usd"] for r in rows] + [1.0])
    return {"initiatives": rows, "breakeven": [{"cost": 0.0, "ret": 0.0}, {"cost": top, "ret": top}]}


_CHARTS.update({"portfolio": (_portfolio_structure, _portfolio_data)})


# --------------------------------------------------------------------------
# Uncertainty (salesops.model.uncertainty): Monte Carlo histogram, fan chart, tornado.
# Data: a Simulation ("mc_histogram", "fan") or the sensitivity DataFrame ("tornado").
# --------------------------------------------------------------------------
_PCT_COLORS = {"P10": "#c62828", "P50": "#1f5f99", "P90": "#2e7d32"}


def _mc_histogram_structure() -> alt.LayerChart:
    bars = alt.Chart(alt.NamedData(name="draws")).mark_bar(color="#7fa7cf").encode(
        x=alt.X("roi:Q", bin=alt.Bin(maxbins=50), title="ROI", axis=alt.Axis(format=".0%")),
        y=alt.Y("count():Q", title="Draws"),
        tooltip=[alt.Tooltip("roi:Q", bin=alt.Bin(maxbins=50), title="ROI", format=".0%"),
                 alt.Tooltip("count():Q", title="Draws")],
    )
    rules = alt.Chart(alt.NamedData(name="percentiles")).mark_rule(strokeWidth=2, strokeDash=[5, 3]).encode(
        x="value:Q",
        color=alt.Color("label:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(_PCT_COLORS), range=list(_PCT_COLORS.values()))),
        tooltip=[alt.Tooltip("label:N", title="Percentile"), alt.Tooltip("value:Q", title="ROI", format=".1%")],
    )
    return alt.layer(bars, rules).properties(title="ROI across the Monte Carlo draws", height=260)


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
    outer = alt.Chart(alt.NamedData(name="fan")).mark_area(opacity=0.25, color="#1f5f99").encode(
        x=x, y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(format="$,.2s")), y2="p90:Q",
        tooltip=[alt.Tooltip("month:Q", title="Month"), alt.Tooltip("p10:Q", title="P10", format=_USD),
                 alt.Tooltip("p50:Q", title="P50", format=_USD), alt.Tooltip("p90:Q", title="P90", format=_USD)])
    inner = alt.Chart(alt.NamedData(name="fan")).mark_area(opacity=0.35, color="#1f5f99").encode(
        x=x, y="p25:Q", y2="p75:Q")
    lines = alt.Chart(alt.NamedData(name="lines")).mark_line(strokeWidth=2.5).encode(
        x=x, y="value:Q",
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["P50", "Deterministic"], range=["#1f5f99", "#e07b39"])),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=["P50", "Deterministic"], range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("month:Q", title="Month"),
                 alt.Tooltip("value:Q", title="Cumulative net", format=_USD)])
    zero = alt.Chart(alt.NamedData(name="zero")).mark_rule(color="#222222").encode(y="y:Q")
    return alt.layer(outer, inner, lines, zero).properties(
        title="3-year cumulative net return: P10-P90 and P25-P75 bands", height=280)


def _fan_data(simulation) -> dict[str, list[dict]]:
    fan = simulation.fan()
    lines = ([{"series": "P50", "month": int(m), "value": float(v)} for m, v in zip(fan["month"], fan["p50"])]
             + [{"series": "Deterministic", "month": int(m), "value": float(v)}
                for m, v in zip(fan["month"], fan["deterministic"])])
    return {"fan": _records(fan), "lines": lines, "zero": [{"y": 0.0}]}


def _tornado_structure() -> alt.LayerChart:
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField(field="swing", order="descending"),
              axis=alt.Axis(labelLimit=280))
    tooltip = [alt.Tooltip("label:N", title="Parameter"), alt.Tooltip("range:N", title="Low / likely / high"),
               alt.Tooltip("roi_low:Q", title="ROI at low", format=".1%"),
               alt.Tooltip("roi_high:Q", title="ROI at high", format=".1%"),
               alt.Tooltip("swing:Q", title="Swing (ROI)", format=".1%")]
    bars = alt.Chart(alt.NamedData(name="tornado")).mark_bar(height=alt.RelativeBandSize(0.7)).encode(
        y=y, x=alt.X("roi_min:Q", title="ROI", axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False)),
        x2="roi_max:Q",
        color=alt.Color("direction:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["High value raises ROI", "High value lowers ROI"],
                                        range=["#2e7d32", "#c62828"])),
        tooltip=tooltip)
    base = alt.Chart(alt.NamedData(name="base")).mark_rule(color="#222222", strokeWidth=2).encode(
        x="roi:Q", tooltip=[alt.Tooltip("roi:Q", title="ROI at likely values", format=".1%")])
    return alt.layer(bars, base).properties(title="What moves ROI most (one parameter at a time)",
                                            height=alt.Step(24))


def _tornado_data(table: pd.DataFrame) -> dict[str, list[dict]]:
    rows = []
    for r in table.itertuples(index=False):
        rows.append({"parameter": r.parameter, "label": r.label, "swing": float(r.swing),
                     "roi_low": float(r.roi_low), "roi_high": float(r.roi_high),
                     "roi_min": float(min(r.roi_low, r.roi_high)), "roi_max": float(max(r.roi_low, r.roi_high)),
                     "range": f"{r.low:.4g} / {r.likely:.4g} / {r.high:.4g}",
                     "direction": "High value raises ROI" if r.roi_high >= r.roi_low else "High value lowers ROI"})
    base = table.attrs.get("base_roi")
    return {"tornado": rows, "base": [] if base is None else [{"roi": float(base)}]}


_CHARTS.update({
    "mc_histogram": (_mc_histogram_structure, _mc_histogram_data),
    "fan": (_fan_structure, _fan_data),
    "tornado": (_tornado_structure, _tornado_data),
})
