"""Peers: published benchmark figures, typical peer profiles, and how an org compares.

Practice 4 of a good sales-ops function is roles that fit the company, judged
against what peers do. This module holds the published figures of
``data/peers.json`` (copied from the reference with source and firmness), three
peer profiles (startup, mid-market, enterprise) with a typical value for each
metric, and :func:`compare`, which places one org's figures against the band of
published figures and the profile's typical value.

The band of published figures is a spread of what sources report (for attrition,
a 10% target, a 15-20% warning band and 25.8% and 30% survey figures), not a
healthy range: being "within" it says nothing about whether a figure is good.
Whether it is healthy is the ``health`` column of :func:`compare`, which judges
the metrics that Org analytics also checks with the very same rules
(:func:`salesops.insights.analytics.judge` on ``data/health_rules.json``).

Firmness, firmest first: ``"sourced"`` (primary source), ``"2nd-hand"`` (a blog
quoting a study), ``"unconfirmed"`` (primary source not found) and
``"illustrative"`` (a judgement or derivation of this tool).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import pandas as pd

from salesops.insights.analytics import JUDGED_RULES, VERDICTS, OrgAnalytics, judge
from salesops.model import Results
from salesops.model.paths import DATA_DIR
from salesops.model.scenario import Scenario

__all__ = [
    "COMPARE_COLUMNS",
    "FIRMNESS",
    "HEALTH_STATUSES",
    "STATUSES",
    "Benchmark",
    "Metric",
    "PeerProfile",
    "PeerValue",
    "benchmarks",
    "compare",
    "metrics",
    "peer_profiles",
    "profile",
    "suggest_profile",
]

FIRMNESS = ("sourced", "2nd-hand", "unconfirmed", "illustrative")
STATUSES = ("within", "below", "above", "n/a")
HEALTH_STATUSES = VERDICTS  # "ok", "warning", or "n/a" (no value, or no health rule for the metric)
COMPARE_COLUMNS = [
    "metric",
    "unit",
    "this_org",
    "low",
    "high",
    "peer_value",
    "status",
    "health",
    "health_threshold",
    "source",
    "firmness",
    "metric_id",
    "format",
    "peer_firmness",
    "peer_note",
]


@dataclass(frozen=True)
class Metric:
    """A metric that benchmarks and profiles give figures for.

    Parameters
    ----------
    id, label, unit : str
    format : {"ratio", "percent", "months", "usd"}
        How to show a value of the metric.
    compare : bool
        Whether :func:`compare` places the org against it.
    health_rules : tuple of str
        Rules of ``data/health_rules.json`` (ids of
        :data:`salesops.insights.analytics.JUDGED_RULES`) that judge the org's value, the
        same rules Org analytics flags with; empty when no rule applies.

    Raises
    ------
    ValueError
        Naming an unknown health rule.
    """

    id: str
    label: str
    unit: str
    format: str
    compare: bool
    health_rules: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [r for r in self.health_rules if r not in JUDGED_RULES]
        if unknown:
            raise ValueError(
                f"metric {self.id!r}: unknown health rule(s) {', '.join(map(repr, unknown))}; "
                f"rules: {', '.join(JUDGED_RULES)}"
            )


@dataclass(frozen=True)
class Benchmark:
    """One published figure (a single value has ``low == high``).

    Parameters
    ----------
    id, metric : str
        The figure's id and the id of its :class:`Metric`.
    low, high : float
        The figure or range, in the metric's unit (shares as fractions).
    unit : str
    source : str
    firmness : {"sourced", "2nd-hand", "unconfirmed", "illustrative"}
    note : str
    figure : str
        The figure as the source words it ("AE just under 5 months").

    Raises
    ------
    ValueError
        On an unknown firmness or ``low > high``, naming the benchmark.
    """

    id: str
    metric: str
    low: float
    high: float
    unit: str
    source: str
    firmness: str
    note: str
    figure: str

    def __post_init__(self) -> None:
        if self.firmness not in FIRMNESS:
            raise ValueError(
                f"benchmark {self.id!r}: firmness must be one of {', '.join(FIRMNESS)}, got {self.firmness!r}"
            )
        if not self.low <= self.high:
            raise ValueError(f"benchmark {self.id!r}: low {self.low!r} is above high {self.high!r}")


@dataclass(frozen=True)
class PeerValue:
    """A profile's typical value of one metric, with how firm it is and why."""

    metric: str
    value: float
    firmness: str
    note: str

    def __post_init__(self) -> None:
        if self.firmness not in FIRMNESS:
            raise ValueError(
                f"peer value {self.metric!r}: firmness must be one of {', '.join(FIRMNESS)}, got {self.firmness!r}"
            )


