"""Make a deep link on a freshly started server open through ``streamlit_app.py``.

Streamlit keeps a process-wide flag that runs the very first script run of a
server in the old "pages directory" mode when a folder named ``pages/`` exists.
A stakeholder whose shared link (``/roi``) is the first request would then see
the page without the app's navigation and sidebar. Every page calls
:func:`ensure_app_navigation` first: in that mode it clears the flag and reruns,
so the run goes through ``st.navigation`` like every later one. It also adds the app's
stylesheet (:mod:`salesops.ui.style`), so every page gets it from the same first line.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from salesops.ui import style

__all__ = ["ensure_app_navigation"]


def ensure_app_navigation() -> None:
    """Rerun through the entry script if this run bypassed ``st.navigation``; then add the app's stylesheet."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    style.apply()
