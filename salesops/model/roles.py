"""The sales-ops role catalog.

A :class:`RoleSpec` describes one sales-ops role: which function it serves, whether
sales ops *leads* or *supports* that function, what an FTE costs, and the service
and demand parameters the queueing model needs. The defaults live in
``data/roles.json`` next to their sources.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, Iterable, Sequence

from salesops.model.limits import MAX_NAME_CHARS, ROLE_RANGES, TextError, check_text
from salesops.model.paths import DATA_DIR

__all__ = [
    "CONTROLS",
    "CONTROL_WORDS",
    "CUSTOM_CATEGORY",
    "CUSTOM_FIELDS",
    "CustomRoleError",
    "RoleSpec",
    "RELATIONS",
    "catalog_sources",
    "custom_role",
    "custom_role_id",
    "load_catalog",
    "new_role_figures",
]

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


# ----- roles of the user's own: a new role, or a copy of one with new figures ----------------------
CUSTOM_CATEGORY = "Custom role"
MAX_CUSTOM_FUNCTIONS = 10
_ID_PREFIX, _ID_SLUG_CHARS = "custom_", 40
# What a user states for a role of their own, in the words the form uses: a refused value names
# its field this way.
CUSTOM_FIELDS: dict[str, str] = {
    "name": "Role name",
    "functions": "Functions it covers",
    "relation": "Sales ops leads or supports it",
    "cost_usd_per_year": "Cost per FTE (USD a year)",
    "demand_per_rep_week": "Requests per rep per week",
    "service_rate_per_fte_week": "Requests one FTE handles per week",
    "urgency_hours": "Value halves after (business hours)",
    "local_knowledge_sensitivity": "Local-knowledge sensitivity (0-1)",
    "rep_hours_saved_per_request": "Rep hours saved per request",
}
# Figures a new role starts from, each the median of the catalog's roles (model assumptions all).
_MEDIAN_FIELDS = (
    "cost_usd_per_year",
    "service_rate_per_fte_week",
    "demand_per_rep_week",
    "rep_hours_saved_per_request",
    "local_knowledge_sensitivity",
    "standardization_gain",
    "hybrid_central_share",
)


class CustomRoleError(ValueError):
    """A figure of a role of the user's own is refused: ``field`` is the RoleSpec field, the message names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def new_role_figures() -> dict[str, float]:
    """The figures a new role of the user's own starts from: the median of the catalog's roles.

    ``target_share`` is the median of the catalog's target answer time over its urgency: a new
    role's requests are to be picked up within that share of the time at which they lose half
    their value.

    >>> figures = new_role_figures()
    >>> figures["cost_usd_per_year"], figures["rep_hours_saved_per_request"], figures["target_share"]
    (152500.0, 1.5, 0.225)
    """
    catalog = list(load_catalog().values())
    out = {name: float(statistics.median(getattr(r, name) for r in catalog)) for name in _MEDIAN_FIELDS}
    out["target_share"] = float(statistics.median(r.target_answer_hours / r.urgency_hours for r in catalog))
    return out


