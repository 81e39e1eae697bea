"""Benchmark the report exports: Excel workbook, HTML file and PowerPoint deck.

For the mid-market sample and a 10,000-person org imported from a generated
HRIS export (:func:`salesops.readwrite.hris.example_csv`), this script times

* :func:`salesops.report.render_charts` (the six charts through vl-convert),
* :func:`salesops.report.to_excel`,
* :func:`salesops.report.to_html` and :func:`salesops.report.to_pptx`, each
  called on its own as a page would (so each renders its charts), and
* both of them sharing one :func:`render_charts`,

and prints a Markdown table of the median and minimum wall time of 3 runs with
the size of each file, plus a check line: the 10,000-person HTML report must be
under 3 MB. The what-if table is computed once per org, outside the timings.

Run from the repository root::

    python benchmarks/bench_report.py
    python benchmarks/bench_report.py --runs 5 --json report_timings.json

This is a script, not a test: it always exits 0 unless it crashes.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesops.readwrite.hris import build_import, example_csv, guess_mapping, read_table  # noqa: E402
from salesops.model import evaluate  # noqa: E402
from salesops.report import render_charts, to_excel, to_html, to_pptx  # noqa: E402
from salesops.model.samples import load_sample  # noqa: E402
from salesops.model.scenario import Scenario  # noqa: E402
from salesops.model.whatif import placement_whatifs  # noqa: E402

__all__ = ["main", "time_call"]

RUNS = 3
IMPORT_ROWS = 10_000
MAX_HTML_BYTES = 3_000_000


def time_call(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median and minimum seconds of ``runs`` calls, and the last result."""
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), result


def _size(value: Any) -> int:
    if isinstance(value, dict):
        return sum(len(v) for v in value.values())
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, tuple):
        return sum(_size(v) for v in value)
    return len(value)


def _orgs() -> list[tuple[str, Scenario]]:
    raw = read_table(example_csv(IMPORT_ROWS).encode("utf-8"), "bench.csv")
    imported = build_import(raw, guess_mapping(raw.frame.columns), name=f"Imported ({IMPORT_ROWS:,} rows)").scenario
    return [("midmarket sample", load_sample("midmarket")), (f"imported {IMPORT_ROWS:,}-row HRIS file", imported)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per measurement (default {RUNS})")
    parser.add_argument("--json", metavar="FILE", help="also write the timings as JSON")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    print(f"Report exports, median of {runs} runs; Python {platform.python_version()} on {platform.machine()}\n")
    print("| org | reps | export | median (s) | min (s) | size (KB) |")
    print("|---|---:|---|---:|---:|---:|")
    records = []
    html_sizes: dict[str, int] = {}
    for label, scenario in _orgs():
        results = evaluate(scenario)
        whatifs = placement_whatifs(scenario)
        charts = render_charts(results, whatifs)
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("render_charts (6 PNG)", lambda: render_charts(results, whatifs)),
            ("to_excel (.xlsx)", lambda: to_excel(scenario, results, whatifs=whatifs)),
            ("to_html (.html, renders its charts)", lambda: to_html(scenario, results, whatifs=whatifs)),
            ("to_pptx (.pptx, renders its charts)", lambda: to_pptx(scenario, results, whatifs=whatifs)),
            (
                "to_html + to_pptx sharing charts",
                lambda: (
                    to_html(scenario, results, charts=(c := render_charts(results, whatifs)), whatifs=whatifs),
                    to_pptx(scenario, results, charts=c, whatifs=whatifs),
                ),
            ),
            ("to_html with charts given", lambda: to_html(scenario, results, charts=charts, whatifs=whatifs)),
        ]
        for name, fn in cases:
            median, best, output = time_call(fn, runs)
            size = _size(output)
            if name.startswith("to_html ("):
                html_sizes[label] = size
            records.append(
                {"org": label, "reps": results.reps, "export": name, "median_s": median, "min_s": best, "bytes": size}
            )
            print(f"| {label} | {results.reps:,} | {name} | {median:.3f} | {best:.3f} | {size / 1e3:,.0f} |")
    big = html_sizes[next(k for k in html_sizes if k.startswith("imported"))]
    verdict = "yes" if big < MAX_HTML_BYTES else "NO"
    print(
        f"\nHTML report of the {IMPORT_ROWS:,}-row import under {MAX_HTML_BYTES / 1e6:g} MB: {verdict} "
        f"({big / 1e6:.2f} MB)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"runs": runs, "python": platform.python_version(), "results": records}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
