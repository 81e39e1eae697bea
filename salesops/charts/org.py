"""The org chart: a clickable left-to-right tree of the org graph, and its node and edge tables.

Each node is a box around its label (the name, then the title or the team's FTE),
placed by :func:`salesops.model.layout.label_tree_layouts`, so labels never overlap and
never run off the chart.

Python cannot know how wide the page will draw the chart, so the chart carries one
layout for each of :data:`CHART_WIDTHS` (labels wrapped tighter for a narrower chart)
and the browser shows the widest that fits its width. Every horizontal position is a
column's left edge plus a pixel offset: on a chart wider than its layout the columns
spread apart and the boxes keep their size; only a chart narrower than the narrowest
layout shrinks, evenly, text included. Positions are pixels (no scale), and the chart
grows downwards to its layout's height.
"""

from __future__ import annotations

import functools
import json

import altair as alt
import networkx as nx
import pandas as pd

from salesops.charts.common import KIND_COLORS
from salesops.model.layout import (
    COLUMN_GAP,
    FONT_SIZE,
    LINE_HEIGHT,
    NODE_GAP,
    PAD_X,
    PAD_Y,
    TreeLayout,
    label_tree_layouts,
)

KIND_LABELS = {"leader": "Leader", "manager": "Manager", "rep": "Reps", "sales_ops": "Sales ops", "other": "Other"}
TEXT_COLOR = "#1c2430"
LINE_COLOR = "#7d8799"
ROW_PX = int(LINE_HEIGHT + 2 * PAD_Y + NODE_GAP)  # what a one-line box takes down its column, gap included
# Layouts for charts this wide (px): the chart's column at 1024x768, at 1280x720 and on wider screens.
CHART_WIDTHS = (400.0, 590.0, 820.0)


def _without_repeated_place(name: str, parent_name: str) -> str:
    """``name`` less a closing "(place)" that the parent's name begins with: the box hangs off that place's.

    Examples
    --------
    >>> _without_repeated_place("Manager 1 (US East (HQ))", "US East (HQ) sales")
    'Manager 1'
    >>> _without_repeated_place("Deal desk (central)", "Head of Sales Operations")
    'Deal desk (central)'
    """
    if not name.endswith(")") or not parent_name:
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):  # the "(" that matches the closing ")"
        depth += {")": 1, "(": -1}.get(name[i], 0)
        if depth == 0:
            place, rest = name[i + 1 : -1].strip(), name[:i].rstrip()
            return rest if place and rest and parent_name.startswith(place) else name
    return name


def node_label(node: str, data: dict, parent_name: str = "") -> list[str]:
    """The paragraphs of a node's label: its name, then its team's FTE or (one person) its title.

    A place in brackets at the end of the name is left out when the parent's name
    (``parent_name``) begins with it: the box hangs off that place's box.

    Examples
    --------
    >>> team = {"name": "Deal desk (EMEA)", "title": "Deal desk", "role_id": "deal_desk", "fte": 2.04}
    >>> node_label("ops:deal_desk:emea", team, "EMEA sales")
    ['Deal desk', '2.0\\xa0FTE']
    >>> node_label("ops:deal_desk:emea", team, "Ada Lovelace")
    ['Deal desk (EMEA)', '2.0\\xa0FTE']
    >>> node_label("rl:emea", {"name": "EMEA sales", "title": "Regional VP", "kind": "leader", "count": 1})
    ['EMEA sales', 'Regional VP']
    >>> node_label("reps:emea", {"name": "220 reps", "title": "Account executives", "kind": "rep", "count": 220})
    ['220 reps']
    """
    name = _without_repeated_place(str(data.get("name") or node), parent_name)
    if data.get("role_id"):
        return [name, f"{data.get('fte', 0.0):.1f}\u00a0FTE"]  # a no-break space: figure and unit stay together
    title = str(data.get("title") or "")
    if (
        data.get("count", 1) == 1
        and data.get("kind") in ("leader", "manager")
        and title
        and title.lower() not in name.lower()
    ):
        return [name, title]  # one person: who they are, then what they do
    return [name]


def graph_labels(graph: nx.DiGraph) -> dict:
    """:func:`node_label` of every node of ``graph``."""
    parent = {v: u for u, v in graph.edges}
    return {
        n: node_label(n, d, str(graph.nodes[parent[n]].get("name", "")) if n in parent else "")
        for n, d in graph.nodes(data=True)
    }


def org_layouts(graph: nx.DiGraph, widths: tuple[float, ...] = CHART_WIDTHS) -> list[TreeLayout]:
    """The chart's layouts of ``graph``, narrowest first, one per distinct wrap of the labels.

    A layout fits its target width where the tree allows (a deep one may be wider);
    two targets that wrap the labels alike give one layout.
    """
    if graph.number_of_nodes() == 0:
        raise ValueError("the org is empty: no positions to draw")
    root = next(n for n, d in graph.in_degree() if d == 0)
    children = {n: list(graph.successors(n)) for n in graph.nodes}
    out: list[TreeLayout] = []
    for lay in label_tree_layouts(children, root, graph_labels(graph), sorted(widths)):
        if not out or lay.width > out[-1].width + 0.5:
            out.append(lay)
    return out


