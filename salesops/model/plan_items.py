"""The running-the-function parts of a scenario: charter, objectives, actuals, initiatives.

These are plain frozen records held by :class:`salesops.model.scenario.Scenario`, so they
are saved, versioned, shared and compared with the rest of the scenario. The
logic that reads them lives in :mod:`salesops.insights.objectives` and
:mod:`salesops.model.initiatives`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from typing import Any

__all__ = [
    "CHARTER_RELATIONS",
    "FUNCTIONS",
    "KPIS",
    "Actual",
    "CharterEntry",
    "Initiative",
    "Objective",
    "PlanItemError",
]

# The functions a sales-ops charter decides about.
FUNCTIONS = (
    "forecasting",
    "CRM and systems",
    "territory and quota",
    "compensation administration",
    "enablement",
    "deal desk",
    "pricing support",
    "lead management",
    "reporting and BI",
    "hiring support",
)
CHARTER_RELATIONS = ("leads", "supports", "not ours")
# KPI id -> (label, unit, higher is better)
KPIS = {
    "productivity_per_rep": ("Productivity per rep", "USD/year", True),
    "selling_time_share": ("Selling-time share", "share", True),
    "quota_attainment": ("Quota attainment", "share", True),
    "ops_cost_per_rep": ("Sales-ops cost per rep", "USD/year", False),
    "reps_per_ops_fte": ("Reps per sales-ops FTE", "reps", True),
    "roi": ("ROI", "ratio", True),
    "response_hours": ("Sales-ops response time", "hours", False),
}
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")


class PlanItemError(ValueError):
    """A charter entry, objective, actual or initiative is invalid; the message names the field."""


def _num(value: Any, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlanItemError(f"{where} must be a finite number, got {value!r}")
    if low is not None and value < low:
        raise PlanItemError(f"{where} must be >= {low:g}, got {value!r}")
    if high is not None and value > high:
        raise PlanItemError(f"{where} must be <= {high:g}, got {value!r}")
    return float(value)


def _text(value: Any, where: str, blank_ok: bool = False, limit: int = 200) -> str:
    if not isinstance(value, str):
        raise PlanItemError(f"{where} must be text, got {value!r}")
    value = value.strip()
    if not value and not blank_ok:
        raise PlanItemError(f"{where} must not be blank")
    if len(value) > limit:
        raise PlanItemError(f"{where} is longer than {limit} characters")
    return value


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}  # type: ignore[arg-type]  # subclasses are dataclasses

    @classmethod
    def from_dict(cls, data: Any, where: str = ""):
        where = where or cls.__name__
        if not isinstance(data, dict):
            raise PlanItemError(f"{where} must be an object")
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]  # subclasses are dataclasses
        unknown = sorted(set(data) - names)
        if unknown:
            raise PlanItemError(f"{where}: unknown field(s) {', '.join(unknown)}")
        values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items()}
        try:
            return cls(**values)
        except TypeError as exc:
            raise PlanItemError(f"{where}: {exc}") from None


@dataclass(frozen=True)
class CharterEntry(_Record):
    """Whether sales ops leads a function, supports its owner, or leaves it alone."""

    function: str
    relation: str

    def __post_init__(self) -> None:
        if self.function not in FUNCTIONS:
            raise PlanItemError(f"charter: unknown function {self.function!r}; functions: {', '.join(FUNCTIONS)}")
        if self.relation not in CHARTER_RELATIONS:
            raise PlanItemError(
                f"charter[{self.function}]: relation must be one of "
                f"{', '.join(CHARTER_RELATIONS)}, got {self.relation!r}"
            )


@dataclass(frozen=True)
class Objective(_Record):
    """An objective of the function: a KPI moved from a baseline to a target by a date."""

    id: str
    kpi: str
    baseline: float
    target: float
    owner: str = ""
    due: str = ""  # ISO date (YYYY-MM-DD) or blank
    title: str = ""

    def __post_init__(self) -> None:
        where = f"objective {self.id!r}"
        object.__setattr__(self, "id", _text(self.id, "objective id", limit=60))
        if self.kpi not in KPIS:
            raise PlanItemError(f"{where}: unknown KPI {self.kpi!r}; KPIs: {', '.join(KPIS)}")
        object.__setattr__(self, "baseline", _num(self.baseline, f"{where}: baseline", -1e12, 1e12))
        object.__setattr__(self, "target", _num(self.target, f"{where}: target", -1e12, 1e12))
        object.__setattr__(self, "owner", _text(self.owner, f"{where}: owner", blank_ok=True))
        object.__setattr__(self, "title", _text(self.title, f"{where}: title", blank_ok=True))
        due = _text(self.due, f"{where}: due", blank_ok=True, limit=10)
        if due and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due):
            raise PlanItemError(f"{where}: due must be a date YYYY-MM-DD, got {due!r}")
        object.__setattr__(self, "due", due)


@dataclass(frozen=True)
class Actual(_Record):
    """A measured KPI value for a period (YYYY-MM or YYYY-Qn)."""

    period: str
    kpi: str
    value: float

    def __post_init__(self) -> None:
        period = _text(self.period, "actual period", limit=7)
        if not _PERIOD.match(period):
            raise PlanItemError(f"actual period must be YYYY-MM or YYYY-Qn, got {period!r}")
        object.__setattr__(self, "period", period)
        if self.kpi not in KPIS:
            raise PlanItemError(f"actual {period}: unknown KPI {self.kpi!r}; KPIs: {', '.join(KPIS)}")
        object.__setattr__(self, "value", _num(self.value, f"actual {period} {self.kpi}: value", -1e12, 1e12))


@dataclass(frozen=True)
class Initiative(_Record):
    """An investment in sales ops and the model levers it moves.

    Parameters
    ----------
    id, name : str
    one_off_cost_usd, running_cost_usd_per_year : float
    start_month : int
        Month of the projection (1 = first) from which cost and effect count.
    hours_saved_per_rep_week : float
        Rep hours a week given back directly (e.g. CPQ: no hand-built quotes).
    service_rate_gain : float
        Relative gain in the service rate of ``roles`` (0.3 = +30% requests per FTE).
    roles : tuple of str
        Role ids whose service rate rises (empty: none).
    attainment_gain : float
        Added to quota attainment (0.02 = +2 percentage points).
    ramp_months_saved : float
        Months taken off the ramp of new hires.
    active : bool
        Whether the scenario includes it.
    source : str
        Where the figures come from.
    """

    id: str
    name: str
    one_off_cost_usd: float = 0.0
    running_cost_usd_per_year: float = 0.0
    start_month: int = 1
    hours_saved_per_rep_week: float = 0.0
    service_rate_gain: float = 0.0
    roles: tuple[str, ...] = ()
    attainment_gain: float = 0.0
    ramp_months_saved: float = 0.0
    active: bool = True
    source: str = ""

    def __post_init__(self) -> None:
        where = f"initiative {self.id!r}"
        object.__setattr__(self, "id", _text(self.id, "initiative id", limit=60))
        object.__setattr__(self, "name", _text(self.name, f"{where}: name"))
        object.__setattr__(self, "one_off_cost_usd", _num(self.one_off_cost_usd, f"{where}: one_off_cost_usd", 0, 1e10))
        object.__setattr__(
            self,
            "running_cost_usd_per_year",
            _num(self.running_cost_usd_per_year, f"{where}: running_cost_usd_per_year", 0, 1e10),
        )
        start = _num(self.start_month, f"{where}: start_month", 1, 120)
        if start != int(start):
            raise PlanItemError(f"{where}: start_month must be a whole month, got {self.start_month!r}")
        object.__setattr__(self, "start_month", int(start))
        object.__setattr__(
            self,
            "hours_saved_per_rep_week",
            _num(self.hours_saved_per_rep_week, f"{where}: hours_saved_per_rep_week", 0, 20),
        )
        object.__setattr__(self, "service_rate_gain", _num(self.service_rate_gain, f"{where}: service_rate_gain", 0, 5))
        object.__setattr__(self, "attainment_gain", _num(self.attainment_gain, f"{where}: attainment_gain", -0.5, 0.5))
        object.__setattr__(
            self, "ramp_months_saved", _num(self.ramp_months_saved, f"{where}: ramp_months_saved", 0, 12)
        )
        if not isinstance(self.active, bool):
            raise PlanItemError(f"{where}: active must be true or false, got {self.active!r}")
        roles = tuple(self.roles)
        if not all(isinstance(r, str) and r for r in roles):
            raise PlanItemError(f"{where}: roles must be role ids, got {list(roles)!r}")
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "source", _text(self.source, f"{where}: source", blank_ok=True, limit=500))
