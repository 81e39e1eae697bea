"""The scenario's JSON document: schema name, version, writing and checked reading.

:func:`to_dict` writes a Scenario; :func:`read_fields` checks a parsed document field by field
(naming the field of any problem) and returns the Scenario's constructor arguments. Nothing here
imports :class:`~salesops.model.scenario.Scenario`, so the Scenario can call it.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, replace
from typing import Any, Iterable

from salesops.model.limits import MAX_POSITIONS, MAX_REGIONS, MAX_ROLES, MAX_TOTAL_REPS
from salesops.model.parts import Assumptions, Region, RolePlan, ScenarioError, _number, _text
from salesops.model.plan_items import Actual, CharterEntry, Initiative, Objective, PlanItemError
from salesops.model.positions import KINDS, Position
from salesops.model.roles import RoleSpec

__all__ = ["READABLE_VERSIONS", "SCHEMA_NAME", "SCHEMA_VERSION", "read_fields", "to_dict"]

SCHEMA_NAME = "salesops.scenario"
SCHEMA_VERSION = 4
# Version 1 had no "positions"; version 3 added per-region placement, the hub's region, the
# minimum team, "staffing" and "model_version"; version 4 the role plan's "process" and the
# role's "control" (model version 4). Older versions read unchanged, with the model they name.
READABLE_VERSIONS = (1, 2, 3, 4)
_V3_TOP_LEVEL = ("staffing", "model_version", "generalists")
_V3_PLAN = ("regions", "hub_region", "min_fte")
_V4_PLAN = ("process",)


def to_dict(scenario: Any) -> dict[str, Any]:
    """The JSON-ready document of a Scenario, at :data:`SCHEMA_VERSION`."""
    return {
        "schema": SCHEMA_NAME,
        "version": SCHEMA_VERSION,
        "name": scenario.name,
        "description": scenario.description,
        "hq_region": scenario.hq_region,
        "staffing": scenario.staffing,
        "model_version": scenario.model_version,
        **({"generalists": True} if scenario.generalists else {}),
        "regions": [{f.name: getattr(r, f.name) for f in fields(r)} for r in scenario.regions],
        "roles": [
            {
                "role": p.role.to_dict(),
                "placement": p.placement,
                "sizing": p.sizing,
                "central_fte": p.central_fte,
                "local_fte": {rid: fte for rid, fte in p.local_fte},
                **({"regions": dict(p.regions)} if p.regions else {}),
                **({"hub_region": p.hub_region} if p.hub_region else {}),
                **({"min_fte": p.min_fte} if p.min_fte else {}),
                "process": p.process,
            }
            for p in scenario.roles
        ],
        "assumptions": {f.name: getattr(scenario.assumptions, f.name) for f in fields(scenario.assumptions)},
        **({"positions": [p.to_dict() for p in scenario.positions]} if scenario.positions else {}),
        **{
            name: [item.to_dict() for item in getattr(scenario, name)]
            for name in ("charter", "objectives", "actuals", "initiatives")
            if getattr(scenario, name)
        },
    }


def read_fields(data: Any) -> dict[str, Any]:
    """Check a parsed scenario document; return the Scenario's constructor arguments.

    Documents of versions 1 and 2 were made before model version 3: they open with its
    meaning (whole-FTE staffing, hybrid as a fixed mix), so their figures stay the same.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"a scenario must be a JSON object, got {type(data).__name__}")
    if data.get("schema") != SCHEMA_NAME:
        raise ScenarioError(f"not a scenario file: field 'schema' must be {SCHEMA_NAME!r}, got {data.get('schema')!r}")
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
    if version < 3:
        newer = [k for k in _V3_TOP_LEVEL if k in data]
        if newer:
            raise ScenarioError(f"scenario version {version} has no field(s) {', '.join(newer)} (version 3 has)")
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
        if version < 3 and any(k in raw for k in _V3_PLAN):
            named = ", ".join(k for k in _V3_PLAN if k in raw)
            raise ScenarioError(f"{where}: scenario version {version} has no field(s) {named} (version 3 has)")
        if version < 4 and any(k in raw for k in _V4_PLAN):
            raise ScenarioError(f"{where}: scenario version {version} has no field process (version 4 has)")
        modes = raw.get("regions", {})
        if not isinstance(modes, dict):
            raise ScenarioError(f"{where}.regions must be an object of region id to placement")
        try:
            role_objs.append(
                RolePlan(
                    role=spec,
                    placement=raw.get("placement", "centralized"),
                    sizing=raw.get("sizing", "auto"),
                    central_fte=raw.get("central_fte", 0.0),
                    local_fte=tuple(local.items()),
                    regions=tuple(modes.items()),
                    hub_region=raw.get("hub_region", ""),
                    min_fte=raw.get("min_fte", 0.0),
                    process=raw.get("process", "standard"),
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
    return dict(
        name=data["name"] if isinstance(data["name"], str) else _fail("name must be a string"),
        hq_region=data["hq_region"],
        regions=tuple(region_objs),
        roles=tuple(role_objs),
        assumptions=assumptions,
        description=description,
        positions=positions,
        **plan_items,
        staffing=data.get("staffing", "continuous") if version >= 3 else "integer",
        model_version=data.get("model_version", 3 if version == 3 else 4) if version >= 3 else 2,
        generalists=data.get("generalists", False),
    )


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
    *_V3_TOP_LEVEL,
}
_PLAN_FIELDS = {"role", "placement", "sizing", "central_fte", "local_fte", *_V3_PLAN, *_V4_PLAN}


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
