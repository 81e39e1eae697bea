"""What the charts share: the theme, the colours, the registry of named charts and the spec builders.

Altair chart builders: Results (or an org graph) in, ``alt.Chart`` out.

Like altair's own API these functions draw nothing; the page decides where to
show the chart. Tests inspect ``chart.to_dict()``.

Each chart of the registry is a structure on named datasets (built and validated once
per process) plus a data function; :func:`chart_spec` joins the two. Every structure goes
through :func:`themed` once: text of at least 14 px in the app's dark ink, titles and long
axis labels broken into lines instead of cut short, colours a colour-blind viewer can tell
apart, and Vega's SVG renderer (crisp on a projector, and its text can be read back).
"""

from __future__ import annotations

import copy
import textwrap
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Callable, Hashable

import altair as alt
import pandas as pd
import pyarrow as pa

from salesops.model import Results

# --------------------------------------------------------------------------
# Colours. Pairs that appear together are told apart with any of the three kinds of colour
# blindness (tests/test_charts.py simulates them); the named colours have at least 3:1 contrast
# on white (WCAG 1.4.11), GREY just so, as the muted "before" and "not included".
# --------------------------------------------------------------------------
INK = "#1c2430"  # the app's text colour (.streamlit/config.toml): chart text in the same ink
BLUE = "#1f5f99"  # the app's primary colour
VERMILLION = "#d55e00"  # Okabe-Ito
GREEN = "#009e73"  # Okabe-Ito bluish green
PURPLE = "#a34a89"
SLATE = "#5b6b7b"
GREY = "#8a939d"  # "before" and "not included": muted on purpose

# Okabe & Ito's colour-blind-safe set, strongest first: the colours of any chart whose
# series have no colours of their own (Compare's scenarios, the roles).
CATEGORY_COLORS = [BLUE, VERMILLION, GREEN, "#cc79a7", "#e69f00", "#56b4e9", "#000000", SLATE, "#8c5a3c"]

PLACEMENT_COLORS = {"central": BLUE, "embedded": VERMILLION}
KIND_COLORS = {
    "leader": "#3b3b58",
    "manager": "#5b8def",
    "rep": GREEN,
    "sales_ops": VERMILLION,
    "other": "#b9bec4",  # light: "other" people recede, and stay apart from the reps' green
}
_USD = "$,.0f"

# --------------------------------------------------------------------------
# The theme: sizes in px. A title line holds about TITLE_CHARS characters and an axis label
# line about LABEL_CHARS, so that both fit a chart in half of a 1024-px-wide page (~270 px).
# --------------------------------------------------------------------------
FONT_PX = 14
TITLE_PX = 16
TITLE_CHARS = 30
SUBTITLE_CHARS = 36
LABEL_CHARS = 22
LABEL_LINES = 3
LINE_PX = 15

THEME_CONFIG: dict = {
    "axis": {
        "labelFontSize": FONT_PX,
        "titleFontSize": FONT_PX,
        "labelColor": INK,
        "titleColor": INK,
        "titleFontWeight": "normal",
        "labelLineHeight": LINE_PX,
        "tickColor": SLATE,
        "domainColor": SLATE,
    },
    # The first and last labels of a continuous x axis stay inside the chart; a y axis's top label
    # stays centred on its tick (pushed down flush, it would crowd the next one).
    "axisX": {"labelFlush": True},
    "axisY": {"labelFlush": False},
    # Every category keeps its label: the steps leave room for three lines, so none is dropped
    # as overlapping (Streamlit's own theme asks Vega to drop overlapping labels on every axis).
    "axisDiscrete": {"labelOverlap": False},
    "legend": {
        "labelFontSize": FONT_PX,
        "titleFontSize": FONT_PX,
        "labelColor": INK,
        "titleColor": INK,
        "labelLimit": 420,
        "titleLimit": 420,
        "symbolSize": 140,
    },
    "header": {"labelFontSize": FONT_PX, "titleFontSize": FONT_PX, "labelColor": INK, "titleColor": INK},
    "title": {
        "fontSize": TITLE_PX,
        "color": INK,
        "subtitleFontSize": FONT_PX,
        "subtitleColor": INK,
        "anchor": "start",
        "offset": 12,
        "subtitlePadding": 4,
    },
    "text": {"fontSize": FONT_PX, "color": INK},
    "range": {"category": CATEGORY_COLORS},
}
# Room on every side, so that a rotated axis title or an end label is never cut by the edge.
PADDING = {"left": 6, "right": 14, "top": 4, "bottom": 20}
# The chart fills the page's width and its height is the plot's, with the title, subtitle and
# legend added above or below it, so that a wrapped title never squashes the plot. A chart that a
# page draws at a fixed height (st.vega_lite_chart's height, a box the chart may not outgrow)
# asks for FIT_WHOLE instead: all of it, title and legend included, within that height.
AUTOSIZE = {"type": "fit-x", "contains": "padding"}
FIT_WHOLE = alt.AutoSizeParams(type="fit", contains="padding")


