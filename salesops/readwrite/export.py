"""Export a scenario's org, person by person, as CSV (for a spreadsheet or an HRIS) or GraphML.

Every person is one row (one node): the positions of an imported org, or for an
org described by its regions alone (the samples) its leaders, managers and reps
drawn one by one with stable ids; plus one row per sales-ops FTE (a fractional
remainder is a row with that FTE). Central sales-ops staff report to the head of
sales ops (or to the root when the org has none), embedded staff to their
region's top leader, as :func:`salesops.model.org.build_org` draws them, and their
department says ``Sales operations (central)`` or ``Sales operations
(embedded)`` (with ``hybrid`` for a hub-and-spokes role) so that
:mod:`salesops.readwrite.hris` rebuilds the same placement. An imported org's own sales-ops people
are written with their real managers for every role whose design is still the one the import
found (the rows of the teams drawn in their place otherwise). The ``placement`` column (``central`` or
``embedded``) of every sales-ops row makes the re-import place each person as exported.

The CSV re-imports exactly (``kind`` and ``role_id`` columns override the title
rules; the region columns ``tz_offset_hours``, ``market_complexity`` and
``cost_index`` carry the region parameters) and is safe to open in a spreadsheet:
a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
leading apostrophe (OWASP, CSV injection), which the importer removes again.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> text = to_csv(load_sample("startup"))
>>> text.splitlines()[0]
'employee_id,name,title,manager_id,department,region,kind,role_id,fte,cost_usd_per_year,tz_offset_hours,market_complexity,cost_index,placement'
>>> neutralize("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import TYPE_CHECKING, Any

import networkx as nx

from salesops.model.org import OPS_HEAD_ID, build_org, person_team
from salesops.model.scenario import Scenario

if TYPE_CHECKING:
    from salesops.model import Results

__all__ = ["CSV_COLUMNS", "export_rows", "neutralize", "redact_people", "to_csv", "to_graphml"]

CSV_COLUMNS = (
    "employee_id",
    "name",
    "title",
    "manager_id",
    "department",
    "region",
    "kind",
    "role_id",
    "fte",
    "cost_usd_per_year",
    "tz_offset_hours",
    "market_complexity",
    "cost_index",
    "placement",
)
# Departments of exported sales-ops staff: salesops.readwrite.hris reads "embedded" (a team in a
# region, even at HQ) and "hybrid" (a hub and spokes, even when one side has no staff).
DEPARTMENTS = {
    (True, False): "Sales operations (central)",
    (False, False): "Sales operations (embedded)",
    (True, True): "Sales operations (central hub, hybrid)",
    (False, True): "Sales operations (embedded, hybrid)",
}
_NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def neutralize(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return (after
    any apostrophes already there, so the escape can be undone exactly) get one
    more leading apostrophe.

    Examples
    --------
    >>> neutralize("=1+1"), neutralize("-3"), neutralize("Ann"), neutralize("'=x")
    ("'=1+1", "'-3", 'Ann', "''=x")
    """
    return "'" + cell if _NEEDS_ESCAPE.match(cell) else cell


