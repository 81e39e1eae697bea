"""The one-page import summary a consultant leaves with: who is in the org, what was guessed, corrected, dropped.

:func:`import_summary` writes it as Markdown (the import page shows it and offers it as a file);
:func:`summary_note` is its short form, at most :data:`~salesops.model.limits.MAX_DESCRIPTION_CHARS`
characters, kept as the imported scenario's description so that every export of the scenario
(the HTML report, the Excel summary, the deck's notes, the scenario file) carries it.

Both read an :class:`~salesops.readwrite.hris.errors.ImportResult` (its classification and summary)
and the user's corrections; they never change them.

Examples
--------
>>> from salesops.readwrite.hris import build_import, example_csv, guess_mapping, read_table
>>> raw = read_table(example_csv(60).encode("utf-8"), "people.csv")
>>> result = build_import(raw, guess_mapping(raw.frame.columns))
>>> text = import_summary(result, file_name="people.csv")
>>> text.splitlines()[0]
'### Import summary: people.csv'
>>> "Corrected by you" in text and len(summary_note(result, file_name="people.csv")) <= 2_000
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from salesops.model.limits import MAX_DESCRIPTION_CHARS
from salesops.model.positions import KINDS
from salesops.readwrite.hris.errors import ImportResult

__all__ = ["Corrections", "import_summary", "summary_note"]

KIND_WORDS = {"leader": "leaders", "manager": "managers", "rep": "reps", "sales_ops": "sales ops", "other": "other"}
_LISTED = 6  # names listed before "and N more"


@dataclass(frozen=True)
class Corrections:
    """What the user changed on the way: each empty when nothing was.

    ``kinds``: employee id -> (kind, role id); ``regions``: location -> region name;
    ``placements``: employee id -> "central" or "embedded"; ``rules``: the added rules in words;
    ``columns``: field -> column the user chose instead of the guess.
    """

    kinds: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)
    placements: Mapping[str, str] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    columns: Mapping[str, str | None] = field(default_factory=dict)

    def any(self) -> bool:
        return bool(self.kinds or self.regions or self.placements or self.rules or self.columns)


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown + (f" and {len(items) - _LISTED} more" if len(items) > _LISTED else "")


def _people(n: int) -> str:
    return f"{n:,} person" if n == 1 else f"{n:,} people"


def _by_kind(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts.get(k, 0):,} {KIND_WORDS[k]}" for k in KINDS)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a pipe would end the cell."""
    return text.replace("|", "\\|")


def _regions_table(result: ImportResult, esc: Callable[[str], str]) -> list[str]:
    frame = result.classification
    summary = result.summary
    names = {r["id"]: r["name"] for r in summary.get("regions", [])}
    offsets = {r["id"]: r.get("tz_offset_hours", 0.0) for r in summary.get("regions", [])}
    counts: dict[str, Counter] = {}
    for region, kind in zip(frame["region"], frame["kind"]):
        counts.setdefault(str(region), Counter())[str(kind)] += 1
    hq = summary.get("hq_region")
    lines = [
        "| Region | People | " + " | ".join(KIND_WORDS[k].capitalize() for k in KINDS) + " | Hours from HQ |",
        "|---|---:|" + "---:|" * len(KINDS) + "---:|",
    ]
    order = sorted(counts, key=lambda r: (r != hq, -sum(counts[r].values()), r))
    for rid in order:
        c = counts[rid]
        name = _cell(esc(names.get(rid, rid or "(none)"))) + (" (HQ)" if rid == hq else "")
        cells = " | ".join(f"{c.get(k, 0):,}" for k in KINDS)
        lines.append(f"| {name} | {sum(c.values()):,} | {cells} | {offsets.get(rid, 0.0):+g} |")
    return lines


def _guessed(result: ImportResult, esc: Callable[[str], str] = str) -> list[str]:
    summary = result.summary
    out = []
    mapping = summary.get("mapping", {})
    if mapping:
        out.append("Columns read as: " + _listed([f"{esc(col)} as {f}" for f, col in mapping.items()]) + ".")
    locations: list[dict[str, Any]] = summary.get("locations", [])
    if locations:
        by_region: dict[str, list[str]] = {}
        for loc in locations:
            by_region.setdefault(esc(str(loc.get("region", ""))), []).append(esc(str(loc.get("location", ""))))
        out.append(
            f"Regions from {len(locations):,} locations: "
            + "; ".join(f"{region}: {_listed(names)}" for region, names in by_region.items())
            + "."
        )
    elif summary.get("region_source"):
        out.append(f"Regions from the {summary['region_source']} column.")
    rules = Counter(str(r) for r in result.classification["rule"] if str(r))
    if rules:
        out.append("Classes by: " + _listed([f"{reason} ({n:,})" for reason, n in rules.most_common()]) + ".")
    placements: list[dict[str, Any]] = summary.get("placements", [])
    if placements:
        how = Counter(str(p.get("placement", "")) for p in placements if not p.get("corrected"))
        reasons = Counter(str(p.get("reason", "")) for p in placements if not p.get("corrected"))
        out.append(
            "Sales-ops placement from the reporting lines: "
            + ", ".join(f"{n:,} {where}" for where, n in sorted(how.items()))
            + (" (" + _listed([f"{esc(r)}: {n}" for r, n in reasons.most_common()]) + ")" if reasons else "")
            + "."
        )
    for role in summary.get("roles", []):
        out.append(f"{esc(role['name'])}: {role['people']:,} people, {role['fte']:g} FTE, {role['placement']}.")
    return out


