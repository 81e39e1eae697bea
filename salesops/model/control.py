"""What central control buys (model version 4): discount leakage, forecast accuracy, data quality, plans.

Practitioners centralize some roles less for throughput than for control: one pricing policy on
every deal, one forecast method, one set of data rules, territories and pay plans set one way.
A role that protects such a thing names it (``RoleSpec.control``, a key of
:data:`~salesops.model.roles.CONTROLS`), and the scenario's assumptions say what it is worth as
a share of revenue (``discount_leakage_share`` and so on, each with its range and source).

For each region a role serves, the value kept is

    revenue at stake (reps x no-ops revenue per rep) x control share x work share x served share x capture

where capture is 1 for work the hub does, ``embedded_adherence`` for an embedded team that works
to the standard process, and 0 for an embedded team with a process of its own. It is money kept
(price realised, over-payment avoided), so it is not multiplied by the gross margin. Standard
processes, likewise, are a choice the scenario states (``RolePlan.process``), not a property of
the word "centralized": embedded teams on the standard process get its throughput gain too, at a
compliance overhead (``standard_process_overhead``). Equations in ``docs/MODEL.md``.
"""

from __future__ import annotations

from salesops.model.parts import Assumptions, RolePlan
from salesops.model.results import ServiceResult
from salesops.model.roles import CONTROLS, RoleSpec

__all__ = ["capture", "control_rate", "process_of", "service_control_usd"]


def control_rate(role: RoleSpec, a: Assumptions) -> float:
    """Share of revenue at stake in the role's control (0 for a role without one).

    >>> from salesops.model.roles import load_catalog
    >>> from salesops.model.parts import Assumptions
    >>> catalog, a = load_catalog(), Assumptions()
    >>> control_rate(catalog["deal_desk"], a), control_rate(catalog["enablement"], a)
    (0.005, 0.0)
    """
    return float(getattr(a, CONTROLS[role.control])) if role.control else 0.0


def process_of(plan: RolePlan, model_version: int) -> str:
    """How the role's embedded teams work: its stated process (model 4), else "local" (before model 4)."""
    return plan.process if model_version >= 4 else "local"


def capture(central: bool, standard_process: bool, a: Assumptions) -> float:
    """The share of control kept: 1 at the hub, ``embedded_adherence`` on the standard process, else 0."""
    if central:
        return 1.0
    return a.embedded_adherence if standard_process else 0.0


def service_control_usd(role: RoleSpec, s: ServiceResult, reps: int, revenue_per_rep: float, a: Assumptions) -> float:
    """What central control of the work ``s`` does for a region of ``reps`` is worth a year."""
    rate = control_rate(role, a)
    if rate <= 0:
        return 0.0
    kept = capture(s.central, s.standard_process, a)
    return reps * revenue_per_rep * rate * s.share * s.served_share * kept
