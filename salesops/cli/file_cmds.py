"""The commands that make scenario and org files: ``synth``, ``import`` (HRIS) and ``export``.

Each command's handler (``_cmd_*``) and, at the end, its arguments (``add_*``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from salesops.cli.args import (
    MODES,
    MAX_REGION_CHOICES,
    OUT,
    PROG,
    RAW,
    SCENARIO,
    SOURCE_HELP,
    WHAT_IF,
    _positive_int,
    _region_count,
    arg,
    command,
    parse_column_map,
    parse_region_map,
    parse_mode,
)
from salesops.cli.errors import EXIT_DATA, EXIT_OK, EXIT_USAGE, CliError
from salesops.cli.formatting import _num, _table, _usd
from salesops.cli.inputs import _not_the_input, load_what_if
from salesops.model import evaluate
from salesops.model.samples import MAX_SYNTH_REGIONS, synthetic
from salesops.model.scenario import ScenarioError
from salesops.readwrite import hris
from salesops.readwrite.export import export_rows, to_csv, to_graphml

EXPORT_FORMATS = ("csv", "graphml")


def _cmd_synth(args: argparse.Namespace) -> int:
    try:
        scenario = synthetic(args.reps, args.regions, placement=args.placement, name=args.name)
    except ScenarioError as exc:  # every input came from the command line
        message = str(exc)
        if not message.startswith("--"):
            message = f"cannot build --reps {args.reps} --regions {args.regions}: {message}"
        raise CliError(message, EXIT_USAGE) from None
    text = scenario.to_json(indent=2) + "\n"
    if args.out is None or args.out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.out).expanduser()
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
    print(
        f"wrote {args.out}: {scenario.name} ({scenario.total_reps:,} reps, "
        f"{len(scenario.regions)} regions, {len(scenario.roles)} roles)"
    )
    return EXIT_OK


def _rejected(file: str, exc: hris.ImportRejected) -> int:
    """Print a rejected import: one ``error:`` line, then one indented line per other problem."""
    lines = [" ".join(line.split()) for line in exc.lines()] or ["rejected"]
    count = f" ({exc.total} problems)" if exc.total > 1 else ""
    print(f"error: cannot import {file!r}{count}: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)
    return EXIT_DATA


def _import_summary(result: hris.ImportResult, file: str) -> str:
    summary = result.summary
    scenario = result.scenario
    by_kind = ", ".join(f"{k} {n:,}" for k, n in summary["by_kind"].items())
    lines = [
        f"Imported {file}: {summary['people']:,} people -> scenario {scenario.name!r}",
        f"  people by kind: {by_kind}",
    ]
    if summary["dropped_other"]:
        lines.append(f"  left out (--drop-other): {summary['dropped_other']:,} other")
    hq = scenario.hq
    lines.append(
        f"  HQ region: {hq.id} ({hq.name}); top of the org: {summary['root']}"
        + (" (added)" if summary["virtual_root"] else "")
    )
    lines += ["", "Regions"]
    lines += _table(
        ["region", "name", "people", "reps", "managers", "tz from HQ h"],
        [
            [
                r["id"],
                r["name"],
                f"{r['people']:,}",
                f"{r['reps']:,}",
                f"{r['managers']:,}",
                f"{r['tz_offset_hours']:+g}",
            ]
            for r in summary["regions"]
        ],
        "llrrrr",
    )
    lines += _locations_lines(summary.get("locations"))
    lines += ["", "Sales-ops roles"]
    if summary["roles"]:
        lines += _table(
            ["role", "placement", "people", "FTE", "central FTE", "embedded FTE", "cost/FTE/yr"],
            [
                [
                    r["role_id"],
                    r["placement"],
                    f"{r['people']:,}",
                    _num(r["fte"]),
                    _num(r["central_fte"]),
                    _num(sum(r["local_fte"].values())),
                    _usd(r["cost_usd_per_year"]),
                ]
                for r in summary["roles"]
            ],
            "llrrrrr",
        )
    else:
        lines.append("  (no sales-ops staff found)")
    lines += ["", "Columns used"]
    lines += [f"  {f}: {c!r}" for f, c in summary["mapping"].items()]
    if result.warnings:
        lines += ["", "Warnings"]
        lines += [f"  - {' '.join(w.split())}" for w in result.warnings]
    return "\n".join(lines)


_PLAIN = ("city", "country")  # ways of mapping a location the report does not spell out


def _locations_lines(locations: list[dict] | None, shown: int = 6) -> list[str]:
    """One line per region: the locations grouped in it, biggest first, and how the unusual ones were mapped.

    Examples
    --------
    >>> _locations_lines([
    ...     {"location": "Berlin", "region": "EMEA", "people": 3, "how": "city"},
    ...     {"location": "Remote - Lisbon", "region": "EMEA", "people": 1, "how": "remote"},
    ...     {"location": "Atlantis", "region": "Unassigned", "people": 2, "how": "unknown"},
    ... ])
    ['', 'Locations -> regions', '  EMEA: Berlin 3, Remote - Lisbon 1 (remote)', '  Unassigned: Atlantis 2 (unknown)']
    """
    if not locations:
        return []
    by_region: dict[str, list[dict]] = {}
    for loc in locations:
        by_region.setdefault(loc["region"], []).append(loc)
    lines = ["", "Locations -> regions"]
    for region, locs in by_region.items():
        locs = sorted(locs, key=lambda x: (-x["people"], x["location"]))
        parts = [
            f"{x['location'] or '(blank)'} {x['people']:,}" + ("" if x["how"] in _PLAIN else f" ({x['how']})")
            for x in locs[:shown]
        ]
        more = f", {len(locs) - shown} more" if len(locs) > shown else ""
        lines.append(f"  {region}: {', '.join(parts)}{more}")
    return lines


def _cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    try:
        if path.is_dir():
            raise CliError(f"cannot read {args.file!r}: it is a directory")
        _not_the_input(args.out, args.file)
        hris.check_size(path.stat().st_size)
        with open(path, "rb") as fh:
            data = fh.read(hris.DEFAULT_MAX_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {args.file!r}: {exc.strerror or exc}") from None
    except hris.ImportRejected as exc:
        return _rejected(args.file, exc)
    if len(args.region) > MAX_REGION_CHOICES:
        raise CliError(f"--region: at most {MAX_REGION_CHOICES:,} choices, got {len(args.region):,}", EXIT_USAGE)
    try:
        raw = hris.read_table(data, path.name)
        mapping = hris.guess_mapping(raw.frame.columns)
        if args.map:
            mapping = hris.override_mapping(mapping, raw.frame.columns, dict(args.map))
        result = hris.build_import(
            raw,
            mapping,
            hris.load_rules(),
            keep_other=not args.drop_other,
            virtual_root=args.virtual_root,
            region_map=dict(args.region),
            name=args.name if args.name is not None else f"Imported from {path.name}",
        )
    except hris.ImportRejected as exc:
        return _rejected(args.file, exc)
    except hris.MappingError as exc:
        raise CliError(f"--map: {exc}", EXIT_USAGE) from None
    text = result.scenario.to_json(indent=2) + "\n"
    report = _import_summary(result, args.file)
    if args.out == "-":
        print(report, file=sys.stderr)
        sys.stdout.write(text)
        return EXIT_OK
    if args.out is not None:
        try:
            with open(Path(args.out).expanduser(), "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
        report += f"\n\nwrote {args.out}"
    print(report)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    _not_the_input(args.out, args.scenario)
    scenario = load_what_if(args)
    fmt = args.format
    if fmt is None:
        fmt = "graphml" if (args.out or "").lower().endswith((".graphml", ".xml")) else "csv"
    results = evaluate(scenario)
    people = len(export_rows(scenario, results))
    text = to_csv(scenario, results) if fmt == "csv" else to_graphml(scenario, results)
    if args.out is None or args.out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        # A BOM lets spreadsheet programs recognise UTF-8; the importer strips it.
        with open(
            Path(args.out).expanduser(), "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline=""
        ) as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(f"cannot write --out {args.out!r}: {exc.strerror or exc}") from None
    print(f"wrote {args.out}: {people:,} people of {scenario.name!r} as {fmt}")
    return EXIT_OK


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
def add_synth(sub: Any) -> None:
    """The ``synth`` command."""
    command(
        sub,
        "synth",
        _cmd_synth,
        arg("--reps", metavar="N", type=_positive_int, required=True, help="total reps (>= 1)"),
        arg(
            "--regions",
            metavar="R",
            type=_region_count,
            required=True,
            help=f"number of regions, 1 to {MAX_SYNTH_REGIONS} (and at most N)",
        ),
        arg(
            "--placement",
            "-p",
            metavar="MODE",
            type=parse_mode,
            default="centralized",
            help=f"placement of every role: {MODES} (any case; default centralized)",
        ),
        arg("--name", help="scenario name (default 'Synthetic N reps / R regions')"),
        OUT,
        help="write a synthetic scenario as JSON",
        description=(
            "Write a synthetic scenario: N reps spread over R regions (HQ takes the\n"
            "largest share), every catalog role present and auto-sized."
        ),
        epilog=f"Example:\n  {PROG} synth --reps 2000 --regions 6 --placement hybrid --out big.json",
        formatter_class=RAW,
    )


def add_import(sub: Any) -> None:
    """The ``import`` command."""
    command(
        sub,
        "import",
        _cmd_import,
        arg("file", metavar="FILE", help="the HRIS export: .csv (comma, semicolon or tab) or .xlsx"),
        arg(
            "--map",
            "-m",
            metavar="COLUMN=FIELD",
            action="append",
            default=[],
            type=parse_column_map,
            help="read COLUMN as FIELD instead of the guessed column; may repeat",
        ),
        arg(
            "--region",
            "-r",
            metavar="LOCATION=REGION",
            action="append",
            default=[],
            type=parse_region_map,
            help=(
                "put the people of LOCATION (as the file writes it) in REGION, an existing one (EMEA) "
                "or a new one; may repeat"
            ),
        ),
        OUT(
            metavar="SCENARIO.json",
            help=(
                "write the scenario JSON to this file (overwritten); '-' writes it to stdout and the "
                "summary to stderr; without --out only the summary is printed"
            ),
        ),
        arg("--name", help="scenario name (default 'Imported from FILE')"),
        arg(
            "--virtual-root",
            action="store_true",
            help="when several people have no manager, add a root 'virtual-root' above them",
        ),
        arg(
            "--drop-other",
            action="store_true",
            help="leave out people classified 'other' (their reports move up to the nearest kept manager)",
        ),
        help="import an org from an HRIS export (CSV or XLSX)",
        description=(
            "Import an HRIS export (Workday, BambooHR, SAP, a spreadsheet: CSV or XLSX with employee\n"
            "and manager ids), classify everyone as leader, manager, rep, sales ops or other, and\n"
            "print the people by kind, the regions and the sales-ops roles found. Office locations\n"
            "(or countries) are grouped into North America, Latin America, EMEA and APAC by\n"
            "data/location_regions.csv; --region changes where a location goes. With --out the\n"
            "scenario is written as JSON for 'evaluate' and the app. All or nothing: a file with\n"
            "problems is rejected with every problem's row and column."
        ),
        epilog=(
            f"Fields for --map: {', '.join(hris.FIELDS)} (an empty FIELD leaves the column unused).\n"
            f"Examples:\n  {PROG} import people.csv --out org.json\n"
            f"  {PROG} import workday.xlsx --map 'Emp #=id' --map 'Boss=manager_id' --virtual-root\n"
            f"  {PROG} import people.csv --region Manchester='UK & Ireland' --region 'Remote - Lisbon=EMEA'\n"
            f"  {PROG} import people.csv --drop-other --out - | {PROG} evaluate -"
        ),
        formatter_class=RAW,
    )


def add_export(sub: Any) -> None:
    """The ``export`` command."""
    command(
        sub,
        "export",
        _cmd_export,
        SCENARIO(help=SOURCE_HELP),
        arg(
            "--format",
            "-f",
            choices=EXPORT_FORMATS,
            type=str.lower,
            help="csv or graphml (default: from the --out extension, else csv)",
        ),
        *WHAT_IF,
        OUT,
        help="write a scenario's org as CSV or GraphML",
        description=(
            "Write a scenario's org one person per row (CSV) or node (GraphML): leaders, managers,\n"
            "reps and one row per sales-ops FTE. The CSV re-imports with 'import' to the same org\n"
            "and figures, and is safe to open in a spreadsheet (no formulas run). The what-if\n"
            "options change the design and assumptions the sales-ops FTE are sized under."
        ),
        epilog=(
            f"Examples:\n  {PROG} export midmarket --out midmarket.csv\n"
            f"  {PROG} export org.json --format graphml --out org.graphml\n"
            f"  {PROG} export enterprise -p all=localized --set peak_cover=0.9 --out localized.csv"
        ),
        formatter_class=RAW,
    )