def _corrected(result: ImportResult, corrections: Corrections, esc: Callable[[str], str] = str) -> list[str]:
    out = []
    names = {
        k: esc(v) for k, v in zip(result.classification["id"].astype(str), result.classification["name"].astype(str))
    }
    if corrections.columns:
        out.append(
            "Columns chosen: " + _listed([f"{f} from {esc(c or '(none)')}" for f, c in corrections.columns.items()])
        )
    if corrections.kinds:
        items = [
            f"{names.get(pid, pid)} as {kind}" + (f" ({role})" if role else "")
            for pid, (kind, role) in corrections.kinds.items()
        ]
        out.append(f"{_people(len(items))} reclassified: " + _listed(items) + ".")
    if corrections.rules:
        n = len(corrections.rules)
        out.append(f"{n:,} rule{'s' if n != 1 else ''} added: " + _listed([esc(r) for r in corrections.rules]) + ".")
    if corrections.regions:
        out.append(
            "Regions chosen: "
            + _listed([f"{esc(loc)} in {esc(reg)}" for loc, reg in corrections.regions.items()])
            + "."
        )
    if corrections.placements:
        items = [f"{names.get(pid, pid)} {where}" for pid, where in corrections.placements.items()]
        out.append(f"{len(items):,} placement{'s' if len(items) != 1 else ''} corrected: " + _listed(items) + ".")
    return out or ["Nothing: every figure is as the file and the default rules give it."]


def _dropped(result: ImportResult) -> list[str]:
    summary = result.summary
    out = []
    if summary.get("dropped_other"):
        out.append(
            f"{_people(summary['dropped_other'])} classified 'other' left out (the option to keep staff outside "
            "sales was off); their reports now report to the nearest kept manager."
        )
    if summary.get("virtual_root"):
        out.append("Several people had no manager: a virtual root was added above them.")
    return out or ["Nobody: every row of the file is in the org."]


def import_summary(
    result: ImportResult,
    *,
    file_name: str = "",
    corrections: Corrections | None = None,
    escape: Callable[[str], str] = str,
) -> str:
    """The one-page summary of an import, as Markdown (a heading, a table by region and four short lists).

    ``escape`` is applied to every text that came from the file or the user (names, titles, locations,
    rules): a page that renders the Markdown passes its escaping function, so that a name is text.
    """
    esc = escape
    corrections = corrections or Corrections()
    summary = result.summary
    kinds = summary.get("by_kind", {})
    lines = [
        f"### Import summary: {esc(file_name) if file_name else 'HRIS export'}",
        "",
        f"{summary.get('rows', len(result.classification)):,} rows read; {summary.get('people', 0):,} people "
        f"({_by_kind(kinds)}); {len(summary.get('regions', [])):,} regions, HQ in "
        f"{esc(next((r['name'] for r in summary.get('regions', []) if r['id'] == summary.get('hq_region')), '?'))}.",
        "",
        "**People by class and region**",
        "",
        *_regions_table(result, esc),
        "",
        "**What was guessed**",
        "",
        *[f"- {line}" for line in _guessed(result, esc)],
        "",
        "**Corrected by you**",
        "",
        *[f"- {line}" for line in _corrected(result, corrections, esc)],
        "",
        "**Dropped, and why**",
        "",
        *[f"- {line}" for line in _dropped(result)],
    ]
    if result.warnings:
        lines += ["", "**Warnings**", "", *[f"- {esc(w)}" for w in result.warnings]]
    return "\n".join(lines) + "\n"


def summary_note(result: ImportResult, *, file_name: str = "", corrections: Corrections | None = None) -> str:
    """The summary in a few sentences of plain text, at most ``MAX_DESCRIPTION_CHARS`` characters."""
    corrections = corrections or Corrections()
    summary = result.summary
    regions = ", ".join(f"{r['name']} {r['reps']:,} reps" for r in summary.get("regions", []))
    parts = [
        f"Imported from {file_name or 'an HRIS export'} ({summary.get('rows', 0):,} rows): "
        f"{_by_kind(summary.get('by_kind', {}))}.",
        f"Regions: {regions}.",
        "Guessed: " + " ".join(_guessed(result)[1:]),
        "Corrected: " + " ".join(_corrected(result, corrections)),
        "Dropped: " + " ".join(_dropped(result)),
    ]
    text = " ".join(p for p in parts if p.strip())
    return text if len(text) <= MAX_DESCRIPTION_CHARS else text[: MAX_DESCRIPTION_CHARS - 1].rstrip() + "…"
