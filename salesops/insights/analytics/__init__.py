"""Org analytics: spans of control, layers, ratios, cost by function and region, health flags.

May import :mod:`salesops.model` only (as all of :mod:`salesops.insights`).
"""

from salesops.insights.analytics.analysis import OrgAnalytics, analyze, analyze_scenario
from salesops.insights.analytics.costs import (
    FUNCTION_LEADERS,
    FUNCTION_MANAGERS,
    FUNCTION_OTHER,
    FUNCTION_REPS,
    OPS_FUNCTION_PREFIX,
    CostDefault,
    cost_defaults,
)
from salesops.insights.analytics.health import (
    JUDGED_RULES,
    STATUSES,
    VERDICTS,
    HealthFlag,
    Verdict,
    health_rules,
    judge,
)

__all__ = [
    "FUNCTION_LEADERS",
    "FUNCTION_MANAGERS",
    "FUNCTION_OTHER",
    "FUNCTION_REPS",
    "JUDGED_RULES",
    "OPS_FUNCTION_PREFIX",
    "STATUSES",
    "VERDICTS",
    "CostDefault",
    "HealthFlag",
    "OrgAnalytics",
    "Verdict",
    "analyze",
    "analyze_scenario",
    "cost_defaults",
    "health_rules",
    "judge",
]
