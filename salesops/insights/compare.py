"""Side-by-side comparison of scenarios: headline metrics and a structural diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from salesops.model.metrics import COMPARE
from salesops.model import Results
from salesops.model.scenario import Scenario

__all__ = ["METRICS", "Change", "headline_table", "structural_diff"]

# (key in Results.headline(), label, kind): the one list of salesops.model.metrics, shared with the CLI and exports.
METRICS = tuple((m.key, m.label, m.kind) for m in COMPARE)


def headline_table(labels: Sequence[str], results: Sequence[Results], baseline: int = 0) -> pd.DataFrame:
    """Headline metrics of several scenarios with each one's difference from the baseline.

    Parameters
    ----------
    labels : sequence of str
        A unique label per scenario (column names).
    results : sequence of Results
    baseline : int
        Index of the scenario the differences are taken against.

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric`` (label), ``kind``, ``key``, then for each label its value and
        ``"<label> Δ"`` its difference from the baseline (None where a value is missing).

    Raises
    ------
    ValueError
        If labels and results differ in length, labels repeat, or baseline is out of range.
    """
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels for {len(results)} results")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must be unique, got {list(labels)}")
    if not 0 <= baseline < len(results):
        raise ValueError(f"baseline must be between 0 and {len(results) - 1}, got {baseline}")
    heads = [r.headline() for r in results]
    rows = []
    for key, label, kind in METRICS:
        row = {"metric": label, "kind": kind, "key": key}
        base = heads[baseline][key]
        for name, head in zip(labels, heads):
            value = head[key]
            row[name] = value
            row[f"{name} Δ"] = None if value is None or base is None else value - base
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Change:
    """One structural difference between a baseline and another scenario."""

    kind: str  # "role added", "role removed", "placement", "sizing", "fte", "region added", ...
    subject: str
    before: str
    after: str


def structural_diff(base: Scenario, other: Scenario) -> list[Change]:
    """What changed in the org from ``base`` to ``other``: roles, placements, headcounts.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> s = load_sample("midmarket")
    >>> [c.kind for c in structural_diff(s, s.with_placement("deal_desk", "localized"))]
    ['placement']
    """
    out: list[Change] = []
    base_roles = {p.role.id: p for p in base.roles}
    other_roles = {p.role.id: p for p in other.roles}
    for rid in base_roles.keys() - other_roles.keys():
        out.append(Change("role removed", base_roles[rid].role.name, base_roles[rid].placement, "—"))
    for rid in other_roles.keys() - base_roles.keys():
        out.append(Change("role added", other_roles[rid].role.name, "—", other_roles[rid].placement))
    for rid in sorted(base_roles.keys() & other_roles.keys()):
        a, b = base_roles[rid], other_roles[rid]
        if a.placement != b.placement:
            out.append(Change("placement", a.role.name, a.placement, b.placement))
        if a.sizing != b.sizing:
            out.append(Change("sizing", a.role.name, a.sizing, b.sizing))
        if b.sizing == "manual" and a.sizing == "manual":
            fa, fb = _fte(base, a), _fte(other, b)
            if abs(fa - fb) > 1e-9:
                out.append(Change("manual FTE", a.role.name, f"{fa:g}", f"{fb:g}"))
        if a.role != b.role:
            out.append(Change("role parameters", a.role.name, "catalog values", "edited"))
    base_regions = {r.id: r for r in base.regions}
    other_regions = {r.id: r for r in other.regions}
    for rid in base_regions.keys() - other_regions.keys():
        out.append(Change("region removed", base_regions[rid].name, f"{base_regions[rid].reps} reps", "—"))
    for rid in other_regions.keys() - base_regions.keys():
        out.append(Change("region added", other_regions[rid].name, "—", f"{other_regions[rid].reps} reps"))
    for rid in [r.id for r in base.regions if r.id in other_regions]:
        a, b = base_regions[rid], other_regions[rid]
        if a.reps != b.reps:
            out.append(Change("reps", a.name, str(a.reps), str(b.reps)))
        if a.managers != b.managers:
            out.append(Change("managers", a.name, str(a.managers), str(b.managers)))
        for field, label in (
            ("tz_offset_hours", "hours from HQ"),
            ("market_complexity", "market complexity"),
            ("cost_index", "cost index"),
        ):
            if getattr(a, field) != getattr(b, field):
                out.append(Change(label, a.name, f"{getattr(a, field):g}", f"{getattr(b, field):g}"))
    if base.hq_region != other.hq_region:
        out.append(Change("HQ", "HQ region", base.hq_region, other.hq_region))
    if base.assumptions != other.assumptions:
        for field in type(base.assumptions).__dataclass_fields__:
            va, vb = getattr(base.assumptions, field), getattr(other.assumptions, field)
            if va != vb:
                out.append(Change("assumption", field, f"{va:g}", f"{vb:g}"))
    return out


def _fte(scenario: Scenario, plan) -> float:
    central, local = scenario.manual_fte(plan)
    return central + sum(local.values())
