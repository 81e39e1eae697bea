"""Benchmark the Monte Carlo: draws per second of ``salesops.model.uncertainty.simulate``.

For the three shipped samples, times ``simulate(scenario, draws, seed=0)`` at
10,000 and 100,000 draws (median of 3 runs, after one warm-up run), prints a
Markdown table of the median wall time and draws per second, and the check
"10,000 draws under 1 s on midmarket".

Run from the repository root::

    python benchmarks/bench_uncertainty.py
    python benchmarks/bench_uncertainty.py --json timings.json

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesops.model.samples import load_sample  # noqa: E402
from salesops.model.uncertainty import simulate  # noqa: E402

SAMPLES = ("startup", "midmarket", "enterprise")
DRAWS = (10_000, 100_000)
REPEATS = 3
TARGET_S = 1.0


def run(repeats: int = REPEATS) -> list[dict]:
    rows = []
    for name in SAMPLES:
        scenario = load_sample(name)
        simulate(scenario, 1_000, seed=0)  # warm-up (imports, caches)
        for draws in DRAWS:
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                simulate(scenario, draws, seed=0)
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            rows.append({"sample": name, "draws": draws, "median_s": median, "draws_per_s": draws / median})
    return rows


def report(rows: list[dict]) -> str:
    lines = [
        f"Monte Carlo ({platform.python_version()}, {platform.machine()}), median of {REPEATS}",
        "",
        "| sample | draws | median (s) | draws per second |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['sample']} | {r['draws']:,} | {r['median_s']:.3f} | {r['draws_per_s']:,.0f} |")
    mid = next(r for r in rows if r["sample"] == "midmarket" and r["draws"] == 10_000)
    verdict = "PASS" if mid["median_s"] < TARGET_S else "FAIL"
    lines += ["", f"Check: 10,000 draws under {TARGET_S:g} s on midmarket: {verdict} ({mid['median_s']:.3f} s)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    rows = run()
    print(report(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