def wrap_lines(text: str, chars: int) -> list[str]:
    """``text`` broken at spaces into lines of at most ``chars`` characters (a longer word stays whole).

    >>> wrap_lines("Productivity per rep by region", 20)
    ['Productivity per rep', 'by region']
    >>> wrap_lines("", 10)
    ['']
    """
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [text]


def title(text: str, subtitle: str | None = None, *, wide: bool = False) -> alt.TitleParams:
    """A chart title (and subtitle) broken into lines that fit a half-page chart, never cut short.

    ``wide``: the chart spans the page (at least ~560 px at 1024), so its lines may be twice as long.
    """
    scale = 2 if wide else 1
    lines = wrap_lines(text, TITLE_CHARS * scale)
    if subtitle is None:
        return alt.TitleParams(text=lines, limit=0)
    return alt.TitleParams(text=lines, subtitle=wrap_lines(subtitle, SUBTITLE_CHARS * scale), limit=0)


def _line_break(value: str, chars: int, lines: int) -> str:
    """A Vega expression: ``value`` with a newline at its last space within ``chars`` characters, ``lines`` deep.

    Vega's expressions have no loop, so each further line nests the same step once more.

    >>> _line_break("datum.label", 10, 1)
    'datum.label'
    """
    if lines <= 1:
        return value
    cut = f"lastindexof(substring({value}, 0, {chars + 1}), ' ')"
    rest = _line_break(f"substring({value}, {cut} + 1)", chars, lines - 1)
    return f"((length({value}) <= {chars} || {cut} <= 0) ? {value} : substring({value}, 0, {cut}) + '\\n' + {rest})"


def wrapped_label(chars: int = LABEL_CHARS, lines: int = LABEL_LINES) -> str:
    """An axis ``labelExpr`` that breaks a long category label into up to ``lines`` lines of ~``chars`` characters.

    Every category y axis gets the default (:func:`themed`); a wide chart may ask for longer lines.
    """
    return f"split({_line_break('datum.label', chars, lines)}, '\\n')"


def beside_point(field: str, gap: int = 4) -> dict:
    """Text mark settings that put a label right of its point, or left of it in the right half of the chart.

    A label near the right edge then reads leftwards instead of running off the chart.
    Use as ``mark_text(**beside_point("month"))`` in a chart whose x scale is named ``x``.
    """
    right_half = f"scale('x', datum['{field}']) > width / 2"
    return {
        "align": alt.ExprRef(f"{right_half} ? 'right' : 'left'"),
        "dx": alt.ExprRef(f"{right_half} ? {-gap} : {gap}"),
    }


def _theme_encodings(node) -> None:
    """Break the labels of every category y axis and facet row header found in ``node`` (in place)."""
    if isinstance(node, list):
        for item in node:
            _theme_encodings(item)
        return
    if not isinstance(node, dict):
        return
    for holder in (node.get("encoding"), node.get("facet")):
        if not isinstance(holder, dict):
            continue
        for channel in ("y", "row"):
            enc = holder.get(channel)
            if not isinstance(enc, dict) or enc.get("type") not in ("nominal", "ordinal"):
                continue
            part = "header" if channel == "row" else "axis"
            if part in enc and enc[part] is None:
                continue
            props = enc.setdefault(part, {})
            props.setdefault("labelExpr", wrapped_label())
            props["labelLimit"] = max(props.get("labelLimit", 0), LABEL_CHARS * 9)
    for key in ("layer", "spec", "hconcat", "vconcat", "concat"):
        _theme_encodings(node.get(key))


def themed(spec: dict) -> dict:
    """A Vega-Lite spec with the app's chart theme (a new dict; ``spec`` is left as it was).

    The theme: 14 px text in the app's ink for axes, legends, headers and text marks, a
    16 px title, the colour-blind-safe :data:`CATEGORY_COLORS`, long category labels broken
    into lines, titles never cut short, padding so nothing touches the edge, and the SVG
    renderer; the chart fills the width, and a height is the plot's (:data:`AUTOSIZE`).
    Settings a chart makes itself win over the theme's.

    >>> spec = themed({"mark": "bar", "title": "Cost", "config": {"axis": {"labelFontSize": 20}}})
    >>> spec["config"]["axis"]["labelFontSize"], spec["config"]["legend"]["labelFontSize"]
    (20, 14)
    >>> spec["title"], spec["usermeta"]["embedOptions"]["renderer"]
    ({'text': ['Cost'], 'limit': 0}, 'svg')
    """
    out = copy.deepcopy(spec)
    config = copy.deepcopy(THEME_CONFIG)
    for key, value in out.get("config", {}).items():
        config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
    out["config"] = config
    if isinstance(out.get("title"), str):
        out["title"] = {"text": wrap_lines(out["title"], TITLE_CHARS), "limit": 0}
    out.setdefault("padding", dict(PADDING))
    if "facet" not in out:  # a facet chart keeps Streamlit's natural size
        out.setdefault("autosize", dict(AUTOSIZE))
    out.setdefault("usermeta", {})["embedOptions"] = {"renderer": "svg"}
    _theme_encodings(out)
    _untitled_legend_inline(out)
    return out


