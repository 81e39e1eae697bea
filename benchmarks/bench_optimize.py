"""Benchmark the advice: the optimizer, its odds and the model's growth in reps.

Times, as medians of repeated runs (the optimizer keeps no cache between runs):

* ``optimize`` of the mid-market and enterprise samples (one placement per role, exhaustive
  over 729 designs), and of the enterprise per role and region (coordinate search);
* ``win_odds`` of the enterprise recommendation from 2,000 draws (three Monte Carlo runs on
  the same draws);
* ``evaluate`` of synthetic orgs of 1,000 to 100,000 reps in 5 regions (fractional staffing),
  with the ratio of each size to the previous: linear growth gives about 10.

and prints Markdown tables with the targets: mid-market under 200 ms, enterprise per region
under 2 s, the odds under 2 s, and 100,000 reps at most 15x 10,000 reps.

Run from the repository root::

    python benchmarks/bench_optimize.py            # about 30 s
    python benchmarks/bench_optimize.py --quick    # fewer repeats, about 10 s

This is a script, not a test: it always exits 0 unless it crashes.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesops.model import evaluate  # noqa: E402
from salesops.model.optimize import optimize, win_odds  # noqa: E402
from salesops.model.samples import load_sample, synthetic  # noqa: E402

TARGETS_MS = {
    "optimize mid-market": 200.0,
    "optimize enterprise per region": 2_000.0,
    "odds, enterprise, 2,000 draws": 2_000.0,
}
SIZES = (1_000, 10_000, 100_000)


def _median_ms(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    mid, ent = load_sample("midmarket"), load_sample("enterprise")
    rec = optimize(ent)
    cases = {
        "optimize mid-market": lambda: optimize(mid),
        "optimize enterprise": lambda: optimize(ent),
        "optimize enterprise per region": lambda: optimize(ent, per_region=True),
        "odds, enterprise, 2,000 draws": lambda: win_odds(ent, rec, draws=2_000, seed=0),
    }
    print(f"Optimizer ({platform.python_version()}, {platform.machine()}), median of {repeats}\n")
    print("| what | median ms | min ms | target |")
    print("|---|---:|---:|---|")
    for name, fn in cases.items():
        median, low = _median_ms(fn, repeats)
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else f"< {target:,.0f} ms: {'met' if median < target else 'MISSED'}"
        print(f"| {name} | {median:,.1f} | {low:,.1f} | {verdict} |")
    print("\nThe model in reps (5 regions, fractional staffing, every role centralized)\n")
    print("| reps | median ms | ratio to previous |")
    print("|---:|---:|---:|")
    previous = None
    medians = {}
    for reps in SIZES:
        scenario = synthetic(reps, 5)
        median, _ = _median_ms(lambda s=scenario: evaluate(s), repeats)
        medians[reps] = median
        ratio = "" if previous is None else f"{median / previous:.1f}"
        print(f"| {reps:,} | {median:,.2f} | {ratio} |")
        previous = median
    growth = medians[100_000] / medians[10_000]
    print(
        f"\n100,000 / 10,000 reps: {growth:.1f}x (linear or better: at most 15x: {'met' if growth <= 15 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
