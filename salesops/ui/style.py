"""The little CSS the app adds to Streamlit's: readable at 1024, 1280 and 1920 pixels wide.

One static stylesheet, the same on every page (:func:`apply`, called by every page through
:func:`salesops.ui.boot.ensure_app_navigation`). It is a constant: nothing in it is ever built
from a scenario, a name or any other input, so no text a user types can reach it. Each rule
targets one kind of Streamlit element by its ``data-testid`` and changes only how its text
fits; tests/test_browser_layout.py checks the result at the three sizes.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["APP_CSS", "CAPTION_COLOR", "apply"]

# Secondary text: 7.8:1 on white and 7.2:1 on the sidebar's #f3f6fa (WCAG 2.1 AA asks 4.5:1);
# Streamlit's own caption (its text colour at 60% opacity, #777c83 here) has 4.2:1.
CAPTION_COLOR = "#4a5360"

APP_CSS = f"""<style>
/* Option controls (segmented controls, pills) wrap onto a second row instead of scrolling
   their last option out of sight ("Hybrid" shown as "Hy"). */
[data-testid="stButtonGroup"] [role="radiogroup"],
[data-testid="stButtonGroup"] [role="group"] {{
  flex-wrap: wrap;
  overflow-x: visible;
}}
/* Slimmer side padding: Centralized / Localized / Hybrid fit one row in a third of a 1280-px page. */
[data-testid="stButtonGroup"] button[data-variant="segmented_control"] {{
  padding-left: 0.625rem;
  padding-right: 0.625rem;
}}
/* The words of a button and of a headline figure's label and value wrap instead of ending in "...". */
button .stMarkdownEllipsis,
button .stMarkdownEllipsis p,
[data-testid="stMetricLabel"] .stMarkdownEllipsis,
[data-testid="stMetricLabel"] .stMarkdownEllipsis p,
[data-testid="stMetricValue"] .stMarkdownEllipsis,
[data-testid="stMetricValue"] .stMarkdownEllipsis p {{
  white-space: normal;
  overflow: visible;
  text-overflow: clip;
  overflow-wrap: break-word;
}}
/* Headline figures: 36 px on a wide screen, smaller in five columns of a 1024-px window. */
div[data-testid="stMetricValue"] {{
  font-size: clamp(1.5rem, 2.4vw, 2.25rem);
}}
/* Captions dark enough to read on a projector, and for WCAG 2.1 AA contrast. */
div[data-testid="stCaptionContainer"] {{
  color: {CAPTION_COLOR};
  opacity: 1;
}}
</style>"""


def apply() -> None:
    """Add :data:`APP_CSS` to this script run (a style-only ``st.html``: it takes no room on the page)."""
    st.html(APP_CSS)
