"""Building the scenario: :func:`build_import` runs the import's stages in order, then makes the result.

The stages are functions of one shared :class:`~salesops.readwrite.hris.state._ImportState`:
:mod:`~salesops.readwrite.hris.people` (mapping, people, classification), :mod:`~salesops.readwrite.hris.tree`
(check and trim the reporting tree), :mod:`~salesops.readwrite.hris.regions` (regions, HQ, offsets), then,
here, the sales-ops roles, the positions and the :class:`~salesops.readwrite.hris.errors.ImportResult`.
"""

from __future__ import annotations

import math

import re
from collections import Counter
from dataclasses import replace
from typing import Mapping, Sequence

import pandas as pd

from salesops.model.positions import KINDS, Position
from salesops.model.scenario import RolePlan, Scenario, ScenarioError
from salesops.readwrite.hris.errors import ImportResult, _reject
from salesops.readwrite.hris.people import check_mapping, classify_people, read_people
from salesops.readwrite.hris.placement import Placement, place_people
from salesops.readwrite.hris.read import RawTable
from salesops.readwrite.hris.regions import place_regions
from salesops.readwrite.hris.rules import Rule, _check_rule_count, load_rules
from salesops.readwrite.hris.state import VIRTUAL_ROOT_ID, _ImportState
from salesops.readwrite.hris.tree import check_tree, trim_tree
from salesops.readwrite.hris.values import _natural_key


_EMBEDDED = re.compile(r"\b(?:embedded|locali[sz]ed|local)\b", re.IGNORECASE)
_HYBRID = re.compile(r"\bhybrid\b", re.IGNORECASE)
_SALES_DEPARTMENT = re.compile(r"\bsales\b", re.IGNORECASE)


# --------------------------------------------------------------------------
# Building the scenario
# --------------------------------------------------------------------------
def build_import(
    raw: RawTable,
    mapping: Mapping[str, str | None],
    rules: Sequence[Rule] | None = None,
    *,
    keep_other: bool = True,
    virtual_root: bool = False,
    kind_overrides: Mapping[str, tuple[str, str]] | None = None,
    region_map: Mapping[str, str] | None = None,
    placement_overrides: Mapping[str, str] | None = None,
    name: str = "Imported org",
) -> ImportResult:
    """Classify the people of a file and build a Scenario from them, or reject it.

    Parameters
    ----------
    raw : RawTable
        From :func:`read_table`.
    mapping : mapping of field to column or None
        From :func:`guess_mapping` / :func:`override_mapping`.
    rules : sequence of Rule, optional
        Classification rules (default :func:`load_rules`).
    keep_other : bool
        Keep people classified ``other``; with False they are dropped and their
        reports move up to the nearest kept manager (the top of the org is kept).
    virtual_root : bool
        When several people have no manager, add a root ``"virtual-root"`` above them.
    kind_overrides : mapping of employee id to (kind, role_id), optional
        Per-person corrections; they win over the file and the rules.
    region_map : mapping of location to region name, optional
        The user's choices of region for a location (or country), winning over the
        default mapping of ``data/location_regions.csv``.
    placement_overrides : mapping of employee id to ``"central"`` or ``"embedded"``, optional
        Per-person corrections of a sales-ops person's placement; they win over what the
        reporting lines imply.
    name : str
        Scenario name.

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportRejected
        Listing up to :data:`MAX_PROBLEMS` problems, each with its row and column:
        missing required columns, blank or duplicate ids, unknown managers,
        reporting cycles, no root or several roots, bad costs or FTE, unknown
        kinds or roles.
    RuleError
        For more rules than :data:`~salesops.model.limits.MAX_RULES`.

    Examples
    --------
    >>> from salesops.readwrite.hris import guess_mapping, read_table
    >>> raw = read_table(b"ID,Name,Manager,Title\\nE1,Ann,,VP Sales\\nE2,Bob,E1,Account Executive\\n", "x.csv")
    >>> result = build_import(raw, guess_mapping(raw.frame.columns))
    >>> [(p.id, p.kind, p.manager_id) for p in result.scenario.positions]
    [('E1', 'leader', None), ('E2', 'rep', 'E1')]
    >>> raw = read_table(b"ID,Name,Manager\\nE1,Ann,\\nE2,Bob,E9\\n", "x.csv")
    >>> build_import(raw, guess_mapping(raw.frame.columns))
    Traceback (most recent call last):
    ...
    salesops.readwrite.hris.errors.ImportRejected: row 3, column 'Manager': manager 'E9' does not exist
    """
    if rules is not None:
        _check_rule_count(len(rules))
    return _run(
        _ImportState(
            raw,
            mapping,
            list(rules) if rules is not None else load_rules(),
            keep_other,
            virtual_root,
            dict(kind_overrides or {}),
            name,
            region_map=dict(region_map or {}),
            placement_overrides=dict(placement_overrides or {}),
        )
    )