def custom_role_id(name: str, taken: Iterable[str] = ()) -> str:
    """An id for a role called ``name``: ``custom_`` and the name in lower-case letters and digits.

    Never one of ``taken`` nor a catalog id: a number is added until it is free.

    >>> custom_role_id("Sales engineering ops")
    'custom_sales_engineering_ops'
    >>> custom_role_id("Partner ops", taken=["custom_partner_ops"])
    'custom_partner_ops_2'
    >>> custom_role_id("Ventes & opérations")
    'custom_ventes_operations'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:_ID_SLUG_CHARS].rstrip("_") or "role"
    used = set(taken) | set(_load_raw_ids())
    candidate, n = f"{_ID_PREFIX}{slug}", 1
    while candidate in used:
        n += 1
        candidate = f"{_ID_PREFIX}{slug}_{n}"
    return candidate


def _load_raw_ids() -> list[str]:
    return [r["id"] for r in _load_raw()["roles"]]


def _figure(field: str, value: Any, low: float, high: float, *, positive: bool = False) -> float:
    label = CUSTOM_FIELDS[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CustomRoleError(field, f"{label} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise CustomRoleError(field, f"{label} must be a finite number, got {value!r}")
    if not low <= value <= high or (positive and value <= 0):
        raise CustomRoleError(field, f"{label} must be between {low:g} and {high:,g}, got {value:g}")
    return float(value)


def _functions(functions: str | Sequence[str]) -> tuple[str, ...]:
    label = CUSTOM_FIELDS["functions"]
    items = [functions] if isinstance(functions, str) else list(functions)
    out: list[str] = []
    for item in items:
        try:
            text = check_text(item, label).strip()
        except TextError as exc:
            raise CustomRoleError("functions", str(exc)) from None
        if text.casefold() not in {f.casefold() for f in out}:
            out.append(text)
    if not out:
        raise CustomRoleError("functions", f"{label}: name at least one")
    if len(out) > MAX_CUSTOM_FUNCTIONS:
        raise CustomRoleError("functions", f"{label}: at most {MAX_CUSTOM_FUNCTIONS}, got {len(out)}")
    return tuple(out)


def custom_role(
    name: str,
    functions: str | Sequence[str],
    relation: str,
    cost_usd_per_year: float,
    demand_per_rep_week: float,
    service_rate_per_fte_week: float,
    urgency_hours: float,
    *,
    local_knowledge_sensitivity: float | None = None,
    rep_hours_saved_per_request: float | None = None,
    base: RoleSpec | None = None,
    existing: Iterable[RoleSpec] = (),
) -> RoleSpec:
    """A sales-ops role of the user's own, or a copy of ``base`` with new figures, checked field by field.

    Parameters
    ----------
    name : str
        What the role is called; no role of ``existing`` may have the same name (ignoring case).
    functions : str or sequence of str
        The functions it covers: the charter's (``"deal desk"``) or any of the user's own words.
    relation : {"leads", "supports"}
        Whether sales ops leads the function or supports its owner.
    cost_usd_per_year, demand_per_rep_week, service_rate_per_fte_week, urgency_hours : float
        Cost of one FTE at HQ, requests one rep raises a week, requests one FTE handles a week, and
        the business hours after which a request has lost half its value; each within
        :data:`~salesops.model.limits.ROLE_RANGES`.
    local_knowledge_sensitivity, rep_hours_saved_per_request : float, optional
        The value lost without local knowledge (0-1) and the rep hours a served request saves;
        ``base``'s figures, or the catalog's medians for a new role (:func:`new_role_figures`).
    base : RoleSpec, optional
        The role copied. Its other figures carry over (the target answer time keeps its ratio to
        the urgency); what central control of its work is worth does not, since the original
        already counts it.
    existing : iterable of RoleSpec
        The scenario's roles: the new id differs from theirs and from every catalog id.

    Raises
    ------
    CustomRoleError
        Naming the refused field in the form's words (:data:`CUSTOM_FIELDS`).

    Examples
    --------
    >>> catalog = load_catalog()
    >>> role = custom_role("RevOps generalist", "CRM and systems", "leads", 140_000, 0.3, 30, 16)
    >>> role.id, role.category, role.target_answer_hours, role.control
    ('custom_revops_generalist', 'Custom role', 3.6, '')
    >>> copy = custom_role("Deal desk EMEA", ["deal desk"], "leads", 120_000, 0.45, 30, 8, base=catalog["deal_desk"])
    >>> copy.category, copy.target_answer_hours, copy.peak_factor, copy.control
    ('Deal desk', 2.0, 1.8, '')
    >>> custom_role("deal desk", "deal desk", "leads", 1, 1, 1, 1, existing=catalog.values())
    Traceback (most recent call last):
    ...
    salesops.model.roles.CustomRoleError: Role name: the scenario already has a role called 'Deal desk'
    >>> custom_role("Partner ops", "partner deals", "supports", 150_000, 0.2, 0, 40)
    Traceback (most recent call last):
    ...
    salesops.model.roles.CustomRoleError: Requests one FTE handles per week must be between 0.01 and 10,000, got 0
    """
    try:
        name = check_text(name, CUSTOM_FIELDS["name"], limit=MAX_NAME_CHARS).strip()
    except TextError as exc:
        raise CustomRoleError("name", str(exc)) from None
    existing = list(existing)
    same = next((r for r in existing if r.name.strip().casefold() == name.casefold()), None)
    if same is not None:
        raise CustomRoleError("name", f"{CUSTOM_FIELDS['name']}: the scenario already has a role called {same.name!r}")
    covered = _functions(functions)
    if relation not in RELATIONS:
        raise CustomRoleError("relation", f"{CUSTOM_FIELDS['relation']}: choose leads or supports, got {relation!r}")
    figures = {
        "cost_usd_per_year": cost_usd_per_year,
        "demand_per_rep_week": demand_per_rep_week,
        "service_rate_per_fte_week": service_rate_per_fte_week,
        "urgency_hours": urgency_hours,
    }
    checked = {k: _figure(k, v, *ROLE_RANGES[k], positive=k in _POSITIVE_FIELDS) for k, v in figures.items()}
    start = new_role_figures()
    optional = {
        "local_knowledge_sensitivity": (local_knowledge_sensitivity, (0.0, 1.0)),
        "rep_hours_saved_per_request": (rep_hours_saved_per_request, ROLE_RANGES["rep_hours_saved_per_request"]),
    }
    for field, (value, (low, high)) in optional.items():
        if value is None:
            value = getattr(base, field) if base is not None else start[field]
        checked[field] = _figure(field, value, low, high)
    if base is not None:
        share = base.target_answer_hours / base.urgency_hours
        rest = {k: getattr(base, k) for k in ("standardization_gain", "hybrid_central_share", "peak_factor")}
        rest["peak_share"], category = base.peak_share, base.category
    else:
        share, category = start["target_share"], CUSTOM_CATEGORY
        rest = {k: start[k] for k in ("standardization_gain", "hybrid_central_share")}
    low, high = ROLE_RANGES["target_answer_hours"]
    target = min(high, max(low, round(checked["urgency_hours"] * share, 4)))
    return RoleSpec(
        id=custom_role_id(name, [r.id for r in existing]),
        name=name,
        category=category,
        relation=relation,
        functions=covered,
        target_answer_hours=target,
        control="",
        **checked,
        **rest,
    )
