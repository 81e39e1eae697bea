"""Read an exported file back the way its reader would, into the figures it states.

Each reader returns a :class:`Facts` with what that file says about the
scenario: ROI, sales-ops cost, sales-ops FTE, reps, the placement of each
role (by role id) and, for the reports, the what-if table (:class:`WhatIf`, in
the file's order: its first figure is the change in net value per year). A
figure a file does not carry is None. Files are parsed
with the tools a client would open them with (openpyxl, python-pptx, the CSV
module, networkx), not with the code that wrote them.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field

import pandas as pd

import networkx as nx

from salesops.model.metrics import METRIC
from salesops.model import Results
from salesops.model.scenario import Scenario

__all__ = [
    "WHATIF_NET",
    "Facts",
    "WhatIf",
    "assert_agree",
    "expected",
    "read_csv",
    "read_graphml",
    "read_html",
    "read_pptx",
    "read_xlsx",
    "screen_text",
]


WHATIF_NET = "Net value change / year"  # the first figure column of every report's what-if table


@dataclass(frozen=True)
class WhatIf:
    """One row of a what-if table: one role switched alone."""

    role: str
    current: str
    alternative: str
    net: float | None = None  # change in net value per year, exact where the file holds the number
    net_text: str | None = None  # as formatted for a reader ("+$1.1M")
    roi_pp: float | None = None  # change in ROI, percentage points, exact where the file holds the number
    roi_text: str | None = None  # as formatted for a reader ("+1.4 pp")


@dataclass
class Facts:
    roi: float | None = None  # exact where the file holds a number
    roi_text: str | None = None  # as formatted for a reader ("141.8%")
    cost: float | None = None
    cost_text: str | None = None
    fte: float | None = None
    reps: int | None = None
    placements: dict[str, str] = field(default_factory=dict)
    whatifs: list[WhatIf] | None = None  # rows in the file's order
    whatif_columns: list[str] | None = None  # the what-if table's header


def screen_text(results: Results) -> dict[str, str]:
    """The four headline figures as the app's headline strip shows them."""
    head = results.headline()
    return {
        m.key: m.text(head[m.key])
        for m in (METRIC["roi"], METRIC["productivity_per_rep"], METRIC["sales_ops_cost"], METRIC["payback_months"])
    }


def expected(scenario: Scenario, results: Results, whatifs: pd.DataFrame | None = None) -> Facts:
    """What every file must say for ``scenario``; with ``whatifs`` (from ``placement_whatifs``), its what-if rows."""
    text = screen_text(results)
    rows = None
    if whatifs is not None:
        net = METRIC["net_value"]
        rows = [
            WhatIf(
                w["role"],
                w["current"],
                w["alternative"],
                float(w["delta_net_usd"]),
                net.delta_text(w["delta_net_usd"]),
                float(w["delta_roi_pp"]),
                f"{w['delta_roi_pp']:+.1f} pp",
            )
            for w in whatifs.to_dict(orient="records")
        ]
    return Facts(
        whatifs=rows,
        roi=results.headline()["roi"],  # None for a design that costs nothing: no number in any file
        roi_text=text["roi"],
        cost=results.sales_ops_cost_usd,
        cost_text=text["sales_ops_cost"],
        fte=results.sales_ops_fte,
        reps=results.reps,
        placements={p.role.id: p.placement for p in scenario.roles},
    )


def read_xlsx(data: bytes) -> Facts:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    summary = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    roles = list(wb["Roles"].iter_rows(values_only=True))
    header = roles[0]
    rid, placement = header.index("Id"), header.index("Placement")
    roi = summary["ROI"]  # a number, or the words of a design that costs nothing
    facts = Facts(
        roi=roi if isinstance(roi, (int, float)) else None,
        roi_text=None if isinstance(roi, (int, float)) else roi,
        cost=summary["Sales-ops cost"],
        fte=summary["Sales-ops FTE"],
        reps=summary["Reps"],
        placements={r[rid]: r[placement] for r in roles[1:]},
    )
    table = list(wb["What-if"].iter_rows(values_only=True))
    if table:
        head = list(table[0])
        at = {name: head.index(name) for name in ("Role", "Now", "Switched to", WHATIF_NET, "ROI change (pp)")}
        facts.whatif_columns = head
        facts.whatifs = [
            WhatIf(
                r[at["Role"]],
                r[at["Now"]],
                r[at["Switched to"]],
                net=r[at[WHATIF_NET]],
                roi_pp=r[at["ROI change (pp)"]],
            )
            for r in table[1:]
        ]
    return facts


