"""The parts a Scenario is made of: regions, company-wide assumptions and role plans.

Each part checks its own fields on construction and raises :class:`ScenarioError` naming the
field, so a Scenario built from parts that exist is valid part by part.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from salesops.model.limits import (
    MAX_MANAGERS_PER_REGION,
    MAX_NAME_CHARS,
    MAX_REPS_PER_REGION,
    MAX_ROLE_FTE,
    TextError,
    check_text,
)
from salesops.model.paths import DATA_DIR
from salesops.model.roles import RoleSpec

__all__ = [
    "MAX_RAMP_MONTHS",
    "MODEL_4_ASSUMPTIONS",
    "PLACEMENTS",
    "PROCESSES",
    "SIZINGS",
    "STAFFINGS",
    "Assumptions",
    "Region",
    "RolePlan",
    "ScenarioError",
    "assumption_info",
    "tz_gap_hours",
]

PLACEMENTS = ("centralized", "localized", "hybrid")
SIZINGS = ("auto", "manual")
# How auto-sized teams are staffed: in FTE that need not be whole (a share of a generalist's
# time), or in whole people (the choice, and the only way before model version 3).
STAFFINGS = ("continuous", "integer")
# How a role's embedded teams work (model version 4): to the one standard process the hub sets
# (its throughput gain and its control, at a compliance overhead), or each to a process of its own.
PROCESSES = ("standard", "local")
MAX_RAMP_MONTHS = 24
# The assumptions model version 4 added: a scenario made with an earlier model ignores them.
MODEL_4_ASSUMPTIONS = frozenset(
    {
        "selling_conversion",
        "discount_leakage_share",
        "forecast_accuracy_share",
        "data_quality_share",
        "plan_consistency_share",
        "embedded_adherence",
        "standard_process_overhead",
        "ops_hiring_lag_months",
        "ops_recruiting_cost_usd",
        "reorg_one_off_usd",
        "reorg_rep_departure_share",
        "rep_replacement_cost_usd",
        "peak_cover",
    }
)


def _text(value: Any, where: str, *, limit: int = MAX_NAME_CHARS, blank_ok: bool = False) -> str:
    try:
        return check_text(value, where, limit=limit, blank_ok=blank_ok)
    except TextError as exc:
        raise ScenarioError(str(exc)) from None


class ScenarioError(ValueError):
    """A scenario or one of its parts is invalid; the message names the field."""


def _number(
    value: Any, where: str, *, low: float | None = None, high: float | None = None, integer: bool = False
) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(f"{where} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ScenarioError(f"{where} must be finite, got {value!r}")
    if integer and value != int(value):
        raise ScenarioError(f"{where} must be a whole number, got {value!r}")
    if low is not None and value < low:
        raise ScenarioError(f"{where} must be >= {low:g}, got {value!r}")
    if high is not None and value > high:
        raise ScenarioError(f"{where} must be <= {high:g}, got {value!r}")
    return int(value) if integer else float(value)


def tz_gap_hours(offset_hours: float) -> float:
    """Smallest clock gap in hours between a region and HQ (wraps round the globe).

    Examples
    --------
    >>> tz_gap_hours(-3), tz_gap_hours(14), tz_gap_hours(12)
    (3.0, 10.0, 12.0)
    """
    gap = abs(float(offset_hours)) % 24.0
    return min(gap, 24.0 - gap)


@dataclass(frozen=True)
class Region:
    """A sales region: its reps, front-line managers and distance from HQ.

    Parameters
    ----------
    id, name : str
    reps : int
        Quota-carrying reps in the region.
    managers : int
        Front-line sales managers.
    tz_offset_hours : float
        Time-zone offset from HQ, in hours (-12 to +14).
    market_complexity : float
        k in [0, 1]: how much local knowledge the market demands.
    cost_index : float
        Cost of an FTE employed in the region relative to HQ (1 = HQ).
    """

    id: str
    name: str
    reps: int
    managers: int
    tz_offset_hours: float = 0.0
    market_complexity: float = 0.3
    cost_index: float = 1.0

    def __post_init__(self) -> None:
        where = f"region {self.id!r}"
        if not isinstance(self.id, str) or not self.id.strip():
            raise ScenarioError("region id must be a non-blank string")
        _text(self.id, "region id", limit=MAX_NAME_CHARS)
        _text(self.name, f"{where}: name")
        object.__setattr__(
            self, "reps", _number(self.reps, f"{where}: reps", low=0, high=MAX_REPS_PER_REGION, integer=True)
        )
        object.__setattr__(
            self,
            "managers",
            _number(self.managers, f"{where}: managers", low=0, high=MAX_MANAGERS_PER_REGION, integer=True),
        )
        object.__setattr__(
            self, "tz_offset_hours", _number(self.tz_offset_hours, f"{where}: tz_offset_hours", low=-12, high=14)
        )
        object.__setattr__(
            self, "market_complexity", _number(self.market_complexity, f"{where}: market_complexity", low=0, high=1)
        )
        object.__setattr__(self, "cost_index", _number(self.cost_index, f"{where}: cost_index", low=0.05, high=20))

    @property
    def tz_gap_hours(self) -> float:
        return tz_gap_hours(self.tz_offset_hours)


@lru_cache(maxsize=1)
def _assumption_meta() -> dict[str, dict[str, Any]]:
    with open(DATA_DIR / "assumptions.json", encoding="utf-8") as fh:
        return json.load(fh)["assumptions"]


def assumption_info() -> dict[str, dict[str, Any]]:
    """Default, low, high, unit, source and firmness of every assumption."""
    return {k: dict(v) for k, v in _assumption_meta().items()}


@dataclass(frozen=True)
class Assumptions:
    """Company-wide assumptions; defaults and sources in ``data/assumptions.json``."""

    rep_hours_per_week: float = 45.0
    ops_hours_per_week: float = 40.0
    baseline_selling_time_share: float = 0.28
    max_selling_time_share: float = 0.65
    productivity_elasticity: float = 0.5
    quota_usd_per_rep: float = 900_000.0
    quota_attainment: float = 0.54
    gross_margin: float = 0.75
    attrition_per_year: float = 0.258
    ramp_months: float = 5.0
    ops_benefit_ramp_months: float = 6.0
    shared_business_hours: float = 8.0
    handoff_delay_hours: float = 8.0
    distance_knowledge_floor: float = 0.25
    coordination_overhead_per_channel: float = 0.03
    max_coordination_overhead: float = 0.5
    service_level_target: float = 0.8
    max_utilization: float = 0.85
    max_response_hours: float = 160.0
    horizon_months: int = 36
    company_revenue_usd: float = 0.0
    discount_rate: float = 0.10
    # Model version 4: the value chain, what central control buys, and the transition.
    selling_conversion: float = 0.75
    discount_leakage_share: float = 0.005
    forecast_accuracy_share: float = 0.002
    data_quality_share: float = 0.002
    plan_consistency_share: float = 0.003
    embedded_adherence: float = 0.5
    standard_process_overhead: float = 0.05
    ops_hiring_lag_months: float = 2.0
    ops_recruiting_cost_usd: float = 4_700.0
    reorg_one_off_usd: float = 0.0
    reorg_rep_departure_share: float = 0.0
    rep_replacement_cost_usd: float = 30_000.0
    peak_cover: float = 1.0

    _SHARES = (
        "baseline_selling_time_share",
        "max_selling_time_share",
        "quota_attainment",
        "gross_margin",
        "attrition_per_year",
        "distance_knowledge_floor",
        "coordination_overhead_per_channel",
        "max_coordination_overhead",
        "discount_rate",
        "selling_conversion",
        "discount_leakage_share",
        "forecast_accuracy_share",
        "data_quality_share",
        "plan_consistency_share",
        "embedded_adherence",
        "standard_process_overhead",
        "reorg_rep_departure_share",
        "peak_cover",
    )

    # Hard limits well outside any plausible value: they keep every result finite
    # and positive (the plausible ranges are in data/assumptions.json).
    _HARD_MAX = {
        "rep_hours_per_week": 100.0,
        "ops_hours_per_week": 100.0,
        "productivity_elasticity": 3.0,
        "quota_usd_per_rep": 1e9,
        "ops_benefit_ramp_months": 120.0,
        "shared_business_hours": 24.0,
        "handoff_delay_hours": 168.0,
        "max_response_hours": 10_000.0,
        "company_revenue_usd": 1e13,
        "ops_hiring_lag_months": 24.0,
        "ops_recruiting_cost_usd": 1e7,
        "reorg_one_off_usd": 1e12,
        "rep_replacement_cost_usd": 1e7,
    }

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            where = f"assumptions.{f.name}"
            if f.name == "horizon_months":
                object.__setattr__(self, f.name, _number(value, where, low=12, high=120, integer=True))
                continue
            low = 0.0
            high = 1.0 if f.name in self._SHARES else self._HARD_MAX.get(f.name)
            num = _number(value, where, low=low, high=high)
            object.__setattr__(self, f.name, num)
        for name in (
            "rep_hours_per_week",
            "ops_hours_per_week",
            "shared_business_hours",
            "max_response_hours",
            "ramp_months",
            "ops_benefit_ramp_months",
        ):
            if getattr(self, name) <= 0:
                raise ScenarioError(f"assumptions.{name} must be > 0, got {getattr(self, name)!r}")
        if not 0 < self.service_level_target < 1:
            raise ScenarioError(
                f"assumptions.service_level_target must be in (0, 1), got {self.service_level_target!r}"
            )
        if not 0 < self.max_utilization < 1:
            raise ScenarioError(f"assumptions.max_utilization must be in (0, 1), got {self.max_utilization!r}")
        if self.baseline_selling_time_share < 0.01:
            raise ScenarioError(
                f"assumptions.baseline_selling_time_share must be >= 0.01, got {self.baseline_selling_time_share!r}"
            )
        if self.max_selling_time_share < self.baseline_selling_time_share:
            raise ScenarioError(
                "assumptions.max_selling_time_share must be >= baseline_selling_time_share "
                f"({self.max_selling_time_share!r} < {self.baseline_selling_time_share!r})"
            )
        if self.shared_business_hours > 24:
            raise ScenarioError("assumptions.shared_business_hours must be <= 24")
        if self.ramp_months > MAX_RAMP_MONTHS:
            # Beyond this the linear ramp deficit (attrition/12 * sum of 1 - t/ramp) can
            # exceed 1 and rep capacity turns negative; at <= 24 it stays > 0 for attrition <= 1.
            raise ScenarioError(f"assumptions.ramp_months must be <= {MAX_RAMP_MONTHS}, got {self.ramp_months!r}")

    @classmethod
    def defaults(cls) -> "Assumptions":
        """Assumptions at the sourced defaults of ``data/assumptions.json``."""
        meta = _assumption_meta()
        return cls(**{f.name: meta[f.name]["default"] for f in fields(cls)})


@dataclass(frozen=True)
class RolePlan:
    """A sales-ops role in this org and where it sits.

    Parameters
    ----------
    role : RoleSpec
    placement : {"centralized", "localized", "hybrid"}
        Where the role serves every region not named in ``regions``: one pooled team
        (the hub, at HQ unless ``hub_region`` says otherwise), a team embedded in the
        region, or the hub taking the standard work (``role.hybrid_central_share`` of
        requests) with an embedded team taking the local work.
    sizing : {"auto", "manual"}
        ``auto`` sizes every team to the service-level target; ``manual`` uses
        ``central_fte`` and ``local_fte``.
    central_fte : float
        Manual FTE of the central team (centralized, or the hybrid hub).
    local_fte : tuple of (region_id, fte)
        Manual FTE embedded in each region (localized, or hybrid spokes).
    regions : tuple of (region_id, placement)
        Per-region placements that differ from ``placement`` ("localize only the far
        regions"); empty means every region takes ``placement``.
    hub_region : str
        Region where the hub sits ("" = HQ); its cost index and time zone then apply.
    min_fte : float
        Minimum viable team: an auto-sized team that exists has at least this many FTE.
    process : {"standard", "local"}
        Model version 4: whether the embedded teams work to the hub's one standard process
        (its throughput gain and a share of its control, at a compliance overhead) or each to
        a process of its own. The hub always works to one process.
    """

    role: RoleSpec
    placement: str = "centralized"
    sizing: str = "auto"
    central_fte: float = 0.0
    local_fte: tuple[tuple[str, float], ...] = ()
    regions: tuple[tuple[str, str], ...] = ()
    hub_region: str = ""
    min_fte: float = 0.0
    process: str = "standard"

    def __post_init__(self) -> None:
        where = f"role {self.role.id!r}"
        if self.placement not in PLACEMENTS:
            raise ScenarioError(f"{where}: placement must be one of {', '.join(PLACEMENTS)}, got {self.placement!r}")
        if self.process not in PROCESSES:
            raise ScenarioError(f"{where}: process must be one of {', '.join(PROCESSES)}, got {self.process!r}")
        if self.sizing not in SIZINGS:
            raise ScenarioError(f"{where}: sizing must be one of {', '.join(SIZINGS)}, got {self.sizing!r}")
        object.__setattr__(
            self, "central_fte", _number(self.central_fte, f"{where}: central_fte", low=0, high=MAX_ROLE_FTE)
        )
        local = []
        seen = set()
        for item in self.local_fte:
            if not isinstance(item, (tuple, list)) or len(item) != 2 or not isinstance(item[0], str):
                raise ScenarioError(f"{where}: local_fte entries must be (region_id, fte) pairs, got {item!r}")
            rid, fte = item
            if rid in seen:
                raise ScenarioError(f"{where}: local_fte lists region {rid!r} twice")
            seen.add(rid)
            local.append((rid, _number(fte, f"{where}: local_fte[{rid}]", low=0, high=MAX_ROLE_FTE)))
        object.__setattr__(self, "local_fte", tuple(sorted(local)))
        modes = []
        seen = set()
        for pair in self.regions:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not isinstance(pair[0], str):
                raise ScenarioError(f"{where}: regions entries must be (region_id, placement) pairs, got {pair!r}")
            rid, mode = pair
            if rid in seen:
                raise ScenarioError(f"{where}: regions lists region {rid!r} twice")
            seen.add(rid)
            if mode not in PLACEMENTS:
                raise ScenarioError(f"{where}: regions[{rid}] must be one of {', '.join(PLACEMENTS)}, got {mode!r}")
            if mode != self.placement:  # the same as the default is no override
                modes.append((rid, mode))
        object.__setattr__(self, "regions", tuple(sorted(modes)))
        if not isinstance(self.hub_region, str):
            raise ScenarioError(f"{where}: hub_region must be a region id or empty, got {self.hub_region!r}")
        _text(self.hub_region, f"{where}: hub_region", blank_ok=True)
        object.__setattr__(self, "min_fte", _number(self.min_fte, f"{where}: min_fte", low=0, high=MAX_ROLE_FTE))

    @property
    def id(self) -> str:
        return self.role.id

    def placement_in(self, region_id: str) -> str:
        """Where the role serves ``region_id``: its override there, else ``placement``."""
        for rid, mode in self.regions:
            if rid == region_id:
                return mode
        return self.placement

    def local_fte_for(self, region_id: str) -> float:
        for rid, fte in self.local_fte:
            if rid == region_id:
                return fte
        return 0.0
