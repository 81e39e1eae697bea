"""Presentation mode: the workshop's one screen at 1280x720.

The sidebar is hidden; a large headline strip shows the change since we began; the placement
controls and two charts sit below it, and one button leads back to the app.
"""

import streamlit as st

from salesops import charts
from salesops.ui import state
from salesops.ui.boot import ensure_app_navigation
from salesops.ui.text import md
from salesops.ui.widgets import headline_strip, placement_controls

ensure_app_navigation()

# Static CSS, never built from data: no sidebar or its toggle, less padding, larger headline figures.
PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.75rem 1.5rem 0.5rem 1.5rem !important; max-width: 100% !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
</style>"""

st.html(PRESENT_CSS)
scenario = state.current()
res = state.results()

title_col, back_col = st.columns([5, 1], vertical_alignment="center")
title_col.markdown(f"#### {md(scenario.name)} · {res.reps:,} reps · {res.sales_ops_fte:,.1f} sales-ops FTE")
if back_col.button("Leave presentation", key="present:leave", icon=":material/close_fullscreen:", width="stretch"):
    st.switch_page("pages/roi.py")
headline_strip(mode="baseline")
placement_controls(scenario)
left, right = st.columns(2)
left.vega_lite_chart(spec=charts.page_spec("productivity", res), width="stretch")
right.vega_lite_chart(spec=charts.page_spec("cumulative", res), width="stretch", height=280)
