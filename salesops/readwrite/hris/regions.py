"""Import stage 4: place people in regions, choose HQ, check region parameters and set time-zone offsets.

:func:`place_regions` is a function of the shared :class:`~salesops.readwrite.hris.state._ImportState`;
the offsets from HQ come from the file's ``tz_offset_hours`` column, else ``data/locations.csv``.
"""

from __future__ import annotations

from collections import Counter

from salesops.model.scenario import Region, ScenarioError
from salesops.readwrite.hris.errors import ImportProblem
from salesops.readwrite.hris.mapping import _FIELD_LABELS
from salesops.readwrite.hris.state import UNASSIGNED, VIRTUAL_ROOT_ID, _ImportState
from salesops.readwrite.hris.values import _wrap_offset, load_locations, region_slug


def place_regions(st: _ImportState) -> None:
    """Each person's region, HQ and the regions (people, reps, managers, time-zone offsets, parameters)."""
    source = next((f for f in ("region", "location", "country") if f in st.cols), None)
    st.region_source = source
    n = len(st.rows)
    raw_values = st.values(source) if source else [""] * n
    if source is None:
        st.warnings.append("no region, location or country column: everyone is in one region 'Unassigned'")
    slug_of: dict[str, str] = {"": UNASSIGNED}
    spellings: dict[str, Counter] = {UNASSIGNED: Counter()}
    for v in raw_values:
        if v not in slug_of:
            slug_of[v] = region_slug(v)
    region_ids = [slug_of[v] for v in raw_values]
    for v, rid in zip(raw_values, region_ids):
        if v:
            spellings.setdefault(rid, Counter())[v] += 1
    names = {
        rid: (min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else "Unassigned") for rid, c in spellings.items()
    }
    names.setdefault(UNASSIGNED, "Unassigned")
    blanks = sum(1 for pid, v in zip(st.ids, raw_values) if pid in st.pos and not v)
    if source is not None and blanks:
        st.warnings.append(f"{blanks} employee(s) have a blank {source}; they are in region 'Unassigned'")
    region_of = {pid: region_ids[i] for pid, i in st.pos.items()}
    # HQ: the root's region, else where most leaders sit, else where most people sit.
    root_region = region_of.get(st.root)
    if root_region and root_region != UNASSIGNED:
        hq = root_region
    else:
        leaders = Counter(
            region_of[p]
            for p, k in st.kind_of.items()
            if k == "leader" and p in region_of and region_of[p] != UNASSIGNED
        )
        if not leaders:
            leaders = Counter(r for r in region_of.values() if r != UNASSIGNED)
        hq = min(leaders.items(), key=lambda kv: (-kv[1], kv[0]))[0] if leaders else UNASSIGNED
    if st.root == VIRTUAL_ROOT_ID:
        region_of[VIRTUAL_ROOT_ID] = hq
    st.region_of = region_of
    st.hq = hq
    used = {region_of[p] for p in st.kept} | {region_of[p] for p in st.ops_ids} | {hq}
    params = _region_params(st, region_of, names)
    offsets = _offsets(st, used, names, region_ids, params.get("tz_offset_hours", {}))
    reps = Counter(region_of[p] for p in st.kept if st.kind_of[p] == "rep")
    managers = Counter(region_of[p] for p in st.kept if st.kind_of[p] == "manager")
    people = Counter(region_of[p] for p in st.kept) + Counter(region_of[p] for p in st.ops_ids)
    order = sorted(used, key=lambda r: (r != hq, -people[r], r))
    regions = []
    for rid in order:
        extra = {}
        for f in ("market_complexity", "cost_index"):
            if rid in params.get(f, {}):
                extra[f] = params[f][rid][0]
        try:
            regions.append(
                Region(
                    id=rid,
                    name=names.get(rid, rid),
                    reps=reps[rid],
                    managers=managers[rid],
                    tz_offset_hours=offsets[rid],
                    **extra,
                )
            )
        except ScenarioError as exc:
            st.problems.append(ImportProblem(None, None, str(exc)))
    st.regions = regions
    st.region_names = names
    st.cost_index = {r.id: r.cost_index for r in regions}


def _region_params(
    st: _ImportState, region_of: dict[str, str], names: dict[str, str]
) -> dict[str, dict[str, tuple[float, int]]]:
    """The region parameters the file gives, by region: (value, first row); a problem if out of range or disagreeing."""
    limits = {"tz_offset_hours": (-24.0, 24.0), "market_complexity": (0.0, 1.0), "cost_index": (0.05, 20.0)}
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for f, values in st.region_params.items():
        if f not in st.cols:
            continue
        seen: dict[str, tuple[float, int]] = {}
        low, high = limits[f]
        for pid, i in st.pos.items():
            value = values[i]
            if value is None:
                continue
            row, rid = st.rows[i], region_of[pid]
            if not low <= value <= high:
                st.problem(row, f, f"{_FIELD_LABELS[f]} {value:g} is outside [{low:g}, {high:g}]")
            elif rid in seen and seen[rid][0] != value:
                st.problem(
                    row,
                    f,
                    f"region {names.get(rid, rid)!r} has {_FIELD_LABELS[f]} "
                    f"{seen[rid][0]:g} on row {seen[rid][1]} but {value:g} here",
                )
            else:
                seen.setdefault(rid, (value, row))
        out[f] = seen
    return out


def _offsets(
    st: _ImportState,
    used: set[str],
    names: dict[str, str],
    region_ids: list[str],
    explicit: dict[str, tuple[float, int]],
) -> dict[str, float]:
    """Each used region's time-zone offset from HQ: the file's column, else ``data/locations.csv``, else 0."""
    table = load_locations()
    absolute: dict[str, float | None] = {}
    # Fall back on the location or country of a region's people when its name is unknown.
    fallback: dict[str, Counter] = {}
    if st.region_source == "region":
        for f in ("location", "country"):
            values = st.values(f)
            if values is None:
                continue
            for rid, v in zip(region_ids, values):
                off = table.get(v.casefold()) if v else None
                if off is not None:
                    fallback.setdefault(rid, Counter())[off] += 1
            if fallback:
                break
    for rid in used:
        off = table.get(names.get(rid, rid).casefold())
        if off is None and rid in fallback:
            off = min(fallback[rid].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        absolute[rid] = off
    out: dict[str, float] = {}
    hq = st.hq
    hq_explicit = explicit.get(hq, (None, 0))[0]
    hq_abs = absolute.get(hq)
    if any(rid not in explicit for rid in used if rid != hq) and hq_abs is None and hq not in explicit:
        if any(absolute[r] is not None for r in used if r != hq and r not in explicit):
            st.warnings.append(
                f"time zone of the HQ region {names.get(hq, hq)!r} is unknown (not in "
                "data/locations.csv): every region is taken as 0 hours from HQ"
            )
    for rid in used:
        if rid in explicit:
            out[rid] = _wrap_offset(explicit[rid][0] - (hq_explicit or 0.0))
        elif rid == hq:
            out[rid] = 0.0
        elif absolute[rid] is None or hq_abs is None:
            if absolute[rid] is None and rid != UNASSIGNED:
                st.warnings.append(
                    f"time zone of region {names.get(rid, rid)!r} is unknown (not in "
                    "data/locations.csv): 0 hours from HQ assumed"
                )
            out[rid] = 0.0
        else:
            out[rid] = _wrap_offset(absolute[rid] - hq_abs)
    return out