def read_html(text: str, scenario: Scenario) -> Facts:
    cards = {
        m.group(1): (m.group(2), html.unescape(m.group(3)))
        for m in re.finditer(
            r'<div class="card" data-metric="([a-z_]+)" data-value="([^"]*)"><div class="label">[^<]*</div>'
            r'<div class="value">([^<]*)',
            text,
        )
    }
    facts = Facts()
    if "roi" in cards:
        facts.roi, facts.roi_text = (float(cards["roi"][0]) if cards["roi"][0] else None), cards["roi"][1]
    if "sales_ops_cost" in cards:
        facts.cost, facts.cost_text = float(cards["sales_ops_cost"][0]), cards["sales_ops_cost"][1]
    m = re.search(
        r'<p class="facts">([\d,]+) reps and [\d,]+ managers in \d+ region\(s\); ([\d,.]+) sales-ops FTE', text
    )
    if m:
        facts.reps, facts.fte = int(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))
    section = re.search(r'<section id="roles">(.*?)</section>', text, re.S)
    by_name = {html.escape(p.role.name): p.role.id for p in scenario.roles}
    if section:
        for row in re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            if cells:
                name = re.sub(r" <strong>\(overloaded\)</strong>$", "", cells[0])
                if name in by_name:
                    facts.placements[by_name[name]] = html.unescape(cells[3])
    section = re.search(r'<section id="whatif">(.*?)</section>', text, re.S)
    if section and "<table>" in section.group(1):
        head = [html.unescape(h) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", section.group(1), re.S)]
        at = {name: head.index(name) for name in ("Role", "Now", "Switched to", WHATIF_NET, "ROI change")}
        facts.whatif_columns, facts.whatifs = head, []
        for row in re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            if not cells:
                continue
            exact = re.fullmatch(r'<data value="([^"]+)">(.*)</data>', cells[at[WHATIF_NET]], re.S)
            facts.whatifs.append(
                WhatIf(
                    html.unescape(cells[at["Role"]]),
                    html.unescape(cells[at["Now"]]),
                    html.unescape(cells[at["Switched to"]]),
                    net=float(exact.group(1)) if exact else None,
                    net_text=html.unescape(exact.group(2) if exact else cells[at[WHATIF_NET]]),
                    roi_text=html.unescape(cells[at["ROI change"]]),
                )
            )
    return facts


def read_pptx(data: bytes, scenario: Scenario) -> Facts:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    facts = Facts()
    by_name = {p.role.name: p.role.id for p in scenario.roles}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines = shape.text_frame.text.split("\n")
                if len(lines) >= 2 and lines[0] == METRIC["roi"].label:
                    facts.roi_text = lines[1]
                elif len(lines) >= 2 and lines[0] == METRIC["sales_ops_cost"].label:
                    facts.cost_text = lines[1]
                m = re.match(r"([\d,]+) reps and [\d,]+ managers in \d+ region\(s\); ([\d,.]+) sales-ops FTE", lines[0])
                if m:
                    facts.reps, facts.fte = int(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))
            if shape.has_table:
                rows = [[c.text for c in row.cells] for row in shape.table.rows]
                if rows and rows[0][:2] == ["Role", "Placement"]:
                    for row in rows[1:]:
                        if row[0] in by_name:
                            facts.placements[by_name[row[0]]] = row[1]
                if rows and rows[0][:2] == ["Role", "Switch"]:  # the what-ifs, continued over slides
                    head = rows[0]
                    net, roi = head.index(WHATIF_NET), head.index("ROI change")
                    facts.whatif_columns = head
                    facts.whatifs = facts.whatifs or []
                    for row in rows[1:]:
                        current, _, alternative = row[1].partition(" → ")
                        facts.whatifs.append(WhatIf(row[0], current, alternative, net_text=row[net], roi_text=row[roi]))
    return facts


