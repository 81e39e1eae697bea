"""Import stage 4: place people in regions, choose HQ, check region parameters and set time-zone offsets.

:func:`place_regions` is a function of the shared :class:`~salesops.readwrite.hris.state._ImportState`.
A region column names the regions itself, and their offsets from HQ come from the file's
``tz_offset_hours`` column, else ``data/locations.csv``. A location (or country) column is grouped into
regions by :func:`map_locations`: the user's choice, else ``data/location_regions.csv`` (UN M49 regions,
IANA standard-time offsets), else the person's country; a region's offset is that of its location with
the most people, minus that of the root's location.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from salesops.model.scenario import Region, ScenarioError
from salesops.readwrite.hris.errors import ImportProblem
from salesops.readwrite.hris.mapping import _FIELD_LABELS
from salesops.readwrite.hris.state import UNASSIGNED, VIRTUAL_ROOT_ID, _ImportState
from salesops.readwrite.hris.values import (
    REGION_NAMES,
    Place,
    _wrap_offset,
    load_location_regions,
    load_locations,
    region_slug,
)

MAX_REGION_NAME = 80  # characters of a region name the user types
_REMOTE = re.compile(
    r"\b(?:remote|home[\s-]*(?:office|based)|work(?:ing)?[\s-]+from[\s-]+home|wfh|virtual|teleworker)\b", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[,;/|()\[\]:]+|\s+-\s+|\s+–\s+")


class Located(NamedTuple):
    """Where one distinct location of the file lands: its country, region id and name, UTC offset and how."""

    country: str
    region_id: str
    region_name: str
    utc_offset_hours: float | None
    how: str  # "city", "country", "remote", "your choice", "country column", "unknown"


def _default_region(code: str) -> tuple[str, str]:
    """A default region's id and name; the id is the slug of the name, as for every region, so that an
    exported file (which names regions) reads back to the same ids."""
    return region_slug(REGION_NAMES[code]), REGION_NAMES[code]


def _chosen_region(value: str) -> tuple[str, str]:
    """The region a user's choice names: a default one by code or name ("emea", "North America"), else a new one.

    Examples
    --------
    >>> _chosen_region(" north america "), _chosen_region("UK & Ireland")
    (('north-america', 'North America'), ('uk-ireland', 'UK & Ireland'))
    """
    name = " ".join(value.split())[:MAX_REGION_NAME]
    for code, full in REGION_NAMES.items():
        if name.casefold() in (code.casefold(), full.casefold()):
            return _default_region(code)
    if not name or name.casefold() == "unassigned":
        return UNASSIGNED, "Unassigned"
    return region_slug(name), name


def _lookup(text: str, places: dict[str, Place]) -> Place | None:
    """The place a location names: the whole text, else its parts ("London, UK", "US - Boston").

    Examples
    --------
    >>> places = load_location_regions()
    >>> _lookup("Berlin, Germany", places).location, _lookup("US - Boston", places).location
    ('Berlin', 'Boston')
    >>> _lookup("Narnia", places) is None
    True
    """
    whole = places.get(" ".join(text.split()).casefold())
    if whole is not None or len(text) > 200:
        return whole
    found = [places.get(" ".join(part.split()).casefold()) for part in _SEPARATORS.split(text)]
    found = [p for p in found if p is not None]
    # a city says more than a country: "Boston, USA" is Boston
    return next((p for p in found if not p.is_country), found[0] if found else None)


def _remote_place(text: str) -> str | None:
    """The place a remote location names ("Remote - Lisbon" -> "Lisbon", "Remote" -> ""), None if not remote.

    Examples
    --------
    >>> _remote_place("Remote - Lisbon"), _remote_place("Lisbon (remote)"), _remote_place("Home office, Germany")
    ('Lisbon', 'Lisbon', 'Germany')
    >>> _remote_place("Remote"), _remote_place("Berlin")
    ('', None)
    """
    if not _REMOTE.search(text):
        return None
    rest = _REMOTE.sub(" ", text)
    parts = [" ".join(p.split()) for p in _SEPARATORS.split(rest)]
    return ", ".join(p for p in parts if p and p.strip("-–")).strip()


def map_locations(
    locations: list[str],
    countries: dict[str, str],
    choices: dict[str, str],
    places: dict[str, Place] | None = None,
) -> dict[str, Located]:
    """Where each distinct location lands, in order: the user's choice (``choices``, keys matched without
    case), the location as a city or country, a remote location by the place it names or else by the
    country column (``countries``: location -> its people's most common country), the country column.

    Examples
    --------
    >>> got = map_locations(["Osaka", "Remote (US)", "Home office", "Atlantis", "Leeds"], {"Home office": "Spain"},
    ...                     {"LEEDS": "UK & Ireland"})
    >>> [(k, v.region_id, v.how) for k, v in got.items()]  # doctest: +NORMALIZE_WHITESPACE
    [('Osaka', 'apac', 'city'), ('Remote (US)', 'north-america', 'remote'), ('Home office', 'emea', 'remote'),
     ('Atlantis', 'unassigned', 'unknown'), ('Leeds', 'uk-ireland', 'your choice')]
    """
    places = load_location_regions() if places is None else places
    chosen = {" ".join(k.split()).casefold(): v for k, v in choices.items()}
    out: dict[str, Located] = {}
    for loc in locations:
        country_text = countries.get(loc, "")
        by_country = _lookup(country_text, places) if country_text else None
        remote = _remote_place(loc)
        place = _lookup(loc, places) if remote is None else (_lookup(remote, places) if remote else None)
        how = ("city" if not place.is_country else "country") if place is not None else ""
        if remote is not None:
            how = "remote"
            place = place or by_country
        elif place is None and by_country is not None:
            place, how = by_country, "country column"
        choice = chosen.get(" ".join(loc.split()).casefold())
        if choice is not None:
            rid, name = _chosen_region(choice)
            country = place.country if place else country_text
            out[loc] = Located(country, rid, name, place.utc_offset_hours if place else None, "your choice")
        elif place is not None:
            out[loc] = Located(place.country, *_default_region(place.region), place.utc_offset_hours, how)
        else:
            out[loc] = Located(country_text, UNASSIGNED, "Unassigned", None, "unknown")
    return out


def place_regions(st: _ImportState) -> None:
    """Each person's region, HQ and the regions (people, reps, managers, time-zone offsets, parameters)."""
    source = next((f for f in ("region", "location", "country") if f in st.cols), None)
    st.region_source = source
    n = len(st.rows)
    raw_values = st.values(source) if source else [""] * n
    if source is None:
        st.warnings.append("no region, location or country column: everyone is in one region 'Unassigned'")
    located: dict[str, Located] | None = None
    if source in ("location", "country"):
        located = _locate(st, source, raw_values)
        region_ids = [located[v].region_id for v in raw_values]
        names = {loc.region_id: loc.region_name for loc in located.values()}
        names.setdefault(UNASSIGNED, "Unassigned")
    else:
        region_ids, names = _named_regions(raw_values)
    blanks = sum(1 for pid, v, r in zip(st.ids, raw_values, region_ids) if pid in st.pos and not v and r == UNASSIGNED)
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
    explicit = params.get("tz_offset_hours", {})
    if located is None:
        absolute, hq_abs = _absolute_from_names(st, used, names, region_ids)
        offsets = _offsets(st, used, names, explicit, absolute, hq_abs, "data/locations.csv")
    else:
        absolute, hq_abs = _absolute_from_locations(st, raw_values, located)
        offsets = _offsets(st, used, names, explicit, absolute, hq_abs, "data/location_regions.csv")
        st.extra_summary["locations"] = _locations_summary(st, raw_values, located)
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


def _named_regions(raw_values: list[str]) -> tuple[list[str], dict[str, str]]:
    """Regions named by the file: the id is the slug of the value, the name its most common spelling."""
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
    return region_ids, names


def _locate(st: _ImportState, source: str, raw_values: list[str]) -> dict[str, Located]:
    """Map each distinct location (or country) of the file to a region; one warning for those mapped nowhere."""
    countries: dict[str, str] = {}
    country_values = st.values("country") if source == "location" else None
    if country_values is not None:
        seen: dict[str, Counter] = {}
        for v, c in zip(raw_values, country_values):
            if c:
                seen.setdefault(v, Counter())[c] += 1
        countries = {v: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for v, c in seen.items()}
    located = map_locations(list(dict.fromkeys(raw_values)), countries, st.region_map)
    unknown = [v for v, loc in located.items() if v and loc.how == "unknown"]
    if unknown:
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        shown = ", ".join(repr(v) for v in unknown[:10]) + more
        unknown_set = set(unknown)
        people = sum(1 for v in raw_values if v in unknown_set)
        st.warnings.append(
            f"{len(unknown)} {source}(s) match no known city or country: {shown} ({people} people); they are in "
            "region 'Unassigned': map each to a region with --region LOCATION=REGION or in the import page's "
            "region table"
        )
    return located


def _people_by_location(st: _ImportState, raw_values: list[str]) -> Counter:
    """People kept (and sales-ops staff) per location, the counts the regions are built from."""
    out: Counter = Counter()
    for pid in st.kept:
        i = st.pos.get(pid)
        if i is not None:
            out[raw_values[i]] += 1
    for pid in st.ops_ids:
        out[raw_values[st.pos[pid]]] += 1
    return out


def _absolute_from_locations(
    st: _ImportState, raw_values: list[str], located: dict[str, Located]
) -> tuple[dict[str, float | None], float | None]:
    """A region's UTC offset: its location with the most people (ties: by name) among those with a known offset;
    HQ's: the root's location, else its region's."""
    people = _people_by_location(st, raw_values)
    best: dict[str, tuple[int, str, float]] = {}
    for loc, where in located.items():
        if where.utc_offset_hours is None:
            continue
        key = (-people[loc], loc, where.utc_offset_hours)
        if where.region_id not in best or key < best[where.region_id]:
            best[where.region_id] = key
    absolute: dict[str, float | None] = {rid: k[2] for rid, k in best.items()}
    root_i = st.pos.get(st.root)
    root_abs = located[raw_values[root_i]].utc_offset_hours if root_i is not None else None
    return absolute, root_abs if root_abs is not None else absolute.get(st.hq)


def _locations_summary(st: _ImportState, raw_values: list[str], located: dict[str, Located]) -> list[dict]:
    """One entry per distinct location, in the file's order: where it landed, how, and who is there."""
    people = _people_by_location(st, raw_values)
    kinds: dict[str, Counter] = {}
    for pid in st.kept:
        i = st.pos.get(pid)
        if i is not None:
            kinds.setdefault(raw_values[i], Counter())[st.kind_of[pid]] += 1
    for pid in st.ops_ids:
        kinds.setdefault(raw_values[st.pos[pid]], Counter())["sales_ops"] += 1
    return [
        {
            "location": loc,
            "country": where.country,
            "region": where.region_name,
            "region_id": where.region_id,
            "people": people[loc],
            "reps": kinds.get(loc, Counter())["rep"],
            "managers": kinds.get(loc, Counter())["manager"],
            "sales_ops": kinds.get(loc, Counter())["sales_ops"],
            "how": where.how,
        }
        for loc, where in located.items()
        if people[loc] or loc
    ]


def _absolute_from_names(
    st: _ImportState, used: set[str], names: dict[str, str], region_ids: list[str]
) -> tuple[dict[str, float | None], float | None]:
    """Each used region's UTC offset from ``data/locations.csv`` by its name, else by its people's offices."""
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
    return absolute, absolute.get(st.hq)


def _offsets(
    st: _ImportState,
    used: set[str],
    names: dict[str, str],
    explicit: dict[str, tuple[float, int]],
    absolute: dict[str, float | None],
    hq_abs: float | None,
    table_name: str,
) -> dict[str, float]:
    """Each used region's time-zone offset from HQ: the file's column, else the UTC offsets found, else 0."""
    out: dict[str, float] = {}
    hq = st.hq
    hq_explicit = explicit.get(hq, (None, 0))[0]
    if any(rid not in explicit for rid in used if rid != hq) and hq_abs is None and hq not in explicit:
        if any(absolute.get(r) is not None for r in used if r != hq and r not in explicit):
            st.warnings.append(
                f"time zone of the HQ region {names.get(hq, hq)!r} is unknown (not in "
                f"{table_name}): every region is taken as 0 hours from HQ"
            )
    for rid in used:
        off = absolute.get(rid)
        if rid in explicit:
            out[rid] = _wrap_offset(explicit[rid][0] - (hq_explicit or 0.0))
        elif rid == hq:
            out[rid] = 0.0
        elif off is None or hq_abs is None:
            if off is None and rid != UNASSIGNED:
                st.warnings.append(
                    f"time zone of region {names.get(rid, rid)!r} is unknown (not in "
                    f"{table_name}): 0 hours from HQ assumed"
                )
            out[rid] = 0.0
        else:
            out[rid] = _wrap_offset(off - hq_abs)
    return out
