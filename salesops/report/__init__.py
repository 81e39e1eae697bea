"""Reports a consultant hands over (Excel, HTML, PowerPoint), with the charts as images.

May import :mod:`salesops.model`, :mod:`salesops.readwrite`, :mod:`salesops.charts` and :mod:`salesops.insights`.
"""

from salesops.report.common import CHART_NAMES, CHART_TITLES, WHATIF_NET_LABEL, AssumptionRow, assumption_rows
from salesops.report.common import _clean  # noqa: F401 (tests import it from here)
from salesops.report.excel import to_excel
from salesops.report.html import to_html
from salesops.report.images import _chunks_of  # noqa: F401 (tests import it from here)
from salesops.report.images import recompress_png, render_charts
from salesops.report.pptx import TOP_ASSUMPTIONS, to_pptx

__all__ = [
    "CHART_NAMES",
    "CHART_TITLES",
    "TOP_ASSUMPTIONS",
    "WHATIF_NET_LABEL",
    "AssumptionRow",
    "assumption_rows",
    "recompress_png",
    "render_charts",
    "to_excel",
    "to_html",
    "to_pptx",
]
