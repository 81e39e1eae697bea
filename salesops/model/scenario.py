"""The Scenario value: org (regions), sales-ops roles with placements, assumptions.

A :class:`Scenario` is immutable. Every edit returns a new Scenario, so undo is a
stack of values and a cached result can never go stale. Scenarios serialize to a
versioned JSON document and back without loss.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Iterable

from salesops.model.limits import (
    MAX_DESCRIPTION_CHARS,
    MAX_POSITIONS,
    MAX_REGIONS,
    MAX_ROLE_FTE,
    MAX_ROLES,
    MAX_TOTAL_REPS,
)
from salesops.model.parts import (
    MAX_RAMP_MONTHS,
    PLACEMENTS,
    SIZINGS,
    Assumptions,
    Region,
    RolePlan,
    ScenarioError,
    _number,
    _text,
    assumption_info,
    tz_gap_hours,
)
from salesops.model.plan_items import Actual, CharterEntry, Initiative, Objective, PlanItemError
from salesops.model.positions import KINDS, OrgValidationError, Position
from salesops.model.roles import RoleSpec

__all__ = [
    "MAX_RAMP_MONTHS",
    "PLACEMENTS",
    "SIZINGS",
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

SCHEMA_NAME = "salesops.scenario"
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)  # version 1 had no "positions"; it reads unchanged


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions", tuple(self.positions))
        for name in ("charter", "objectives", "actuals", "initiatives"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name, key in (("charter", "function"), ("objectives", "id"), ("initiatives", "id")):
            keys = [getattr(item, key) for item in getattr(self, name)]
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ScenarioError(f"{name}: duplicate {key}(s) {', '.join(dupes)}")
        seen = [(a.period, a.kpi) for a in self.actuals]
        dupes = sorted({f"{p} {k}" for p, k in seen if seen.count((p, k)) > 1})
        if dupes:
            raise ScenarioError(f"actuals: more than one value for {', '.join(dupes)}")
        _text(self.name, "scenario name")
        _text(self.description, "scenario description", limit=MAX_DESCRIPTION_CHARS, blank_ok=True)
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "roles", tuple(self.roles))
        if not self.regions:
            raise ScenarioError("a scenario needs at least one region")
        _check_size(len(self.regions), len(self.roles), len(self.positions))
        total = sum(r.reps for r in self.regions)
        if total > MAX_TOTAL_REPS:
            raise ScenarioError(f"the scenario has {total:,} reps; the limit is {MAX_TOTAL_REPS:,}")
        for plan in self.roles:  # the work of sizing a team grows with the FTE its demand needs
            needed = total * plan.role.demand_per_rep_week / plan.role.service_rate_per_fte_week
            if needed > MAX_ROLE_FTE:
                raise ScenarioError(
                    f"role {plan.role.id!r}: {total:,} reps raising {plan.role.demand_per_rep_week:g} requests a week "
                    f"each, at {plan.role.service_rate_per_fte_week:g} per FTE, need about {needed:,.0f} FTE; the "
                    f"limit is {MAX_ROLE_FTE:,} FTE per role (check its demand and service rate)"
                )
        ids = [r.id for r in self.regions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ScenarioError(f"duplicate region id(s): {', '.join(dupes)}")
        if self.hq_region not in ids:
            raise ScenarioError(f"hq_region {self.hq_region!r} is not one of the regions ({', '.join(ids)})")
        role_ids = [p.role.id for p in self.roles]
        dupes = sorted({i for i in role_ids if role_ids.count(i) > 1})
        if dupes:
            raise ScenarioError(f"duplicate role id(s): {', '.join(dupes)}")
        known = set(ids)
        for plan in self.roles:
            unknown = [rid for rid, _ in plan.local_fte if rid not in known]
            if unknown:
                raise ScenarioError(f"role {plan.role.id!r}: local_fte names unknown region(s) {', '.join(unknown)}")

    # ----- lookups -------------------------------------------------------
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
        roles = tuple(replace(p, placement=placement) if role_id in ("all", p.role.id) else p for p in self.roles)
        return replace(self, roles=roles)

    def manual_fte(self, plan: RolePlan) -> tuple[float, dict[str, float]]:
        """The FTE a manually sized role uses at its placement: (central, {region: FTE}).

        A manual role keeps its people when its placement changes: if the new
        placement's own fields are empty, the FTE it holds are pooled at HQ
        (centralized) or split over the regions in proportion to their reps
        (localized). The stored fields never change, so switching back restores
        the original figures exactly.
        """
        local = {rid: f for rid, f in plan.local_fte if f > 0}
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

    # ----- serialization --------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_NAME,
            "version": SCHEMA_VERSION,
            "name": self.name,
            "description": self.description,
            "hq_region": self.hq_region,
            "regions": [{f.name: getattr(r, f.name) for f in fields(r)} for r in self.regions],
            "roles": [
                {
                    "role": p.role.to_dict(),
                    "placement": p.placement,
                    "sizing": p.sizing,
                    "central_fte": p.central_fte,
                    "local_fte": {rid: fte for rid, fte in p.local_fte},
                }
                for p in self.roles
            ],
            "assumptions": {f.name: getattr(self.assumptions, f.name) for f in fields(self.assumptions)},
            **({"positions": [p.to_dict() for p in self.positions]} if self.positions else {}),
            **{
                name: [item.to_dict() for item in getattr(self, name)]
                for name in ("charter", "objectives", "actuals", "initiatives")
                if getattr(self, name)
            },
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Any) -> "Scenario":
        """Rebuild a scenario from :meth:`to_dict` output, validating every field."""
        if not isinstance(data, dict):
            raise ScenarioError(f"a scenario must be a JSON object, got {type(data).__name__}")
        if data.get("schema") != SCHEMA_NAME:
            raise ScenarioError(
                f"not a scenario file: field 'schema' must be {SCHEMA_NAME!r}, got {data.get('schema')!r}"
            )
        version = data.get("version")
        if isinstance(version, bool) or version not in READABLE_VERSIONS:
            raise ScenarioError(
                f"unsupported scenario version {version!r} (this app reads versions "
                f"{', '.join(map(str, READABLE_VERSIONS))})"
            )
        _require(data, ("name", "hq_region", "regions", "roles"), "scenario")
        unknown = sorted(set(data) - _TOP_LEVEL_FIELDS)
        if unknown:  # a misspelt field must not be dropped silently
            raise ScenarioError(f"scenario: unknown field(s) {', '.join(map(str, unknown))}")
        regions = _list(data["regions"], "regions")
        raw_positions = data.get("positions", [])
        _check_size(
            len(regions),
            len(data["roles"]) if isinstance(data["roles"], list) else 0,
            len(raw_positions) if isinstance(raw_positions, list) else 0,
        )
        region_objs = []
        for i, raw in enumerate(regions):
            region_objs.append(_build(Region, raw, f"regions[{i}]"))
        role_objs = []
        for i, raw in enumerate(_list(data["roles"], "roles")):
            where = f"roles[{i}]"
            if not isinstance(raw, dict):
                raise ScenarioError(f"{where} must be an object")
            _require(raw, ("role",), where)
            unknown = sorted(set(raw) - _PLAN_FIELDS)
            if unknown:
                raise ScenarioError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
            try:
                spec = RoleSpec.from_dict(raw["role"])
            except (TypeError, ValueError) as exc:
                raise ScenarioError(f"{where}.role: {exc}") from None
            local = raw.get("local_fte", {})
            if not isinstance(local, dict):
                raise ScenarioError(f"{where}.local_fte must be an object of region id to FTE")
            try:
                role_objs.append(
                    RolePlan(
                        role=spec,
                        placement=raw.get("placement", "centralized"),
                        sizing=raw.get("sizing", "auto"),
                        central_fte=raw.get("central_fte", 0.0),
                        local_fte=tuple(local.items()),
                    )
                )
            except ScenarioError as exc:
                raise ScenarioError(f"{where}: {exc}") from None
        raw_assumptions = data.get("assumptions", {})
        if not isinstance(raw_assumptions, dict):
            raise ScenarioError("assumptions must be an object")
        unknown = sorted(set(raw_assumptions) - {f.name for f in fields(Assumptions)})
        if unknown:
            raise ScenarioError(f"assumptions: unknown field(s) {', '.join(unknown)}")
        assumptions = replace(Assumptions.defaults(), **raw_assumptions) if raw_assumptions else Assumptions.defaults()
        description = data.get("description", "")
        if not isinstance(description, str):
            raise ScenarioError("description must be a string")
        _text(data["name"], "scenario name")
        positions = _positions(data.get("positions", []))
        plan_items = {}
        for name, record in (
            ("charter", CharterEntry),
            ("objectives", Objective),
            ("actuals", Actual),
            ("initiatives", Initiative),
        ):
            raw_items = data.get(name, [])
            if not isinstance(raw_items, list):
                raise ScenarioError(f"{name} must be a list")
            try:
                plan_items[name] = tuple(record.from_dict(item, f"{name}[{i}]") for i, item in enumerate(raw_items))
            except PlanItemError as exc:
                raise ScenarioError(str(exc)) from None
        scenario = cls(
            name=data["name"] if isinstance(data["name"], str) else _fail("name must be a string"),
            hq_region=data["hq_region"],
            regions=tuple(region_objs),
            roles=tuple(role_objs),
            assumptions=assumptions,
            description=description,
            positions=positions,
            **plan_items,
        )
        if positions:
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


_POSITION_FIELDS = {f.name for f in fields(Position)}
_TOP_LEVEL_FIELDS = {
    "schema",
    "version",
    "name",
    "description",
    "hq_region",
    "regions",
    "roles",
    "assumptions",
    "positions",
    "charter",
    "objectives",
    "actuals",
    "initiatives",
}
_PLAN_FIELDS = {"role", "placement", "sizing", "central_fte", "local_fte"}


def _positions(raw: Any) -> tuple[Position, ...]:
    if not isinstance(raw, list):
        raise ScenarioError("positions must be a list")
    out = []
    for i, item in enumerate(raw):
        where = f"positions[{i}]"
        if not isinstance(item, dict):
            raise ScenarioError(f"{where} must be an object")
        unknown = sorted(set(item) - _POSITION_FIELDS)
        if unknown:
            raise ScenarioError(f"{where}: unknown field(s) {', '.join(unknown)}")
        _require(item, ("id", "name", "kind"), where)
        for name in ("id", "name", "kind", "title", "region", "role_id", "department"):
            if name in item:
                _text(item[name], f"{where}.{name}", blank_ok=name not in ("id", "name"))
        if item.get("manager_id") is not None and not isinstance(item["manager_id"], str):
            raise ScenarioError(f"{where}.manager_id must be a string or null")
        if item["kind"] not in KINDS:
            raise ScenarioError(f"{where}.kind must be one of {', '.join(KINDS)}, got {item['kind']!r}")
        values = dict(item)
        values["cost_usd_per_year"] = _number(
            item.get("cost_usd_per_year", 0.0), f"{where}.cost_usd_per_year", low=0, high=1e9
        )
        values["fte"] = _number(item.get("fte", 1.0), f"{where}.fte", low=0, high=1e6)
        values["count"] = _number(item.get("count", 1), f"{where}.count", low=1, high=MAX_TOTAL_REPS, integer=True)
        out.append(Position(**values))
    return tuple(out)


def _check_size(regions: int, roles: int, positions: int) -> None:
    """Refuse a scenario bigger than :mod:`salesops.model.limits` allows, before any per-item work."""
    for count, limit, what in (
        (regions, MAX_REGIONS, "regions"),
        (roles, MAX_ROLES, "sales-ops roles"),
        (positions, MAX_POSITIONS, "people"),
    ):
        if count > limit:
            raise ScenarioError(f"the scenario has {count:,} {what}; the limit is {limit:,}")


def _fail(message: str):
    raise ScenarioError(message)


def _require(data: dict, keys: Iterable[str], where: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise ScenarioError(f"{where}: missing field(s) {', '.join(missing)}")


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise ScenarioError(f"{where} must be a list")
    return value


def _build(cls, raw: Any, where: str):
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where} must be an object")
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ScenarioError(f"{where}: unknown field(s) {', '.join(unknown)}")
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    _require(raw, required, where)
    try:
        return cls(**raw)
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    except TypeError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
