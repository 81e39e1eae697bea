"""Chart builders and what-ifs, tested by inspecting the returned Vega-Lite spec."""

from __future__ import annotations

import pytest

from salesops import charts
from salesops.model import evaluate
from salesops.model.org import build_org
from salesops.model.samples import load_sample
from salesops.model.whatif import placement_whatifs


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def _rows_with(spec: dict, field: str) -> list[dict]:
    return [row for data in _datasets(spec) for row in data if field in row]


@pytest.fixture(scope="module")
def results():
    return evaluate(load_sample("enterprise"))


BUILDERS = {
    "productivity": charts.productivity_chart,
    "selling_time": charts.selling_time_chart,
    "cost_by_role": charts.cost_by_role_chart,
    "projection": charts.projection_chart,
    "cumulative": charts.cumulative_chart,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_results_chart_is_a_valid_spec_with_this_results_data(name, results):
    spec = BUILDERS[name](results).to_dict()  # validates against the Vega-Lite schema
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert charts.results_spec(name, results) == spec
    other = evaluate(load_sample("startup"))
    assert charts.results_spec(name, other)["datasets"] != spec["datasets"]


def test_productivity_chart_plots_each_region_with_and_without_sales_ops(results):
    rows = _rows_with(charts.productivity_chart(results).to_dict(), "productivity_per_rep_usd")
    assert {r["name"]: r["productivity_per_rep_usd"] for r in rows} == {
        r.name: r.productivity_per_rep_usd for r in results.regions
    }
    assert all(r["baseline_productivity_per_rep_usd"] == results.baseline_productivity_per_rep_usd for r in rows)


def test_cost_chart_adds_up_to_the_sales_ops_cost(results):
    rows = _rows_with(charts.cost_by_role_chart(results).to_dict(), "cost_usd_per_year")
    assert sum(r["cost_usd_per_year"] for r in rows) == pytest.approx(results.sales_ops_cost_usd)
    assert {r["where"] for r in rows} == {"Central team (HQ)", "Embedded in regions"}


def test_cumulative_chart_marks_payback(results):
    spec = charts.cumulative_chart(results).to_dict()
    marks = _rows_with(spec, "label")
    assert marks and marks[0]["month"] == pytest.approx(results.payback_months)


def test_projection_chart_has_every_month_of_both_series(results):
    rows = _rows_with(charts.projection_chart(results).to_dict(), "series")
    assert len(rows) == 2 * len(results.projection)


def test_org_chart_is_clickable_on_node_id():
    scenario = load_sample("midmarket")
    graph = build_org(scenario)
    spec = charts.org_chart(graph, selected="cro").to_dict()
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert any(p["name"] == "node" and p["select"]["fields"] == ["id"] for p in params)
    ids = {r["id"] for r in _rows_with(spec, "id")}
    assert ids == set(graph.nodes)


def test_whatifs_match_evaluating_the_switched_scenario():
    scenario = load_sample("midmarket")
    base = evaluate(scenario)
    table = placement_whatifs(scenario)
    assert len(table) == 2 * len(scenario.roles)
    row = table[(table.role_id == "deal_desk") & (table.alternative == "localized")].iloc[0]
    switched = evaluate(scenario.with_placement("deal_desk", "localized"))
    assert row.delta_roi_pp == pytest.approx((switched.roi - base.roi) * 100)
    assert row.delta_cost_usd == pytest.approx(switched.sales_ops_cost_usd - base.sales_ops_cost_usd)
    assert row.delta_net_usd == pytest.approx(switched.net_value_usd - base.net_value_usd)
    spec = charts.whatif_chart(table).to_dict()
    assert len(_rows_with(spec, "delta_roi_pp")) == len(table)


def test_whatif_chart_shows_the_change_in_net_value_best_first_with_roi_in_the_tooltip():
    table = placement_whatifs(load_sample("enterprise"))
    spec = charts.chart_spec("whatif", table)
    enc = spec["encoding"]
    assert enc["x"]["field"] == "delta_net_usd" and "net value" in enc["x"]["title"]
    assert enc["y"]["sort"] == "-x"  # the largest gain at the top
    assert "delta_net_usd" in enc["color"]["condition"]["test"]  # green or red by the sign of the money
    tips = {t["field"]: t.get("title") for t in enc["tooltip"]}
    assert {"delta_net_usd", "delta_npv_usd", "delta_roi_pp", "delta_cost_usd"} <= set(tips)
    rows = _rows_with(spec, "delta_net_usd")
    assert [r["delta_net_usd"] for r in rows] == list(table["delta_net_usd"])
    assert [r["delta_net_usd"] for r in rows] == sorted((r["delta_net_usd"] for r in rows), reverse=True)
    assert rows[0]["delta_net_usd"] > 0 > rows[-1]["delta_net_usd"]


def test_peer_chart_colours_the_health_verdict_of_org_analytics():
    from salesops.insights.analytics import analyze
    from salesops.insights.peers import compare

    scenario = load_sample("midmarket")
    res = evaluate(scenario)
    spec = charts.chart_spec("peer_comparison", compare(scenario, res, analyze(scenario, res), "midmarket"))
    rows = {r["metric"]: r["verdict"] for r in next(iter(spec["datasets"].values()))}
    assert rows["Rep attrition per year"] == "warning"  # 25.8%: among published figures, and a warning
    assert rows["Reps per sales-ops FTE"] == "healthy"
    assert rows["Quota attainment"] == "no health rule"


@pytest.mark.parametrize("objective", ["net", "roi"])
def test_decision_chart_marks_the_assumptions_that_would_hand_the_win_to_the_runner_up(objective):
    from salesops.model.optimize import decision_tornado, optimize

    scenario = load_sample("enterprise")
    rec = optimize(scenario, objective)
    table = decision_tornado(scenario, rec)
    name = "decision_pp" if objective == "roi" else "decision_usd"
    spec = charts.chart_spec(name, (table, rec.margin))
    assert charts.common._top_level(spec).to_dict()["$schema"]  # a valid spec
    scale = 100.0 if objective == "roi" else 1.0
    rows = _rows_with(spec, "verdict")
    assert [r["label"] for r in rows] == list(table["label"])
    assert [r["margin_low"] for r in rows] == pytest.approx(list(table["margin_low"] * scale))
    flips = {r["label"] for r in rows if r["verdict"] == "the runner-up would win"}
    assert flips == set(table.loc[table["flips"], "label"]) and flips
    assert all(r["lo"] <= r["hi"] for r in rows)
    assert _rows_with(spec, "x") == [{"x": 0.0}, {"x": pytest.approx(rec.margin * scale)}]


# --------------------------------------------------------------------------
# The shared theme: readable on a projector, never cut short, colours a colour-blind
# viewer can tell apart. Every chart of the registry is checked, with the data of a sample.
# --------------------------------------------------------------------------
def _every_chart_spec() -> dict[str, dict]:
    """One spec per registered chart, each with the enterprise sample's data (the widest labels)."""
    from dataclasses import replace

    from salesops.charts.common import _CHARTS
    from salesops.insights.analytics import analyze
    from salesops.insights.objectives import actual_series, projected_series
    from salesops.insights.peers import compare
    from salesops.model import initiatives
    from salesops.model.optimize import decision_tornado, optimize
    from salesops.model.plan_items import KPIS
    from salesops.model.uncertainty import sensitivity, simulate

    scenario = load_sample("enterprise")
    res = evaluate(scenario)
    with_levers = replace(scenario, initiatives=tuple(replace(i, active=True) for i in initiatives.catalog(scenario)))
    rec = optimize(scenario)
    sim = simulate(load_sample("midmarket"), 2000, seed=0)
    mid = evaluate(load_sample("midmarket"))
    items = [("Working scenario: Global enterprise", res), ("Sample: Mid-market (120 reps, 3 regions)", mid)]
    sources = {
        "whatif": placement_whatifs(scenario),
        "compare_cumulative": items,
        "compare_productivity": items,
        "compare_cost": items,
        "portfolio": initiatives.rank(with_levers, evaluate),
        "decision_usd": (decision_tornado(scenario, rec), rec.margin),
        "decision_pp": (decision_tornado(scenario, rec), rec.margin),
        "peer_comparison": compare(scenario, res, analyze(scenario, res), "enterprise"),
        "mc_histogram": sim,
        "fan": sim,
        "tornado": sensitivity(load_sample("midmarket")),
    }
    for name in ("spans", "ops_by_category", "cost_by_region"):
        sources[name] = analyze(scenario, res)
    specs = {}
    for name in _CHARTS:
        if name.startswith("kpi_track_"):
            kpi = next(k for k, v in KPIS.items() if charts.dashboard._KPI_TRACK_FORMATS[v[1]][0] == name)
            projected = projected_series(scenario, res, kpi)
            specs[name] = charts.kpi_track_spec(kpi, projected, actual_series((), kpi), None)
        else:
            specs[name] = charts.chart_spec(name, sources.get(name, res))
    return specs


@pytest.fixture(scope="module")
def every_chart():
    return _every_chart_spec()


def _contrast(color: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two sRGB hex colours."""

    def luminance(hex_color: str) -> float:
        channels = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(color), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_chart_is_themed_for_a_projector(every_chart):
    assert len(every_chart) >= 20  # the registry: ROI, compare, levers, decision, analytics, peers, uncertainty, KPIs
    for name, spec in every_chart.items():
        config = spec["config"]
        for part, keys in {
            "axis": ("labelFontSize", "titleFontSize"),
            "legend": ("labelFontSize", "titleFontSize"),
            "header": ("labelFontSize",),
            "title": ("fontSize", "subtitleFontSize"),
            "text": ("fontSize",),
        }.items():
            assert all(config[part][k] >= 14 for k in keys), (name, part)
        for part, key in (("axis", "labelColor"), ("axis", "titleColor"), ("legend", "labelColor"), ("title", "color")):
            assert _contrast(config[part][key]) >= 7, (name, part)  # dark ink, well past WCAG AA's 4.5:1
        assert spec["usermeta"]["embedOptions"]["renderer"] == "svg", name  # text the browser test can read
        if "title" in spec:
            assert spec["title"]["limit"] == 0 and isinstance(spec["title"]["text"], list), name  # wrapped, never cut


def _texts(svg: str) -> list[tuple[str, float]]:
    """(words, font size) of every text line of a Vega SVG."""
    import re

    out = []
    for m in re.finditer(r"<text([^>]*)>(.*?)</text>", svg, re.S):
        size = re.search(r'font-size="([\d.]+)px"', m.group(1))
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", m.group(2)) or [m.group(2)]
        out += [(line, float(size.group(1)) if size else 0.0) for line in lines]
    return out


# What Streamlit's own chart theme sets for every axis, under the app's theme (which wins where it says
# otherwise): among them, drop labels that overlap, and cut labels past 100 px.
STREAMLIT_AXIS = {"labelOverlap": True, "labelSeparation": 2, "labelLimit": 100, "labelFlush": True, "labelPadding": 16}


def _as_streamlit_draws_it(spec: dict, width: int) -> dict:
    config = {**spec["config"], "axis": {**STREAMLIT_AXIS, **spec["config"]["axis"]}}
    if "facet" in spec:  # a facet chart keeps its own width (Streamlit draws it at its natural size)
        return {**spec, "config": config}
    return {**spec, "config": config, "width": width}


@pytest.mark.parametrize("width", [274, 564])  # half and all of a 1024-px page beside the sidebar
def test_no_chart_text_is_cut_short_small_or_dropped_at_a_narrow_width(every_chart, width):
    """Rendered by Vega itself (vl-convert, as the report does) with Streamlit's axis defaults.

    No text ends in an ellipsis, all is 14 px or more, and no label in words is hidden (Vega hides
    labels it finds overlapping: fine for every other number of an axis, not for a category's name).
    """
    import json
    import re

    import vl_convert

    for name, spec in every_chart.items():
        svg = vl_convert.vegalite_to_svg(json.dumps(_as_streamlit_draws_it(spec, width)))
        texts = _texts(svg)
        assert texts, name
        cut = [t for t, _ in texts if "…" in t or t.endswith("...")]
        small = [(t, size) for t, size in texts if size < 14]
        hidden = re.findall(r'<text[^>]*opacity="0"[^>]*>(.*?)</text>', svg, re.S)
        dropped = [h for h in hidden if re.search(r"[A-Za-z]{2}", re.sub("<[^>]+>", " ", h))]
        assert not cut and not small and not dropped, (name, cut, small, dropped)


def test_long_category_labels_break_into_lines_instead_of_being_cut():
    import json

    import altair as alt
    import vl_convert

    from salesops.charts.common import LABEL_CHARS, themed

    labels = ["Deal desk", "Marketing operations and lead management", "CRM / sales systems administration → Hybrid"]
    chart = alt.Chart(alt.Data(values=[{"label": t, "v": 1} for t in labels])).mark_bar().encode(y="label:N", x="v:Q")
    svg = vl_convert.vegalite_to_svg(json.dumps(themed(chart.properties(width=200).to_dict())))
    lines = [t for t, _ in _texts(svg) if t not in ("0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "v")]
    assert "Deal desk" in lines  # a short label stays whole
    assert {"Marketing operations", "and lead management"} <= set(lines)
    assert {"CRM / sales systems", "administration →", "Hybrid"} <= set(lines)
    assert all(len(line) <= LABEL_CHARS for line in lines)


def test_a_mark_with_nothing_to_draw_is_not_announced_as_an_unlabelled_graphic(results):
    payback = charts.results_spec("cumulative", results)
    assert payback["datasets"]["payback"]  # the enterprise pays back: its payback line is announced
    assert all(layer["mark"].get("aria") is not False for layer in payback["layer"])
    from salesops.charts.common import _mute_empty

    muted = _mute_empty(payback, {**payback["datasets"], "payback": []})
    by_data = {layer.get("data", {}).get("name"): layer["mark"] for layer in muted["layer"]}
    assert by_data["payback"]["aria"] is False and by_data["months"].get("aria") is not False
    assert charts.results_spec("cumulative", results)["layer"] == payback["layer"]  # the cached structure is untouched


# Simulated colour blindness (Machado, Oliveira & Fernandes 2009, full dichromacy), applied in linear RGB.
_CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
# CIE76 colour difference at least this far apart. Red #c62828 against green #2e7d32, the pair the
# what-if chart used, is 16 for a deuteranope; tritanopia (about 1 in 10,000) is held to a lower bar.
_MIN_DELTA_E = {"normal": 20.0, "protanopia": 20.0, "deuteranopia": 20.0, "tritanopia": 15.0}


def _lab(hex_color: str, vision: str) -> tuple[float, float, float]:
    rgb = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if vision != "normal":
        lin = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin)))) for row in _CVD[vision]]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str, vision: str) -> float:
    import math

    return math.dist(_lab(a, vision), _lab(b, vision))


def test_the_simulation_tells_a_known_bad_pair_from_a_good_one():
    assert _delta_e("#c62828", "#2e7d32", "deuteranopia") < _MIN_DELTA_E["deuteranopia"]  # red and green
    assert _delta_e("#1f5f99", "#d55e00", "deuteranopia") > 80  # blue and vermillion


def _color_sets(node) -> list[list[str]]:
    """Every explicit colour scale range and every pair of conditional colours in a spec."""
    found = []
    if isinstance(node, dict):
        color = node.get("color")
        if isinstance(color, dict):
            rng = (color.get("scale") or {}).get("range")
            if isinstance(rng, list) and all(isinstance(c, str) and c.startswith("#") for c in rng):
                found.append(rng)
            if "condition" in color:
                found.append([color["condition"]["value"], color["value"]])
        for value in node.values():
            found += _color_sets(value)
    elif isinstance(node, list):
        for value in node:
            found += _color_sets(value)
    return found


def test_colours_shown_together_stay_apart_for_colour_blind_viewers(every_chart):
    import itertools

    from salesops.charts.common import CATEGORY_COLORS, KIND_COLORS

    sets = {"category (Compare's scenarios)": CATEGORY_COLORS[:3], "org chart": list(KIND_COLORS.values())}
    for named in ("PLACEMENT_COLORS", "RELATION_COLORS", "STATUS_COLORS", "VERDICT_COLORS", "KPI_TRACK_COLORS"):
        sets[named] = list(getattr(charts, named).values())
    for name, spec in every_chart.items():
        for i, colors in enumerate(_color_sets(spec)):
            sets[f"{name} #{i}"] = colors
    assert len(sets) >= 15
    for what, colors in sets.items():
        for a, b in itertools.combinations(colors, 2):
            for vision, least in _MIN_DELTA_E.items():
                assert _delta_e(a, b, vision) >= least, (what, a, b, vision)


def test_the_named_colours_stand_out_on_white():
    from salesops.charts import common

    for name in ("INK", "BLUE", "VERMILLION", "GREEN", "PURPLE", "SLATE", "GREY"):
        assert _contrast(getattr(common, name)) >= 3, name  # WCAG 1.4.11: graphics at 3:1


def test_two_compared_scenarios_get_two_different_hues(every_chart):
    import math

    from salesops.charts.common import CATEGORY_COLORS

    assert every_chart["compare_cumulative"]["config"]["range"]["category"] == CATEGORY_COLORS
    (_, a1, b1), (_, a2, b2) = (_lab(c, "normal") for c in CATEGORY_COLORS[:2])
    hue = abs(math.degrees(math.atan2(b1, a1) - math.atan2(b2, a2))) % 360
    assert min(hue, 360 - hue) > 90  # not two blues: a blue and an orange


def test_page_specs_carry_arrow_bytes_converted_once_per_results():
    """What a page draws: the same spec, its datasets already in Arrow, the rows Streamlit would send."""
    import pyarrow as pa
    from streamlit import dataframe_util

    from salesops.charts.common import _ARROW_ENTRIES, _ARROW_SPECS

    res = evaluate(load_sample("enterprise"))
    for name in ("productivity", "selling_time", "cost_by_role", "cumulative", "projection"):
        plain_spec, page = charts.results_spec(name, res), charts.page_spec(name, res)
        assert {k: v for k, v in page.items() if k != "datasets"} == {
            k: v for k, v in plain_spec.items() if k != "datasets"
        }
        for key, rows in plain_spec["datasets"].items():
            table = pa.ipc.open_stream(page["datasets"][key]).read_all()
            assert table.to_pylist() == rows  # the same rows, column for column
            # and the same columns and values as Streamlit's own conversion of the rows
            theirs = pa.ipc.open_stream(dataframe_util.convert_anything_to_arrow_bytes(rows)).read_all()
            assert [c for c in theirs.column_names if not c.startswith("__index")] == table.column_names
            assert theirs.select(table.column_names).to_pylist() == rows
        assert charts.page_spec(name, res) is page  # memoised: a toggle back converts nothing
    assert len(_ARROW_SPECS) <= _ARROW_ENTRIES
