"""Plausibility caps: figures beyond what published cases support, and warnings that name them.

A model answers whatever it is asked; a practitioner asks whether the answer could be true.
Each cap below is a stated number with its reason. A figure above it is not refused (the
client's own data may justify it) but shown with a warning that names the figure and the cap.

- :func:`initiative_warnings` reads one row of :func:`salesops.model.initiatives.rank`.
- :func:`design_warnings` reads the :class:`~salesops.model.results.Results` of a design.

Examples
--------
>>> print(initiative_warnings({"name": "CRM data clean-up", "roi_3yr": 34.21, "payback_months": 2.9,
...                            "cost_3yr_usd": 90_000, "return_3yr_usd": 3_169_000})[0])
CRM data clean-up: 3-year ROI of 3,421% is above the plausibility cap of 300%. ...
>>> initiative_warnings({"name": "Modest", "roi_3yr": 0.8, "payback_months": 11.0,
...                      "cost_3yr_usd": 500_000, "return_3yr_usd": 900_000})
[]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from salesops.model.format import fmt_months, fmt_pct, fmt_usd
from salesops.model.results import Results

__all__ = [
    "CAPS",
    "DESIGN_MAX_PRODUCTIVITY_LIFT",
    "DESIGN_MAX_SELLING_TIME_GAIN",
    "INITIATIVE_MAX_ROI_3YR",
    "INITIATIVE_MIN_PAYBACK_MONTHS",
    "Cap",
    "design_warnings",
    "initiative_warnings",
]

# An initiative returning more than four times its 3-year cost (ROI above 300%). Model assumption.
INITIATIVE_MAX_ROI_3YR = 3.0
# An initiative paying back within one quarter of its start. Model assumption.
INITIATIVE_MIN_PAYBACK_MONTHS = 3.0
# A design that raises the selling-time share by more than 10 percentage points. Model assumption.
DESIGN_MAX_SELLING_TIME_GAIN = 0.10
# A design that raises revenue per rep by more than 20% over the same org without sales ops. Model assumption.
DESIGN_MAX_PRODUCTIVITY_LIFT = 0.20


@dataclass(frozen=True)
class Cap:
    """One plausibility cap: what it limits, its value as shown, and why."""

    figure: str
    limit: str
    reason: str


CAPS: tuple[Cap, ...] = (
    Cap(
        "3-year ROI of one initiative",
        f"at most {fmt_pct(INITIATIVE_MAX_ROI_3YR)}",
        "Model assumption. The most quoted returns on sales technology are averages of reported successes "
        "for a whole CRM: Nucleus Research's $5.60 (2011) and $8.71 (2014) returned per dollar spent, as "
        "quoted by Oracle (2nd-hand; disputed, e.g. by Brightwork Research). A single sales-ops initiative "
        "whose return is more than four times its 3-year cost usually has its cost set for a smaller org or "
        "its effects taken from a vendor's best case.",
    ),
    Cap(
        "Payback of one initiative",
        f"at least {fmt_months(INITIATIVE_MIN_PAYBACK_MONTHS)} months after its start",
        "Model assumption. An initiative has to be bought, rolled out and adopted; the model puts its effect "
        "in full from its start month, so a payback inside one quarter means its cost is small against the "
        "claimed effect.",
    ),
    Cap(
        "Selling-time gain of a design",
        f"at most {DESIGN_MAX_SELLING_TIME_GAIN * 100:.0f} percentage points",
        "Model assumption. Time studies put reps' selling share at about 22% (Pace Productivity), 28% "
        "(Salesforce State of Sales, 2nd-hand) and 41% (CSO Insights 2011); a gain of 10 points takes a rep "
        "at 28% most of the way to the highest of these, so the model treats more as implausible unless the "
        "client's own time study shows it.",
    ),
    Cap(
        "Revenue per rep of a design",
        f"at most {fmt_pct(DESIGN_MAX_PRODUCTIVITY_LIFT)} above the same org without sales ops",
        "Model assumption. The published cases the model draws on claim less: 2-7% more revenue from "
        "territory alignment (Zoltners & Sinha 2005, the consultant's own projects); the 15% productivity "
        "target of the KPI defaults is itself an unconfirmed vendor claim.",
    ),
)


def _get(row: Any, key: str) -> Any:
    """A field of a rank row: a mapping, or a row of ``DataFrame.itertuples``."""
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def _number(value: Any) -> float | None:
    """A finite number, or None (missing, NaN, or not a number)."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
    value = float(value)
    return value if math.isfinite(value) else None