def org_layout(graph: nx.DiGraph) -> TreeLayout:
    """The layout the chart shows on a 1280x720 screen (the second of :data:`CHART_WIDTHS`)."""
    return org_layouts(graph, (CHART_WIDTHS[1],))[0]


def org_frames(graph: nx.DiGraph, layouts: list[TreeLayout] | None = None) -> pd.DataFrame:
    """One row per node and layout, in pixels, with the reporting lines that meet the node's box.

    ``v`` is the layout's index and ``W`` its width. The box: ``xa`` (left edge of the
    node's column), ``w`` (width), ``y``/``y2`` (top and bottom), ``cy`` (middle), ``ty``
    (top of the text) and ``label`` (lines joined by new lines); ``group`` marks a
    collapsed group (one box for several managers or reps). The lines, as elbows in the
    gaps between columns: the line into the box runs from ``pa + po`` (the parent's
    column plus the offset of its vertical line) to ``xa``; a manager's line runs out of
    its box to ``xa + bo`` and down that vertical from ``lo`` to ``hi`` (empty for a leaf).
    """
    layouts = layouts or org_layouts(graph)
    info = {}
    for n, d in graph.nodes(data=True):
        info[n] = {
            "id": n,
            "name": d.get("name", n),
            "title": d.get("title", ""),
            "kind": KIND_LABELS.get(d.get("kind", "other"), "Other"),
            "region": d.get("region", ""),
            "count": d.get("count", 1),
            "group": d.get("count", 1) > 1 and d.get("kind") != "sales_ops",
            "fte": d.get("fte", 1.0),
            "cost_usd_per_year": d.get("cost_usd_per_year", 0.0),
        }
    rows = []
    for v, layout in enumerate(layouts):
        bus = [width + COLUMN_GAP / 2.0 for _, width in layout.columns]  # the vertical lines' offsets
        middle = {n: b.y + b.height / 2.0 for n, b in layout.boxes.items()}
        kids: dict = {}
        for kid, parent in layout.parents.items():
            kids.setdefault(parent, []).append(middle[kid])
        for n, row in info.items():
            box = layout.boxes[n]
            parent = layout.parents.get(n)
            ys = kids.get(n)
            rows.append(
                {
                    **row,
                    "v": v,
                    "W": layout.width,
                    "xa": box.x,
                    "w": box.width,
                    "y": box.y,
                    "y2": box.y + box.height,
                    "cy": middle[n],
                    "ty": box.y + PAD_Y,
                    "label": "\n".join(box.lines),
                    "pa": None if parent is None else layout.columns[box.depth - 1][0],
                    "po": None if parent is None else bus[box.depth - 1],
                    "bo": None if ys is None else bus[box.depth],
                    "lo": None if ys is None else min(ys + [middle[n]]),
                    "hi": None if ys is None else max(ys + [middle[n]]),
                }
            )
    return pd.DataFrame(rows)


def pick_expr(layouts: list[TreeLayout]) -> str:
    """Vega expression: the index of the widest layout no wider than the chart (else the narrowest).

    Examples
    --------
    >>> from types import SimpleNamespace as L
    >>> pick_expr([L(width=380.0), L(width=575.5)])
    '(width >= 575.5 ? 1 : 0)'
    """
    expr = "0"
    for v, layout in enumerate(layouts[1:], start=1):
        expr = f"width >= {layout.width!r} ? {v} : {expr}"
    return f"({expr})"


# The chart's values that change with the org, as Vega parameters: the spec around them is built
# (and checked by Altair) once per process, and each run only fills in the values and the data.
_NO_LAYOUT = 1e12  # the width of a layout the org does not have: never fits


def _values(layouts: list[TreeLayout], selected: str | None) -> dict[str, object]:
    """The chart's parameters: the selected node, and the width of each layout (narrowest first)."""
    widths = [lay.width for lay in layouts] + [_NO_LAYOUT] * (len(CHART_WIDTHS) - len(layouts))
    return {"sel": selected or "", **{f"w{i}": w for i, w in enumerate(widths)}}


def _records(nodes: pd.DataFrame) -> list[dict]:
    """The node table as JSON rows (missing values as null)."""
    return nodes.astype(object).where(nodes.notna(), None).to_dict("records")


