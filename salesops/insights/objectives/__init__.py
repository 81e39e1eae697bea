"""Clear objectives and managing to the metrics: the charter, KPIs, targets and actuals.

May import :mod:`salesops.model` only (as all of :mod:`salesops.insights`).
"""

from salesops.insights.objectives.actuals import (
    ACTUALS_COLUMNS,
    MAX_ACTUALS_BYTES,
    MAX_ACTUALS_ROWS,
    ActualsRejected,
    actuals_template,
    merge_actuals,
    parse_actuals,
)
from salesops.insights.objectives.charter import (
    CharterFlag,
    charter_flags,
    covering_roles,
    default_charter,
    effective_charter,
    with_charter,
)
from salesops.insights.objectives.edits import ObjectivesRejected, objectives_from_rows
from salesops.insights.objectives.kpis import (
    RELATIVE_TO,
    STATUSES,
    KpiTarget,
    default_tolerance,
    format_gap,
    format_kpi,
    kpi_status,
    kpi_table,
    kpi_targets,
    kpi_values,
    latest_actuals,
    target_sources,
)
from salesops.insights.objectives.parsing import MAX_PROBLEMS, period_month, resolve_kpi
from salesops.insights.objectives.series import TIME_PATH_KPIS, actual_series, first_period, projected_series

__all__ = [
    "ACTUALS_COLUMNS",
    "MAX_ACTUALS_BYTES",
    "MAX_ACTUALS_ROWS",
    "MAX_PROBLEMS",
    "RELATIVE_TO",
    "STATUSES",
    "TIME_PATH_KPIS",
    "ActualsRejected",
    "CharterFlag",
    "KpiTarget",
    "ObjectivesRejected",
    "actual_series",
    "actuals_template",
    "charter_flags",
    "covering_roles",
    "default_charter",
    "default_tolerance",
    "effective_charter",
    "first_period",
    "format_gap",
    "format_kpi",
    "kpi_status",
    "kpi_table",
    "kpi_targets",
    "kpi_values",
    "latest_actuals",
    "merge_actuals",
    "objectives_from_rows",
    "parse_actuals",
    "period_month",
    "projected_series",
    "resolve_kpi",
    "target_sources",
    "with_charter",
]
