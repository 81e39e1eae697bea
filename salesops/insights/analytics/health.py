"""Health rules: the rules of ``data/health_rules.json``, one rule applied to one value, and the flags of an org.

The health rules and their sources live in ``data/health_rules.json``.

:func:`judge` applies one of those rules to one value. It is the single place
where a threshold is compared with a figure for the metrics that the Org
analytics page and the Peer benchmarks page (:func:`salesops.insights.peers.compare`)
both show (front-line span, reps per sales-ops FTE, rep attrition and sales
spend as a share of revenue), so the two pages cannot disagree about them.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, NamedTuple

import pandas as pd

from salesops.model import Results
from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Scenario

STATUSES = ("ok", "warning")
# What judge() can say: a flag's two statuses, plus "n/a" when there is no value to judge.
VERDICTS = ("ok", "warning", "n/a")


# --------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _rules_raw() -> dict[str, Any]:
    with open(DATA_DIR / "health_rules.json", encoding="utf-8") as fh:
        return json.load(fh)


def health_rules() -> dict[str, dict[str, Any]]:
    """The health rules of ``data/health_rules.json`` keyed by rule id (a fresh copy).

    Examples
    --------
    >>> health_rules()["span_above"]["max_reps"]
    10
    """
    return copy.deepcopy(_rules_raw()["rules"])


# --------------------------------------------------------------------------
# One rule applied to one value (shared with salesops.insights.peers)
# --------------------------------------------------------------------------
class Verdict(NamedTuple):
    """What one health rule says about one value.

    Parameters
    ----------
    status : {"ok", "warning", "n/a"}
        ``"n/a"`` when there is no value to judge (None or NaN).
    threshold : str
        The rule's threshold in words, with its numbers.
    """

    status: str
    threshold: str


# rule id -> (threshold text, test that is True when a value breaks the rule), from the rule's fields.
_Check = tuple[str, Callable[[float], bool]]


def _check_span_below(rule: dict[str, Any]) -> _Check:
    floor = rule["min_reps"]
    return (f"at least {floor:g} reps per front-line manager (below {floor:g}:1 is costly)", lambda v: v < floor)


def _check_span_above(rule: dict[str, Any]) -> _Check:
    ceiling = rule["max_reps"]
    return f"at most {ceiling:g} reps per front-line manager", lambda v: v > ceiling


def _check_reps_per_ops_fte(rule: dict[str, Any]) -> _Check:
    lo, hi = rule["low"], rule["high"]
    return f"{lo:g} to {hi:g} reps per sales-ops FTE", lambda v: not lo <= v <= hi


def _check_attrition(rule: dict[str, Any]) -> _Check:
    warn_at, target = rule["warn_at"], rule["target"]
    return (
        f"below {warn_at:.0%} a year (target {target:.0%}; {warn_at:.0%} or more is a warning sign)",
        lambda v: v >= warn_at,
    )


def _check_sales_spend_share(rule: dict[str, Any]) -> _Check:
    lo, hi = rule["low"], rule["high"]
    return f"{lo:.0%} to {hi:.0%} of revenue", lambda v: not lo <= v <= hi


_CHECKS: dict[str, Callable[[dict[str, Any]], _Check]] = {
    "span_below": _check_span_below,
    "span_above": _check_span_above,
    "reps_per_ops_fte": _check_reps_per_ops_fte,
    "attrition": _check_attrition,
    "sales_spend_share": _check_sales_spend_share,
}
# The rules of data/health_rules.json that judge a single figure (the others count roles or managers).
JUDGED_RULES = tuple(_CHECKS)


def judge(rule_id: str, value: float | None) -> Verdict:
    """Apply one health rule of ``data/health_rules.json`` to one value.

    Org analytics' flags and the peer comparison's health column both call
    this, so the two pages give the same verdict on the same figure.

    Parameters
    ----------
    rule_id : str
        One of :data:`JUDGED_RULES`: ``"span_below"`` and ``"span_above"``
        (reps per front-line manager, at least ``min_reps`` and at most
        ``max_reps``), ``"reps_per_ops_fte"`` (``low`` to ``high`` inclusive),
        ``"attrition"`` (a warning at ``warn_at`` a year or more) and
        ``"sales_spend_share"`` (``low`` to ``high`` of revenue, inclusive).
    value : float or None
        The figure in the rule's unit (shares as fractions). ``math.inf`` is a
        value (reps with no sales-ops FTE are infinitely many per FTE); None or
        NaN is not.

    Returns
    -------
    Verdict
        ``status`` "ok", "warning" or "n/a" (no value), and the threshold in words.

    Raises
    ------
    ValueError
        Naming an unknown rule id and the rules that can be judged.

    Examples
    --------
    >>> judge("attrition", 0.258)
    Verdict(status='warning', threshold='below 15% a year (target 10%; 15% or more is a warning sign)')
    >>> judge("attrition", 0.12).status, judge("span_above", 10).status, judge("span_above", 11).status
    ('ok', 'ok', 'warning')
    >>> judge("reps_per_ops_fte", float("inf")).status, judge("sales_spend_share", None).status
    ('warning', 'n/a')
    """
    if rule_id not in _CHECKS:
        raise ValueError(f"no single-value health rule {rule_id!r}; rules: {', '.join(JUDGED_RULES)}")
    threshold, breaks = _CHECKS[rule_id](_rules_raw()["rules"][rule_id])
    if value is None or math.isnan(value):
        return Verdict("n/a", threshold)
    return Verdict("warning" if breaks(float(value)) else "ok", threshold)


def _breaks(rule_id: str, values: pd.Series) -> pd.Series:
    """A boolean mask: which of ``values`` :func:`judge` warns about."""
    return values.map(lambda v: judge(rule_id, v).status == "warning").astype(bool)


@dataclass(frozen=True)
class HealthFlag:
    """The outcome of one health rule.

    Parameters
    ----------
    metric : str
        What was measured, in words.
    value : float or None
        The measured value: a ratio or share, or a count of offending managers
        or roles; None when it cannot be computed (no sales ops, no revenue).
    status : {"ok", "warning"}
    threshold : str
        The threshold, in words, with its numbers.
    source, firmness : str
        Where the threshold comes from and how firm it is ("sourced",
        "2nd-hand", "unconfirmed" or "model assumption").
    message : str
        One sentence for the user, naming the worst offenders where there are any.
    rule : str
        The rule id in ``data/health_rules.json``.
    """

    metric: str
    value: float | None
    status: str
    threshold: str
    source: str
    firmness: str
    message: str
    rule: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"flag {self.rule!r}: status must be one of {', '.join(STATUSES)}, got {self.status!r}")


# --------------------------------------------------------------------------
# Health flags
# --------------------------------------------------------------------------
def _examples(rows: pd.DataFrame, limit: int) -> str:
    shown = [f"{r.name} ({r.reps} rep{'' if r.reps == 1 else 's'})" for r in rows.head(limit).itertuples()]
    more = len(rows) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _flag(
    rule_id: str, rule: dict[str, Any], value: float | None, warning: bool, threshold: str, message: str
) -> HealthFlag:
    return HealthFlag(
        metric=rule["metric"],
        value=value,
        status="warning" if warning else "ok",
        threshold=threshold,
        source=rule["source"],
        firmness=rule["firmness"],
        message=message,
        rule=rule_id,
    )


def _flags(
    scenario: Scenario,
    results: Results,
    spans: pd.DataFrame,
    layers: int,
    reps: int,
    reps_per_ops: float | None,
    spend_share: float | None,
) -> tuple[HealthFlag, ...]:
    raw = _rules_raw()
    rules = raw["rules"]
    limit = raw["max_examples"]
    flags = []
    front = spans[spans["reps"] > 0]
    n_front = len(front)

    rule = rules["span_below"]
    floor = rule["min_reps"]
    threshold = judge("span_below", None).threshold
    low = front[_breaks("span_below", front["reps"])].sort_values(["reps", "manager_id"], kind="stable")
    message = (
        f"{len(low)} of {n_front} front-line managers have fewer than {floor:g} reps: {_examples(low, limit)}."
        if len(low)
        else f"All {n_front} front-line managers have {floor:g} or more reps."
    )
    flags.append(_flag("span_below", rule, len(low), len(low) > 0, threshold, message))

    rule = rules["span_above"]
    ceiling = rule["max_reps"]
    threshold = judge("span_above", None).threshold
    high = front[_breaks("span_above", front["reps"])].sort_values(
        ["reps", "manager_id"], ascending=[False, True], kind="stable"
    )
    message = (
        f"{len(high)} of {n_front} front-line managers have more than {ceiling:g} reps: {_examples(high, limit)}."
        if len(high)
        else f"All {n_front} front-line managers have {ceiling:g} or fewer reps."
    )
    flags.append(_flag("span_above", rule, len(high), len(high) > 0, threshold, message))

    rule = rules["reps_per_ops_fte"]
    lo, hi = rule["low"], rule["high"]
    if reps == 0:
        threshold = judge("reps_per_ops_fte", None).threshold
        flags.append(_flag("reps_per_ops_fte", rule, reps_per_ops, False, threshold, "No reps, so no ratio to check."))
    elif reps_per_ops is None:
        # Reps without sales-ops FTE are infinitely many per FTE: under-served.
        verdict = judge("reps_per_ops_fte", math.inf)
        flags.append(
            _flag(
                "reps_per_ops_fte",
                rule,
                None,
                verdict.status == "warning",
                verdict.threshold,
                f"No sales-ops FTE: {reps} reps have no sales-ops support (under-served).",
            )
        )
    else:
        verdict = judge("reps_per_ops_fte", reps_per_ops)
        if reps_per_ops < lo:
            message = (
                f"{reps_per_ops:.1f} reps per sales-ops FTE: over-served against the {lo:g}:1 target "
                "(sales ops may cost more than the reps need)."
            )
        elif reps_per_ops > hi:
            message = (
                f"{reps_per_ops:.1f} reps per sales-ops FTE: under-served, past the highest published "
                f"ratio of {hi:g}:1."
            )
        else:
            message = f"{reps_per_ops:.1f} reps per sales-ops FTE, within {lo:g}-{hi:g}:1."
        flags.append(
            _flag("reps_per_ops_fte", rule, reps_per_ops, verdict.status == "warning", verdict.threshold, message)
        )

    rule = rules["attrition"]
    attrition = scenario.assumptions.attrition_per_year
    warn_at, target = rule["warn_at"], rule["target"]
    verdict = judge("attrition", attrition)
    if verdict.status == "warning":
        message = f"The attrition assumption, {attrition:.1%} a year, is a warning sign (target {target:.0%})."
    else:
        message = f"The attrition assumption, {attrition:.1%} a year, is below the {warn_at:.0%} warning level."
    flags.append(_flag("attrition", rule, attrition, verdict.status == "warning", verdict.threshold, message))

    rule = rules["ops_overload"]
    overloaded = [r.name for r in results.roles if r.overloaded]
    threshold = "every sales-ops team has more capacity than demand"
    message = (
        f"{len(overloaded)} sales-ops role(s) have less capacity than demand; the rest falls back on the "
        f"reps: {', '.join(overloaded)}."
        if overloaded
        else "Every sales-ops team keeps up with demand."
    )
    flags.append(_flag("ops_overload", rule, len(overloaded), bool(overloaded), threshold, message))

    rule = rules["layers"]
    most = rule["max_layers"]
    threshold = f"at most {most:g} layers from the top leader to reps"
    message = (
        f"{layers} layers from the top leader to reps, more than {most:g}."
        if layers > most
        else f"{layers} layers from the top leader to reps."
    )
    flags.append(_flag("layers", rule, layers, layers > most, threshold, message))

    rule = rules["managers_without_reports"]
    empty = spans[(spans["kind"] == "manager") & (spans["direct_reports"] == 0)].sort_values("manager_id")
    shown = ", ".join(empty["name"].head(limit))
    more = len(empty) - min(len(empty), limit)
    threshold = "every manager has at least one direct report"
    message = (
        f"{len(empty)} manager(s) with no direct reports: {shown}" + (f" and {more} more" if more else "") + "."
        if len(empty)
        else "Every manager has direct reports."
    )
    flags.append(_flag("managers_without_reports", rule, len(empty), len(empty) > 0, threshold, message))

    rule = rules["sales_spend_share"]
    lo, hi = rule["low"], rule["high"]
    verdict = judge("sales_spend_share", spend_share)
    if spend_share is None:  # nothing to judge: a flag is ok or warning, so it passes (peers show "n/a")
        flags.append(
            _flag(
                "sales_spend_share",
                rule,
                None,
                False,
                verdict.threshold,
                "Enter the company's total annual revenue (on the Peer benchmarks page) to compare "
                f"sales spend with the {lo * 100:g}-{hi:.0%} benchmark.",
            )
        )
    else:
        message = f"Sales spend is {spend_share:.1%} of the company's revenue"
        if spend_share > hi:
            message += f", above {hi:.0%}."
        elif spend_share < lo:
            message += f", below {lo:.0%}."
        else:
            message += f", within {lo:.0%}-{hi:.0%}."
        flags.append(
            _flag("sales_spend_share", rule, spend_share, verdict.status == "warning", verdict.threshold, message)
        )
    return tuple(flags)
