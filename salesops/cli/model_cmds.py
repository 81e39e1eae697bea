"""The model commands: ``samples``, ``evaluate``, ``compare``, ``simulate`` and ``sensitivity``.

Each command's handler (``_cmd_*``) and, at the end, its arguments (``add_*``). Every command
that evaluates a scenario takes the what-if options (``--placement``, ``--process``, ``--set``,
``--current-model``: :data:`~salesops.cli.args.WHAT_IF`).
"""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any, Callable, NamedTuple

from salesops.cli.args import (
    DB,
    JSON,
    PROG,
    RAW,
    SCENARIO,
    SCENARIO_HELP,
    WHAT_IF,
    WHAT_IF_EXAMPLES,
    _draws_count,
    _seed,
    arg,
    command,
    user_options,
)
from salesops.cli.database import _in_workspace, _local_only, _open_store, _split_ref, _user_of, _where
from salesops.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from salesops.cli.formatting import _headline_lines, _num, _pct, _table, _usd
from salesops.cli.inputs import _looks_like_path, _sample_names, apply_what_if, load_scenario, load_what_if
from salesops.model import Results, evaluate
from salesops.model.metrics import COMPARE
from salesops.model.samples import list_samples, load_sample
from salesops.model.scenario import Scenario
from salesops.store import Store, UnknownScenario
from salesops.store.access import Access


# --------------------------------------------------------------------------
# samples and evaluate
# --------------------------------------------------------------------------
def _report(scenario: Scenario, res: Results) -> str:
    lines = [scenario.name, "", "Headline"]
    lines += _headline_lines(scenario, res)

    lines += ["", "Regions"]
    lines += _table(
        ["region", "name", "reps", "tz gap h", "selling time", "productivity/rep", "revenue/yr", "embedded FTE"],
        [
            [
                r.region_id,
                r.name,
                f"{r.reps:,}",
                _num(r.tz_gap_hours),
                _pct(r.selling_time_share),
                _usd(r.productivity_per_rep_usd),
                _usd(r.revenue_usd),
                _num(r.embedded_ops_fte),
            ]
            for r in res.regions
        ],
        "llrrrrrr",
    )

    lines += ["", "Roles"]
    # Model 4: the process the embedded teams work to ("-": no embedded teams, the hub works to one
    # process) and what central control of the role's work is worth a year.
    v4 = scenario.model_version >= 4

    def process(r: Any) -> list[str]:
        if not v4:
            return []
        embedded = r.placement != "centralized" or bool(r.detail)
        return [r.process if embedded else "-", _usd(r.control_value_usd)]

    lines += _table(
        ["role", "placement"]
        + (["process", "control/yr"] if v4 else [])
        + ["FTE", "cost/yr", "mean response h", "name"],
        [
            [r.role_id + (" *" if r.overloaded else ""), r.placement]
            + process(r)
            + [_num(r.fte), _usd(r.cost_usd_per_year), _num(r.mean_response_hours), r.name]
            for r in res.roles
        ],
        "ll" + ("lr" if v4 else "") + "rrrl",
    )
    if not res.roles:
        lines.append("  (no sales-ops roles)")
    if any(r.overloaded for r in res.roles):
        lines.append("  * overloaded: demand exceeds the team's capacity")
    if v4 and res.roles:
        lines.append("  process: how embedded teams work (standard or local; '-' none: the hub works to one)")
    return "\n".join(lines)


def _cmd_samples(args: argparse.Namespace) -> int:
    rows = [[s.name, f"{s.reps:,}", str(s.regions), str(s.roles), s.title] for s in list_samples()]
    print("\n".join(_table(["name", "reps", "regions", "roles", "title"], rows, "lrrrl", indent="")))
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    scenario = load_what_if(args)
    res = evaluate(scenario)
    if args.json:
        try:
            text = json.dumps(res.to_dict(), indent=2, allow_nan=False)
        except ValueError:
            raise CliError(
                f"the model produced non-finite figures for scenario {scenario.name!r} "
                "(check for extreme assumptions); no JSON written"
            ) from None
        print(text)
    else:
        print(_report(scenario, res))
    return EXIT_OK


