"""The assumption commands: ``assumptions`` (every NAME ``--set`` takes) and ``calibrate`` (fit to a time study).

Each command's handler (``_cmd_*``) and, at the end, its arguments (``add_*``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from salesops.cli.args import (
    JSON,
    OUT,
    PROG,
    RAW,
    SCENARIO,
    WHAT_IF,
    _hours,
    arg,
    assumption_names,
    command,
    is_share,
    parse_share,
)
from salesops.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from salesops.cli.formatting import _num, _pct, _table
from salesops.cli.inputs import MODEL_4_ASSUMPTIONS, _not_the_input, load_what_if
from salesops.model import Results, evaluate
from salesops.model.calibration import Calibration, calibrate
from salesops.model.metrics import METRIC
from salesops.model.plausibility import design_warnings
from salesops.model.scenario import Assumptions, Scenario, assumption_info


# --------------------------------------------------------------------------
# assumptions
# --------------------------------------------------------------------------
def _number_text(value: Any) -> str:
    """A number as ``--set`` takes it: no exponent for money, the shortest form otherwise.

    >>> _number_text(900000.0), _number_text(0.005), _number_text(36), _number_text(1e12)
    ('900,000', '0.005', '36', '1,000,000,000,000')
    """
    value = float(value)
    if value.is_integer() and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def assumption_rows(scenario: Scenario | None = None) -> list[dict[str, Any]]:
    """Every assumption: name, default, low, high, unit, firmness, source, whether a share, whether model 4.

    With ``scenario``, each row also has the scenario's ``value``.

    >>> rows = assumption_rows()
    >>> [r["name"] for r in rows] == list(assumption_names())
    True
    >>> next(r for r in rows if r["name"] == "peak_cover")["model_4"]
    True
    """
    info = assumption_info()
    defaults = Assumptions.defaults()
    rows = []
    for name in assumption_names():
        meta = info.get(name, {})
        row: dict[str, Any] = {
            "name": name,
            "default": getattr(defaults, name),
            "low": meta.get("low"),
            "high": meta.get("high"),
            "unit": meta.get("unit", ""),
            "firmness": meta.get("firmness", ""),
            "share": is_share(name),
            "model_4": name in MODEL_4_ASSUMPTIONS,
            "source": meta.get("source", ""),
        }
        if scenario is not None:
            row["value"] = getattr(scenario.assumptions, name)
        rows.append(row)
    return rows


def _cmd_assumptions(args: argparse.Namespace) -> int:
    if args.scenario is None and (args.placement or args.process or args.settings or args.current_model):
        raise CliError(
            f"the what-if options change a scenario: name one, e.g. '{PROG} assumptions midmarket --set ...'",
            EXIT_USAGE,
        )
    scenario = load_what_if(args) if args.scenario is not None else None
    rows = assumption_rows(scenario)
    if args.json:
        print(json.dumps(rows, indent=2, allow_nan=False))
        return EXIT_OK
    headers = ["name", "default", "low", "high", "unit", "firmness"]
    table = []
    for r in rows:
        cells = [r["name"] + (" *" if r["model_4"] else "")]
        if scenario is not None:
            cells.append(_number_text(r["value"]) + (" !" if r["value"] != r["default"] else ""))
        cells += [_number_text(r[k]) if r[k] is not None else "" for k in ("default", "low", "high")]
        table.append(cells + [r["unit"], r["firmness"]])
    if scenario is not None:
        headers.insert(1, "value")
    lines = [f"{scenario.name}: its assumptions" if scenario is not None else "Assumptions", ""]
    lines += _table(headers, table, "l" + "r" * (len(headers) - 3) + "ll", indent="")
    lines += [
        "",
        "* model version 4: a scenario made with an earlier model ignores it (--current-model moves it)",
        "Shares (unit 'share ...') may also be set as percentages: --set discount_leakage_share=1%.",
        "low and high are the plausible range the Monte Carlo draws from; --json adds each one's source.",
    ]
    if scenario is not None:
        lines.insert(-3, "! differs from the default")
    print("\n".join(lines))
    return EXIT_OK


# --------------------------------------------------------------------------
# calibrate
# --------------------------------------------------------------------------
def _figures(res: Results, scenario: Scenario) -> dict[str, Any]:
    head = res.headline()
    return {
        "baseline_selling_time_share": scenario.assumptions.baseline_selling_time_share,
        "selling_time_share": head["selling_time_share"],
        "roi": head["roi"],
        "payback_months": head["payback_months"],
        "net_value": head["net_value"],
    }


def calibration_report(
    fit: Calibration, before: dict[str, Any], after: dict[str, Any], plausibility: list[str]
) -> dict[str, Any]:
    """The fit as one JSON-ready object: the observed and fitted figures, before and after, every warning.

    ``warnings`` are the fit's own (a bound it stopped at); ``plausibility`` names each figure of the
    fitted scenario above a plausibility cap (:func:`salesops.model.plausibility.design_warnings`).
    """
    return {
        "name": fit.scenario.name,
        "observed_share": fit.observed_share,
        "observed_admin_hours": fit.observed_admin_hours,
        "baseline_share": fit.baseline_share,
        "demand_scale": fit.demand_scale,
        "selling_share": fit.selling_share,
        "admin_hours": fit.admin_hours,
        "active_levers": sum(1 for i in fit.scenario.initiatives if i.active),
        "before": before,
        "after": after,
        "warnings": list(fit.warnings),
        "plausibility": list(plausibility),
    }


def _report_text(report: dict[str, Any]) -> str:
    def metric(key: str, value: Any) -> str:
        return METRIC[key].text(value, precise=True)

    before, after = report["before"], report["after"]
    hours = report["observed_admin_hours"]
    rows = [
        (
            "Selling-time share without sales ops (fitted)",
            f"{_pct(report['baseline_share'])}  (was {_pct(before['baseline_selling_time_share'])})",
        ),
        ("Demand scale (x every role's requests per rep-week)", f"{report['demand_scale']:.4g}"),
        (
            "Selling-time share reproduced",
            f"{_pct(report['selling_share'])}  (observed {_pct(report['observed_share'])})",
        ),
        (
            "Admin hours left with reps, per rep-week",
            f"{_num(report['admin_hours'], 2)}" + ("" if hours is None else f"  (observed {_num(hours, 2)})"),
        ),
        ("ROI", f"{metric('roi', before['roi'])} -> {metric('roi', after['roi'])}"),
        (
            "Net value per year",
            f"{metric('net_value', before['net_value'])} -> {metric('net_value', after['net_value'])}",
        ),
        (
            METRIC["payback_months"].label,
            f"{metric('payback_months', before['payback_months'])} -> "
            f"{metric('payback_months', after['payback_months'])}",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    observed = f"selling-time share {_pct(report['observed_share'])}" + (
        "" if hours is None else f", admin hours {_num(hours, 2)} per rep-week"
    )
    lines = [f"{report['name']}: fitted to a time study ({observed})", ""]
    lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
    if report["active_levers"]:
        lines += [
            "",
            f"Fitted to the org as it runs today, its {report['active_levers']} active ROI lever(s) off; the fitted "
            f"scenario keeps them, so it evaluates to a selling-time share of {_pct(after['selling_time_share'])}.",
        ]
    if report["warnings"]:
        lines += ["", "Warnings"] + [f"  - {' '.join(w.split())}" for w in report["warnings"]]
    if report["plausibility"]:
        lines += ["", "Plausibility of the fitted scenario"]
        lines += [f"  - {' '.join(w.split())}" for w in report["plausibility"]]
    return "\n".join(lines)


def _write(path: str, text: str) -> None:
    try:
        with open(Path(path).expanduser(), "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(f"cannot write --out {path!r}: {exc.strerror or exc}") from None


def _cmd_calibrate(args: argparse.Namespace) -> int:
    if args.json and args.out == "-":
        raise CliError("--json prints the report on stdout: give --out FILE for the fitted scenario", EXIT_USAGE)
    _not_the_input(args.out, args.scenario)
    scenario = load_what_if(args)
    try:
        fit = calibrate(scenario, args.selling_share, args.admin_hours)
    except ValueError as exc:  # the admin hours against this scenario's week (the parser bounds the rest)
        option = "--admin-hours" if "admin hours" in str(exc) else "--selling-share"
        raise CliError(f"{option}: {exc}", EXIT_USAGE) from None
    fitted = evaluate(fit.scenario)
    report = calibration_report(
        fit, _figures(evaluate(scenario), scenario), _figures(fitted, fit.scenario), design_warnings(fitted)
    )
    text = fit.scenario.to_json(indent=2) + "\n"
    if args.json:
        if args.out is None:
            report["scenario"] = fit.scenario.to_dict()
        else:
            _write(args.out, text)
            report["out"] = args.out
        try:
            print(json.dumps(report, indent=2, allow_nan=False))
        except ValueError:
            raise CliError(
                f"the model produced non-finite figures for scenario {scenario.name!r}; no JSON written"
            ) from None
        return EXIT_OK
    if args.out is None or args.out == "-":
        print(_report_text(report), file=sys.stderr)
        sys.stdout.write(text)
        return EXIT_OK
    _write(args.out, text)
    print(_report_text(report) + f"\n\nwrote {args.out}: the fitted scenario")
    return EXIT_OK


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------
def add_assumptions(sub: Any) -> None:
    """The ``assumptions`` command."""
    command(
        sub,
        "assumptions",
        _cmd_assumptions,
        SCENARIO(
            nargs="?",
            help="optional: also show this scenario's value of each (a sample name, a scenario JSON file, or '-')",
        ),
        *WHAT_IF,
        JSON(help="print a JSON list of objects (with each one's source) instead of the table"),
        help="list every assumption --set takes, with its default, plausible range and unit",
        description=(
            "List every company-wide assumption: the NAME that --set takes, its default, its\n"
            "plausible range (low and high, the Monte Carlo's range), its unit and how firm its\n"
            "source is (--json adds the source). With SCENARIO, also the scenario's own value,\n"
            "after any what-if options: a dry run of --set."
        ),
        epilog=(
            f"Examples:\n  {PROG} assumptions\n  {PROG} assumptions --json\n"
            f"  {PROG} assumptions org.json\n"
            f"  {PROG} assumptions midmarket --set ops_hiring_lag_months=6 --set discount_leakage_share=1%"
        ),
        formatter_class=RAW,
    )


def add_calibrate(sub: Any) -> None:
    """The ``calibrate`` command."""
    command(
        sub,
        "calibrate",
        _cmd_calibrate,
        SCENARIO(help="the org as it runs today: " + SCENARIO.options["help"]),
        arg(
            "--selling-share",
            metavar="S",
            type=parse_share,
            required=True,
            help="the share of a rep's week spent selling, from the client's time study: above 0 and at most 1, "
            "as 0.28 or 28%%",
        ),
        arg(
            "--admin-hours",
            metavar="H",
            type=_hours,
            help="optional: hours per rep-week reps still lose to admin work sales ops could take, from 0 to "
            "the rep's week (assumption rep_hours_per_week); fits the demand on sales ops first",
        ),
        *WHAT_IF,
        OUT(help="write the fitted scenario to FILE (overwritten) instead of stdout; '-' is stdout"),
        JSON(
            help="print the report as one JSON object on stdout; the fitted scenario goes to --out FILE, "
            "or into the report as 'scenario' without --out"
        ),
        help="fit the model to a client's time study (selling-time share, admin hours)",
        description=(
            "Fit the scenario to a time study of the org as it runs today: with --admin-hours, the\n"
            "demand scale (every role's requests per rep-week times k) that leaves those admin hours\n"
            "with reps; then the selling-time share without sales ops that reproduces the observed\n"
            "selling-time share. Active ROI levers are off while fitting and kept in the result.\n"
            "Writes the fitted scenario as JSON (to --out FILE, else stdout: 'evaluate' opens it)\n"
            "and reports the fitted share, the demand scale, the share and admin hours reproduced,\n"
            "ROI, net value and payback before and after, and every warning: a target the model\n"
            "cannot reach stops the fit at its bound and says so, and a fitted figure above a\n"
            "plausibility cap is named. The report goes to stderr when the scenario goes to\n"
            "stdout, else to stdout; with --json it is one JSON object on stdout.\n"
            "The what-if options apply before the fit, so the fitted scenario keeps them."
        ),
        epilog=(
            f"Examples:\n  {PROG} calibrate midmarket --selling-share 30% --out fitted.json\n"
            f"  {PROG} calibrate org.json --selling-share 0.28 --admin-hours 6 --json --out fitted.json\n"
            f"  {PROG} calibrate org.json --selling-share 0.3 --set selling_conversion=0.6 | {PROG} evaluate -"
        ),
        formatter_class=RAW,
    )