def _placements(rows: list[dict[str, str]]) -> dict[str, str]:
    departments: dict[str, set[str]] = {}
    for r in rows:
        if r["kind"] == "sales_ops" and r["role_id"]:
            # An imported person keeps their own department; the placement column says where they are.
            where = r.get("placement", "")
            dept = r["department"]
            departments.setdefault(r["role_id"], set()).add(
                f"Sales operations ({where})" if where and not dept.startswith("Sales operations (") else dept
            )
    out = {}
    for role_id, deps in departments.items():
        if any("hybrid" in d for d in deps) or deps == {"Sales operations (central)", "Sales operations (embedded)"}:
            out[role_id] = "hybrid"
        elif all("(central" in d for d in deps):
            out[role_id] = "centralized"
        elif all("(embedded" in d for d in deps):
            out[role_id] = "localized"
        else:
            out[role_id] = "mixed: " + ", ".join(sorted(deps))
    return out


def _facts_of_rows(rows: list[dict[str, str]]) -> Facts:
    fte = sum(float(r["fte"]) for r in rows if r["kind"] == "sales_ops")
    reps = sum(1 for r in rows if r["kind"] == "rep")
    return Facts(fte=fte, reps=reps, placements=_placements(rows))


def read_csv(text: str) -> Facts:
    rows = list(csv.DictReader(io.StringIO(text)))
    return _facts_of_rows(rows)


def read_graphml(text: str) -> Facts:
    graph = nx.read_graphml(io.StringIO(text))
    rows = [
        {
            "kind": d.get("kind", ""),
            "role_id": d.get("role_id", ""),
            "department": d.get("department", ""),
            "placement": d.get("placement", ""),
            "fte": d.get("fte", 0.0),
        }
        for _, d in graph.nodes(data=True)
    ]
    return _facts_of_rows(rows)


def assert_agree(got: Facts, want: Facts, what: str, *, exact: bool = True, placements: bool = True) -> None:
    """Every figure a file carries equals the model's: ROI and cost to the cent (and as shown), FTE, reps,
    the placement of every role the file lists and, when ``want`` has them, the what-ifs: the same rows in
    the same order (best net value first), the net value change to the dollar (and as shown) and the ROI
    change. ``exact=False`` for FTE read from rounded text."""
    import pytest

    if want.roi is None:
        assert got.roi is None, f"{what}: ROI of a design that costs nothing"
    elif got.roi is not None:
        assert got.roi == pytest.approx(want.roi, abs=1e-12), f"{what}: ROI"
    if got.roi_text is not None:
        assert got.roi_text == want.roi_text, f"{what}: ROI as shown"
    if got.cost is not None:
        assert got.cost == pytest.approx(want.cost, abs=0.005), f"{what}: cost"
    if got.cost_text is not None:
        assert got.cost_text == want.cost_text, f"{what}: cost as shown"
    if got.fte is not None:
        assert got.fte == pytest.approx(want.fte, abs=1e-6 if exact else 0.05), f"{what}: FTE"
    if got.reps is not None:
        assert got.reps == want.reps, f"{what}: reps"
    if got.whatifs is not None and want.whatifs is not None:
        _agree_whatifs(got, want, what)
    if placements:
        staffed = {k: v for k, v in want.placements.items() if k in got.placements}
        assert got.placements == staffed, f"{what}: placements"


def _agree_whatifs(got: Facts, want: Facts, what: str) -> None:
    import pytest

    if got.whatif_columns is not None:
        first = got.whatif_columns.index(WHATIF_NET)
        assert got.whatif_columns[first - 1] in ("Switched to", "Switch"), f"{what}: net value is the first figure"
        assert got.whatif_columns[first + 1].startswith("ROI change"), f"{what}: ROI change beside net value"
    assert len(got.whatifs) == len(want.whatifs), f"{what}: what-if rows"
    for k, (g, w) in enumerate(zip(got.whatifs, want.whatifs)):
        row = f"{what}: what-if row {k + 1}"
        assert (g.role, g.current, g.alternative) == (w.role, w.current, w.alternative), f"{row}: order"
        if g.net is not None:
            assert g.net == pytest.approx(w.net, abs=0.5), f"{row}: net value change"
        if g.net_text is not None:
            assert g.net_text == w.net_text, f"{row}: net value change as shown"
        if g.roi_pp is not None:
            assert g.roi_pp == pytest.approx(w.roi_pp, abs=1e-9), f"{row}: ROI change"
        if g.roi_text is not None:
            assert g.roi_text == w.roi_text, f"{row}: ROI change as shown"
