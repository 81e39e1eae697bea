"""What an evaluation returns: per team, per service, per role, per region, per month, and in all.

Frozen dataclasses of tuples: a Results can be shared between callers and sessions (the
what-ifs memoise them) without one caller's edits reaching another.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

__all__ = ["ProjectionMonth", "RegionResult", "Results", "RoleResult", "ServiceResult", "TeamResult"]


# --------------------------------------------------------------------------
# Result records
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamResult:
    """One team of a role: the central pool or the team embedded in a region."""

    role_id: str
    team: str  # "central" or a region id
    location_region: str
    fte: float
    servers: int
    demand_per_week: float
    capacity_per_week: float
    utilization: float
    served_share: float
    wait_hours: float
    service_hours: float
    coordination_overhead: float
    cost_usd_per_year: float
    overloaded: bool
    standardized: bool = False  # the hub: standard processes raise its service rate
    teams_of_role: int = 1
    # Servers as a number that need not be whole (continuous staffing); each serves at the full
    # rate. With whole-FTE staffing it equals ``servers``.
    servers_exact: float = 0.0
    pool: str = ""  # the location of the generalist pool that serves this team's work ("" = its own team)
    # A peak week (model 4: quarter-end, the planning season); the fields above are a normal week.
    # Without peaks the two are the same.
    peak_demand_per_week: float = 0.0
    peak_utilization: float = 0.0
    peak_served_share: float = 1.0
    peak_wait_hours: float = 0.0


@dataclass(frozen=True)
class ServiceResult:
    """What one region receives from one team of one role."""

    role_id: str
    region_id: str
    team: str
    demand_per_week: float
    served_share: float
    response_hours: float
    handoff_delay_hours: float
    effectiveness: float
    value_factor: float
    hours_saved_per_rep_week: float
    share: float = 1.0  # of the region's requests for the role that this team serves
    central: bool = False  # served by the hub
    gap_hours: float = 0.0  # clock gap between the region and the serving team
    knowledge_scale: float = 1.0  # how much of the local-knowledge loss applies (0: standard work)
    at_team: bool = True  # the team sits in the region
    # Model version 4: the work runs under the standard process (the hub's, or an embedded team's
    # on the standard process), and what central control of it is worth a year.
    standard_process: bool = False
    control_value_usd: float = 0.0


@dataclass(frozen=True)
class RoleResult:
    role_id: str
    name: str
    category: str
    relation: str
    placement: str
    sizing: str
    fte_central: float
    fte_local: float
    fte: float
    cost_usd_per_year: float
    mean_response_hours: float
    hours_saved_per_rep_week: float
    overloaded: bool
    detail: str = ""  # per-region placements and the hub's region, when they differ from the plain placement
    control_value_usd: float = 0.0  # what central control of the role's work is worth a year (model 4)
    process: str = "standard"  # how its embedded teams work (model 4)


@dataclass(frozen=True)
class RegionResult:
    region_id: str
    name: str
    reps: int
    managers: int
    tz_gap_hours: float
    reclaimed_hours_per_rep_week: float
    selling_time_share: float
    productivity_per_rep_usd: float
    baseline_productivity_per_rep_usd: float
    revenue_usd: float
    baseline_revenue_usd: float
    embedded_ops_fte: float


@dataclass(frozen=True)
class ProjectionMonth:
    month: int
    reps: int
    rep_capacity: float
    ops_benefit: float
    revenue_usd: float
    baseline_revenue_usd: float
    gross_margin_uplift_usd: float
    sales_ops_cost_usd: float
    cumulative_net_usd: float
    control_value_usd: float = 0.0  # what central control is worth this month (model 4)
    transition_usd: float = 0.0  # one-off costs of the transition this month, within sales_ops_cost_usd


@dataclass(frozen=True)
class Results:
    """Everything the pages and the command line show, derived from one Scenario."""

    scenario_name: str
    reps: int
    managers: int
    revenue_usd: float
    baseline_revenue_usd: float
    productivity_per_rep_usd: float
    baseline_productivity_per_rep_usd: float
    selling_time_share: float
    baseline_selling_time_share: float
    sales_ops_fte: float
    sales_ops_cost_usd: float
    gross_margin_uplift_usd: float
    roi: float
    roi_3yr: float
    payback_months: float | None
    reps_per_ops_fte: float | None
    ops_cost_per_rep_usd: float
    regions: tuple[RegionResult, ...]
    roles: tuple[RoleResult, ...]
    teams: tuple[TeamResult, ...]
    services: tuple[ServiceResult, ...]
    projection: tuple[ProjectionMonth, ...]
    initiative_cost_usd_per_year: float = 0.0
    initiative_one_off_usd: float = 0.0
    # What advice ranks by (docs/MODEL.md, "Net value"): money, not a ratio that favours the cheapest design.
    net_value_usd: float = 0.0
    npv_usd: float = 0.0
    # Model version 4: what central control is worth a year (discount leakage recovered, say; counted
    # in full, not at gross margin), and the one-off costs of the transition (in the projection only).
    control_value_usd: float = 0.0
    transition_one_off_usd: float = 0.0

    def headline(self) -> dict[str, Any]:
        """The headline figures as a plain dict (JSON-ready: no NaN, no inf).

        ``roi`` is None for a design that costs nothing (no ROI to show; the screen says
        "n/a (no cost)"), where ``Results.roi`` itself is 0.
        """
        spend = self.sales_ops_cost_usd + self.initiative_cost_usd_per_year
        return {
            "scenario": self.scenario_name,
            "reps": self.reps,
            "managers": self.managers,
            "roi": self.roi if spend > 0 else None,
            "roi_3yr": self.roi_3yr,
            "payback_months": self.payback_months,
            "productivity_per_rep": self.productivity_per_rep_usd,
            "baseline_productivity_per_rep": self.baseline_productivity_per_rep_usd,
            "selling_time_share": self.selling_time_share,
            "baseline_selling_time_share": self.baseline_selling_time_share,
            "revenue": self.revenue_usd,
            "baseline_revenue": self.baseline_revenue_usd,
            "gross_margin_uplift": self.gross_margin_uplift_usd,
            "sales_ops_cost": self.sales_ops_cost_usd,
            "sales_ops_fte": self.sales_ops_fte,
            "reps_per_sales_ops_fte": self.reps_per_ops_fte,
            "sales_ops_cost_per_rep": self.ops_cost_per_rep_usd,
            "initiative_cost_per_year": self.initiative_cost_usd_per_year,
            "initiative_one_off": self.initiative_one_off_usd,
            "net_value": self.net_value_usd,
            "npv": self.npv_usd,
            "control_value": self.control_value_usd,
            "transition_one_off": self.transition_one_off_usd,
        }

    def to_dict(self) -> dict[str, Any]:
        data = self.headline()
        data["regions"] = [_record(r) for r in self.regions]
        data["roles"] = [_record(r) for r in self.roles]
        data["projection"] = [_record(p) for p in self.projection]
        return data

    def regions_frame(self) -> pd.DataFrame:
        return _frame(self.regions, RegionResult)

    def roles_frame(self) -> pd.DataFrame:
        return _frame(self.roles, RoleResult)

    def teams_frame(self) -> pd.DataFrame:
        return _frame(self.teams, TeamResult)

    def services_frame(self) -> pd.DataFrame:
        return _frame(self.services, ServiceResult)

    def projection_frame(self) -> pd.DataFrame:
        return _frame(self.projection, ProjectionMonth)


def _record(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _frame(rows: tuple, cls: type) -> pd.DataFrame:
    return pd.DataFrame([_record(r) for r in rows], columns=[f.name for f in fields(cls)])
