"""Positions: the people (or collapsed teams) of an org chart.

Kept apart from :mod:`salesops.model.org` (which needs networkx) so that the Scenario
value can hold an imported org's positions without importing the graph code.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["KINDS", "OrgValidationError", "Position"]

KINDS = ("leader", "manager", "rep", "sales_ops", "other")


class OrgValidationError(ValueError):
    """The org is not a single tree; the message names the ids involved."""


@dataclass(frozen=True)
class Position:
    """One position (or, with ``count`` > 1, a collapsed team of identical ones).

    Parameters
    ----------
    id, name : str
    kind : {"leader", "manager", "rep", "sales_ops", "other"}
    manager_id : str or None
        The id of the position this one reports to; None for the root.
    title, department : str
    region : str
        Region id.
    cost_usd_per_year : float
        Annual cost of the position (0 when unknown).
    fte : float
    role_id : str
        Catalog role of a sales-ops position.
    count : int
        People this node stands for (1 for a real position).
    """

    id: str
    name: str
    kind: str
    manager_id: str | None = None
    title: str = ""
    region: str = ""
    cost_usd_per_year: float = 0.0
    fte: float = 1.0
    role_id: str = ""
    count: int = 1
    department: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise OrgValidationError(f"position {self.id!r}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        """Non-default fields only, so large orgs stay compact in JSON."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("id", "name", "kind") or value != f.default:
                out[f.name] = value
        return out
