"""The PowerPoint deck: 16:9 slides of the headline figures, the charts, the roles, what-ifs and assumptions."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from salesops.model.format import fmt_pct, fmt_ratio, fmt_usd
from salesops.model.metrics import METRIC
from salesops.model import Results
from salesops.model.scenario import Scenario
from salesops.report.common import (
    CHART_NAMES,
    CHART_TITLES,
    WHATIF_NET_LABEL,
    _assumption_value_text,
    _clean,
    _date_text,
    _headline_cards,
    _range_text,
    _roi_range_text,
    _signed_usd,
    _today,
    _whatifs,
    assumption_rows,
)
from salesops.report.images import _png_size, render_charts

TOP_ASSUMPTIONS = 12  # assumptions on the deck's slides, ranked by how far they move ROI
ASSUMPTIONS_PER_SLIDE = 6
TABLE_ROWS_PER_SLIDE = 12


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [items]


def to_pptx(
    scenario: Scenario,
    results: Results,
    *,
    charts: Mapping[str, bytes] | None = None,
    whatifs: pd.DataFrame | None = None,
    generated: dt.date | None = None,
) -> bytes:
    """The scenario and its results as a 16:9 PowerPoint deck.

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``evaluate(scenario)``.
    charts : mapping of str to bytes, optional
        :func:`render_charts` output, to reuse charts already rendered.
    whatifs : pandas.DataFrame, optional
        :func:`salesops.model.whatif.placement_whatifs` of the scenario.
    generated : datetime.date, optional
        The report date (default today).

    Returns
    -------
    bytes
        A .pptx deck: a title slide (scenario name, date), the five headline
        figures (ROI, net value per year, productivity per rep, sales-ops cost,
        payback), one slide
        per chart, the roles table, the what-if table and the
        :data:`TOP_ASSUMPTIONS` assumptions that move ROI most, with their
        sources (tables longer than a slide continue on the next).
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    day = _today(generated)
    whatifs = _whatifs(scenario, whatifs)
    if charts is None:
        charts = render_charts(results, whatifs)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]
    accent, muted = RGBColor(0x1F, 0x5F, 0x99), RGBColor(0x5D, 0x6B, 0x7A)
    margin = Inches(0.6)
    content_top = Inches(1.45)
    content_width = prs.slide_width - 2 * margin
    content_height = prs.slide_height - content_top - Inches(0.4)

    def titled(text: str):
        slide = prs.slides.add_slide(title_only)
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = margin, Inches(0.35), content_width, Inches(0.95)
        shape.text = _clean(text)
        for p in shape.text_frame.paragraphs:
            p.alignment = PP_ALIGN.LEFT
            for run in p.runs:
                run.font.size = Pt(30)
        return slide

    def text_box(slide, left, top, width, height, lines: Sequence[tuple[str, int, bool, RGBColor | None]]):
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for k, (text, size, bold, color) in enumerate(lines):
            p = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            run = p.add_run()
            run.text = _clean(text)
            run.font.size, run.font.bold = Pt(size), bold
            if color is not None:
                run.font.color.rgb = color
        return box

    def table(
        slide,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        font: int = 12,
        numeric: Iterable[int] = (),
    ):
        numeric = set(numeric)
        height = Inches(0.4) * (len(rows) + 1)
        shape = slide.shapes.add_table(
            len(rows) + 1, len(headers), margin, content_top, content_width, min(height, content_height)
        )
        grid = shape.table
        total = sum(widths)
        for j, w in enumerate(widths):
            grid.columns[j].width = Emu(int(content_width * w / total))
        for i, row in enumerate([headers, *rows]):
            for j, text in enumerate(row):
                cell = grid.cell(i, j)
                cell.text = _clean(text)
                for p in cell.text_frame.paragraphs:
                    if j in numeric:
                        p.alignment = PP_ALIGN.RIGHT
                    for run in p.runs:
                        run.font.size = Pt(font)
                        run.font.bold = i == 0
        return grid

    # Title
    slide = prs.slides.add_slide(title_layout)
    slide.shapes.title.text = _clean(scenario.name)
    subtitle = slide.placeholders[1]
    subtitle.text = _clean(f"Sales-operations org design · {_date_text(day)}")
    for shape in (slide.shapes.title, subtitle):
        shape.left, shape.width = margin, content_width
    if scenario.description:  # an imported org's description is its import summary: in the speaker notes
        slide.notes_slide.notes_text_frame.text = _clean(scenario.description)

    # Headlines
    slide = titled("Headline figures")
    cards = _headline_cards(results)
    gap = Inches(0.3)
    card_width = int((content_width - gap * (len(cards) - 1)) / len(cards))
    for k, (label, value, unit, note) in enumerate(cards):
        left = margin + k * (card_width + gap)
        label = f"{label} ({unit})" if unit else label
        box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, Inches(2.0), card_width, Inches(2.6))
        box.fill.background()
        box.line.color.rgb = RGBColor(0xD8, 0xDE, 0xE6)
        text_box(
            slide,
            left + Inches(0.15),
            Inches(2.15),
            card_width - Inches(0.3),
            Inches(2.3),
            [(label, 16, False, muted), (value, 40 if len(cards) <= 4 else 32, True, accent), (note, 12, False, muted)],
        )
    r = results
    text_box(
        slide,
        margin,
        Inches(5.1),
        content_width,
        Inches(1.5),
        [
            (
                f"{r.reps:,} reps and {r.managers:,} managers in {len(scenario.regions)} region(s); "
                f"{r.sales_ops_fte:,.1f} sales-ops FTE in {len(scenario.roles)} role(s); "
                f"{fmt_ratio(r.reps_per_ops_fte)} reps per FTE. Selling time {fmt_pct(r.selling_time_share, 1)} "
                f"of rep hours (without sales ops {fmt_pct(r.baseline_selling_time_share, 1)}).",
                14,
                False,
                None,
            )
        ],
    )

    # Charts
    for name in CHART_NAMES:
        png = charts.get(name)
        if png is None:
            continue
        slide = titled(CHART_TITLES[name])
        width_px, height_px = _png_size(png)
        scale = min(content_width / width_px, content_height / height_px)
        width, height = int(width_px * scale), int(height_px * scale)
        left = margin + (content_width - width) // 2
        slide.shapes.add_picture(io.BytesIO(png), left, content_top, width, height)

    # Roles
    role_rows = [
        [
            x.name,
            x.placement,
            x.sizing,
            f"{x.fte:,.1f}",
            fmt_usd(x.cost_usd_per_year),
            f"{x.mean_response_hours:,.1f}",
            "yes" if x.overloaded else "",
        ]
        for x in results.roles
    ]
    pages = _chunks(role_rows, TABLE_ROWS_PER_SLIDE)
    for k, page in enumerate(pages):
        slide = titled("Sales-ops roles" + (f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""))
        if page:
            table(
                slide,
                ["Role", "Placement", "Sizing", "FTE", "Cost per year", "Mean response (h)", "Overloaded"],
                page,
                [4.2, 1.4, 1.1, 0.9, 1.5, 1.7, 1.2],
                numeric=(3, 4, 5),
            )
        else:
            text_box(slide, margin, content_top, content_width, Inches(1), [("No sales-ops roles.", 18, False, None)])

    # What-ifs
    records = whatifs.to_dict(orient="records")
    what_rows = [
        [
            w["role"],
            f"{w['current']} → {w['alternative']}",
            METRIC["net_value"].delta_text(w["delta_net_usd"]),
            f"{w['delta_roi_pp']:+.1f} pp",
            fmt_pct(w["roi"]),
            _signed_usd(w["delta_productivity_usd"]),
            _signed_usd(w["delta_cost_usd"]),
            f"{w['delta_fte']:+,.1f}",
        ]
        for w in records
    ]
    pages = _chunks(what_rows, TABLE_ROWS_PER_SLIDE)
    for k, page in enumerate(pages):
        slide = titled("What switching one role would do" + (f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""))
        if page:
            table(
                slide,
                ["Role", "Switch", WHATIF_NET_LABEL, "ROI change", "ROI", "Productivity per rep", "Cost", "FTE"],
                page,
                [3.3, 2.4, 1.7, 1.2, 0.9, 1.7, 1.2, 0.8],
                font=11,
                numeric=(2, 3, 4, 5, 6, 7),
            )
        else:
            text_box(slide, margin, content_top, content_width, Inches(1), [("No roles to switch.", 18, False, None)])

    # Assumptions that move ROI most
    ranked = sorted(assumption_rows(scenario), key=lambda a: -a.swing_pp)[:TOP_ASSUMPTIONS]
    pages = _chunks(ranked, ASSUMPTIONS_PER_SLIDE)
    for k, page in enumerate(pages):
        slide = titled("Assumptions that move ROI most" + (f" ({k + 1} of {len(pages)})" if len(pages) > 1 else ""))
        table(
            slide,
            ["Assumption", "Value", "Range", "ROI at low / high", "Source"],
            [
                [
                    a.label,
                    _assumption_value_text(a.value, a.unit),
                    _range_text(a),
                    _roi_range_text(a),
                    f"{a.source} ({a.firmness})",
                ]
                for a in page
            ],
            [2.6, 1.1, 1.6, 1.6, 6.0],
            font=10,
            numeric=(1, 2, 3),
        )

    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