def _untitled_legend_inline(spec: dict) -> None:
    """A colour legend without a title gets its (empty) title beside its entries, not above them.

    Streamlit gives an untitled colour legend of a single view a title of one space, which would
    otherwise take a row of its own between the chart's title and the legend (in place).
    """
    color = (spec.get("encoding") or {}).get("color")
    if not isinstance(color, dict) or color.get("legend", {}) is None:
        return
    if color.get("title", "") is None or (color.get("legend") or {}).get("title", "") is None:
        color["legend"] = {**(color.get("legend") or {}), "titleOrient": "left"}


def _records(df: pd.DataFrame) -> list[dict]:
    return df.to_dict(orient="records")


# Chart name -> (structure builder, data function); each subject module adds its own charts.
_CHARTS: dict[str, tuple[Callable[[], alt.TopLevelMixin], Callable]] = {}


@lru_cache(maxsize=None)
def _structure_spec(name: str) -> dict:
    return themed(_CHARTS[name][0]().to_dict())


def _mute_empty(spec: dict, datasets: dict[str, list]) -> dict:
    """``spec`` with ``aria: false`` on each mark drawn from an empty dataset (copies only what changes).

    An empty mark would still be announced as an unlabelled graphic (axe-core's svg-img-alt);
    with nothing in it, there is nothing to announce.
    """
    empty = {name for name, rows in datasets.items() if not rows}
    if not empty:
        return spec

    def mute(view: dict, inherited: str | None) -> dict:
        source = (view.get("data") or {}).get("name", inherited)
        if "layer" in view:
            return {**view, "layer": [mute(layer, source) for layer in view["layer"]]}
        if "mark" in view and source in empty:
            mark = view["mark"] if isinstance(view["mark"], dict) else {"type": view["mark"]}
            return {**view, "mark": {**mark, "aria": False}}
        return view

    return mute(spec, None)


def chart_spec(name: str, data_source) -> dict:
    """The Vega-Lite spec of a named chart for one Results (or, for ``"whatif"``, a table).

    The structure is built, themed and validated once per process; each call only adds
    the data, which keeps a rerun cheap. Pass the dict to ``st.vega_lite_chart``.
    """
    datasets = _CHARTS[name][1](data_source)
    spec = _mute_empty(_structure_spec(name), datasets)
    return {**spec, "datasets": datasets}


@lru_cache(maxsize=256)
def results_spec(name: str, results: Results) -> dict:
    """:func:`chart_spec` memoised on the (immutable) Results: a toggle back is free.

    Callers must not mutate the returned dict.
    """
    return chart_spec(name, results)


_ARROW_SPECS: OrderedDict[tuple[str, Hashable], dict] = OrderedDict()
_ARROW_LOCK = threading.Lock()
_ARROW_ENTRIES = 512  # a few hundred designs of six charts: a workshop's worth of toggling


def _arrow_bytes(rows: list[dict]) -> bytes:
    """A dataset as Arrow IPC stream bytes, the form Streamlit sends a chart's data in.

    Built with pyarrow from the rows (about 15 times faster than going through a pandas frame,
    as Streamlit does for a list of rows); the browser reads the same columns and values.
    """
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def arrow_spec(name: str, key: Hashable, data_source) -> dict:
    """:func:`chart_spec` of ``data_source`` with each dataset as Arrow bytes, memoised on ``(name, key)``.

    For ``st.vega_lite_chart``: Streamlit converts a spec's datasets to Arrow on every run unless
    they already are bytes; a page that draws the same chart again (a toggle back, a page visited
    again) pays for the conversion once. ``key`` must identify the data (the immutable Results, or
    the Scenario the what-ifs were computed from). Callers must not mutate the returned dict.
    """
    with _ARROW_LOCK:
        hit = _ARROW_SPECS.get((name, key))
        if hit is not None:
            _ARROW_SPECS.move_to_end((name, key))
            return hit
    spec = chart_spec(name, data_source)
    spec = {**spec, "datasets": {k: _arrow_bytes(rows) for k, rows in spec["datasets"].items()}}
    with _ARROW_LOCK:
        _ARROW_SPECS[(name, key)] = spec
        while len(_ARROW_SPECS) > _ARROW_ENTRIES:
            _ARROW_SPECS.popitem(last=False)
    return spec


def page_spec(name: str, results: Results) -> dict:
    """:func:`arrow_spec` of a Results chart: what a page passes to ``st.vega_lite_chart``."""
    return arrow_spec(name, results, results)


def _chart(name: str, data_source) -> alt.TopLevelMixin:
    spec = chart_spec(name, data_source)
    cls = alt.LayerChart if "layer" in spec else alt.Chart
    return cls.from_dict(spec)


def _top_level(spec: dict) -> alt.TopLevelMixin:
    """The altair object of a top-level spec of any of the shapes used here (validates it)."""
    for key, cls in (
        ("facet", alt.FacetChart),
        ("layer", alt.LayerChart),
        ("vconcat", alt.VConcatChart),
        ("hconcat", alt.HConcatChart),
    ):
        if key in spec:
            return cls.from_dict(spec)
    return alt.Chart.from_dict(spec)