# --------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------
# (key in Results.headline(), label, format of a value, format of a difference): salesops.model.metrics.COMPARE,
# the list the Compare page and the exports use, with dollars in full.
COMPARE_METRICS: tuple[tuple[str, str, Callable[[Any], str], Callable[[Any], str]], ...] = tuple(
    (m.key, m.label, partial(m.text, precise=True), partial(m.delta_text, precise=True)) for m in COMPARE
)


class _Compared(NamedTuple):
    ref: str
    label: str
    source: str
    scenario: Scenario
    scenario_id: str | None
    version: int | None


def _resolve(
    ref: str, store_of: Callable[[], Store], user: str | None = None, workspace: str | None = None
) -> _Compared:
    """A compare argument: a sample, a file, or a saved id (``ID`` or ``ID@V``), as ``user`` if given."""
    if ref in _sample_names() and not _looks_like_path(ref):
        return _Compared(ref, ref, "sample", load_sample(ref), None, None)
    if ref == "-" or _looks_like_path(ref) or Path(ref).expanduser().exists():
        return _Compared(ref, ref, "file", load_scenario(ref), None, None)
    scenario_id, version = _split_ref(ref, "a saved scenario")
    store = store_of()
    try:
        if user is None:
            _local_only(store, scenario_id)
            saved = store.load(scenario_id, version)
        else:
            access = Access(store)
            saved = access.load(scenario_id, version, actor=user)
            _in_workspace(access, scenario_id, workspace)
    except UnknownScenario:
        if version is None:  # then the id itself is unknown
            raise CliError(
                f"{ref!r} is not a sample, a scenario file or a saved scenario in {_where(store)} "
                f"(samples: {', '.join(_sample_names())})"
            ) from None
        raise
    return _Compared(
        ref,
        f"{saved.info.scenario_id}@{saved.info.version}",
        "saved",
        saved.scenario,
        saved.info.scenario_id,
        saved.info.version,
    )


def _difference(key: str, value: Any, first: Any) -> Any:
    if value is None or first is None:
        return None
    return value - first


def _cmd_compare(args: argparse.Namespace) -> int:
    if len(args.refs) < 2:
        raise CliError(f"compare needs two or more scenarios, got {len(args.refs)} ({args.refs[0]!r})", EXIT_USAGE)
    if args.refs.count("-") > 1:
        raise CliError("stdin ('-') can be read only once", EXIT_USAGE)
    user = _user_of(args)
    with ExitStack() as stack:
        opened: list[Store] = []

        def store_of() -> Store:  # the database is opened only if a saved id is named
            if not opened:
                opened.append(stack.enter_context(_open_store(args.db)))
            return opened[0]

        items = [_resolve(ref, store_of, user, args.workspace) for ref in args.refs]
    items = [item._replace(scenario=apply_what_if(item.scenario, args, f" (scenario {item.ref!r})")) for item in items]
    heads = [evaluate(item.scenario).headline() for item in items]
    first = heads[0]
    if args.json:
        out = []
        for item, head in zip(items, heads):
            record: dict[str, Any] = {
                "ref": item.ref,
                "source": item.source,
                "name": item.scenario.name,
                "scenario_id": item.scenario_id,
                "version": item.version,
            }
            record.update({key: head[key] for key, *_ in COMPARE_METRICS})
            record["difference"] = {key: _difference(key, head[key], first[key]) for key, *_ in COMPARE_METRICS}
            out.append(record)
        try:
            text = json.dumps(out, indent=2, allow_nan=False)
        except ValueError:
            raise CliError(
                "the model produced non-finite figures (check for extreme assumptions); no JSON written"
            ) from None
        print(text)
        return EXIT_OK
    lines = ["Scenarios"]
    tags = [f"[{i}]" for i in range(1, len(items) + 1)]
    width = max(len(item.label) for item in items)
    for tag, item in zip(tags, items):
        detail = f"saved, version {item.version}" if item.source == "saved" else item.source
        lines.append(f"  {tag} {item.label.ljust(width)}  {item.scenario.name}  ({detail})")
    headers = ["metric", tags[0]]
    for tag in tags[1:]:
        headers += [tag, f"{tag}-{tags[0]}"]
    rows = []
    for key, label, fmt, fmt_diff in COMPARE_METRICS:
        row = [label, fmt(first[key])]
        for head in heads[1:]:
            diff = _difference(key, head[key], first[key])
            row += [fmt(head[key]), "n/a" if diff is None else fmt_diff(diff)]
        rows.append(row)
    lines += [""] + _table(headers, rows, "l" + "r" * (len(headers) - 1), indent="")
    print("\n".join(lines))
    return EXIT_OK


