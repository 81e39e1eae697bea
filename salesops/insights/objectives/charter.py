"""The charter: for each function, whether sales ops leads it, supports its owner, or leaves it alone.

Practice 1 of a good sales-ops function is a clear charter: for each function
(forecasting, deal desk, ...) sales ops either **leads** it, **supports** its
owner, or leaves it alone (**not ours**). :func:`default_charter` derives the
charter from the role catalog; a scenario's ``charter`` overrides it function by
function, and :func:`charter_flags` reports where the charter and the roles of
the scenario disagree: a function sales ops leads with no role to do it (a
*gap*), and a role spending time on a function the charter says is not ours
(the *dumping ground*).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence


from salesops.model.plan_items import FUNCTIONS, CharterEntry
from salesops.model.roles import RoleSpec, load_catalog
from salesops.model.scenario import RolePlan, Scenario


@dataclass(frozen=True)
class CharterFlag:
    """Where the charter and the scenario's roles disagree.

    Parameters
    ----------
    kind : {"gap", "dumping_ground"}
        ``"gap"``: sales ops leads ``function`` but no role of the scenario covers
        it. ``"dumping_ground"``: roles of the scenario spend time on ``function``,
        which the charter marks "not ours".
    function : str
        One of :data:`salesops.model.plan_items.FUNCTIONS`.
    roles : tuple of str
        Role ids: for a gap, the catalog roles that would cover the function; for
        a dumping ground, the scenario's roles that do the work.
    message : str
        A sentence for the user.
    """

    kind: str
    function: str
    roles: tuple[str, ...]
    message: str


def default_charter(catalog: Mapping[str, RoleSpec] | None = None) -> dict[str, str]:
    """The charter the role catalog implies, function by function.

    A function is led if any catalog role that lists it leads it, supported if
    the roles that list it only support it, and supported if no role lists it.

    Parameters
    ----------
    catalog : mapping of role id to RoleSpec, optional
        Defaults to :func:`salesops.model.roles.load_catalog`.

    Returns
    -------
    dict
        Function -> ``"leads"`` or ``"supports"``, in the order of
        :data:`~salesops.model.plan_items.FUNCTIONS`.

    Examples
    --------
    >>> charter = default_charter()
    >>> charter["forecasting"], charter["lead management"], charter["hiring support"]
    ('leads', 'supports', 'supports')
    """
    roles = list((catalog if catalog is not None else load_catalog()).values())
    out = {}
    for function in FUNCTIONS:
        relations = {r.relation for r in roles if function in r.functions}
        out[function] = "leads" if "leads" in relations else "supports"
    return out


def effective_charter(scenario: Scenario) -> dict[str, str]:
    """The scenario's charter: its own entries over the catalog's defaults.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> s = with_charter(load_sample("midmarket"), "pricing support", "not ours")
    >>> effective_charter(s)["pricing support"], effective_charter(s)["deal desk"]
    ('not ours', 'leads')
    """
    charter = default_charter()
    charter.update({entry.function: entry.relation for entry in scenario.charter})
    return charter


def with_charter(scenario: Scenario, function: str, relation: str) -> Scenario:
    """Return a copy of ``scenario`` with sales ops' relation to one function changed.

    The stored charter keeps only the entries that differ from the catalog's
    defaults, so setting a function back to its default restores the scenario
    exactly (and a charter of defaults only is empty).

    Raises
    ------
    salesops.model.plan_items.PlanItemError
        Naming an unknown function or relation.
    """
    changed = CharterEntry(function, relation)  # validates both
    defaults = default_charter()
    charter = effective_charter(scenario)
    charter[changed.function] = changed.relation
    entries = tuple(CharterEntry(f, r) for f, r in charter.items() if r != defaults[f])
    return replace(scenario, charter=entries)


def _staffed(plan: RolePlan, scenario: Scenario) -> bool:
    """A role counts as covering its functions unless it is manually sized to no FTE."""
    if plan.sizing != "manual":
        return True
    central, local = scenario.manual_fte(plan)
    return central + sum(local.values()) > 0


def covering_roles(scenario: Scenario) -> dict[str, tuple[RolePlan, ...]]:
    """For each function, the scenario's staffed roles that list it.

    A manually sized role with no FTE covers nothing.
    """
    staffed = [p for p in scenario.roles if _staffed(p, scenario)]
    return {f: tuple(p for p in staffed if f in p.role.functions) for f in FUNCTIONS}


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def charter_flags(scenario: Scenario) -> list[CharterFlag]:
    """Where the charter and the scenario's roles disagree.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    list of CharterFlag
        Gaps first (functions sales ops leads that no staffed role covers), then
        dumping grounds (functions marked "not ours" that staffed roles still
        spend time on), each in the order of
        :data:`~salesops.model.plan_items.FUNCTIONS`. Empty when they agree.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> s = with_charter(load_sample("midmarket"), "pricing support", "not ours")
    >>> print(charter_flags(s)[0].message)
    Deal desk spends time on pricing support, which the charter says is not ours.
    """
    charter = effective_charter(scenario)
    covers = covering_roles(scenario)
    catalog = load_catalog()
    gaps, dumps = [], []
    for function in FUNCTIONS:
        relation, doers = charter[function], covers[function]
        if relation == "leads" and not doers:
            candidates = tuple(r.id for r in catalog.values() if function in r.functions)
            hint = (
                f"add {_names([catalog[c].name for c in candidates])} (Org designer page)"
                if candidates
                else "add a role that covers it"
            )
            gaps.append(
                CharterFlag(
                    "gap",
                    function,
                    candidates,
                    f"Sales ops leads {function}, but no role in this scenario covers it: {hint}, "
                    f"or change the charter to 'supports' or 'not ours'.",
                )
            )
        elif relation == "not ours" and doers:
            verb = "spends" if len(doers) == 1 else "spend"
            dumps.append(
                CharterFlag(
                    "dumping_ground",
                    function,
                    tuple(p.role.id for p in doers),
                    f"{_names([p.role.name for p in doers])} {verb} time on {function}, "
                    f"which the charter says is not ours.",
                )
            )
    return gaps + dumps
