"""The Scenario value: org (regions), sales-ops roles with placements, assumptions.

A :class:`Scenario` is immutable. Every edit returns a new Scenario, so undo is a
stack of values and a cached result can never go stale. Scenarios serialize to a
versioned JSON document and back without loss.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from salesops.model.limits import (
    MAX_DESCRIPTION_CHARS,
    MAX_ROLE_FTE,
    MAX_TOTAL_REPS,
)
from salesops.model.parts import (
    MAX_RAMP_MONTHS,
    PLACEMENTS,
    PROCESSES,
    SIZINGS,
    STAFFINGS,
    Assumptions,
    Region,
    RolePlan,
    ScenarioError,
    _text,
    assumption_info,
    tz_gap_hours,
)
from salesops.model.plan_items import Actual, CharterEntry, Initiative, Objective
from salesops.model.positions import OrgValidationError, Position
from salesops.model.roles import RoleSpec, load_catalog
from salesops.model import scenario_json
from salesops.model.scenario_json import READABLE_VERSIONS, SCHEMA_NAME, SCHEMA_VERSION, _check_size

MODEL_VERSIONS = (2, 3, 4)
LATEST_MODEL = MODEL_VERSIONS[-1]

__all__ = [
    "MAX_RAMP_MONTHS",
    "PLACEMENTS",
    "PROCESSES",
    "READABLE_VERSIONS",
    "LATEST_MODEL",
    "MODEL_VERSIONS",
    "SIZINGS",
    "STAFFINGS",
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "Assumptions",
    "Region",
    "RolePlan",
    "Scenario",
    "ScenarioError",
    "assumption_info",
    "tz_gap_hours",
]


@dataclass(frozen=True)
class Scenario:
    """One what-if: regions, sales-ops roles with placements, and assumptions."""

    name: str
    hq_region: str
    regions: tuple[Region, ...]
    roles: tuple[RolePlan, ...]
    assumptions: Assumptions = field(default_factory=Assumptions.defaults)
    description: str = ""
    # The people of an imported org (leaders, managers, reps, others; sales-ops
    # staff become ``roles``). Empty for an org described by its regions alone.
    # Left out of the hash, which stays cheap for a 10,000-person org; equality
    # still compares them.
    positions: tuple[Position, ...] = field(default=(), hash=False)
    # How the function is run (salesops.insights.objectives, salesops.model.initiatives). An empty
    # charter means the catalog's defaults.
    charter: tuple[CharterEntry, ...] = ()
    objectives: tuple[Objective, ...] = ()
    actuals: tuple[Actual, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    # How auto-sized teams are staffed (parts.STAFFINGS) and which equations apply: model 4
    # adds what central control buys, the process choice, the selling conversion and the
    # transition; model 3 routes a hybrid role's standard work to the hub and its local work to
    # the spokes; model 2 is the meaning of files and links made before (whole FTE, hybrid as a
    # fixed mix). Files and links keep the version they were made with, so their figures stay.
    staffing: str = "continuous"
    model_version: int = LATEST_MODEL
    # A generalist covers the small roles: at each location, the auto-sized teams of under one
    # FTE are served by one pooled team (model 3, fractional staffing only).
    generalists: bool = False

    def __post_init__(self) -> None:
        _check(self)

    @property
    def total_reps(self) -> int:
        return sum(r.reps for r in self.regions)

    @property
    def hq(self) -> Region:
        return self.region(self.hq_region)

    def region(self, region_id: str) -> Region:
        for r in self.regions:
            if r.id == region_id:
                return r
        raise KeyError(f"unknown region {region_id!r}")

    def plan(self, role_id: str) -> RolePlan:
        for p in self.roles:
            if p.role.id == role_id:
                return p
        raise KeyError(f"unknown role {role_id!r}")

    # ----- edits (each returns a new Scenario) ----------------------------
    def with_placement(self, role_id: str, placement: str) -> "Scenario":
        """Return a copy with one role (or ``"all"``) moved to ``placement``."""
        if role_id != "all":
            self.plan(role_id)
        roles = tuple(
            replace(p, placement=placement, regions=()) if role_id in ("all", p.role.id) else p for p in self.roles
        )
        return replace(self, roles=roles)

    def with_process(self, role_id: str, process: str) -> "Scenario":
        """Return a copy where one role's embedded teams work to ``process`` ("standard" or "local")."""
        return self.with_plan(replace(self.plan(role_id), process=process))

    def upgraded(self) -> "Scenario":
        """Under the latest model: fractional staffing; catalog roles take the catalog's control and peaks."""
        catalog = load_catalog()

        def new(role: RoleSpec) -> RoleSpec:
            known = catalog.get(role.id)
            if known is None or (role.control, role.peak_factor, role.peak_share) != ("", 1.0, 0.0):
                return role
            return replace(role, control=known.control, peak_factor=known.peak_factor, peak_share=known.peak_share)

        roles = tuple(replace(p, role=new(p.role)) for p in self.roles)
        return replace(self, roles=roles, staffing="continuous", model_version=LATEST_MODEL)

    def with_region_placement(self, role_id: str, region_id: str, placement: str) -> "Scenario":
        """Return a copy where one role serves one region from ``placement`` (the others unchanged)."""
        plan = self.plan(role_id)
        self.region(region_id)
        modes = dict(plan.regions)
        modes[region_id] = placement
        return self.with_plan(replace(plan, regions=tuple(modes.items())))

    def with_hub(self, role_id: str, region_id: str) -> "Scenario":
        """Return a copy with one role's hub in ``region_id`` (HQ's id, or "", puts it back at HQ)."""
        plan = self.plan(role_id)
        if region_id:
            self.region(region_id)
        hub = "" if region_id in ("", self.hq_region) else region_id
        return self.with_plan(replace(plan, hub_region=hub))

    def hub_of(self, plan: RolePlan) -> Region:
        """The region where a role's hub sits (HQ unless the plan names another)."""
        return self.region(plan.hub_region) if plan.hub_region else self.hq

    def manual_fte(self, plan: RolePlan) -> tuple[float, dict[str, float]]:
        """The FTE a manually sized role uses at its placement: (central, {region: FTE}).

        A manual role keeps its people when its placement changes: if the new
        placement's own fields are empty, the FTE it holds are pooled at HQ
        (centralized) or split over the regions in proportion to their reps
        (localized). The stored fields never change, so switching back restores
        the original figures exactly.
        """
        local = {rid: f for rid, f in plan.local_fte if f > 0}
        if plan.regions:  # placed region by region: the hub and each region's team as entered
            return plan.central_fte, local
        if plan.placement == "centralized":
            return (plan.central_fte if plan.central_fte > 0 else sum(local.values())), {}
        if plan.placement == "localized":
            if local:
                return 0.0, local
            reps = {r.id: r.reps for r in self.regions if r.reps > 0}
            total = sum(reps.values())
            if plan.central_fte <= 0 or total == 0:
                return 0.0, {}
            return 0.0, {rid: plan.central_fte * n / total for rid, n in reps.items()}
        local.pop(self.hq_region, None)  # hybrid: the hub at HQ serves the HQ region itself
        return plan.central_fte, local

    def with_plan(self, plan: RolePlan) -> "Scenario":
        """Return a copy with ``plan`` replacing the role of the same id (or added)."""
        ids = [p.role.id for p in self.roles]
        if plan.role.id in ids:
            roles = tuple(plan if p.role.id == plan.role.id else p for p in self.roles)
        else:
            roles = self.roles + (plan,)
        return replace(self, roles=roles)

    def without_role(self, role_id: str) -> "Scenario":
        self.plan(role_id)
        return replace(self, roles=tuple(p for p in self.roles if p.role.id != role_id))

    def with_region(self, region: Region) -> "Scenario":
        """Return a copy with ``region`` replacing the region of the same id."""
        self.region(region.id)
        return replace(self, regions=tuple(region if r.id == region.id else r for r in self.regions))

    def with_assumptions(self, **changes: Any) -> "Scenario":
        return replace(self, assumptions=replace(self.assumptions, **changes))

    def without_people(self) -> "Scenario":
        """A copy without people-level data: each real person gets a pseudonymous id (``P00001``, ...,
        reporting lines kept), the name "Person N" and no salary. The model's figures do not change.

        Examples
        --------
        >>> from salesops.model.samples import load_sample
        >>> load_sample("startup").without_people() == load_sample("startup")  # no real people
        True
        """
        if not self.positions:
            return self
        alias = {p.id: f"P{i:05d}" for i, p in enumerate(self.positions, start=1)}
        people = tuple(
            replace(
                p,
                id=alias[p.id],
                name=f"Person {alias[p.id][1:].lstrip('0')}",
                manager_id=alias.get(p.manager_id) if p.manager_id else None,
                cost_usd_per_year=0.0,
            )
            for p in self.positions
        )
        return replace(self, positions=people)

    def renamed(self, name: str) -> "Scenario":
        return replace(self, name=name)

    def check_positions(self) -> None:
        """Check that the positions form one tree and agree with the region headcounts.

        Raises
        ------
        ScenarioError
            Naming the ids, or the region whose counts differ.
        """
        if not self.positions:
            return
        from salesops.model.org import validate_positions  # networkx only when needed

        try:
            validate_positions(self.positions)
        except OrgValidationError as exc:
            raise ScenarioError(f"positions: {exc}") from None
        known = {r.id for r in self.regions}
        for p in self.positions:
            if p.region not in known:
                raise ScenarioError(f"positions: {p.id!r} is in unknown region {p.region!r}")
        for r in self.regions:
            reps = sum(p.count for p in self.positions if p.region == r.id and p.kind == "rep")
            managers = sum(p.count for p in self.positions if p.region == r.id and p.kind == "manager")
            if (reps, managers) != (r.reps, r.managers):
                raise ScenarioError(
                    f"region {r.id!r} says {r.reps} reps and {r.managers} managers but its positions "
                    f"hold {reps} reps and {managers} managers"
                )

    def with_region_headcount(self, region_id: str, reps: int, managers: int) -> "Scenario":
        """Return a copy with a region's reps and managers changed.

        For an org described by regions alone only the counts change. For an
        imported org the positions follow: planned hires are added under the
        region's managers (round robin) or removed, newest first, so the chart
        and the model keep describing the same people.
        """
        region = self.region(region_id)
        new_region = replace(region, reps=reps, managers=managers)
        if not self.positions:
            return self.with_region(new_region)
        from salesops.model.org import adjust_headcount  # networkx only when needed

        positions = adjust_headcount(self.positions, region_id, reps, managers)
        regions = tuple(new_region if r.id == region_id else r for r in self.regions)
        return replace(self, regions=regions, positions=positions)

    # ----- serialization (salesops.model.scenario_json) ------------------
    def to_dict(self) -> dict[str, Any]:
        return scenario_json.to_dict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Any) -> "Scenario":
        """Rebuild a scenario from :meth:`to_dict` output, validating every field."""
        scenario = cls(**scenario_json.read_fields(data))
        if scenario.positions:
            scenario.check_positions()
        return scenario

    @classmethod
    def from_json(cls, text: str | bytes) -> "Scenario":
        """Parse a scenario JSON document; raises :class:`ScenarioError` naming the problem."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"not valid JSON: {exc}") from None
        except RecursionError:
            raise ScenarioError("not a scenario: the JSON is nested too deeply") from None
        except ValueError as exc:  # e.g. an integer literal with thousands of digits
            raise ScenarioError(f"not valid JSON: {exc}") from None
        return cls.from_dict(data)


def _check(scenario: Scenario) -> None:
    """Every rule a whole scenario must keep (its parts check themselves); normalises its tuples."""
    object.__setattr__(scenario, "positions", tuple(scenario.positions))
    for name in ("charter", "objectives", "actuals", "initiatives"):
        object.__setattr__(scenario, name, tuple(getattr(scenario, name)))
    for name, key in (("charter", "function"), ("objectives", "id"), ("initiatives", "id")):
        keys = [getattr(item, key) for item in getattr(scenario, name)]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ScenarioError(f"{name}: duplicate {key}(s) {', '.join(dupes)}")
    seen = [(a.period, a.kpi) for a in scenario.actuals]
    dupes = sorted({f"{p} {k}" for p, k in seen if seen.count((p, k)) > 1})
    if dupes:
        raise ScenarioError(f"actuals: more than one value for {', '.join(dupes)}")
    _text(scenario.name, "scenario name")
    _text(scenario.description, "scenario description", limit=MAX_DESCRIPTION_CHARS, blank_ok=True)
    object.__setattr__(scenario, "regions", tuple(scenario.regions))
    object.__setattr__(scenario, "roles", tuple(scenario.roles))
    if not scenario.regions:
        raise ScenarioError("a scenario needs at least one region")
    _check_size(len(scenario.regions), len(scenario.roles), len(scenario.positions))
    total = sum(r.reps for r in scenario.regions)
    if total > MAX_TOTAL_REPS:
        raise ScenarioError(f"the scenario has {total:,} reps; the limit is {MAX_TOTAL_REPS:,}")
    for plan in scenario.roles:  # the work of sizing a team grows with the FTE its demand needs
        needed = total * plan.role.demand_per_rep_week / plan.role.service_rate_per_fte_week
        if needed > MAX_ROLE_FTE:
            raise ScenarioError(
                f"role {plan.role.id!r}: {total:,} reps raising {plan.role.demand_per_rep_week:g} requests a week "
                f"each, at {plan.role.service_rate_per_fte_week:g} per FTE, need about {needed:,.0f} FTE; the "
                f"limit is {MAX_ROLE_FTE:,} FTE per role (check its demand and service rate)"
            )
    ids = [r.id for r in scenario.regions]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ScenarioError(f"duplicate region id(s): {', '.join(dupes)}")
    if scenario.hq_region not in ids:
        raise ScenarioError(f"hq_region {scenario.hq_region!r} is not one of the regions ({', '.join(ids)})")
    role_ids = [p.role.id for p in scenario.roles]
    dupes = sorted({i for i in role_ids if role_ids.count(i) > 1})
    if dupes:
        raise ScenarioError(f"duplicate role id(s): {', '.join(dupes)}")
    for plan in scenario.roles:
        named = [rid for rid, _ in plan.regions] + ([plan.hub_region] if plan.hub_region else [])
        unknown = sorted(set(named) - set(ids))
        if unknown:
            raise ScenarioError(f"role {plan.role.id!r}: region(s) {', '.join(unknown)} are not in the scenario")
    if scenario.staffing not in STAFFINGS:
        raise ScenarioError(f"staffing must be one of {', '.join(STAFFINGS)}, got {scenario.staffing!r}")
    if isinstance(scenario.model_version, bool) or scenario.model_version not in MODEL_VERSIONS:
        raise ScenarioError(
            f"model_version must be one of {', '.join(map(str, MODEL_VERSIONS))}, got {scenario.model_version!r}"
        )
    if scenario.model_version < 3 and scenario.staffing != "integer":
        raise ScenarioError("model_version 2 staffs in whole FTE only (staffing 'integer')")
    for plan in scenario.roles:  # a minimum team in every region must stay within the per-role bound
        teams = len(scenario.regions) + 1
        if plan.min_fte * teams > MAX_ROLE_FTE:
            raise ScenarioError(
                f"role {plan.role.id!r}: a minimum team of {plan.min_fte:g} FTE in each of up to {teams} teams "
                f"could reach {plan.min_fte * teams:,.0f} FTE; the limit is {MAX_ROLE_FTE:,} FTE per role"
            )
    if not isinstance(scenario.generalists, bool):
        raise ScenarioError(f"generalists must be true or false, got {scenario.generalists!r}")
    known = set(ids)
    for plan in scenario.roles:
        unknown = [rid for rid, _ in plan.local_fte if rid not in known]
        if unknown:
            raise ScenarioError(f"role {plan.role.id!r}: local_fte names unknown region(s) {', '.join(unknown)}")


# ----- lookups -------------------------------------------------------