@dataclass(frozen=True)
class PeerProfile:
    """A typical company of one kind: a value for every compared metric."""

    id: str
    name: str
    description: str
    values: tuple[PeerValue, ...]

    def value(self, metric: str) -> PeerValue:
        """The typical value of one metric; raises KeyError naming an unknown metric."""
        for v in self.values:
            if v.metric == metric:
                return v
        raise KeyError(f"profile {self.id!r} has no value for metric {metric!r}")


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    with open(DATA_DIR / "peers.json", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def metrics() -> tuple[Metric, ...]:
    """Every metric of ``data/peers.json``, compared ones first.

    Examples
    --------
    >>> [m.id for m in metrics() if m.compare][:3]
    ['reps_per_ops_fte', 'reps_per_manager', 'attrition']
    """
    return tuple(
        Metric(m["id"], m["label"], m["unit"], m["format"], m["compare"], tuple(m.get("health_rules", ())))
        for m in _raw()["metrics"]
    )


def _metric(metric_id: str) -> Metric:
    for m in metrics():
        if m.id == metric_id:
            return m
    raise ValueError(f"unknown metric {metric_id!r}; metrics: {', '.join(m.id for m in metrics())}")


@lru_cache(maxsize=1)
def benchmarks() -> tuple[Benchmark, ...]:
    """The published figures, each with its source and firmness.

    Examples
    --------
    >>> b = next(b for b in benchmarks() if b.id == "reps_per_ops_alexander")
    >>> b.figure, b.low, b.source, b.firmness
    ('10:1 target', 10, 'Alexander Group, "Rule of Five" Part V', 'sourced')
    """
    return tuple(
        Benchmark(
            id=b["id"],
            metric=b["metric"],
            low=b["low"],
            high=b["high"],
            unit=_metric(b["metric"]).unit,
            source=b["source"],
            firmness=b["firmness"],
            note=b["note"],
            figure=b["figure"],
        )
        for b in _raw()["benchmarks"]
    )


@lru_cache(maxsize=1)
def peer_profiles() -> tuple[PeerProfile, ...]:
    """The peer profiles: startup, mid-market and enterprise.

    Examples
    --------
    >>> [p.id for p in peer_profiles()]
    ['startup', 'midmarket', 'enterprise']
    >>> v = peer_profiles()[1].value("reps_per_ops_fte")
    >>> v.value, v.firmness
    (20, 'illustrative')
    """
    out = []
    for p in _raw()["profiles"]:
        values = tuple(PeerValue(mid, v["value"], v["firmness"], v["note"]) for mid, v in p["values"].items())
        for v in values:
            _metric(v.metric)
        out.append(PeerProfile(p["id"], p["name"], p["description"], values))
    return tuple(out)


def profile(profile_id: str) -> PeerProfile:
    """One peer profile by id.

    Raises
    ------
    ValueError
        Naming the unknown id and the valid ones.

    Examples
    --------
    >>> profile("enterprise").name
    'Enterprise'
    >>> profile("unicorn")
    Traceback (most recent call last):
    ...
    ValueError: unknown peer profile 'unicorn'; profiles: startup, midmarket, enterprise
    """
    for p in peer_profiles():
        if p.id == profile_id:
            return p
    raise ValueError(f"unknown peer profile {profile_id!r}; profiles: {', '.join(p.id for p in peer_profiles())}")


def suggest_profile(scenario: Scenario) -> str:
    """The peer profile that fits an org's size (total reps; cut-offs in ``data/peers.json``).

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> [suggest_profile(load_sample(n)) for n in ("startup", "midmarket", "enterprise")]
    ['startup', 'midmarket', 'enterprise']
    """
    cuts = _raw()["profile_by_reps"]
    reps = scenario.total_reps
    if reps < cuts["startup_below"]:
        return "startup"
    if reps < cuts["midmarket_below"]:
        return "midmarket"
    return "enterprise"


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------
_THIS_ORG: dict[str, Callable[[Scenario, Results, OrgAnalytics], float | None]] = {
    "reps_per_ops_fte": lambda s, r, a: a.reps_per_ops_fte,
    "reps_per_manager": lambda s, r, a: a.front_line_span,
    "attrition": lambda s, r, a: s.assumptions.attrition_per_year,
    "ramp_months": lambda s, r, a: s.assumptions.ramp_months,
    "selling_time_share": lambda s, r, a: r.selling_time_share if r.reps else None,
    "sales_spend_share": lambda s, r, a: a.sales_spend_share,
    "quota_attainment": lambda s, r, a: s.assumptions.quota_attainment,
    "ops_cost_per_rep": lambda s, r, a: r.ops_cost_per_rep_usd if r.reps else None,
}
# The value a health rule judges, where it is not this_org: reps with no sales-ops FTE are
# infinitely many per FTE (under-served), as Org analytics flags them.
_HEALTH_VALUE: dict[str, Callable[[Scenario, Results, OrgAnalytics], float | None]] = {
    "reps_per_ops_fte": lambda s, r, a: math.inf if a.reps and a.reps_per_ops_fte is None else a.reps_per_ops_fte,
}


def _band(metric_id: str) -> tuple[float, float, str, str]:
    """Lowest and highest published figure of a metric, their sources, and the weakest firmness."""
    figures = [b for b in benchmarks() if b.metric == metric_id]
    if not figures:
        raise ValueError(f"no published figure for metric {metric_id!r} in data/peers.json")
    source = "; ".join(f"{b.source}: {b.figure}" for b in figures)
    firmness = max((b.firmness for b in figures), key=FIRMNESS.index)
    return min(b.low for b in figures), max(b.high for b in figures), source, firmness


def _status(value: float | None, low: float, high: float) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    if value < low and not math.isclose(value, low):
        return "below"
    if value > high and not math.isclose(value, high):
        return "above"
    return "within"


def _health(metric: Metric, value: float | None) -> tuple[str, str]:
    """The verdict of the metric's health rules on a value: a warning if any rule warns."""
    if not metric.health_rules:
        return "n/a", ""
    verdicts = [judge(rule, value) for rule in metric.health_rules]
    statuses = {v.status for v in verdicts}
    status = "warning" if "warning" in statuses else ("n/a" if "n/a" in statuses else "ok")
    return status, "; ".join(v.threshold for v in verdicts)


def compare(scenario: Scenario, results: Results, analytics: OrgAnalytics, profile_id: str) -> pd.DataFrame:
    """This org's figures against the band of published figures and a peer profile.

    Parameters
    ----------
    scenario : Scenario
    results : Results
        ``salesops.model.evaluation(scenario)``.
    analytics : OrgAnalytics
        ``salesops.insights.analytics.analyze(scenario, results)``.
    profile_id : {"startup", "midmarket", "enterprise"}

    Returns
    -------
    pandas.DataFrame
        One row per compared metric: ``metric`` (label), ``unit``,
        ``this_org`` (NaN when it cannot be computed), ``low`` and ``high``
        (lowest and highest published figure), ``peer_value`` (the profile's
        typical value), ``status`` ("within", "below" or "above" the published
        band, "n/a" without a value: where the figure sits among published
        figures, not whether it is healthy), ``health`` ("ok" or "warning" by
        the metric's rules of ``data/health_rules.json``, judged by
        :func:`salesops.insights.analytics.judge` exactly as Org analytics flags them;
        "n/a" without a value or without a rule), ``health_threshold`` (the
        rules' thresholds in words, ``""`` without a rule), ``source`` (every
        figure in the band), ``firmness`` (the weakest of them), then
        ``metric_id``, ``format``, ``peer_firmness`` and ``peer_note``.

        Reps per front-line manager is the org's average over its front-line
        managers (``analytics.front_line_span``), judged by both span rules;
        Org analytics applies them to each front-line manager, so a warning
        here always comes with one there. Without sales-ops FTE, reps per FTE
        is NaN but its health is "warning" (under-served), as in Org
        analytics. Without the company's total revenue, sales spend share is
        "n/a" here and passes in Org analytics (whose flags are only ok or
        warning).

    Raises
    ------
    ValueError
        On an unknown profile id, naming it and the valid ones.

    Examples
    --------
    >>> from salesops.insights.analytics import analyze
    >>> from salesops.model import evaluate
    >>> from salesops.model.samples import load_sample
    >>> s = load_sample("midmarket")
    >>> r = evaluate(s)
    >>> table = compare(s, r, analyze(s, r), "midmarket").set_index("metric_id")
    >>> row = table.loc["reps_per_ops_fte"]
    >>> round(float(row.this_org), 1), float(row.low), float(row.high), float(row.peer_value), row.status, row.health
    (12.3, 10.0, 30.0, 20.0, 'within', 'ok')
    >>> row = table.loc["attrition"]  # among the published figures, yet a warning sign
    >>> float(row.this_org), row.status, row.health, row.health_threshold
    (0.258, 'within', 'warning', 'below 15% a year (target 10%; 15% or more is a warning sign)')
    """
    peer = profile(profile_id)
    rows = []
    for m in metrics():
        if not m.compare:
            continue
        if m.id not in _THIS_ORG:
            raise ValueError(f"metric {m.id!r} is marked compare in data/peers.json but has no figure for an org")
        low, high, source, firmness = _band(m.id)
        value = _THIS_ORG[m.id](scenario, results, analytics)
        typical = peer.value(m.id)
        judged = _HEALTH_VALUE[m.id](scenario, results, analytics) if m.id in _HEALTH_VALUE else value
        health, health_threshold = _health(m, judged)
        rows.append(
            {
                "metric": m.label,
                "unit": m.unit,
                "this_org": value,
                "low": low,
                "high": high,
                "peer_value": typical.value,
                "status": _status(value, low, high),
                "health": health,
                "health_threshold": health_threshold,
                "source": source,
                "firmness": firmness,
                "metric_id": m.id,
                "format": m.format,
                "peer_firmness": typical.firmness,
                "peer_note": typical.note,
            }
        )
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)
