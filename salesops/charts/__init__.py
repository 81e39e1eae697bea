"""Charts: Vega-Lite specs built from results and analytics, drawn by the pages and the reports.

May import :mod:`salesops.model` and :mod:`salesops.insights`.
"""

from salesops.charts.common import KIND_COLORS, PLACEMENT_COLORS, arrow_spec, chart_spec, page_spec, results_spec
from salesops.charts.roi import (
    cost_by_role_chart,
    cumulative_chart,
    productivity_chart,
    projection_chart,
    selling_time_chart,
    whatif_chart,
)
from salesops.charts.org import KIND_LABELS, ROW_PX, org_chart, org_chart_spec, org_frames
from salesops.charts.analytics import (
    RELATION_COLORS,
    STATUS_COLORS,
    VERDICT_COLORS,
    cost_by_region_chart,
    ops_by_category_chart,
    peer_comparison_chart,
    spans_chart,
)
from salesops.charts.dashboard import KPI_TRACK_COLORS, kpi_track_chart, kpi_track_spec
from salesops.charts import uncertainty  # noqa: F401 (registers the uncertainty charts for chart_spec)

__all__ = [
    "KIND_COLORS",
    "KIND_LABELS",
    "KPI_TRACK_COLORS",
    "PLACEMENT_COLORS",
    "RELATION_COLORS",
    "ROW_PX",
    "STATUS_COLORS",
    "VERDICT_COLORS",
    "chart_spec",
    "cost_by_region_chart",
    "cost_by_role_chart",
    "cumulative_chart",
    "kpi_track_chart",
    "kpi_track_spec",
    "ops_by_category_chart",
    "org_chart",
    "org_chart_spec",
    "org_frames",
    "peer_comparison_chart",
    "productivity_chart",
    "projection_chart",
    "results_spec",
    "arrow_spec",
    "page_spec",
    "selling_time_chart",
    "spans_chart",
    "whatif_chart",
]