def _run(st: _ImportState) -> ImportResult:
    """Run the stages in order: the problems found so far stop the import after the tree checks and
    again after the regions, so that a refusal lists every problem of those stages."""
    st.frame = st.raw.frame
    st.warnings = list(st.raw.warnings)
    st.rows = [int(r) for r in st.frame.index]
    check_mapping(st)
    read_people(st)
    classify_people(st)
    check_tree(st)
    st.stop_if_problems()
    trim_tree(st)
    place_regions(st)
    st.stop_if_problems()
    placed = place_people(st)
    st.stop_if_problems()
    roles = build_roles(st, placed)
    pooled = {p.role.id for p in roles if p.placement == "centralized"}
    placed = {pid: (replace(q, team="central") if st.roles[st.pos[pid]] in pooled else q) for pid, q in placed.items()}
    positions = build_positions(st, placed)
    return finish(st, positions, roles)


def build_roles(st: _ImportState, placed: Mapping[str, Placement] | None = None) -> list[RolePlan]:
    """A manual-sized RolePlan per catalog role with staff: its placement, FTE and cost per FTE.

    Each person's placement comes from :func:`~salesops.readwrite.hris.placement.place_people` (their
    reporting lines, the user's corrections); a role whose people are all central is centralized, all
    embedded localized, both hybrid (or a department that says ``hybrid``).
    """
    if placed is None:
        placed = place_people(st)
        st.stop_if_problems()
    plans = []
    costs_given = "cost" in st.cols
    for role_id, spec in st.catalog.items():
        staff = [pid for pid in st.ops_ids if st.roles[st.pos[pid]] == role_id]
        if not staff:
            continue
        central = 0.0
        local: Counter = Counter()
        has_central = has_local = marked_hybrid = False
        cost_sum = cost_fte = 0.0
        for pid in staff:
            i = st.pos[pid]
            rid, fte = _team_region(st, placed[pid]), st.ftes[i]
            marked_hybrid = marked_hybrid or bool(_HYBRID.search(st.departments[i]))
            if placed[pid].placement == "central":
                central += fte
                has_central = True
            else:
                local[rid] += fte
                has_local = True
            cost = st.costs[i]
            if costs_given and cost:  # a blank or zero cost is unknown: the catalog's figure stands in
                cost_sum += cost / st.cost_index.get(rid, 1.0)
                cost_fte += fte
        rep_regions = {st.region_of[pid] for pid in st.kept if pid in st.kind_of and st.kind_of[pid] == "rep"} - {st.hq}
        marked = marked_hybrid or any(_EMBEDDED.search(st.departments[st.pos[pid]]) for pid in staff)
        if marked_hybrid or (has_central and has_local and (marked or rep_regions <= set(local))):
            placement = "hybrid"
        elif has_central and has_local:
            # Staff at HQ and in some regions only: a hybrid set-up would leave the other
            # regions' share unserved, so the people are modelled as one central pool.
            placement = "centralized"
            total = central + sum(local.values())
            st.warnings.append(
                f"{spec.name}: staff at HQ and in {', '.join(sorted(st.region_names.get(r, r) for r in local))} "
                "but not in every region, so "
                f"all {total:g} FTE are modelled as one central team; switch it to hybrid or localized on "
                "the Org designer page to compare"
            )
            central, local = total, Counter()
        else:
            placement = "centralized" if has_central else "localized"
        if placement == "hybrid" and st.hq in local:  # the hub at HQ serves the HQ region itself
            central += local.pop(st.hq)
        if cost_fte > 0:
            spec = replace(spec, cost_usd_per_year=round(cost_sum / cost_fte, 2))
        plans.append(
            RolePlan(
                role=spec,
                placement=placement,
                sizing="manual",
                central_fte=_tidy(central),
                local_fte=tuple((rid, _tidy(f)) for rid, f in local.items()),
            )
        )
    return plans


def _team_region(st: _ImportState, placed: Placement) -> str:
    """The region a sales-ops person counts in: HQ for the central team, else the region they serve."""
    return st.hq if placed.team == "central" else placed.team


def _tidy(fte: float) -> float:
    """A sum of FTE without float noise (0.1 + 0.2 is 0.3), a genuine fraction kept exactly.

    Exported fractional teams (0.4255754472687840 FTE) must read back to the same figures.
    """
    tidy = round(fte, 9)
    return tidy if abs(tidy - fte) <= 64 * math.ulp(fte) else fte  # noise of a sum is a few ulps


