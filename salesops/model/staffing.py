"""What whole-FTE staffing costs over fractional staffing, team by team (the jumps it causes)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from salesops.model.results import Results, TeamResult
from salesops.model.scenario import Scenario

__all__ = ["Jump", "whole_fte_jumps"]


@dataclass(frozen=True)
class Jump:
    """One team whose whole-FTE size costs more than its fractional size."""

    extra_usd_per_year: float
    whole: TeamResult
    fractional: TeamResult


def whole_fte_jumps(scenario: Scenario, results: Results, evaluate_fn: Callable[[Scenario], Results]) -> list[Jump]:
    """Teams of ``results`` (whole-FTE staffing) that cost at least $1 a year more than at fractional staffing.

    Largest first; ``evaluate_fn`` evaluates the same scenario with fractional staffing.
    """
    fractional = evaluate_fn(replace(scenario, staffing="continuous"))
    by_team = {(t.role_id, t.team): t for t in fractional.teams}
    jumps = [
        Jump(team.cost_usd_per_year - other.cost_usd_per_year, team, other)
        for team in results.teams
        if (other := by_team.get((team.role_id, team.team))) is not None
        and team.cost_usd_per_year - other.cost_usd_per_year >= 1.0
    ]
    return sorted(jumps, key=lambda j: -j.extra_usd_per_year)