# --------------------------------------------------------------------------
# Uncertainty: ``simulate`` (Monte Carlo) and ``sensitivity`` (tornado)
# --------------------------------------------------------------------------
def _json_text(data: Any, scenario: Scenario) -> str:
    try:
        return json.dumps(data, indent=2, allow_nan=False)
    except ValueError:
        raise CliError(
            f"the model produced non-finite figures for scenario {scenario.name!r} "
            "(check for extreme assumptions); no JSON written"
        ) from None


def _cmd_simulate(args: argparse.Namespace) -> int:
    from salesops.model.uncertainty import simulate  # noqa: PLC0415

    scenario = load_what_if(args)
    sim = simulate(scenario, draws=args.draws, seed=args.seed)
    pct = sim.percentiles()
    det = sim.deterministic
    if args.json:
        out = {
            "scenario": scenario.name,
            "draws": sim.draws,
            "seed": sim.seed,
            **pct,
            "deterministic": {
                "roi": det.roi,
                "payback_months": det.payback_months,
                "productivity_per_rep": det.productivity_per_rep_usd,
            },
        }
        print(_json_text(out, scenario))
        return EXIT_OK

    def cell(fmt, value):
        return "n/a" if value is None else fmt(value)

    months = lambda v: f"{_num(v)} months"  # noqa: E731
    rows = [
        ["ROI (annual, steady state)"] + [cell(_pct, pct["roi"][k]) for k in ("p10", "p50", "p90")] + [_pct(det.roi)],
        ["Payback"]
        + [cell(months, pct["payback_months"][k]) for k in ("p10", "p50", "p90")]
        + [cell(months, det.payback_months)],
        ["Productivity per rep"]
        + [cell(_usd, pct["productivity_per_rep"][k]) for k in ("p10", "p50", "p90")]
        + [_usd(det.productivity_per_rep_usd)],
    ]
    lines = [f"{scenario.name}: {sim.draws:,} draws, seed {sim.seed}", ""]
    lines += _table(["metric", "P10", "P50", "P90", "deterministic"], rows, "lrrrr", indent="")
    lines += [
        "",
        f"Never pays back within the projection: {_pct(pct['payback_months']['never_share'])} of draws "
        "(payback percentiles are over the draws that do).",
    ]
    print("\n".join(lines))
    return EXIT_OK


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from salesops.model.uncertainty import sensitivity  # noqa: PLC0415

    scenario = load_what_if(args)
    table = sensitivity(scenario)
    if args.json:
        out = {
            "scenario": scenario.name,
            "base_roi": table.attrs.get("base_roi"),
            "parameters": [
                {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                for row in table.to_dict(orient="records")
            ],
        }
        print(_json_text(out, scenario))
        return EXIT_OK
    rows = [
        [r.label, f"{r.low:.4g}", f"{r.likely:.4g}", f"{r.high:.4g}", _pct(r.roi_low), _pct(r.roi_high), _pct(r.swing)]
        for r in table.itertuples(index=False)
    ]
    lines = [
        f"{scenario.name}: ROI {_pct(table.attrs.get('base_roi', 0.0))} at the likely values; "
        "each parameter at its low and high, the others at likely",
        "",
    ]
    lines += _table(
        ["parameter", "low", "likely", "high", "ROI at low", "ROI at high", "swing"], rows, "lrrrrrr", indent=""
    )
    print("\n".join(lines))
    return EXIT_OK


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
def add_samples(sub: Any) -> None:
    """The ``samples`` command."""
    command(
        sub,
        "samples",
        _cmd_samples,
        help="list the shipped sample scenarios",
        description="List the shipped sample scenarios: name, reps, regions, roles and title.",
    )


def add_evaluate(sub: Any) -> None:
    """The ``evaluate`` command."""
    command(
        sub,
        "evaluate",
        _cmd_evaluate,
        SCENARIO(help=SCENARIO_HELP + "; a sample name wins over a file of the same name (write ./NAME for the file)"),
        *WHAT_IF,
        JSON(help="print one JSON object instead of the report"),
        help="evaluate a sample or a scenario file",
        description=(
            "Evaluate a scenario and print the headline figures, a per-region table\n"
            "and a per-role table, or one JSON object with --json."
        ),
        epilog=(
            f"Examples:\n  {PROG} evaluate midmarket\n"
            f"  {PROG} evaluate enterprise --placement all=localized --placement deal_desk=centralized\n"
            + WHAT_IF_EXAMPLES.format(command=f"{PROG} evaluate enterprise")
            + f"\n  {PROG} evaluate old_plan.json --current-model --set peak_cover=0.9 --json\n"
            f"  {PROG} evaluate my_scenario.json --json\n"
            f"  {PROG} synth --reps 300 --regions 4 | {PROG} evaluate -"
        ),
        formatter_class=RAW,
    )


def add_compare(sub: Any) -> None:
    """The ``compare`` command."""
    command(
        sub,
        "compare",
        _cmd_compare,
        arg(
            "refs",
            metavar="SCENARIO",
            nargs="+",
            help="two or more: sample names, scenario JSON files, saved ids (ID or ID@V)",
        ),
        *WHAT_IF,
        JSON(help="print a JSON list of objects instead of the table"),
        *user_options("refuse saved ids that are not in this workspace"),
        DB,
        help="headline figures of several scenarios side by side",
        description=(
            "Evaluate several scenarios and print their headline figures side by side (ROI,\n"
            "productivity per rep, sales-ops cost and FTE, payback, selling time, reps) with\n"
            "each one's difference from the first, or a JSON list of objects with --json.\n"
            "Each SCENARIO is a sample name, a scenario JSON file, or the id of a saved scenario\n"
            "(its latest version, or ID@V for version V). The what-if options apply to every one."
        ),
        epilog=(
            f"Examples:\n  {PROG} compare startup midmarket enterprise\n  {PROG} compare ID@1 ID our_org.json --json\n"
            f"  {PROG} compare midmarket enterprise --set ops_hiring_lag_months=6 --set reorg_one_off_usd=250000"
        ),
        formatter_class=RAW,
    )


def add_simulate(sub: Any) -> None:
    """The ``simulate`` command."""
    command(
        sub,
        "simulate",
        _cmd_simulate,
        SCENARIO,
        arg("--draws", "-n", metavar="N", type=_draws_count, default=10_000, help="number of draws (default 10000)"),
        arg("--seed", metavar="S", type=_seed, default=0, help="random seed (default 0)"),
        *WHAT_IF,
        JSON,
        help="Monte Carlo of ROI, payback and productivity over the assumption ranges",
        description=(
            "Draw every assumption from triangular(low, likely, high) (data/assumptions.json,\n"
            "data/uncertainty.json) with the team sizes of the scenario as designed, and print\n"
            "P10/P50/P90 of ROI, payback and productivity per rep, or one JSON object with --json.\n"
            "An assumption set with --set is the likely value of its range (the range widens to hold it)."
        ),
        epilog=(
            f"Examples:\n  {PROG} simulate midmarket --draws 10000\n  {PROG} simulate org.json --seed 7 --json\n"
            f"  {PROG} simulate enterprise --set selling_conversion=60% --set ops_hiring_lag_months=4"
        ),
        formatter_class=RAW,
    )


def add_sensitivity(sub: Any) -> None:
    """The ``sensitivity`` command."""
    command(
        sub,
        "sensitivity",
        _cmd_sensitivity,
        SCENARIO,
        *WHAT_IF,
        JSON,
        help="tornado: ROI at each assumption's low and high, largest swing first",
        description=(
            "Evaluate the scenario with each assumption (and each role parameter, all roles\n"
            "together) at its low and at its high, the others at their likely values, and rank\n"
            "them by the swing in ROI, largest first; one JSON object with --json. An assumption\n"
            "set with --set is its likely value."
        ),
        epilog=(
            f"Examples:\n  {PROG} sensitivity enterprise --json\n"
            f"  {PROG} sensitivity midmarket -p all=localized --process all=local --set embedded_adherence=0.3"
        ),
        formatter_class=RAW,
    )
