"""An example HRIS export (Workday-style column names) of any size, for demos, tests and benchmarks."""

from __future__ import annotations

import csv
import io
import random


# --------------------------------------------------------------------------
# An example export
# --------------------------------------------------------------------------
_EXAMPLE_REGIONS = (  # (region, office, leader title, weight)
    ("North America", "New York", "VP Sales, North America", 5),
    ("EMEA", "London", "Head of EMEA Sales", 3),
    ("APAC", "Singapore", "VP Sales APAC", 2),
    ("LATAM", "Sao Paulo", "Director of Sales, LATAM", 1),
    ("ANZ", "Sydney", "Regional Vice President ANZ", 1),
)
_EXAMPLE_OPS = (
    ("Sales Operations Analyst", 3),
    ("CRM Administrator", 2),
    ("Deal Desk Analyst", 2),
    ("Marketing Operations Manager", 1),
    ("Sales Enablement Manager", 1),
    ("Quota Analyst", 1),
)
_EXAMPLE_OTHER = ("Marketing Manager", "Recruiter", "Software Engineer", "Solutions Engineer", "Executive Assistant")
_FIRST = (
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Goran",
    "Hana",
    "Ivan",
    "Jun",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
    "Zane",
)
_LAST = (
    "Abe",
    "Brown",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kim",
    "Lopez",
    "Müller",
    "Nair",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Novak",
    "Walsh",
    "Zhang",
)


def example_csv(rows: int = 50, seed: int = 0) -> str:
    """A realistic HRIS export (Workday-style column names) of ``rows`` employees.

    A Chief Revenue Officer in New York, a VP Sales Operations with central staff,
    five regional sales leaders, front-line managers (about one per eight reps),
    reps, sales-ops staff (some embedded in the regions) and a few others, with
    salaries. Deterministic for a given ``seed``; for demos, tests and benchmarks.

    Examples
    --------
    >>> example_csv(12).splitlines()[0]
    'Employee ID,Worker,Business Title,Manager Employee ID,Supervisory Organization,Location,Annual Salary,FTE'
    """
    if rows < 1:
        raise ValueError(f"rows must be >= 1, got {rows!r}")
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "Employee ID",
            "Worker",
            "Business Title",
            "Manager Employee ID",
            "Supervisory Organization",
            "Location",
            "Annual Salary",
            "FTE",
        ]
    )
    records: list[list[str]] = []
    counter = [0]

    def add(title: str, manager: str, dept: str, office: str, salary: int, fte: str = "1") -> str:
        counter[0] += 1
        pid = f"E{counter[0]:05d}"
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        records.append([pid, name, title, manager, dept, office, str(salary), fte])
        return pid

    cro = add("Chief Revenue Officer", "", "Sales", "New York", 350_000)
    ops_head = add("VP Sales Operations", cro, "Sales Operations", "New York", 260_000) if rows > 1 else cro
    regions = _EXAMPLE_REGIONS[: max(1, min(5, (rows - 2) // 12))]
    leaders = {}
    for region, office, title, _ in regions:
        if counter[0] < rows:
            leaders[region] = add(title, cro, "Sales", office, 240_000)
    rest = max(0, rows - counter[0])
    n_ops = round(rest * 0.08)
    n_other = round(rest * 0.06)
    n_mgr = max(1 if rest > 2 else 0, round((rest - n_ops - n_other) / 9))
    n_rep = rest - n_ops - n_other - n_mgr
    weights = [w for *_, w in regions]
    managers: dict[str, list[str]] = {r: [] for r, *_ in regions}
    offices = {r: o for r, o, *_ in regions}

    def pick_region() -> str:
        return rng.choices([r for r, *_ in regions], weights=weights)[0]

    for k in range(n_mgr):
        region = regions[k % len(regions)][0] if k < len(regions) else pick_region()
        managers[region].append(
            add(
                rng.choice(("Sales Manager", "Regional Sales Manager", "Team Lead, Sales")),
                leaders.get(region, cro),
                "Sales",
                offices[region],
                rng.randrange(150, 190) * 1000,
            )
        )
    for _ in range(n_rep):
        region = pick_region()
        boss = rng.choice(managers[region]) if managers[region] else leaders.get(region, cro)
        title = rng.choices(
            ("Account Executive", "Senior AE", "SDR", "Business Development Representative"), weights=(5, 2, 2, 1)
        )[0]
        add(title, boss, "Sales", offices[region], rng.randrange(70, 140) * 1000)
    ops_titles = [t for t, w in _EXAMPLE_OPS for _ in range(w)]
    for k in range(n_ops):
        title = ops_titles[k % len(ops_titles)]
        if k % 4 == 3 and len(regions) > 1:  # one in four embedded in a region away from HQ
            region = regions[1 + (k // 4) % (len(regions) - 1)][0]
            add(title, leaders.get(region, cro), "Sales Operations", offices[region], rng.randrange(110, 160) * 1000)
        else:
            add(
                title,
                ops_head,
                "Sales Operations",
                "New York",
                rng.randrange(110, 170) * 1000,
                fte="0.5" if k % 11 == 10 else "1",
            )
    for k in range(n_other):
        region = pick_region()
        add(
            _EXAMPLE_OTHER[k % len(_EXAMPLE_OTHER)],
            leaders.get(region, cro),
            "Marketing" if k % 5 == 0 else "G&A",
            offices[region],
            rng.randrange(80, 160) * 1000,
        )
    writer.writerows(records[:rows])
    return out.getvalue()
