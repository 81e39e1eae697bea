"""Benchmark the HRIS import: how long a CSV takes from bytes to a validated Scenario.

For generated HRIS exports of 1,000, 10,000 and 50,000 employees
(:func:`salesops.readwrite.hris.example_csv`: Workday-style columns, five regions, leaders,
managers, reps, sales-ops staff and others, with salaries), this script times the
whole import the upload page and ``python -m salesops import`` run:

* ``read_table`` (decode, sniff the delimiter, parse, trim),
* ``guess_mapping`` (column names to fields), and
* ``build_import`` (classification, tree checks, locations grouped into regions, placement from
  the reporting lines, roles, Scenario), and
* the org graph the Org designer draws from it (``build_org``, regions collapsed as the page
  shows an org of this size) with the one-page import summary,

and prints a Markdown table of the median time of each step and of the total,
plus the check that 10,000 rows import in under 2 seconds.

Run from the repository root::

    python benchmarks/bench_import.py            # full run (about 10 s)
    python benchmarks/bench_import.py --quick    # fewer repeats (about 4 s)
    python benchmarks/bench_import.py --json timings.json

This is a script, not a test: it always exits 0 unless it crashes.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesops.model.org import build_org  # noqa: E402
from salesops.readwrite.hris import build_import, example_csv, guess_mapping, load_rules, read_table  # noqa: E402
from salesops.readwrite.hris.summary import import_summary  # noqa: E402

__all__ = ["main", "time_import"]

SIZES = (1_000, 10_000, 50_000)
CHECK_ROWS = 10_000
MAX_SECONDS_AT_10K = 2.0  # the budget set for an upload of 10,000 employees
FULL_RUNS = 7
QUICK_RUNS = 3


def time_import(data: bytes, runs: int) -> dict[str, float]:
    """Median milliseconds of each step and of the whole import over ``runs`` runs."""
    rules = load_rules()
    steps: dict[str, list[float]] = {"read": [], "map": [], "build": [], "graph": [], "total": []}
    build_import(*_prepare(data), rules)  # warm-up: imports, caches of compiled rules
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            raw = read_table(data, "bench.csv")
            t1 = time.perf_counter()
            mapping = guess_mapping(raw.frame.columns)
            t2 = time.perf_counter()
            result = build_import(raw, mapping, rules)
            t3 = time.perf_counter()
            build_org(result.scenario, expand_regions=[])
            import_summary(result, file_name="bench.csv")
            t4 = time.perf_counter()
            steps["read"].append((t1 - t0) * 1e3)
            steps["map"].append((t2 - t1) * 1e3)
            steps["build"].append((t3 - t2) * 1e3)
            steps["graph"].append((t4 - t3) * 1e3)
            steps["total"].append((t4 - t0) * 1e3)
            gc.collect()
    finally:
        if gc_was_enabled:
            gc.enable()
    return {k: statistics.median(v) for k, v in steps.items()}


def _prepare(data: bytes):
    raw = read_table(data, "bench.csv")
    return raw, guess_mapping(raw.frame.columns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs per size instead of {FULL_RUNS}")
    parser.add_argument("--json", metavar="FILE", help="also write the timings as JSON")
    args = parser.parse_args(argv)
    runs = QUICK_RUNS if args.quick else FULL_RUNS
    print(f"HRIS import, median of {runs} runs; Python {platform.python_version()} on {platform.machine()}\n")
    print(
        "| rows | file size (MB) | read_table (ms) | guess_mapping (ms) | build_import (ms) "
        "| org graph and summary (ms) | total (ms) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    for rows in SIZES:
        data = example_csv(rows).encode("utf-8")
        t = time_import(data, runs)
        results.append({"rows": rows, "bytes": len(data), **t})
        print(
            f"| {rows:,} | {len(data) / 1e6:.2f} | {t['read']:.1f} | {t['map']:.2f} | {t['build']:.1f} "
            f"| {t['graph']:.1f} | {t['total']:.1f} |"
        )
    at_check = next(r for r in results if r["rows"] == CHECK_ROWS)
    verdict = "yes" if at_check["total"] / 1e3 < MAX_SECONDS_AT_10K else "NO"
    print(
        f"\n{CHECK_ROWS:,} rows import in under {MAX_SECONDS_AT_10K:g} s: {verdict} ({at_check['total'] / 1e3:.3f} s)"
    )
    ratio = results[-1]["total"] / results[0]["total"]
    print(f"{SIZES[-1]:,} / {SIZES[0]:,} rows time ratio: {ratio:.1f} (rows ratio {SIZES[-1] / SIZES[0]:.0f})")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "results": results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