def _number(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot export a non-finite number {value!r}")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    # "950.125" would read back as 950,125 (a dot before three digits groups
    # thousands in a cost); a trailing zero keeps it a decimal.
    return text + "0" if _DOT_THOUSANDS.fullmatch(text.lstrip("-")) else text


def _fte_by_team(scenario: Scenario, results: Results | None) -> dict[tuple[str, str], float]:
    if results is None:
        from salesops.model import evaluate  # the teams as the model staffs them

        results = evaluate(scenario)
    return {(t.role_id, t.team): t.fte for t in results.teams}


def _split_fte(fte: float) -> list[float]:
    """Whole people and one part-timer whose FTE add back to ``fte`` exactly (a fractional team's size)."""
    whole = math.floor(fte + 1e-12)  # 2.9999999999999996 is three people, not two and a sliver
    rest = fte - whole  # exact: subtracting a whole number below fte loses no bit
    return [1.0] * whole + ([rest] if rest > 1e-12 else [])


def _ops_costs(scenario: Scenario, graph: nx.DiGraph) -> dict[str, float]:
    """The cost to write for imported sales-ops people whose role's cost per FTE has moved away from
    what their salaries give (a region's cost index edited since the import): their salaries scaled so
    that the re-import gives the role's cost per FTE again. Empty when nothing moved."""
    regions = {r.id: r for r in scenario.regions}
    staff: dict[str, list] = {}
    for p in scenario.positions:
        if p.kind == "sales_ops" and p.id in graph:
            staff.setdefault(p.role_id, []).append(p)
    out: dict[str, float] = {}
    for plan in scenario.roles:
        people = staff.get(plan.role.id, [])
        fte = sum(p.fte for p in people)
        if not people or fte <= 0:
            continue
        index = {p.id: regions[p.region].cost_index if p.region in regions else 1.0 for p in people}
        normalised = sum(p.cost_usd_per_year / index[p.id] for p in people)
        target = plan.role.cost_usd_per_year
        if normalised <= 0 or round(normalised / fte, 2) == target:
            continue
        for p in people:
            if normalised > 0:  # no salaries: the re-import takes the catalog's cost again
                out[p.id] = p.cost_usd_per_year * target * fte / normalised
    return out


def export_rows(scenario: Scenario, results: Results | None = None) -> list[dict[str, Any]]:
    """One record per person of the scenario's org (the rows of :func:`to_csv`).

    Parameters
    ----------
    scenario : Scenario
    results : Results, optional
        ``evaluate(scenario)``, for the FTE of auto-sized teams (computed when
        needed and not given).

    Returns
    -------
    list of dict
        Keys :data:`CSV_COLUMNS` plus ``region_id``; numbers as floats, the root's
        ``manager_id`` blank.
    """
    fte_by_team = _fte_by_team(scenario, results)
    imported = bool(scenario.positions)
    # First pass finds the collapsed rep teams, the second draws their reps one by one.
    if imported:
        expand = {p.id for p in scenario.positions}
    else:
        first = build_org(scenario, fte_by_team, expand_regions=None)
        expand = {n[len("team:") :] for n in first.nodes if n.startswith("team:")}
    graph = build_org(scenario, fte_by_team, expand_regions=None, expand_teams=expand)
    regions = {r.id: r for r in scenario.regions}
    root = next(n for n, d in graph.in_degree() if d == 0)

    def record(
        pid: str,
        name: str,
        title: str,
        manager: str | None,
        department: str,
        region: str,
        kind: str,
        role_id: str,
        fte: float,
        cost: float,
        placement: str = "",
    ) -> dict[str, Any]:
        r = regions.get(region)
        return {
            "employee_id": pid,
            "name": name,
            "title": title,
            "manager_id": manager or "",
            "department": department,
            "region": r.name if r is not None else region,
            "region_id": region,
            "kind": kind,
            "role_id": role_id,
            "fte": fte,
            "cost_usd_per_year": cost,
            "tz_offset_hours": r.tz_offset_hours if r is not None else 0.0,
            "market_complexity": r.market_complexity if r is not None else 0.0,
            "cost_index": r.cost_index if r is not None else 1.0,
            "placement": placement,
        }

    rows: list[dict[str, Any]] = []
    position_ids = {p.id for p in scenario.positions}
    plans = {p.role.id: p for p in scenario.roles}
    ops_cost = _ops_costs(scenario, graph)
    if imported:
        for p in scenario.positions:
            if p.id not in graph:
                continue  # a sales-ops person of a role redesigned since the import: its teams are drawn
            manager = next(iter(graph.predecessors(p.id)), None)
            placement = ""
            if p.kind == "sales_ops" and p.role_id in plans:
                # A position's region is the region its person counts in: HQ for the central team.
                central = person_team(plans[p.role_id], p, scenario.hq_region) == "central"
                placement = "central" if central else "embedded"
            copies = max(1, p.count)
            for k in range(copies):  # a collapsed team stored in a scenario file becomes its people
                pid = p.id if k == 0 else f"{p.id}#{k + 1}"
                rows.append(
                    record(
                        pid,
                        p.name,
                        p.title,
                        manager,
                        p.department,
                        p.region,
                        p.kind,
                        p.role_id,
                        p.fte,
                        ops_cost.get(p.id, p.cost_usd_per_year),
                        placement,
                    )
                )
    synthetic_head = OPS_HEAD_ID in graph and OPS_HEAD_ID not in position_ids
    for node, data in graph.nodes(data=True):
        manager = next(iter(graph.predecessors(node)), None)
        if node in position_ids:
            continue
        if node == OPS_HEAD_ID and synthetic_head:
            if imported:
                continue  # an imported org without a head of sales ops: central teams report to the root
            rows.append(
                record(
                    node,
                    data["name"],
                    "Head of Sales Operations",
                    manager,
                    data["title"],
                    data["region"],
                    "leader",
                    "",
                    1.0,
                    0.0,
                )
            )
            continue
        role_id = data.get("role_id", "")
        if role_id and node.startswith("ops:") and role_id in plans:
            if manager == OPS_HEAD_ID and synthetic_head and imported:
                manager = root
            role = plans[role_id].role
            region = data["region"]
            central = node.endswith(":central")
            cost_index = regions[region].cost_index if region in regions else 1.0
            where = "central" if central else (regions[region].name if region in regions else region)
            for k, fte in enumerate(_split_fte(float(data.get("fte", 0.0))), start=1):
                rows.append(
                    record(
                        f"{node}:{k}",
                        f"{role.name} ({where}) {k}",
                        role.name,
                        manager,
                        DEPARTMENTS[central, plans[role_id].placement == "hybrid"],
                        region,
                        "sales_ops",
                        role_id,
                        fte,
                        fte * role.cost_usd_per_year * cost_index,
                        "central" if central else "embedded",
                    )
                )
            continue
        rows.append(
            record(
                node,
                data["name"],
                data["title"],
                manager,
                data.get("department", ""),
                data["region"],
                data["kind"],
                "",
                float(data.get("fte", 1.0)),
                float(data.get("cost_usd_per_year", 0.0)),
            )
        )
    return rows


def redact_people(scenario: Scenario, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` without people-level data: the real people of an imported org get pseudonymous ids
    (``P00001``, ... in file order, reporting lines kept), no name and no salary.

    What the org *is* (titles, kinds, regions, roles, FTE, reporting lines) stays, so the file still
    shows the structure; who the people are and what they earn does not.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> rows = export_rows(load_sample("startup"))
    >>> redact_people(load_sample("startup"), rows) == rows  # a sample has no real people
    True
    """
    real = {p.id for p in scenario.positions}
    if not real:
        return rows
    alias: dict[str, str] = {}
    for rec in rows:
        base = rec["employee_id"].split("#", 1)[0]
        if base in real and rec["employee_id"] not in alias:
            alias[rec["employee_id"]] = f"P{len(alias) + 1:05d}"
    out = []
    for rec in rows:
        if rec["employee_id"] in alias:
            rec = {**rec, "employee_id": alias[rec["employee_id"]], "name": "", "cost_usd_per_year": 0.0}
        if rec["manager_id"] in alias:
            rec = {**rec, "manager_id": alias[rec["manager_id"]]}
        out.append(rec)
    return out


def to_csv(scenario: Scenario, results: Results | None = None, *, people: bool = True) -> str:
    """The org as CSV, one row per person, safe to open in a spreadsheet.

    Parameters
    ----------
    scenario : Scenario
    results : Results, optional
        ``evaluate(scenario)`` if already at hand (for auto-sized teams).

    Returns
    -------
    str
        Header :data:`CSV_COLUMNS`, CRLF line ends (RFC 4180). Importing it with
        :mod:`salesops.readwrite.hris` gives back the same positions, roles, FTE and figures.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    numeric = {"fte", "cost_usd_per_year", "tz_offset_hours", "market_complexity", "cost_index"}
    rows = export_rows(scenario, results)
    for rec in rows if people else redact_people(scenario, rows):
        # Numbers are written as numbers (a negative offset stays -3); only text can start a formula.
        writer.writerow([_number(rec[c]) if c in numeric else neutralize(str(rec[c])) for c in CSV_COLUMNS])
    return out.getvalue()


def to_graphml(scenario: Scenario, results: Results | None = None, *, people: bool = True) -> str:
    """The org as GraphML: one node per person, an edge from each manager to each report.

    Node attributes: ``name``, ``title``, ``department``, ``kind``, ``role_id``,
    ``region`` (id), ``region_name``, ``fte``, ``cost_usd_per_year`` and ``placement``.

    Examples
    --------
    >>> import io, networkx as nx
    >>> from salesops.model.samples import load_sample
    >>> g = nx.read_graphml(io.StringIO(to_graphml(load_sample("startup"))))
    >>> g.nodes["cro"]["kind"]
    'leader'
    """
    graph = nx.DiGraph(name=scenario.name, hq_region=scenario.hq_region)
    rows = export_rows(scenario, results)
    if not people:
        rows = redact_people(scenario, rows)
    for rec in rows:
        graph.add_node(
            rec["employee_id"],
            name=rec["name"],
            title=rec["title"],
            department=rec["department"],
            kind=rec["kind"],
            role_id=rec["role_id"],
            region=rec["region_id"],
            region_name=rec["region"],
            fte=float(rec["fte"]),
            cost_usd_per_year=float(rec["cost_usd_per_year"]),
            placement=rec["placement"],
        )
    graph.add_edges_from((rec["manager_id"], rec["employee_id"]) for rec in rows if rec["manager_id"])
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")
