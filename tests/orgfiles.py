"""Orgs of awkward shapes for export tests: imported, one region, many regions, empty regions, no roles."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from salesops.readwrite.hris import build_import, example_csv, guess_mapping, load_rules, read_table
from salesops.model.samples import load_sample, synthetic
from salesops.model.scenario import Region, Scenario

__all__ = ["CITIES", "GROWTH_PARTNER", "hris_csv_with_cities", "hris_csv_with_growth_partners", "import_csv", "shapes"]

# Ten offices in four countries and three continents.
CITIES = (
    "New York",
    "Chicago",
    "San Francisco",
    "Boston",
    "London",
    "Manchester",
    "Berlin",
    "Munich",
    "Tokyo",
    "Osaka",
)


def hris_csv_with_cities(rows: int = 300, seed: int = 3) -> str:
    """An HRIS export of ``rows`` people spread over the ten :data:`CITIES` (the CRO stays in New York)."""
    reader = csv.reader(io.StringIO(example_csv(rows, seed=seed)))
    header = next(reader)
    where = header.index("Location")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, row in enumerate(reader):
        row[where] = CITIES[0] if i == 0 else CITIES[i % len(CITIES)]
        writer.writerow(row)
    return out.getvalue()


GROWTH_PARTNER = "Growth Partner"  # a client's own word for a rep: no default rule knows it


def hris_csv_with_growth_partners(rows: int = 300, every: int = 12, seed: int = 3) -> str:
    """:func:`hris_csv_with_cities` where every ``every``-th account executive is a "Growth Partner"."""
    reader = csv.reader(io.StringIO(hris_csv_with_cities(rows, seed)))
    header = next(reader)
    title = header.index("Business Title")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    seen = 0
    for row in reader:
        if row[title] == "Account Executive":
            seen += 1
            if seen % every == 0:
                row[title] = GROWTH_PARTNER
        writer.writerow(row)
    return out.getvalue()


def import_csv(text: str, name: str = "hris.csv") -> Scenario:
    raw = read_table(text.encode("utf-8"), name)
    return build_import(raw, guess_mapping(raw.frame.columns), load_rules()).scenario


def _many_regions(n: int) -> Scenario:
    base = synthetic(1200, 8)
    regions = list(base.regions)
    for k in range(len(regions), n):
        regions.append(
            Region(
                id=f"r{k}",
                name=f"Region {k}",
                reps=40 + k,
                managers=5,
                tz_offset_hours=(k * 3) % 24 - 11,
                market_complexity=0.3,
                cost_index=0.9,
            )
        )
    return replace(base, regions=tuple(regions), name=f"{n} regions")


def shapes() -> dict[str, Scenario]:
    """Every org shape an export must handle, by a readable id."""
    mid = load_sample("midmarket")
    edited = (
        mid.with_placement("deal_desk", "localized")
        .with_placement("crm_admin", "hybrid")
        .with_placement("analytics", "localized")
    )
    no_reps = replace(
        mid,
        regions=tuple(replace(r, reps=0, managers=0) if r.id != mid.hq_region else r for r in mid.regions),
        name="Regions without reps",
    )
    return {
        "startup (1 region)": load_sample("startup"),
        "midmarket edited": edited,
        "enterprise": load_sample("enterprise"),
        "enterprise all localized": load_sample("enterprise").with_placement("all", "localized"),
        "12 regions": _many_regions(12),
        "regions without reps": no_reps,
        "no sales-ops roles": replace(mid, roles=(), name="No sales ops"),
        # Nothing spent: the ROI is "n/a (no cost)" everywhere, payback at once.
        "sales ops at no cost": replace(
            mid,
            roles=tuple(replace(p, role=replace(p.role, cost_usd_per_year=0.0)) for p in mid.roles),
            name="Sales ops at no cost",
        ),
        "generalists, fractional staffing": replace(
            load_sample("startup"), generalists=True, name="Startup, generalists"
        ),
        "imported 300 people, 10 cities": import_csv(hris_csv_with_cities(300)),
    }
