"""The org chart: a clickable left-to-right tree of the org graph, and its node and edge tables."""

from __future__ import annotations

import altair as alt
import networkx as nx
import pandas as pd

from salesops.charts.common import KIND_COLORS
from salesops.model.org import tree_layout

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
        rows.append(
            {
                "id": n,
                "x": depth,
                "y": order,
                "name": d.get("name", n),
                "label": label,
                "title": d.get("title", ""),
                "kind": KIND_LABELS.get(d.get("kind", "other"), "Other"),
                "region": d.get("region", ""),
                "count": d.get("count", 1),
                "fte": d.get("fte", 1.0),
                "cost_usd_per_year": d.get("cost_usd_per_year", 0.0),
            }
        )
    nodes = pd.DataFrame(rows)
    edges = pd.DataFrame(
        [{"x": layout[u][1], "y": layout[u][0], "x2": layout[v][1], "y2": layout[v][0]} for u, v in graph.edges],
        columns=["x", "y", "x2", "y2"],
    )
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
    points = (
        alt.Chart(nodes)
        .mark_circle(stroke="#111111", opacity=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("count:Q", scale=alt.Scale(type="sqrt", range=[70, 380]), legend=None),
            color=alt.Color(
                "kind:N",
                title="Position",
                scale=alt.Scale(domain=[KIND_LABELS[k] for k in KIND_COLORS], range=list(KIND_COLORS.values())),
                legend=alt.Legend(orient="top"),
            ),
            strokeWidth=alt.condition(alt.datum.id == (selected or ""), alt.value(3), alt.value(0)),
            tooltip=[
                alt.Tooltip("name:N", title="Name"),
                alt.Tooltip("title:N", title="Title"),
                alt.Tooltip("region:N", title="Region"),
                alt.Tooltip("count:Q", title="People"),
                alt.Tooltip("fte:Q", title="FTE", format=".1f"),
            ],
        )
        .add_params(select)
    )
    # Labels sit just above their node, so the reporting lines never run through them.
    labels = (
        alt.Chart(nodes)
        .mark_text(align="left", baseline="bottom", dx=8, dy=-5, fontSize=11, limit=320)
        .encode(x=x, y=y, text="label:N")
    )
    return (links + points + labels).properties(width="container", height=max(160, ROW_PX * rows))