def _chart(values: dict[str, object], height: float) -> alt.LayerChart:
    """The chart around a table named ``nodes`` (see :func:`org_frames`), with ``values`` as its parameters."""
    params = [alt.param(name=name, value=value) for name, value in values.items()]
    widths = [f"w{i}" for i in range(len(CHART_WIDTHS))]
    pick = "0"  # the widest layout no wider than the chart, else the narrowest
    for v, name in enumerate(widths[1:], start=1):
        pick = f"width >= {name} ? {v} : {pick}"
    shown = f"datum.v == ({pick})"
    # s: the chart's width over its layout's; columns move by s, offsets within a column by at most 1.
    s = "(width / datum.W)"
    k = f"min(1, {s})"
    zoom = f"min(1, width / {widths[0]})"  # below 1 only on a chart narrower than every layout
    is_selected = "datum.id === sel"
    kinds = alt.Scale(domain=[KIND_LABELS[kind] for kind in KIND_COLORS], range=list(KIND_COLORS.values()))
    x_of = {  # each x as the browser computes it: a column's left edge times s, plus an offset times k
        "lx": f"datum.pa * {s} + datum.po * {k}",
        "bx": f"datum.xa * {s}",
        "bx2": f"datum.xa * {s} + datum.w * {k}",
        "ox": f"datum.xa * {s} + datum.bo * {k}",
        "tx": f"datum.xa * {s} + {PAD_X} * {k}",
    }
    base = alt.Chart(alt.NamedData(name="nodes")).transform_filter(shown).transform_calculate(**x_of)

    def line(x: str, x2: str | None, y: str, y2: str | None, keep: str) -> alt.Chart:
        enc = {"x": alt.X(f"{x}:Q", scale=None), "y": alt.Y(f"{y}:Q", scale=None)}
        enc |= {"x2": alt.X2(f"{x2}:Q")} if x2 else {}
        enc |= {"y2": alt.Y2(f"{y2}:Q")} if y2 else {}
        return base.transform_filter(keep).mark_rule(color=LINE_COLOR, strokeWidth=1.5).encode(**enc)

    links = (
        line("lx", "bx", "cy", None, "isValid(datum.pa)")  # into each box from its manager's vertical
        + line("bx2", "ox", "cy", None, "isValid(datum.bo)")  # out of each manager's box
        + line("ox", None, "lo", "hi", "isValid(datum.bo) && datum.hi > datum.lo")  # down to the reports
    )
    select = alt.selection_point(name="node", fields=["id"], on="click", clear="dblclick")
    boxes = (
        base.mark_rect(
            cornerRadius=4, fillOpacity=0.22, cursor="pointer", strokeDash=alt.ExprRef("datum.group ? [5, 3] : [1, 0]")
        )
        .encode(
            x=alt.X("bx:Q", scale=None),
            x2="bx2:Q",
            y=alt.Y("y:Q", scale=None),
            y2="y2:Q",
            color=alt.Color(
                "kind:N",
                scale=kinds,
                legend=alt.Legend(
                    orient="top",
                    title=None,
                    labelFontSize=FONT_SIZE,
                    labelColor=TEXT_COLOR,
                    symbolType="square",
                    symbolOpacity=1,
                    labelLimit=0,
                ),
            ),
            stroke=alt.condition(is_selected, alt.value("#111111"), alt.Stroke("kind:N", scale=kinds, legend=None)),
            strokeWidth=alt.condition(is_selected, alt.value(3), alt.value(1.5)),
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
    labels = base.mark_text(
        align="left",
        baseline="top",
        lineBreak="\n",
        color=TEXT_COLOR,
        cursor="pointer",
        fontSize=alt.ExprRef(f"{FONT_SIZE} * {zoom}"),
        lineHeight=alt.ExprRef(f"{LINE_HEIGHT} * {zoom}"),
    ).encode(x=alt.X("tx:Q", scale=None), y=alt.Y("ty:Q", scale=None), text="label:N")
    return (
        (links + boxes + labels)
        .add_params(*params)
        .properties(width="container", height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def org_chart(graph: nx.DiGraph, selected: str | None = None) -> alt.LayerChart:
    """The org chart as a clickable left-to-right tree of labelled boxes.

    A point selection named ``node`` on the ``id`` field returns the clicked node (a
    click on a box or on its words); the selected node (parameter ``sel``) is outlined.
    Collapsed groups (a box that stands for several people) have a dashed outline. The
    chart's width follows its container; its height is the shown layout's.
    """
    layouts = org_layouts(graph)
    nodes = org_frames(graph, layouts)
    # The height is the shortest layout's; a taller one grows the chart downwards (fit-x pads the height).
    height = round(min(lay.height for lay in layouts), 1)
    return _chart(_values(layouts, selected), height).properties(datasets={"nodes": _records(nodes)})


@functools.lru_cache(maxsize=1)
def _template() -> str:
    """The chart's spec without its data, checked by Altair once (as JSON, copied for each use)."""
    return json.dumps(_chart(_values([], None), 0.0).to_dict())


def org_chart_spec(graph: nx.DiGraph, selected: str | None = None) -> tuple[dict, pd.DataFrame]:
    """:func:`org_chart` as a Vega-Lite spec and its node table, built without Altair on each call.

    For ``st.vega_lite_chart(spec, ...)`` with the table as the dataset ``nodes``. The same
    spec as :func:`org_chart` gives (a test holds them equal); about 40 times faster, since
    Altair builds and checks the spec once per process.
    """
    layouts = org_layouts(graph)
    nodes = org_frames(graph, layouts)
    spec = json.loads(_template())
    values = _values(layouts, selected)
    for param in spec["params"]:
        if param["name"] in values:
            param["value"] = values[param["name"]]
    spec["height"] = round(min(lay.height for lay in layouts), 1)
    return spec, nodes
