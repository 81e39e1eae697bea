"""The advice command: ``optimize``, the recommended design by net value with its odds.

Its handler (``_cmd_optimize``) and, at the end, its arguments (``add_optimize``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from salesops.cli.args import JSON, PROG, RAW, SCENARIO, WHAT_IF, WHAT_IF_EXAMPLES, _seed, arg, command
from salesops.cli.errors import EXIT_OK, CliError
from salesops.cli.formatting import _pct, _table, _usd
from salesops.cli.inputs import load_what_if
from salesops.model.metrics import METRIC
from salesops.model.optimize import OBJECTIVES, Recommendation, decision_tornado, optimize, win_odds
from salesops.model.uncertainty import MAX_DRAWS

DEFAULT_DRAWS = 2_000


def _draws_or_none(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number between 0 and {MAX_DRAWS}, got {text!r}") from None
    if not 0 <= value <= MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"must be a whole number between 0 and {MAX_DRAWS}, got {text!r}")
    return value


def _value(objective: str, value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    if objective == "roi":
        return ("+" if signed and value >= 0 else "") + _pct(value)
    text = METRIC["net_value"].text(value, precise=True)  # -$1,234 rather than $-1,234
    return ("+" + text) if signed and value >= 0 else text


def _text(rec: Recommendation, odds: Any, tornado: Any, name: str) -> str:
    label = OBJECTIVES[rec.objective][1]
    method = (
        f"exhaustive over {rec.space:,} designs"
        if rec.method == "exhaustive"
        else f"{rec.method}; {rec.designs_evaluated:,} of {rec.space:,} designs evaluated"
    )
    lines = [f"{name}: the recommended design by {label} ({method})", ""]
    if max((len(x) for a in rec.roles for x in (a.current, a.best, a.next_best)), default=0) <= 24:
        rows = [
            [
                a.role_id,
                a.current,
                a.best + (" *" if a.best != a.current else ""),
                a.next_best,
                _value(rec.objective, a.margin, signed=True),
            ]
            for a in rec.roles
        ]
        lines += _table(["role", "now", "recommended", "next best", "margin"], rows, "llllr", indent="  ")
    else:  # per-region layouts are too long for columns: one block per role
        for a in rec.roles:
            lines += [
                f"  {a.role_id}"
                + (" *" if a.best != a.current else "")
                + f"  (margin {_value(rec.objective, a.margin, signed=True)} over its next best)",
                f"      now:         {a.current}",
                f"      recommended: {a.best}",
                f"      next best:   {a.next_best}",
            ]
    if any(a.best != a.current for a in rec.roles):
        lines.append("  * moves")
    b, c = rec.best_results, rec.current_results
    lines += [
        "",
        f"{label.capitalize()}: {_value(rec.objective, rec.current_value)} now -> "
        f"{_value(rec.objective, rec.best_value)} recommended ({_value(rec.objective, rec.gain, signed=True)})",
        (
            ""
            if rec.objective == "net"
            else f"Net value per year {_value('net', c.net_value_usd)} -> {_value('net', b.net_value_usd)}; "
        )
        + f"ROI {_pct(c.roi)} -> {_pct(b.roi)}; sales-ops cost {_usd(c.sales_ops_cost_usd)} -> "
        f"{_usd(b.sales_ops_cost_usd)}; FTE {c.sales_ops_fte:,.1f} -> {b.sales_ops_fte:,.1f}",
    ]
    if rec.runner_up is not None:
        moves = ", ".join(f"{r} {p}" for r, _, p in rec.runner_up.differences(rec.best)) or "none"
        lines.append(
            f"Runner-up (the best other design): {_value(rec.objective, rec.runner_up_value)}, "
            f"{_value(rec.objective, rec.margin)} behind; it differs in: {moves}"
        )
    if odds is not None:
        lines.append("")
        if odds.p_beats_runner_up is None:
            lines.append(
                f"Odds over {odds.draws:,} draws (seed {odds.seed}): beats the current design in "
                f"{odds.p_beats_current:.1%} of draws"
            )
        else:
            lines.append(
                f"Odds over {odds.draws:,} draws (seed {odds.seed}): beats the runner-up in "
                f"{odds.p_beats_runner_up:.1%} of draws and the current design in {odds.p_beats_current:.1%}; "
                f"margin over the runner-up P10 {_value(rec.objective, odds.margin_p10)}, "
                f"P50 {_value(rec.objective, odds.margin_p50)}, P90 {_value(rec.objective, odds.margin_p90)}"
            )
    if tornado is not None and len(tornado):
        flips = tornado[tornado["flips"]]
        lines += [
            "",
            "Assumptions that flip it to the runner-up (at their low or high):"
            if len(flips)
            else "No single assumption at its low or high flips it to the runner-up.",
        ]
        for row in flips.itertuples(index=False):
            lines.append(
                f"  - {row.label}: margin {_value(rec.objective, row.margin_low, True)} at low "
                f"{row.low:.4g}, {_value(rec.objective, row.margin_high, True)} at high {row.high:.4g}"
            )
    lines += ["", "Why, role by role:"] + [f"  - {a.reason}" for a in rec.roles]
    return "\n".join(lines)


def _cmd_optimize(args: argparse.Namespace) -> int:
    scenario = load_what_if(args)
    rec = optimize(scenario, args.objective, seed=args.seed, per_region=args.per_region)
    odds = win_odds(scenario, rec, draws=args.draws, seed=args.seed) if args.draws else None
    tornado = decision_tornado(scenario, rec) if rec.runner_up is not None else None
    if args.json:
        data = rec.to_dict()
        data["scenario"] = scenario.name
        data["odds"] = None if odds is None else odds.to_dict()
        data["decision_tornado"] = (
            []
            if tornado is None
            else [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in tornado.to_dict(orient="records")
            ]
        )
        try:
            print(json.dumps(data, indent=2, allow_nan=False))
        except ValueError:
            raise CliError(
                f"the model produced non-finite figures for scenario {scenario.name!r}; no JSON written"
            ) from None
    else:
        print(_text(rec, odds, tornado, scenario.name))
    return EXIT_OK


def add_optimize(sub: Any) -> None:
    """The ``optimize`` command."""
    command(
        sub,
        "optimize",
        _cmd_optimize,
        SCENARIO,
        arg(
            "--objective",
            choices=tuple(OBJECTIVES),
            default="net",
            help="what to maximise: net value per year (default), npv over the horizon, or roi",
        ),
        arg(
            "--draws",
            "-n",
            metavar="N",
            type=_draws_or_none,
            default=DEFAULT_DRAWS,
            help=f"Monte Carlo draws for the odds of winning (default {DEFAULT_DRAWS}; 0 skips them)",
        ),
        arg(
            "--per-region",
            action="store_true",
            help="also place each role region by region and its hub in any region (else one placement per role)",
        ),
        arg("--seed", metavar="S", type=_seed, default=0, help="random seed of the draws and restarts (default 0)"),
        *WHAT_IF,
        JSON,
        help="the recommended placement of every role, by net value, with its odds",
        description=(
            "Search every design (one placement per role; with --per-region, a placement per role\n"
            "and region and the hub in any region) for the one with the most net value per\n"
            "year (or NPV, or ROI with --objective): exhaustively when there are at most 20,000\n"
            "designs, by coordinate search with restarts above that (the output says which).\n"
            "Prints each role's recommended placement, its margin over the next best, the\n"
            "runner-up design, the probability that the recommendation wins over the Monte Carlo\n"
            "ranges, the assumptions that flip it, and the reasons in plain words. The what-if\n"
            "options set the current design (--placement, --process) and the assumptions (--set)\n"
            "the search runs under; the process each role states is kept, not searched."
        ),
        epilog=(
            f"Examples:\n  {PROG} optimize enterprise\n  {PROG} optimize midmarket --objective npv --draws 5000"
            f"\n  {PROG} optimize org.json --draws 0 --json\n  {PROG} optimize enterprise --per-region\n"
            + WHAT_IF_EXAMPLES.format(command=f"{PROG} optimize enterprise")
        ),
        formatter_class=RAW,
    )
