"""Plausibility warnings on screen: one warning box for each figure above its stated cap.

The caps and the wording are in :mod:`salesops.model.plausibility`; this module only shows them.
Call these inside a script run (they draw with Streamlit).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from salesops.model.plausibility import CAPS, design_warnings, initiative_warnings
from salesops.model.results import Results
from salesops.ui.text import md

__all__ = ["WARNING_ICON", "show_caps", "show_design_warnings", "show_initiative_warnings"]

WARNING_ICON = ":material/warning:"


def show_design_warnings(results: Results) -> list[str]:
    """Show a warning for each figure of a design's ``results`` above a plausibility cap.

    Returns the warnings shown (plain text; empty when every figure is within its cap),
    so that a page can say more, or a test can check, without reading the screen.
    """
    found = design_warnings(results)
    for text in found:
        st.warning(md(text), icon=WARNING_ICON)
    return found


def show_initiative_warnings(ranked: pd.DataFrame | Any) -> list[str]:
    """Show a warning for each initiative of ``ranked`` (the table of ``initiatives.rank``) above a cap.

    One box per initiative, a paragraph per cap it passes. Returns the warnings shown (one text per
    cap passed), in the table's order.
    """
    found = []
    for row in ranked.itertuples():
        texts = initiative_warnings(row)
        if texts:  # one box per initiative, a paragraph per cap it passes
            st.warning("\n\n".join(md(t) for t in texts), icon=WARNING_ICON)
            found.extend(texts)
    return found


def show_caps() -> None:
    """The plausibility caps with their values and reasons, as a list (for an expander)."""
    st.markdown("\n".join(f"- **{md(c.figure)}**: {md(c.limit)}. {md(c.reason)}" for c in CAPS))
