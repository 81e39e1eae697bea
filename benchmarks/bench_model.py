"""Benchmark the model: how long ``evaluate(scenario)`` takes as the org grows.

For synthetic orgs of 100, 1,000, 10,000 and 100,000 reps in 5 regions
(:func:`salesops.model.samples.synthetic`), this script times

* ``salesops.model.evaluation`` with every role centralized and with every role
  localized, and
* ``salesops.model.org.build_org(scenario, expand_regions=[])``, the collapsed org
  graph the designer draws,

and prints Markdown tables of the median and minimum wall time, the ratio of
each median to the previous size, and two checks: the 10,000 / 1,000 reps
ratio must be at most 12 (evaluation grows no faster than linearly), and
10,000 reps must evaluate in under 50 ms.

Run from the repository root::

    python benchmarks/bench_model.py            # full run (about 5-10 s)
    python benchmarks/bench_model.py --quick    # fewer repeats (about 1 s)
    python benchmarks/bench_model.py --json timings.json

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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from salesops.model import evaluate  # noqa: E402
from salesops.model.org import build_org  # noqa: E402
from salesops.model.samples import synthetic  # noqa: E402

__all__ = ["Timing", "time_call", "main"]

SIZES = (100, 1_000, 10_000, 100_000)
REGIONS = 5
PLACEMENTS = ("centralized", "localized")
LINEARITY_SIZES = (1_000, 10_000)
MAX_RATIO_10K_TO_1K = 12.0  # 10x the reps may cost at most 12x the time (linear plus slack)
MAX_EVAL_MS_AT_10K = 50.0  # an interactive rerun budget for one evaluation

# (minimum runs, time budget per measurement in seconds, maximum runs)
FULL_REPEATS = (15, 0.5, 2_000)
QUICK_REPEATS = (15, 0.05, 100)


@dataclass(frozen=True)
class Timing:
    """Wall times of one function on one input, in milliseconds."""

    median_ms: float
    min_ms: float
    runs: int


def time_call(fn: Callable[[], Any], min_runs: int, budget_s: float, max_runs: int) -> Timing:
    """Time ``fn()`` timeit-style: one warm-up call, then repeated single calls.

    The number of runs fills ``budget_s`` seconds, bounded by ``min_runs`` and
    ``max_runs``, so fast calls get many runs and slow ones at least ``min_runs``.
    The garbage collector is paused while timing, as :mod:`timeit` does.
    """
    t0 = time.perf_counter()
    fn()  # warm-up: first-call costs (imports, caches) are not what we measure
    first = max(time.perf_counter() - t0, 1e-7)
    runs = int(min(max_runs, max(min_runs, budget_s / first)))
    samples = []
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
    finally:
        if was_enabled:
            gc.enable()
    return Timing(median_ms=statistics.median(samples) * 1e3, min_ms=min(samples) * 1e3, runs=runs)


def _fmt(ms: float) -> str:
    return f"{ms:.3f}" if ms < 10 else f"{ms:.1f}"


def _ratio(cur: float, prev: float | None) -> str:
    return "-" if prev is None else f"{cur / prev:.2f}"


def run(sizes: tuple[int, ...], repeats: tuple[int, float, int]) -> dict[str, Any]:
    """Measure every size and placement; return the figures as a plain dict."""
    rows = []
    for reps in sizes:
        base = synthetic(reps, regions=REGIONS)
        row: dict[str, Any] = {"reps": reps, "regions": REGIONS}
        for placement in PLACEMENTS:
            scenario = base.with_placement("all", placement)
            timing = time_call(lambda: evaluate(scenario), *repeats)
            res = evaluate(scenario)
            row[placement] = {**asdict(timing), "sales_ops_fte": res.sales_ops_fte, "teams": len(res.teams)}
        graph = build_org(base, expand_regions=[])
        row["build_org"] = {
            **asdict(time_call(lambda: build_org(base, expand_regions=[]), *repeats)),
            "nodes": graph.number_of_nodes(),
        }
        rows.append(row)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "rows": rows,
        "checks": _checks(rows),
    }


def _checks(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_reps = {r["reps"]: r for r in rows}
    small, large = LINEARITY_SIZES
    out: dict[str, Any] = {}
    if small in by_reps and large in by_reps:
        ratios = {p: by_reps[large][p]["median_ms"] / by_reps[small][p]["median_ms"] for p in PLACEMENTS}
        out["ratio_10k_to_1k"] = ratios
        out["ratio_ok"] = all(v <= MAX_RATIO_10K_TO_1K for v in ratios.values())
    if large in by_reps:
        worst = max(by_reps[large][p]["median_ms"] for p in PLACEMENTS)
        out["eval_ms_at_10k"] = worst
        out["under_50ms_ok"] = worst < MAX_EVAL_MS_AT_10K
    return out


def report(data: dict[str, Any]) -> str:
    """The figures as Markdown tables and check lines."""
    rows = data["rows"]
    lines = [
        f"Python {data['python']} on {data['platform']}; synthetic orgs with {REGIONS} regions, "
        "6 auto-sized roles; times are wall-clock medians (min alongside) in milliseconds.",
        "",
        "### evaluate(scenario)",
        "",
        "| reps | median eval ms centralized | median eval ms localized | ratio to previous size "
        "(centralized / localized) | min ms centralized | min ms localized | runs | ops FTE (c / l) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for r in rows:
        c, loc = r["centralized"], r["localized"]
        ratio = (
            "-"
            if prev is None
            else (
                f"{_ratio(c['median_ms'], prev['centralized']['median_ms'])} / "
                f"{_ratio(loc['median_ms'], prev['localized']['median_ms'])}"
            )
        )
        lines.append(
            f"| {r['reps']:,} | {_fmt(c['median_ms'])} | {_fmt(loc['median_ms'])} | {ratio} | "
            f"{_fmt(c['min_ms'])} | {_fmt(loc['min_ms'])} | {c['runs']} / {loc['runs']} | "
            f"{c['sales_ops_fte']:,.0f} / {loc['sales_ops_fte']:,.0f} |"
        )
        prev = r
    lines += [
        "",
        "### build_org(scenario, expand_regions=[]) (collapsed org graph)",
        "",
        "| reps | median ms | min ms | ratio to previous size | runs | nodes |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for r in rows:
        b = r["build_org"]
        lines.append(
            f"| {r['reps']:,} | {_fmt(b['median_ms'])} | {_fmt(b['min_ms'])} | "
            f"{_ratio(b['median_ms'], None if prev is None else prev['build_org']['median_ms'])} | "
            f"{b['runs']} | {b['nodes']} |"
        )
        prev = r
    checks = data["checks"]
    lines.append("")
    if "ratio_10k_to_1k" in checks:
        ratios = ", ".join(f"{p} {v:.2f}" for p, v in checks["ratio_10k_to_1k"].items())
        verdict = "yes" if checks["ratio_ok"] else "NO"
        lines.append(f"10,000 / 1,000 reps median ratio: {ratios}; <= {MAX_RATIO_10K_TO_1K:g}: {verdict}")
    if "eval_ms_at_10k" in checks:
        verdict = "yes" if checks["under_50ms_ok"] else "NO"
        lines.append(
            f"10,000 reps evaluates in {_fmt(checks['eval_ms_at_10k'])} ms (slower placement); "
            f"under {MAX_EVAL_MS_AT_10K:g} ms: {verdict}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (about a second in all)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = run(SIZES, QUICK_REPEATS if args.quick else FULL_REPEATS)
    data["mode"] = "quick" if args.quick else "full"
    print(report(data))
    print(f"\n(benchmark took {time.perf_counter() - started:.1f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