def build_positions(st: _ImportState, placed: Mapping[str, Placement] | None = None) -> list[Position]:
    """A Position per kept person, sales-ops people included (and the virtual root), in natural order of ids.

    Everyone reports to their manager in the file, or, when that manager was dropped (an ``other``
    left out), to the nearest kept one above. A sales-ops person's region is the region they count
    in: HQ for the central team (every person of a centralized role), the region they serve when embedded.
    """
    if placed is None:
        placed = place_people(st)
    ops = set(st.ops_ids)
    people = set(st.kept) | ops
    parent = dict(st.parent)
    if st.root == VIRTUAL_ROOT_ID:
        parent.update({r: VIRTUAL_ROOT_ID for r in st.root_ids})
        parent[VIRTUAL_ROOT_ID] = None

    def manager_of(pid: str) -> str | None:
        node = parent.get(pid)
        while node is not None and node not in people:
            node = parent.get(node)
        return node

    out = []
    for pid in list(st.kept) + [p for p in st.ops_ids if p in placed]:
        if pid == VIRTUAL_ROOT_ID and pid not in st.pos:
            out.append(
                Position(VIRTUAL_ROOT_ID, "Virtual root", "leader", None, "Virtual root (added on import)", st.hq)
            )
            continue
        i = st.pos[pid]
        kind = st.kind_of[pid]
        out.append(
            Position(
                id=pid,
                name=st.names[i],
                kind=kind,
                manager_id=None if pid == st.root else manager_of(pid),
                title=st.titles[i],
                region=_team_region(st, placed[pid]) if pid in ops else st.region_of[pid],
                cost_usd_per_year=st.costs[i] or 0.0,
                fte=st.ftes[i],
                role_id=st.roles[i] if kind == "sales_ops" else "",
                department=st.departments[i],
            )
        )
    out.sort(key=lambda p: _natural_key(p.id))
    return out


def finish(st: _ImportState, positions: list[Position], roles: list[RolePlan]) -> ImportResult:
    """The Scenario, checked, with the classification table, the warnings and the summary."""
    filename = st.raw.filename
    description = f"Imported from {filename}" if filename else "Imported from an HRIS export"
    try:
        scenario = Scenario(
            name=st.name.strip() or "Imported org",
            hq_region=st.hq,
            regions=tuple(st.regions),
            roles=tuple(roles),
            positions=tuple(positions),
            description=f"{description} ({len(st.rows):,} rows)",
        )
        scenario.check_positions()
    except ScenarioError as exc:
        raise _reject(f"the imported org is not valid: {exc}") from None
    sales_others = Counter(
        t for t, d, k in zip(st.titles, st.departments, st.kinds) if k == "other" and _SALES_DEPARTMENT.search(d)
    )
    if sales_others:
        examples = ", ".join(repr(t or "(no title)") for t, _ in sales_others.most_common(3))
        st.warnings.append(
            f"{sum(sales_others.values())} people in a sales department have a title no rule "
            f"recognises (e.g. {examples}); they count as 'other' (add a rule or a kind column)"
        )
    classification = pd.DataFrame(
        {
            "row": st.rows,
            "id": st.ids,
            "name": st.names,
            "title": st.titles,
            "department": st.departments,
            "region": [st.region_of.get(pid, "") for pid in st.ids],
            "kind": st.kinds,
            "role_id": st.roles,
            "rule": st.reasons,
        }
    )
    by_kind = Counter(st.kinds)
    summary = {
        "rows": len(st.rows),
        "people": len(st.pos),
        "positions": len(positions),
        "by_kind": {k: by_kind.get(k, 0) for k in KINDS},
        "dropped_other": len(st.dropped),
        "virtual_root": st.root == VIRTUAL_ROOT_ID,
        "root": st.root,
        "hq_region": st.hq,
        "region_source": st.region_source,
        "mapping": dict(st.cols),
        "regions": [
            {
                "id": r.id,
                "name": r.name,
                "people": sum(1 for p in positions if p.region == r.id),
                "reps": r.reps,
                "managers": r.managers,
                "tz_offset_hours": r.tz_offset_hours,
            }
            for r in scenario.regions
        ],
        "roles": [
            {
                "role_id": p.role.id,
                "name": p.role.name,
                "placement": p.placement,
                "people": sum(1 for q in st.ops_ids if st.roles[st.pos[q]] == p.role.id),
                "fte": round(p.central_fte + sum(f for _, f in p.local_fte), 6),
                "central_fte": p.central_fte,
                "local_fte": dict(p.local_fte),
                "cost_usd_per_year": p.role.cost_usd_per_year,
            }
            for p in scenario.roles
        ],
    }
    summary.update(st.extra_summary)  # what later stages add (locations, placements)
    return ImportResult(
        scenario=scenario, classification=classification, warnings=tuple(dict.fromkeys(st.warnings)), summary=summary
    )
