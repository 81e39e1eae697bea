"""Designs and advice as values: where each role serves, and the recommendation with its reasons.

:mod:`salesops.model.optimize` finds them; the pages, the command line and the exports show them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, NamedTuple

from salesops.model.results import Results
from salesops.model.scenario import Scenario

__all__ = ["OBJECTIVES", "Design", "Layout", "Recommendation", "RoleAdvice"]

# objective -> (Results attribute, label)
OBJECTIVES: dict[str, tuple[str, str]] = {
    "net": ("net_value_usd", "net value per year"),
    "npv": ("npv_usd", "NPV over the horizon"),
    "roi": ("roi", "ROI"),
}


class Layout(NamedTuple):
    """Where one role serves: its placement, the regions served otherwise, and the hub's region."""

    placement: str
    regions: tuple[tuple[str, str], ...] = ()
    hub_region: str = ""

    def placement_in(self, region_id: str) -> str:
        """Where the role serves ``region_id`` in this layout (as :meth:`RolePlan.placement_in`)."""
        return dict(self.regions).get(region_id, self.placement)

    def text(self, names: Mapping[str, str] | None = None) -> str:
        """'localized', or 'centralized; APAC localized; hub in EMEA' (region names when given)."""
        names = names or {}
        bits = [self.placement] + [f"{names.get(rid, rid)} {mode}" for rid, mode in self.regions]
        if self.hub_region:
            bits.append(f"hub in {names.get(self.hub_region, self.hub_region)}")
        return "; ".join(bits)


@dataclass(frozen=True)
class Design:
    """Where every role serves, in the scenario's role order."""

    layouts: tuple[tuple[str, Layout], ...]

    @classmethod
    def of(cls, scenario: Scenario) -> "Design":
        return cls(tuple((p.role.id, Layout(p.placement, p.regions, p.hub_region)) for p in scenario.roles))

    @property
    def placements(self) -> tuple[tuple[str, str], ...]:
        """(role id, layout as text): the placement alone when a role serves every region alike."""
        return tuple((rid, layout.text()) for rid, layout in self.layouts)

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` with these layouts (roles not named keep theirs)."""
        chosen = dict(self.layouts)

        def moved(p):
            layout = chosen.get(p.role.id)
            if layout is None or layout == (p.placement, p.regions, p.hub_region):
                return p
            return replace(p, placement=layout.placement, regions=layout.regions, hub_region=layout.hub_region)

        return replace(scenario, roles=tuple(moved(p) for p in scenario.roles))

    def placement(self, role_id: str) -> str:
        """The role's layout as text (its placement when it serves every region alike)."""
        return dict(self.layouts)[role_id].text()

    def differences(self, other: "Design", names: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
        """(role id, layout in ``other``, layout here) as text for every role that differs."""
        theirs = dict(other.layouts)
        return [
            (rid, theirs[rid].text(names), mine.text(names)) for rid, mine in self.layouts if theirs.get(rid) != mine
        ]


@dataclass(frozen=True)
class RoleAdvice:
    """Why one role sits where the recommendation puts it: its best placement against its next best."""

    role_id: str
    role: str
    current: str
    best: str
    next_best: str
    margin: float  # objective of the recommendation minus the same design with this role at next_best
    values: tuple[tuple[str, float], ...]  # placement -> objective, the other roles as recommended
    reason: str


@dataclass(frozen=True)
class Recommendation:
    """The best design found, its runner-up, and the reasoning per role."""

    objective: str
    method: str
    designs_evaluated: int
    space: int
    current: Design
    current_value: float
    best: Design
    best_value: float
    runner_up: Design | None
    runner_up_value: float | None
    roles: tuple[RoleAdvice, ...]
    best_results: Results
    current_results: Results
    region_names: tuple[tuple[str, str], ...] = ()

    @property
    def margin(self) -> float | None:
        """How far the recommendation is ahead of the runner-up (None when there is no other design)."""
        return None if self.runner_up_value is None else self.best_value - self.runner_up_value

    @property
    def gain(self) -> float:
        """Objective of the recommendation minus that of the current design (>= 0)."""
        return self.best_value - self.current_value

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(role id, current layout, recommended layout) as text for every role that moves."""
        return self.best.differences(self.current, dict(self.region_names))

    def to_dict(self) -> dict[str, Any]:
        names = {a.role_id: a.role for a in self.roles}
        return {
            "objective": self.objective,
            "objective_label": OBJECTIVES[self.objective][1],
            "method": self.method,
            "designs_evaluated": self.designs_evaluated,
            "designs_in_space": self.space,
            "current": {rid: layout.text(dict(self.region_names)) for rid, layout in self.current.layouts},
            "current_value": self.current_value,
            "recommended": {rid: layout.text(dict(self.region_names)) for rid, layout in self.best.layouts},
            "recommended_value": self.best_value,
            "gain": self.gain,
            "runner_up": None
            if self.runner_up is None
            else {rid: layout.text(dict(self.region_names)) for rid, layout in self.runner_up.layouts},
            "runner_up_value": self.runner_up_value,
            "margin_over_runner_up": self.margin,
            "changes": [{"role_id": r, "role": names.get(r, r), "from": a, "to": b} for r, a, b in self.changes],
            "roles": [
                {
                    "role_id": a.role_id,
                    "role": a.role,
                    "current": a.current,
                    "recommended": a.best,
                    "next_best": a.next_best,
                    "margin": a.margin,
                    "values": dict(a.values),
                    "reason": a.reason,
                }
                for a in self.roles
            ],
            "recommended_headline": self.best_results.headline(),
            "current_headline": self.current_results.headline(),
        }
