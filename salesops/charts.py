"""Altair chart builders: Results (or an org graph) in, ``alt.Chart`` out.

Like altair's own API these functions draw nothing; the page decides where to
show the chart. Tests inspect ``chart.to_dict()``.
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import networkx as nx
import pandas as pd

from salesops.model import Results
from salesops.org import tree_layout

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
        if d.get("role_id"):
            label = f"{label} · {d.get('fte', 0.0):.1f} FTE"
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

