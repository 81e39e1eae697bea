"""Reports: the Excel workbook, the self-contained HTML file and the PowerPoint deck."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import replace
from html.parser import HTMLParser

import openpyxl
import pytest
from pptx import Presentation
from pptx.util import Inches

from salesops.readwrite.export import CSV_COLUMNS, export_rows
from salesops.readwrite.hris import build_import, example_csv, guess_mapping, read_table
from salesops.model.metrics import HEADLINE, METRIC
from salesops.model import evaluate
from salesops.report import (
    CHART_NAMES,
    CHART_TITLES,
    TOP_ASSUMPTIONS,
    _chunks_of,
    assumption_rows,
    recompress_png,
    render_charts,
    to_excel,
    to_html,
    to_pptx,
)
from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample
from salesops.model.scenario import Region, RolePlan, Scenario, ScenarioError, assumption_info
from salesops.model.whatif import placement_whatifs
from tests.readback import WHATIF_NET, assert_agree, expected, read_html, read_pptx, read_xlsx

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SHEETS = ["Summary", "Assumptions", "Regions", "Roles", "Service", "Projection", "What-if", "Org"]
DAY = dt.date(2025, 3, 1)
FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
EXCEL = 1e-14


@pytest.fixture(scope="module")
def mid():
    scenario = load_sample("midmarket")
    results = evaluate(scenario)
    whatifs = placement_whatifs(scenario)
    return scenario, results, whatifs, render_charts(results, whatifs)


@pytest.fixture(scope="module")
def hostile():
    """Formula-like, script-like and control-character text in every user-provided string."""
    base = load_sample("midmarket")
    catalog = load_catalog()
    region = replace(base.regions[1], name=FORMULA)
    scenario = replace(
        base.with_region(region).with_plan(
            RolePlan(role=replace(catalog["deal_desk"], name=f"{SCRIPT} desk", category="+SUM(A1)"))
        ),
        name=FORMULA + " " + SCRIPT,
        description=f"@risk \t {SCRIPT} \"quoted\" & 'single'",
    )
    results = evaluate(scenario)
    whatifs = placement_whatifs(scenario)
    return scenario, results, whatifs, render_charts(results, whatifs)


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


# --------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------
def test_render_charts_gives_one_png_per_chart(mid):
    charts = mid[3]
    assert list(charts) == list(CHART_NAMES)
    for name, png in charts.items():
        assert png.startswith(PNG_SIGNATURE), name
        width = int.from_bytes(png[16:20], "big")
        assert width > 1000, (name, width)  # rendered at scale 2


def test_recompress_png_keeps_every_pixel(mid):
    import vl_convert

    from salesops.charts import chart_spec

    original = vl_convert.vegalite_to_png(chart_spec("projection", mid[1]), scale=2)
    smaller = recompress_png(original)
    assert len(smaller) < len(original) / 2

    def pixels(png):
        return zlib.decompress(b"".join(body for kind, body in _chunks_of(png) if kind == b"IDAT"))

    assert pixels(smaller) == pixels(original)
    assert [k for k, _ in _chunks_of(smaller)][0] == b"IHDR" and _chunks_of(smaller)[-1][0] == b"IEND"
    with pytest.raises(ValueError, match="not a PNG"):
        recompress_png(b"GIF89a")


def test_a_scenario_without_roles_leaves_out_the_empty_charts():
    scenario = Scenario(name="No ops", hq_region="a", regions=(Region("a", "A", 10, 1),), roles=())
    results = evaluate(scenario)
    whatifs = placement_whatifs(scenario)
    charts = render_charts(results, whatifs)
    assert set(charts) == set(CHART_NAMES) - {"cost_by_role", "whatif"}
    assert "no sales-ops roles" in to_html(scenario, results, charts=charts, whatifs=whatifs)
    assert _workbook(to_excel(scenario, results, whatifs=whatifs))["Roles"].max_row == 1
    deck = Presentation(io.BytesIO(to_pptx(scenario, results, charts=charts, whatifs=whatifs)))
    assert any("No sales-ops roles." in _slide_text(s) for s in deck.slides)


def test_assumption_rows_carry_sources_and_roi_sensitivity(mid):
    scenario, results = mid[0], mid[1]
    rows = assumption_rows(scenario)
    info = assumption_info()
    assert [r.key for r in rows] == list(info)
    for row in rows:
        meta = info[row.key]
        assert (row.low, row.high, row.unit, row.source) == (meta["low"], meta["high"], meta["unit"], meta["source"])
        assert row.value == getattr(scenario.assumptions, row.key)
        if meta["low"] == meta["high"]:
            assert row.roi_at_low is None and row.swing_pp == 0
    quota = next(r for r in rows if r.key == "quota_attainment")
    assert quota.roi_at_low < results.roi < quota.roi_at_high
    assert all(r.roi_at_low is None for r in assumption_rows(scenario, sensitivity=False))


# --------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------
def test_workbook_sheets_and_values(mid):
    scenario, results, whatifs, _ = mid
    wb = _workbook(to_excel(scenario, results, whatifs=whatifs, generated=DAY))
    assert wb.sheetnames == SHEETS

    summary = {row["Metric"]: row for row in _rows(wb["Summary"])}
    assert summary["Scenario"]["Value"] == scenario.name
    assert summary["Report date"]["Value"].date() == DAY
    # Excel keeps 15 significant digits, and so does openpyxl when it writes a float.
    assert summary["ROI"]["Value"] == pytest.approx(results.roi, rel=EXCEL)
    assert summary["Productivity per rep"]["Value"] == pytest.approx(results.productivity_per_rep_usd, rel=EXCEL)
    assert summary["Sales-ops cost"]["Value"] == pytest.approx(results.sales_ops_cost_usd, rel=EXCEL)
    assert summary["Payback"]["Value"] == pytest.approx(results.payback_months, rel=EXCEL)
    assert summary["Reps"]["Value"] == results.reps == 120
    assert summary["ROI"]["Unit"] and summary["Sales-ops cost"]["Unit"] == "USD per year"
    ws = wb["Summary"]
    formats = {ws.cell(i, 1).value: ws.cell(i, 2).number_format for i in range(2, ws.max_row + 1)}
    assert formats["ROI"] == "0.0%" and "$" in formats["Sales-ops cost"]

    assumptions = {row["Key"]: row for row in _rows(wb["Assumptions"])}
    for key, meta in assumption_info().items():
        row = assumptions[key]
        assert row["Value"] == pytest.approx(getattr(scenario.assumptions, key), rel=EXCEL)
        assert (row["Low"], row["High"], row["Unit"] or "", row["Source"]) == (
            meta["low"],
            meta["high"],
            meta["unit"],
            meta["source"],
        )

    regions = _rows(wb["Regions"])
    assert [(r["Region"], r["Reps"], r["Managers"]) for r in regions] == [
        (x.name, x.reps, x.managers) for x in results.regions
    ]
    assert [r["Productivity per rep"] for r in regions] == pytest.approx(
        [x.productivity_per_rep_usd for x in results.regions], rel=EXCEL
    )

    roles = _rows(wb["Roles"])
    assert [(r["Id"], r["Placement"], r["Sizing"]) for r in roles] == [
        (x.role_id, x.placement, x.sizing) for x in results.roles
    ]
    for row, role in zip(roles, results.roles):
        assert [row["FTE"], row["Cost per year"], row["Mean response (h)"]] == pytest.approx(
            [role.fte, role.cost_usd_per_year, role.mean_response_hours], rel=EXCEL
        )

    service = _rows(wb["Service"])
    assert len(service) == len(results.services)
    assert sum(r["Requests per week"] for r in service) == pytest.approx(
        sum(s.demand_per_week for s in results.services)
    )

    projection = _rows(wb["Projection"])
    assert len(projection) == 36 and [r["Month"] for r in projection] == list(range(1, 37))
    assert projection[-1]["Cumulative net"] == pytest.approx(results.projection[-1].cumulative_net_usd, rel=EXCEL)

    assert len(_rows(wb["What-if"])) == len(whatifs)
    what = _rows(wb["What-if"])
    assert list(what[0])[:5] == ["Role", "Now", "Switched to", "Net value change / year", "ROI change (pp)"]
    assert [(r["Role"], r["Switched to"]) for r in what] == list(zip(whatifs["role"], whatifs["alternative"]))
    assert [r["Net value change / year"] for r in what] == pytest.approx(list(whatifs["delta_net_usd"]), abs=0.5)
    assert [r["ROI change (pp)"] for r in what] == pytest.approx(list(whatifs["delta_roi_pp"]), rel=EXCEL)
    net_format = wb["What-if"].cell(2, 4).number_format
    assert "$" in net_format and net_format.startswith("+")
    assert summary["Net value per year"]["Value"] == pytest.approx(results.net_value_usd, rel=EXCEL)
    assert summary["NPV over the horizon"]["Value"] == pytest.approx(results.npv_usd, rel=EXCEL)
    assert "10.0%" in summary["NPV over the horizon"]["Unit"]
    org = list(wb["Org"].iter_rows(values_only=True))
    assert org[0] == CSV_COLUMNS
    assert len(org) - 1 == len(export_rows(scenario, results))


def test_workbook_formatting(mid):
    scenario, results, whatifs, _ = mid
    wb = _workbook(to_excel(scenario, results, whatifs=whatifs))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1]), ws.title
        for col in range(1, ws.max_column + 1):
            letter = openpyxl.utils.get_column_letter(col)
            assert ws.column_dimensions[letter].width >= 8, (ws.title, letter)
    money = wb["Regions"].cell(2, 12)
    assert isinstance(money.value, float) and "$" in money.number_format
    share = wb["Regions"].cell(2, 11)
    assert share.number_format == "0.0%"
    assert isinstance(wb["Regions"].cell(2, 3).value, int)


def test_workbook_stores_formula_like_text_as_text(hostile):
    scenario, results, whatifs, _ = hostile
    data = to_excel(scenario, results, whatifs=whatifs)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name), name  # no formula anywhere
    wb = _workbook(data)
    name_cell = wb["Summary"]["B2"]
    assert name_cell.value == scenario.name and name_cell.data_type == "s" and name_cell.quotePrefix
    region = wb["Regions"]["A3"]
    assert region.value == FORMULA and region.data_type == "s" and region.quotePrefix
    categories = [r["Category"] for r in _rows(wb["Roles"])]
    assert "+SUM(A1)" in categories
    org_regions = {r["region"] for r in _rows(wb["Org"])}
    assert FORMULA in org_regions


def test_control_characters_never_reach_a_report(hostile):
    """A scenario cannot hold them (refused with the field), and the writers strip any that come their way."""
    scenario, results, whatifs, charts = hostile
    with pytest.raises(ScenarioError, match="not a printable character"):
        scenario.renamed("Plan\x00 B")
    from salesops.report import _clean

    assert _clean("Plan\x00 B\x1f\ud800") == "Plan B"


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, k, v or "") for k, v in attrs)


def test_html_is_self_contained(mid):
    scenario, results, whatifs, charts = mid
    page = to_html(scenario, results, charts=charts, whatifs=whatifs, generated=DAY)
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    for tag, key, value in parser.attrs:
        if key in ("src", "href", "srcset", "poster", "data"):
            assert value.startswith("data:"), (tag, key, value[:60])
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert "@media print" in page


def test_html_holds_the_headlines_charts_and_tables(mid):
    scenario, results, whatifs, charts = mid
    page = to_html(scenario, results, charts=charts, whatifs=whatifs, generated=DAY)
    assert f"<title>Sales-ops org design: {scenario.name}</title>" in page
    assert "1 March 2025" in page
    head = results.headline()
    for text in [f'<div class="value">{m.text(head[m.key])}</div>' for m in HEADLINE] + ["How to read this"]:
        assert text in page, text
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == len(CHART_NAMES)
    assert all(base64.b64decode(img).startswith(PNG_SIGNATURE) for img in images)
    for title in CHART_TITLES.values():
        assert title in page
    for region in scenario.regions:
        assert region.name in page
    for plan in scenario.roles:
        assert plan.role.name in page
    assert page.count("</tr>") >= len(scenario.regions) + len(scenario.roles) + len(whatifs) + len(assumption_info())
    assert "Salesforce State of Sales" in page  # a source


def test_html_renders_its_own_charts_when_not_given():
    scenario = load_sample("startup")
    page = to_html(scenario, evaluate(scenario))
    assert page.count("data:image/png;base64,") == len(CHART_NAMES)


def test_every_report_lists_the_whatifs_best_net_value_first_to_the_dollar(mid):
    scenario, results, whatifs, _ = mid
    shuffled = whatifs.sample(frac=1.0, random_state=3, ignore_index=True)
    assert list(shuffled["delta_net_usd"]) != list(whatifs["delta_net_usd"])
    want = expected(scenario, results, whatifs)
    files = {
        "Excel": read_xlsx(to_excel(scenario, results, whatifs=shuffled)),
        "HTML": read_html(to_html(scenario, results, charts={}, whatifs=shuffled), scenario),
        "PowerPoint": read_pptx(to_pptx(scenario, results, charts={}, whatifs=shuffled), scenario),
    }
    for what, got in files.items():
        assert got.whatifs is not None and len(got.whatifs) == len(whatifs), what
        assert WHATIF_NET in got.whatif_columns, what
        assert_agree(got, want, what, exact=False)
    assert all(w.net is not None for w in files["Excel"].whatifs + files["HTML"].whatifs)
    assert all(w.net_text is not None for w in files["HTML"].whatifs + files["PowerPoint"].whatifs)
    best = whatifs.iloc[0]
    assert files["PowerPoint"].whatifs[0].net_text == METRIC["net_value"].delta_text(best["delta_net_usd"])


def test_html_escapes_user_text(hostile):
    scenario, results, whatifs, charts = hostile
    page = to_html(scenario, results, charts=charts, whatifs=whatifs)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; desk" in page  # a role name
    assert "&quot;quoted&quot; &amp; &#x27;single&#x27;" in page
    assert "\x01" not in page
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags


# --------------------------------------------------------------------------
# PowerPoint
# --------------------------------------------------------------------------
def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


def _title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def test_deck_has_the_expected_slides(mid):
    scenario, results, whatifs, charts = mid
    deck = Presentation(io.BytesIO(to_pptx(scenario, results, charts=charts, whatifs=whatifs, generated=DAY)))
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)
    slides = list(deck.slides)
    titles = [_title(s) for s in slides]
    assert titles[0] == scenario.name and "1 March 2025" in _slide_text(slides[0])
    assert titles[1] == "Headline figures"
    headline = _slide_text(slides[1])
    for label, value in ((m.label, m.text(results.headline()[m.key])) for m in HEADLINE):
        assert label in headline and value in headline, (label, value)
    assert titles[2 : 2 + len(CHART_NAMES)] == [CHART_TITLES[n] for n in CHART_NAMES]
    for slide in slides[2 : 2 + len(CHART_NAMES)]:
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1 and pictures[0].image.blob.startswith(PNG_SIGNATURE)
    rest = titles[2 + len(CHART_NAMES) :]
    assert rest[0] == "Sales-ops roles" and rest[1] == "What switching one role would do"
    assert all(t.startswith("Assumptions that move ROI most") for t in rest[2:])
    assert len(rest[2:]) == 2  # 12 assumptions, 6 a slide
    roles_text = _slide_text(slides[titles.index("Sales-ops roles")])
    assert all(p.role.name in roles_text for p in scenario.roles)
    assumptions_text = "\n".join(_slide_text(s) for s in slides if _title(s).startswith("Assumptions"))
    ranked = sorted(assumption_rows(scenario), key=lambda a: -a.swing_pp)[:TOP_ASSUMPTIONS]
    assert all(a.label in assumptions_text and a.source[:40] in assumptions_text for a in ranked)


def test_every_shape_sits_on_its_slide(mid):
    scenario, results, whatifs, charts = mid
    deck = Presentation(io.BytesIO(to_pptx(scenario, results, charts=charts, whatifs=whatifs)))
    for k, slide in enumerate(deck.slides):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (k, shape.name)
            assert shape.left + shape.width <= deck.slide_width + Inches(0.01), (k, shape.name)
            assert shape.top + shape.height <= deck.slide_height + Inches(0.01), (k, shape.name)


def test_long_tables_continue_on_more_slides(hostile):
    scenario, results, whatifs, charts = hostile
    catalog = load_catalog()
    for k in range(8):
        scenario = scenario.with_plan(RolePlan(role=replace(catalog["analytics"], id=f"extra{k}", name=f"Extra {k}")))
    results = evaluate(scenario)
    whatifs = placement_whatifs(scenario)
    deck = Presentation(io.BytesIO(to_pptx(scenario, results, charts=charts, whatifs=whatifs)))
    titles = [_title(s) for s in deck.slides]
    assert "Sales-ops roles (1 of 2)" in titles and "Sales-ops roles (2 of 2)" in titles
    assert "What switching one role would do (3 of 3)" in titles  # 14 roles x 2 alternatives = 28 rows
    text = "\n".join(_slide_text(s) for s in deck.slides)
    assert all(f"Extra {k}" in text for k in range(8))
    assert titles[0] == scenario.name  # the hostile name, as plain text


# --------------------------------------------------------------------------
# A large imported org
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big():
    raw = read_table(example_csv(10_000).encode("utf-8"), "org.csv")
    scenario = build_import(raw, guess_mapping(raw.frame.columns)).scenario
    return scenario, evaluate(scenario)


def test_a_ten_thousand_person_org_gives_a_small_html_report(big):
    scenario, results = big
    assert sum(p.count for p in scenario.positions) > 9_000
    page = to_html(scenario, results)
    assert len(page.encode("utf-8")) < 3_000_000
    assert page.count("data:image/png;base64,") == len(CHART_NAMES)
    deck = to_pptx(scenario, results)
    assert len(deck) < 3_000_000


def test_a_ten_thousand_person_org_lists_everyone_in_the_workbook_org_sheet(big):
    scenario, results = big
    wb = _workbook(to_excel(scenario, results))
    assert wb["Org"].max_row - 1 == len(export_rows(scenario, results)) > 9_000
    assert wb["Regions"].max_row - 1 == len(scenario.regions)
