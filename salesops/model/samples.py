"""Sample scenarios shipped in ``data/samples`` and synthetic scenarios of any size."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from salesops.model.paths import SAMPLES_DIR
from salesops.model.roles import load_catalog
from salesops.model.scenario import Region, RolePlan, Scenario, ScenarioError

__all__ = ["MAX_SYNTH_REGIONS", "SampleInfo", "dump", "list_samples", "load_sample", "synthetic"]

# Time-zone offsets and complexity used to spread synthetic regions round the globe.
_SYNTH_REGIONS = (
    ("na", "North America", 0.0, 0.2, 1.0),
    ("emea", "EMEA", 6.0, 0.5, 0.95),
    ("apac", "APAC", 13.0, 0.6, 0.7),
    ("latam", "LATAM", 2.0, 0.5, 0.6),
    ("india", "India", 10.5, 0.4, 0.45),
    ("anz", "ANZ", -9.0, 0.3, 0.9),
    ("west", "US West", -3.0, 0.2, 1.05),
    ("dach", "DACH", 6.0, 0.6, 1.0),
)

MAX_SYNTH_REGIONS = len(_SYNTH_REGIONS)


@dataclass(frozen=True)
class SampleInfo:
    name: str
    title: str
    reps: int
    regions: int
    roles: int
    description: str


@lru_cache(maxsize=None)
def _sample_text(name: str) -> str:
    path = SAMPLES_DIR / f"{name}.json"
    if not path.is_file():
        raise ScenarioError(f"unknown sample {name!r}; samples: {', '.join(_names())}")
    return path.read_text(encoding="utf-8")


def _names() -> list[str]:
    order = {"startup": 0, "midmarket": 1, "enterprise": 2}
    return sorted((p.stem for p in SAMPLES_DIR.glob("*.json")), key=lambda n: (order.get(n, 99), n))


@lru_cache(maxsize=None)
def load_sample(name: str) -> Scenario:
    """Load a shipped sample by name (``startup``, ``midmarket``, ``enterprise``).

    Scenarios are immutable, so the cached value is safe to share.
    """
    return Scenario.from_json(_sample_text(name))


def list_samples() -> list[SampleInfo]:
    """Every shipped sample with its size, in order of size."""
    out = []
    for name in _names():
        s = load_sample(name)
        title = f"{s.name} ({s.total_reps:,} reps, {len(s.regions)} region{'' if len(s.regions) == 1 else 's'})"
        out.append(
            SampleInfo(
                name=name,
                title=title,
                reps=s.total_reps,
                regions=len(s.regions),
                roles=len(s.roles),
                description=s.description,
            )
        )
    return out


def synthetic(reps: int, regions: int, placement: str = "centralized", name: str | None = None) -> Scenario:
    """A synthetic scenario with ``reps`` reps spread over ``regions`` regions.

    The first region is HQ and takes the largest share; one manager per 8 reps;
    every catalog role is present, auto-sized.

    Raises
    ------
    ScenarioError
        If ``reps`` < 1 or ``regions`` is not between 1 and 8 (or more than reps).
    """
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise ScenarioError(f"reps must be a whole number >= 1, got {reps!r}")
    if isinstance(regions, bool) or not isinstance(regions, int) or not 1 <= regions <= len(_SYNTH_REGIONS):
        raise ScenarioError(f"regions must be between 1 and {MAX_SYNTH_REGIONS}, got {regions!r}")
    if regions > reps:
        raise ScenarioError(f"regions ({regions}) cannot exceed reps ({reps})")
    weights = [2.0] + [1.0] * (regions - 1)
    total = sum(weights)
    counts = [max(1, int(reps * w / total)) for w in weights]
    counts[0] += reps - sum(counts)
    region_objs = []
    for (rid, rname, tz, k, cost), n in zip(_SYNTH_REGIONS, counts):
        region_objs.append(
            Region(
                id=rid,
                name=rname,
                reps=n,
                managers=max(1, round(n / 8)),
                tz_offset_hours=tz,
                market_complexity=k,
                cost_index=cost,
            )
        )
    roles = tuple(RolePlan(role=spec, placement=placement) for spec in load_catalog().values())
    return Scenario(
        name=name or f"Synthetic {reps:,} reps / {regions} regions",
        hq_region=region_objs[0].id,
        regions=tuple(region_objs),
        roles=roles,
        description=f"Synthetic org of {reps} reps in {regions} regions.",
    )


def dump(scenario: Scenario) -> str:
    """A scenario as the indented JSON text the sample files use."""
    return json.dumps(scenario.to_dict(), indent=2) + "\n"
