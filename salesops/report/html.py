"""The HTML report: one self-contained file (charts as data: URIs), every user string escaped."""

from __future__ import annotations

import base64
import datetime as dt
import html
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from salesops.model.format import fmt_pct, fmt_ratio, fmt_usd
from salesops.model.metrics import HEADLINE, METRIC
from salesops.model import Results
from salesops.model.scenario import Scenario
from salesops.report.common import (
    CHART_NAMES,
    CHART_SCALE,
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

_CSS = """
:root { --ink: #1d2733; --muted: #5d6b7a; --line: #d8dee6; --accent: #1f5f99; --good: #2e7d32; --bad: #c62828; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 1040px; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; }
.card .label { color: var(--muted); font-size: .85rem; }
.card .value { font-size: 1.6rem; font-weight: 650; color: var(--accent); }
.card .value small { font-size: 1rem; font-weight: 500; }
.card .note { color: var(--muted); font-size: .8rem; }
.facts { color: var(--muted); font-size: .92rem; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .86rem; margin: .4rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f6f9; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.up { color: var(--good); } td.down { color: var(--bad); }
td.source { font-size: .78rem; color: var(--muted); }
footer { color: var(--muted); font-size: .8rem; margin-top: 2.5rem; border-top: 1px solid var(--line); padding-top: .6rem; }
@media (max-width: 760px) { .cards { grid-template-columns: repeat(2, 1fr); } }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, .cards, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .card .value { color: #000; }
  figure img { border: none; }
}
"""  # noqa: E501 (the stylesheet as the report carries it, byte for byte)


NET = METRIC["net_value"]  # the what-ifs' first figure is its change, written as the screen writes it


def _e(value: Any) -> str:
    return html.escape(_clean(value), quote=True)


def _table(headers: Sequence[tuple[str, bool]], rows: Iterable[Sequence[tuple[str, str]]]) -> str:
    """headers: (title, numeric); rows: cells of (already escaped html, css class)."""
    head = "".join(f'<th class="num">{_e(t)}</th>' if num else f"<th>{_e(t)}</th>" for t, num in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>" for text, cls in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _signed(value: float, text: str) -> tuple[str, str]:
    return _e(text), "num up" if value > 1e-9 else "num down" if value < -1e-9 else "num"


def _exact(cell: tuple[str, str], value: float) -> tuple[str, str]:
    """A cell whose rounded text carries the exact figure for machines (``<data value="...">``)."""
    text, cls = cell
    return f'<data value="{float(value)!r}">{text}</data>', cls


def to_html(
    scenario: Scenario,
    results: Results,
    *,
    charts: Mapping[str, bytes] | None = None,
    whatifs: pd.DataFrame | None = None,
    generated: dt.date | None = None,
) -> str:
    """The scenario and its results as one self-contained HTML file.

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
    str
        An HTML5 document with no external reference (no linked script, style,
        font or image: charts are PNG ``data:`` URIs): title and date, the
        headline figures, how to read the report, the charts, the regions,
        roles and what-if tables, and the assumptions with their sources, with
        a print stylesheet. Every user-provided string is escaped.
    """
    day = _today(generated)
    whatifs = _whatifs(scenario, whatifs)
    if charts is None:
        charts = render_charts(results, whatifs)
    r = results
    parts: list[str] = []
    add = parts.append
    title = f"Sales-ops org design: {scenario.name}"
    add("<!DOCTYPE html>")
    add('<html lang="en"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>")
    add(f"<header><h1>{_e(scenario.name)}</h1>")
    add(f'<p class="meta">Sales-operations org design report &middot; {_e(_date_text(day))}</p>')
    if scenario.description:
        add(f"<p>{_e(scenario.description)}</p>")
    add("</header>")

    add('<section id="headlines"><h2>Headline figures</h2><div class="cards">')
    head = r.headline()
    for (label, value, unit, note), metric in zip(_headline_cards(r), HEADLINE):
        raw = head[metric.key]  # the exact figure, for anyone who checks the report against the app
        add(
            f'<div class="card" data-metric="{metric.key}" data-value="{"" if raw is None else repr(float(raw))}">'
            f'<div class="label">{_e(label)}</div><div class="value">{_e(value)}'
            f"{' <small>' + _e(unit) + '</small>' if unit else ''}</div>"
            f'<div class="note">{_e(note)}</div></div>'
        )
    add("</div>")
    add(
        f'<p class="facts">{r.reps:,} reps and {r.managers:,} managers in {len(scenario.regions)} region(s); '
        f"{r.sales_ops_fte:,.1f} sales-ops FTE in {len(scenario.roles)} role(s), "
        f"{_e(fmt_ratio(r.reps_per_ops_fte))} reps per FTE, {_e(fmt_usd(r.ops_cost_per_rep_usd))} per rep per year. "
        f"Selling time {_e(fmt_pct(r.selling_time_share, 1))} of rep hours "
        f"(without sales ops {_e(fmt_pct(r.baseline_selling_time_share, 1))}); gross-margin uplift "
        f"{_e(fmt_usd(r.gross_margin_uplift_usd))} per year.</p></section>"
    )

    add(
        '<section id="how-to-read"><h2>How to read this</h2><p>Each sales-ops role is placed '
        "<em>centralized</em> (one pooled team at HQ), <em>localized</em> (a team in each region) or "
        "<em>hybrid</em> (a hub at HQ plus embedded staff). The model treats every team as a queue: the help it "
        "gives reclaims rep hours, less what is lost to waiting, time-zone gaps and missing local knowledge, and "
        "reclaimed hours raise the share of time reps spend selling and so their productivity. <strong>ROI</strong> "
        "is the yearly gross-margin uplift plus control value minus the sales-ops cost, divided by that cost, "
        "once the teams are up to "
        "speed; <strong>payback</strong> counts months from the start, with rep ramp, attrition and the sales-ops "
        "set-up ramp included. The what-if table switches one role at a time and keeps everything else as it is, "
        "best first by the change in <strong>net value per year</strong> (gross-margin uplift plus control "
        "value minus cost). "
        "Every assumption has a plausible low and high value and a source (last section); the ROI at both ends "
        "shows which assumptions the answer depends on. The equations are written out in docs/MODEL.md.</p>"
        "</section>"
    )

    if charts:
        add('<section id="charts"><h2>Charts</h2>')
        for name in CHART_NAMES:
            png = charts.get(name)
            if png is None:
                continue
            width, height = _png_size(png)
            data = base64.b64encode(png).decode("ascii")
            add(
                f'<figure><img src="data:image/png;base64,{data}" width="{width // CHART_SCALE}" '
                f'height="{height // CHART_SCALE}" alt="{_e(CHART_TITLES[name])}">'
                f"<figcaption>{_e(CHART_TITLES[name])}</figcaption></figure>"
            )
        add("</section>")

    inputs = {x.id: x for x in scenario.regions}
    add('<section id="regions"><h2>Regions</h2>')
    add(
        _table(
            [
                ("Region", False),
                ("Reps", True),
                ("Managers", True),
                ("Gap to HQ (h)", True),
                ("Complexity", True),
                ("Embedded ops FTE", True),
                ("Selling time", True),
                ("Productivity per rep", True),
                ("Without sales ops", True),
            ],
            (
                [
                    (_e(x.name + (" (HQ)" if x.region_id == scenario.hq_region and "HQ" not in x.name else "")), ""),
                    (f"{x.reps:,}", "num"),
                    (f"{x.managers:,}", "num"),
                    (f"{x.tz_gap_hours:g}", "num"),
                    (f"{inputs[x.region_id].market_complexity:.2f}", "num"),
                    (f"{x.embedded_ops_fte:,.1f}", "num"),
                    (_e(fmt_pct(x.selling_time_share, 1)), "num"),
                    (_e(fmt_usd(x.productivity_per_rep_usd)), "num"),
                    (_e(fmt_usd(x.baseline_productivity_per_rep_usd)), "num"),
                ]
                for x in r.regions
            ),
        )
    )
    add("</section>")

    add('<section id="roles"><h2>Sales-ops roles</h2>')
    if r.roles:
        add(
            _table(
                [
                    ("Role", False),
                    ("Category", False),
                    ("Sales ops", False),
                    ("Placement", False),
                    ("Sizing", False),
                    ("FTE", True),
                    ("Cost per year", True),
                    ("Mean response (h)", True),
                    ("Rep hours saved / week", True),
                ],
                (
                    [
                        (_e(x.name) + (" <strong>(overloaded)</strong>" if x.overloaded else ""), ""),
                        (_e(x.category), ""),
                        (_e(x.relation), ""),
                        (_e(x.placement), ""),
                        (_e(x.sizing), ""),
                        (f"{x.fte:,.1f}", "num"),
                        (_e(fmt_usd(x.cost_usd_per_year)), "num"),
                        (f"{x.mean_response_hours:,.1f}", "num"),
                        (f"{x.hours_saved_per_rep_week:.2f}", "num"),
                    ]
                    for x in r.roles
                ),
            )
        )
    else:
        add("<p>This scenario has no sales-ops roles.</p>")
    add("</section>")

    add('<section id="whatif"><h2>What switching one role would do</h2>')
    if not whatifs.empty:
        add(
            _table(
                [
                    ("Role", False),
                    ("Now", False),
                    ("Switched to", False),
                    (WHATIF_NET_LABEL, True),
                    ("ROI change", True),
                    ("ROI", True),
                    ("Productivity per rep", True),
                    ("Cost", True),
                    ("FTE", True),
                    ("Response (h)", True),
                ],
                (
                    [
                        (_e(w["role"]), ""),
                        (_e(w["current"]), ""),
                        (_e(w["alternative"]), ""),
                        _exact(_signed(w["delta_net_usd"], NET.delta_text(w["delta_net_usd"])), w["delta_net_usd"]),
                        _signed(w["delta_roi_pp"], f"{w['delta_roi_pp']:+.1f} pp"),
                        (_e(fmt_pct(w["roi"])), "num"),
                        _signed(w["delta_productivity_usd"], _signed_usd(w["delta_productivity_usd"])),
                        _signed(-w["delta_cost_usd"], _signed_usd(w["delta_cost_usd"])),
                        (f"{w['delta_fte']:+,.1f}", "num"),
                        _signed(-w["delta_response_hours"], f"{w['delta_response_hours']:+,.1f}"),
                    ]
                    for w in whatifs.to_dict(orient="records")
                ),
            )
        )
        add(
            '<p class="facts">Best first by the change in net value per year (gross-margin uplift plus control '
            "value minus cost), "
            "not by ROI: a ratio favours the cheapest design. Green is better for the business: more net value, "
            "ROI or productivity, less cost, faster response.</p>"
        )
    else:
        add("<p>No roles to switch.</p>")
    add("</section>")

    add('<section id="assumptions"><h2>Assumptions and sources</h2>')
    rows = assumption_rows(scenario)
    add(
        _table(
            [
                ("Assumption", False),
                ("Value", True),
                ("Range", True),
                ("Unit", False),
                ("ROI at low / high", True),
                ("Firmness", False),
                ("Source", False),
            ],
            (
                [
                    (_e(a.label), ""),
                    (_e(_assumption_value_text(a.value, a.unit)), "num"),
                    (_e(_range_text(a)), "num"),
                    (_e(a.unit), ""),
                    (_e(_roi_range_text(a)), "num"),
                    (_e(a.firmness), ""),
                    (_e(a.source), "source"),
                ]
                for a in rows
            ),
        )
    )
    add("</section>")
    add(
        f"<footer>Made with the sales-ops org designer on {_e(day.isoformat())}. Figures follow from the scenario "
        "and the assumptions above; they are a model, not a forecast.</footer>"
    )
    add("</body></html>")
    return "\n".join(parts)
