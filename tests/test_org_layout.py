"""The org chart's layout: labels that never overlap, never run off the chart, and lay out fast.

Checked on every sample (collapsed and with every region expanded), on a 1,500-person
imported org, and on random trees. Overlaps are found by comparing every pair of boxes
(numpy), not by trusting the layout's own structure.
"""

from __future__ import annotations

import re
import time
import unicodedata
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesops import charts
from salesops.charts.org import CHART_WIDTHS, graph_labels, org_chart, org_chart_spec, org_frames, org_layouts
from salesops.model.layout import (
    FONT_SIZE,
    LINE_HEIGHT,
    MAX_WRAP,
    MIN_WRAP,
    NODE_GAP,
    TARGET_WIDTH,
    label_tree_layout,
    label_tree_layouts,
    text_width,
    tidy_tree,
    wrap_text,
)
from salesops.model import evaluate
from salesops.model.org import build_org
from salesops.model.samples import load_sample
from salesops.readwrite.hris import example_csv
from tests.orgfiles import import_csv


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------
def _overlapping_pairs(rects: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Index pairs of rectangles (left, top, right, bottom) whose interiors intersect."""
    a = np.asarray(rects, dtype=float).reshape(-1, 4)
    x0, y0, x1, y1 = (a[:, i] for i in range(4))
    hit = (x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None]) & (y0[:, None] < y1[None, :])
    hit &= y0[None, :] < y1[:, None]
    i, j = np.nonzero(np.triu(hit, k=1))
    return list(zip(i.tolist(), j.tolist()))


def _segments_through(segments, rects) -> list[tuple[int, int]]:
    """(segment, rectangle) pairs where an axis-aligned segment enters a rectangle's interior."""
    s = np.asarray(segments, dtype=float).reshape(-1, 4)
    r = np.asarray(rects, dtype=float).reshape(-1, 4)
    sx0, sx1 = np.minimum(s[:, 0], s[:, 2]), np.maximum(s[:, 0], s[:, 2])
    sy0, sy1 = np.minimum(s[:, 1], s[:, 3]), np.maximum(s[:, 1], s[:, 3])
    hit = (sx0[:, None] < r[None, :, 2]) & (sx1[:, None] > r[None, :, 0])
    hit &= (sy0[:, None] < r[None, :, 3]) & (sy1[:, None] > r[None, :, 1])
    i, j = np.nonzero(hit)
    return list(zip(i.tolist(), j.tolist()))


BREAKS = re.compile(r"[ \t\n\r\f\v]+")  # where a label may wrap (a no-break space holds)


def check_layout(children: dict, root, labels: dict, layout) -> None:
    """Every promise of the layout, checked from its output alone."""
    boxes = layout.boxes
    assert set(boxes) == set(labels) | {root}
    nodes = list(boxes)
    text = [boxes[n].text_box for n in nodes]
    outer = [(b.x, b.y, b.x + b.width, b.y + b.height) for b in (boxes[n] for n in nodes)]
    # No two labels (nor two boxes) intersect.
    assert not _overlapping_pairs(text), [(nodes[i], nodes[j]) for i, j in _overlapping_pairs(text)[:5]]
    assert not _overlapping_pairs(outer)
    for n, (tx0, ty0, tx1, ty1), (x0, y0, x1, y1) in zip(nodes, text, outer):
        # Every label inside its box, every box inside the chart.
        assert x0 <= tx0 and tx1 <= x1 and y0 <= ty0 and ty1 <= y1, n
        assert 0 <= x0 and x1 <= layout.width and 0 <= y0 and y1 <= layout.height, n
        # The label says all the words of the node's text, each line no wider than its estimate.
        words = [w for para in labels.get(n) or [""] for w in BREAKS.split(para)]
        assert "".join(boxes[n].lines).replace(" ", "") == "".join(words), n
        assert all(text_width(line) <= boxes[n].text_width + 1e-9 for line in boxes[n].lines)
    # Layers are columns, left to right; a parent is centred on its first and last child.
    for parent, kids in children.items():
        if not kids:
            continue
        p = boxes[parent]
        assert all(boxes[k].x > p.x + p.width for k in kids)
        centres = [boxes[k].y + boxes[k].height / 2 for k in kids]
        assert centres == sorted(centres)  # in the order given
        assert p.y + p.height / 2 == pytest.approx((centres[0] + centres[-1]) / 2)
    # Reporting lines run in the gaps: through no label.
    segs = [(c.x, c.y, c.x2, c.y2) for c in layout.connectors()]
    crossing = _segments_through(segs, text)
    assert not crossing, [(segs[i], nodes[j]) for i, j in crossing[:5]]


def _graph_parts(graph):
    root = next(n for n, d in graph.in_degree() if d == 0)
    children = {n: list(graph.successors(n)) for n in graph.nodes}
    return children, root, graph_labels(graph)


def _vega(expr: str, datum: dict, width: float):
    """Evaluate one of the chart's Vega expressions (arithmetic, ``min``, ``isValid``, ``&&``, ``>``) for a row."""
    assert re.fullmatch(r"[\sA-Za-z0-9_.+*/()\-,&>]+", expr), expr
    py = expr.replace("&&", " and ").replace("isValid(", "valid(")
    scope = {"datum": SimpleNamespace(**datum), "width": width, "min": min, "valid": lambda v: v is not None and v == v}
    return eval(py, {"__builtins__": {}}, scope)


def _shown(filter_expr: str, width: float) -> int:
    """The layout index the chart's filter ``datum.v == (width >= a ? i : width >= b ? j : 0)`` keeps."""
    for threshold, v in re.findall(r"width >= ([0-9.]+) \? (\d+)", filter_expr):
        if width >= float(threshold):
            return int(v)
    assert filter_expr.endswith(": 0)") or filter_expr.endswith("(0)"), filter_expr
    return 0


def _inline(expr: str, params: dict) -> str:
    """``expr`` with each of the chart's parameters (``w0``, ``w1``...) replaced by its value."""
    return re.sub(r"\b(w\d)\b", lambda m: repr(float(params[m.group(1)])), expr)


def _drawn(layer: dict, rows: list[dict], width: float, params: dict, channels=("x", "x2", "y", "y2")):
    """What one layer of the chart draws at ``width``: each kept row's x, x2, y and y2 in pixels."""
    transforms = [
        {k: _inline(v, params) if k in ("filter", "calculate") else v for k, v in t.items()} for t in layer["transform"]
    ]
    (shown,) = [t["filter"] for t in transforms[:1]]
    calc = {t["as"]: t["calculate"] for t in transforms if "calculate" in t}
    keep = [t["filter"] for t in transforms[1:] if "filter" in t]
    out = []
    for row in rows:
        if row["v"] != _shown(shown, width) or not all(_vega(f, row, width) for f in keep):
            continue
        values = {}
        for ch in channels:
            field = layer["encoding"].get(ch, {}).get("field")
            if field is not None:
                values[ch] = _vega(calc[field], row, width) if field in calc else row[field]
        out.append((row, values))
    return out


def check_chart(graph, widths=(415, 607, 727, 1087)) -> None:
    """The chart as the browser draws it at several widths: every label inside the chart, none overlapping.

    Positions are computed from the chart's own data and expressions, at each width
    of the layouts and at the widths of the chart's column at 1024, 1280, 1440 and 1920 px;
    the reporting lines are checked to pass through no label.
    """
    layouts = org_layouts(graph)
    parts = _graph_parts(graph)
    for layout in layouts:
        check_layout(*parts, layout)
    assert [lay.width for lay in layouts] == sorted(lay.width for lay in layouts)
    spec = org_chart(graph).to_dict()
    assert spec["height"] == pytest.approx(min(lay.height for lay in layouts), abs=0.1)
    for each in spec["layer"]:
        assert each["encoding"]["x"]["scale"] is None and each["encoding"]["y"]["scale"] is None  # pixels
    rect = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    (table,) = {layer.get("data", spec.get("data", {})).get("name") for layer in spec["layer"]}  # one for all
    rows = spec["datasets"][table]
    params = {p["name"]: p["value"] for p in spec["params"] if "value" in p}
    for width in sorted({*widths, *(lay.width for lay in layouts), 1.5 * layouts[-1].width}):
        fitting = [i for i, lay in enumerate(layouts) if lay.width <= width]
        v = fitting[-1] if fitting else 0  # the widest layout that fits
        zoom = min(1.0, width / layouts[0].width)
        assert _vega(_inline(text["mark"]["fontSize"]["expr"], params), {}, width) == pytest.approx(FONT_SIZE * zoom)
        boxes, texts = [], []
        drawn_text = {row["id"]: at for row, at in _drawn(text, rows, width, params)}
        for row, at in _drawn(rect, rows, width, params):
            assert row["v"] == v, width
            x0, x1 = at["x"], at["x2"]
            boxes.append((x0, at["y"], x1, at["y2"]))
            lines = row["label"].split("\n")
            tx, ty = drawn_text[row["id"]]["x"], drawn_text[row["id"]]["y"]
            text_w = max(text_width(line) for line in lines) * zoom
            texts.append((tx, ty, tx + text_w, ty + len(lines) * LINE_HEIGHT * zoom))
            assert 0 <= x0 <= tx and tx + text_w <= x1 <= width, (row["id"], width)
            assert 0 <= at["y"] <= ty and texts[-1][3] <= at["y2"] <= layouts[v].height, (row["id"], width)
        assert len(boxes) == graph.number_of_nodes() == len(drawn_text)
        assert not _overlapping_pairs(boxes) and not _overlapping_pairs(texts), width
        segments = []
        for layer in rules:
            for _, at in _drawn(layer, rows, width, params):
                seg = (at["x"], at["y"], at.get("x2", at["x"]), at.get("y2", at["y"]))
                assert all(0 <= x <= width for x in seg[::2]) and all(y >= 0 for y in seg[1::2]), (seg, width)
                segments.append(seg)
        assert len(segments) >= graph.number_of_nodes() - 1  # a line into every box but the top one
        crossing = _segments_through(segments, texts)
        assert not crossing, (width, [segments[i] for i, _ in crossing[:3]])


# --------------------------------------------------------------------------
# the samples and a 1,500-person import
# --------------------------------------------------------------------------
@pytest.mark.parametrize("expand", [[], None], ids=["collapsed", "every region expanded"])
@pytest.mark.parametrize("name", ["startup", "midmarket", "enterprise"])
def test_sample_org_charts_have_no_overlapping_or_cut_labels(name, expand):
    scenario = load_sample(name)
    fte_by_team = {(t.role_id, t.team): t.fte for t in evaluate(scenario).teams}  # as the page builds it
    graph = build_org(scenario, fte_by_team, expand_regions=expand)
    check_chart(graph)
    # At 14 px each sample fits the chart's column at 1024x768 (415 px) and, wrapped less, at 1280x720 (607 px).
    layouts = org_layouts(graph)
    assert layouts[0].width <= CHART_WIDTHS[0] and len(layouts) >= 2 and layouts[1].width <= TARGET_WIDTH


def test_a_team_expanded_to_its_reps_still_fits():
    scenario = load_sample("midmarket")
    managers = [n for n in build_org(scenario).nodes if n.startswith("m:")]
    check_chart(build_org(scenario, expand_teams=managers[:3]))


@pytest.fixture(scope="module")
def imported():
    return import_csv(example_csv(1500, seed=1))


@pytest.fixture(scope="module")
def imported_everything(imported):
    teams = list(build_org(imported, expand_regions=None).nodes)
    return build_org(imported, expand_regions=None, expand_teams=teams)


@pytest.mark.parametrize("expand", [[], None], ids=["collapsed", "every region expanded"])
def test_a_1500_person_import_has_no_overlapping_or_cut_labels(imported, expand):
    graph = build_org(imported, expand_regions=expand)
    assert sum(d["count"] for _, d in graph.nodes(data=True)) >= 1_490
    check_chart(graph)


def test_a_1500_person_import_drawn_person_by_person_has_no_overlapping_labels(imported_everything):
    graph = imported_everything
    assert graph.number_of_nodes() > 1_300  # every rep on a box of their own
    for layout in org_layouts(graph):
        check_layout(*_graph_parts(graph), layout)


def test_a_1500_person_org_drawn_person_by_person_makes_a_chart(imported_everything):
    spec = org_chart(imported_everything).to_dict()  # within altair's 5,000 rows a table: one row a node and layout
    (rows,) = spec["datasets"].values()
    assert {r["id"] for r in rows} == set(imported_everything.nodes)


def test_a_1500_person_org_lays_out_well_under_100_ms(imported_everything):
    children, root, labels = _graph_parts(imported_everything)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        label_tree_layouts(children, root, labels, CHART_WIDTHS)  # all the chart's layouts
        best = min(best, time.perf_counter() - start)
    assert best < 0.1, f"{best * 1000:.0f} ms"


def test_collapsed_groups_stay_collapsed_and_are_marked():
    scenario = load_sample("enterprise")
    nodes = org_frames(build_org(scenario, expand_regions=[]))
    groups = set(nodes.loc[nodes.group, "id"])
    assert groups == {n for n in nodes.id if n.split(":")[0] in ("mgrs", "reps")}
    assert not any(n.startswith("m:") for n in nodes.id)  # no manager drawn one by one
    assert all(nodes.loc[nodes.group, "count"] > 1)


def test_the_chart_keeps_boxes_clickable_with_details_in_the_tooltip():
    graph = build_org(load_sample("enterprise"), expand_regions=[])
    spec = org_chart(graph, selected="rl:emea").to_dict()
    (param,) = [p for p in spec.get("params", []) if p["name"] == "node"]
    assert param["select"]["fields"] == ["id"] and param["select"]["on"] == "click"
    clickable = [layer for layer in spec["layer"] if layer.get("name") in param["views"]]
    assert len(clickable) == 1 and clickable[0]["mark"]["type"] == "rect"
    enc = clickable[0]["encoding"]
    assert {t["field"] for t in enc["tooltip"]} >= {"name", "title", "count"}
    assert "sel" in enc["strokeWidth"]["condition"]["test"]  # the selected box is outlined
    assert {"name": "sel", "value": "rl:emea"} in spec["params"]
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert text["mark"]["lineBreak"] == "\n" and "limit" not in text["mark"]  # never cut with an ellipsis
    assert str(FONT_SIZE) in text["mark"]["fontSize"]["expr"]


@pytest.mark.parametrize("selected", [None, "rl:emea", 'it\'s \\ "quoted"'])
@pytest.mark.parametrize("name", ["startup", "midmarket", "enterprise"])
def test_the_page_spec_built_without_altair_is_the_altair_chart(name, selected):
    """The Org designer draws :func:`org_chart_spec` (a template filled in): it is the chart Altair builds."""
    for expand in ([], None):
        graph = build_org(load_sample(name), expand_regions=expand)
        spec, nodes = org_chart_spec(graph, selected)
        altair = org_chart(graph, selected).to_dict()
        assert {**spec, "datasets": altair["datasets"]} == altair
        rows = [
            {k: None if isinstance(v, float) and v != v else v for k, v in r.items()} for r in nodes.to_dict("records")
        ]
        assert altair["datasets"]["nodes"] == rows  # the same table, missing values as null


def test_the_chart_follows_its_container_and_keeps_its_height():
    spec = org_chart(build_org(load_sample("midmarket"))).to_dict()
    assert spec["width"] == "container"
    # fit-x: the width follows the container; the height grows to the layout shown, the legend drawn above it.
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert charts.ROW_PX >= LINE_HEIGHT + NODE_GAP


# --------------------------------------------------------------------------
# text widths and wrapping
# --------------------------------------------------------------------------
def test_text_width_grows_with_the_text_and_the_font():
    assert text_width("") == 0
    assert text_width("ab") > text_width("a") > 0
    assert text_width("abc", 28) > text_width("abc", 14)
    # In a proportional font "W" is wider than "i"; a wide (CJK) character takes a full em.
    assert text_width("W") > text_width("i")
    assert text_width("営業") >= 2 * FONT_SIZE
    assert text_width("Zoë") == text_width("Zoe")  # an accent adds no width
    assert text_width("a\u0301") == text_width("a")  # nor does a combining one


PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


@given(st.text(PRINTABLE, max_size=200), st.floats(MIN_WRAP, MAX_WRAP))
@settings(max_examples=200, deadline=None)
def test_wrapped_lines_fit_and_keep_every_word(text, width):
    lines = wrap_text(text, width)
    assert lines
    for line in lines:
        assert text_width(line) <= width + 1e-6
    # Nothing lost, nothing added: the same characters, less the breaking spaces.
    squeeze = "".join(text.split(" ")).translate({ord(c): None for c in "\t\n\r\f\v"})
    assert "".join(lines).replace(" ", "") == squeeze


def test_wrap_breaks_at_spaces_before_inside_words():
    assert wrap_text("Enablement and training", 110) == ["Enablement and", "training"]
    assert wrap_text("2.0\u00a0FTE · central", 60) == ["2.0\u00a0FTE ·", "central"]
    with pytest.raises(ValueError, match="max_width"):
        wrap_text("x", 0)


# --------------------------------------------------------------------------
# the tidy tree itself
# --------------------------------------------------------------------------
def test_tidy_tree_tucks_a_small_subtree_in_beside_a_deep_one():
    # r -> a (a -> a1 .. a4) and b, a leaf: b need clear only a, not a's four children.
    children = {"r": ["a", "b"], "a": ["a1", "a2", "a3", "a4"]}
    size = dict.fromkeys(["r", "a", "b", "a1", "a2", "a3", "a4"], 1.0)
    pos = tidy_tree(children, "r", size, gap=1.0)
    assert pos["b"] - pos["a"] == pytest.approx(2.0)
    assert [pos[f"a{i}"] for i in range(1, 5)] == pytest.approx([0, 2, 4, 6])
    assert pos["r"] == pytest.approx((pos["a"] + pos["b"]) / 2)


def test_tidy_tree_keeps_boxes_of_different_sizes_a_gap_apart():
    children = {"r": ["a", "b", "c"], "b": ["b1"]}
    size = {"r": 10.0, "a": 50.0, "b": 10.0, "c": 30.0, "b1": 80.0}
    pos = tidy_tree(children, "r", size, gap=4.0)
    assert pos["b"] - pos["a"] == pytest.approx(25 + 5 + 4)
    assert pos["c"] - pos["b"] == pytest.approx(5 + 15 + 4)
    assert pos["b1"] == pytest.approx(pos["b"])  # an only child sits level with its parent


def test_a_deep_chain_lays_out_without_recursion():
    n = 3_000
    children = {i: [i + 1] for i in range(n - 1)}
    lay = label_tree_layout(children, 0, {i: [f"Person {i}"] for i in range(n)})
    assert len(lay.boxes) == n
    assert len({b.y + b.height / 2 for b in lay.boxes.values()}) == 1  # a straight line


@st.composite
def trees(draw):
    """A random org: depth 1-6, 1-40 reports a manager, labels 1-60 characters (about 400 nodes at most)."""
    depth = draw(st.integers(1, 6))
    label = st.text(
        st.one_of(st.sampled_from(" " * 6 + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ().-/&·"), PRINTABLE),
        min_size=1,
        max_size=60,
    )
    children: dict[int, list[int]] = {0: []}
    frontier, budget = [0], 400
    for _ in range(depth):
        nxt = []
        for k, parent in enumerate(frontier):
            most = max(0, min(40, budget - len(children)))
            kids = draw(st.integers(1 if k == 0 else 0, max(1 if k == 0 else 0, most)))
            for _ in range(kids):
                node = len(children)
                children[node] = []
                children[parent].append(node)
                nxt.append(node)
        frontier = nxt
    labels = {n: draw(st.lists(label, min_size=1, max_size=2)) for n in children}
    return children, labels


@given(trees())
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_trees_never_overlap_or_run_off_the_chart(tree):
    children, labels = tree
    for layout in label_tree_layouts(children, 0, labels, CHART_WIDTHS):
        check_layout(children, 0, labels, layout)


def test_unicode_names_keep_their_letters():
    names = ["José Ñúñez", "Zoë Ångström", "営業 部長", "Łukasz Żółć"]
    children = {"cro": ["a", "b", "c", "d"]}
    labels = {"cro": ["Chief Revenue Officer"], **{k: [v] for k, v in zip("abcd", names)}}
    lay = label_tree_layout(children, "cro", labels)
    check_layout(children, "cro", labels, lay)
    assert [unicodedata.normalize("NFC", lay.boxes[k].lines[0]) for k in "abcd"] == names
