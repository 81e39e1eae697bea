"""The org chart: a :class:`networkx.DiGraph` of positions and reporting lines.

Edges run from manager to direct report. Every node carries the attributes of a
:class:`Position` (``name``, ``title``, ``kind``, ``region``, ``cost_usd_per_year``,
``fte``) plus ``count``: a collapsed team node stands for ``count`` people.

Two ways in: :func:`org_from_positions` builds and validates an explicit list
(an HRIS export), and :func:`build_org` draws the org a Scenario describes, with
large teams collapsed to one node each unless asked to expand them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable

import networkx as nx

from salesops.model.layout import tidy_tree
from salesops.model.parts import RolePlan
from salesops.model.positions import KINDS, OrgValidationError, Position

if TYPE_CHECKING:
    from salesops.model.scenario import Scenario

__all__ = [
    "KINDS",
    "OrgValidationError",
    "Position",
    "build_org",
    "org_from_positions",
    "adjust_headcount",
    "org_summary",
    "people_drawn",
    "person_team",
    "spans_of_control",
    "tree_layout",
    "validate_positions",
]

ROOT_ID = "cro"
OPS_HEAD_ID = "ops-head"


def validate_positions(positions: Iterable[Position]) -> list[Position]:
    """Check that positions form one tree; return them as a list.

    Raises
    ------
    OrgValidationError
        On blank or duplicate ids, a manager id that does not exist (orphans),
        no root or several roots, or a reporting cycle; the message lists the ids.

    Examples
    --------
    >>> validate_positions([Position("a", "A", "leader"), Position("b", "B", "rep", "a")])[1].id
    'b'
    >>> validate_positions([Position("a", "A", "leader", "b"), Position("b", "B", "rep", "a")])
    Traceback (most recent call last):
    ...
    salesops.model.positions.OrgValidationError: reporting cycle: a -> b -> a
    """
    items = list(positions)
    if not items:
        raise OrgValidationError("the org is empty: no positions")
    blank = [i for i, p in enumerate(items) if not isinstance(p.id, str) or not p.id.strip()]
    if blank:
        raise OrgValidationError(f"blank id at position(s) {', '.join(str(i + 1) for i in blank)}")
    counts = Counter(p.id for p in items)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    if dupes:
        raise OrgValidationError(f"duplicate id(s): {', '.join(dupes)}")
    ids = set(counts)
    orphans = sorted(p.id for p in items if p.manager_id not in (None, "") and p.manager_id not in ids)
    if orphans:
        detail = ", ".join(f"{p.id} (manager {p.manager_id})" for p in items if p.id in set(orphans))
        raise OrgValidationError(f"manager not found for: {detail}")
    graph = nx.DiGraph()
    graph.add_nodes_from(p.id for p in items)
    graph.add_edges_from((p.manager_id, p.id) for p in items if p.manager_id)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = [u for u, _ in cycle] + [cycle[0][0]]
        raise OrgValidationError("reporting cycle: " + " -> ".join(path))
    roots = sorted(p.id for p in items if not p.manager_id)
    if len(roots) > 1:
        raise OrgValidationError(f"several roots (positions with no manager): {', '.join(roots)}")
    return items


def org_from_positions(positions: Iterable[Position]) -> nx.DiGraph:
    """Validate positions and return the org as a DiGraph (manager -> report)."""
    items = validate_positions(positions)
    graph = nx.DiGraph()
    for p in items:
        graph.add_node(
            p.id,
            name=p.name,
            title=p.title or p.name,
            kind=p.kind,
            region=p.region,
            cost_usd_per_year=p.cost_usd_per_year,
            fte=p.fte,
            role_id=p.role_id,
            count=p.count,
            department=p.department,
        )
    graph.add_edges_from((p.manager_id, p.id) for p in items if p.manager_id)
    return graph


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def build_org(
    scenario: Scenario,
    fte_by_team: dict[tuple[str, str], float] | None = None,
    expand_regions: Iterable[str] | None = None,
    expand_teams: Iterable[str] = (),
) -> nx.DiGraph:
    """Draw the org a scenario describes.

    Parameters
    ----------
    scenario : Scenario
    fte_by_team : dict, optional
        FTE of each sales-ops team keyed by ``(role_id, team)`` where team is
        ``"central"`` or a region id (from :func:`salesops.model.evaluation`).
        Without it, teams show their manual FTE.
    expand_regions : iterable of region ids, optional
        Regions whose managers are drawn one by one; others show one node for
        all their managers and reps. ``None`` expands every region.
    expand_teams : iterable of manager node ids
        Managers whose reps are drawn one by one instead of one team node.

    Returns
    -------
    networkx.DiGraph
        A validated tree rooted at ``"cro"`` (or an imported org's root).

    An imported org's sales-ops people are drawn under their real managers for every role whose
    design is still the one the import found (:func:`people_drawn`); for a role changed since, its
    people are left out (their reports move up to the nearest manager drawn) and the designed teams
    are drawn instead.
    """
    expand_r = {r.id for r in scenario.regions} if expand_regions is None else set(expand_regions)
    expand_t = set(expand_teams)
    fte_by_team = fte_by_team or {}
    hq = scenario.hq_region
    drawn = people_drawn(scenario)
    if scenario.positions:
        pos, ops_parent, region_heads = _imported_people(scenario, expand_r, expand_t, drawn)
    else:
        pos, ops_parent, region_heads = _generated_people(scenario, expand_r, expand_t)
    regions = {r.id: r for r in scenario.regions}
    for plan in scenario.roles:
        role = plan.role
        if role.id in drawn:
            continue  # its people are in the chart, under their real managers
        placement = plan.placement
        if placement in ("centralized", "hybrid"):
            fte = fte_by_team.get((role.id, "central"), scenario.manual_fte(plan)[0])
            pos.append(
                Position(
                    f"ops:{role.id}:central",
                    f"{role.name} (central)",
                    "sales_ops",
                    ops_parent,
                    role.name,
                    hq,
                    cost_usd_per_year=fte * role.cost_usd_per_year * scenario.hq.cost_index,
                    fte=fte,
                    role_id=role.id,
                    count=max(1, round(fte)),
                )
            )
        if placement in ("localized", "hybrid"):
            for rid, region in regions.items():
                if placement == "hybrid" and rid == hq:
                    continue  # the hub at HQ serves the HQ region itself
                fte = fte_by_team.get((role.id, rid), scenario.manual_fte(plan)[1].get(rid, 0.0))
                if fte == 0 and (region.reps == 0 or plan.sizing == "manual"):
                    continue  # no team there (a manual role left without staff in this region)
                pos.append(
                    Position(
                        f"ops:{role.id}:{rid}",
                        f"{role.name} ({region.name})",
                        "sales_ops",
                        region_heads[rid],
                        role.name,
                        rid,
                        cost_usd_per_year=fte * role.cost_usd_per_year * region.cost_index,
                        fte=fte,
                        role_id=role.id,
                        count=max(1, round(fte)),
                    )
                )
    return org_from_positions(pos)


def person_team(plan: RolePlan, position: Position, hq: str) -> str:
    """The team an imported sales-ops person belongs to in the design the import found: ``"central"``
    or a region id (a sales-ops position's region is the region its FTE counts in).

    Examples
    --------
    >>> from salesops.model.roles import load_catalog
    >>> plan = RolePlan(load_catalog()["enablement"], "hybrid", "manual", 2.0, (("emea", 1.0),))
    >>> [person_team(plan, Position(i, i, "sales_ops", region=r), "na") for i, r in (("a", "na"), ("b", "emea"))]
    ['central', 'emea']
    """
    if not any(f > 0 for _, f in plan.local_fte):
        return "central"  # centralized: every person pooled in the one team
    if plan.central_fte > 0 and position.region == hq:
        return "central"
    return position.region


def _imported_design(plan: RolePlan) -> str | None:
    """The placement a manual plan's stored FTE describe (what the import found), or None."""
    central = plan.central_fte > 0
    local = any(f > 0 for _, f in plan.local_fte)
    if plan.sizing != "manual" or plan.regions or plan.hub_region or not (central or local):
        return None
    return "hybrid" if central and local else ("centralized" if central else "localized")


def people_drawn(scenario: Scenario) -> set[str]:
    """The roles whose imported people the chart draws: those whose design is still what the import found.

    A role qualifies when it is sized by hand with no per-region placement or moved hub, its
    placement is the one its stored FTE describe, and its people make up the same teams (central
    and which regions) as the plan's stored FTE.
    """
    people: dict[str, list[Position]] = {}
    for p in scenario.positions:
        if p.kind == "sales_ops" and p.role_id:
            people.setdefault(p.role_id, []).append(p)
    out = set()
    for plan in scenario.roles:
        staff = people.get(plan.role.id)
        if not staff or _imported_design(plan) != plan.placement:
            continue
        teams = {person_team(plan, p, scenario.hq_region) for p in staff}
        designed = ({"central"} if plan.central_fte > 0 else set()) | {r for r, f in plan.local_fte if f > 0}
        if plan.placement == "hybrid":
            designed.discard(scenario.hq_region)
        if teams == designed:
            out.add(plan.role.id)
    return out


def _without_people(positions: tuple[Position, ...], gone: set[str]) -> tuple[Position, ...]:
    """``positions`` without the ``gone`` ones; their reports move up to the nearest manager kept."""
    if not gone:
        return positions
    manager = {p.id: p.manager_id for p in positions}

    def kept_above(pid: str | None) -> str | None:
        while pid is not None and pid in gone:
            pid = manager.get(pid)
        return pid

    return tuple(
        replace(p, manager_id=kept_above(p.manager_id)) if p.manager_id in gone else p
        for p in positions
        if p.id not in gone
    )


def _generated_people(
    scenario: Scenario, expand_r: set[str], expand_t: set[str]
) -> tuple[list[Position], str, dict[str, str]]:
    """Leaders, managers and reps of an org described by its regions alone."""
    hq = scenario.hq_region
    pos: list[Position] = [
        Position(ROOT_ID, "Chief Revenue Officer", "leader", None, "CRO", hq),
        Position(OPS_HEAD_ID, "Head of Sales Operations", "sales_ops", ROOT_ID, "Sales operations", hq),
    ]
    for r in scenario.regions:
        head = f"rl:{r.id}"
        pos.append(Position(head, f"{r.name} sales", "leader", ROOT_ID, "Regional VP", r.id))
        if r.id not in expand_r:
            if r.managers:
                pos.append(
                    Position(
                        f"mgrs:{r.id}",
                        f"{r.managers} managers",
                        "manager",
                        head,
                        "Front-line managers",
                        r.id,
                        count=r.managers,
                    )
                )
                if r.reps:
                    pos.append(
                        Position(
                            f"reps:{r.id}",
                            f"{r.reps} reps",
                            "rep",
                            f"mgrs:{r.id}",
                            "Account executives",
                            r.id,
                            count=r.reps,
                        )
                    )
            elif r.reps:
                pos.append(
                    Position(f"reps:{r.id}", f"{r.reps} reps", "rep", head, "Account executives", r.id, count=r.reps)
                )
            continue
        managers = [f"m:{r.id}:{i + 1}" for i in range(r.managers)]
        for i, mid in enumerate(managers):
            pos.append(Position(mid, f"Manager {i + 1} ({r.name})", "manager", head, "Sales manager", r.id))
        parents = managers or [head]
        for parent, n in zip(parents, _split(r.reps, len(parents))):
            if n == 0:
                continue
            if parent in expand_t:
                for k in range(n):
                    pos.append(
                        Position(
                            f"rep:{parent}:{k + 1}",
                            f"Account executive {k + 1}",
                            "rep",
                            parent,
                            "Account executive",
                            r.id,
                        )
                    )
            else:
                pos.append(Position(f"team:{parent}", f"{n} reps", "rep", parent, "Account executives", r.id, count=n))
    return pos, OPS_HEAD_ID, {r.id: f"rl:{r.id}" for r in scenario.regions}


def _imported_people(
    scenario: Scenario, expand_r: set[str], expand_t: set[str], drawn: set[str] | None = None
) -> tuple[list[Position], str, dict[str, str]]:
    """The positions of an imported org, with teams and regions collapsed on request.

    Reps reporting to a manager collapse into one team node (``team:<manager>``)
    unless the manager is in ``expand_t``. In a region not in ``expand_r``, each
    top-most manager subtree collapses, grouped by (parent, region), into one
    node for its managers, one for its reps and one for anyone else. Sales-ops people of roles not
    in ``drawn`` are left out.
    """
    drawn = set() if drawn is None else drawn
    positions = _without_people(
        scenario.positions, {p.id for p in scenario.positions if p.kind == "sales_ops" and p.role_id not in drawn}
    )
    by_id = {p.id: p for p in positions}
    children: dict[str, list[str]] = {}
    for p in positions:
        if p.manager_id:
            children.setdefault(p.manager_id, []).append(p.id)
    root = next(p.id for p in positions if not p.manager_id)
    out: list[Position] = []
    groups: dict[tuple[str | None, str], Counter] = {}
    stack: list[tuple[str, tuple[str | None, str] | None]] = [(root, None)]  # (node, collapsed group or None)
    while stack:
        node, group = stack.pop()
        p = by_id[node]
        kids = children.get(node, [])
        if group is None and p.kind == "manager" and p.region not in expand_r and node != root:
            group = (p.manager_id, p.region)
        if group is not None:
            groups.setdefault(group, Counter())[p.kind] += p.count
            stack.extend((k, group) for k in kids)
            continue
        out.append(p)
        leaf_reps = [k for k in kids if by_id[k].kind == "rep" and k not in children]
        if p.kind == "manager" and node not in expand_t and len(leaf_reps) > 1:
            out.append(
                Position(f"team:{node}", f"{len(leaf_reps)} reps", "rep", node, "Reps", p.region, count=len(leaf_reps))
            )
            kids = [k for k in kids if k not in set(leaf_reps)]
        stack.extend((k, None) for k in reversed(kids))
    names = {r.id: r.name for r in scenario.regions}
    for (parent, region), counts in groups.items():
        gid = f"mgrs:{parent}:{region}"
        out.append(
            Position(
                gid,
                f"{counts['manager']} managers ({names.get(region, region)})",
                "manager",
                parent,
                "Managers",
                region,
                count=max(1, counts["manager"]),
            )
        )
        if counts["rep"]:
            out.append(
                Position(
                    f"reps:{parent}:{region}", f"{counts['rep']} reps", "rep", gid, "Reps", region, count=counts["rep"]
                )
            )
        others = counts["other"] + counts["leader"] + counts["sales_ops"]
        if others:
            out.append(
                Position(
                    f"others:{parent}:{region}", f"{others} others", "other", gid, "Other staff", region, count=others
                )
            )
    # Central sales-ops teams report to the head of sales ops if the org has one.
    ops_head = next((p.id for p in out if p.kind == "leader" and _is_ops_title(p)), None)
    designed_central = any(
        plan.role.id not in drawn and plan.placement in ("centralized", "hybrid") for plan in scenario.roles
    )
    if ops_head is None and not designed_central:
        ops_head = root  # no designed central team to hang under a head of sales ops
    if ops_head is None:
        ops_head = OPS_HEAD_ID
        while ops_head in by_id:  # never collide with a real position's id
            ops_head += "-"
        out.append(
            Position(ops_head, "Head of Sales Operations", "sales_ops", root, "Sales operations", scenario.hq_region)
        )
    depth = _depths(positions, root)
    heads = {}
    for r in scenario.regions:
        in_region = [p for p in positions if p.region == r.id and p.kind in ("leader", "manager")]
        top = min(in_region, key=lambda p: (depth[p.id], p.kind != "leader", p.id), default=None)
        heads[r.id] = (
            top.id
            if top is not None and top.id in {q.id for q in out}
            else (top.manager_id if top is not None and top.manager_id else root)
        )
    return out, ops_head, heads


def _is_ops_title(p: Position) -> bool:
    text = f"{p.title} {p.department}".lower()
    return any(
        w in text
        for w in (
            "sales operations",
            "sales ops",
            "revenue operations",
            "revops",
            "rev ops",
            "gtm operations",
            "go-to-market operations",
        )
    )


def _depths(positions: tuple[Position, ...], root: str) -> dict[str, int]:
    parent: dict[str, str] = {p.id: p.manager_id for p in positions if p.manager_id}
    depth = {root: 0}

    def d(node: str) -> int:
        chain = []
        while node not in depth:
            chain.append(node)
            node = parent[node]
        base = depth[node]
        for i, n in enumerate(reversed(chain), 1):
            depth[n] = base + i
        return depth[chain[0]] if chain else base

    for p in positions:
        d(p.id)
    return depth


def adjust_headcount(positions: tuple[Position, ...], region_id: str, reps: int, managers: int) -> tuple[Position, ...]:
    """Add or remove planned reps and managers of one region of an imported org.

    New reps go under the region's managers in turn (or its top leader); new
    managers under the region's top leader. Removal takes planned positions
    first, newest first, then others from the end; a removed manager's reports
    move up to that manager's own manager.
    """
    items = list(positions)
    ids = {p.id for p in items}
    root = next(p.id for p in items if not p.manager_id)
    depth = _depths(positions, root)

    def region_of(kind: str) -> list[Position]:
        return [p for p in items if p.region == region_id and p.kind == kind]

    def top_leader() -> str:
        cands = [p for p in items if p.region == region_id and p.kind in ("leader", "manager")]
        leaders = [p for p in cands if p.kind == "leader"] or cands
        return min(leaders, key=lambda p: (depth.get(p.id, 0), p.id)).id if leaders else root

    def fresh(prefix: str) -> str:
        k = 1
        while f"{prefix}-{k}" in ids:
            k += 1
        ids.add(f"{prefix}-{k}")
        return f"{prefix}-{k}"

    def removal_order(ps: list[Position], prefix: str) -> list[Position]:
        planned = sorted((p for p in ps if p.id.startswith(prefix)), key=lambda p: p.id, reverse=True)
        rest = [p for p in reversed(ps) if not p.id.startswith(prefix)]
        return planned + rest

    have = len(region_of("manager"))
    if managers > have:
        for _ in range(managers - have):
            pid = fresh(f"planned-mgr-{region_id}")
            items.append(
                Position(
                    pid,
                    f"Planned manager ({pid.rsplit('-', 1)[-1]})",
                    "manager",
                    top_leader(),
                    "Sales manager (planned)",
                    region_id,
                )
            )
    elif managers < have:
        for gone in removal_order(region_of("manager"), "planned-mgr-")[: have - managers]:
            items = [
                replace(p, manager_id=gone.manager_id) if p.manager_id == gone.id else p
                for p in items
                if p.id != gone.id
            ]
    have = len(region_of("rep"))
    if reps > have:
        parents = sorted(p.id for p in region_of("manager")) or [top_leader()]
        for i in range(reps - have):
            pid = fresh(f"planned-rep-{region_id}")
            items.append(
                Position(
                    pid,
                    f"Planned rep ({pid.rsplit('-', 1)[-1]})",
                    "rep",
                    parents[i % len(parents)],
                    "Account executive (planned)",
                    region_id,
                )
            )
    elif reps < have:
        with_reports = {p.manager_id for p in items}
        removable = [p for p in region_of("rep") if p.id not in with_reports]
        gone_reps = {p.id for p in removal_order(removable, "planned-rep-")[: have - reps]}
        items = [p for p in items if p.id not in gone_reps]
    return tuple(items)


def spans_of_control(graph: nx.DiGraph) -> dict[str, int]:
    """Direct reports (people, counting collapsed teams by size) of every manager."""
    spans = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") == "manager" and data.get("count", 1) == 1:
            spans[node] = sum(graph.nodes[c].get("count", 1) for c in graph.successors(node))
    return spans


def org_summary(graph: nx.DiGraph) -> dict[str, float]:
    """Headcount by kind, layers, and the ratios the pages show."""
    people: Counter[str] = Counter()
    for _, data in graph.nodes(data=True):
        people[data.get("kind", "other")] += data.get("count", 1)
    root = next(n for n, d in graph.in_degree() if d == 0)
    depth = nx.single_source_shortest_path_length(graph, root)
    layers = max(depth.values()) + 1
    ops_fte = sum(d.get("fte", 0.0) for n, d in graph.nodes(data=True) if d.get("role_id"))
    return {
        "positions": sum(people.values()),
        "leaders": people["leader"],
        "managers": people["manager"],
        "reps": people["rep"],
        "sales_ops_fte": ops_fte,
        "layers": layers,
        "reps_per_manager": people["rep"] / people["manager"] if people["manager"] else 0.0,
    }


def tree_layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Tidy top-down layout of unit nodes: each parent centred over its children.

    Sibling subtrees pack as closely as their outlines allow, nodes of one depth at
    least 1 apart (:func:`salesops.model.layout.tidy_tree`; the chart's layout, sized
    by the labels, is :func:`salesops.model.layout.label_tree_layout`). Returns
    ``{node: (x, depth)}`` with the smallest x at 0; iterative, so deep or wide orgs
    cannot hit the recursion limit.
    """
    if graph.number_of_nodes() == 0:
        return {}
    root = next(n for n, d in graph.in_degree() if d == 0)
    depth = nx.single_source_shortest_path_length(graph, root)
    children = {n: list(graph.successors(n)) for n in graph.nodes}
    x = tidy_tree(children, root, dict.fromkeys(graph.nodes, 0.0), gap=1.0)
    low = min(x.values())
    return {n: (x[n] - low, float(depth[n])) for n in graph.nodes}
