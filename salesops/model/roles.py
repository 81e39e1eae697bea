"""The sales-ops role catalog.

A :class:`RoleSpec` describes one sales-ops role: which function it serves, whether
sales ops *leads* or *supports* that function, what an FTE costs, and the service
and demand parameters the queueing model needs. The defaults live in
``data/roles.json`` next to their sources.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

from salesops.model.limits import ROLE_RANGES, check_text
from salesops.model.paths import DATA_DIR

__all__ = ["CONTROLS", "CONTROL_WORDS", "RoleSpec", "RELATIONS", "load_catalog", "catalog_sources"]

RELATIONS = ("leads", "supports")
# What central control of a role's work is worth (model version 4): each mechanism names the
# assumption that holds the share of revenue at stake; "" is a role without one.
CONTROLS: dict[str, str] = {
    "discount_leakage": "discount_leakage_share",
    "forecast_accuracy": "forecast_accuracy_share",
    "data_quality": "data_quality_share",
    "plan_consistency": "plan_consistency_share",
}
# The same in words a sales leader uses.
CONTROL_WORDS: dict[str, str] = {
    "discount_leakage": "discounts kept to one pricing policy",
    "forecast_accuracy": "one forecast method",
    "data_quality": "one set of CRM data rules",
    "plan_consistency": "territories, quotas and pay set one way",
}
# Fields a role may leave out (documents and links made before they existed): their defaults.
_OPTIONAL_FIELDS: dict[str, Any] = {"control": "", "peak_factor": 1.0, "peak_share": 0.0}


_UNIT_FIELDS = ("local_knowledge_sensitivity", "standardization_gain", "hybrid_central_share")
_POSITIVE_FIELDS = (
    "service_rate_per_fte_week",
    "target_answer_hours",
    "urgency_hours",
)
_NON_NEGATIVE_FIELDS = (
    "cost_usd_per_year",
    "demand_per_rep_week",
    "rep_hours_saved_per_request",
    "peak_factor",
    "peak_share",
)


@dataclass(frozen=True)
class RoleSpec:
    """One sales-ops role and its model parameters.

    Parameters
    ----------
    id, name, category : str
        Identifier (``crm_admin``), display name and functional category
        (``IT / systems``, ``Marketing``, ``Analytics``, ...).
    relation : {"leads", "supports"}
        Whether sales ops leads the function or supports another owner.
    functions : tuple of str
        Charter functions the role covers (forecasting, deal desk, ...).
    cost_usd_per_year : float
        Fully loaded cost of one FTE at HQ.
    service_rate_per_fte_week : float
        Requests one FTE completes per week (mu).
    demand_per_rep_week : float
        Requests one rep raises per week (lambda per rep).
    rep_hours_saved_per_request : float
        Rep hours a served request saves (h).
    local_knowledge_sensitivity : float
        alpha in [0, 1]: value lost when the server lacks local knowledge.
    standardization_gain : float
        sigma in [0, 1]: service-rate gain of a pooled, standardized team.
    target_answer_hours : float
        Business hours within which a request should be picked up.
    urgency_hours : float
        Response time at which a request keeps half its value.
    hybrid_central_share : float
        Share of requests sent to the central hub when the role is hybrid.
    control : str
        What central control of the role's work protects (a key of :data:`CONTROLS`, such as
        ``discount_leakage`` for the deal desk), or "" for none.
    peak_factor, peak_share : float
        Seasonal peaks (model version 4): in ``peak_share`` of the year's weeks (quarter-ends,
        the planning season) requests arrive ``peak_factor`` times as fast as in the other weeks;
        the yearly average stays ``demand_per_rep_week``. 1 and 0: no peak.

    Raises
    ------
    ValueError
        If a parameter is out of range; the message names the role and field.

    Examples
    --------
    >>> role = load_catalog()["deal_desk"]
    >>> role.relation
    'leads'
    """

    id: str
    name: str
    category: str
    relation: str
    functions: tuple[str, ...]
    cost_usd_per_year: float
    service_rate_per_fte_week: float
    demand_per_rep_week: float
    rep_hours_saved_per_request: float
    local_knowledge_sensitivity: float
    standardization_gain: float
    target_answer_hours: float
    urgency_hours: float
    hybrid_central_share: float
    control: str = ""
    peak_factor: float = 1.0
    peak_share: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValueError("role id must not be blank")
        if self.control != "" and self.control not in CONTROLS:
            raise ValueError(
                f"role {self.id!r}: control must be empty or one of {', '.join(CONTROLS)}, got {self.control!r}"
            )
        if self.relation not in RELATIONS:
            raise ValueError(f"role {self.id!r}: relation must be one of {RELATIONS}, got {self.relation!r}")
        for name in _UNIT_FIELDS + _POSITIVE_FIELDS + _NON_NEGATIVE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"role {self.id!r}: {name} must be a finite number, got {value!r}")
        for name in _UNIT_FIELDS:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"role {self.id!r}: {name} must be in [0, 1], got {getattr(self, name)!r}")
        for name in _POSITIVE_FIELDS:
            if getattr(self, name) <= 0:
                raise ValueError(f"role {self.id!r}: {name} must be > 0, got {getattr(self, name)!r}")
        for name in _NON_NEGATIVE_FIELDS:
            if getattr(self, name) < 0:
                raise ValueError(f"role {self.id!r}: {name} must be >= 0, got {getattr(self, name)!r}")
        for name, (low, high) in ROLE_RANGES.items():
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"role {self.id!r}: {name} must be between {low:g} and {high:,g}, got {value!r}")
        check_text(self.id, "role id")
        for name in ("name", "category"):
            check_text(getattr(self, name), f"role {self.id!r}: {name}", blank_ok=True)
        for function in self.functions:
            check_text(function, f"role {self.id!r}: function")

    def demand_multipliers(self) -> tuple[float, float]:
        """Demand in a normal week and in a peak week, as multiples of the yearly average.

        >>> from salesops.model.roles import load_catalog
        >>> [round(m, 3) for m in load_catalog()["deal_desk"].demand_multipliers()]
        [0.845, 1.52]
        """
        mix = 1.0 - self.peak_share + self.peak_share * self.peak_factor
        return 1.0 / mix, self.peak_factor / mix

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["functions"] = list(self.functions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RoleSpec":
        """Build a role from a mapping, naming any missing or unknown field."""
        if not isinstance(data, dict):
            raise ValueError(f"a role must be an object, got {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        missing = sorted(names - set(data) - set(_OPTIONAL_FIELDS))
        role_id = data.get("id", "?")
        if missing:
            raise ValueError(f"role {role_id!r}: missing field(s) {', '.join(missing)}")
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"role {role_id!r}: unknown field(s) {', '.join(unknown)}")
        values = {**_OPTIONAL_FIELDS, **data}
        functions = values["functions"]
        if not isinstance(functions, (list, tuple)) or not all(isinstance(f, str) for f in functions):
            raise ValueError(f"role {role_id!r}: functions must be a list of strings")
        values["functions"] = tuple(functions)
        for name in ("id", "name", "category", "relation", "control"):
            if not isinstance(values[name], str):
                raise ValueError(f"role {role_id!r}: {name} must be a string")
        return cls(**values)


@lru_cache(maxsize=1)
def _load_raw() -> dict[str, Any]:
    with open(DATA_DIR / "roles.json", encoding="utf-8") as fh:
        return json.load(fh)


def load_catalog() -> dict[str, RoleSpec]:
    """Return the default role catalog keyed by role id (a fresh dict each call)."""
    return {r["id"]: RoleSpec.from_dict(r) for r in _load_raw()["roles"]}


def catalog_sources() -> dict[str, str]:
    """Return the source of each role parameter's default, keyed by field name."""
    return dict(_load_raw()["sources"])