def _months_below(value: float, cap: float) -> str:
    """``value`` months to one decimal, or two when one would round it up to the cap.

    >>> _months_below(1.34, 3.0), _months_below(2.96, 3.0)
    ('1.3', '2.96')
    """
    text = fmt_months(value)
    return text if float(text.replace(",", "")) < cap else f"{value:,.2f}"


def initiative_warnings(row: Any) -> list[str]:
    """Plain-language warnings for one initiative's ranked figures above a cap (empty if none).

    ``row`` has the fields of :data:`salesops.model.initiatives.RANK_COLUMNS` (a dict, or a
    row of ``rank(...).itertuples()``): ``name``, ``roi_3yr``, ``payback_months``,
    ``cost_3yr_usd`` and ``return_3yr_usd``. A missing or NaN field is not checked.

    >>> initiative_warnings({"name": "Quick win", "roi_3yr": 1.2, "payback_months": 1.3,
    ...                      "cost_3yr_usd": 100_000, "return_3yr_usd": 220_000})
    ['Quick win: pays back 1.3 months after it starts, sooner than the plausibility cap of 3.0 months. ...']
    >>> initiative_warnings({"name": "Free lunch", "roi_3yr": 0.0, "payback_months": 0.0,
    ...                      "cost_3yr_usd": 0.0, "return_3yr_usd": 250_000})
    ['Free lunch: costs nothing yet returns $250.0K over 3 years. ...']
    """
    name = str(_get(row, "name") or _get(row, "id") or "Initiative")
    cost = _number(_get(row, "cost_3yr_usd"))
    gross = _number(_get(row, "return_3yr_usd"))
    roi = _number(_get(row, "roi_3yr"))
    payback = _number(_get(row, "payback_months"))
    out = []
    if cost is not None and cost <= 0:
        if gross is not None and gross > 0:
            out.append(
                f"{name}: costs nothing yet returns {fmt_usd(gross)} over 3 years. No initiative is free: "
                "enter its one-off and running cost, or its ROI cannot be judged."
            )
        return out  # no ROI or payback to judge without a cost
    if roi is not None and roi > INITIATIVE_MAX_ROI_3YR:
        out.append(
            f"{name}: 3-year ROI of {fmt_pct(roi)} is above the plausibility cap of "
            f"{fmt_pct(INITIATIVE_MAX_ROI_3YR)}. Check that its cost is sized for this org (the costs of a "
            "larger org grow with its reps) and that its effects are the client's own figures, not a "
            "vendor's best case."
        )
    if payback is not None and payback < INITIATIVE_MIN_PAYBACK_MONTHS and (gross or 0.0) > 0:
        out.append(
            f"{name}: pays back {_months_below(payback, INITIATIVE_MIN_PAYBACK_MONTHS)} months after it starts, "
            f"sooner than the plausibility cap of {fmt_months(INITIATIVE_MIN_PAYBACK_MONTHS)} months. The model "
            "gives the effect in full from the start month, with no roll-out or adoption: check the one-off cost "
            "and the start month."
        )
    return out


def design_warnings(results: Results) -> list[str]:
    """Plain-language warnings for a design's figures above a cap (empty if none).

    Checks the selling-time gain (``selling_time_share`` over ``baseline_selling_time_share``)
    and the lift in revenue per rep (``productivity_per_rep_usd`` over
    ``baseline_productivity_per_rep_usd``, the same org without sales ops).
    """
    out = []
    base_share, share = results.baseline_selling_time_share, results.selling_time_share
    gain = share - base_share
    if math.isfinite(gain) and gain > DESIGN_MAX_SELLING_TIME_GAIN + 1e-12:
        out.append(
            f"Selling-time share rises from {fmt_pct(base_share, 1)} to {fmt_pct(share, 1)} "
            f"(+{gain * 100:.1f} points), above the plausibility cap of +{DESIGN_MAX_SELLING_TIME_GAIN * 100:.0f} "
            "points: time studies put reps at 22-41% selling, so a larger gain needs the client's own time study. "
            "Check the rep hours each role saves and the hours saved by initiatives."
        )
    base, now = results.baseline_productivity_per_rep_usd, results.productivity_per_rep_usd
    if base > 0 and math.isfinite(now):
        lift = now / base - 1.0
        if lift > DESIGN_MAX_PRODUCTIVITY_LIFT + 1e-12:
            out.append(
                f"Revenue per rep is {fmt_pct(lift)} above the same org without sales ops "
                f"({fmt_usd(now)} against {fmt_usd(base)}), above the plausibility cap of "
                f"{fmt_pct(DESIGN_MAX_PRODUCTIVITY_LIFT)}: published cases claim less (2-7% from territory "
                "alignment). Check the attainment and ramp gains of initiatives and the productivity elasticity."
            )
    return out
